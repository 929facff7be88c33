package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

// bulkConcurrency is how many requests of a bulk run are on their way to the
// apiserver at once. A decision is a read and a write, a delete one call, of
// a few milliseconds each on a nearby apiserver, most of it spent waiting on
// the apiserver and etcd: sixteen at a time decide a thousand requests in
// under five seconds on a two-core control plane (eight took 5.6 s there),
// while the apiserver, which serves 200 writes at once by default
// (--max-mutating-requests-inflight) to every client, keeps room for the
// others (kube-controller-manager signing what is approved, kubelets).
const bulkConcurrency = 16

// bulkRunDialog runs a bulk action: each request in turn, a few at a time,
// each by name and UID, through the same Decider calls as a single decision
// (decideOne). Before each starts it is checked against the list as it is
// now: gone, replaced, decided meanwhile, no longer superseded, or showing a
// finding the admin did not accept, it is not sent. A progress bar says how
// far it is; esc (or ctrl+c) stops starting new ones. At the end a line per
// outcome says how many, each opening to the names.
type bulkRunDialog struct {
	keys          *keyMap
	st            *styles
	width, height int

	run     int // which run: results of another are not its own
	act     bulkAction
	message string
	decider Decider
	deleter Deleter
	rec     Recorder // nil: no record is kept
	now     func() time.Time

	targets []bulkTarget
	// byName indexes targets by name; cur and taken are recheckRun's, by
	// target: the request of its UID listed now, and whether its name is.
	byName map[string]int
	cur    []*certs.Summary
	taken  []bool
	// records are the record's line of each target, but for its outcome,
	// made when the run started: the request as the dialog showed it.
	records []certs.RecordEntry
	// missed counts the lines the record missed.
	missed int
	// skip is, for each target not started, why it will not be, as the last
	// snapshot says; nil when nothing stands in the way.
	skip     []*bulkResult
	next     int // the next target to start
	inFlight int
	done     int // targets with a result
	stopped  bool
	reported bool // the console has taken the end of the run

	results [numResults][]bulkResult
	bar     progress.Model

	// The summary's lines, and the outcomes opened to their names.
	cursor, offset int
	open           [numResults]bool
}

// bulkResultMsg is what came of one target of a run, and of its line in the
// record.
type bulkResultMsg struct {
	run, i    int
	res       bulkResult
	uid       string
	recordErr error // the record missed it
}

func (bulkResultMsg) forDialog() {}

func newBulkRun(run int, o runOutcome, keys *keyMap, d Decider, del Deleter, rec Recorder, records []certs.RecordEntry, now func() time.Time) *bulkRunDialog {
	r := &bulkRunDialog{keys: keys, run: run, act: o.act, message: o.message, decider: d, deleter: del, rec: rec, now: now,
		targets: o.targets, records: records, skip: make([]*bulkResult, len(o.targets)),
		bar: progress.New(progress.WithWidth(40), progress.WithFillCharacters('█', '░'))}
	for _, l := range o.left {
		r.results[l.kind] = append(r.results[l.kind], l)
	}
	return r
}

func (r *bulkRunDialog) SetSize(width, height int) {
	r.width, r.height = width, height
	r.bar.SetWidth(width)
	r.clamp()
}

func (r *bulkRunDialog) SetStyles(st *styles) { r.st = st }

// Init starts the first requests.
func (r *bulkRunDialog) Init() tea.Cmd { return r.launch() }

// finished reports whether nothing is on its way and nothing more will start.
func (r *bulkRunDialog) finished() bool { return r.inFlight == 0 && r.next == len(r.targets) }

// launch starts targets while fewer than bulkConcurrency are on their way.
// A target the last snapshot refuses is counted at once, unsent.
func (r *bulkRunDialog) launch() tea.Cmd {
	var cmds []tea.Cmd
	for r.inFlight < bulkConcurrency && r.next < len(r.targets) && !r.stopped {
		i := r.next
		r.next++
		if s := r.skip[i]; s != nil {
			r.record(*s)
			continue
		}
		r.inFlight++
		cmds = append(cmds, r.cmd(i))
	}
	return tea.Batch(cmds...)
}

