package ui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// Until the cluster has said what the identity could do, approval takes the
// typed name, and the dialog says why.
func TestApprovalWaitsForTheAccessAnswers(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	ask := h.press("a") // csr-alice: nothing critical of its own
	c := h.confirm()
	if !c.needsName() || len(h.ins.asked) != 0 {
		t.Fatalf("while asking: needs name %v, asked %v", c.needsName(), h.ins.asked)
	}
	screen := h.view()
	for _, want := range []string{"Still asking the cluster what this identity could do", "Access     asking the cluster"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("%q is not on screen:\n%s", want, screen)
		}
	}
	h.press("y", "enter")
	if len(h.dec.calls) != 0 {
		t.Fatalf("y approved while asking: %+v", h.dec.calls)
	}

	// The answer comes while the name is being typed: the name is still needed.
	h.run(ask)
	if len(h.ins.asked) != 1 || !h.confirm().needsName() {
		t.Fatalf("asked %v; needs name %v", h.ins.asked, h.confirm().needsName())
	}
	h.press("backspace")
	h.typeText("csr-alice")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 1 || h.dec.calls[0].uid != "uid-csr-alice" {
		t.Fatalf("calls %+v", h.dec.calls)
	}

	// The answer comes before anything is typed: nothing powerful, so y.
	h = newHarness(t, 80, 24, testSummaries())
	h.run(h.press("a"))
	if h.confirm().needsName() || !strings.Contains(h.view(), "nothing that leads to cluster-admin") {
		t.Fatalf("answered, nothing powerful:\n%s", h.view())
	}
	h.run(h.press("y"))
	if len(h.dec.calls) != 1 {
		t.Fatalf("calls %+v", h.dec.calls)
	}
}

func TestApprovalWhenTheClusterCantBeAsked(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.ins.err = errors.New(`subjectaccessreviews.authorization.k8s.io is forbidden: User "kind-admin" cannot create resource "subjectaccessreviews"`)
	h.run(h.press("a"))
	if !h.confirm().needsName() {
		t.Fatal("approval without the name while the answers are unknown")
	}
	screen := h.view()
	if !strings.Contains(screen, "The cluster could not say what this identity could do") || !strings.Contains(screen, "Access     can't ask the cluster:") {
		t.Fatalf("the dialog does not say why:\n%s", screen)
	}
	h.press("y", "enter")
	if len(h.dec.calls) != 0 {
		t.Fatalf("approved: %+v", h.dec.calls)
	}
}

// An answer that makes the identity powerful is a critical finding. The
// approval waiting for it shows it in place and clears what was typed.
func TestPowerfulAnswerIsACriticalFinding(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.ins.byUser["alice"] = testCapabilities() // do everything
	ask := h.press("a")
	h.typeText("csr-al")
	h.run(ask)
	c := h.confirm()
	if len(h.ins.asked) != 1 || !c.needsName() || len(c.critical) != 1 || c.critical[0].ID != certs.FindingPowerfulIdentity {
		t.Fatalf("asked %v; critical %+v", h.ins.asked, c.critical)
	}
	if c.input.Value() != "" {
		t.Fatalf("what was typed before the finding showed is kept: %q", c.input.Value())
	}
	h.typeText("ice")
	h.press("enter")
	if len(h.dec.calls) != 0 {
		t.Fatalf("approved: %+v", h.dec.calls)
	}
	h.press("esc")

	h.run(h.press("a"))
	c = h.confirm()
	if len(h.ins.asked) != 1 || !c.needsName() || len(c.critical) != 1 {
		t.Fatalf("asked %v; critical %+v", h.ins.asked, c.critical)
	}
	screen := h.view()
	for _, want := range []string{"CRITICAL  If approved, this identity could do everything", "A critical finding: type the CSR's name"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("%q is not on screen:\n%s", want, screen)
		}
	}
	// The detail lists it with the request's own findings.
	h.press("esc", "enter")
	if text := ansiStrip(strings.Join(h.m.detail.lines, "\n")); !strings.Contains(text, "[powerful-identity]") {
		t.Fatalf("the detail does not list it:\n%s", text)
	}
}

// Answers asked again that take back what the old ones said still need the
// name: the change was not on screen when the keys were typed.
func TestAnswersThatChangeFindingsKeepTheName(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.ins.byUser["alice"] = testCapabilities()
	h.run(h.press("enter")) // the detail asks: do everything
	h.press("esc")
	h.clock = testNow.Add(capsMaxAge)
	delete(h.ins.byUser, "alice")
	ask := h.press("a")
	if c := h.confirm(); len(c.critical) != 1 || !c.needsName() {
		t.Fatalf("the old answers are not shown: %+v", c.critical)
	}
	h.run(ask)
	c := h.confirm()
	if len(c.critical) != 0 || !c.needsName() || !strings.Contains(h.view(), "The cluster's answers changed the findings") {
		t.Fatalf("critical %+v, needs name %v:\n%s", c.critical, c.needsName(), h.view())
	}
	h.press("y", "enter")
	if len(h.dec.calls) != 0 {
		t.Fatalf("approved: %+v", h.dec.calls)
	}
}

// Answers are kept a few minutes per CSR, asked again after, and forgotten
// with the CSR.
func TestAccessAnswersAgeAndGo(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.run(h.press("enter")) // the detail asks
	h.press("esc")
	h.run(h.press("a"))
	if len(h.ins.asked) != 1 || h.confirm().needsName() {
		t.Fatalf("fresh answers: asked %v, needs name %v", h.ins.asked, h.confirm().needsName())
	}
	h.press("esc")

	h.clock = testNow.Add(capsMaxAge)
	ask := h.press("a")
	if len(h.ins.asked) != 1 || !h.confirm().needsName() || h.m.caps["uid-csr-alice"].caps == nil {
		t.Fatalf("old answers: asked %v, needs name %v, kept %+v", h.ins.asked, h.confirm().needsName(), h.m.caps["uid-csr-alice"])
	}
	h.run(ask)
	if len(h.ins.asked) != 2 || h.confirm().needsName() {
		t.Fatalf("asked again: %v, needs name %v", h.ins.asked, h.confirm().needsName())
	}
	h.press("esc")

	// The CSR leaves the list: its answers go, and a late one is not kept.
	ask = func() tea.Msg { return capabilitiesMsg{uid: "uid-csr-alice", caps: harmlessCapabilities()} }
	h.send(snapshotMsg{summaries: without(ss, "csr-alice")})
	if _, ok := h.m.caps["uid-csr-alice"]; ok {
		t.Fatal("the answers about a CSR no longer listed are kept")
	}
	h.run(ask)
	if _, ok := h.m.caps["uid-csr-alice"]; ok {
		t.Fatal("a late answer about a CSR no longer listed is kept")
	}
}
