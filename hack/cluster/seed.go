package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"strings"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// A request as someone would send it: who sends it (impersonated by the admin, so the
// apiserver records them as the requester), for which key, subject and SANs, and what the
// admin does with it.
type seedRequest struct {
	name      string // ends with '-' for a generated name, as kubelets do
	requester string
	groups    []string
	key       func() (crypto.Signer, error)
	csr       x509.CertificateRequest
	signer    string
	usages    []certv1.KeyUsage
	seconds   int32  // expirationSeconds; 0 asks for the signer's maximum
	decision  string // "", "approve" (wait for the certificate), "approve-fails", "deny"
	note      string
}

const (
	node     = "node-1"
	nodeIP   = "10.0.0.11"
	nodeUser = "system:node:" + node
)

var (
	client   = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageKeyEncipherment, certv1.UsageClientAuth}
	kubelet  = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageClientAuth}
	serving  = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageKeyEncipherment, certv1.UsageServerAuth}
	nodeOrgs = []string{"system:nodes"}
)

func seedRequests() []seedRequest {
	return []seedRequest{
		{name: "alice-laptop", requester: "alice", key: rsaKey(2048),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "alice", Organization: []string{"dev"}}},
			signer: certv1.KubeAPIServerClientSignerName, usages: client, seconds: 3600,
			note: "pending: a user's own 1h client certificate"},
		{name: "bob-workstation", requester: "bob", key: ecKey(elliptic.P256()),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "bob", Organization: []string{"ops", "dev"}}},
			signer: certv1.KubeAPIServerClientSignerName, usages: client,
			note: "pending: no expirationSeconds, so the signer's full year"},
		{name: "carol-legacy-tool", requester: "carol", key: rsaKey(1024),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "carol"}},
			signer: certv1.KubeAPIServerClientSignerName, usages: client, seconds: 86400,
			note: "pending: a 1024-bit RSA key"},
		{name: "csr-", requester: nodeUser, groups: nodeOrgs, key: ecKey(elliptic.P256()),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: nodeUser, Organization: nodeOrgs}},
			signer: certv1.KubeAPIServerClientKubeletSignerName, usages: kubelet,
			note: "pending: node-1's kubelet client certificate"},
		{name: "csr-", requester: nodeUser, groups: nodeOrgs, key: ecKey(elliptic.P256()),
			csr: x509.CertificateRequest{Subject: pkix.Name{CommonName: nodeUser, Organization: nodeOrgs},
				DNSNames: []string{node}, IPAddresses: []net.IP{net.ParseIP(nodeIP)}},
			signer: certv1.KubeletServingSignerName, usages: serving,
			note: "pending: node-1's kubelet serving certificate, SANs match the Node"},
		{name: "csr-", requester: nodeUser, groups: nodeOrgs, key: ecKey(elliptic.P256()),
			csr: x509.CertificateRequest{Subject: pkix.Name{CommonName: nodeUser, Organization: nodeOrgs},
				DNSNames: []string{node, "kubernetes.default.svc"}, IPAddresses: []net.IP{net.ParseIP(nodeIP)}},
			signer: certv1.KubeletServingSignerName, usages: serving,
			note: "pending: node-1 serving, also asking for the apiserver's name"},
		{name: "mallory-ops-access", requester: "mallory", key: ecKey(elliptic.P384()),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "mallory", Organization: []string{"system:masters"}}},
			signer: "example.com/ops-signer", usages: client, seconds: 86400,
			note: "pending: O=system:masters through a custom signer"},
		{name: "dave-admin", requester: "dave", key: ecKey(elliptic.P256()),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "admin"}},
			signer: certv1.KubeAPIServerClientSignerName, usages: client, seconds: 3600,
			decision: "deny", note: "denied: dave asked for someone else's name"},
		{name: "erin-dashboard", requester: "erin", key: ecKey(elliptic.P256()),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "erin", Organization: []string{"dev"}}},
			signer: certv1.KubeAPIServerClientSignerName, usages: client, seconds: 86400,
			decision: "approve", note: "approved and issued"},
		{name: "ci-bot-server-cert", requester: "ci-bot", key: ecKey(elliptic.P256()),
			csr:    x509.CertificateRequest{Subject: pkix.Name{CommonName: "ci-bot"}},
			signer: certv1.KubeAPIServerClientSignerName, usages: serving, seconds: 3600,
			decision: "approve-fails", note: "approved, then failed: server auth from the client signer"},
	}
}

func rsaKey(bits int) func() (crypto.Signer, error) {
	return func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, bits) }
}

func ecKey(curve elliptic.Curve) func() (crypto.Signer, error) {
	return func() (crypto.Signer, error) { return ecdsa.GenerateKey(curve, rand.Reader) }
}

