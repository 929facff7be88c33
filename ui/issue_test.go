package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// justApproved is a custom-signer request approved 10 seconds before testNow:
// nothing will issue it, and the console says so once the threshold passes.
func justApproved() *certs.Summary {
	s := *testSummaries()[4] // csr-waiting
	s.Name, s.UID = "csr-fresh", "uid-csr-fresh"
	s.Created = testNow.Add(-time.Minute)
	s.Conditions = []certs.Condition{{Type: "Approved", Status: "True", Reason: "CSRTUIApprove", LastUpdate: testNow.Add(-10 * time.Second)}}
	return &s
}

// The finding comes after the threshold with no key pressed: the tick that
// keeps the detail current wakes when it is due.
func TestNotIssuedAppearsAfterTheThreshold(t *testing.T) {
	h := newHarness(t, 100, 40, []*certs.Summary{justApproved()})
	h.press("enter")
	// The detail's ages tick too: one tick comes just after the finding is due.
	due := testNow.Add(20 * time.Second)
	for h.clock.Before(due) {
		if strings.Contains(h.view(), "no certificate") {
			t.Fatalf("the not-issued finding shows %v after the start, before the threshold", h.clock.Sub(testNow))
		}
		h.fireTick()
	}
	if late := h.clock.Sub(due); late > 50*time.Millisecond {
		t.Fatalf("the first tick after the finding was due came %v late", late)
	}
	view := h.view()
	if !strings.Contains(view, `no certificate 30s after approval: only the controller of`) ||
		!strings.Contains(view, "[not-issued]") {
		t.Fatalf("the finding did not come when due:\n%s", view)
	}
}

// An approved request whose signer issues nothing in the list: the finding
// says kube-controller-manager may have no CA, and changes its mind once a
// request of that signer is issued.
func TestNotIssuedLooksAtTheList(t *testing.T) {
	waiting := justApproved()
	waiting.Signer = clientSigner
	waiting.Conditions[0].LastUpdate = testNow.Add(-time.Hour)
	h := newHarness(t, 100, 40, []*certs.Summary{waiting})
	h.press("enter")
	if v := h.view(); !strings.Contains(v, "may have no CA for it") {
		t.Fatalf("want the no-CA finding:\n%s", v)
	}
	issued := *testSummaries()[7] // csr-web-1
	issued.Signer = clientSigner
	h.send(snapshotMsg{summaries: []*certs.Summary{waiting, &issued}})
	if v := h.view(); !strings.Contains(v, "but not this one yet") {
		t.Fatalf("want the behind-or-failing finding:\n%s", v)
	}
}

// The list shows ISSUED IN and CLEANUP on a wide list, and its tick follows
// the soonest countdown.
func TestListLifecycleColumns(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 150, 30, ss)
	view := h.view()
	for _, want := range []string{"ISSUED IN", "CLEANUP", "csr-web-1", "5m", "due", "in 23h"} {
		if !strings.Contains(view, want) {
			t.Errorf("the list at 150 lacks %q:\n%s", want, view)
		}
	}
	// A request denied 30m20s ago goes in 29m: the tick comes when that
	// turns to 28m.
	denied := *ss[6]
	denied.Conditions = []certs.Condition{{Type: "Denied", Status: "True", LastUpdate: testNow.Add(-30*time.Minute - 20*time.Second)}}
	h = newHarness(t, 150, 30, []*certs.Summary{&denied})
	if !strings.Contains(h.view(), "in 29m") {
		t.Fatalf("want the countdown 'in 29m':\n%s", h.view())
	}
	last := h.timers[len(h.timers)-1]
	if want := 40 * time.Second; last.d < want || last.d > want+50*time.Millisecond {
		t.Fatalf("the next tick is in %v, want just after %v (the countdown turns to 28m)", last.d, want)
	}
	h.clock = h.clock.Add(last.d)
	h.send(last.fn(h.clock))
	if !strings.Contains(h.view(), "in 28m") {
		t.Fatalf("want the countdown 'in 28m':\n%s", h.view())
	}
}

func TestUntil(t *testing.T) {
	cases := []struct {
		d      time.Duration
		text   string
		change time.Duration
	}{
		{42*time.Minute + 30*time.Second, "42m", 30 * time.Second},
		{42 * time.Minute, "42m", time.Millisecond},
		{30500 * time.Millisecond, "30s", 500 * time.Millisecond},
		{23*time.Hour + time.Minute, "23h", time.Minute},
		{3 * 24 * time.Hour, "3d", time.Millisecond},
		{0, "now", 0},
		{-time.Minute, "now", 0},
	}
	for _, c := range cases {
		if got := until(testNow, testNow.Add(c.d)); got != c.text {
			t.Errorf("until(%v) = %q, want %q", c.d, got, c.text)
		}
		if got := untilChangesIn(testNow, testNow.Add(c.d)); got != c.change {
			t.Errorf("untilChangesIn(%v) = %v, want %v", c.d, got, c.change)
		}
	}
}

// TestGoldenIssue renders the findings that say why no certificate came, and
// the list's lifecycle columns, at 80x24 and 200x60.
func TestGoldenIssue(t *testing.T) {
	screens := []struct {
		name  string
		setup func(h *harness)
	}{
		{"not-issued-custom", func(h *harness) { h.focus("csr-waiting") }},
		{"not-issued-failed", func(h *harness) { h.focus("csr-failed") }},
		{"refused-denied", func(h *harness) { h.focusKeep("csr-denied"); h.press("a") }},
	}
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		for _, sc := range screens {
			h := newHarness(t, size[0], size[1], testSummaries())
			sc.setup(h)
			checkFrame(t, sc.name, h.view(), size[0], size[1])
			h.golden(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]))
		}
	}
	h := newHarness(t, 150, 30, testSummaries())
	checkFrame(t, "list-lifecycle", h.view(), 150, 30)
	h.golden("list-lifecycle-150x30")
}

// focus opens the detail of the CSR of that name (full screen on a narrow
// terminal; beside the list on a wide one).
func (h *harness) focus(name string) {
	h.t.Helper()
	h.focusKeep(name)
	if !h.m.sidePanel {
		h.press("enter")
	}
}

// focusKeep moves the cursor to the CSR of that name.
func (h *harness) focusKeep(name string) {
	h.t.Helper()
	for range len(h.m.list.shown) {
		if h.selected() == name {
			return
		}
		h.press("j")
	}
	h.t.Fatalf("no CSR %s in the list", name)
}