// cmd sends target i, and records it, capturing values only.
func (r *bulkRunDialog) cmd(i int) tea.Cmd {
	t, act, run, msg, d, del, rec, now := r.targets[i], r.act, r.run, r.message, r.decider, r.deleter, r.rec, r.now
	entry := r.records[i]
	return func() tea.Msg {
		ctx := context.Background() // the Decider and the Deleter bound each call with the request timeout
		out := bulkResultMsg{run: run, i: i, uid: t.uid}
		if act == bulkDelete {
			gone, err, recordErr := deleteOne(ctx, del, rec, t.name, t.uid, t.rv, entry)
			out.res, out.recordErr = deleteResult(t.name, gone, err), recordErr
			return out
		}
		dec := certs.Approve
		if act == bulkDeny {
			dec = certs.Deny
		}
		res := decideOne(ctx, d, rec, decisionRequest{decision: dec, name: t.name, uid: t.uid, message: msg}, entry)
		out.res, out.recordErr = decisionResultOf(res, now()), res.recordErr
		return out
	}
}

// decisionResultOf says which summary line a decision's result counts on.
func decisionResultOf(res decisionResult, now time.Time) bulkResult {
	out := bulkResult{name: res.name}
	var st apiStatus
	switch err := res.err; {
	case err == nil && res.already == nil:
		out.kind = resultDone
	case err == nil:
		out.kind, out.detail = resultAlready, certs.Sanitize(res.already.Describe(now))
	case errors.Is(err, certs.ErrAlreadyDecided):
		out.kind, out.detail = resultAlready, certs.Sanitize(err.Error())
	case errors.Is(err, certs.ErrReplaced):
		out.kind, out.detail = resultReplaced, lit("a new request took its name: nothing was written")
	case errors.As(err, &st) && st.Status().Code == http.StatusNotFound:
		out.kind, out.detail = resultGone, certs.Sanitize(err.Error())
	case errors.As(err, &st) && st.Status().Code == http.StatusForbidden:
		out.kind, out.detail = resultForbidden, certs.Sanitize(err.Error())
	default:
		out.kind, out.detail = resultError, certs.Sanitize(err.Error())
	}
	return out
}

// deleteResult says which summary line a delete's result counts on.
func deleteResult(name string, gone bool, err error) bulkResult {
	out := bulkResult{name: name}
	var st apiStatus
	switch {
	case err == nil && gone:
		out.kind, out.detail = resultGone, lit("no request of that name: nothing to delete")
	case err == nil:
		out.kind = resultDone
	case errors.Is(err, certs.ErrReplaced):
		out.kind, out.detail = resultReplaced, certs.Sanitize(err.Error())
	case errors.Is(err, certs.ErrChanged):
		out.kind, out.detail = resultLive, certs.Sanitize(err.Error())
	case errors.As(err, &st) && st.Status().Code == http.StatusForbidden:
		out.kind, out.detail = resultForbidden, certs.Sanitize(err.Error())
	default:
		out.kind, out.detail = resultError, certs.Sanitize(err.Error())
	}
	return out
}

func (r *bulkRunDialog) record(res bulkResult) {
	r.results[res.kind] = append(r.results[res.kind], res)
	r.done++
}

// stop starts nothing more: the targets not started are counted as such.
func (r *bulkRunDialog) stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	for ; r.next < len(r.targets); r.next++ {
		r.record(bulkResult{kind: resultNotStarted, name: r.targets[r.next].name})
	}
}

// setSkips takes, for each target not started yet, why it must not be
// (verdict answers nil when nothing stands in the way).
func (r *bulkRunDialog) setSkips(verdict func(i int) *bulkResult) {
	for i := r.next; i < len(r.targets); i++ {
		r.skip[i] = verdict(i)
	}
}

// remark are the targets to mark again when the run ends: those it did not
// start, and those not decoded when their turn came.
func (r *bulkRunDialog) remark() []string {
	if r.act == bulkDelete {
		return nil
	}
	var names []string
	for _, k := range []resultKind{resultNotStarted, resultUndecoded, resultSuperseded} {
		for _, res := range r.results[k] {
			names = append(names, res.name)
		}
	}
	return names
}

