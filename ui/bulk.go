package ui

import (
	"cmp"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// Bulk decisions: A approves and D denies the marked requests, x deletes the
// superseded requests in view. One dialog shows what would happen, grouped by
// signer and requester with the worst finding of each group, and says what is
// left out and why; one key starts a run (bulkrun.go) that decides, or
// deletes, each request by name and UID, a few at a time.
//
// Approval keeps the single approval's rules: a request with a block finding,
// or not decoded yet, is left out; one with a critical finding is left out
// unless its name is typed, each in turn; one whose signer csrtui may not
// approve for is left out with the rule it lacks. What the cluster says each
// identity could do (access reviews) is not asked in bulk: a thousand
// identities would take thousands of reviews. The findings judge them,
// cluster-admin power through RBAC included, as far as csrtui may read it.

// bulkAction is what a bulk run does to each of its requests.
type bulkAction int

const (
	bulkApprove bulkAction = iota
	bulkDeny
	bulkDelete
)

func (a bulkAction) verb() string { return [...]string{"approve", "deny", "delete"}[a] }
func (a bulkAction) done() string { return [...]string{"approved", "denied", "deleted"}[a] }

func (a bulkAction) doing() string {
	return [...]string{"Approving", "Denying", "Deleting"}[a]
}

// resultKind is what came of one request of a bulk action; the summary at the
// end of a run has a line for each.
type resultKind int

const (
	resultDone       resultKind = iota // approved, denied or deleted
	resultAlready                      // decided already, by someone else
	resultFinding                      // refused by a finding (block, or critical and not named)
	resultForbidden                    // csrtui may not: the rule it lacks
	resultReplaced                     // the name now holds another request
	resultGone                         // no request of that name any more
	resultUndecoded                    // not decoded yet: left out, still marked
	resultSuperseded                   // superseded: not approved, still marked
	resultLive                         // no longer superseded: not deleted
	resultNotStarted                   // the run was stopped before it
	resultError                        // anything else: the error says
	numResults
)

// title is the summary line's words for k.
func (k resultKind) title(a bulkAction) string {
	switch k {
	case resultDone:
		return a.done()
	case resultAlready:
		return "already decided"
	case resultFinding:
		return "refused by finding"
	case resultForbidden:
		return "forbidden: missing rule"
	case resultReplaced:
		return "replaced"
	case resultGone:
		if a == bulkDelete {
			return "already gone"
		}
		return "gone"
	case resultUndecoded:
		return "not decoded yet (still marked)"
	case resultSuperseded:
		return "superseded, not approved (still marked)"
	case resultLive:
		return "no longer superseded (kept)"
	case resultNotStarted:
		if a == bulkDelete {
			return "not started"
		}
		return "not started (still marked)"
	}
	return "error"
}

// bulkResult is what came of one request.
type bulkResult struct {
	kind   resultKind
	name   string     // raw
	detail certs.Text // why, by whom, or the error
}

// bulkTarget is one request a run acts on, as the admin confirmed it.
type bulkTarget struct {
	name, uid string
	// rv is, for a delete, the version of the request last seen pending and
	// superseded: the delete is refused if it changed since.
	rv string
	// named holds the critical findings shown when the admin typed the
	// request's name to approve it anyway; nil when no name was typed (a
	// critical finding then refuses it).
	named []certs.Finding
}

// planKind is where a request stands in a bulk plan.
type planKind int

const (
	planReady    planKind = iota // the one key decides it
	planCritical                 // left out unless its name is typed
	planLeftOut                  // left out: why says why
)

// planItem is one request of a bulk plan.
type planItem struct {
	s        *certs.Summary
	findings []certs.Finding // as the console shows them, worst first
	kind     planKind
	left     resultKind // planLeftOut: the summary line it counts on
	why      certs.Text // planLeftOut: why
	live     *certs.Summary
}

// worst is the worst finding that tells about the request itself: the
// decided finding only restates its condition.
func (it *planItem) worst() *certs.Finding {
	for i := range it.findings {
		if it.findings[i].ID != certs.FindingDecided {
			return &it.findings[i]
		}
	}
	return nil
}

// criticalFindings are the critical findings of fs.
func criticalFindings(fs []certs.Finding) []certs.Finding {
	var out []certs.Finding
	for _, f := range fs {
		if f.Severity == certs.SeverityCritical {
			out = append(out, f)
		}
	}
	return out
}

// planGroup is the requests of one signer and requester.
type planGroup struct {
	signer, requester string
	items             []*planItem
	worst             *certs.Finding // nil: no finding
}

// bulkPlan is what a bulk action would do to each of its requests.
type bulkPlan struct {
	act      bulkAction
	groups   []*planGroup
	items    []*planItem // group by group
	count    [planLeftOut + 1]int
	critical []*planItem
	hidden   int // marked requests the list does not show now (the filter, the tab)
}

// bulkPlan builds the plan of act: over the marked requests for approve and
// deny, over the superseded requests in view for delete.
func (m *Model) bulkPlan(act bulkAction) *bulkPlan {
	p := &bulkPlan{act: act}
	var picked []*certs.Summary
	if act == bulkDelete {
		picked = m.supersededInView()
	} else {
		for _, r := range m.list.rows {
			if m.marks[r.s.UID] != "" {
				picked = append(picked, r.s)
			}
		}
	}
	lower := strings.ToLower(m.list.filter)
	byGroup := map[[2]string]*planGroup{}
	for _, s := range picked {
		if !m.list.shows(s) || !s.Matches(lower) {
			p.hidden++
		}
		it := m.planItem(act, s)
		k := [2]string{s.Signer, s.Username}
		g := byGroup[k]
		if g == nil {
			g = &planGroup{signer: s.Signer, requester: s.Username}
			byGroup[k] = g
			p.groups = append(p.groups, g)
		}
		g.items = append(g.items, it)
		if w := it.worst(); w != nil && (g.worst == nil || w.Severity > g.worst.Severity) {
			g.worst = w
		}
		p.count[it.kind]++
	}
	sev := func(g *planGroup) certs.Severity {
		if g.worst == nil {
			return certs.SeverityNone
		}
		return g.worst.Severity
	}
	slices.SortFunc(p.groups, func(a, b *planGroup) int {
		return cmp.Or(cmp.Compare(sev(b), sev(a)), cmp.Compare(len(b.items), len(a.items)),
			strings.Compare(a.signer, b.signer), strings.Compare(a.requester, b.requester))
	})
	for _, g := range p.groups {
		slices.SortFunc(g.items, func(a, b *planItem) int { return strings.Compare(a.s.Name, b.s.Name) })
		p.items = append(p.items, g.items...)
	}
	for _, it := range p.items {
		if it.kind == planCritical {
			p.critical = append(p.critical, it)
		}
	}
	return p
}

// planItem says where s stands in a plan of act.
func (m *Model) planItem(act bulkAction, s *certs.Summary) *planItem {
	it := &planItem{s: s, findings: m.findingsOf(s)}
	leave := func(k resultKind, why certs.Text) *planItem {
		it.kind, it.left, it.why = planLeftOut, k, why
		return it
	}
	if act == bulkDelete {
		it.live = m.list.backlog.SupersededBy(s)
		if why := m.deleteRefusal(); why != "" {
			return leave(resultForbidden, lit(why))
		}
		return it
	}
	if s.State != certs.StatePending {
		what := "decided"
		if d := s.Decision(); d != nil {
			what = d.Describe(m.now())
		}
		return leave(resultAlready, certs.Sanitize(what))
	}
	if why := m.decisionRefusal(s); why != "" {
		return leave(resultForbidden, certs.Sanitize(why))
	}
	if act == bulkDeny {
		return it // denying needs no finding: whatever the request asks, it gets nothing
	}
	// A superseded request is one its kubelet no longer waits for: the
	// newest of its requester asks for the same. Approving it issues a
	// credential nobody will use; x deletes it instead.
	if live := m.list.backlog.SupersededBy(s); live != nil {
		return leave(resultSuperseded, certs.Concat(lit("superseded by "), quoted(live.Name)))
	}
	w := it.worst()
	switch {
	case s.Unchecked:
		return leave(resultUndecoded, lit("not decoded yet"))
	case w != nil && w.Severity == certs.SeverityBlock:
		return leave(resultFinding, certs.Concat(lit(w.ID+": "), certs.Sanitize(w.Title)))
	case w != nil && w.Severity == certs.SeverityCritical:
		it.kind = planCritical
	}
	return it
}

// supersededInView are the superseded requests the list shows now, oldest
// first.
func (m *Model) supersededInView() []*certs.Summary {
	if m.list.view == viewLive {
		return nil
	}
	lower := strings.ToLower(m.list.filter)
	var out []*certs.Summary
	for s := range m.list.backlog.All() {
		if m.list.shows(s) && s.Matches(lower) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *certs.Summary) int { return -certs.Compare(a, b) })
	return out
}

