package ui

import (
	"strconv"

	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

// headerView is two lines: where csrtui is connected, then the counts, the
// view and the filter (or the filter being typed).
func (m *Model) headerView() string {
	c := m.cfg.Cluster
	parts := []certs.Text{}
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, certs.Concat(lit(label+" "), certs.Sanitize(v)))
		}
	}
	add("context", c.Context)
	add("server", c.Server)
	add("user", c.User)
	title := paint(m.st.title, lit("csrtui"))
	badge := ""
	if c.Demo {
		badge += " " + paint(m.st.badge, lit(" DEMO "))
	}
	if m.cfg.ReadOnly {
		badge += " " + paint(m.st.badge, lit(" READ-ONLY "))
	}
	badge += m.recordBadge()
	// The connection's state comes before where: on a narrow terminal the
	// user is cut first, then the server.
	lead := title + badge + "  " + m.connWord() + "  "
	line1 := lead + m.st.muted.Render(clip(certs.Join(parts, lit(" · ")), max(m.width-lipgloss.Width(lead), 0)))

	var line2 string
	if text, ok := m.connLine(); ok && !m.filter.active {
		// Until the list is live, every row may be out of date: say so where
		// the counts would be, and say it first.
		style := m.st.bad
		if m.conn.state() == connLoading {
			style = m.st.muted
		}
		return line1 + "\n" + style.Render(clip(text, m.width))
	}
	switch {
	case m.filter.active:
		line2 = m.filter.View()
	case m.rec.view != nil:
		line2 = clip(m.rec.view.headerText(), m.width)
	default:
		counts := strconv.Itoa(m.list.pending) + " pending / " + strconv.Itoa(m.list.total) + " total"
		view := "showing " + m.list.view.String()
		if len(m.list.shown) != m.list.total {
			view += " (" + strconv.Itoa(len(m.list.shown)) + ")"
		}
		if n := len(m.marks); n > 0 { // before the view: a narrow header cuts from the end
			counts += " · " + thousands(n) + " marked"
		}
		text := lit(counts + " · " + view)
		if m.list.filter != "" {
			text = certs.Concat(text, lit(" · filter: "), certs.Sanitize(m.list.filter))
		}
		if info := m.detail.scrollInfo(); m.detailShown() && info != "" {
			text = certs.Concat(text, lit(" · "+info))
		}
		line2 = clip(text, m.width)
	}
	return line1 + "\n" + line2
}
