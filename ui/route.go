package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// handleKey handles the keys that mean the same everywhere, once, and hands
// the rest to the child in front.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Interrupt) {
		return tea.Interrupt
	}
	// A dialog or the filter line takes every other key: most are text there.
	switch {
	case m.dialog != nil:
		return m.updateDialog(msg)
	case m.filter.active:
		return m.updateFilter(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Help):
		m.toggleHelp()
		return nil
	case key.Matches(msg, m.keys.Quit):
		return tea.Quit
	case m.inDetail():
		return m.updateDetail(msg)
	default:
		return m.updateList(msg)
	}
}

// handlePaste hands pasted text to whatever is being typed.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	switch {
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
		m.list.togglePending()
		return m.selectionChanged()
	}
	return m.actionKey(msg)
}

func (m *Model) updateDetail(msg tea.KeyPressMsg) tea.Cmd {
	if delta, ok := m.keys.step(msg, m.detail.height); ok {
		m.detail.scroll(delta)
		return nil
	}
	if key.Matches(msg, m.keys.Back) {
		m.detail.s = nil
		m.refreshDetails()
		return nil
	}
	return m.actionKey(msg)
}

// actionKey starts what an action key asks on the current CSR.
func (m *Model) actionKey(msg tea.KeyPressMsg) tea.Cmd {
	s := m.current()
	if s == nil {
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Approve):
		return m.start(actApprove, s)
	case key.Matches(msg, m.keys.Deny):
		return m.start(actDeny, s)
	case key.Matches(msg, m.keys.Export):
		return m.start(actExport, s)
	}
	return nil
}

// updateFilter passes a key or a paste to the filter line and narrows the
// list as the filter changes.
func (m *Model) updateFilter(msg tea.Msg) tea.Cmd {
	out, cmd := m.filter.Update(msg)
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
	if !m.sidePanel {
		return nil
	}
	m.refreshDetails()
	return m.inspectOnRest(m.list.selectedSummary())
}
