package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// without returns ss without the CSR of that name.
func without(ss []*certs.Summary, name string) []*certs.Summary {
	var out []*certs.Summary
	for _, s := range ss {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

// swapped returns ss with the CSR of that name replaced by the result of fn
// on a copy of it.
func swapped(t *testing.T, ss []*certs.Summary, name string, fn func(s *certs.Summary)) []*certs.Summary {
	t.Helper()
	out := append([]*certs.Summary(nil), ss...)
	for i, s := range out {
		if s.Name == name {
			c := *s
			fn(&c)
			out[i] = &c
			return out
		}
	}
	t.Fatalf("no CSR %s", name)
	return nil
}

// impostor makes s a different request under the same name: a new UID and
// what an attacker would ask for.
func impostor(s *certs.Summary) {
	s.UID = "uid-impostor"
	s.ResourceVersion = "99"
	s.Signer = "example.com/x"
	s.Request = request("jane", "system:masters")
	s.Findings = nil
}

func (h *harness) lookAgain() *lookAgainDialog {
	h.t.Helper()
	return openDialog[*lookAgainDialog](h)
}

// A request replaced under an open approval: the dialog closes for a notice,
// the status line says why, and no key typed after it approves anything.
func TestApproveDialogClosesWhenReplaced(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.press("a")
	h.wantState(stateConfirm)

	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", impostor)})
	h.lookAgain()
	h.wantStatus(statusErr, `"csr-alice" was replaced by a different request since you opened it; look again.`)
	screen := h.view()
	if !strings.Contains(screen, "Look again") || !strings.Contains(screen, "Nothing was approved.") {
		t.Fatalf("the notice is not on screen:\n%s", screen)
	}
	// Keys typed ahead for the dialog that was there do nothing.
	for _, k := range []string{"y", "enter", "a", "d", "e", "n", "q"} {
		h.run(h.press(k))
	}
	h.typeText("csr-alice")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 0 {
		t.Fatalf("a key after the replacement decided: %+v", h.dec.calls)
	}
	h.lookAgain()
	h.press("esc")
	h.wantState(stateList)
}

// Deleted, then created again under the same name: the notice follows the
// object it was about, from gone to replaced.
func TestDialogNoticeFollowsGoneThenReplaced(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.press("a")
	h.send(snapshotMsg{summaries: without(ss, "csr-alice")})
	h.lookAgain()
	h.wantStatus(statusErr, `"csr-alice" is gone`)
	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", impostor)})
	h.wantStatus(statusErr, `"csr-alice" was replaced by a different request`)
	if !strings.Contains(h.view(), "was replaced by a different") {
		t.Fatalf("the notice still says gone:\n%s", h.view())
	}
	h.press("y")
	if len(h.dec.calls) != 0 {
		t.Fatalf("y approved: %+v", h.dec.calls)
	}
}

// The same object with other findings, or another worst severity, is not what
// the dialog showed; a new version with the same findings is.
func TestApproveDialogClosesWhenFindingsChange(t *testing.T) {
	ss := testSummaries()
	for _, c := range []struct {
		name   string
		change func(s *certs.Summary)
		closes bool
	}{
		{"new version, same findings", func(s *certs.Summary) { s.ResourceVersion = "2"; s.Annotations = map[string]string{"a": "b"} }, false},
		{"a detail reworded", func(s *certs.Summary) {
			s.Findings = append([]certs.Finding(nil), s.Findings...)
			s.Findings[0].Detail = "reworded"
		}, false},
		{"a finding added", func(s *certs.Summary) {
			s.Findings = append([]certs.Finding{{ID: certs.FindingClusterAdmin, Severity: certs.SeverityCritical, Title: "O=dev is bound to cluster-admin"}}, s.Findings...)
		}, true},
		{"a severity raised", func(s *certs.Summary) {
			s.Findings = []certs.Finding{{ID: s.Findings[0].ID, Severity: certs.SeverityHigh, Title: s.Findings[0].Title}}
		}, true},
		{"a title changed", func(s *certs.Summary) {
			s.Findings = []certs.Finding{{ID: s.Findings[0].ID, Severity: s.Findings[0].Severity, Title: "Requested by someone else"}}
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, 80, 24, ss)
			h.press("a")
			h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", c.change)})
			if !c.closes {
				h.wantState(stateConfirm)
				if h.confirm().s.ResourceVersion != ss[0].ResourceVersion {
					t.Fatal("the dialog took the new version")
				}
				return
			}
			h.lookAgain()
			h.wantStatus(statusErr, `The findings of "csr-alice" changed since you opened it: look again.`)
			h.press("y")
			if len(h.dec.calls) != 0 {
				t.Fatalf("y approved: %+v", h.dec.calls)
			}
		})
	}
}

// The deny prompt shows the name alone: it follows the object, not findings.
func TestDenyPromptFollowsTheObject(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.press("d")
	h.typeText("not ours")
	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", func(s *certs.Summary) { s.Findings = nil })})
	h.wantState(statePrompt)
	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-alice", impostor)})
	h.lookAgain()
	h.wantStatus(statusErr, "was replaced")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 0 || !strings.Contains(h.view(), "Nothing was denied.") {
		t.Fatalf("calls %+v; screen:\n%s", h.dec.calls, h.view())
	}
}

// The export offers one certificate: another one in its place closes it.
func TestExportPromptFollowsTheCertificate(t *testing.T) {
	t.Chdir(t.TempDir())
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.run(h.press("G", "e"))
	h.wantState(statePrompt)
	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-web-1", func(s *certs.Summary) { s.ResourceVersion = "5" })})
	h.wantState(statePrompt)
	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-web-1", func(s *certs.Summary) {
		issue(s, append(append([]byte(nil), testCertificatePEM...), testCertificatePEM...))
	})})
	h.lookAgain()
	h.wantStatus(statusErr, `The certificate of "csr-web-1" changed since you opened it: look again.`)
	h.run(h.press("enter"))
	if !strings.Contains(h.view(), "Nothing was written.") {
		t.Fatalf("screen:\n%s", h.view())
	}
}

