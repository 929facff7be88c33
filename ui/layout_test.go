package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// spoofName is a CSR name that draws, on a dialog that wraps values, rows of
// its own: a benign subject, signer and requester, and no findings.
var spoofName = "jane-laptop" + strings.Repeat(" ", 80) + "Subject    CN=jane, O=dev" + strings.Repeat(" ", 80) +
	"Signer     kubernetes.io/kube-apiserver-client" + strings.Repeat(" ", 80) + "Requester  jane" +
	strings.Repeat(" ", 80) + "Lifetime   1h requested, 1h effective" + strings.Repeat(" ", 1200)

// spoofing is a request for system:masters through a custom signer, named to
// look like jane's laptop.
func spoofing() *certs.Summary {
	s := *testSummaries()[1] // csr-masters
	s.Name, s.UID = spoofName, "uid-spoof"
	s.Findings = append([]certs.Finding(nil), s.Findings...)
	s.Findings = append(s.Findings, certs.Finding{ID: "name", Severity: certs.SeverityMedium, Title: "The name is not a DNS subdomain: it holds whitespace and is 1,654 characters long"})
	return &s
}

// manyFindings is a request whose findings, one line each, do not fit 24 lines.
func manyFindings() *certs.Summary {
	s := *testSummaries()[0] // csr-alice
	s.Name, s.UID = "csr-many", "uid-many"
	s.Findings = nil
	for i := range 14 {
		s.Findings = append(s.Findings, certs.Finding{ID: "subject-odd", Severity: certs.SeverityMedium, Title: fmt.Sprintf("Odd subject attribute number %d", i+1)})
	}
	return &s
}

// boxLines are the lines of the dialog box on screen, without its border.
func boxLines(screen string) []string {
	var out []string
	for _, l := range strings.Split(screen, "\n") {
		if i, j := strings.Index(l, "│ "), strings.LastIndex(l, " │"); i >= 0 && j > i {
			out = append(out, l[i+len("│ "):j])
		}
	}
	return out
}

// At 80x24 the real subject, signer and requester have their rows and the
// findings theirs, whatever the name holds; the name takes one line and says
// how much of it is cut.
func TestSpoofingNameCantPushTheDecisionAway(t *testing.T) {
	h := newHarness(t, 80, 24, []*certs.Summary{spoofing()})
	h.run(h.press("enter")) // what root could do is known
	h.press("esc")
	h.run(h.press("a"))
	c := h.confirm()
	if c.refused() || !c.needsName() {
		t.Fatalf("refused %v, needs name %v", c.refused(), c.needsName())
	}
	screen := h.view()
	checkFrame(t, "spoof", screen, 80, 24)
	box := boxLines(screen)
	want := []string{
		"Approve this certificate signing request?",
		"",
		"CSR        jane-laptop",
		"Subject    CN=root, O=system:masters",
		"Signer     example.com/any",
		"Requester  mallory",
		"Lifetime   365d (none requested: the signer's default)",
		"Access     see the critical finding",
		"",
		"CRITICAL  If approved, this identity could do everything",
		"CRITICAL  O=system:masters: the certificate would be cluster-admin",
		"HIGH      mallory asks for a certificate as root",
		"MEDIUM    The name is not a DNS subdomain: it holds whitespace and is",
		"          1,654 characters long",
		"INFO      Custom signer example.com/any",
		"",
		"A critical finding: type the CSR's name to approve it.",
		">",
	}
	if len(box) != len(want) {
		t.Fatalf("the dialog has %d lines, want %d:\n%s", len(box), len(want), strings.Join(box, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(box[i], w) {
			t.Errorf("line %d is %q, want it to start %q", i, box[i], w)
		}
	}
	if !strings.HasSuffix(strings.TrimRight(box[2], " "), " … 1,615 more characters") {
		t.Errorf("the name is not cut visibly: %q", box[2])
	}
	if strings.Contains(screen, "CN=jane") || strings.Contains(screen, "kube-apiserver-client") {
		t.Errorf("the name's own rows reached the screen:\n%s", screen)
	}
	h.golden("spoof-80x24")
}

// At 40x12 the decision does not fit: approval is refused, and says why;
// denying is still possible.
func TestTooSmallToDecide(t *testing.T) {
	for _, c := range []struct {
		name string
		s    *certs.Summary
		w, h int
	}{
		{"spoof-40x12", spoofing(), 40, 12},
		{"many-findings-80x24", manyFindings(), 80, 24},
		{"many-findings-40x12", manyFindings(), 40, 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.w, c.h, []*certs.Summary{c.s})
			h.run(h.press("a"))
			d := h.confirm()
			if !d.refused() {
				t.Fatal("approval is not refused")
			}
			screen := h.view()
			checkFrame(t, c.name, screen, c.w, c.h)
			if !strings.Contains(screen, "Enlarge the terminal to decide.") || !strings.HasSuffix(screen, "esc close • d deny") {
				t.Fatalf("the refusal is not on screen:\n%s", screen)
			}
			h.golden(c.name)
			// Nothing typed approves, nor falls through to the list: while the
			// name is needed, no letter of it starts anything.
			if d.needsName() {
				h.typeText("n" + c.s.Name + "daye")
			}
			h.press("y", "n", "enter", "a", "e")
			h.wantState(stateConfirm)
			if len(h.dec.calls) != 0 {
				t.Fatalf("approved: %+v", h.dec.calls)
			}
			h.press("esc")
			h.wantState(stateList)
			h.run(h.press("a"))
			h.press("d")
			if p := h.prompt(); !isDenyPrompt(p) {
				t.Fatal("d does not deny")
			}
			checkFrame(t, c.name+" deny", h.view(), c.w, c.h)
		})
	}
}

