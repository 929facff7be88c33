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

	name, requestor, subject, duration, condition, issued certs.Text
	signer                                                [3]certs.Text

	nameW, requestorW, subjectW, durationW, conditionW, issuedW int
	signerW                                                     [3]int
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
		issued:    issuedText(s),
	}
	r.issuedW = certs.Width(r.issued)
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

// listModel is the windowed CSR table. It renders only the rows that fit.
type listModel struct {
	keys  *keyMap // for the hints of an empty list
	cache map[*certs.Summary]*row
	rows  []*row // the whole snapshot, in the Source's order
	shown []*row // rows after the pending-only switch and the filter

	cursor, offset int
	selected       string // raw name of the selected CSR, kept across snapshots

	filter  string
	view    listView
	loading bool // the first list is not in yet
	// narrowed are the rows shown under each shorter filter while the filter
	// is typed further, shortest first: erasing back to one shows it again
	// without looking at every row.
	narrowed []shownUnder

	pending, total int
	// backlog says which pending requests a newer one of their requester
	// repeats, over the whole snapshot.
	backlog certs.Backlog
	// marked are the marked requests' names by UID: the console's, read here.
	marked map[string]string
	// gen counts the snapshots, and superseded caches how many superseded
	// requests are shown: the help bar asks on every frame.
	gen        int
	superseded supersededCount

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
	l.backlog = certs.BacklogOf(ss)
	l.gen++
	// Forget summaries that left (replaced or gone) once there are a few:
	// each holds a decoded request, and every row is replaced at least once,
	// when its request is decoded. Rebuilding the cache costs well under a
	// millisecond.
	if len(l.cache) > len(rows)+64 {
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
	// A filter typed further matches a subset of what the shorter one
	// matched: look only at those rows.
	if l.filter != "" && strings.Contains(strings.ToLower(f), strings.ToLower(l.filter)) {
		l.narrowed = append(l.narrowed, shownUnder{l.filter, l.shown})
		l.filter = f
		l.narrow()
		return
	}
	for n := len(l.narrowed); n > 0; n-- {
		under := l.narrowed[n-1]
		l.narrowed = l.narrowed[:n-1]
		if under.filter == f {
			l.filter, l.shown = f, under.shown
			l.reselect()
			return
		}
	}
	l.filter = f
	l.refilter()
}

// shownUnder is what a filter showed.
type shownUnder struct {
	filter string
	shown  []*row
}

// narrow keeps the shown rows the filter still matches, in a slice of their
// own: the one they came from is kept in narrowed.
func (l *listModel) narrow() {
	lower := strings.ToLower(l.filter)
	var shown []*row
	for _, r := range l.shown {
		if r.s.Matches(lower) {
			shown = append(shown, r)
		}
	}
	l.shown = shown
	l.reselect()
}

// listView is which requests the list shows, before the filter.
type listView int

const (
	viewAll     listView = iota
	viewPending          // pending requests only
	viewLive             // pending requests a newer one does not supersede
	numViews
)

// next is the view tab switches to: all, pending, pending and live, all.
func (v listView) next() listView { return (v + 1) % numViews }

// String is the view in the header's words: "showing pending only".
func (v listView) String() string {
	switch v {
	case viewPending:
		return "pending only"
	case viewLive:
		return "pending and live"
	}
	return "all"
}

// tabHelp is what tab does from v, for the help bar.
func (v listView) tabHelp() string {
	switch v {
	case viewPending:
		return "hide superseded"
	case viewLive:
		return "all"
	}
	return "pending"
}

// shows reports whether a request is in the view.
func (l *listModel) shows(s *certs.Summary) bool {
	switch l.view {
	case viewPending:
		return s.State == certs.StatePending
	case viewLive:
		return s.State == certs.StatePending && !l.backlog.Superseded(s)
	}
	return true
}

// supersededCount is how many superseded requests a view and filter show,
// for a snapshot.
type supersededCount struct {
	gen    int
	view   listView
	filter string
	n      int
}

// supersededShown is how many superseded requests the list shows: looked up
// from the backlog, which is small, rather than over every row shown.
func (l *listModel) supersededShown() int {
	c := &l.superseded
	if c.gen == l.gen && c.view == l.view && c.filter == l.filter {
		return c.n
	}
	*c = supersededCount{gen: l.gen, view: l.view, filter: l.filter}
	if l.view == viewLive {
		return 0
	}
	lower := strings.ToLower(l.filter)
	for s := range l.backlog.All() {
		if l.shows(s) && s.Matches(lower) {
			c.n++
		}
	}
	return c.n
}

// nextView shows the next view.
func (l *listModel) nextView() {
	l.view = l.view.next()
	l.refilter()
}

// refilter recomputes the shown rows and puts the cursor back on the
// selected CSR, or as near its old position as the list allows.
func (l *listModel) refilter() {
	l.narrowed = nil                   // new rows, or another view: what shorter filters showed is stale
	lower := strings.ToLower(l.filter) // once, not once per row
	shown := l.shown[:0]
	for _, r := range l.rows {
		if !l.shows(r.s) {
			continue
		}
		if lower != "" && !r.s.Matches(lower) {
			continue
		}
		shown = append(shown, r)
	}
	// Drop references past the end so old summaries can be collected.
	clear(shown[len(shown):cap(shown)])
	l.shown = shown
	l.reselect()
}

// reselect puts the cursor back on the selected CSR, or as near its old
// position as the shown rows allow.
func (l *listModel) reselect() {
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

// byUID is the CSR with that UID in the snapshot, shown or not; nil when none.
func (l *listModel) byUID(uid string) *certs.Summary {
	for _, r := range l.rows {
		if r.s.UID == uid {
			return r.s
		}
	}
	return nil
}

// byName is the CSR of that name in the snapshot, shown or not; nil when none.
func (l *listModel) byName(name string) *certs.Summary {
	for _, r := range l.rows {
		if r.s.Name == name {
			return r.s
		}
	}
	return nil
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
	l.offset = keepInView(l.cursor, l.offset, l.pageRows(), len(l.shown))
}

// visibleRows returns the rows on screen.
func (l *listModel) visibleRows() []*row {
	end := min(l.offset+l.pageRows(), len(l.shown))
	if l.offset >= end {
		return nil
	}
	return l.shown[l.offset:end]
}

// View renders the column header and the visible rows. Each line of a list
// that shows rows is exactly the list's width.
func (l *listModel) View(st *styles, now time.Time) string {
	if l.loading {
		// No columns yet: nothing on screen passes for a list.
		return st.muted.Render(clip(lit(l.emptyText()), l.width))
	}
	var b strings.Builder
	b.Grow((l.width + 16) * (l.pageRows() + 1))
	b.WriteString(st.colHeader.Render(l.header))
	if len(l.shown) == 0 {
		b.WriteString("\n")
		b.WriteString(st.muted.Render(clip(lit(l.emptyText()), l.width)))
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
	case l.loading:
		return "Loading…"
	case l.total == 0:
		return "No certificate signing requests in the cluster."
	case l.filter != "":
		return "Nothing matches the filter. " + l.keys.Back.Help().Key + " clears it."
	case l.view == viewPending: // the live view next is as empty: every group has its live one
		return "No pending requests. " + l.keys.Pending.Help().Key + " twice shows all."
	case l.view == viewLive:
		return "No pending requests. " + l.keys.Pending.Help().Key + " shows all."
	default:
		return "Nothing to show."
	}
}

// nextChange is how long until an AGE or a CLEANUP on screen changes (0:
// none on screen).
func (l *listModel) nextChange(now time.Time) time.Duration {
	var next time.Duration
	soonest := func(d time.Duration) {
		if d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	for _, r := range l.visibleRows() {
		soonest(ageChangesIn(now, r.s.Created))
		if l.show[colCleanup] {
			if c, ok := r.s.Cleanup(); ok {
				soonest(untilChangesIn(now, c.At))
			}
		}
	}
	return next
}
