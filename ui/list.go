package ui

import (
	"strings"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// row is a CSR's list cells, sanitized and measured once per Summary. A
// Summary never changes after it is built, so rows are kept across snapshots.
type row struct {
	s *certs.Summary

	name  certs.Text
	nameW int

	// The other cells repeat from row to row (a requester's, a signer's, a
	// condition's): rows share them (cells).
	requestor, subject, duration, condition, issued *cell
	signer                                          [3]*cell // longest first (signerForms)
}

// cell is a cell's text and its width.
type cell struct {
	text  certs.Text
	width int
}

// cells are the cells rows share, by text: thousands of rows show the same
// few requesters, subjects, signers and conditions.
type cells map[string]*cell

// of is the shared cell of t, measured once.
func (cs cells) of(t certs.Text) *cell {
	c := cs[t.String()]
	if c == nil {
		c = &cell{t, certs.Width(t)}
		cs[t.String()] = c
	}
	return c
}

func (l *listModel) newRow(s *certs.Summary) *row {
	r := &row{
		s:         s,
		name:      certs.Sanitize(s.Name),
		requestor: l.cells.of(certs.Sanitize(s.Username)),
		subject:   l.cells.of(subjectText(s)),
		duration:  l.cells.of(durationText(s.RequestedDuration)),
		condition: l.cells.of(certs.Sanitize(s.Condition)),
		issued:    l.cells.of(issuedText(s)),
	}
	r.nameW = certs.Width(r.name)
	for i, f := range signerForms(s.Signer) {
		r.signer[i] = l.cells.of(f)
	}
	l.made++
	return r
}

// listModel is the windowed CSR table. It renders only the rows that fit.
type listModel struct {
	keys  *keyMap // for the hints of an empty list
	rows  []*row  // the whole snapshot, in the Source's order
	shown []*row  // rows after the pending-only switch and the filter
	// cells are the rows' shared cells, and made counts the rows made since
	// cells was last cleared of those no row shows.
	cells cells
	made  int
	// changed counts the rows the last snapshot put in and took out.
	changed int

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
	return listModel{cells: cells{}}
}

// SetSize sets the list's outer size and recomputes column widths.
func (l *listModel) SetSize(w, h int) {
	l.width, l.height = w, h
	l.layout()
	l.clampOffset()
}

// setSummaries replaces the snapshot, keeping the cursor on the same CSR.
//
// A summary's row is made once. The snapshot is sorted (certs.Sort), so the
// rows of the summaries still in it are found walking the old rows alongside
// the new summaries, whether CSRs came, went or moved between them.
func (l *listModel) setSummaries(ss []*certs.Summary) {
	old := l.rows
	rows := make([]*row, len(ss))
	l.pending = 0
	kept := 0
	j := 0 // old rows before j sort before ss[i], or are taken
	for i, s := range ss {
		for j < len(old) && old[j].s != s && certs.Compare(old[j].s, s) < 0 {
			j++
		}
		var r *row
		switch {
		case i < len(old) && old[i].s == s: // most rows stay put between snapshots
			r, kept = old[i], kept+1
		case j < len(old) && old[j].s == s:
			r, kept = old[j], kept+1
			j++
		default:
			r = l.newRow(s)
		}
		rows[i] = r
		if s.State == certs.StatePending {
			l.pending++
		}
	}
	l.rows, l.total = rows, len(ss)
	l.changed = len(ss) - kept + len(old) - kept
	l.backlog = certs.BacklogOf(ss)
	l.gen++
	// Forget the cells of rows that left (replaced or gone) once as many rows
	// were made as are shown: every row is replaced at least once, when its
	// request is decoded. Gathering the cells again costs well under a
	// millisecond.
	if l.made > len(rows)+64 {
		l.cells, l.made = make(cells), 0
		for _, r := range rows {
			for _, c := range [...]*cell{r.requestor, r.subject, r.duration, r.condition, r.issued, r.signer[0], r.signer[1], r.signer[2]} {
				l.cells[c.text.String()] = c
			}
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
