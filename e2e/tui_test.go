package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"
)

// console runs csrtui on cp as its admin, in dir, in a terminal of the given size.
func console(t *testing.T, cp *controlplane.ControlPlane, dir string, width, height int) *terminal {
	t.Helper()
	return startTerminal(t, width, height, dir, []string{"KUBECONFIG=" + cp.AdminKubeconfig}, csrtuiBinary(t))
}

// focus narrows the list to one CSR with the filter, as an admin would.
func (term *terminal) focus(name string) {
	term.t.Helper()
	term.keys("/")
	term.typeText(name)
	term.keys("Enter")
	// The filter kept, said in the header: the cursor alone may have been on
	// name before the keys arrived.
	term.waitFor("the list narrowed to "+name, func(s string) bool {
		return strings.Contains(s, "filter: "+name) && (strings.Contains(s, "> "+name) || strings.Contains(s, ">"+name))
	})
}

// openDetail opens the selected CSR's detail and waits until it fills the screen
// (at 200 columns the list's side panel shows much of the same text).
func (term *terminal) openDetail() {
	term.t.Helper()
	term.keys("Enter")
	term.waitFor("the detail to open", func(s string) bool { return !strings.Contains(s, "CONDITION") })
}

// waitForCSR waits until the CSR satisfies cond, and returns it.
func waitForCSR(t *testing.T, client kubernetes.Interface, name, what string, cond func(*certv1.CertificateSigningRequest) bool) *certv1.CertificateSigningRequest {
	t.Helper()
	var got *certv1.CertificateSigningRequest
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, waitTimeout, true, func(ctx context.Context) (bool, error) {
		csr, err := client.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		got = csr
		return cond(csr), nil
	})
	if err != nil {
		t.Fatalf("CSR %s never %s: %v (last seen: %+v)", name, what, err, got.Status)
	}
	return got
}

func condition(csr *certv1.CertificateSigningRequest, typ certv1.RequestConditionType) *certv1.CertificateSigningRequestCondition {
	for i := range csr.Status.Conditions {
		if csr.Status.Conditions[i].Type == typ {
			return &csr.Status.Conditions[i]
		}
	}
	return nil
}

// The manual flow of a user (openssl + kubectl create), then everything else by
// keystroke: the request shows decoded, `a` `y` approves it, the signer issues it,
// `e` `enter` exports a certificate that openssl verifies against the cluster CA.
func TestConsoleApproveAndExport(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	dir := t.TempDir()
	name := "tui-grace-laptop"

	command(t, dir, "openssl", "genrsa", "-out", "grace.key", "2048")
	command(t, dir, "openssl", "req", "-new", "-key", "grace.key", "-subj", "/CN=grace/O=qa", "-out", "grace.csr")
	request, err := os.ReadFile(filepath.Join(dir, "grace.csr"))
	if err != nil {
		t.Fatal(err)
	}
	manifest := `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: ` + name + `
spec:
  request: ` + base64.StdEncoding.EncodeToString(request) + `
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 3600
  usages: ["digital signature", "key encipherment", "client auth"]
`
	if err := os.WriteFile(filepath.Join(dir, "csr.yaml"), []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl(t, cp, "", "create", "-f", filepath.Join(dir, "csr.yaml"))

	term := console(t, cp, dir, 120, 40)
	term.waitForText(name, "grace O=qa", "Pending")
	term.focus(name)

	term.keys("a")
	// y approves once the cluster has said what grace could do.
	term.waitForText("Approve this certificate signing request?", "CN=grace", "kubernetes.io/kube-apiserver-client", "y approve")
	term.keys("y")
	issued := waitForCSR(t, client, name, "issued", func(c *certv1.CertificateSigningRequest) bool {
		return len(c.Status.Certificate) > 0
	})
	approved := condition(issued, certv1.CertificateApproved)
	if approved == nil || approved.Reason != certs.ReasonApprove {
		t.Fatalf("Approved condition = %+v, want reason %s", approved, certs.ReasonApprove)
	}
	if out := kubectl(t, cp, "", "get", "csr", name); !strings.Contains(out, "Approved,Issued") {
		t.Fatalf("kubectl get csr says:\n%s", out)
	}
	term.waitForText("Approved,Issued")

	term.keys("e")
	term.waitForText("Write the PEM certificate to:", "./"+name+".crt")
	term.keys("Enter")
	crt := filepath.Join(dir, name+".crt")
	term.waitForText("Wrote the certificate of")
	info, err := os.Stat(crt)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o644 {
		t.Errorf("%s has mode %v, want 0644", crt, info.Mode().Perm())
	}
	if out := command(t, dir, "openssl", "verify", "-CAfile", cp.CAFile, crt); !strings.Contains(out, ": OK") {
		t.Fatalf("openssl verify: %s", out)
	}

	// A second export finds the file and asks before replacing it; no leaves it alone.
	before, err := os.ReadFile(crt)
	if err != nil {
		t.Fatal(err)
	}
	term.keys("e")
	term.waitForText("Write the PEM certificate to:")
	term.keys("Enter")
	term.waitForText("The file exists")
	term.keys("n")
	term.waitFor("the overwrite question to close", func(s string) bool { return !strings.Contains(s, "The file exists") })
	after, err := os.ReadFile(crt)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Fatal("declining the overwrite changed the file")
	}
}

