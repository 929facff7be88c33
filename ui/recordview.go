package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// recordView is L's screen: the record read back, newest first, filtered as
// the list is; enter opens a line whole. tab switches to the certificates
// the record says are still valid, grouped by group, who holds
// system:masters first. Every string in it comes from a file anyone with
// the admin's rights could have edited: all of it goes through the
// sanitizer, as the API's text does.
type recordView struct {
	st   *styles
	keys *keyMap
	path string

	width, height int
	now           time.Time

	loading bool
	err     error
	log     certs.RecordLog
	rows    []*recordRow // newest first
	valid   []certs.CredentialGroup

	mode   recordMode
	filter string

	// The lines: rows shown under the filter, a cursor on one.
	shown          []*recordRow
	cursor, offset int
	cols           recordColumns

	// A line opened with enter, as label/value lines, scrolled.
	opened *recordRow
	lines  []string
	scroll int

	// Still valid: lines, scrolled; how many certificates and groups.
	validLines       []string
	validOffset      int
	validCerts, nGrp int
}

type recordMode int

const (
	recordLines recordMode = iota
	recordStillValid
)

// recordRow is one line of the record, sanitized and measured once.
type recordRow struct {
	e      certs.RecordEntry
	sev    certs.Severity // the worst finding recorded with it
	search string         // lower-case raw text the filter matches

	name, who, admin, context, detail certs.Text
	nameW, whoW, adminW, contextW     int
}

func newRecordView(st *styles, keys *keyMap, path string) *recordView {
	return &recordView{st: st, keys: keys, path: path, loading: true}
}

// SetSize sets the body's size, and lays the view out again.
func (v *recordView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.rebuild()
}

// setLog takes the record as read.
func (v *recordView) setLog(log certs.RecordLog, err error, now time.Time) {
	if err != nil {
		log = certs.RecordLog{}
	}
	v.loading, v.err, v.log, v.now = false, err, log, now
	v.rows = make([]*recordRow, 0, len(log.Entries))
	for i := len(log.Entries) - 1; i >= 0; i-- {
		v.rows = append(v.rows, newRecordRow(log.Entries[i]))
	}
	// Kept on the same line when the record grew.
	if v.opened != nil {
		v.opened = v.rowLike(v.opened.e)
	}
	v.valid = certs.StillValid(log.Credentials(), now)
	v.refilter()
}

// rowLike is the row of the line e, in a record read again.
func (v *recordView) rowLike(e certs.RecordEntry) *recordRow {
	for _, r := range v.rows {
		if r.e.Time.Equal(e.Time) && r.e.Action == e.Action && r.e.Name == e.Name && r.e.UID == e.UID {
			return r
		}
	}
	return nil
}

