package cli

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/csrtui/csrtui/certs"
)

func TestApproveOneLinePerRequest(t *testing.T) {
	denied := fixture{name: "dave-admin", user: "dave", cn: "dave", cond: certificatesv1.CertificateDenied, age: time.Hour}.build(t)
	undecodable := fixture{name: "junk", user: "x", request: []byte("junk"), age: time.Hour}.build(t)
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t), denied, undecodable)
	f.failDec = map[string]error{}

	out, errOut, code := run(t, deps(f), "approve", "jane-laptop", "break-glass", "csr/erin-dashboard", "dave-admin", "junk", "nobody", "jane-laptop")
	want := `jane-laptop: approved
break-glass: refused: critical finding masters: O=system:masters: the certificate would be cluster-admin beyond RBAC's reach (--force approves it anyway)
erin-dashboard: already approved
dave-admin: refused: certificate signing request "dave-admin" is already Denied
junk: refused: block finding unparsable: request can't be decoded: spec.request: no PEM block found (starts with "junk"), want "CERTIFICATE REQUEST"
nobody: gone: certificatesigningrequests.certificates.k8s.io "nobody" not found
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if errOut != "csrtui: 4 of 6 requests not approved\n" || code != ExitNotAsAsked {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	// Only the request that may be approved was written, with the UID read.
	if got := f.decisions(); !slices.Equal(got, []string{"approve jane-laptop uid-jane-laptop Approved with csrtui."}) {
		t.Errorf("decisions %q", got)
	}
}

func TestApproveForceTakesCriticalNeverBlock(t *testing.T) {
	failing := fixture{name: "needs-server", user: "x", cn: "x", age: time.Hour}.build(t)
	failing.Spec.Usages = append(failing.Spec.Usages, certificatesv1.UsageServerAuth) // the client signer would fail it
	f := newFakeCluster(breakGlass(t), failing)
	out, _, code := run(t, deps(f), "approve", "break-glass", "needs-server", "--force", "--message", "incident 4711")
	want := `break-glass: approved despite critical finding masters
needs-server: refused: block finding signer-reject: approval would only produce Failed: invalid usage for client certificate: server auth
`
	if out != want || code != ExitNotAsAsked {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if got := f.decisions(); !slices.Equal(got, []string{"approve break-glass uid-break-glass incident 4711"}) {
		t.Errorf("decisions %q", got)
	}
}

func TestApproveEveryOneEndsApproved(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), erinIssued(t))
	out, errOut, code := run(t, deps(f), "approve", "jane-laptop", "erin-dashboard")
	if out != "jane-laptop: approved\nerin-dashboard: already approved\n" || errOut != "" || code != ExitOK {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
}

func TestApproveSaysWhatTheClusterRefused(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t))
	f.failDec = map[string]error{
		"jane-laptop": &wrapped{msg: `may not approve "jane-laptop": csrtui needs approve on signers (group certificates.k8s.io) with resourceName "kubernetes.io/kube-apiserver-client" or "kubernetes.io/*"`,
			err: apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "jane-laptop", errors.New("no"))},
	}
	f.failGet = map[string]error{"break-glass": errors.New("could not read \"break-glass\": the apiserver did not answer in time")}
	out, _, code := run(t, deps(f), "approve", "jane-laptop", "break-glass")
	want := `jane-laptop: forbidden: may not approve "jane-laptop": csrtui needs approve on signers (group certificates.k8s.io) with resourceName "kubernetes.io/kube-apiserver-client" or "kubernetes.io/*"
break-glass: error: could not read "break-glass": the apiserver did not answer in time
`
	if out != want || code != ExitNotAsAsked {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// A request replaced between the read and the write is refused: the decision
// names the object read.
func TestApproveRefusesAReplacedRequest(t *testing.T) {
	f := newFakeCluster(janeLaptop(t))
	f.failDec = map[string]error{"jane-laptop": certs.ErrReplaced}
	out, _, code := run(t, deps(f), "approve", "jane-laptop")
	if out != "jane-laptop: refused: replaced by a different request\n" || code != ExitNotAsAsked {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

func TestDeny(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), erinIssued(t), breakGlass(t))
	out, errOut, code := run(t, deps(f), "deny", "jane-laptop", "erin-dashboard", "--message", "not on the roster")
	want := `jane-laptop: denied
