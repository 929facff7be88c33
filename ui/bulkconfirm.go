package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// bulkConfirmDialog asks before a bulk approval or delete. Its plan follows
// the list while it is open (a request decoded, one gone, a permission
// answered): y acts on what it shows when pressed, and each request is
// checked again when its turn comes (bulkrun.go). A critical request is
// included only once its name is typed, in a step of its own for each.
type bulkConfirmDialog struct {
	dialogInput // the name of the critical request being named
	keys        *keyMap
	plan        *bulkPlan
	asksAccess  bool // the console asks access reviews for single approvals
	// named are the critical requests whose name was typed: the critical
	// findings shown then, by UID. A change of them undoes the naming.
	named    map[string][]certs.Finding
	naming   *planItem // the critical request being named, nil in the overview
	mismatch bool      // the typed name was wrong
	// redo says the findings of the request being named changed while its
	// name was typed: what was typed is cleared.
	redo    bool
	changed bool // the plan changed while the dialog was open
	offset  int  // the first group shown
	// grew is when y came to act on a request it did not act on before (one
	// decoded, no longer superseded): a y within slipGuard of it was pressed
	// before the admin could read the dialog that says so, and only asks to
	// look again.
	grew      time.Time
	lookAgain bool // a y was swallowed: the dialog says why
	now       func() time.Time
}

func newBulkConfirm(p *bulkPlan, keys *keyMap, asksAccess bool, now func() time.Time) *bulkConfirmDialog {
	return &bulkConfirmDialog{dialogInput: newDialogInput(), keys: keys, plan: p, asksAccess: asksAccess,
		named: map[string][]certs.Finding{}, now: now}
}

func (d *bulkConfirmDialog) Init() tea.Cmd { return nil }

// setPlan takes the plan as the list now makes it. A naming whose critical
// findings changed is undone; the request being named, if it is no longer
// critical, gives way to the next.
func (d *bulkConfirmDialog) setPlan(p *bulkPlan) tea.Cmd {
	if planShape(d.plan) != planShape(p) {
		d.changed = true
	}
	before := d.plan.readyUIDs(d.named)
	d.plan = p
	keep := map[string][]certs.Finding{}
	for _, it := range p.critical {
		if fs, ok := d.named[it.s.UID]; ok && sameFindings(fs, criticalFindings(it.findings)) {
			keep[it.s.UID] = fs
		}
	}
	d.named = keep
	for uid := range p.readyUIDs(d.named) {
		if !before[uid] {
			d.grew, d.lookAgain = d.now(), false
			break
		}
	}
	d.offset = min(d.offset, max(len(p.groups)-1, 0))
	if d.naming != nil {
		was := d.naming
		d.naming = nil
		for _, it := range p.critical {
			if it.s.UID == was.s.UID {
				d.naming = it
			}
		}
		if d.naming == nil {
			return d.nameNext(was.s.UID)
		}
		// A name typed, or an enter pressed, before new findings showed
		// applies to nothing, as in a single approval.
		if !sameFindings(was.findings, d.naming.findings) {
			d.input.SetValue("")
			d.mismatch, d.redo = false, true
		}
	}
	return nil
}