func newRecordRow(e certs.RecordEntry) *recordRow {
	r := &recordRow{e: e}
	for _, f := range e.Findings {
		if sev, ok := certs.ParseSeverity(f.Severity); ok && sev > r.sev {
			r.sev = sev
		}
	}
	r.name = certs.Sanitize(e.Name)
	r.who = entryWho(e)
	r.admin = certs.Sanitize(e.Admin.User)
	if !e.Admin.Verified && e.Admin.User != "" {
		r.admin = certs.Concat(r.admin, lit("?"))
	}
	r.context = certs.Sanitize(e.Context)
	r.detail = certs.Sanitize(firstOf(e.Detail, e.Message))
	r.nameW, r.whoW, r.adminW, r.contextW = certs.Width(r.name), certs.Width(r.who), certs.Width(r.admin), certs.Width(r.context)

	parts := []string{string(e.Action), string(e.Outcome), e.Name, e.UID, e.Signer, e.Requester.Username, e.Admin.User, e.Context, e.Message, e.Detail}
	parts = append(parts, e.Requester.Groups...)
	if e.Subject != nil {
		parts = append(parts, e.Subject.CommonName)
		parts = append(parts, e.Subject.Organizations...)
	}
	if c := e.Certificate; c != nil {
		parts = append(parts, c.User, c.SHA256, c.Serial)
		parts = append(parts, c.Groups...)
	}
	parts = append(parts, e.Files...)
	r.search = strings.ToLower(strings.Join(parts, "\n"))
	return r
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// entryWho is whom the line's certificate is for: the certificate's user
// and groups when the line has one, else the request's subject.
func entryWho(e certs.RecordEntry) certs.Text {
	user, groups := "", []string(nil)
	switch {
	case e.Certificate != nil:
		user, groups = e.Certificate.User, e.Certificate.Groups
	case e.Subject != nil:
		user, groups = e.Subject.CommonName, e.Subject.Organizations
	default:
		return lit("-")
	}
	t := certs.Sanitize(user)
	if len(groups) > 0 {
		t = certs.Concat(t, lit(" O="), joinSanitized(groups, ","))
	}
	return t
}

// setFilter shows the lines, and the certificates, that match f.
func (v *recordView) setFilter(f string) {
	if f == v.filter {
		return
	}
	v.filter = f
	v.refilter()
}

func (v *recordView) refilter() {
	lower := strings.ToLower(v.filter)
	v.shown = v.shown[:0]
	for _, r := range v.rows {
		if lower == "" || strings.Contains(r.search, lower) {
			v.shown = append(v.shown, r)
		}
	}
	v.cursor = min(v.cursor, max(len(v.shown)-1, 0))
	v.rebuild()
}

// toggle switches between the lines and the certificates still valid.
func (v *recordView) toggle() {
	if v.mode == recordLines {
		v.mode = recordStillValid
	} else {
		v.mode = recordLines
	}
	v.opened = nil
	v.rebuild()
}

// open opens the line under the cursor; close goes back to the lines.
func (v *recordView) open() {
	if v.mode != recordLines || v.cursor >= len(v.shown) {
		return
	}
	v.opened, v.scroll = v.shown[v.cursor], 0
	v.rebuild()
}

// back closes what is open; it reports whether there was something.
func (v *recordView) back() bool {
	if v.opened != nil {
		v.opened = nil
		return true
	}
	return false
}

// move moves the cursor, or scrolls what is open or the certificates.
func (v *recordView) move(delta int) {
	page := max(v.height, 1)
	switch {
	case v.opened != nil:
		v.scroll = clampScroll(v.scroll+delta, len(v.lines), page)
	case v.mode == recordStillValid:
		v.validOffset = clampScroll(v.validOffset+delta, len(v.validLines), page)
	default:
		v.cursor = max(min(v.cursor+delta, len(v.shown)-1), 0)
		v.clampOffset()
	}
}

// wheel moves as the list and the detail do: the cursor a line per notch,
// what is open or the certificates a few lines.
func (v *recordView) wheel(delta int) {
	if v.opened != nil || v.mode == recordStillValid {
		delta *= wheelLines
	}
	v.move(delta)
}

// click puts the cursor on the line clicked, row lines below the top of
// the body (the column titles are its first).
func (v *recordView) click(row int) {
	if v.opened != nil || v.mode != recordLines || row < 1 {
		return
	}
	if i := v.offset + row - 1; i < min(v.offset+v.pageRows(), len(v.shown)) {
		v.cursor = i
	}
}

func clampScroll(off, lines, page int) int {
	return max(min(off, lines-page), 0)
}

// keepInView is the offset of a page of page lines out of lines that scrolls
// as little as possible from offset to show the line at cursor.
func keepInView(cursor, offset, page, lines int) int {
	offset = min(offset, cursor)
	offset = max(offset, cursor-page+1)
	return clampScroll(offset, lines, page)
}

// pageRows is how many lines fit under the column header.
func (v *recordView) pageRows() int { return max(v.height-1, 1) }

func (v *recordView) clampOffset() {
	v.offset = keepInView(v.cursor, v.offset, v.pageRows(), len(v.shown))
}

// rebuild lays out what is shown: the columns, an opened line, the
// certificates still valid.
func (v *recordView) rebuild() {
	if v.width <= 0 || v.st == nil {
		return
	}
	v.cols = newRecordColumns(v.width)
	v.clampOffset()
	if v.opened != nil {
		w := detailWriter{st: v.st, width: v.width, now: v.now}
		w.recordEntry(v.opened.e)
		v.lines = w.lines
		v.scroll = clampScroll(v.scroll, len(v.lines), v.height)
	}
	if v.mode == recordStillValid {
		v.buildValid()
	}
}

// View draws the body.
func (v *recordView) View() string {
	switch {
	case v.height <= 0 || v.width <= 0:
		return ""
	case v.loading:
		return v.st.muted.Render(clip(lit("Reading the record…"), v.width))
	case v.err != nil:
		return strings.Join(cutLines(certs.Concat(lit("The record can't be read: "), certs.Sanitize(v.err.Error())), v.width, v.height), "\n")
	case v.opened != nil:
		end := min(v.scroll+v.height, len(v.lines))
		return strings.Join(v.lines[v.scroll:end], "\n")
	case v.mode == recordStillValid:
		if len(v.validLines) == 0 {
			return v.st.muted.Render(clip(lit(v.emptyText()), v.width))
		}
		end := min(v.validOffset+v.height, len(v.validLines))
		return strings.Join(v.validLines[v.validOffset:end], "\n")
	}
	var b strings.Builder
	b.WriteString(v.st.colHeader.Render(v.cols.header))
	if len(v.shown) == 0 {
		b.WriteString("\n")
		b.WriteString(v.st.muted.Render(clip(lit(v.emptyText()), v.width)))
		return b.String()
	}
	end := min(v.offset+v.pageRows(), len(v.shown))
	var line strings.Builder
	for i := v.offset; i < end; i++ {
		r := v.shown[i]
		b.WriteString("\n")
		line.Reset()
		v.cols.render(&line, r, v.now, i == v.cursor)
		switch {
		case i == v.cursor:
			b.WriteString(v.st.selected.Render(line.String()))
		case r.sev != certs.SeverityNone && line.Len() >= markerWidth:
			b.WriteString(v.st.marker[r.sev])
			b.WriteString(line.String()[markerWidth:])
		default:
			b.WriteString(line.String())
		}
	}
	return b.String()
}

func (v *recordView) emptyText() string {
	switch {
	case len(v.rows) == 0 && v.log.Cut && v.mode == recordLines:
		return fmt.Sprintf("No line of the last %d MiB of the record can be read: older lines are not shown.", certs.MaxRecordRead>>20)
	// Cut, the still-valid view was read from the whole file: it says
	// what it found there.
	case len(v.rows) == 0 && !v.log.Cut && v.log.Unreadable > 0:
		return "No line of the record can be read."
	case len(v.rows) == 0 && !v.log.Cut:
		return "The record is empty: nothing approved, denied, created or exported yet."
	case v.filter != "":
		return "Nothing matches the filter. esc clears it."
	case v.mode == recordStillValid:
		return "No certificate in the record is still valid."
	}
	return "Nothing to show."
}

// headerText is the header's second line while the view is open.
func (v *recordView) headerText() certs.Text {
	var parts []string
	switch {
	case v.loading:
		parts = append(parts, "record")
	case v.mode == recordStillValid:
		parts = append(parts, fmt.Sprintf("still valid: %s in %s", plural(v.validCerts, "certificate"), plural(v.nGrp, "group")))
	default:
		what := "record: " + plural(len(v.rows), "line") + ", newest first"
		if len(v.shown) != len(v.rows) {
			what += " (" + strconv.Itoa(len(v.shown)) + ")"
		}
		parts = append(parts, what)
	}
	if n := v.log.Unreadable; n > 0 {
		parts = append(parts, plural(n, "line")+" unreadable")
	}
	// The certificates still valid come from the whole file: only the
	// lines are cut.
	if v.log.Cut && v.mode == recordLines {
		parts = append(parts, fmt.Sprintf("only the last %d MiB shown", certs.MaxRecordRead>>20))
	}
	text := lit(strings.Join(parts, " · "))
	if v.filter != "" {
		text = certs.Concat(text, lit(" · filter: "), certs.Sanitize(v.filter))
	}
	if v.opened != nil && len(v.lines) > v.height {
		text = certs.Concat(text, lit(fmt.Sprintf(" · lines %d-%d of %d", v.scroll+1, min(v.scroll+v.height, len(v.lines)), len(v.lines))))
	}
	return certs.Concat(text, lit(" · "), certs.Sanitize(v.path))
}

// recordColumns are the columns of the lines at one width: the time, the
// action and its outcome, the request, whom it is for, who acted, where,
// and what was said; the narrower the screen, the fewer.
type recordColumns struct {
	time                                 func(time.Time, time.Time) string
	timeW, outcomeW                      int
	nameW, whoW, adminW, contextW, restW int
	header                               string
	width                                int
}

const actionWidth = 7 // "approve"

func newRecordColumns(width int) recordColumns {
	c := recordColumns{width: width}
	switch {
	case width < 60:
		c.time, c.timeW = func(now, t time.Time) string { return age(now, t) }, 4
	case width < 100:
		c.time, c.timeW = func(_, t time.Time) string { return t.UTC().Format("01-02 15:04") }, 11
		c.outcomeW = 7
	default:
		c.time, c.timeW = func(_, t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }, 20
		c.outcomeW = 7
	}
	// What is left after the marker and the fixed columns, each with the
	// space after it; the flexible columns share it, a space after each.
	left := width - (markerWidth + 1) - (c.timeW + 1) - (actionWidth + 1)
	if c.outcomeW > 0 {
		left -= c.outcomeW + 1
	}
	switch {
	case width < 60:
		c.nameW = left - 1
	case width < 100:
		c.nameW = left * 2 / 5
		c.whoW = left - c.nameW - 2
	case width < 160:
		c.nameW = left * 3 / 10
		c.adminW = left / 5
		c.whoW = left - c.nameW - c.adminW - 3
	default:
		c.nameW = left / 5
		c.whoW = left / 5
		c.adminW = left / 8
		c.contextW = left / 10
		c.restW = left - c.nameW - c.whoW - c.adminW - c.contextW - 5
	}
	var h cellLine
	h.add(lit(strings.Repeat(" ", markerWidth+1)), markerWidth+1, markerWidth+1)
	h.cell(lit(timeHeader(width)), -1, c.timeW)
	h.cell(lit("ACTION"), -1, actionWidth)
	h.cell(lit("OUTCOME"), -1, c.outcomeW)
	h.cell(lit("NAME"), -1, c.nameW)
	h.cell(lit("FOR"), -1, c.whoW)
	h.cell(lit("ADMIN"), -1, c.adminW)
	h.cell(lit("CONTEXT"), -1, c.contextW)
	h.cell(lit("DETAIL"), -1, c.restW)
	c.header = h.line(width)
	return c
}

func timeHeader(width int) string {
	if width < 60 {
		return "AGE"
	}
	return "TIME (UTC)"
}

// cellLine is a line of cells being laid out: sanitized text only, measured
// as it goes.
type cellLine struct {
	parts []certs.Text
	w     int
}

func (l *cellLine) add(t certs.Text, tw, w int) {
	l.parts = append(l.parts, padTo(t, tw, w))
	l.w += w
}

// padText is t cut or padded to w cells; padTo when its width tw is known.
func padText(t certs.Text, w int) certs.Text { return padTo(t, certs.Width(t), w) }

func padTo(t certs.Text, tw, w int) certs.Text {
	if tw > w {
		t = certs.Truncate(t, w)
		tw = certs.Width(t)
	}
	if tw < w {
		t = certs.Concat(t, lit(strings.Repeat(" ", w-tw)))
	}
	return t
}

// cell adds t, tw cells wide (-1: measure it), in a column w wide, and a
// space; a column of width 0 is not shown.
func (l *cellLine) cell(t certs.Text, tw, w int) {
	if w <= 0 {
		return
	}
	if tw < 0 {
		tw = certs.Width(t)
	}
	l.add(t, tw, w)
	l.add(lit(" "), 1, 1)
}

// line is the cells, exactly width cells wide: padded, or cut where the
// screen is narrower than the fixed columns.
func (l *cellLine) line(width int) string {
	return fit(certs.Concat(l.parts...), l.w, width)
}

// render writes r's line, exactly the width. The selected line has a ">"
// after its marker, as the list's selected row, so that it shows without
// colours.
func (c recordColumns) render(b *strings.Builder, r *recordRow, now time.Time, selected bool) {
	var l cellLine
	cursor := " "
	if selected {
		cursor = ">"
	}
	l.add(lit(markerText(r.sev)+cursor), markerWidth+1, markerWidth+1)
	l.cell(lit(c.time(now, r.e.Time)), -1, c.timeW)
	l.cell(certs.Sanitize(string(r.e.Action)), -1, actionWidth)
	l.cell(certs.Sanitize(string(r.e.Outcome)), -1, c.outcomeW)
	l.cell(r.name, r.nameW, c.nameW)
	l.cell(r.who, r.whoW, c.whoW)
	l.cell(r.admin, r.adminW, c.adminW)
	l.cell(r.context, r.contextW, c.contextW)
	l.cell(r.detail, -1, c.restW)
	b.WriteString(l.line(c.width))
}

// buildValid lays out the certificates still valid: a line per group, then
// one per certificate in it.
func (v *recordView) buildValid() {
	lower := strings.ToLower(v.filter)
	v.validLines, v.validCerts, v.nGrp = v.validLines[:0], 0, 0
	seen := map[string]bool{}
	for _, g := range v.valid {
		var creds []certs.ValidCredential
		for _, c := range g.Credentials {
			if lower == "" || strings.Contains(credentialSearch(g.Group, c), lower) {
				creds = append(creds, c)
			}
		}
		if len(creds) == 0 {
			continue
		}
		v.nGrp++
		group := certs.Concat(lit("group "), certs.Sanitize(g.Group))
		if g.Group == "" {
			group = lit("no group")
		}
		head := certs.Concat(lit(markerText(g.Severity)+" "), group, lit(" · "+plural(len(creds), "certificate")+" · until "),
			lit(g.Until.UTC().Format("2006-01-02 15:04Z")+" (in "+certs.HumanDuration(g.Until.Sub(v.now))+")"))
		v.validLines = append(v.validLines, v.st.severity[g.Severity].Bold(true).Render(clip(head, v.width)))
		userW := 0
		for _, c := range creds {
			userW = max(userW, certs.Width(certs.Sanitize(c.Certificate.User)))
		}
		userW = min(userW, max(v.width/4, 8))
		for _, c := range creds {
			if !seen[c.Certificate.SHA256] {
				seen[c.Certificate.SHA256] = true
				v.validCerts++
			}
			user := certs.Sanitize(c.Certificate.User)
			line := certs.Concat(lit("  "+markerText(c.Severity)+" "), padText(user, userW),
				lit("  until "+c.Certificate.NotAfter.UTC().Format("2006-01-02 15:04Z")+" ("+certs.HumanDuration(c.Certificate.NotAfter.Sub(v.now))+")  "),
				certs.Sanitize(c.Entry.Name), lit("  "), certs.Sanitize(c.Certificate.SHA256))
			if len(c.Why) > 0 {
				line = certs.Concat(line, lit("  "), joinSanitized(c.Why, ", "))
			}
			v.validLines = append(v.validLines, clip(line, v.width))
		}
	}
	v.validOffset = clampScroll(v.validOffset, len(v.validLines), v.height)
}

// credentialSearch is what the filter matches in a certificate still
// valid: its group, user, request, fingerprint and serial.
func credentialSearch(group string, c certs.ValidCredential) string {
	return strings.ToLower(strings.Join([]string{group, c.Certificate.User, c.Entry.Name, c.Entry.UID, c.Certificate.SHA256, c.Certificate.Serial}, "\n"))
}

// recordEntry writes every field of a line of the record.
func (w *detailWriter) recordEntry(e certs.RecordEntry) {
	w.line(0, w.st.title, certs.Concat(certs.Sanitize(string(e.Action)), lit(" "), certs.Sanitize(e.Name)))
	w.field(0, lit("Time"), timeText(w.now, e.Time))
	outcome := certs.Sanitize(string(e.Outcome))
	if e.Detail != "" {
		outcome = certs.Concat(outcome, lit(": "), certs.Sanitize(e.Detail))
	}
	w.field(0, lit("Outcome"), outcome)
	if e.Message != "" {
		w.field(0, lit("Message"), certs.Sanitize(e.Message))
	}
	if len(e.Files) > 0 {
		w.field(0, lit("Files"), joinSanitized(e.Files, ", "))
	}
	admin := certs.Sanitize(e.Admin.User)
	if len(e.Admin.Groups) > 0 {
		admin = certs.Concat(admin, lit(" (groups "), joinSanitized(e.Admin.Groups, ", "), lit(")"))
	}
	if !e.Admin.Verified {
		admin = certs.Concat(admin, lit(" — unverified: "), certs.Sanitize(e.Admin.Error))
	}
	w.field(0, lit("Admin"), admin)
	w.field(0, lit("Context"), certs.Sanitize(e.Context))
	w.field(0, lit("Server"), certs.Sanitize(e.Server))

	w.section(lit("Request"))
	w.field(0, lit("UID"), certs.Sanitize(e.UID))
	w.field(0, lit("Signer"), certs.Sanitize(e.Signer))
	req := certs.Sanitize(e.Requester.Username)
	if len(e.Requester.Groups) > 0 {
		req = certs.Concat(req, lit(" (groups "), joinSanitized(e.Requester.Groups, ", "), lit(")"))
	}
	w.field(0, lit("Requester"), req)
	if e.Subject != nil {
		attrs := make([]certs.Text, 0, len(e.Subject.Attributes))
		for _, a := range e.Subject.Attributes {
			attrs = append(attrs, certs.Concat(certs.Sanitize(a.Name), lit("="), certs.Sanitize(a.Value)))
		}
		subject := certs.Join(attrs, lit(", "))
		if len(attrs) == 0 { // a line written by hand, or by another program
			subject = entryWho(certs.RecordEntry{Subject: e.Subject})
		}
		w.field(0, lit("Subject"), subject)
	}
	fs := make([]certs.Text, 0, len(e.Findings))
	for _, f := range e.Findings {
		fs = append(fs, certs.Concat(certs.Sanitize(f.ID), lit(" ("), certs.Sanitize(f.Severity), lit(")")))
	}
	if len(fs) == 0 {
		fs = append(fs, lit("none"))
	}
	w.field(0, lit("Findings"), certs.Join(fs, lit(", ")))

	if c := e.Certificate; c != nil {
		w.section(lit("Certificate"))
		w.field(0, lit("User"), certs.Sanitize(c.User))
		w.field(0, lit("Groups"), joinSanitized(c.Groups, ", "))
		w.field(0, lit("Not after"), timeText(w.now, c.NotAfter))
		w.field(0, lit("Not before"), timeText(w.now, c.NotBefore))
		w.field(0, lit("Serial"), certs.Sanitize(c.Serial))
		w.field(0, lit("SHA-256"), certs.Sanitize(c.SHA256))
		w.field(0, lit("Issuer"), certs.Sanitize(c.Issuer))
		w.field(0, lit("Usages"), joinSanitized(c.Usages, ", "))
	}
}

// Update takes a key while the view is in front; done says esc left it.
func (v *recordView) Update(msg tea.KeyPressMsg) (done bool) {
	k := v.keys
	page := v.pageRows()
	if v.opened != nil || v.mode == recordStillValid {
		page = v.height
	}
	if delta, ok := k.step(msg, page); ok {
		v.move(delta)
		return false
	}
	switch {
	case key.Matches(msg, k.Back):
		if v.back() {
			return false
		}
		if v.filter != "" {
			v.setFilter("")
			return false
		}
		return true
	case key.Matches(msg, k.Open):
		v.open()
	case key.Matches(msg, k.StillValid):
		v.toggle()
	}
	return false
}

// helpKeys are the view's keys now.
func (v *recordView) helpKeys() helpKeys {
	k := v.keys
	mode := k.StillValid // a copy: its help says where it goes now
	if v.mode == recordStillValid {
		mode.SetHelp(mode.Help().Key, "all lines")
	}
	back := k.Back
	if v.opened == nil && v.filter != "" {
		back = k.ClearKept
	}
	var short []key.Binding
	switch {
	case v.opened != nil:
		short = []key.Binding{k.Scroll, back}
	case v.mode == recordLines && len(v.shown) > 0:
		short = []key.Binding{k.Open, k.Filter, mode, back}
	default:
		short = []key.Binding{k.Filter, mode, back}
	}
	short = append(short, k.Help, k.Quit)
	return helpKeys{short: short, full: [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Filter, mode, back},
		{k.Help, k.Quit, k.Interrupt},
	}}
}