// `d`, a typed reason, `enter`: kubectl then shows Denied with that message.
func TestConsoleDenyWithMessage(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	name := "tui-henry-laptop"
	createClientCSR(t, client, name, "henry", "dev")

	term := console(t, cp, t.TempDir(), 80, 24)
	term.waitForText(name)
	term.focus(name)
	term.keys("d")
	term.waitForText("Deny " + name)
	reason := "not on the team roster"
	term.typeText(reason)
	term.keys("Enter")

	denied := waitForCSR(t, client, name, "denied", func(c *certv1.CertificateSigningRequest) bool {
		return condition(c, certv1.CertificateDenied) != nil
	})
	if c := condition(denied, certv1.CertificateDenied); c.Reason != certs.ReasonDeny || c.Message != reason {
		t.Fatalf("Denied condition = %+v, want reason %s and message %q", c, certs.ReasonDeny, reason)
	}
	if out := kubectl(t, cp, "", "get", "csr", name, "-o", "yaml"); !strings.Contains(out, "message: "+reason) || !strings.Contains(out, "type: Denied") {
		t.Fatalf("kubectl get csr -o yaml:\n%s", out)
	}
	term.waitForText("Denied")
	if len(denied.Status.Certificate) != 0 {
		t.Fatal("a denied CSR has a certificate")
	}
}

// hostileSubject is a subject whose CN is a T61String holding raw bytes: Go reads
// T61String as Latin-1, so 0x9b becomes U+009B, the C1 control sequence introducer.
func hostileSubject(t *testing.T, cn []byte) []byte {
	t.Helper()
	rdn := pkix.RDNSequence{{{
		Type:  asn1.ObjectIdentifier{2, 5, 4, 3},
		Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagT61String, Bytes: cn},
	}}}
	raw, err := asn1.Marshal(rdn)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Escape sequences in a request reach the screen visibly escaped, and the terminal's
// title is untouched (CVE-2021-25743's attack on kubectl users).
func TestConsoleEscapesHostileSubjects(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	osc := "tui-osc-title"
	csi := "tui-c1-csi"
	createCSR(t, client, osc, certv1.KubeAPIServerClientSignerName,
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "evil\x1b]0;pwned\x07"}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)
	createCSR(t, client, csi, certv1.KubeAPIServerClientSignerName,
		&x509.CertificateRequest{RawSubject: hostileSubject(t, []byte("evil\x9b31mRED"))},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)

	term := console(t, cp, t.TempDir(), 200, 60)
	term.waitForText(osc, csi)
	titleBefore := term.title()

	term.focus(osc)
	term.openDetail()
	term.waitForText(`evil\x1b]0;pwned\x07`, "control-chars")
	// Back to the list, then clear the filter: two separate keypresses (sent together,
	// a terminal reads ESC ESC as alt+esc).
	term.keys("Escape")
	term.waitForText("NAME", "CONDITION")
	term.keys("Escape")
	term.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "filter:") })
	term.focus(csi)
	term.openDetail()
	screen := term.waitForText(`evil\u009b31mRED`)

	if title := term.title(); title != titleBefore || strings.Contains(title, "pwned") {
		t.Fatalf("the terminal title changed from %q to %q", titleBefore, title)
	}
	for _, r := range screen {
		if r == 0x1b || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("a control character %U reached the screen:\n%s", r, screen)
		}
	}
}