// The detail shows one object: a new version of it, yes; a request that took
// its name, never, and no key acts on that one from here.
func TestDetailFollowsTheUID(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.run(h.press("enter"))
	newer := swapped(t, ss, "csr-alice", func(s *certs.Summary) { s.ResourceVersion = "2" })
	h.send(snapshotMsg{summaries: newer})
	if h.m.detail.s != newer[0] || h.m.detail.lost != lossNone {
		t.Fatal("the detail does not follow a new version of its object")
	}

	replaced := swapped(t, ss, "csr-alice", impostor)
	h.send(snapshotMsg{summaries: replaced})
	if h.m.detail.lost != lossReplaced || h.m.detail.s.UID != "uid-csr-alice" {
		t.Fatalf("lost %v, showing %s", h.m.detail.lost, h.m.detail.s.UID)
	}
	if screen := h.view(); !strings.Contains(screen, "Replaced by a new request of the same name") {
		t.Fatalf("the detail does not say it was replaced:\n%s", screen)
	}
	if help := h.view()[strings.LastIndex(h.view(), "\n"):]; strings.Contains(help, "approve") || strings.Contains(help, "deny") {
		t.Fatalf("the help bar offers actions on a replaced request: %s", help)
	}
	for _, k := range []string{"a", "d", "e"} {
		h.press(k)
		h.wantState(stateDetail)
		h.wantStatus(statusErr, `"csr-alice" was replaced by a new request of the same name: go back and open the new one`)
	}

	// Back and open again: the new request, whose actions work.
	h.press("esc")
	h.run(h.press("enter"))
	if h.m.detail.s != replaced[0] || h.m.detail.lost != lossNone {
		t.Fatal("reopening did not show the new request")
	}
	h.press("d")
	h.wantState(statePrompt)
	h.press("esc")

	h.send(snapshotMsg{summaries: without(ss, "csr-alice")})
	if h.m.detail.lost != lossGone {
		t.Fatalf("lost %v, want gone", h.m.detail.lost)
	}
	h.press("a")
	h.wantState(stateDetail)
	h.wantStatus(statusErr, `"csr-alice" is no longer in the cluster: there is nothing to approve.`)
	if len(h.dec.calls) != 0 {
		t.Fatalf("calls %+v", h.dec.calls)
	}
}

// The row under the cursor leaves the list: a key pressed within a second
// meant that row, so it must be pressed again, and the status line says on
// what; after a second, or once the admin moves, it acts at once.
func TestSelectionThatSlippedNeedsTheKeyAgain(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.press("j") // csr-masters
	h.send(snapshotMsg{summaries: without(ss, "csr-masters")})
	if h.selected() != "csr-broken" {
		t.Fatalf("selected %s", h.selected())
	}
	h.clock = testNow.Add(999 * time.Millisecond)
	h.press("d")
	h.wantState(stateList)
	h.wantStatus(statusErr, `"csr-masters" left the list a moment ago and the cursor moved to "csr-broken": press d again to deny "csr-broken".`)
	h.press("d")
	h.wantState(statePrompt)
	if p := h.prompt(); p.b.uid != "uid-csr-broken" {
		t.Fatalf("the prompt is on %s", p.b.uid)
	}
	h.press("esc")

	// Replaced under the cursor counts too, and so does approval.
	h.clock = testNow
	h.send(snapshotMsg{summaries: swapped(t, without(ss, "csr-masters"), "csr-broken", impostor)})
	h.press("a")
	h.wantState(stateList)
	h.wantStatus(statusErr, "press a again")

	// A second later the key acts at once.
	h.send(snapshotMsg{summaries: without(ss, "csr-broken")})
	h.clock = testNow.Add(time.Second)
	h.press("a")
	h.wantState(stateConfirm)
	h.press("esc")

	// Moving the cursor is choosing the row: no second press.
	h.clock = testNow
	h.send(snapshotMsg{summaries: without(without(ss, "csr-broken"), h.selected())})
	h.press("k", "j")
	h.press("a")
	h.wantState(stateConfirm)
	if len(h.dec.calls) != 0 {
		t.Fatalf("calls %+v", h.dec.calls)
	}
}
