package ui

import (
	"strconv"

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
	bw := 0
	if c.Demo {
		badge = " " + paint(m.st.badge, lit(" DEMO "))
		bw = 7
	}
	line1 := title + badge + "  " + m.st.muted.Render(clip(certs.Join(parts, lit(" · ")), max(m.width-8-bw, 0)))

	var line2 string
	switch {
	case m.filter.active:
		line2 = m.filter.View()
	case m.sourceErr != nil:
		// Until the watch is back, every row may be out of date: say so where
		// the counts would be, and say it first.
		text := certs.Concat(lit("! may be out of date: "), certs.Sanitize(m.sourceErr.Error()))
		line2 = m.st.bad.Render(clip(text, m.width))
	default:
		counts := strconv.Itoa(m.list.pending) + " pending / " + strconv.Itoa(m.list.total) + " total"
		view := "showing all"
		if m.list.pendingOnly {
			view = "showing pending only"
		}
		if len(m.list.shown) != m.list.total {
			view += " (" + strconv.Itoa(len(m.list.shown)) + ")"
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