func (r *bulkRunDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	switch msg := msg.(type) {
	case bulkResultMsg:
		if msg.run != r.run {
			return nil, nil
		}
		r.inFlight--
		r.record(msg.res)
		if msg.recordErr != nil {
			r.missed++
		}
		return nil, r.launch()
	case tea.KeyPressMsg:
		lines := r.summaryLines()
		switch {
		case !r.finished() && key.Matches(msg, r.keys.StopRun):
			r.stop()
		case r.finished() && key.Matches(msg, r.keys.Dismiss):
			return cancelOutcome{note: r.summaryText()}, nil
		case key.Matches(msg, r.keys.ScrollUp):
			r.cursor = max(r.cursor-1, 0)
		case key.Matches(msg, r.keys.ScrollDown):
			r.cursor = min(r.cursor+1, max(len(lines)-1, 0))
		case key.Matches(msg, r.keys.ShowNames), key.Matches(msg, r.keys.HideNames):
			if r.cursor < len(lines) {
				k := lines[r.cursor].kind
				r.open[k] = key.Matches(msg, r.keys.ShowNames)
				// The cursor stays on the outcome's line, which goes to the top
				// when its names would not show under it.
				for i, l := range r.summaryLines() {
					if l.kind == k && l.name < 0 {
						r.cursor = i
					}
				}
				if r.open[k] && r.cursor+len(r.results[k]) >= r.offset+r.bodyRows() {
					r.offset = r.cursor
				}
			}
		}
		r.clamp()
	}
	return nil, nil
}

func (r *bulkRunDialog) ShortHelp() []key.Binding {
	var b []key.Binding
	if !r.finished() {
		b = append(b, r.keys.StopRun)
	}
	if len(r.summaryLines()) > 0 {
		b = append(b, r.keys.ShowNames, r.keys.ScrollUp)
	}
	if r.finished() {
		b = append(b, r.keys.Dismiss)
	}
	return b
}

func (r *bulkRunDialog) FullHelp() [][]key.Binding {
	return [][]key.Binding{append(r.ShortHelp(), r.keys.HideNames)}
}

// summaryLine is a line of the summary: an outcome (name < 0) or one of its
// names.
type summaryLine struct {
	kind resultKind
	name int
}

// summaryLines are the outcomes that happened, in order, each followed by
// its names when opened.
func (r *bulkRunDialog) summaryLines() []summaryLine {
	var out []summaryLine
	for k := range numResults {
		if len(r.results[k]) == 0 {
			continue
		}
		out = append(out, summaryLine{kind: k, name: -1})
		if r.open[k] {
			for i := range r.results[k] {
				out = append(out, summaryLine{kind: k, name: i})
			}
		}
	}
	return out
}

// headLines are the title, the bar and what the run is doing.
func (r *bulkRunDialog) headLines() []string {
	w, total := r.width, len(r.targets)
	var title, state string
	switch {
	case r.finished() && r.stopped:
		title = "Stopped: " + thousands(len(r.results[resultDone])) + " " + r.act.done()
		state = thousands(len(r.results[resultNotStarted])) + " not started."
	case r.finished():
		title = strings.ToUpper(r.act.done()[:1]) + r.act.done()[1:] + " " + thousands(len(r.results[resultDone])) + " of " + plural(total+r.leftCount(), "request")
		if r.missed > 0 {
			state = "The record missed " + plural(r.missed, "line") + "."
		}
	case r.stopped:
		title = "Stopping…"
		state = "Waiting for the " + thousands(r.inFlight) + " on their way; nothing more starts."
	default:
		title = r.act.doing() + " " + plural(total, "request") + "…"
		state = thousands(r.done) + " of " + thousands(total) + " done, " + thousands(bulkConcurrency) + " at a time. esc stops starting more."
	}
	frac := 1.0
	if total > 0 {
		frac = float64(r.done) / float64(total)
	}
	head := []string{r.st.boxTitle.Render(clip(lit(title), w)), r.bar.ViewAs(frac)}
	if state != "" {
		head = append(head, r.st.muted.Render(cutLine(lit(state), w)))
	}
	return head
}

// leftCount is how many requests the plan left out before the run.
func (r *bulkRunDialog) leftCount() int {
	n := 0
	for _, rs := range r.results {
		n += len(rs)
	}
	return n - r.done
}

// bodyRows is how many summary lines fit under the head, and whether a
// blank line parts them.
func (r *bulkRunDialog) bodyRows() int {
	rows, _ := r.body()
	return rows
}

func (r *bulkRunDialog) body() (rows int, blank bool) {
	room := r.height - len(r.headLines())
	blank = room-1 >= len(r.summaryLines())
	if blank {
		room--
	}
	return max(room, 1), blank
}

func (r *bulkRunDialog) clamp() {
	r.offset = keepInView(r.cursor, r.offset, r.bodyRows(), len(r.summaryLines()))
}

