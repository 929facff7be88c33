package e2e

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// The console keeps the admin through outages, says before they try what they
// may not do, and tells the truth when another admin was faster.

// consoleAs runs csrtui with args as the user of kubeconfig, in a terminal of
// the given size.
func consoleAs(t *testing.T, kubeconfig string, width, height int, args ...string) *terminal {
	t.Helper()
	return startTerminal(t, width, height, t.TempDir(), []string{"KUBECONFIG=" + kubeconfig}, append([]string{csrtuiBinary(t)}, args...)...)
}

// waitExit waits until the program in the terminal has ended, and returns its
// exit status.
func (term *terminal) waitExit() string {
	term.t.Helper()
	term.waitFor("csrtui to exit", func(string) bool { dead, _ := term.exited(); return dead })
	_, status := term.exited()
	return status
}

// countOf is how many lines of the screen show name as a word.
func countOf(screen, name string) int {
	return len(regexp.MustCompile(`(?m)(^|\s|>)`+regexp.QuoteMeta(name)+`(\s|$)`).FindAllString(screen, -1))
}

// The console shows at once, loading, with the context and server, while the
// server says nothing; after --request-timeout it ends with one line naming
// the server, and a non-zero status.
func TestConsoleShowsBeforeTheServerAnswers(t *testing.T) {
	bin := csrtuiBinary(t)
	// A port that accepts connections (the kernel's backlog) and never answers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	server := "https://" + l.Addr().String()

	start := time.Now()
	term := startTerminal(t, 200, 20, t.TempDir(), nil, bin, "--kubeconfig", "/dev/null", "--server", server, "--request-timeout", "4s")
	screen := term.waitForText("loading…", "server "+server, "Loading the certificate signing requests")
	if time.Since(start) > 3*time.Second {
		t.Errorf("the console took %v to show", time.Since(start))
	}
	if dead, _ := term.exited(); dead {
		t.Fatalf("csrtui ended before the timeout:\n%s", screen)
	}
	if status := term.waitExit(); status == "0" {
		t.Fatalf("exit status %s, want non-zero", status)
	}
	// What the program wrote once the console was gone; tmux adds its own
	// line when the program ends.
	var lines []string
	for _, l := range nonEmptyLines(term.history()) {
		if !strings.HasPrefix(l, "Pane is dead") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "csrtui: ") || !strings.Contains(lines[0], server) || !strings.Contains(lines[0], "did not answer within 4s") {
		t.Fatalf("want one line naming %s, got:\n%s", server, strings.Join(lines, "\n"))
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimRight(l, " "))
		}
	}
	return out
}

// The apiserver freezes, then dies: actions fail within --request-timeout and
// say so, the list stays on screen and the header says reconnecting, since
// when and why. Requests created and deleted meanwhile (through a second
// apiserver on the same etcd) are right once the apiserver is back, with no
// duplicates, and the header says live again.
func TestConsoleLivesThroughAnApiserverRestart(t *testing.T) {
	cp := controlplane.StartForTest(t) // its own: this test kills its apiserver
	admin := clientFor(t, cp.Admin)
	createClientCSR(t, admin, "tui-outage-stays", "kim")
	createClientCSR(t, admin, "tui-outage-goes", "lou")

	term := consoleAs(t, cp.AdminKubeconfig, 120, 40, "--request-timeout", "3s")
	term.waitForText("tui-outage-stays", "tui-outage-goes", " live ")

	if err := cp.FreezeAPIServer(); err != nil {
		t.Fatal(err)
	}
	term.focus("tui-outage-stays")
	term.keys("d")
	term.waitForText("Deny tui-outage-stays")
	term.typeText("frozen")
	start := time.Now()
	term.keys("Enter")
	term.waitForText("Could not deny tui-outage-stays", "did not answer in time")
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the deny took %v to fail with --request-timeout 3s", took)
	}
	term.keys("Escape") // the filter
	term.waitFor("the filter to clear", func(s string) bool {
		return !strings.Contains(s, "filter:") && strings.Contains(s, "tui-outage-goes")
	})

	if err := cp.KillAPIServer(); err != nil {
		t.Fatal(err)
	}
	screen := term.waitForText("reconnecting", "! stale since", "connection refused")
	if !strings.Contains(screen, "tui-outage-stays") || !strings.Contains(screen, "tui-outage-goes") {
		t.Fatalf("the list left the screen:\n%s", screen)
	}

	second, stop, err := cp.StartSecondAPIServer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other := clientFor(t, second)
	createClientCSR(t, other, "tui-outage-new", "max")
	if err := other.CertificatesV1().CertificateSigningRequests().Delete(t.Context(), "tui-outage-goes", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	stop()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := cp.RestartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}

	screen = term.waitFor("the list to converge", func(s string) bool {
		return strings.Contains(s, " live ") && strings.Contains(s, "tui-outage-new") && !strings.Contains(s, "tui-outage-goes")
	})
	for _, name := range []string{"tui-outage-stays", "tui-outage-new"} {
		if n := countOf(screen, name); n != 1 {
			t.Errorf("%s is on screen %d times:\n%s", name, n, screen)
		}
	}
	list, err := admin.CertificatesV1().CertificateSigningRequests().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("/ %d total", len(list.Items)); !strings.Contains(screen, want) {
		t.Errorf("the header does not say %q:\n%s", want, screen)
	}
}

