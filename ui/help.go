package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/csrtui/csrtui/certs"
)

// helpView is the help bar: the keys that apply now, or all of them when
// they fit the terminal. It is the one place key hints are drawn.
func (m *Model) helpView() string {
	keys := m.helpKeys()
	if m.help.ShowAll {
		// The full help leaves the header, the status and two lines of body
		// (the list's column titles and a row).
		full := m.help.FullHelpView(keys.FullHelp())
		if lipgloss.Height(full) <= m.height-headerHeight-3 {
			return clipLines(full, m.width)
		}
	}
	return m.shortHelp(keys.ShortHelp())
}

// shortHelp is the help bar's one line: the bindings that fit the width,
// then an ellipsis when some do not. (help.Model's own adds every binding
// after the first that does not fit when the ellipsis does not fit either.)
// When bindings are cut, the help key keeps its place at the end: it is how
// the rest are found.
//
// The line is drawn again only when the width or the bindings shown change:
// drawing it was an eighth of a keystroke's time, on every frame.
func (m *Model) shortHelp(bindings []key.Binding) string {
	var k strings.Builder
	k.WriteString(strconv.Itoa(m.width))
	for _, kb := range bindings {
		if kb.Enabled() {
			h := kb.Help()
			k.WriteString("\x00" + h.Key + "\x01" + h.Desc)
		}
	}
	// The key starts with the width, so it is never the empty key of a line
	// not drawn yet.
	if line := &m.st.shortHelp; line.key == k.String() {
		return line.view
	}
	view := m.drawShortHelp(bindings)
	m.st.shortHelp = drawnLine{key: k.String(), view: view}
	return view
}

// drawShortHelp draws shortHelp's line.
func (m *Model) drawShortHelp(bindings []key.Binding) string {
	st := &m.help.Styles
	sep := st.ShortSeparator.Inline(true).Render(m.help.ShortSeparator)
	sepW := lipgloss.Width(sep)
	item := func(kb key.Binding) (string, int) {
		h := kb.Help()
		return st.ShortKey.Inline(true).Render(h.Key) + " " + st.ShortDesc.Inline(true).Render(h.Desc),
			lipgloss.Width(h.Key) + 1 + lipgloss.Width(h.Desc)
	}
	var shown []key.Binding
	helpAt := -1
	for _, kb := range bindings {
		if !kb.Enabled() {
			continue
		}
		if kb.Help().Key == m.keys.Help.Help().Key {
			helpAt = len(shown)
		}
		shown = append(shown, kb)
	}
	tail := " " + st.Ellipsis.Inline(true).Render(m.help.Ellipsis)
	tailW := lipgloss.Width(tail)
	var b strings.Builder
	total := 0
	for i, kb := range shown {
		text, w := item(kb)
		if total > 0 {
			w += sepW
		}
		room := m.width
		if helpAt > i {
			// Keep room for the ellipsis and the help key after it.
			_, hw := item(shown[helpAt])
			room -= tailW + sepW + hw
		}
		if total+w > room {
			if helpAt > i {
				text, hw := item(shown[helpAt])
				if total+tailW+sepW+hw <= m.width {
					b.WriteString(tail + sep + text)
					break
				}
			}
			if total+tailW < m.width {
				b.WriteString(tail)
			}
			break
		}
		if total > 0 {
			b.WriteString(sep)
		}
		b.WriteString(text)
		total += w
	}
	return b.String()
}

// clipLines cuts every line of s to w cells.
func clipLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// helpKeys are the keys of the child in front, as handleKey routes them.
func (m *Model) helpKeys() help.KeyMap {
	switch {
	case m.dialog != nil:
		return m.dialog
	case m.filter.active:
		return &m.filter
	case m.rec.view != nil:
		return m.rec.view.helpKeys()
	}
	k := &m.keys
	acts := m.actionKeys(m.current())
	if m.inDetail() {
		short := append([]key.Binding{k.Scroll, k.Back}, acts...)
		short = append(short, m.disabledKeys(m.current())...)
		short = append(short, k.Help, k.Quit)
		return helpKeys{short: short, full: [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
			append([]key.Binding{k.Back}, m.everyAction()...),
			append(m.createKeys(), k.Help, k.Quit, k.Interrupt),
		}}
	}
	var short []key.Binding
	if len(m.list.shown) > 0 {
		short = append(short, k.Open)
	}
	short = append(short, acts...)
	// Where the actions would be: on a narrow bar the rule they need matters
	// more than the keys after it.
	short = append(short, m.disabledKeys(m.current())...)
	short = append(short, m.bulkKeys()...)
	short = append(short, k.Filter, m.viewKey())
	if m.list.filter != "" {
		short = append(short, k.ClearKept)
	}
	// Last: on a narrow terminal the CSR's own keys and the way out come first.
	short = append(short, k.Help, k.Quit)
	short = append(short, m.createKeys()...)
	short = append(short, k.Record)
	full := [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		append(append(m.listKeys(), m.everyAction()...), k.Mark),
		append(m.createKeys(), k.Filter, m.viewKey(), k.Record, k.Help, k.Quit, k.Interrupt),
		{legend(certs.SeverityBlock, "block: can't approve"), legend(certs.SeverityCritical, "critical: type name"),
			legend(certs.SeverityHigh, "high"), legend(certs.SeverityMedium, "medium"), legend(certs.SeverityLow, "low/info")},
	}
	if refused := m.refusedKeys(); len(refused) > 0 {
		full = append(full, refused)
	}
	// Last: a narrow screen keeps the legend and what csrtui may not do, and
	// space is in the actions.
	full = append(full, m.everyBulkKey())
	return helpKeys{short: short, full: m.fitColumns(full)}
}