// A requester whose username ends with a Hangul filler (U+1160, drawn as nothing)
// looks like build-bot asking for build-bot. The console shows the filler escaped,
// in the list with its columns where the terminal draws them, and in the detail
// with the findings that name it.
func TestConsoleEscapesInvisibleRequester(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	user := "build-bot\u1160"
	name := "tui-hangul-filler"
	grantNamed(t, admin, "e2e-hangul-filler", user, rbacv1.PolicyRule{
		APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests"}, Verbs: []string{"create"},
	})
	cfg := rest.CopyConfig(cp.Admin)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user}
	createClientCSR(t, clientFor(t, cfg), name, "build-bot", "ci")
	if got := waitForCSR(t, admin, name, "created", func(*certv1.CertificateSigningRequest) bool { return true }); got.Spec.Username != user {
		t.Fatalf("spec.username = %q, want %q", got.Spec.Username, user)
	}

	term := console(t, cp, t.TempDir(), 160, 40)
	term.waitForText(name)
	term.focus(name)
	screen := term.waitForText(`build-bot\u1160`)
	lines := strings.Split(screen, "\n")
	header := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "CONDITION") })
	// The requester column may be cut (its width depends on the other rows
	// in the cluster), but the escape starts where the filler stood.
	row := -1
	if header >= 0 {
		if i := slices.IndexFunc(lines[header+1:], func(l string) bool { return strings.Contains(l, name) }); i >= 0 {
			row = header + 1 + i
		}
	}
	if header < 0 || row < 0 || !strings.Contains(lines[row], "Pending") || !strings.Contains(lines[row], `build-bot\u11`) {
		t.Fatalf("no header or no pending row for %s:\n%s", name, screen)
	}
	// capture-pane writes one character per cell: where the terminal drew each
	// column is its rune offset in the line.
	col := func(line, text string) int { return len([]rune(line[:strings.Index(line, text)])) }
	if h, r := col(lines[header], "CONDITION"), col(lines[row], "Pending"); h != r {
		t.Fatalf("CONDITION is at column %d but the row's Pending at %d: the row was measured wrong:\n%s", h, r, screen)
	}

	term.openDetail()
	screen = term.waitForText(`build-bot\u1160`, "look-alike", "control-chars", "other-identity")
	if strings.ContainsRune(screen, '\u1160') {
		t.Fatalf("the Hangul filler reached the screen unescaped:\n%s", screen)
	}
}

// O=system:masters through a custom signer is critical: a plain `y` does not approve
// it, the CSR's name typed in full does.
func TestConsoleCriticalNeedsTheName(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	name := "tui-break-glass"
	createCSR(t, client, name, "example.com/ops-signer",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "ops", Organization: []string{"system:masters"}}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)

	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText(name)
	term.focus(name)
	if !regexp.MustCompile(`!!> ?` + regexp.QuoteMeta(name)).MatchString(term.screen()) {
		t.Fatalf("the list does not mark %s critical:\n%s", name, term.screen())
	}
	term.keys("a")
	// The cluster's answer about ops (do everything) is shown before the name is typed.
	term.waitForText("type the CSR's name to approve it", "see the critical finding")
	term.keys("y", "Enter")
	term.waitForText("That is not the CSR's name.")

	pending := waitForCSR(t, client, name, "read", func(*certv1.CertificateSigningRequest) bool { return true })
	if len(pending.Status.Conditions) != 0 {
		t.Fatalf("a plain y decided the CSR: %+v", pending.Status.Conditions)
	}

	term.keys("BSpace")
	term.typeText(name)
	term.keys("Enter")
	waitForCSR(t, client, name, "approved", func(c *certv1.CertificateSigningRequest) bool {
		return condition(c, certv1.CertificateApproved) != nil
	})
	// No controller serves example.com/ops-signer: approved, and never issued.
	term.waitFor("the row to say Approved", func(s string) bool { return strings.Contains(s, "Approved") })
}

