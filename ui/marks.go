package ui

import (
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// Marks choose the pending requests a bulk decision acts on (A, D). A mark
// names the object the admin saw, by UID: a request deleted, or created again
// under the same name, is not the one marked, and its mark drops, said on the
// status line; so does the mark of a request someone else decided.

// toggleMark marks the pending request under the cursor, or unmarks it, and
// moves down, as mc and k9s do: holding space marks a run of rows.
func (m *Model) toggleMark() tea.Cmd {
	s := m.list.selectedSummary()
	if s == nil {
		return nil
	}
	switch {
	case m.marks[s.UID] != "":
		delete(m.marks, s.UID)
		m.setStatus(status{})
	case s.State != certs.StatePending:
		m.setStatus(infoStatus(certs.Concat(quoted(s.Name), lit(" is "+s.Condition+": only pending requests are marked."))))
	default:
		m.marks[s.UID] = s.Name
		m.setStatus(status{})
	}
	if m.list.move(1) {
		return m.selectionChanged()
	}
	return nil
}

// markAll marks every pending request in view: the view and the filter
// choose them.
func (m *Model) markAll() {
	n := 0
	for _, r := range m.list.shown {
		if r.s.State == certs.StatePending && m.marks[r.s.UID] == "" {
			m.marks[r.s.UID] = r.s.Name
			n++
		}
	}
	if n == 0 {
		m.setStatus(infoStatus(lit("No pending request in view is left to mark.")))
		return
	}
	m.setStatus(infoStatus(lit("Marked " + plural(n, "pending request") + " in view: " + thousands(len(m.marks)) + " marked in all.")))
}

// unmarkAll clears every mark.
func (m *Model) unmarkAll() {
	if len(m.marks) == 0 {
		m.setStatus(infoStatus(lit("Nothing is marked.")))
		return
	}
	n := len(m.marks)
	clear(m.marks)
	m.setStatus(infoStatus(lit("Unmarked " + plural(n, "request") + ".")))
}

// dropMarks drops, after a snapshot, the marks of requests that left the
// list or are no longer pending, and says which went and how.
func (m *Model) dropMarks() {
	if len(m.marks) == 0 {
		return
	}
	found := make(map[string]bool, len(m.marks))
	var dropped []certs.Text
	for _, r := range m.list.rows {
		name, ok := m.marks[r.s.UID]
		if !ok {
			continue
		}
		found[r.s.UID] = true
		if r.s.State == certs.StatePending {
			continue
		}
		what := "decided"
		if d := r.s.Decision(); d != nil {
			what = d.Describe(m.now())
		}
		dropped = append(dropped, certs.Concat(quoted(name), lit(" was "), certs.Sanitize(what)))
		delete(m.marks, r.s.UID)
	}
	if len(dropped) == 0 && len(found) == len(m.marks) {
		return // every mark is still on a pending request
	}
	missing := map[string]string{} // name -> UID, of marks whose object is not listed
	for uid, name := range m.marks {
		if !found[uid] {
			missing[name] = uid
		}
	}
	replaced := map[string]bool{}
	if len(missing) > 0 {
		for _, r := range m.list.rows {
			if _, ok := missing[r.s.Name]; ok {
				replaced[r.s.Name] = true
			}
		}
	}
	for name, uid := range missing {
		if replaced[name] {
			dropped = append(dropped, certs.Concat(quoted(name), lit(" was replaced by a new request of the same name")))
		} else {
			dropped = append(dropped, certs.Concat(quoted(name), lit(" is gone (deleted, or cleaned up by the cluster)")))
		}
		delete(m.marks, uid)
	}
	if len(dropped) == 0 {
		return
	}
	const shown = 3
	text := certs.Join(dropped[:min(len(dropped), shown)], lit("; "))
	if n := len(dropped) - shown; n > 0 {
		text = certs.Concat(text, lit("; and "+thousands(n)+" more"))
	}
	lead := lit("Mark dropped: ")
	if len(dropped) > 1 {
		lead = lit(strconv.Itoa(len(dropped)) + " marks dropped: ")
	}
	m.setStatus(infoStatus(certs.Concat(lead, text, lit("."))))
}
