package ui

import (
	"context"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// What csrtui's own identity may do, asked of the cluster before the admin
// tries: once the first list is in (its signers known), again when a signer
// appears that was not asked about, when the connection comes back after a
// problem, and every permissionsInterval while the console runs. An action it
// may not take is shown disabled, with the rule it needs, in the help bar and
// the approval; it is never offered and then refused. What is not known yet
// (the answer on its way, or a failed question) disables nothing: a 403 that
// still happens names the rule.

// permissionsInterval is how long answers are trusted: RBAC changes at any
// time. One timer, only while the console runs; nothing runs while a question
// is on its way.
const permissionsInterval = 5 * time.Minute

// permState is what the console knows of its own permissions.
type permState struct {
	answers certs.Permissions // the last answers; the zero value refuses nothing
	asked   map[string]bool   // signers the last answers (or the question on its way) cover
	asking  bool              // a question is on its way
	again   bool              // ask again when it is answered: new signers, or the connection back
	gen     int               // of the re-check timer scheduled last
	err     error             // the last question failed (the answers before it stay)
}

// signersNow are the signers of every request listed, and those asked before.
func (m *Model) signersNow() []string {
	var out []string
	for s := range m.perms.asked {
		out = append(out, s)
	}
	for _, r := range m.list.rows {
		if !m.perms.asked[r.s.Signer] {
			out = append(out, r.s.Signer)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// askPermissions asks the cluster, unless a question is on its way (then it
// asks again after) or the first list is not in.
func (m *Model) askPermissions() tea.Cmd {
	p := &m.perms
	if m.cfg.Permissions == nil || !m.conn.loaded {
		return nil
	}
	if p.asking {
		p.again = true
		return nil
	}
	signers := m.signersNow()
	p.asking, p.again = true, false
	p.asked = make(map[string]bool, len(signers))
	for _, s := range signers {
		p.asked[s] = true
	}
	return permissionsCmd(m.cfg.Permissions, signers)
}

// permissionsAfterSnapshot asks again when a snapshot shows a signer not
// asked about, or when the list just became live again.
func (m *Model) permissionsAfterSnapshot(back bool) tea.Cmd {
	if m.cfg.Permissions == nil {
		return nil
	}
	if back || m.perms.asked == nil {
		return m.askPermissions()
	}
	for _, r := range m.list.rows {
		if !m.perms.asked[r.s.Signer] {
			return m.askPermissions()
		}
	}
	return nil
}

// permissionsAnswered stores the answers, schedules the next question, and
// disables in an open dialog what may no longer be done.
func (m *Model) permissionsAnswered(msg permissionsMsg) tea.Cmd {
	p := &m.perms
	p.asking = false
	if msg.err != nil {
		p.err = msg.err
	} else {
		p.answers, p.err = msg.perms, nil
	}
	var cmds []tea.Cmd
	if p.again {
		cmds = append(cmds, m.askPermissions())
	} else {
		p.gen++
		gen := p.gen
		cmds = append(cmds, m.after(permissionsInterval, func(time.Time) tea.Msg { return permissionsTickMsg{gen: gen} }))
	}
	m.refuseInDialog()
	m.layout() // the help bar may have changed
	return tea.Batch(cmds...)
}

func permissionsCmd(pc PermissionChecker, signers []string) tea.Cmd {
	return func() tea.Msg {
		// The checker bounds the question with the request timeout.
		perms, err := pc.Permissions(context.Background(), signers)
		return permissionsMsg{signers: signers, perms: perms, err: err}
	}
}

// decisionRefusal says in a few words why csrtui can't approve or deny s
// (read-only, or a missing permission), "" when nothing known stands in the way.
func (m *Model) decisionRefusal(s *certs.Summary) string {
	switch {
	case s == nil:
		return ""
	case m.cfg.ReadOnly:
		return "read-only (--readonly)"
	}
	return m.perms.answers.Decide(s.Signer)
}

// createRefusal says why csrtui can't create a request (read-only, or the
// permission to create them), "" when nothing known stands in the way.
func (m *Model) createRefusal() string { return m.writeRefusal(certs.PermCreateCSRs) }

// writeRefusal says why csrtui can't write what p allows (read-only, or p
// missing), "" when nothing known stands in the way.
func (m *Model) writeRefusal(p certs.Permission) string {
	if m.cfg.ReadOnly {
		return "read-only (--readonly)"
	}
	if missing := m.perms.answers.Missing(p); len(missing) > 0 {
		return "needs " + missing[0].Rule()
	}
	return ""
}

// decisionRefusalText is decisionRefusal in full, for the approval and the
// status line.
func (m *Model) decisionRefusalText(s *certs.Summary) certs.Text {
	switch {
	case s == nil:
		return certs.Text{}
	case m.cfg.ReadOnly:
		return lit("csrtui runs read-only (--readonly): it writes nothing to the cluster.")
	}
	if d := m.perms.answers.DecideDetail(s.Signer); d != "" {
		return certs.Concat(certs.Sanitize(d), lit("."))
	}
	return certs.Text{}
}

// refuseInDialog disables, in the open dialog, a decision the answers now
// refuse: the approval shows why in place; the deny prompt, which has no
// such view, closes for a notice that says it.
func (m *Model) refuseInDialog() {
	switch d := m.dialog.(type) {
	case *bulkConfirmDialog, *bulkRunDialog:
		m.recheckDialog()
	case *confirmDialog:
		if why := m.decisionRefusalText(d.s); why.String() != "" {
			d.refuse(why)
		}
	case *promptDialog:
		b := d.bound()
		if b == nil || b.kind != bindObject {
			return
		}
		s := m.list.byUID(b.uid)
		if why := m.decisionRefusalText(s); why.String() != "" {
			m.dialog = nil
			m.open(newLookAgain(b, why, &m.keys))
			m.setStatus(errStatus(why))
		}
	}
}