// Every path to cluster-admin is critical, judged from RBAC's rules: a user bound to
// cluster-admin, and a group bound to a home-made ClusterRole of "*" on "*". For each,
// a plain `y` does not approve, the CSR's name typed in full does.
func TestConsoleClusterAdminThroughRBACNeedsTheName(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	ctx := t.Context()
	rbac := client.RbacV1()
	god := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "tui-home-made-god"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}}
	if _, err := rbac.ClusterRoles().Create(ctx, god, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, b := range []*rbacv1.ClusterRoleBinding{
		{ObjectMeta: metav1.ObjectMeta{Name: "tui-root-ursula"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "tui-ursula"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "tui-gods"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: god.Name},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "tui-gods"}}},
	} {
		if _, err := rbac.ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct{ name, cn, o, path string }{
		{"tui-ursula-laptop", "tui-ursula", "dev", `CN "tui-ursula" by ClusterRoleBinding tui-root-ursula`},
		{"tui-victor-laptop", "tui-victor", "tui-gods", `O "tui-gods" by ClusterRoleBinding tui-gods`},
	}
	for _, c := range cases {
		createClientCSR(t, client, c.name, c.cn, c.o)
	}

	term := console(t, cp, t.TempDir(), 120, 40)
	for _, c := range cases {
		term.waitForText(c.name)
		term.focus(c.name)
		if !regexp.MustCompile(`!!> ?` + regexp.QuoteMeta(c.name)).MatchString(term.screen()) {
			t.Fatalf("the list does not mark %s critical:\n%s", c.name, term.screen())
		}
		term.keys("a")
		// The access review's answer comes after the RBAC finding, and a new
		// critical finding clears a name typed before it: wait for both.
		screen := term.waitForText("type the CSR's name to approve it", "cluster-admin power through RBAC",
			"this identity could do everything")
		// The title wraps inside the dialog box: look for its words in order.
		if !regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(c.path)), `[\s│]+`)).MatchString(screen) {
			t.Fatalf("the dialog does not say %q:\n%s", c.path, screen)
		}
		term.keys("y", "Enter")
		term.waitForText("That is not the CSR's name.")
		if pending := waitForCSR(t, client, c.name, "read", func(*certv1.CertificateSigningRequest) bool { return true }); len(pending.Status.Conditions) != 0 {
			t.Fatalf("a plain y decided %s: %+v", c.name, pending.Status.Conditions)
		}

		term.keys("BSpace")
		term.typeText(c.name)
		term.keys("Enter")
		waitForCSR(t, client, c.name, "approved", func(csr *certv1.CertificateSigningRequest) bool {
			return condition(csr, certv1.CertificateApproved) != nil
		})
		term.waitFor("the dialog to close", func(s string) bool { return !strings.Contains(s, "type the CSR's name") })
		term.keys("Escape")
		term.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "filter:") })
	}
}