// Growing the terminal gives the decision back; shrinking it takes it away.
func TestResizeDecides(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("a"))
	if h.confirm().refused() {
		t.Fatal("refused at 80x24")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 12})
	if !h.confirm().refused() {
		t.Fatal("not refused at 80x12")
	}
	h.press("y")
	h.send(tea.WindowSizeMsg{Width: 30, Height: 40})
	if !h.confirm().refused() {
		t.Fatal("not refused 30 columns wide")
	}
	if !strings.Contains(h.view(), "more columns") {
		t.Fatalf("the refusal does not say what is short:\n%s", h.view())
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.press("y"))
	if len(h.dec.calls) != 1 {
		t.Fatalf("calls %+v", h.dec.calls)
	}
}

// Every dialog fits the body, at any size.
func TestDialogsFitTheBody(t *testing.T) {
	t.Chdir(t.TempDir())
	ss := append(testSummaries(), spoofing(), manyFindings())
	opens := map[string][]string{
		"confirm":  {"a"},
		"critical": {"j", "a"},
		"blocked":  {"j", "j", "j", "a"},
		"deny":     {"d"},
		"export":   {"G", "k", "k", "e"},
		"spoof":    {"G", "k", "a"},
		"many":     {"G", "a"},
	}
	for _, size := range [][2]int{{80, 24}, {40, 12}, {60, 16}, {120, 40}, {24, 8}} {
		for name, keys := range opens {
			h := newHarness(t, size[0], size[1], ss)
			for _, k := range keys {
				h.run(h.press(k))
			}
			if h.m.dialog == nil {
				t.Fatalf("%s at %dx%d: no dialog (%q)", name, size[0], size[1], h.m.status.text)
			}
			screen := h.view()
			checkFrame(t, name, screen, size[0], size[1])
			if strings.Count(screen, "╰") != 1 {
				t.Errorf("%s at %dx%d: the dialog's bottom is cut:\n%s", name, size[0], size[1], screen)
			}
		}
	}
}

// The terminal shrinking while the name is typed: the rest of the name stays
// in the input, none of its letters denies or falls through, and the name
// approves once the terminal is large again.
func TestShrinkWhileTypingTheName(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("j", "a")) // csr-masters: critical
	h.typeText("csr-")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 12})
	if !h.confirm().refused() || !strings.HasSuffix(h.view(), "esc close") {
		t.Fatalf("not refused, or the help offers deny mid-name:\n%s", h.view())
	}
	h.typeText("masters")
	h.press("enter")
	h.wantState(stateConfirm)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if got := h.confirm().input.Value(); got != "csr-masters" {
		t.Fatalf("typed %q", got)
	}
	h.run(h.press("enter"))
	if len(h.dec.calls) != 1 || h.dec.calls[0].uid != "uid-csr-masters" {
		t.Fatalf("calls %+v", h.dec.calls)
	}
}