// deleteRefusal says why csrtui can't delete requests, "" when nothing known
// stands in the way.
func (m *Model) deleteRefusal() string { return m.writeRefusal(certs.PermDeleteCSRs) }

// startBulk opens the dialog of a bulk action, or says why it can't start.
func (m *Model) startBulk(act bulkAction) tea.Cmd {
	refuse := func(t certs.Text) tea.Cmd {
		m.setStatus(errStatus(t))
		return nil
	}
	switch act {
	case bulkApprove, bulkDeny:
		doing := strings.ToLower(act.doing())
		switch {
		case m.cfg.Decider == nil:
			return refuse(lit("csrtui runs read-only here: " + doing + " is not possible."))
		case m.cfg.ReadOnly:
			return refuse(lit(act.doing() + " is disabled: read-only (--readonly)."))
		case len(m.marks) == 0:
			m.setStatus(infoStatus(lit("Nothing is marked: " + m.keys.Mark.Help().Key + " marks the request under the cursor, " +
				m.keys.MarkAll.Help().Key + " every pending request in view.")))
			return nil
		}
	case bulkDelete:
		switch {
		case m.cfg.Deleter == nil:
			return refuse(lit("csrtui can't delete requests here."))
		case m.deleteRefusal() != "":
			return refuse(lit("Deleting superseded requests is disabled: " + m.deleteRefusal() + "."))
		}
	}
	p := m.bulkPlan(act)
	if len(p.items) == 0 {
		m.setStatus(infoStatus(lit("No superseded request in view: a pending request is superseded when a newer one of the same requester repeats its subject and SANs.")))
		return nil
	}
	var d dialog
	if act == bulkDeny {
		d = newBulkDenyPrompt(p, &m.keys)
	} else {
		d = newBulkConfirm(p, &m.keys, m.cfg.Inspector != nil, m.now)
	}
	cmd := m.open(d)
	m.setStatus(status{})
	return cmd
}

