package ui

import (
	"strings"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// The list's columns: which fit the width, how wide each is, and one row
// drawn as plain padded text.

// Column identifiers, in display order.
const (
	colName = iota
	colAge
	colSigner
	colRequestor
	colSubject
	colDuration
	colCondition
	colIssued  // how long the signer took after approval
	colCleanup // when kube-controller-manager's cleaner deletes it
	numCols
)

var colTitles = [numCols]string{"NAME", "AGE", "SIGNER", "REQUESTOR", "SUBJECT", "DURATION", "CONDITION", "ISSUED IN", "CLEANUP"}

// wideList is the width from which the list shows ISSUED IN and CLEANUP:
// on narrower lists the detail says them.
const wideList = 130

// narrowList is the width below which the list shows the name and the
// condition only: AGE goes, so that names stay readable at 40 columns.
const narrowList = 50

// markerWidth is the severity marker in front of each row.
const markerWidth = 2

// colMin is the narrowest a flexible column gets before it is dropped.
var colMin = [numCols]int{colName: 16, colSigner: 10, colRequestor: 10, colSubject: 12}

// colMax keeps one very long value from taking the whole screen.
var colMax = [numCols]int{colName: 48, colSigner: 44, colRequestor: 40, colSubject: 56}

// dropOrder is which columns go first when the terminal is narrow.
var dropOrder = []int{colCleanup, colIssued, colDuration, colRequestor, colSigner, colSubject}

// layout computes column widths from the whole snapshot (so they don't jump
// while filtering) and the list width.
func (l *listModel) layout() {
	var want [numCols]int
	mediumSigner := 0
	for c := range numCols {
		want[c] = len(colTitles[c])
	}
	want[colAge] = 4
	want[colCleanup] = max(want[colCleanup], len("in 59m"))
	for _, r := range l.rows {
		want[colName] = max(want[colName], r.nameW)
		want[colSigner] = max(want[colSigner], r.signer[0].width)
		mediumSigner = max(mediumSigner, r.signer[1].width)
		want[colRequestor] = max(want[colRequestor], r.requestor.width)
		want[colSubject] = max(want[colSubject], r.subject.width)
		want[colDuration] = max(want[colDuration], r.duration.width)
		want[colCondition] = max(want[colCondition], r.condition.width)
		want[colIssued] = max(want[colIssued], r.issued.width)
	}
	if l.backlog.Len() > 0 {
		want[colCondition] = max(want[colCondition], len(certs.ConditionSuperseded))
	}
	for c := range numCols {
		if colMax[c] > 0 {
			want[c] = min(want[c], colMax[c])
		}
	}

	l.gap = 1
	if l.width >= 120 {
		l.gap = 2
	}
	for c := range numCols {
		l.show[c] = true
	}
	flexible := []int{colName, colSigner, colRequestor, colSubject}
	fixedWidth := func() int {
		n, w := 0, markerWidth
		for c := range numCols {
			if !l.show[c] {
				continue
			}
			n++
			if colMin[c] == 0 {
				w += want[c]
			}
		}
		return w + n*l.gap
	}
	minFlex := func() int {
		w := 0
		for _, c := range flexible {
			if l.show[c] {
				w += min(colMin[c], want[c])
			}
		}
		return w
	}
	// DURATION is the least telling column: it goes first, below 100 cells.
	if l.width < 100 {
		l.show[colDuration] = false
	}
	if l.width < wideList {
		l.show[colIssued], l.show[colCleanup] = false, false
	}
	if l.width < narrowList {
		l.show[colAge] = false
	}
	for _, c := range dropOrder {
		if fixedWidth()+minFlex() <= l.width {
			break
		}
		l.show[c] = false
	}

	// Fixed columns get what they want; flexible ones start at their minimum
	// and share the rest one cell at a time: first up to a comfortable width
	// (a built-in signer's shorter name), then up to what they want.
	avail := l.width - fixedWidth()
	for c := range numCols {
		l.widths[c] = 0
		if !l.show[c] {
			continue
		}
		if colMin[c] == 0 {
			l.widths[c] = want[c]
			continue
		}
		l.widths[c] = min(colMin[c], want[c])
		avail -= l.widths[c]
	}
	comfort := want
	comfort[colSigner] = min(want[colSigner], max(mediumSigner, colMin[colSigner]))
	for _, target := range [][numCols]int{comfort, want} {
		for avail > 0 {
			grew := false
			for _, c := range flexible {
				if avail > 0 && l.show[c] && l.widths[c] < target[c] {
					l.widths[c]++
					avail--
					grew = true
				}
			}
			if !grew {
				break
			}
		}
	}
	// Narrower than every minimum: the name, then the condition, then the
	// rest give up cells until the row fits, down to one each.
	for _, c := range []int{colName, colCondition, colSubject, colSigner, colRequestor, colAge, colDuration} {
		if avail >= 0 {
			break
		}
		if l.show[c] {
			give := min(-avail, l.widths[c]-1)
			l.widths[c] -= give
			avail += give
		}
	}

	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	for c := range numCols {
		if !l.show[c] {
			continue
		}
		b.WriteString(strings.Repeat(" ", l.gap))
		b.WriteString(fit(lit(colTitles[c]), len(colTitles[c]), l.widths[c]))
	}
	// The titles are ASCII: a byte is a cell.
	l.header = b.String()
	if n := len(l.header); n > l.width {
		l.header = l.header[:max(l.width, 0)]
	} else {
		l.header += strings.Repeat(" ", l.width-n)
	}
}

// renderRow writes one row as plain padded text of exactly l.width cells.
// The selected row has a ">" before its name, so the selection shows even
// without colours, and a marked row a "*": both, ">*", where the gap before
// the name has room; on a narrow list a selected marked row shows the "*"
// and its selection by its style alone.
func (l *listModel) renderRow(b *strings.Builder, r *row, now time.Time, selected bool) {
	b.WriteString(markerText(r.s.Risk()))
	n := markerWidth
	lead := ""
	switch marked := l.marked[r.s.UID] != ""; {
	case marked && selected && l.gap > 1:
		lead = ">*"
	case marked:
		lead = "*"
	case selected:
		lead = ">"
	}
	put := func(c int, s certs.Text, sw int) {
		if !l.show[c] {
			return
		}
		if c == colName && lead != "" {
			b.WriteString(lead + strings.Repeat(" ", l.gap-len(lead)))
		} else {
			b.WriteString(strings.Repeat(" ", l.gap))
		}
		b.WriteString(fit(s, sw, l.widths[c]))
		n += l.gap + l.widths[c]
	}
	put(colName, r.name, r.nameW)
	a := age(now, r.s.Created)
	put(colAge, lit(a), len(a))
	form := 2
	for i, c := range r.signer {
		if c.width <= l.widths[colSigner] {
			form = i
			break
		}
	}
	putCell := func(c int, x *cell) { put(c, x.text, x.width) }
	putCell(colSigner, r.signer[form])
	putCell(colRequestor, r.requestor)
	putCell(colSubject, r.subject)
	putCell(colDuration, r.duration)
	if l.backlog.Superseded(r.s) {
		put(colCondition, supersededCell, len(certs.ConditionSuperseded))
	} else {
		putCell(colCondition, r.condition)
	}
	putCell(colIssued, r.issued)
	if l.show[colCleanup] {
		c := cleanupText(r.s, now)
		put(colCleanup, lit(c), len(c))
	}
	if n < l.width {
		b.WriteString(strings.Repeat(" ", l.width-n))
	}
}

// supersededCell is the CONDITION of a pending request a newer one of the
// same requester repeats (certs.Backlog).
var supersededCell = lit(certs.ConditionSuperseded)

// issuedText is the ISSUED IN cell: how long the signer took after approval,
// "?" when the cluster can't tell (another signer's certificate), "-" when
// nothing is issued.
func issuedText(s *certs.Summary) certs.Text {
	if s.State != certs.StateIssued {
		return lit("-")
	}
	if d, ok := s.TimeToIssue(); ok {
		return lit(certs.HumanDuration(d))
	}
	return lit("?")
}

// cleanupText is the CLEANUP cell: how long until kube-controller-manager's
// cleaner deletes the request ("due" once it may), "-" when it never will.
func cleanupText(s *certs.Summary, now time.Time) string {
	c, ok := s.Cleanup()
	switch {
	case !ok:
		return "-"
	case !c.At.After(now):
		return "due"
	}
	return "in " + until(now, c.At)
}
