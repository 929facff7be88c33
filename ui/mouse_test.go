package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func withMouse(_ *harness, c *Config) { c.Mouse = true }

func wheel(button tea.MouseButton, x, y int) tea.MouseWheelMsg {
	return tea.MouseWheelMsg{X: x, Y: y, Button: button}
}

// The mouse is asked for only when configured.
func TestMouseModeFollowsConfig(t *testing.T) {
	if got := newHarness(t, 80, 24, testSummaries()).m.View().MouseMode; got != tea.MouseModeNone {
		t.Fatalf("mouse mode %v without Mouse", got)
	}
	if got := newHarnessWith(t, 80, 24, testSummaries(), withMouse).m.View().MouseMode; got != tea.MouseModeCellMotion {
		t.Fatalf("mouse mode %v with Mouse", got)
	}
}

// The wheel moves the list's cursor a row a notch, and a click selects the
// row under it; neither does anything without Mouse.
func TestMouseOnTheList(t *testing.T) {
	h := newHarnessWith(t, 80, 24, testSummaries(), withMouse)
	h.send(wheel(tea.MouseWheelDown, 10, 5))
	h.send(wheel(tea.MouseWheelDown, 10, 5))
	if got := h.selected(); got != "csr-broken" {
		t.Fatalf("two notches down selected %q", got)
	}
	h.send(wheel(tea.MouseWheelUp, 10, 5))
	if got := h.selected(); got != "csr-masters" {
		t.Fatalf("a notch up selected %q", got)
	}
	// Rows start under the two header lines and the column titles.
	h.send(tea.MouseClickMsg{X: 5, Y: 3 + 4, Button: tea.MouseLeft})
	if got := h.selected(); got != "csr-waiting" {
		t.Fatalf("a click on the fifth row selected %q", got)
	}
	for _, msg := range []tea.Msg{
		tea.MouseClickMsg{X: 5, Y: 2, Button: tea.MouseLeft},  // the column titles
		tea.MouseClickMsg{X: 5, Y: 20, Button: tea.MouseLeft}, // under the last row
		tea.MouseClickMsg{X: 5, Y: 4, Button: tea.MouseRight},
	} {
		h.send(msg)
		if got := h.selected(); got != "csr-waiting" {
			t.Fatalf("%v selected %q", msg, got)
		}
	}

	off := newHarness(t, 80, 24, testSummaries())
	off.send(wheel(tea.MouseWheelDown, 10, 5))
	off.send(tea.MouseClickMsg{X: 5, Y: 3 + 4, Button: tea.MouseLeft})
	if got := off.selected(); got != "csr-alice" {
		t.Fatalf("without Mouse the mouse selected %q", got)
	}
}

// In the detail the wheel scrolls three lines a notch; beside the list, it
// scrolls the panel under the pointer and leaves the list where it is.
func TestMouseScrollsTheDetail(t *testing.T) {
	h := newHarnessWith(t, 80, 24, testSummaries(), withMouse)
	h.run(h.press("j", "enter"))
	h.send(wheel(tea.MouseWheelDown, 10, 10))
	if h.m.detail.offset != wheelLines {
		t.Fatalf("a notch scrolled the detail to %d", h.m.detail.offset)
	}
	h.send(wheel(tea.MouseWheelUp, 10, 10))
	if h.m.detail.offset != 0 {
		t.Fatalf("a notch back scrolled the detail to %d", h.m.detail.offset)
	}

	h = newHarnessWith(t, 200, 30, testSummaries(), withMouse)
	h.press("j")
	if !h.m.sidePanel {
		t.Fatal("no side panel at 200 columns")
	}
	h.send(wheel(tea.MouseWheelDown, h.m.list.width+5, 10))
	if h.m.panel.offset != wheelLines || h.selected() != "csr-masters" {
		t.Fatalf("over the panel: panel at %d, selected %q", h.m.panel.offset, h.selected())
	}
	h.send(wheel(tea.MouseWheelDown, 5, 10))
	if h.selected() != "csr-broken" {
		t.Fatalf("over the list: selected %q", h.selected())
	}
}

// An open dialog takes keys only: the mouse neither moves what it is about
// nor closes it.
func TestMouseLeavesDialogsAlone(t *testing.T) {
	h := newHarnessWith(t, 80, 24, testSummaries(), withMouse)
	h.run(h.press("a"))
	h.send(wheel(tea.MouseWheelDown, 10, 5))
	h.send(tea.MouseClickMsg{X: 5, Y: 3 + 4, Button: tea.MouseLeft})
	if h.m.dialog == nil || h.selected() != "csr-alice" {
		t.Fatalf("dialog %T, selected %q", h.m.dialog, h.selected())
	}
}
