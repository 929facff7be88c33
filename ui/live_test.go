package ui

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// connErr is a Source error that says since when, and whether retrying
// alone may mend it, as kube's does.
type connErr struct {
	msg      string
	since    time.Time
	retrying bool
}

func (e connErr) Error() string      { return e.msg }
func (e connErr) Since() time.Time   { return e.since }
func (e connErr) Retrying() bool     { return e.retrying }
func (h *harness) line(i int) string { return strings.Split(h.view(), "\n")[i] }

// withPermissions gives the console a permission checker refusing refused
// (by rule).
func withPermissions(refused ...string) func(*harness, *Config) {
	return func(h *harness, cfg *Config) {
		h.perms = &fakePermissions{refused: map[string]bool{}}
		for _, r := range refused {
			h.perms.refused[r] = true
		}
		cfg.Permissions = h.perms
	}
}

// The console shows at once, before the first list: loading, with where it
// connects; nothing is asked of the cluster about csrtui's permissions until
// the list says which signers there are.
func TestLoadingThenTheList(t *testing.T) {
	h := newHarnessWith(t, 100, 24, nil, func(h *harness, cfg *Config) {
		h.src.notLoaded = true
		withPermissions()(h, cfg)
	})
	if l := h.line(0); !strings.Contains(l, "loading…") || !strings.Contains(l, "context kind-dev") || !strings.Contains(l, "server https://127.0.0.1:6443") {
		t.Fatalf("header line 1 = %q", l)
	}
	if !strings.Contains(h.view(), "Loading the certificate signing requests…") || strings.Contains(h.view(), "No certificate signing requests") || strings.Contains(h.view(), "NAME") {
		t.Fatalf("the loading state is not said:\n%s", h.view())
	}
	if len(h.perms.asked) != 0 {
		t.Fatalf("permissions asked before the list: %v", h.perms.asked)
	}

	h.run(h.send(snapshotMsg{summaries: testSummaries()}))
	if l := h.line(0); !strings.Contains(l, " live ") || strings.Contains(l, "loading") {
		t.Fatalf("header line 1 = %q", l)
	}
	if !strings.Contains(h.line(1), "4 pending / 8 total") {
		t.Fatalf("header line 2 = %q", h.line(1))
	}
	want := []string{"example.com/any", "example.com/nobody", "kubernetes.io/kube-apiserver-client",
		"kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving"}
	if len(h.perms.asked) != 1 || !slices.Equal(h.perms.asked[0], want) {
		t.Fatalf("permissions asked %v, want once for %v", h.perms.asked, want)
	}
}

