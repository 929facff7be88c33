package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"os/exec"
	"strings"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	certv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// waitTimeout bounds every wait on the cluster; the signer issues in well under a second.
const waitTimeout = 30 * time.Second

// command runs a program as a person would, in dir, and returns its standard output.
func command(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// kubectl runs kubectl on cp as the user of kubeconfig (the admin when empty).
func kubectl(t *testing.T, cp *controlplane.ControlPlane, kubeconfig string, args ...string) string {
	t.Helper()
	out, err := cp.Kubectl(t.Context(), kubeconfig, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func clientFor(t *testing.T, cfg *rest.Config) kubernetes.Interface {
	t.Helper()
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// createClientCSR creates a pending request for the client signer with a fresh key.
func createClientCSR(t *testing.T, client kubernetes.Interface, name, cn string, orgs ...string) {
	t.Helper()
	createCSR(t, client, name, certv1.KubeAPIServerClientSignerName,
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: cn, Organization: orgs}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)
}

func createCSR(t *testing.T, client kubernetes.Interface, name, signer string, tmpl *x509.CertificateRequest, usages ...certv1.KeyUsage) {
	t.Helper()
	if _, err := client.CertificatesV1().CertificateSigningRequests().Create(t.Context(), newCSR(t, name, signer, tmpl, nil, usages...), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// newCSR is a pending request for a fresh key, labelled for the test that
// created it.
func newCSR(t *testing.T, name, signer string, tmpl *x509.CertificateRequest, labels map[string]string, usages ...certv1.KeyUsage) *certv1.CertificateSigningRequest {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	req, err := controlplane.CSRPEM(key, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	seconds := int32(3600)
	return &certv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec:       certv1.CertificateSigningRequestSpec{Request: req, SignerName: signer, Usages: usages, ExpirationSeconds: &seconds},
	}
}

// grant creates a ClusterRole with rules and binds it to user.
func grant(t *testing.T, client kubernetes.Interface, user string, rules ...rbacv1.PolicyRule) {
	t.Helper()
	grantNamed(t, client, "e2e-"+user, user, rules...)
}

// grantNamed is grant with the role and binding named name, for a user whose
// name can't be an object's.
func grantNamed(t *testing.T, client kubernetes.Interface, name, user string, rules ...rbacv1.PolicyRule) {
	t.Helper()
	ctx := t.Context()
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
	if _, err := client.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if _, err := client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The apiserver's authorizer learns of new bindings through a watch: wait until it
	// allows what was granted, so that a 403 later means a denial, not a delay.
	for _, r := range rules {
		attrs := &authzv1.ResourceAttributes{Group: r.APIGroups[0], Verb: r.Verbs[0]}
		attrs.Resource, attrs.Subresource, _ = strings.Cut(r.Resources[0], "/")
		if len(r.ResourceNames) > 0 {
			attrs.Name = r.ResourceNames[0]
		}
		sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: attrs}}
		err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, waitTimeout, true, func(ctx context.Context) (bool, error) {
			res, err := client.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
			return err == nil && res.Status.Allowed, err
		})
		if err != nil {
			t.Fatalf("%s never allowed %s %s: %v", user, attrs.Verb, r.Resources[0], err)
		}
	}
}

// readCSRs is what it takes to see requests.
var readCSRs = rbacv1.PolicyRule{
	APIGroups: []string{certv1.GroupName},
	Resources: []string{"certificatesigningrequests"},
	Verbs:     []string{"get", "list", "watch"},
}

func waitContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}