// fitColumns keeps the columns of a full help that fit the screen, and a
// column for the ellipsis that says there are more. The help bar alone would
// draw a column past the width when not even the ellipsis fits.
func (m *Model) fitColumns(cols [][]key.Binding) [][]key.Binding {
	total, sep := 0, lipgloss.Width(m.help.FullSeparator)
	for i, col := range cols {
		kw, dw := 0, 0
		for _, b := range col {
			kw = max(kw, lipgloss.Width(b.Help().Key))
			dw = max(dw, lipgloss.Width(b.Help().Desc))
		}
		w := kw + 1 + dw
		if i > 0 {
			w += sep
		}
		if total+w > m.width {
			if total+lipgloss.Width(" "+m.help.Ellipsis) < m.width {
				return cols[:i+1] // drawn as the ellipsis
			}
			return cols[:i]
		}
		total += w
	}
	return cols
}

// viewKey is tab, named after the view it switches to.
func (m *Model) viewKey() key.Binding {
	b := m.keys.Pending
	b.SetHelp(b.Help().Key, m.list.view.tabHelp())
	return b
}

func (m *Model) listKeys() []key.Binding {
	b := []key.Binding{m.keys.Open}
	if m.list.filter != "" {
		b = append(b, m.keys.ClearKept)
	}
	return b
}

// legend is a help entry that explains a severity marker; it binds no key.
func legend(sev certs.Severity, desc string) key.Binding {
	return key.NewBinding(key.WithKeys("\x00legend"+strconv.Itoa(int(sev))), key.WithHelp(strings.TrimSpace(markerText(sev)), desc))
}

// everyAction is every action key, for the full help: it documents the keys,
// where the help bar shows only those that apply to the selected CSR.
func (m *Model) everyAction() []key.Binding {
	var b []key.Binding
	if m.cfg.Decider != nil {
		b = append(b, m.keys.Approve, m.keys.Deny)
	}
	if m.cfg.Reader != nil {
		b = append(b, m.keys.Export)
		if m.cfg.Kubeconfigs != nil {
			b = append(b, m.keys.Kubeconfig)
		}
	}
	return b
}

// createKeys is n, when the console can create requests: it acts on no CSR.
func (m *Model) createKeys() []key.Binding {
	switch {
	case m.cfg.Creator == nil:
		return nil
	case m.createRefusal() != "":
		return []key.Binding{key.NewBinding(key.WithKeys("\x00disabled-create"),
			key.WithHelp(m.keys.Create.Help().Key, "✗ "+m.createRefusal()))}
	}
	return []key.Binding{m.keys.Create}
}

// actionKeys are the actions that make sense for s right now: none on a
// detail whose object is gone.
func (m *Model) actionKeys(s *certs.Summary) []key.Binding {
	if s == nil || (m.inDetail() && m.detail.lost != lossNone) {
		return nil
	}
	var b []key.Binding
	if m.cfg.Decider != nil && s.State == certs.StatePending && m.decisionRefusal(s) == "" {
		b = append(b, m.keys.Approve, m.keys.Deny)
	}
	if s.State == certs.StateIssued && s.HasCertificate() && m.cfg.Reader != nil {
		if missing := m.perms.answers.Missing(certs.PermGetCSRs); len(missing) > 0 {
			// Shown, never offered: writing a certificate reads it again first.
			keys := m.keys.Export.Help().Key
			if m.cfg.Kubeconfigs != nil && kubeconfigRefusal(s).String() == "" {
				keys += "/" + m.keys.Kubeconfig.Help().Key
			}
			return append(b, disabledKey(keys, "needs "+missing[0].Rule()))
		}
		b = append(b, m.keys.Export)
		if m.cfg.Kubeconfigs != nil && kubeconfigRefusal(s).String() == "" {
			b = append(b, m.keys.Kubeconfig)
		}
	}
	return b
}

