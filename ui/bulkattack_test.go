package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

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

// A marked request replaced under its name while the dialog is open is not
// the one marked: y right after never sends the newcomer.
func TestBulkReplacedUnderTheDialog(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.markBulk()
	h.press("A")
	h.send(snapshotMsg{summaries: swapped(t, h.src.ss, "bulk-a1", impostor)})
	h.run(h.press("y"))
	for _, c := range h.dec.calls {
		if c.uid == "uid-impostor" || c.name == "bulk-a1" {
			t.Fatalf("sent %+v", c)
		}
	}
	if len(h.dec.calls) != 5 {
		t.Fatalf("%d approvals, want the 5 still marked and ready", len(h.dec.calls))
	}
}

// Names from the API reach the bulk dialogs and the run's names escaped, at
// any size, the run resized under way included.
func TestBulkHostileNames(t *testing.T) {
	evil := "bulk-\u202eevil\x1b[2J"
	ss := bulkSummaries()
	for i, s := range ss {
		if s.Name == "bulk-a1" {
			c := *s
			c.Name, c.Username = evil, "alice\u202e\x07"
			ss[i] = &c
		}
	}
	certs.Sort(ss)
	h := newHarness(t, 120, 40, ss)
	h.markBulk()
	h.press("A")
	for _, v := range []string{h.view()} {
		if strings.ContainsAny(v, "\u202e\x07") || strings.Contains(v, "\x1b[2J") {
			t.Fatalf("raw text on screen:\n%q", v)
		}
	}
	msgs := h.deliverLater(h.press("y"))
	h.send(tea.WindowSizeMsg{Width: 40, Height: 12})
	checkFrame(t, "run at 40x12", h.view(), 40, 12)
	h.deliverAll(msgs)
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	r := h.bulkRun()
	for i, l := range r.summaryLines() {
		if l.kind == resultDone {
			r.cursor = i
		}
	}
	h.press("enter")
	v := h.wantView(`bulk-\u202eevil`)
	if strings.ContainsAny(v, "\u202e\x07") || strings.Contains(v, "\x1b[2J") {
		t.Fatalf("raw text on screen:\n%q", v)
	}
}
