package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// The console's timers: the pause that coalesces a burst of snapshots, and
// the tick that keeps the times on screen current. Both start through
// Model.after, so tests fire them by hand.

// coalesceInterval is the shortest time between two snapshots on screen. A
// snapshot of 10,000 rows with a few changed costs well under a millisecond
// to take and show, so a burst costs little CPU even at this pace, and a
// change that comes during a pause waits at most this long.
const coalesceInterval = 20 * time.Millisecond

// listenAfterPause waits coalesceInterval before listening for the Source's
// next change. Changes during the pause wait in the Source's one-slot
// channel, so a burst of informer events reaches the screen at most once per
// interval; the first change after a quiet spell shows at once.
func (m *Model) listenAfterPause() tea.Cmd {
	return m.after(coalesceInterval, func(time.Time) tea.Msg { return listenMsg{} })
}

// ticker is the one pending timer for the next change of a time on screen.
type ticker struct {
	gen     int // of the timer scheduled last
	pending bool
	due     time.Time
}

// fired takes a tick and reports whether it is the one scheduled last; an
// earlier one was superseded by another.
func (t *ticker) fired(msg tickMsg) bool {
	if msg.gen != t.gen {
		return false
	}
	t.pending = false
	return true
}

// ensureTick keeps one timer pending for the soonest change of a time on
// screen: an AGE or CLEANUP of a visible row, a time in the detail or the side
// panel (each notes when its text changes), or a finding on screen that comes
// with time (certs.NotIssued). Nothing runs when no time on screen changes:
// under a dialog or the record, or with only dates in view.
func (m *Model) ensureTick() tea.Cmd {
	now := m.now()
	var next time.Duration
	soonest := func(d time.Duration) {
		if d > 0 && (next == 0 || d < next) {
			next = d
		}
	}
	switch {
	case m.dialog != nil, m.rec.view != nil:
		// Either fills the body, with the times it was opened with.
	case m.inDetail():
		soonest(m.detail.changesIn(now))
	default:
		soonest(m.list.nextChange(now))
		if m.sidePanel {
			soonest(m.panel.changesIn(now))
		}
	}
	// A finding that comes with time shows when it is due.
	if s := m.findingsShown(); s != nil {
		if _, due := m.notIssued(s); !due.IsZero() && due.After(now) {
			soonest(due.Sub(now))
		}
	}
	if next <= 0 {
		return nil
	}
	next += 10 * time.Millisecond // land just after the turn, not before it
	due := now.Add(next)
	t := &m.tick
	// Changes come at instants that keys do not move (a minute after
	// creation, ...): the tick pending stays as long as its instant is the
	// one. Another one, sooner or later, replaces it; the one replaced is
	// ignored when it fires (ticker.fired).
	if t.pending && t.due.Equal(due) {
		return nil
	}
	t.gen++
	t.pending, t.due = true, due
	gen := t.gen
	return m.after(next, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// findingsShown is the CSR whose findings are on screen: the detail's, or
// the side panel's; nil when none is.
func (m *Model) findingsShown() *certs.Summary {
	switch {
	case m.dialog != nil, m.rec.view != nil:
		return nil
	case m.inDetail():
		return m.detail.s
	case m.sidePanel:
		return m.list.selectedSummary()
	}
	return nil
}
