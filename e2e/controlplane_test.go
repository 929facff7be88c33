package e2e

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	certv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// The manual flow from Kubernetes' "Certificates and Certificate Signing Requests" page:
// a key and request from openssl, a v1 CSR created with kubectl, approved with kubectl; the
// certificate verifies against the cluster CA and logs in as the user.
func TestManualFlowWithOpenSSLAndKubectl(t *testing.T) {
	cp := sharedControlPlane(t)
	dir := t.TempDir()

	command(t, dir, "openssl", "genrsa", "-out", "jane.key", "2048")
	command(t, dir, "openssl", "req", "-new", "-key", "jane.key", "-subj", "/CN=jane/O=e2e-team", "-out", "jane.csr")
	request, err := os.ReadFile(filepath.Join(dir, "jane.csr"))
	if err != nil {
		t.Fatal(err)
	}
	manifest := fmt.Sprintf(`apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: manual-jane
spec:
  request: %s
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages:
  - client auth
`, base64.StdEncoding.EncodeToString(request))
	if err := os.WriteFile(filepath.Join(dir, "jane-csr.yaml"), []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl(t, cp, "", "create", "-f", filepath.Join(dir, "jane-csr.yaml"))
	if got := kubectl(t, cp, "", "get", "csr", "manual-jane", "-o", "jsonpath={.spec.username}"); got != controlplane.AdminUser {
		t.Errorf("requester %q, want %q", got, controlplane.AdminUser)
	}
	kubectl(t, cp, "", "certificate", "approve", "manual-jane")

	client := clientFor(t, cp.Admin)
	if _, err := controlplane.WaitForCertificate(waitContext(t), client, "manual-jane"); err != nil {
		t.Fatal(err)
	}
	if out := kubectl(t, cp, "", "get", "csr", "manual-jane"); !strings.Contains(out, "Approved,Issued") {
		t.Errorf("kubectl get csr:\n%s\nwant Approved,Issued", out)
	}
	cert64 := kubectl(t, cp, "", "get", "csr", "manual-jane", "-o", "jsonpath={.status.certificate}")
	cert, err := base64.StdEncoding.DecodeString(cert64)
	if err != nil {
		t.Fatalf("certificate %q: %v", cert64, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "jane.crt"), cert, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := command(t, dir, "openssl", "verify", "-CAfile", cp.CAFile, "jane.crt"); !strings.Contains(out, "jane.crt: OK") {
		t.Errorf("openssl verify: %q", out)
	}

	kc := filepath.Join(dir, "jane.kubeconfig")
	kubectl(t, cp, kc, "config", "set-cluster", "e2e", "--server="+cp.Server, "--certificate-authority="+cp.CAFile, "--embed-certs")
	kubectl(t, cp, kc, "config", "set-credentials", "jane",
		"--client-key="+filepath.Join(dir, "jane.key"), "--client-certificate="+filepath.Join(dir, "jane.crt"), "--embed-certs")
	kubectl(t, cp, kc, "config", "set-context", "jane", "--cluster=e2e", "--user=jane")
	kubectl(t, cp, kc, "config", "use-context", "jane")
	if got := kubectl(t, cp, kc, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"); got != "jane" {
		t.Errorf("auth whoami: user %q, want jane", got)
	}
	if got := kubectl(t, cp, kc, "auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}"); !strings.Contains(got, "e2e-team") {
		t.Errorf("auth whoami: groups %s, want e2e-team among them", got)
	}
}

func TestDenyLeavesNoCertificate(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	createClientCSR(t, client, "deny-dan", "dan")
	createClientCSR(t, client, "deny-control", "control")

	kubectl(t, cp, "", "certificate", "deny", "deny-dan")
	// Once the signer has issued a request approved after the denial, it has seen the
	// denied one too.
	kubectl(t, cp, "", "certificate", "approve", "deny-control")
	if _, err := controlplane.WaitForCertificate(waitContext(t), client, "deny-control"); err != nil {
		t.Fatal(err)
	}

	csr, err := client.CertificatesV1().CertificateSigningRequests().Get(t.Context(), "deny-dan", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(csr.Status.Certificate) > 0 {
		t.Error("a denied request got a certificate")
	}
	if len(csr.Status.Conditions) != 1 || csr.Status.Conditions[0].Type != certv1.CertificateDenied ||
		csr.Status.Conditions[0].Reason != "KubectlDeny" {
		t.Errorf("conditions %+v, want one Denied (KubectlDeny)", csr.Status.Conditions)
	}
	if out := kubectl(t, cp, "", "get", "csr", "deny-dan"); !strings.Contains(out, "Denied") {
		t.Errorf("kubectl get csr:\n%s\nwant Denied", out)
	}
	// A decision is final.
	if _, err := cp.Kubectl(t.Context(), "", "certificate", "approve", "deny-dan"); err == nil || !strings.Contains(err.Error(), "already Denied") {
		t.Errorf("approving a denied request: %v", err)
	}
}

func TestViewerCanListButNotApprove(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	createClientCSR(t, admin, "viewer-target", "someone")
	kc, cfg, err := cp.MintUser("e2e-viewer", "e2e-viewers")
	if err != nil {
		t.Fatal(err)
	}
	grant(t, admin, "e2e-viewer", readCSRs)

	if out := kubectl(t, cp, kc, "get", "csr"); !strings.Contains(out, "viewer-target") {
		t.Errorf("viewer's kubectl get csr:\n%s\nlacks viewer-target", out)
	}
	_, err = cp.Kubectl(t.Context(), kc, "certificate", "approve", "viewer-target")
	if err == nil || !strings.Contains(err.Error(), "forbidden") ||
		!strings.Contains(err.Error(), `cannot update resource "certificatesigningrequests/approval"`) {
		t.Errorf("viewer approving: %v; want forbidden on certificatesigningrequests/approval", err)
	}
	// The same through the API: a 403.
	err = controlplane.Approve(t.Context(), clientFor(t, cfg), "viewer-target", "Test", "")
	if !apierrors.IsForbidden(err) {
		t.Errorf("viewer approving through the API: %v, want 403 Forbidden", err)
	}
}

func TestApproverLimitedToOneSigner(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	createClientCSR(t, admin, "approver-client", "carol")
	createCSR(t, admin, "approver-other", "example.com/other-signer",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "svc"}}, certv1.UsageDigitalSignature, certv1.UsageServerAuth)

	kc, _, err := cp.MintUser("e2e-approver")
	if err != nil {
		t.Fatal(err)
	}
	grant(t, admin, "e2e-approver", readCSRs,
		rbacv1.PolicyRule{
			APIGroups: []string{certv1.GroupName},
			Resources: []string{"certificatesigningrequests/approval"},
			Verbs:     []string{"update"},
		},
		rbacv1.PolicyRule{
			APIGroups:     []string{certv1.GroupName},
			Resources:     []string{"signers"},
			ResourceNames: []string{certv1.KubeAPIServerClientSignerName},
			Verbs:         []string{"approve"},
		})

	kubectl(t, cp, kc, "certificate", "approve", "approver-client")
	if _, err := controlplane.WaitForCertificate(waitContext(t), admin, "approver-client"); err != nil {
		t.Fatal(err)
	}
	_, err = cp.Kubectl(t.Context(), kc, "certificate", "approve", "approver-other")
	if err == nil || !strings.Contains(err.Error(), `user not permitted to approve requests with signerName "example.com/other-signer"`) {
		t.Errorf("approving for another signer: %v; want not permitted", err)
	}
	csr, err := admin.CertificatesV1().CertificateSigningRequests().Get(t.Context(), "approver-other", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(csr.Status.Conditions) != 0 {
		t.Errorf("the other signer's request changed: %+v", csr.Status.Conditions)
	}
}

func TestTwoControlPlanesAtOnce(t *testing.T) {
	one := sharedControlPlane(t)
	two := controlplane.StartForTest(t)
	if one.Server == two.Server || one.Dir == two.Dir || one.CA.Equal(two.CA) {
		t.Fatalf("not separate: %s %s and %s %s", one.Server, one.Dir, two.Server, two.Dir)
	}
	client := clientFor(t, two.Admin)
	createClientCSR(t, client, "second-plane", "second")
	if err := controlplane.Approve(t.Context(), client, "second-plane", "Test", ""); err != nil {
		t.Fatal(err)
	}
	certPEM, err := controlplane.WaitForCertificate(waitContext(t), client, "second-plane")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		t.Fatalf("certificate is not PEM: %q", certPEM)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.CheckSignatureFrom(two.CA); err != nil {
		t.Errorf("not signed by its own cluster's CA: %v", err)
	}
	if err := cert.CheckSignatureFrom(one.CA); err == nil {
		t.Error("signed by the other cluster's CA")
	}
	_, err = clientFor(t, one.Admin).CertificatesV1().CertificateSigningRequests().Get(t.Context(), "second-plane", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("the first control plane has the second's request: %v", err)
	}

	pids := two.PIDs()
	if err := two.Stop(); err != nil {
		t.Fatal(err)
	}
	for name, pid := range pids {
		if alive(pid) {
			t.Errorf("%s (pid %d) still running after Stop", name, pid)
		}
	}
	if _, err := os.Stat(two.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stop left %s: %v", two.Dir, err)
	}
	if _, err := one.Kubectl(t.Context(), "", "get", "--raw=/readyz"); err != nil {
		t.Errorf("stopping one control plane hurt the other: %v", err)
	}
}

// The kubectl in the binaries folder matches the server, so no version-skew warning.
func TestKubectlMatchesServer(t *testing.T) {
	cp := sharedControlPlane(t)
	var v struct {
		Client struct{ GitVersion string } `json:"clientVersion"`
		Server struct{ GitVersion string } `json:"serverVersion"`
	}
	out := kubectl(t, cp, "", "version", "-o", "json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("kubectl version: %v\n%s", err, out)
	}
	if v.Server.GitVersion != "v1.37.2" {
		t.Errorf("server %s, want v1.37.2", v.Server.GitVersion)
	}
	path, err := cp.KubectlPath()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) == controlplane.BinariesForTest(t) && v.Client.GitVersion != v.Server.GitVersion {
		t.Errorf("kubectl %s from %s, server %s", v.Client.GitVersion, path, v.Server.GitVersion)
	}
}

const orphanHelperEnv = "CSRTUI_E2E_ORPHAN_HELPER"

// orphanHelper starts a control plane, prints its PIDs and waits to be killed.
func orphanHelper() {
	cp, err := controlplane.Start(context.Background(), controlplane.Options{SkipSignerWait: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, _ := json.Marshal(map[string]any{"Dir": cp.Dir, "PIDs": cp.PIDs()})
	fmt.Println(string(b))
	select {}
}

// alive reports whether pid runs; a zombie (dead, not yet reaped) does not.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses, which may contain anything.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}