// runOutcome starts a bulk run: targets are what the admin confirmed, left
// what the plan left out, for the summary.
type runOutcome struct {
	act     bulkAction
	message string
	targets []bulkTarget
	left    []bulkResult
}

func (runOutcome) isOutcome() {}

// outcome is what the plan asks when the admin confirms it; named holds the
// critical findings shown of each critical request whose name was typed, by
// UID.
func (p *bulkPlan) outcome(message string, named map[string][]certs.Finding) runOutcome {
	o := runOutcome{act: p.act, message: message}
	for _, it := range p.items {
		t := bulkTarget{name: it.s.Name, uid: it.s.UID, rv: it.s.ResourceVersion}
		switch it.kind {
		case planLeftOut:
			o.left = append(o.left, bulkResult{kind: it.left, name: it.s.Name, detail: it.why})
			continue
		case planCritical:
			fs, ok := named[it.s.UID]
			if !ok {
				w := it.worst()
				o.left = append(o.left, bulkResult{kind: resultFinding, name: it.s.Name,
					detail: certs.Concat(lit("critical, its name not typed: "+w.ID+": "), certs.Sanitize(w.Title))})
				continue
			}
			t.named = fs
		}
		o.targets = append(o.targets, t)
	}
	return o
}

// ready is how many requests the one key acts on now, named criticals
// included.
// readyUIDs are the requests y acts on now, by UID.
func (p *bulkPlan) readyUIDs(named map[string][]certs.Finding) map[string]bool {
	out := map[string]bool{}
	for _, it := range p.items {
		_, isNamed := named[it.s.UID]
		if it.kind == planReady || (it.kind == planCritical && isNamed) {
			out[it.s.UID] = true
		}
	}
	return out
}

