package ui

import (
	"strings"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// row is a CSR's list cells, sanitized and measured once per Summary. A
// Summary never changes after it is built, so rows are cached by pointer
// across snapshots.
type row struct {
	s *certs.Summary

	name, requestor, subject, duration, condition string
	signer                                        [3]string

	nameW, requestorW, subjectW, durationW, conditionW int
	signerW                                            [3]int
}

func newRow(s *certs.Summary) *row {
	r := &row{
		s:         s,
		name:      certs.Sanitize(s.Name),
		requestor: certs.Sanitize(s.Username),
		subject:   subjectText(s),
		duration:  durationText(s.RequestedDuration),
		condition: certs.Sanitize(s.Condition),
		signer:    signerForms(s.Signer),
	}
	r.nameW = certs.Width(r.name)
	r.requestorW = certs.Width(r.requestor)
	r.subjectW = certs.Width(r.subject)
	r.durationW = certs.Width(r.duration)
	r.conditionW = certs.Width(r.condition)
	for i, f := range r.signer {
		r.signerW[i] = certs.Width(f)
	}
	return r
}

// Column identifiers, in display order.
const (
	colName = iota
	colAge
	colSigner
	colRequestor
	colSubject
	colDuration
	colCondition
	numCols
)

var colTitles = [numCols]string{"NAME", "AGE", "SIGNER", "REQUESTOR", "SUBJECT", "DURATION", "CONDITION"}

// markerWidth is the severity marker in front of each row.
const markerWidth = 2

// listModel is the windowed CSR table. It renders only the rows that fit.
type listModel struct {
	cache map[*certs.Summary]*row
	rows  []*row // the whole snapshot, in the Source's order
	shown []*row // rows after the pending-only switch and the filter

	cursor, offset int
	selected       string // raw name of the selected CSR, kept across snapshots

	filter      string
	pendingOnly bool

	pending, total int

	width, height int // height includes the column header line
	widths        [numCols]int
	show          [numCols]bool
	gap           int
	header        string
}

func newListModel() listModel {
	return listModel{cache: map[*certs.Summary]*row{}}
}

// SetSize sets the list's outer size and recomputes column widths.
func (l *listModel) SetSize(w, h int) {
	l.width, l.height = w, h
	l.layout()
	l.clampOffset()
}

// setSummaries replaces the snapshot, keeping the cursor on the same CSR.
func (l *listModel) setSummaries(ss []*certs.Summary) {
	old := l.rows
	rows := make([]*row, len(ss))
	l.pending = 0
	for i, s := range ss {
		var r *row
		switch {
		case i < len(old) && old[i].s == s: // most rows stay put between snapshots
			r = old[i]
		default:
			if r = l.cache[s]; r == nil {
				r = newRow(s)
				l.cache[s] = r
			}
		}
		rows[i] = r
		if s.State == certs.StatePending {
			l.pending++
		}
	}
	l.rows, l.total = rows, len(ss)
	// Forget summaries that left, once they are the bulk of the cache.
	if len(l.cache) > 2*len(rows)+64 {
		l.cache = make(map[*certs.Summary]*row, len(rows))
		for _, r := range rows {
			l.cache[r.s] = r
		}
	}
	l.layout()
	l.refilter()
}

func (l *listModel) setFilter(f string) {
	if f == l.filter {
		return
	}
	l.filter = f
	l.refilter()
}

func (l *listModel) togglePending() {
	l.pendingOnly = !l.pendingOnly
	l.refilter()
}

// refilter recomputes the shown rows and puts the cursor back on the
// selected CSR, or as near its old position as the list allows.
func (l *listModel) refilter() {
	shown := l.shown[:0]
	for _, r := range l.rows {
		if l.pendingOnly && r.s.State != certs.StatePending {
			continue
		}
		if l.filter != "" && !r.s.Matches(l.filter) {
			continue
		}
		shown = append(shown, r)
	}
	// Drop references past the end so old summaries can be collected.
	clear(shown[len(shown):cap(shown)])
	l.shown = shown

	if l.selected != "" {
		for i, r := range l.shown {
			if r.s.Name == l.selected {
				l.cursor = i
				l.clampOffset()
				return
			}
		}
	}
	l.cursor = min(l.cursor, len(l.shown)-1)
	l.cursor = max(l.cursor, 0)
	l.remember()
	l.clampOffset()
}

func (l *listModel) remember() {
	if s := l.selectedSummary(); s != nil {
		l.selected = s.Name
	}
}

func (l *listModel) selectedSummary() *certs.Summary {
	if l.cursor < 0 || l.cursor >= len(l.shown) {
		return nil
	}
	return l.shown[l.cursor].s
}

// pageRows is how many rows fit under the column header.
func (l *listModel) pageRows() int {
	return max(l.height-1, 1)
}

// move moves the cursor by delta rows and reports whether it moved.
func (l *listModel) move(delta int) bool {
	return l.moveTo(l.cursor + delta)
}

func (l *listModel) moveTo(i int) bool {
	i = min(i, len(l.shown)-1)
	i = max(i, 0)
	if i == l.cursor || len(l.shown) == 0 {
		return false
	}
	l.cursor = i
	l.remember()
	l.clampOffset()
	return true
}

// clampOffset scrolls as little as possible to keep the cursor in view.
func (l *listModel) clampOffset() {
	page := l.pageRows()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+page {
		l.offset = l.cursor - page + 1
	}
	l.offset = min(l.offset, max(len(l.shown)-page, 0))
	l.offset = max(l.offset, 0)
}

// visibleRows returns the rows on screen.
func (l *listModel) visibleRows() []*row {
	end := min(l.offset+l.pageRows(), len(l.shown))
	if l.offset >= end {
		return nil
	}
	return l.shown[l.offset:end]
}

// colMin is the narrowest a flexible column gets before it is dropped.
var colMin = [numCols]int{colName: 16, colSigner: 10, colRequestor: 10, colSubject: 12}

// colMax keeps one very long value from taking the whole screen.
var colMax = [numCols]int{colName: 48, colSigner: 44, colRequestor: 40, colSubject: 56}

// dropOrder is which columns go first when the terminal is narrow.
var dropOrder = []int{colDuration, colRequestor, colSigner, colSubject}

// layout computes column widths from the whole snapshot (so they don't jump
// while filtering) and the list width.
func (l *listModel) layout() {
	var want [numCols]int
	mediumSigner := 0
	for c := range numCols {
		want[c] = len(colTitles[c])
	}
	want[colAge] = 4
	for _, r := range l.rows {
		want[colName] = max(want[colName], r.nameW)
		want[colSigner] = max(want[colSigner], r.signerW[0])
		mediumSigner = max(mediumSigner, r.signerW[1])
		want[colRequestor] = max(want[colRequestor], r.requestorW)
		want[colSubject] = max(want[colSubject], r.subjectW)
		want[colDuration] = max(want[colDuration], r.durationW)
		want[colCondition] = max(want[colCondition], r.conditionW)
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
	if avail < 0 { // narrower than every minimum: the name takes what is left
		l.widths[colName] = max(l.widths[colName]+avail, 4)
	}

	var b strings.Builder
	b.WriteString(strings.Repeat(" ", markerWidth))
	for c := range numCols {
		if !l.show[c] {
			continue
		}
		b.WriteString(strings.Repeat(" ", l.gap))
		b.WriteString(fit(colTitles[c], len(colTitles[c]), l.widths[c]))
	}
	l.header = fit(b.String(), certs.Width(b.String()), l.width)
}

// renderRow writes one row as plain padded text of exactly l.width cells.
// The selected row has a ">" before its name, so the selection shows even
// without colours.
func (l *listModel) renderRow(b *strings.Builder, r *row, now time.Time, selected bool) {
	b.WriteString(markerText(r.s.Risk()))
	n := markerWidth
	cell := func(c int, s string, sw int) {
		if !l.show[c] {
			return
		}
		if c == colName && selected {
			b.WriteString(">" + strings.Repeat(" ", l.gap-1))
		} else {
			b.WriteString(strings.Repeat(" ", l.gap))
		}
		b.WriteString(fit(s, sw, l.widths[c]))
		n += l.gap + l.widths[c]
	}
	cell(colName, r.name, r.nameW)
	a := age(now, r.s.Created)
	cell(colAge, a, len(a))
	form := 2
	for i, w := range r.signerW {
		if w <= l.widths[colSigner] {
			form = i
			break
		}
	}
	cell(colSigner, r.signer[form], r.signerW[form])
	cell(colRequestor, r.requestor, r.requestorW)
	cell(colSubject, r.subject, r.subjectW)
	cell(colDuration, r.duration, r.durationW)
	cell(colCondition, r.condition, r.conditionW)
	if n < l.width {
		b.WriteString(strings.Repeat(" ", l.width-n))
	}
}

// View renders the column header and the visible rows.
func (l *listModel) View(st *styles, now time.Time) string {
	var b strings.Builder
	b.Grow((l.width + 16) * (l.pageRows() + 1))
	b.WriteString(st.colHeader.Render(l.header))
	if len(l.shown) == 0 {
		b.WriteString("\n")
		b.WriteString(st.muted.Render(clip(l.emptyText(), l.width)))
		return b.String()
	}
	var line strings.Builder
	for i, r := range l.visibleRows() {
		b.WriteString("\n")
		if l.offset+i == l.cursor {
			line.Reset()
			l.renderRow(&line, r, now, true)
			b.WriteString(st.selected.Render(line.String()))
			continue
		}
		if risk := r.s.Risk(); risk != certs.SeverityNone {
			// The marker is coloured; the rest of the row is plain text.
			b.WriteString(st.marker[risk])
			line.Reset()
			l.renderRow(&line, r, now, false)
			b.WriteString(line.String()[markerWidth:])
			continue
		}
		l.renderRow(&b, r, now, false)
	}
	return b.String()
}

func (l *listModel) emptyText() string {
	switch {
	case l.total == 0:
		return "No certificate signing requests in the cluster."
	case l.filter != "":
		return "Nothing matches the filter. esc clears it."
	case l.pendingOnly:
		return "No pending requests. tab shows all."
	default:
		return "Nothing to show."
	}
}

// nextChange is how long until an AGE on screen changes (0: none on screen).
func (l *listModel) nextChange(now time.Time) time.Duration {
	var next time.Duration
	for _, r := range l.visibleRows() {
		d := ageChangesIn(now, r.s.Created)
		if d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	return next
}
