package ui

import (
	"strings"
	"testing"

	"github.com/csrtui/csrtui/certs"
)

// glanced makes s what the list shows before its request is decoded
// (certs.Glance): no request, one blocking finding.
func glanced(s *certs.Summary) {
	s.Unchecked = true
	s.Request, s.Certificate = nil, nil
	s.Findings = []certs.Finding{{ID: certs.FindingUnchecked, Severity: certs.SeverityBlock, Title: "not decoded yet"}}
}

// A request listed before it is decoded shows "…" for its subject and can't
// be approved; once decoded, it shows as usual and a new approval goes ahead.
func TestUncheckedRowCantBeApproved(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, swapped(t, ss, "csr-alice", glanced))
	line := lineWith(t, h.view(), "csr-alice")
	if !strings.Contains(line, "…") || !strings.HasPrefix(line, "XX") {
		t.Errorf("the row of an undecoded request = %q, want the block marker and … for its subject", line)
	}
	h.press("a")
	c := openDialog[*confirmDialog](h)
	if !c.disabled() {
		t.Fatal("approval of an undecoded request is not blocked")
	}
	h.run(h.press("y"))
	if len(h.dec.calls) != 0 {
		t.Fatalf("an undecoded request was decided: %+v", h.dec.calls)
	}
	h.press("esc")

	h.send(snapshotMsg{summaries: ss})
	if line := lineWith(t, h.view(), "csr-alice"); strings.Contains(line, "…") {
		t.Errorf("decoded row = %q, still …", line)
	}
	h.press("a")
	if openDialog[*confirmDialog](h).disabled() {
		t.Error("approval still blocked once decoded")
	}
}

func lineWith(t *testing.T, screen, text string) string {
	t.Helper()
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, text) {
			return strings.TrimLeft(l, " ")
		}
	}
	t.Fatalf("no line with %q:\n%s", text, screen)
	return ""
}