func (r *bulkRunDialog) View() string {
	head := r.headLines()
	lines := r.summaryLines()
	rows, blank := r.body()
	var body []string
	countW := 1
	for _, rs := range r.results {
		countW = max(countW, len(thousands(len(rs))))
	}
	for i := r.offset; i < len(lines) && i < r.offset+rows; i++ {
		l := lines[i]
		lead := "  "
		if i == r.cursor {
			lead = "> "
		}
		if l.name >= 0 {
			res := r.results[l.kind][l.name]
			t := certs.Concat(lit(lead+"    "), certs.Sanitize(res.name))
			if res.detail.String() != "" {
				t = certs.Concat(t, lit(": "), res.detail)
			}
			body = append(body, cutLine(t, r.width))
			continue
		}
		n := thousands(len(r.results[l.kind]))
		open := "▸ "
		if r.open[l.kind] {
			open = "▾ "
		}
		text := lit(lead + open + strings.Repeat(" ", countW-len(n)) + n + "  " + l.kind.title(r.act))
		body = append(body, r.resultStyle(l.kind).Render(clip(text, r.width)))
	}
	if blank {
		head = append(head, "")
	}
	return strings.Join(append(head, body...), "\n")
}

// resultStyle colours an outcome's line: done is good, a refusal bad.
func (r *bulkRunDialog) resultStyle(k resultKind) lipgloss.Style {
	switch k {
	case resultDone:
		return r.st.good
	case resultFinding, resultForbidden, resultError:
		return r.st.bad
	}
	return r.st.label
}

// summaryText is the run in one line, for the status line once it closes.
func (r *bulkRunDialog) summaryText() certs.Text {
	var parts []string
	for k := range numResults {
		if n := len(r.results[k]); n > 0 {
			parts = append(parts, thousands(n)+" "+k.title(r.act))
		}
	}
	lead := "Bulk " + r.act.verb() + ": "
	if r.stopped {
		lead = "Bulk " + r.act.verb() + ", stopped: "
	}
	text := lead + strings.Join(parts, ", ") + "."
	if r.missed > 0 {
		text += " The record missed " + plural(r.missed, "line") + "."
	}
	return lit(text)
}

// startRun opens the run of a confirmed bulk action and starts it. The
// targets' marks go while it runs; those it does not get to come back.
func (m *Model) startRun(o runOutcome) tea.Cmd {
	m.runs++
	for _, t := range o.targets {
		delete(m.marks, t.uid)
	}
	records := make([]certs.RecordEntry, len(o.targets))
	if m.cfg.Recorder != nil {
		byUID := make(map[string]*certs.Summary, len(m.list.rows))
		for _, row := range m.list.rows {
			byUID[row.s.UID] = row.s
		}
		action := map[bulkAction]certs.RecordAction{bulkApprove: certs.RecordApprove, bulkDeny: certs.RecordDeny, bulkDelete: certs.RecordDelete}[o.act]
		for i, t := range o.targets {
			e := m.recordOf(action, byUID[t.uid])
			e.Name, e.UID, e.Message = t.name, t.uid, o.message
			records[i] = e
		}
	}
	r := newBulkRun(m.runs, o, &m.keys, m.cfg.Decider, m.cfg.Deleter, m.cfg.Recorder, records, m.cfg.Now)
	m.recheckRun(r)
	if m.cfg.Trace != nil {
		m.cfg.Trace("bulk-start", len(o.targets))
	}
	cmd := m.open(r)
	m.setStatus(status{})
	return cmd
}

// recheckRun tells the run why each target not started yet must not be,
// from the list as it is now.
func (m *Model) recheckRun(r *bulkRunDialog) {
	if r.next == len(r.targets) {
		return
	}
	// One pass over the list, looking up names only in the run's own index:
	// a UID keeps its name for life, so the request of a target's UID, if
	// listed, is under the target's name. Maps of the whole list, made on
	// every snapshot, took a fifth of the console's CPU in a run of 1,000.
	if r.byName == nil {
		r.byName = make(map[string]int, len(r.targets))
		for i, t := range r.targets {
			r.byName[t.name] = i
		}
		r.cur, r.taken = make([]*certs.Summary, len(r.targets)), make([]bool, len(r.targets))
	}
	clear(r.taken[r.next:])
	for _, row := range m.list.rows {
		if i, ok := r.byName[row.s.Name]; ok && i >= r.next {
			r.taken[i] = true
			if row.s.UID == r.targets[i].uid {
				r.cur[i] = row.s
			}
		}
	}
	r.setSkips(func(i int) *bulkResult {
		t, cur := &r.targets[i], r.cur[i]
		v := m.verdict(r.act, *t, cur, r.taken[i])
		if v == nil && cur != nil {
			// Still pending and superseded as the list is now: that version
			// is the one a delete may remove.
			t.rv = cur.ResourceVersion
		}
		return v
	})
	clear(r.cur) // the summaries are the list's to let go
}

