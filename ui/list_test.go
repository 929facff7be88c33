package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// A summary's row is made once: when CSRs come, go or are replaced around it,
// it keeps its row, and rows share the cells they show alike.
func TestRowsOutliveSnapshots(t *testing.T) {
	ss := manySummaries(200)
	certs.Sort(ss)
	l := newListModel()
	l.SetSize(160, 30)
	l.setSummaries(ss)
	rowOf := map[*certs.Summary]*row{}
	for _, r := range l.rows {
		rowOf[r.s] = r
	}

	newest := *ss[0]
	newest.Name, newest.Created = "csr-newest", ss[0].Created.Add(time.Hour)
	replaced := *ss[50]
	replaced.Condition = "Approved"
	next := slices.Concat([]*certs.Summary{&newest}, ss[:50], []*certs.Summary{&replaced}, ss[51:120], ss[121:])
	certs.Sort(next)
	if next[0] != &newest {
		t.Fatal("the new CSR does not come first")
	}
	made := l.made
	l.setSummaries(next)
	if n := l.made - made; n != 2 {
		t.Errorf("%d rows made for one new and one replaced summary", n)
	}
	for _, r := range l.rows {
		if old, ok := rowOf[r.s]; ok && old != r {
			t.Fatalf("%s got a new row", r.s.Name)
		}
	}
	if got := l.rows[51].condition.text.String(); l.rows[51].s != &replaced || got != "Approved" {
		t.Errorf("the replaced summary's row shows %q", got)
	}

	// Rows showing the same requester, signer and condition share the cells.
	a, b := l.rows[1], l.rows[1+len(testSummaries())]
	if a.s.Username != b.s.Username || a.requestor != b.requestor || a.signer != b.signer || a.condition != b.condition {
		t.Errorf("rows of %s and %s share no cells", a.s.Name, b.s.Name)
	}
}

// The shared cells are those of the rows shown, and a few more: replacing
// every summary many times over leaves no more.
func TestRowCellsStayFew(t *testing.T) {
	l := newListModel()
	l.SetSize(160, 30)
	ss := manySummaries(100)
	for round := range 20 {
		next := make([]*certs.Summary, len(ss))
		for i, s := range ss {
			c := *s
			c.Username = fmt.Sprintf("user-%d-%d", round, i%10)
			next[i] = &c
		}
		l.setSummaries(next)
	}
	if len(l.cells) > 200 {
		t.Errorf("%d cells kept for 100 rows", len(l.cells))
	}
	for _, r := range l.rows {
		if r.requestor.text.String() != r.s.Username {
			t.Fatalf("%s's requestor cell says %q", r.s.Username, r.requestor.text.String())
		}
	}
}