// A user who may read requests but not approve them sees approve and deny
// disabled with the rule they need, before trying; the approval opens
// disabled and says it. A user allowed one signer approves that signer's
// requests, and sees the others' disabled.
func TestConsoleShowsWhatTheUserMayNotDo(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	createClientCSR(t, admin, "tui-perm-client", "nia")
	createCSR(t, admin, "tui-perm-one", "example.com/tui-one", &x509.CertificateRequest{Subject: pkix.Name{CommonName: "svc"}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)

	viewer, _, err := cp.MintUser("tui-viewer")
	if err != nil {
		t.Fatal(err)
	}
	grant(t, admin, "tui-viewer", readCSRs)
	term := consoleAs(t, viewer, 120, 40)
	term.waitForText("tui-perm-client")
	term.focus("tui-perm-client")
	term.waitForText("a/d ✗ needs update on certificatesigningrequests/approval")
	term.keys("a")
	term.waitForText("Approval is disabled:", "csrtui's identity needs update on certificatesigningrequests/approval")
	term.keys("y")
	term.keys("Escape")
	term.waitFor("the approval to close", func(s string) bool { return !strings.Contains(s, "Approval is disabled") })

	approver, _, err := cp.MintUser("tui-one-signer")
	if err != nil {
		t.Fatal(err)
	}
	grant(t, admin, "tui-one-signer", readCSRs,
		rbacv1.PolicyRule{APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests/approval"}, Verbs: []string{"update"}},
		rbacv1.PolicyRule{APIGroups: []string{certv1.GroupName}, Resources: []string{"signers"}, ResourceNames: []string{"example.com/tui-one"}, Verbs: []string{"approve"}})
	term = consoleAs(t, approver, 120, 40)
	term.waitForText("tui-perm-client")
	term.focus("tui-perm-client")
	term.waitForText("a/d ✗ needs approve on signers kubernetes.io/*")
	term.keys("Escape")
	term.waitFor("the filter to clear", func(s string) bool {
		return !strings.Contains(s, "filter:") && strings.Contains(s, "tui-perm-one")
	})
	term.focus("tui-perm-one")
	term.waitForText("a approve")
	term.keys("a")
	// It may not ask what the identity could do: the name, typed, approves.
	term.waitForText("Approve this certificate signing request?", "The cluster could not say what this identity could do")
	term.typeText("tui-perm-one")
	term.keys("Enter")
	waitForCSR(t, admin, "tui-perm-one", "approved", func(c *certv1.CertificateSigningRequest) bool {
		return condition(c, certv1.CertificateApproved) != nil
	})
	if c := waitForCSR(t, admin, "tui-perm-client", "read", func(*certv1.CertificateSigningRequest) bool { return true }); len(c.Status.Conditions) != 0 {
		t.Fatalf("tui-perm-client was decided: %+v", c.Status.Conditions)
	}
}

// --readonly: said in the header, every decision shown disabled, and nothing
// written, by the console or the commands.
func TestReadOnlyWritesNothing(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	name := "tui-readonly"
	createClientCSR(t, admin, name, "ora")
	before := waitForCSR(t, admin, name, "read", func(*certv1.CertificateSigningRequest) bool { return true })

	term := consoleAs(t, cp.AdminKubeconfig, 120, 40, "--readonly")
	term.waitForText("READ-ONLY", name)
	term.focus(name)
	term.waitForText("a/d ✗ read-only (--readonly)")
	term.keys("a")
	term.waitForText("Approval is disabled:", "csrtui runs read-only (--readonly)")
	term.keys("y")
	term.keys("Escape")
	term.waitFor("the approval to close", func(s string) bool { return !strings.Contains(s, "Approval is disabled") })
	term.keys("d")
	term.waitForText("is disabled: csrtui runs read-only")
	term.keys("q")
	if status := term.waitExit(); status != "0" {
		t.Fatalf("exit status %s", status)
	}

	for _, args := range [][]string{{"approve", name}, {"deny", name, "--message", "no"}} {
		res := cliRun(t, cp.AdminKubeconfig, append([]string{"--readonly"}, args...)...)
		if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, "--readonly: "+args[0]+" writes to the cluster") {
			t.Errorf("csrtui --readonly %s: exit %d, stdout %q, stderr %q", args[0], res.code, res.stdout, res.stderr)
		}
	}
	after := waitForCSR(t, admin, name, "read", func(*certv1.CertificateSigningRequest) bool { return true })
	if after.ResourceVersion != before.ResourceVersion || len(after.Status.Conditions) != 0 {
		t.Fatalf("the request changed: resourceVersion %s -> %s, conditions %+v", before.ResourceVersion, after.ResourceVersion, after.Status.Conditions)
	}
}

// Another admin denies the request while the approval is open: the dialog
// closes for a notice saying what the cluster records of that denial, and a y
// typed after approves nothing.
func TestConsoleSaysAnotherAdminWasFaster(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	name := "tui-other-admin"
	createClientCSR(t, admin, name, "pat", "dev")

	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText(name)
	term.focus(name)
	term.keys("a")
	term.waitForText("Approve this certificate signing request?", "y approve")
	kubectl(t, cp, "", "certificate", "deny", name)
	term.waitForText(`"`+name+`" was denied`, "(KubectlDeny)", "while you had it open", "Nothing was approved.")
	term.keys("y")
	// y was typed after the notice: the request stays denied, once.
	csr := waitForCSR(t, admin, name, "read", func(*certv1.CertificateSigningRequest) bool { return true })
	if len(csr.Status.Conditions) != 1 || csr.Status.Conditions[0].Type != certv1.CertificateDenied {
		t.Fatalf("conditions %+v, want kubectl's denial alone", csr.Status.Conditions)
	}
}
