package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// approveNow approves the request name as another admin would, and waits
// for its certificate.
func approveNow(t *testing.T, client kubernetes.Interface, name string) *certv1.CertificateSigningRequest {
	t.Helper()
	csr, err := client.CertificatesV1().CertificateSigningRequests().Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	csr.Status.Conditions = append(csr.Status.Conditions, certv1.CertificateSigningRequestCondition{
		Type: certv1.CertificateApproved, Status: corev1.ConditionTrue, Reason: "E2EApprove", Message: "approved by the test",
	})
	if _, err := client.CertificatesV1().CertificateSigningRequests().UpdateApproval(t.Context(), name, csr, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	return waitForCSR(t, client, name, "issued", func(c *certv1.CertificateSigningRequest) bool { return len(c.Status.Certificate) > 0 })
}

// noFiles fails when dir holds anything.
func noFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("written: %v", entries)
	}
}

// The console keeps no certificate: e and K read the request again and
// write its certificate only when it is the one on screen. The apiserver
// itself refuses a new certificate over an issued one; a request deleted and
// created again under the name while the export is open is refused; an
// identity that may list and watch requests but not get them is told so
// before anything is read, and nothing is written.
func TestConsoleExportChecksTheCertificate(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	name := "tui-export-kim"
	createClientCSR(t, admin, name, "kim", "dev")
	issued := approveNow(t, admin, name)

	// Under one UID the certificate never changes: the status subresource
	// refuses to modify it (pkg/apis/certificates/validation/validation.go).
	replaced := issued.DeepCopy()
	replaced.Status.Certificate = certificatePEM(t)
	_, err := admin.CertificatesV1().CertificateSigningRequests().UpdateStatus(t.Context(), replaced, metav1.UpdateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "may not modify existing certificate content") {
		t.Fatalf("a new certificate over the issued one: %v", err)
	}

	// Deleted and created again while the export is open: nothing written.
	dir := t.TempDir()
	term := console(t, cp, dir, 120, 40)
	term.waitForText(name, "Approved,Issued")
	term.focus(name)
	term.keys("e")
	term.waitForText("Write the PEM certificate to:", "./"+name+".crt")
	if err := admin.CertificatesV1().CertificateSigningRequests().Delete(t.Context(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	term.waitForText("is gone (deleted, or cleaned up by the cluster) since you opened it", "Nothing was written.")
	createClientCSR(t, admin, name, "kim", "dev")
	approveNow(t, admin, name)
	term.waitForText("was replaced by a different request since you opened it", "Nothing was written.")
	term.keys("Enter", "y")
	term.keys("Escape")
	term.waitFor("the notice to close", func(s string) bool { return !strings.Contains(s, "Nothing was written.") })
	noFiles(t, dir)

	// The request as it is now: read again, and written. A key pressed just
	// after the row under the cursor changed asks to be pressed again.
	term.keys("e")
	if s := term.waitFor("the export or the question", func(s string) bool {
		return strings.Contains(s, "Write the PEM certificate to:") || strings.Contains(s, "press e again")
	}); !strings.Contains(s, "Write the PEM certificate to:") {
		term.keys("e")
	}
	term.waitForText("Write the PEM certificate to:")
	term.keys("Enter")
	term.waitForText("Wrote the certificate of")
	now := waitForCSR(t, admin, name, "read", func(*certv1.CertificateSigningRequest) bool { return true })
	data, err := os.ReadFile(filepath.Join(dir, name+".crt"))
	if err != nil || string(data) != string(now.Status.Certificate) {
		t.Fatalf("wrote %q, %v; want the certificate of the request there now", data, err)
	}

	// May list and watch, may not get: e and K are shown disabled, and say
	// why.
	viewer, _, err := cp.MintUser("tui-export-viewer")
	if err != nil {
		t.Fatal(err)
	}
	grant(t, admin, "tui-export-viewer", rbacv1.PolicyRule{
		APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests"}, Verbs: []string{"list", "watch"},
	})
	dir = t.TempDir()
	term = startTerminal(t, 120, 40, dir, []string{"KUBECONFIG=" + viewer}, csrtuiBinary(t))
	term.waitForText(name)
	term.focus(name)
	term.waitForText("e/K ✗ needs get on certificatesigningrequests")
	term.keys("e")
	term.waitForText("Exporting is disabled: csrtui's identity needs get on certificatesigningrequests")
	term.keys("K")
	term.waitForText("No kubeconfig for " + name + ": csrtui's identity needs get on certificatesigningrequests")
	term.keys("Enter")
	noFiles(t, dir)
}