// When the first list never comes, the console ends on its own with the
// one error that says why, for main to print.
func TestStartupErrorEndsTheConsole(t *testing.T) {
	refused := errors.New(`cannot reach https://127.0.0.1:1 (context "lab"): connection refused`)

	// Already known at Init.
	src := newFakeSource(nil)
	src.notLoaded, src.err = true, refused
	m := New(Config{Source: src})
	if cmd := m.Init(); cmd == nil {
		t.Fatal("Init went on")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("Init does not quit")
	}
	if !errors.Is(m.Err(), refused) {
		t.Fatalf("Err = %v", m.Err())
	}

	// Or later, while loading.
	h := newHarnessWith(t, 80, 24, nil, func(h *harness, _ *Config) { h.src.notLoaded = true })
	cmd := h.send(snapshotMsg{loading: true, err: refused})
	if cmd == nil {
		t.Fatal("no command after the error")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok || !errors.Is(h.m.Err(), refused) {
		t.Fatalf("the console did not end with the error: Err = %v", h.m.Err())
	}

	// A problem after the list came is no reason to end.
	h = newHarness(t, 80, 24, testSummaries())
	h.send(snapshotMsg{summaries: testSummaries(), err: refused})
	if h.m.Err() != nil {
		t.Fatalf("Err = %v after the list came", h.m.Err())
	}
}

// Reconnecting while the apiserver can't be reached, stale while it refuses:
// the list stays, the header says since when and the last error, and live
// again when it is back.
func TestConnectionStates(t *testing.T) {
	h := newHarness(t, 120, 24, testSummaries())
	since := testNow.Add(-90 * time.Second)

	h.send(snapshotMsg{summaries: testSummaries(), err: connErr{msg: "connection refused (no updates from https://127.0.0.1:6443)", since: since, retrying: true}})
	if l := h.line(0); !strings.Contains(l, "reconnecting") {
		t.Fatalf("header line 1 = %q", l)
	}
	if l := h.line(1); l != "! stale since 11:58:30, reconnecting: connection refused (no updates from https://127.0.0.1:6443)" {
		t.Fatalf("header line 2 = %q", l)
	}
	if h.m.list.total != 8 || !strings.Contains(h.view(), "csr-masters") {
		t.Fatal("the list left the screen")
	}

	// The error changes, the outage goes on: since stays.
	h.send(snapshotMsg{summaries: testSummaries(), err: connErr{msg: "the credentials were rejected", since: since}})
	if l := h.line(0); !strings.Contains(l, "stale") || strings.Contains(l, "reconnecting") {
		t.Fatalf("header line 1 = %q", l)
	}
	if l := h.line(1); !strings.HasPrefix(l, "! stale since 11:58:30, needs you: the credentials were rejected") {
		t.Fatalf("header line 2 = %q", l)
	}

	// An error that does not say since when: since the console saw it.
	h.send(snapshotMsg{summaries: testSummaries()})
	h.clock = testNow.Add(time.Minute)
	h.send(snapshotMsg{summaries: testSummaries(), err: errors.New("timed out")})
	if l := h.line(1); !strings.HasPrefix(l, "! stale since 12:01:00, reconnecting: timed out") {
		t.Fatalf("header line 2 = %q", l)
	}
	h.send(snapshotMsg{summaries: testSummaries()})
	if l := h.line(0); !strings.Contains(l, " live ") || strings.Contains(h.line(1), "stale") {
		t.Fatalf("not live again:\n%s", h.view())
	}
}

// Permissions are asked again when a new signer shows up, when the
// connection comes back, and on a timer while the console runs; never two
// questions at once.
func TestPermissionsAskedAgain(t *testing.T) {
	ss := testSummaries()
	h := newHarnessWith(t, 80, 24, ss, withPermissions())
	if len(h.perms.asked) != 1 {
		t.Fatalf("asked %d times at start", len(h.perms.asked))
	}
	var timers []timer
	for _, tm := range h.timers {
		if tm.d == permissionsInterval {
			timers = append(timers, tm)
		}
	}
	if len(timers) != 1 {
		t.Fatalf("%d re-check timers, want 1", len(timers))
	}

	// A snapshot with the same signers asks nothing.
	h.run(h.send(snapshotMsg{summaries: ss}))
	if len(h.perms.asked) != 1 {
		t.Fatalf("asked again for the same signers: %v", h.perms.asked)
	}

	// A new signer: asked again, for it too.
	newcomer := *ss[0]
	newcomer.Name, newcomer.UID, newcomer.Signer = "csr-new-signer", "uid-new", "example.org/new"
	h.run(h.send(snapshotMsg{summaries: append(slices.Clone(ss), &newcomer)}))
	if len(h.perms.asked) != 2 || !slices.Contains(h.perms.asked[1], "example.org/new") {
		t.Fatalf("asked %v", h.perms.asked)
	}

	// The timer scheduled before the last answer is ignored; the last one asks.
	h.run(h.send(timers[0].fn(testNow)))
	if len(h.perms.asked) != 2 {
		t.Fatal("a superseded timer asked")
	}
	last := h.timers[len(h.timers)-1]
	h.run(h.send(last.fn(testNow)))
	if len(h.perms.asked) != 3 {
		t.Fatal("the timer did not ask")
	}

	// While a question is on its way, another is not asked: once is after.
	h.m.perms.asking = true
	other := newcomer
	other.Name, other.UID, other.Signer = "csr-other", "uid-other", "example.net/x"
	h.send(snapshotMsg{summaries: append(slices.Clone(ss), &newcomer, &other)})
	if len(h.perms.asked) != 3 || !h.m.perms.again {
		t.Fatalf("asked while asking: %v", h.perms.asked)
	}
	h.run(h.send(permissionsMsg{perms: certs.Permissions{}}))
	if len(h.perms.asked) != 4 || !slices.Contains(h.perms.asked[3], "example.net/x") {
		t.Fatalf("not asked after the answer: %v", h.perms.asked)
	}

	// The connection comes back: asked again (RBAC may have changed meanwhile).
	h.send(snapshotMsg{summaries: ss, err: errors.New("connection refused")})
	h.run(h.send(snapshotMsg{summaries: ss}))
	if len(h.perms.asked) != 5 {
		t.Fatalf("not asked when the connection came back: %d", len(h.perms.asked))
	}
}

// A signer csrtui may not approve for: a and d are shown disabled with the
// rule they need, the approval opens disabled and says it, d says it on the
// status line, and nothing is sent. Other signers are untouched.
func TestPermissionDisablesDecisions(t *testing.T) {
	h := newHarnessWith(t, 120, 24, testSummaries(), withPermissions("approve on signers example.com/any", "approve on signers example.com/*"))
	bar := h.line(23)
	if !strings.Contains(bar, "a approve") || !strings.Contains(bar, "d deny") {
		t.Fatalf("csr-alice's signer is allowed, bar: %q", bar)
	}

	h.press("j") // csr-masters, example.com/any
	bar = h.line(23)
	if strings.Contains(bar, "a approve") || !strings.Contains(bar, "a/d ✗ needs approve on signers example.com/*") {
		t.Fatalf("help bar: %q", bar)
	}

	h.run(h.press("a"))
	c := h.confirm()
	if !c.disabled() || !strings.Contains(h.view(), "Approval is disabled:") || !strings.Contains(h.view(), "needs approve on signers example.com/* or") {
		t.Fatalf("the approval does not say it is disabled:\n%s", h.view())
	}
	if len(h.ins.asked) != 0 {
		t.Fatalf("a disabled approval asked about the identity: %v", h.ins.asked)
	}
	h.run(h.press("y"))
	h.run(h.press("d"))
	h.wantState(stateConfirm) // d is not offered: deny needs the same permission
	h.run(h.press("esc"))

	h.run(h.press("d"))
	h.wantState(stateList)
	h.wantStatus(statusErr, `Denying "csr-masters" is disabled: csrtui's identity needs approve on signers example.com/*`)
	if len(h.dec.calls) != 0 {
		t.Fatalf("decisions sent: %+v", h.dec.calls)
	}

	// Without the approval subresource nothing can be decided.
	h = newHarnessWith(t, 120, 24, testSummaries(), withPermissions("update on certificatesigningrequests/approval"))
	if bar := h.line(23); !strings.Contains(bar, "a/d ✗ needs update on certificatesigningrequests/approval") {
		t.Fatalf("help bar: %q", bar)
	}
}

// The answers come while the approval is open: it turns disabled in place,
// and a y typed after approves nothing. The deny prompt closes for a notice.
func TestPermissionAnswerDisablesAnOpenDialog(t *testing.T) {
	h := newHarnessWith(t, 120, 30, testSummaries(), withPermissions())
	h.run(h.press("a"))
	h.wantState(stateConfirm)
	refusal := certs.PermissionProbes([]string{clientSigner})
	for i := range refusal {
		refusal[i].Allowed = refusal[i].Name == ""
	}
	h.run(h.send(permissionsMsg{perms: certs.Permissions{Answers: refusal}}))
	if !h.confirm().disabled() || !strings.Contains(h.view(), "needs approve on signers kubernetes.io/*") {
		t.Fatalf("the open approval is not disabled:\n%s", h.view())
	}
	h.run(h.press("y"))
	if len(h.dec.calls) != 0 {
		t.Fatalf("approved: %+v", h.dec.calls)
	}
	h.run(h.press("esc"))

	h = newHarnessWith(t, 120, 30, testSummaries(), withPermissions())
	h.run(h.press("d"))
	h.wantState(statePrompt)
	h.run(h.send(permissionsMsg{perms: certs.Permissions{Answers: refusal}}))
	h.lookAgain()
	h.wantStatus(statusErr, "needs approve on signers kubernetes.io/*")
	h.typeText("no")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 0 {
		t.Fatalf("denied: %+v", h.dec.calls)
	}
}

// --readonly: said in the header, every decision shown disabled, and nothing
// sent; reading and exporting still work.
func TestReadOnly(t *testing.T) {
	h := newHarnessWith(t, 120, 24, testSummaries(), func(_ *harness, cfg *Config) { cfg.ReadOnly = true })
	if l := h.line(0); !strings.Contains(l, "READ-ONLY") {
		t.Fatalf("header line 1 = %q", l)
	}
	if bar := h.line(23); strings.Contains(bar, "a approve") || !strings.Contains(bar, "a/d ✗ read-only (--readonly)") {
		t.Fatalf("help bar: %q", bar)
	}
	h.run(h.press("a"))
	if !strings.Contains(h.view(), "csrtui runs read-only (--readonly)") {
		t.Fatalf("the approval does not say why it is disabled:\n%s", h.view())
	}
	h.run(h.press("y"))
	h.run(h.press("esc"))
	h.run(h.press("d"))
	h.wantStatus(statusErr, "read-only")
	if len(h.dec.calls) != 0 {
		t.Fatalf("decisions sent: %+v", h.dec.calls)
	}
	h.press("G") // csr-web-1, issued
	if bar := h.line(23); !strings.Contains(bar, "e export") {
		t.Fatalf("export is not offered under --readonly: %q", bar)
	}
}

// Another admin decides while the dialog is open: it closes for a notice
// that says what the cluster records of that decision, and keys typed after
// decide nothing.
func TestDecidedElsewhereWhileOpen(t *testing.T) {
	ss := testSummaries()
	denied := func(s *certs.Summary) {
		s.State, s.Condition = certs.StateDenied, "Denied"
		s.Conditions = []certs.Condition{{Type: "Denied", Status: "True", Reason: "KubectlDeny", Message: "not on the roster", LastUpdate: testNow.Add(-3 * time.Second)}}
		s.Findings = append([]certs.Finding{{ID: certs.FindingDecided, Severity: certs.SeverityBlock, Title: "already Denied: the decision is final"}}, s.Findings...)
	}
	for _, key := range []string{"a", "d"} {
		t.Run(key, func(t *testing.T) {
			h := newHarness(t, 120, 30, ss)
			h.run(h.press(key))
			h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", denied)})
			h.lookAgain()
			h.wantStatus(statusErr, `"csr-alice" was denied 3s ago (KubectlDeny): "not on the roster" while you had it open.`)
			if !strings.Contains(h.view(), "Nothing was") {
				t.Fatalf("the notice does not say nothing was done:\n%s", h.view())
			}
			h.typeText("y")
			h.run(h.press("enter"))
			if len(h.dec.calls) != 0 {
				t.Fatalf("decided: %+v", h.dec.calls)
			}
			// Its age goes on; the notice stays as it was.
			h.clock = h.clock.Add(time.Minute)
			h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", denied)})
			h.wantStatus(statusErr, "3s ago")
		})
	}
}

// The full help says what else csrtui's identity may not do, by rule.
func TestFullHelpSaysWhatIsRefused(t *testing.T) {
	h := newHarnessWith(t, 160, 40, testSummaries(), withPermissions("create on subjectaccessreviews", "list on nodes"))
	h.press("?")
	screen := h.view()
	for _, want := range []string{`✗ create on subjectaccessreviews +identities unchecked`, `✗ list on nodes +kubelet SANs unchecked`} {
		if !regexp.MustCompile(want).MatchString(screen) {
			t.Fatalf("%q is not in the full help:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "✗ list on clusterroles") {
		t.Fatal("an allowed rule is said refused")
	}
}

// A notice for changed findings turns into the decision when another admin
// decides after it: that is what the admin must read.
func TestNoticeFollowsADecisionMadeAfterIt(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 120, 30, ss)
	h.run(h.press("a"))
	raised := swapped(t, ss, "csr-alice", func(s *certs.Summary) {
		s.Findings = []certs.Finding{{ID: s.Findings[0].ID, Severity: certs.SeverityHigh, Title: s.Findings[0].Title}}
	})
	h.send(snapshotMsg{summaries: raised})
	h.lookAgain()
	h.wantStatus(statusErr, "The findings of")
	h.send(snapshotMsg{summaries: swapped(t, raised, "csr-alice", func(s *certs.Summary) {
		s.State, s.Condition = certs.StateApproved, "Approved"
		s.Conditions = []certs.Condition{{Type: "Approved", Reason: "KubectlApprove", LastUpdate: testNow}}
	})})
	h.wantStatus(statusErr, `"csr-alice" was approved 0s ago (KubectlApprove) while you had it open.`)
}

// Creating a request writes to the cluster: n is shown disabled under
// --readonly and without the permission, with why, and opens nothing.
func TestCreateDisabled(t *testing.T) {
	for _, tc := range []struct {
		name      string
		configure func(*harness, *Config)
		why       string
	}{
		{"readonly", func(_ *harness, cfg *Config) { cfg.ReadOnly = true }, "read-only (--readonly)"},
		{"no permission", withPermissions("create on certificatesigningrequests"), "needs create on certificatesigningrequests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarnessWith(t, 200, 24, testSummaries(), tc.configure)
			if bar := h.line(23); !strings.Contains(bar, "n ✗ "+tc.why) || strings.Contains(bar, "n new request") {
				t.Fatalf("help bar: %q", bar)
			}
			h.run(h.press("n"))
			h.wantState(stateList)
			h.wantStatus(statusErr, "Creating a request is disabled: "+tc.why)
		})
	}
}
