package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// backlogSummaries are testSummaries with a kubelet's backlog: csr-node-x
// (3h old) is repeated by csr-node-x-2 (1h) and csr-node-x-3 (10m), live.
func backlogSummaries() []*certs.Summary {
	ss := testSummaries()
	node := ss[3]
	again := func(name string, age time.Duration) *certs.Summary {
		c := *node
		c.Name, c.UID, c.Created = name, "uid-"+name, testNow.Add(-age)
		c.Findings = nil
		c.Usages = []string{"digital signature", "client auth"}
		c.Search = name + " system:node:x"
		return &c
	}
	out := append([]*certs.Summary{}, ss...)
	out = append(out, again("csr-node-x-2", time.Hour), again("csr-node-x-3", 10*time.Minute))
	certs.Sort(out)
	return out
}

// row is the list line of the CSR of that name.
func (h *harness) row(name string) string {
	h.t.Helper()
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, name+" ") {
			return l
		}
	}
	h.t.Fatalf("no row for %s:\n%s", name, h.view())
	return ""
}

func TestSupersededInTheList(t *testing.T) {
	h := newHarness(t, 120, 40, backlogSummaries())
	for name, want := range map[string]string{"csr-node-x": "superseded", "csr-node-x-2": "superseded", "csr-node-x-3": "Pending", "csr-alice": "Pending"} {
		if row := h.row(name); !strings.Contains(row, " "+want) || (want == "Pending" && strings.Contains(row, "superseded")) {
			t.Errorf("%s: want %s in its row: %q", name, want, row)
		}
	}

	// tab: all, pending, pending and live (the help bar says what is next), all.
	for _, step := range []struct {
		view   string
		help   string
		shown  int
		hidden string
	}{
		{"showing pending only (6)", "tab hide superseded", 6, "csr-web-1"},
		{"showing pending and live (4)", "tab all", 4, "csr-node-x-2"},
		{"showing all", "tab pending", 10, ""},
	} {
		h.press("tab")
		v := h.view()
		if !strings.Contains(v, step.view) || !strings.Contains(v, step.help) || len(h.m.list.shown) != step.shown {
			t.Fatalf("after tab: %d shown, want %d, %q and %q:\n%s", len(h.m.list.shown), step.shown, step.view, step.help, v)
		}
		if step.hidden != "" && strings.Contains(v, step.hidden+" ") {
			t.Errorf("%s is shown in %q", step.hidden, step.view)
		}
	}
}

// The detail of a superseded request names the request that supersedes it.
func TestSupersededInTheDetail(t *testing.T) {
	h := newHarness(t, 120, 40, backlogSummaries())
	h.focus("csr-node-x-2")
	if v := h.view(); !strings.Contains(v, `Superseded      by "csr-node-x-3", a newer request of the same requester`) {
		t.Fatalf("the detail does not say what supersedes it:\n%s", v)
	}
	h.press("esc", "g")
	h.focus("csr-node-x-3")
	if strings.Contains(h.view(), "Superseded") {
		t.Fatal("the live request is said superseded")
	}
}

// A bulk approval leaves the superseded requests out: their kubelet waits
// for the live one only, and a certificate for them would be one nobody
// uses. They stay marked, and the summary says why.
func TestBulkApproveLeavesSupersededOut(t *testing.T) {
	h := newHarness(t, 120, 40, backlogSummaries())
	h.press("/")
	h.typeText("csr-node-x")
	h.press("enter", "*", "esc")
	if got := h.marked(); !sameElements(got, []string{"csr-node-x", "csr-node-x-2", "csr-node-x-3"}) {
		t.Fatalf("marked %v", got)
	}
	h.press("A")
	h.wantView("2 left out, superseded: their requester waits for its newest request only", "y approves 1.")
	h.run(h.press("y"))
	if got := h.dec.names(); !sameElements(got, []string{"csr-node-x-3"}) {
		t.Fatalf("approved %v, want the live one only", got)
	}
	h.wantView("1  approved", "2  superseded, not approved (still marked)")
	if got := h.marked(); !sameElements(got, []string{"csr-node-x", "csr-node-x-2"}) {
		t.Errorf("still marked %v, want the superseded ones", got)
	}
}