func (p *bulkPlan) ready(named map[string][]certs.Finding) int {
	n := p.count[planReady]
	for _, it := range p.critical {
		if _, ok := named[it.s.UID]; ok {
			n++
		}
	}
	return n
}

// groupLine is a group in one line: how many, whose, and its worst finding.
func (p *bulkPlan) groupLine(st *styles, g *planGroup, countWidth, width int) string {
	n := thousands(len(g.items))
	lead := strings.Repeat(" ", max(countWidth-len(n), 0)) + n + "  "
	requester := certs.Sanitize(g.requester)
	var tail certs.Text
	switch {
	case p.act == bulkDelete:
		if live := g.items[0].live; live != nil && len(g.items) > 0 {
			tail = certs.Concat(lit("  live: "), certs.Sanitize(live.Name))
		}
	case g.worst != nil:
		tail = certs.Concat(lit("  "+strings.TrimSpace(markerText(g.worst.Severity))+" "), certs.Sanitize(g.worst.ID))
	default:
		tail = lit("  no finding")
	}
	// The signer's shorter names make room for the requester, which is cut
	// before the finding: the finding matters more.
	room := max(width-len(lead)-certs.Width(tail), 8)
	forms := signerForms(g.signer)
	who := certs.Concat(forms[2], lit(" · "), requester)
	for _, f := range forms[1:] {
		if w := certs.Concat(f, lit(" · "), requester); certs.Width(w) <= room {
			who = w
			break
		}
	}
	line := lead + cutLine(who, room)
	if p.act != bulkDelete && g.worst != nil {
		return line + st.severity[g.worst.Severity].Render(clip(tail, max(width-certs.Width(lit(line)), 0)))
	}
	return line + clip(tail, max(width-certs.Width(lit(line)), 0))
}

// leftLines say what the plan leaves out and why, in at most n lines a
// reason.
func (p *bulkPlan) leftLines(st *styles, width, n int) []string {
	type reason struct {
		kind  resultKind
		key   string
		first *planItem
		n     int
	}
	var reasons []*reason
	byKey := map[string]*reason{}
	for _, it := range p.items {
		if it.kind != planLeftOut {
			continue
		}
		key := it.why.String()
		switch it.left {
		case resultFinding:
			key = it.worst().ID
		case resultSuperseded:
			key = "superseded"
		}
		r := byKey[key]
		if r == nil {
			r = &reason{kind: it.left, key: key, first: it}
			byKey[key] = r
			reasons = append(reasons, r)
		}
		r.n++
	}
	var lines []string
	for _, r := range reasons {
		var t certs.Text
		lead := lit(thousands(r.n) + " left out, ")
		switch r.kind {
		case resultFinding:
			t = certs.Concat(lead, lit("a block finding: "), quoted(r.first.s.Name), lit(": "), r.first.why)
			if r.n > 1 {
				t = certs.Concat(lead, lit("a block finding ("+r.key+"), as "), quoted(r.first.s.Name), lit(": "), r.first.why)
			}
		case resultForbidden:
			t = certs.Concat(lead, lit("forbidden: "), r.first.why)
		case resultUndecoded:
			t = certs.Concat(lead, lit("not decoded yet: y leaves them out (they stay marked), or wait: this updates as they are decoded"))
		case resultSuperseded:
			t = certs.Concat(lead, lit("superseded: their requester waits for its newest request only"))
		case resultAlready:
			t = certs.Concat(lead, lit("decided already: "), quoted(r.first.s.Name), lit(" "), r.first.why)
		default:
			t = certs.Concat(lead, r.first.why)
		}
		style := st.bad
		if r.kind == resultUndecoded || r.kind == resultAlready || r.kind == resultSuperseded {
			style = st.muted
		}
		for _, l := range cutLines(t, width, n) {
			lines = append(lines, style.Render(l))
		}
	}
	return lines
}