// seedCluster creates node-1, the requests above and two users with less than admin's
// rights, and returns a summary for the terminal.
func seedCluster(ctx context.Context, cp *controlplane.ControlPlane) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	admin, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		return "", err
	}
	if _, err := controlplane.CreateNode(ctx, admin, node,
		corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: nodeIP},
		corev1.NodeAddress{Type: corev1.NodeHostName, Address: node}); err != nil {
		return "", fmt.Errorf("node %s: %w", node, err)
	}
	reqs := seedRequests()
	var requesters []string
	for _, r := range reqs {
		if len(r.groups) == 0 {
			requesters = append(requesters, r.requester)
		}
	}
	// Users and nodes may ask for certificates (as kubeadm lets nodes do), nothing more.
	if err := bind(ctx, admin, "csrtui-seed:requester", requesters, nodeOrgs, rbacv1.PolicyRule{
		APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests"}, Verbs: []string{"create", "get"},
	}); err != nil {
		return "", err
	}

	var b strings.Builder
	b.WriteString("\nseeded:\n")
	for _, r := range reqs {
		name, err := create(ctx, cp, r)
		if err != nil {
			return "", fmt.Errorf("request %s: %w", r.name, err)
		}
		if err := decide(ctx, admin, name, r.decision); err != nil {
			return "", fmt.Errorf("request %s: %w", name, err)
		}
		fmt.Fprintf(&b, "  %-19s %-19s %s\n", name, r.requester, r.note)
	}
	fmt.Fprintf(&b, "  %-19s %-19s InternalIP %s\n", "node/"+node, "", nodeIP)

	users, err := seedUsers(ctx, cp, admin)
	if err != nil {
		return "", err
	}
	return b.String() + users, nil
}

// create sends r as its requester and returns the request's name.
func create(ctx context.Context, cp *controlplane.ControlPlane, r seedRequest) (string, error) {
	cfg := rest.CopyConfig(cp.Admin)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: r.requester, Groups: r.groups}
	as, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", err
	}
	key, err := r.key()
	if err != nil {
		return "", err
	}
	req, err := controlplane.CSRPEM(key, &r.csr)
	if err != nil {
		return "", err
	}
	csr, err := controlplane.CreateCSR(ctx, as, r.name, r.signer, req, r.usages, r.seconds)
	if err != nil {
		return "", err
	}
	return csr.Name, nil
}

func decide(ctx context.Context, admin kubernetes.Interface, name, decision string) error {
	switch decision {
	case "":
		return nil
	case "deny":
		return controlplane.Deny(ctx, admin, name, "CSRTUIDeny", "this is not your name")
	case "approve":
		if err := controlplane.Approve(ctx, admin, name, "CSRTUIApprove", "dashboard access for erin"); err != nil {
			return err
		}
		_, err := controlplane.WaitForCertificate(ctx, admin, name)
		return err
	case "approve-fails":
		if err := controlplane.Approve(ctx, admin, name, "CSRTUIApprove", "approved without a look"); err != nil {
			return err
		}
		return wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			csr, err := admin.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range csr.Status.Conditions {
				if c.Type == certv1.CertificateFailed {
					return true, nil
				}
			}
			return false, nil
		})
	}
	return fmt.Errorf("unknown decision %q", decision)
}

// seedUsers writes kubeconfigs for a user who can only look and one who can approve
// client certificates only, to see csrtui's access checks.
func seedUsers(ctx context.Context, cp *controlplane.ControlPlane, admin kubernetes.Interface) (string, error) {
	read := rbacv1.PolicyRule{APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests"},
		Verbs: []string{"get", "list", "watch"}}
	if err := bind(ctx, admin, "csrtui-seed:viewer", []string{"viewer"}, nil, read); err != nil {
		return "", err
	}
	if err := bind(ctx, admin, "csrtui-seed:client-approver", []string{"approver"}, nil, read,
		rbacv1.PolicyRule{APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests/approval"},
			Verbs: []string{"update"}},
		rbacv1.PolicyRule{APIGroups: []string{certv1.GroupName}, Resources: []string{"signers"},
			ResourceNames: []string{certv1.KubeAPIServerClientSignerName}, Verbs: []string{"approve"}},
	); err != nil {
		return "", err
	}
	viewer, _, err := cp.MintUser("viewer")
	if err != nil {
		return "", err
	}
	approver, _, err := cp.MintUser("approver")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("\nother users:\n  viewer (can only look):                 KUBECONFIG=%s\n"+
		"  approver (client certificates only):    KUBECONFIG=%s\n", viewer, approver), nil
}

// bind creates a ClusterRole name with rules, bound to users and groups.
func bind(ctx context.Context, admin kubernetes.Interface, name string, users, groups []string, rules ...rbacv1.PolicyRule) error {
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		return err
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
	}
	for _, u := range users {
		binding.Subjects = append(binding.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: u})
	}
	for _, g := range groups {
		binding.Subjects = append(binding.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: g})
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return err
	}
	// The authorizer learns of the binding through a watch: wait until it applies.
	r := rules[0]
	sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
		ResourceAttributes: &authzv1.ResourceAttributes{Group: r.APIGroups[0], Resource: r.Resources[0], Verb: r.Verbs[0]},
	}}
	if len(users) > 0 {
		sar.Spec.User = users[0]
	} else {
		sar.Spec.User, sar.Spec.Groups = "someone", groups
	}
	return wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		res, err := admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		return err == nil && res.Status.Allowed, err
	})
}
