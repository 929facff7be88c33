package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// The console's timers: the pause that coalesces a burst of snapshots, and
// the tick that keeps the times on screen current. Both start through
// Model.after, so tests fire them by hand.

// coalesceInterval is the shortest time between two snapshots on screen: a
// change that comes during the pause after one waits at most this long.
const coalesceInterval = 20 * time.Millisecond

// burstInterval is the longest pause between snapshots while changes keep
// coming faster than they are shown: a bulk run of 1,000, or the signer
// issuing them, changes the list for seconds on end. Each snapshot costs a
// few passes over the list (its order, the backlog, the filter, the marks),
// a few milliseconds at 10,000; at 50 a second that was a third of the
// console's CPU in a bulk run, taken from the apiserver on a small control
// plane. Ten a second show the run as well.
const burstInterval = 100 * time.Millisecond

// burstRows is how many rows a snapshot must change, with another change
// waiting already, to be part of a burst: one request created, decoded and
// deleted changes a row or two at a time, and shows at once.
const burstRows = 8

// listenAfterPause pauses before listening for the Source's next change.
// Changes during the pause wait in the Source's one-slot channel, so a burst
// of informer events reaches the screen at most once per pause; the first
// change after a quiet spell shows at once. The pause is coalesceInterval,
// doubled for each snapshot in a row that changed burstRows rows or more
// while another change was waiting already (a burst), up to burstInterval.
func (m *Model) listenAfterPause(waited bool) tea.Cmd {
	if waited || m.list.changed < burstRows {
		m.pause = coalesceInterval
	} else {
		m.pause = min(max(2*m.pause, coalesceInterval), burstInterval)
	}
	return m.after(m.pause, func(time.Time) tea.Msg { return listenMsg{} })
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
