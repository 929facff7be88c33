package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// handleKey handles the keys that mean the same everywhere, once, and hands
// the rest to the child in front.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Interrupt) {
		// A bulk run stops starting requests first; a second ctrl+c ends the
		// console all the same.
		if r, ok := m.dialog.(*bulkRunDialog); ok && !r.finished() && !r.stopped {
			r.stop()
			m.runEnded()
			return nil
		}
		return tea.Interrupt
	}
	if m.tooSmall() {
		// Nothing on screen shows what a key would act on: only the way out
		// works, and q only where it is not text.
		if m.dialog == nil && !m.filter.active && key.Matches(msg, m.keys.Quit) {
			return tea.Quit
		}
		return nil
	}
	// A dialog or the filter line takes every other key: most are text there.
	switch {
	case m.dialog != nil:
		cmd := m.updateDialog(msg)
		m.runEnded()
		return cmd
	case m.filter.active:
		return m.updateFilter(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Help):
		m.toggleHelp()
		return nil
	case key.Matches(msg, m.keys.Quit):
		return tea.Quit
	case m.rec.view != nil && key.Matches(msg, m.keys.Filter):
		return m.filter.start(m.rec.view.filter)
	case m.rec.view != nil:
		if m.rec.view.Update(msg) {
			m.rec.view = nil
			m.layout()
		}
		return nil
	case m.inDetail():
		return m.updateDetail(msg)
	default:
		return m.updateList(msg)
	}
}

// handlePaste hands pasted text to whatever is being typed.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	switch {
	case m.tooSmall():
		return nil
	case m.dialog != nil:
		return m.updateDialog(msg)
	case m.filter.active:
		return m.updateFilter(msg)
	}
	return nil
}

func (m *Model) toggleHelp() {
	m.fullHelp = !m.fullHelp
	m.help.ShowAll = m.fullHelp
	m.layout()
}

func (m *Model) updateList(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	if delta, ok := k.step(msg, m.list.pageRows()); ok {
		if m.list.move(delta) {
			return m.selectionChanged()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		s := m.list.selectedSummary()
		if s == nil {
			return nil
		}
		m.detail.show(s)
		cmd := m.askCapabilities(s)
		m.refreshDetails()
		return cmd
	case key.Matches(msg, k.Back):
		if m.list.filter != "" {
			m.list.setFilter("")
			return m.selectionChanged()
		}
		return nil
	case key.Matches(msg, k.Filter):
		return m.filter.start(m.list.filter)
	case key.Matches(msg, k.Pending):
		m.list.nextView()
		if m.fullHelp { // the help names the next view; the short bar is one line whatever it says
			m.layout()
		}
		return m.selectionChanged()
	case key.Matches(msg, k.Create):
		return m.startCreate()
	case key.Matches(msg, k.Record):
		return m.openRecord()
	case key.Matches(msg, k.Mark):
		return m.toggleMark()
	case key.Matches(msg, k.MarkAll):
		m.markAll()
		return nil
	case key.Matches(msg, k.Unmark):
		m.unmarkAll()
		return nil
	case key.Matches(msg, k.ApproveMarked):
		return m.startBulk(bulkApprove)
	case key.Matches(msg, k.DenyMarked):
		return m.startBulk(bulkDeny)
	case key.Matches(msg, k.DeleteSuperseded):
		return m.startBulk(bulkDelete)
	}
	return m.actionKey(msg)
}

func (m *Model) updateDetail(msg tea.KeyPressMsg) tea.Cmd {
	if delta, ok := m.keys.step(msg, m.detail.height); ok {
		m.detail.scroll(delta)
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		m.detail.s = nil
		m.refreshDetails()
		return nil
	case key.Matches(msg, m.keys.Create):
		return m.startCreate()
	case key.Matches(msg, m.keys.Record):
		return m.openRecord()
	}
	return m.actionKey(msg)
}

// actionKey starts what an action key asks on the current CSR, unless that
// CSR is not the one the admin was looking at.
func (m *Model) actionKey(msg tea.KeyPressMsg) tea.Cmd {
	s := m.current()
	if s == nil {
		return nil
	}
	var act action
	switch {
	case key.Matches(msg, m.keys.Approve):
		act = actApprove
	case key.Matches(msg, m.keys.Deny):
		act = actDeny
	case key.Matches(msg, m.keys.Export):
		act = actExport
	case key.Matches(msg, m.keys.Kubeconfig):
		act = actKubeconfig
	default:
		return nil
	}
	name := quoted(s.Name)
	switch {
	case m.inDetail() && m.detail.lost == lossGone:
		m.setStatus(errStatus(certs.Concat(name, lit(" is no longer in the cluster: there is nothing to "+act.verb()+"."))))
		return nil
	case m.inDetail() && m.detail.lost == lossReplaced:
		m.setStatus(errStatus(certs.Concat(name, lit(" was replaced by a new request of the same name: go back and open the new one to "+act.verb()+" it."))))
		return nil
	case !m.inDetail() && m.slipped.recent(m.now()):
		from := quoted(m.slipped.from)
		m.slipped = slip{}
		m.setStatus(errStatus(certs.Concat(from, lit(" left the list a moment ago and the cursor moved to "), name,
			lit(": press "+msg.String()+" again to "+act.verb()+" "), name, lit("."))))
		return nil
	}
	return m.start(act, s)
}

// verb is what the action does, for the status line.
func (a action) verb() string {
	switch a {
	case actApprove:
		return "approve"
	case actDeny:
		return "deny"
	case actKubeconfig:
		return "write a kubeconfig for"
	}
	return "export"
}

// slip is a change of the selected CSR the admin did not make: the row under
// the cursor left the list (deleted, replaced, or out of the pending view).
type slip struct {
	from string // raw name of the CSR that was selected
	at   time.Time
}

// slipGuard is how long after a slip an action key must be pressed again: a
// key already on its way when the row went meant the row that went. Longer
// would get in the way of a key pressed after reading the new selection.
const slipGuard = time.Second

func (s slip) recent(now time.Time) bool {
	return s.from != "" && now.Sub(s.at) < slipGuard
}

// updateFilter passes a key or a paste to the filter line and narrows the
// list as the filter changes.
func (m *Model) updateFilter(msg tea.Msg) tea.Cmd {
	out, cmd := m.filter.Update(msg)
	if v := m.rec.view; v != nil {
		// The record's lines, filtered as the list is.
		switch out {
		case filterUp:
			v.move(-1)
		case filterDown:
			v.move(1)
		case filterCleared:
			v.setFilter("")
		default:
			v.setFilter(m.filter.Value())
		}
		return cmd
	}
	switch out {
	case filterKept:
		return nil
	case filterCleared:
		m.list.setFilter("")
		return m.selectionChanged()
	case filterUp, filterDown:
		delta := 1
		if out == filterUp {
			delta = -1
		}
		if m.list.move(delta) {
			return m.selectionChanged()
		}
		return nil
	}
	if v := m.filter.Value(); v != m.list.filter {
		m.list.setFilter(v)
		return tea.Batch(cmd, m.selectionChanged())
	}
	return cmd
}

// selectionChanged refreshes the side panel and, once the cursor rests,
// asks what the selected identity could do.
func (m *Model) selectionChanged() tea.Cmd {
	m.slipped = slip{} // the admin chose the row now under the cursor
	if !m.sidePanel {
		return nil
	}
	m.refreshDetails()
	return m.inspectOnRest(m.list.selectedSummary())
}