// planShape is what the admin reads of a plan: each request's place and
// worst finding.
func planShape(p *bulkPlan) string {
	var b strings.Builder
	for _, it := range p.items {
		b.WriteString(it.s.UID)
		b.WriteByte(byte('0' + it.kind))
		if w := it.worst(); w != nil {
			b.WriteString(w.ID)
			b.WriteByte(byte('0' + w.Severity))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// nameNext starts naming the first critical request after the one with UID
// after ("" from the first) that is not named yet; none left, it goes back to
// the overview.
func (d *bulkConfirmDialog) nameNext(after string) tea.Cmd {
	d.naming, d.mismatch, d.redo = nil, false, false
	d.input.SetValue("")
	passed := after == ""
	for _, it := range d.plan.critical {
		if !passed {
			passed = it.s.UID == after
			continue
		}
		if _, ok := d.named[it.s.UID]; !ok {
			d.naming = it
			return d.input.Focus()
		}
	}
	d.input.Blur()
	return nil
}

// unnamed is how many critical requests are not named yet.
func (d *bulkConfirmDialog) unnamed() int { return len(d.plan.critical) - len(d.named) }

func (d *bulkConfirmDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	k, isKey := msg.(tea.KeyPressMsg)
	if d.naming != nil {
		return d.updateNaming(msg)
	}
	switch {
	case !isKey:
	case key.Matches(k, d.keys.ConfirmBulk):
		if d.tooSmall() || d.plan.ready(d.named) == 0 {
			return nil, nil
		}
		if !d.grew.IsZero() && d.now().Sub(d.grew) < slipGuard {
			d.grew, d.lookAgain = time.Time{}, true
			return nil, nil
		}
		msg := ""
		if d.plan.act == bulkApprove {
			msg = approveMessage // as a single approval records it
		}
		return d.plan.outcome(msg, d.named), nil
	case key.Matches(k, d.keys.No):
		return cancelOutcome{note: lit("Bulk " + d.plan.act.verb() + " cancelled: nothing was " + d.plan.act.done() + ".")}, nil
	case key.Matches(k, d.keys.NameCritical) && d.unnamed() > 0 && !d.tooSmall():
		return nil, d.nameNext("")
	case key.Matches(k, d.keys.ScrollUp):
		d.offset = max(d.offset-1, 0)
	case key.Matches(k, d.keys.ScrollDown):
		d.offset = min(d.offset+1, max(len(d.plan.groups)-d.groupRows(), 0))
	}
	return nil, nil
}

// updateNaming takes the keys while a critical request's name is typed: enter
// includes it when the name is right, tab leaves it out, esc goes back.
func (d *bulkConfirmDialog) updateNaming(msg tea.Msg) (outcome, tea.Cmd) {
	it := d.naming
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.keys.Back):
			d.naming, d.redo = nil, false
			d.input.Blur()
			return nil, nil
		case key.Matches(k, d.keys.SkipCritical):
			return nil, d.nameNext(it.s.UID)
		case key.Matches(k, d.keys.SubmitCritical):
			if d.namingTooSmall() {
				return nil, nil
			}
			v := d.input.Value()
			if v == "" && d.redo {
				return nil, nil // the enter meant for the name cleared: the reason stays
			}
			if v != it.s.Name && v != certs.Sanitize(it.s.Name).String() {
				d.mismatch = true
				return nil, nil
			}
			d.named[it.s.UID] = criticalFindings(it.findings)
			return nil, d.nameNext(it.s.UID)
		}
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.mismatch = false
	return nil, cmd
}

func (d *bulkConfirmDialog) ShortHelp() []key.Binding {
	if d.naming != nil {
		if d.namingTooSmall() {
			return []key.Binding{d.keys.SkipCritical, d.keys.Back}
		}
		return []key.Binding{d.keys.SubmitCritical, d.keys.SkipCritical, d.keys.Back}
	}
	var b []key.Binding
	if n := d.plan.ready(d.named); n > 0 && !d.tooSmall() {
		y := d.keys.ConfirmBulk
		y.SetHelp(y.Help().Key, d.plan.act.verb()+" "+thousands(n))
		b = append(b, y)
	}
	if d.unnamed() > 0 && !d.tooSmall() {
		b = append(b, d.keys.NameCritical)
	}
	if len(d.plan.groups) > d.groupRows() {
		b = append(b, d.keys.ScrollUp)
	}
	return append(b, d.keys.No)
}

func (d *bulkConfirmDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View is the overview, or the critical request being named.
func (d *bulkConfirmDialog) View() string {
	if d.naming != nil {
		return d.namingView()
	}
	head, groups, tail, fits := d.layout()
	if !fits {
		return stack(d.height,
			[]string{d.st.bad.Render(clip(lit("Enlarge the terminal to decide."), d.width))},
			cutLines(lit("The whole plan needs more room: nothing can be "+d.plan.act.done()+" from here."), d.width, 3))
	}
	return strings.Join(append(append(head, groups...), tail...), "\n")
}

// groupRows is how many groups the overview shows at once.
func (d *bulkConfirmDialog) groupRows() int {
	_, groups, _, _ := d.layout()
	if len(d.plan.groups) > len(groups) || d.offset > 0 {
		return max(len(groups)-1, 1) // less the line that says what else there is
	}
	return len(groups)
}

func (d *bulkConfirmDialog) tooSmall() bool {
	_, _, _, fits := d.layout()
	return !fits
}

// layout lays the overview out in d.height lines: the title and the groups
// above, what is left out and what y does below. The groups get the lines the
// rest leaves, at least one and a line saying what else there is; blank lines
// and the line about access reviews go first when room is short. fits is
// false when even that does not fit.
func (d *bulkConfirmDialog) layout() (head, groups, tail []string, fits bool) {
	p, w := d.plan, d.width
	n := len(p.items)
	var title string
	switch p.act {
	case bulkDelete:
		title = "Delete " + plural(n, "superseded request") + "?"
	default:
		title = "Approve " + plural(n, "marked request") + "?"
	}
	head = []string{d.st.boxTitle.Render(clip(lit(title), w))}

	var critical, action []string
	if c := len(p.critical); c > 0 {
		named := len(d.named)
		t := lit(plural(c, "critical request") + ": left out unless you type each name (" + d.keys.NameCritical.Help().Key + ").")
		if named > 0 {
			t = lit(thousands(named) + " of " + plural(c, "critical request") + " named: included; the rest are left out.")
		}
		critical = append(critical, d.st.severity[certs.SeverityCritical].Render(cutLine(t, w)))
	}
	var optional []string
	switch {
	case p.act == bulkDelete:
		optional = append(optional, cutLine(lit("The live requests are kept; each is deleted only while it is the request listed (its UID)."), w))
	case d.asksAccess:
		optional = append(optional, d.st.muted.Render(cutLine(lit("What each identity could do is not asked in bulk: the findings judge it."), w)))
	}
	if r := p.ready(d.named); r > 0 {
		action = []string{cutLine(lit("y "+verbs(p.act)+" "+thousands(r)+"."), w)}
	} else {
		action = []string{d.st.bad.Render(cutLine(lit("Nothing to "+p.act.verb()+": every request is left out."), w))}
	}

	var changed []string
	if d.changed {
		changed = []string{d.st.bad.Render(cutLine(lit("The list changed while this was open: this is what y does now."), w))}
	}
	if d.lookAgain {
		changed = append(changed, d.st.bad.Render(cutLine(lit("More became ready as y was pressed: look again, then y."), w)))
	}
	if p.hidden > 0 && p.act != bulkDelete {
		// Marks outlive a filter: say that some of what y acts on is not
		// in the list behind the dialog.
		changed = append(changed, d.st.bad.Render(cutLine(lit(thousands(p.hidden)+" of them hidden in the list now (filter or tab): marked before."), w)))
	}
	countWidth := 1
	for _, g := range p.groups {
		countWidth = max(countWidth, len(thousands(len(g.items))))
	}
	// Only the groups that may show are drawn.
	end := min(d.offset+max(d.height, 0), len(p.groups))
	all := make([]string, 0, end-d.offset)
	for _, g := range p.groups[d.offset:end] {
		all = append(all, p.groupLine(d.st, g, countWidth, w))
	}
	intro := cutLine(lit(thousands(n)+" in "+plural(len(p.groups), "group")+" by signer and requester, worst first:"), w)
	if n == 0 {
		intro = d.st.bad.Render(cutLine(lit("Every request of the plan left the list."), w))
	}

	for _, tight := range []struct {
		blanks, optional bool
		leftLines        int
	}{{true, true, 2}, {true, false, 2}, {false, false, 2}, {false, false, 1}} {
		notes := append(append(append([]string{}, changed...), p.leftLines(d.st, w, tight.leftLines)...), critical...)
		top := append(append([]string{}, head...), "")
		if !tight.blanks {
			top = top[:len(head)]
		}
		top = append(top, intro)
		var bottom []string
		if tight.blanks {
			bottom = append(bottom, "")
		}
		bottom = append(bottom, notes...)
		if tight.optional {
			bottom = append(bottom, optional...)
		}
		if tight.blanks && len(bottom) > 1 {
			bottom = append(bottom, "")
		}
		bottom = append(bottom, action...)
		room := d.height - len(top) - len(bottom)
		need := min(len(p.groups), 2) // a group, and a line saying what else there is
		if room < need {
			continue
		}
		shown := all
		if rest := len(p.groups) - d.offset; rest > room || d.offset > 0 {
			shown = all[:min(room-1, len(all))]
			below := rest - len(shown)
			var more string
			switch {
			case d.offset > 0 && below > 0:
				more = "… " + thousands(d.offset) + " above, " + thousands(below) + " below: ↑/↓"
			case d.offset > 0:
				more = "… " + thousands(d.offset) + " above: ↑"
			default:
				more = "… " + plural(below, "more group") + ": ↓"
			}
			shown = append(shown[:len(shown):len(shown)], d.st.muted.Render(cutLine(lit(more), w)))
		}
		return top, shown, bottom, w >= minBulkWidth
	}
	return head, nil, action, false
}

// minBulkWidth is the narrowest a bulk dialog's text may be: a group's count,
// signer, requester and finding still read.
const minBulkWidth = 30

// verbs is what y does, in the third person: "approves".
func verbs(a bulkAction) string {
	return [...]string{"approves", "denies", "deletes"}[a]
}

// namingView shows the critical request being named, as the single approval
// shows it, and the input for its name.
func (d *bulkConfirmDialog) namingView() string {
	lines, fits := d.namingLayout()
	if !fits {
		return stack(d.height,
			[]string{d.st.bad.Render(clip(lit("Enlarge the terminal to decide."), d.width))},
			cutLines(lit("The request needs more room to be shown whole: tab leaves it out."), d.width, 3),
			[]string{d.st.label.Render(fit(lit("CSR"), 3, valueIndent)) + cutLine(certs.Sanitize(d.naming.s.Name), max(d.width-valueIndent, 1))})
	}
	return stack(d.height, lines)
}

func (d *bulkConfirmDialog) namingTooSmall() bool {
	_, fits := d.namingLayout()
	return !fits
}

func (d *bulkConfirmDialog) namingLayout() ([]string, bool) {
	it := d.naming
	i := 1
	for j, c := range d.plan.critical {
		if c == it {
			i = j + 1
		}
	}
	title := lit("Critical " + thousands(i) + " of " + thousands(len(d.plan.critical)) + ": approve it too?")
	var lines []string
	for _, tight := range []struct {
		blanks       bool
		findingLines int
	}{{true, 2}, {false, 2}, {false, 1}} {
		l := &dialogLines{st: d.st, width: d.width, blanks: tight.blanks, findingLines: tight.findingLines}
		l.request(title, it.s, it.findings, false, nil)
		l.part()
		reason := lit("A critical finding: type the CSR's name to approve it with the rest.")
		switch {
		case d.mismatch:
			reason = lit("That is not the CSR's name.")
		case d.redo:
			reason = lit("Its findings changed: type the CSR's name again.")
		}
		l.lines = append(l.lines, d.st.bad.Render(cutLine(reason, d.width)), d.input.View())
		lines = l.lines
		if len(lines) <= d.height {
			return lines, d.width-valueIndent >= minValueWidth
		}
	}
	return lines, false
}
