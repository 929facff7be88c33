package ui

import (
	"slices"
	"testing"

	"github.com/csrtui/csrtui/certs"
)

// A critical finding that appears while the name of a critical request is
// typed clears what was typed: the name applied to the findings shown
// before, as in a single approval.
func TestBulkNamingClearedWhenFindingsChange(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.markBulk()
	h.press("A", "enter")
	h.wantView("Critical 1 of 1", "CSR        bulk-crit ")
	h.typeText("bulk-crit")
	worse := certs.Finding{ID: certs.FindingClusterAdmin, Severity: certs.SeverityCritical, Title: "bound to cluster-admin"}
	h.send(snapshotMsg{summaries: swapped(t, h.src.ss, "bulk-crit", func(s *certs.Summary) {
		s.Findings = []certs.Finding{masters, worse}
	})})
	h.press("enter")
	d := h.bulkConfirm()
	if _, ok := d.named["uid-bulk-crit"]; ok {
		t.Fatalf("a name typed before a new critical finding showed included the request:\n%s", h.view())
	}
	h.wantView("bound to cluster-admin", "Its findings changed: type the CSR's name again.")
	h.typeText("bulk-crit")
	h.press("enter")
	if fs := d.named["uid-bulk-crit"]; len(fs) != 2 {
		t.Fatalf("named with %v after the name was typed again", fs)
	}
	h.run(h.press("y"))
	if !slices.Contains(h.dec.names(), "bulk-crit") {
		t.Fatal("the request named again was not approved")
	}
}