// verdict is why target t of a run of act must not start, given cur, the
// request of its UID now (nil when none), and whether its name is taken; nil
// when nothing stands in the way.
func (m *Model) verdict(act bulkAction, t bulkTarget, cur *certs.Summary, nameTaken bool) *bulkResult {
	res := func(k resultKind, why certs.Text) *bulkResult { return &bulkResult{kind: k, name: t.name, detail: why} }
	switch {
	case cur == nil && nameTaken:
		return res(resultReplaced, lit("a new request took its name: nothing was sent"))
	case cur == nil:
		return res(resultGone, lit("deleted, or cleaned up by the cluster: nothing was sent"))
	case cur.State != certs.StatePending:
		what := "decided"
		if d := cur.Decision(); d != nil {
			what = d.Describe(m.now())
		}
		if act == bulkDelete {
			return res(resultLive, certs.Concat(lit("no longer pending: "), certs.Sanitize(what)))
		}
		return res(resultAlready, certs.Sanitize(what))
	}
	if act == bulkDelete {
		if why := m.deleteRefusal(); why != "" {
			return res(resultForbidden, lit(why))
		}
		if !m.list.backlog.Superseded(cur) {
			return res(resultLive, lit("no newer pending request repeats it any more: kept"))
		}
		return nil
	}
	if why := m.decisionRefusal(cur); why != "" {
		return res(resultForbidden, certs.Sanitize(why))
	}
	if act == bulkDeny {
		return nil
	}
	if live := m.list.backlog.SupersededBy(cur); live != nil {
		return res(resultSuperseded, certs.Concat(lit("now superseded by "), quoted(live.Name), lit(": still marked")))
	}
	if cur.Unchecked {
		return res(resultUndecoded, lit("not decoded when its turn came: still marked"))
	}
	fs := m.findingsOf(cur)
	for _, f := range fs {
		switch {
		case f.Severity == certs.SeverityBlock && f.ID != certs.FindingDecided:
			return res(resultFinding, certs.Concat(lit("now "+f.ID+": "), certs.Sanitize(f.Title)))
		case f.Severity == certs.SeverityCritical && !sameFindings(t.named, criticalFindings(fs)):
			return res(resultFinding, certs.Concat(lit("now critical, "+f.ID+": "), certs.Sanitize(f.Title)))
		}
	}
	return nil
}

// bulkResulted takes what came of one request of a run, as a single
// decision's outcome is taken: a line the record missed is counted, and an
// approval waits for its certificate, to record it. Then the run goes on.
func (m *Model) bulkResulted(msg bulkResultMsg) tea.Cmd {
	m.noteRecordErr(msg.recordErr)
	r, ok := m.dialog.(*bulkRunDialog)
	if !ok || msg.run != r.run {
		return nil
	}
	if r.act == bulkApprove && msg.res.kind == resultDone && m.cfg.Recorder != nil {
		if m.rec.awaiting == nil {
			m.rec.awaiting = map[string]awaitingIssue{}
		}
		m.rec.awaiting[msg.uid] = awaitingIssue{name: msg.res.name}
	}
	cmd := m.updateDialog(msg)
	m.runEnded()
	return cmd
}

// runEnded takes the end of the open run once: the targets it did not get to
// are marked again, and the benchmark's trace told.
func (m *Model) runEnded() {
	r, ok := m.dialog.(*bulkRunDialog)
	if !ok || r.reported || !r.finished() {
		return
	}
	r.reported = true
	if names := r.remark(); len(names) > 0 {
		want := make(map[string]bool, len(names))
		for _, n := range names {
			want[n] = true
		}
		pending := make(map[string]bool, len(m.list.rows))
		for _, row := range m.list.rows {
			pending[row.s.UID] = row.s.State == certs.StatePending
		}
		for _, t := range r.targets {
			if want[t.name] && pending[t.uid] {
				m.marks[t.uid] = t.name
			}
		}
	}
	if m.cfg.Trace != nil {
		m.cfg.Trace("bulk-done", len(r.results[resultDone]))
	}
}
