package ui

import (
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// The connection to the apiserver, as the header shows it: loading until the
// first list is in, then live, reconnecting while the apiserver can't be
// reached, or stale while it answers but refuses (the credentials, the
// permission to watch). The list stays on screen whatever happens, marked
// stale in the header until it is live again.

// connState is where the connection stands.
type connState int

const (
	connLoading connState = iota
	connLive
	connReconnecting
	connStale
)

// conn is what the console knows of the connection.
type conn struct {
	loaded bool
	err    error     // why the list is not live; before loaded, final
	since  time.Time // when err began
}

func (c conn) state() connState {
	switch {
	case !c.loaded:
		return connLoading
	case c.err == nil:
		return connLive
	}
	var p connProblem
	if errors.As(c.err, &p) && !p.Retrying() {
		return connStale
	}
	return connReconnecting
}

// setConn takes what the Source says now. It reports whether the list just
// became live again after a problem, and ends the console when the first
// list will never come.
func (m *Model) setConn(loaded bool, err error) (back bool, cmd tea.Cmd) {
	was := m.conn
	m.conn = conn{loaded: loaded, err: err}
	var p connProblem
	switch {
	case err == nil:
	case errors.As(err, &p) && !p.Since().IsZero():
		m.conn.since = p.Since()
	case was.err != nil:
		m.conn.since = was.since
	default:
		m.conn.since = m.now()
	}
	m.list.loading = !loaded
	if !loaded && err != nil {
		// Main prints it as csrtui's one line, and exits non-zero.
		m.fatal = err
		return false, tea.Quit
	}
	return was.loaded && was.err != nil && err == nil, nil
}

// Err is why the console ended on its own: the first list never came (the
// apiserver unreachable, the credentials or the permission to list refused).
// Nil when the admin quit.
func (m *Model) Err() error { return m.fatal }

// connWord is the connection's state on the header's first line.
func (m *Model) connWord() string {
	switch m.conn.state() {
	case connLoading:
		return m.st.muted.Render("loading…")
	case connLive:
		return m.st.good.Render("live")
	case connReconnecting:
		return m.st.severity[certs.SeverityMedium].Render("reconnecting")
	default:
		return m.st.bad.Render("stale")
	}
}

// connLine is the header's second line when the list is not live: what is
// wrong, since when, and that the rows below may be out of date.
func (m *Model) connLine() (certs.Text, bool) {
	since := m.conn.since.In(m.now().Location()).Format("15:04:05")
	switch m.conn.state() {
	case connLoading:
		return lit("Loading the certificate signing requests…"), true
	case connReconnecting:
		return certs.Concat(lit("! stale since "+since+", reconnecting: "), certs.Sanitize(m.conn.err.Error())), true
	case connStale:
		return certs.Concat(lit("! stale since "+since+", needs you: "), certs.Sanitize(m.conn.err.Error())), true
	}
	return certs.Text{}, false
}