// A kubelet-client request with a usage the signer refuses: csrtui predicts Failed and
// won't approve it; approved anyway through kubectl, kube-controller-manager fails it
// with the very reason csrtui gave.
func TestSignerRejectPredictionMatchesTheController(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	name := "tui-kubelet-bad-usages"
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	req, err := controlplane.CSRPEM(key, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "system:node:tui-node", Organization: []string{"system:nodes"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	usages := []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageClientAuth, certv1.UsageServerAuth}
	created, err := controlplane.CreateCSR(t.Context(), client, name, certv1.KubeAPIServerClientKubeletSignerName, req, usages, 3600)
	if err != nil {
		t.Fatal(err)
	}

	var predicted string
	for _, f := range certs.Summarize(created, certs.DefaultPolicy(), certs.ClusterFacts{}).Findings {
		if f.ID == certs.FindingSignerReject {
			predicted = f.Title
		}
	}
	if predicted == "" {
		t.Fatal("no signer-reject finding for a kubelet-client request with server auth")
	}

	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText(name)
	term.focus(name)
	term.keys("a")
	term.waitForText("Approval is disabled:", "approval would only produce Failed")
	term.keys("Escape")

	kubectl(t, cp, "", "certificate", "approve", name)
	failed := waitForCSR(t, client, name, "failed", func(c *certv1.CertificateSigningRequest) bool {
		return condition(c, certv1.CertificateFailed) != nil
	})
	c := condition(failed, certv1.CertificateFailed)
	if c.Reason != "SignerValidationFailure" || c.Message == "" || !strings.HasSuffix(predicted, c.Message) {
		t.Fatalf("the controller failed it with %s %q; csrtui predicted %q", c.Reason, c.Message, predicted)
	}
	if len(failed.Status.Certificate) != 0 {
		t.Fatal("the signer issued a certificate it should have refused")
	}
	term.waitForText("Approved,Failed")
}

// A CSR created by someone else appears without a keypress, and one deleted goes.
func TestConsoleIsLive(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	term := console(t, cp, t.TempDir(), 80, 24)
	term.waitForText("pending")

	name := "tui-live-ivy"
	createClientCSR(t, client, name, "ivy")
	term.waitForText(name)
	kubectl(t, cp, "", "certificate", "approve", name)
	term.waitForText("Approved,Issued")
	kubectl(t, cp, "", "delete", "csr", name)
	term.waitFor(name+" to leave the list", func(s string) bool { return !strings.Contains(s, name) })
}

// The demo needs no cluster, fits 80x24, and q quits cleanly.
func TestDemoAt80x24(t *testing.T) {
	term := startTerminal(t, 80, 24, t.TempDir(), nil, csrtuiBinary(t), "--demo")
	screen := term.waitForText("DEMO", "pending", "NAME", "CONDITION")
	for i, line := range strings.Split(strings.TrimRight(screen, "\n"), "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line %d is %d cells wide", i, n)
		}
	}
	term.keys("q")
	term.waitFor("csrtui to exit", func(string) bool { dead, _ := term.exited(); return dead })
	if _, status := term.exited(); status != "0" {
		t.Fatalf("csrtui --demo exited with status %s", status)
	}
}

// A kubeconfig that can't be loaded: one line that names the problem, a non-zero
// exit, and no hang, before any console (and so without a terminal). A server that
// can't be reached is said the same way, once the console has shown it is loading:
// TestConsoleShowsBeforeTheServerAnswers.
func TestConnectionErrorsAreOneLine(t *testing.T) {
	bin := csrtuiBinary(t)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"missing kubeconfig", []string{"--kubeconfig", filepath.Join(t.TempDir(), "nope")}, []string{"nope"}},
		{"unknown context", []string{"--kubeconfig", sharedControlPlane(t).AdminKubeconfig, "--context", "staging"}, []string{"staging"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tc.args...)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatal("csrtui hung instead of failing")
			}
			var exit *exec.ExitError
			if err == nil || !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("exit = %v, want a non-zero exit; output:\n%s", err, out)
			}
			text := strings.TrimSpace(string(out))
			if strings.Count(text, "\n") != 0 || !strings.HasPrefix(text, "csrtui: ") {
				t.Fatalf("want one line starting %q, got:\n%s", "csrtui: ", text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q does not name %q", text, w)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), csrtuiBinary(t), "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "csrtui ") {
		t.Fatalf("csrtui --version: %v: %s", err, out)
	}
}

// The apiserver goes away under a running console: the header says the list is
// stale and names the server, instead of passing stale rows off as live.
func TestConsoleSaysWhenTheApiserverIsGone(t *testing.T) {
	cp := controlplane.StartForTest(t) // its own: this test stops it
	createClientCSR(t, clientFor(t, cp.Admin), "tui-before-the-outage", "kim")
	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText("tui-before-the-outage")

	if err := cp.Stop(); err != nil {
		t.Fatal(err)
	}
	term.waitForText("reconnecting", "! stale since", cp.Server)
	term.waitForText("tui-before-the-outage") // what was known stays on screen
}

