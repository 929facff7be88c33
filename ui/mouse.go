package ui

import (
	tea "charm.land/bubbletea/v2"
)

// The mouse, when Config.Mouse turns it on: the wheel moves through the list
// and scrolls the detail, and a click selects a row. Dialogs take keys only:
// a decision is never made, nor its dialog closed, by a stray click.

// wheelLines is how many lines a notch of the wheel scrolls a detail, as
// bubbles' viewport does.
const wheelLines = 3

// mouseOn reports whether the mouse acts now.
func (m *Model) mouseOn() bool {
	return m.cfg.Mouse && !m.tooSmall() && m.dialog == nil
}

// handleWheel moves the list's cursor a row per notch, or scrolls the detail
// under the pointer.
func (m *Model) handleWheel(msg tea.MouseWheelMsg) tea.Cmd {
	if !m.mouseOn() {
		return nil
	}
	var delta int
	switch msg.Button {
	case tea.MouseWheelUp:
		delta = -1
	case tea.MouseWheelDown:
		delta = 1
	default:
		return nil
	}
	switch {
	case m.rec.view != nil:
		m.rec.view.wheel(delta)
	case m.inDetail():
		m.detail.scroll(delta * wheelLines)
	case m.sidePanel && msg.X >= m.list.width:
		m.panel.scroll(delta * wheelLines)
	case m.list.move(delta):
		return m.selectionChanged()
	}
	return nil
}

// handleClick selects the list row clicked.
func (m *Model) handleClick(msg tea.MouseClickMsg) tea.Cmd {
	if m.rec.view != nil {
		if m.mouseOn() && msg.Button == tea.MouseLeft {
			m.rec.view.click(msg.Y - headerHeight)
		}
		return nil
	}
	if !m.mouseOn() || m.inDetail() || msg.Button != tea.MouseLeft || msg.X >= m.list.width {
		return nil
	}
	row := msg.Y - headerHeight - 1 // the rows start under the column titles
	if row < 0 || row >= len(m.list.visibleRows()) {
		return nil
	}
	if m.list.moveTo(m.list.offset + row) {
		return m.selectionChanged()
	}
	return nil
}