erin-dashboard: refused: certificate signing request "erin-dashboard" is already Approved
`
	if out != want || errOut != "csrtui: 1 of 2 requests not denied\n" || code != ExitNotAsAsked {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	if got := f.decisions(); !slices.Equal(got, []string{"deny jane-laptop uid-jane-laptop not on the roster"}) {
		t.Errorf("decisions %q", got)
	}
	if strings.Contains(f.callLog(), "facts") {
		t.Error("deny read the cluster's facts: it needs no findings")
	}
	// A critical finding does not stop a denial.
	out, _, code = run(t, deps(f), "deny", "break-glass", "jane-laptop")
	if out != "break-glass: denied\njane-laptop: already denied\n" || code != ExitOK {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// A message reaches other people's terminals: control and invisible
// characters are refused before anything is asked of the cluster.
func TestDecisionMessageIsChecked(t *testing.T) {
	for _, m := range []string{"ok\x1b[2J", "line\nbreak", "rtl\u202eoverride", strings.Repeat("x", 1025)} {
		f := newFakeCluster(janeLaptop(t))
		_, errOut, code := run(t, deps(f), "deny", "jane-laptop", "--message", m)
		if code != ExitError || !strings.HasPrefix(errOut, "csrtui: --message: the message ") || f.callLog() != "" {
			t.Errorf("%q: exit %d, stderr %q, calls %q", m, code, errOut, f.callLog())
		}
	}
	f := newFakeCluster(janeLaptop(t))
	if _, _, code := run(t, deps(f), "deny", "jane-laptop", "--message", `C:\path is fine, "quotes" too`); code != ExitOK {
		t.Errorf("a plain message with a backslash: exit %d", code)
	}
}

func TestDescribe(t *testing.T) {
	f := newFakeCluster(breakGlass(t))
	out, errOut, code := run(t, deps(f), "describe", "break-glass")
	want := `Name:               break-glass
UID:                uid-break-glass
Created:            2026-03-04T10:00:00Z (2h ago)
Condition:          Pending
Risk:               critical
Findings (2):
  critical  masters: O=system:masters: the certificate would be cluster-admin beyond RBAC's reach
`
	if !strings.HasPrefix(out, want) || errOut != "" || code != ExitOK {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	for _, section := range []string{"\nRequest:\n  Subject:\n    O:              system:masters\n    CN:             ops\n",
		"\n  Public key:       ECDSA P-256\n", "\nSpec:\n  Signer:           example.com/ops\n", "\nConditions:         none (pending)\n"} {
		if !strings.Contains(out, section) {
			t.Errorf("no %q in:\n%s", section, out)
		}
	}
}

func TestDescribeEscapesAndSaysWhatIsMissing(t *testing.T) {
	f := newFakeCluster(hostile(t), erinIssued(t))
	out, errOut, code := run(t, deps(f), "describe", "evil\x1b]0;pwned\x07\u202e", "nobody", "erin-dashboard")
	if code != ExitNotAsAsked || errOut != "csrtui: certificatesigningrequests.certificates.k8s.io \"nobody\" not found\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, `Name:               evil\x1b]0;pwned\x07\u202e`) || !strings.Contains(out, "Name:               erin-dashboard") ||
		!strings.Contains(out, "\nCertificate:\n  Serial:           7\n") {
		t.Errorf("stdout:\n%s", out)
	}
	for _, r := range out {
		if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e) {
			t.Fatalf("%U reached the output", r)
		}
	}
}

// As the console, approve asks what the certificate's identity could do: a
// path to cluster-admin is critical, and an unanswered question needs --force.
func TestApproveAsksWhatTheIdentityCouldDo(t *testing.T) {
	f := newFakeCluster(janeLaptop(t))
	f.allowed = map[string][]string{"jane": {"impersonate users", "read secrets cluster-wide"}}
	out, _, code := run(t, deps(f), "approve", "jane-laptop")
	if out != "jane-laptop: refused: critical finding powerful-identity: If approved, this identity could impersonate users (--force approves it anyway)\n" || code != ExitNotAsAsked {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(f.callLog(), "capabilities jane dev") || len(f.decisions()) != 0 {
		t.Errorf("calls:\n%s", f.callLog())
	}

	f = newFakeCluster(janeLaptop(t))
	f.capsErr = errors.New("may not ask the cluster what an identity could do: csrtui needs create on subjectaccessreviews (group authorization.k8s.io)")
	out, _, code = run(t, deps(f), "approve", "jane-laptop")
	if out != "jane-laptop: refused: the cluster could not say what this identity could do: may not ask the cluster what an identity could do: csrtui needs create on subjectaccessreviews (group authorization.k8s.io) (--force approves it anyway)\n" || code != ExitNotAsAsked {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, _, code = run(t, deps(f), "approve", "jane-laptop", "--force")
	if out != "jane-laptop: approved without knowing what this identity could do\n" || code != ExitOK {
		t.Errorf("--force: exit %d:\n%s", code, out)
	}

	// A kubelet serving certificate does not log in: nothing to ask.
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "system:node:n1", Organization: []string{"system:nodes"}}, DNSNames: []string{"n1"},
	}, fixtureKey)
	if err != nil {
		t.Fatal(err)
	}
	request := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	serving := fixture{name: "serving", signer: "kubernetes.io/kubelet-serving", user: "system:node:n1", request: request, age: time.Minute, lifetime: time.Hour}.build(t)
	serving.Spec.Usages = []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageServerAuth}
	f = newFakeCluster(serving)
	f.capsErr = errors.New("not asked")
	out, _, _ = run(t, deps(f), "approve", "serving")
	if strings.Contains(f.callLog(), "capabilities") || !strings.HasPrefix(out, "serving: refused: critical finding serving-san") {
		t.Errorf("asked about a serving certificate, or refused it for another reason:\n%s\n%s", out, f.callLog())
	}
}