// The approval is bound to the object the admin read. Deleted and created again
// under the same name, with O=system:masters through a custom signer (admission
// guards only the built-in client signer): y approves nothing, and the status line
// says the request was replaced.
func TestConsoleRefusesAReplacedRequest(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	name := "jane"
	createClientCSR(t, client, name, "jane", "dev")

	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText(name)
	term.focus(name)
	term.keys("a")
	// Nothing critical, and the cluster has said what jane could do: a plain y.
	term.waitForText("Approve this certificate signing request?", "O=dev, CN=jane", "nothing that leads to cluster-admin", "y approve")

	ctx := t.Context()
	if err := client.CertificatesV1().CertificateSigningRequests().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	createCSR(t, client, name, "example.com/x",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "jane", Organization: []string{"system:masters"}}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)
	term.keys("y")
	term.waitForText("was replaced by a different request")

	csr, err := client.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if csr.Spec.SignerName != "example.com/x" || len(csr.Status.Conditions) != 0 {
		t.Fatalf("%s: signer %s, conditions %+v", name, csr.Spec.SignerName, csr.Status.Conditions)
	}
	if out := kubectl(t, cp, "", "get", "csr", name, "-o", "jsonpath={.status.conditions}"); strings.TrimSpace(out) != "" {
		t.Fatalf("kubectl shows conditions on the new request: %s", out)
	}
}

// A name made of spaces and rows of its own (a benign subject, signer, requester)
// can't hide the real ones at 80x24: the real subject and the critical finding are
// on screen, or approval is refused for a terminal too small to show them.
func TestConsoleSpoofingNameAt80x24(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	pad := strings.Repeat(" ", 80)
	name := "tui-spoof-laptop" + pad + "Subject    CN=kim, O=dev" + pad + "Signer     kubernetes.io\u2215kube-apiserver-client" +
		pad + "Requester  kim" + pad + "Lifetime   1h requested, 1h effective" + pad + "No findings." + strings.Repeat(" ", 300)
	createCSR(t, client, name, "example.com/x",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "mallory", Organization: []string{"system:masters"}}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)

	term := console(t, cp, t.TempDir(), 80, 24)
	term.waitForText("tui-spoof-laptop")
	term.keys("/")
	term.typeText("tui-spoof-laptop")
	term.keys("Enter")
	term.waitForText(">tui-spoof-laptop")
	term.keys("a")
	screen := term.waitFor("the approval, answered, or its refusal", func(s string) bool {
		return strings.Contains(s, "see the critical finding") || strings.Contains(s, "Enlarge the terminal to decide")
	})
	if !strings.Contains(screen, "Enlarge the terminal to decide") {
		for _, want := range []string{
			"Subject    O=system:masters, CN=mallory",
			"Signer     example.com/x",
			"O=system:masters: the certificate would be cluster-admin",
			"type the CSR's name to approve it",
		} {
			if !strings.Contains(screen, want) {
				t.Fatalf("%q is not on screen:\n%s", want, screen)
			}
		}
		if !regexp.MustCompile(`CSR        tui-spoof-laptop +… [0-9,]+ more characters`).MatchString(screen) {
			t.Fatalf("the name is not cut visibly on one line:\n%s", screen)
		}
	}
	if strings.Contains(screen, "CN=kim") || strings.Contains(screen, "No findings") {
		t.Fatalf("the name's own rows are on screen:\n%s", screen)
	}
	for i, line := range strings.Split(strings.TrimRight(screen, "\n"), "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line %d is %d cells wide", i, n)
		}
	}
	term.keys("y", "Enter")
	csr := waitForCSR(t, client, name, "read", func(*certv1.CertificateSigningRequest) bool { return true })
	if len(csr.Status.Conditions) != 0 {
		t.Fatalf("decided: %+v", csr.Status.Conditions)
	}
}