// disabledKeys are the actions that would make sense for s but that csrtui
// may not take, each with the rule it needs: shown, never offered.
func (m *Model) disabledKeys(s *certs.Summary) []key.Binding {
	if s == nil || m.cfg.Decider == nil || s.State != certs.StatePending || (m.inDetail() && m.detail.lost != lossNone) {
		return nil
	}
	why := m.decisionRefusal(s)
	if why == "" {
		return nil
	}
	// Sanitized: a signer name is the cluster's text.
	return []key.Binding{key.NewBinding(key.WithKeys("\x00disabled"),
		key.WithHelp(m.keys.Approve.Help().Key+"/"+m.keys.Deny.Help().Key, "✗ "+certs.Sanitize(why).String()))}
}

// refusedKeys list, for the full help, what the cluster said csrtui's
// identity may not do besides deciding (said where a decision is offered):
// each a rule it lacks, and what goes without it.
func (m *Model) refusedKeys() []key.Binding {
	var b []key.Binding
	for _, r := range []struct {
		perm certs.Permission
		what string
	}{
		{certs.PermAccessReview, "identities unchecked"},
		{certs.PermListNodes, "kubelet SANs unchecked"},
		{certs.PermListClusterRoles, "cluster-admins unknown"},
		{certs.PermListClusterRoleBindings, "cluster-admins unknown"},
		{certs.PermListRoleBindings, "namespace paths unknown"},
		{certs.PermCreateCSRs, "can't create requests"},
		{certs.PermDeleteCSRs, "can't delete requests"},
	} {
		if len(m.perms.answers.Missing(r.perm)) > 0 {
			b = append(b, key.NewBinding(key.WithKeys("\x00refused"+r.perm.Rule()), key.WithHelp("✗ "+r.perm.Rule(), r.what)))
		}
	}
	return b
}

// bulkKeys are the keys that act on the marked requests, once some are, and
// on the superseded requests in view, when there are: each offered, or shown
// disabled with why.
func (m *Model) bulkKeys() []key.Binding {
	k := &m.keys
	var b []key.Binding
	if n := len(m.marks); n > 0 {
		switch why := m.bulkDecisionRefusal(); {
		case m.cfg.Decider == nil:
		case why != "":
			b = append(b, disabledKey(k.ApproveMarked.Help().Key+"/"+k.DenyMarked.Help().Key, why))
		default:
			a := k.ApproveMarked
			a.SetHelp(a.Help().Key, "approve "+thousands(n)+" marked")
			d := k.DenyMarked
			d.SetHelp(d.Help().Key, "deny")
			b = append(b, a, d)
		}
		b = append(b, k.Unmark)
	}
	if n := m.list.supersededShown(); n > 0 && m.cfg.Deleter != nil {
		if why := m.deleteRefusal(); why != "" {
			b = append(b, disabledKey(k.DeleteSuperseded.Help().Key, why))
		} else {
			x := k.DeleteSuperseded
			x.SetHelp(x.Help().Key, "delete "+thousands(n)+" superseded")
			b = append(b, x)
		}
	}
	return b
}

// everyBulkKey documents the bulk keys, for the full help.
func (m *Model) everyBulkKey() []key.Binding {
	k := &m.keys
	b := []key.Binding{k.MarkAll, k.Unmark}
	if m.cfg.Decider != nil {
		b = append(b, k.ApproveMarked, k.DenyMarked)
	}
	if m.cfg.Deleter != nil {
		b = append(b, k.DeleteSuperseded)
	}
	return b
}

// bulkDecisionRefusal says why no marked request can be decided at all
// (read-only), "" otherwise: a permission per signer leaves only some out.
func (m *Model) bulkDecisionRefusal() string {
	if m.cfg.ReadOnly {
		return "read-only (--readonly)"
	}
	return ""
}

// disabledKey shows keys that would apply, disabled, with why: shown, never
// offered.
func disabledKey(keys, why string) key.Binding {
	// Sanitized: a signer's name in why is the cluster's text.
	return key.NewBinding(key.WithKeys("\x00disabled-"+keys), key.WithHelp(keys, "✗ "+certs.Sanitize(why).String()))
}
