package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every key binding. Matching uses key.Matches; the help bar is
// built from the bindings that apply in the current state (see helpFor).
type keyMap struct {
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Home      key.Binding
	End       key.Binding
	Open      key.Binding
	Back      key.Binding
	Approve   key.Binding
	Deny      key.Binding
	Export    key.Binding
	Filter    key.Binding
	Pending   key.Binding
	Help      key.Binding
	Quit      key.Binding
	Interrupt key.Binding

	// Inside dialogs and prompts.
	Yes         key.Binding
	No          key.Binding
	Submit      key.Binding
	Cancel      key.Binding
	KeepFilter  key.Binding
	ClearFilter key.Binding
}

func defaultKeyMap() keyMap {
	return keyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		End:       key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Approve:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve")),
		Deny:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "deny")),
		Export:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Pending:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "pending")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "interrupt")),

		Yes:         key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "approve")),
		No:          key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
		Submit:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		KeepFilter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// helpKeys is the help.KeyMap for one moment: the bindings that apply now.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

// withHelp returns a copy of b with another help text.
func withHelp(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}
