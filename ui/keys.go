package ui

import (
	"math"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap holds every key binding, each with the words the help bar shows for
// it. Matching uses key.Matches; each screen and dialog lists the bindings that
// apply to it in its ShortHelp and FullHelp.
type keyMap struct {
	// Moving through the list or the detail.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Scroll   key.Binding // the detail's short help for Up and Down

	// The list and the detail.
	Open       key.Binding
	Back       key.Binding
	ClearKept  key.Binding // Back, when it clears the kept filter
	Approve    key.Binding
	Deny       key.Binding
	Export     key.Binding
	Kubeconfig key.Binding
	Create     key.Binding
	Filter     key.Binding
	Pending    key.Binding
	Record     key.Binding // open the record

	// The record.
	StillValid  key.Binding // tab: the certificates still valid
	RecordLines key.Binding // tab: back to the lines

	// Everywhere the keys are not text.
	Help      key.Binding
	Quit      key.Binding
	Interrupt key.Binding

	// Typing a filter.
	KeepFilter  key.Binding
	ClearFilter key.Binding
	FilterUp    key.Binding // its help names both arrows
	FilterDown  key.Binding

	// Inside dialogs.
	Confirm     key.Binding // approve without typing the name
	Overwrite   key.Binding
	No          key.Binding
	Cancel      key.Binding
	Close       key.Binding // the approval that can't be given
	Dismiss     key.Binding // the notice of a dialog that was closed
	SubmitName  key.Binding // approve once the name is typed
	SubmitDeny  key.Binding
	SubmitWrite key.Binding

	// Inside forms.
	Complete   key.Binding
	NextField  key.Binding // its help names both arrows
	PrevField  key.Binding
	FormNext   key.Binding // enter on a field but the last
	FormReview key.Binding // enter on the last field
	CreateIt   key.Binding
	BackToForm key.Binding
}

func defaultKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		End:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last")),
		Scroll:   key.NewBinding(key.WithKeys("up", "k", "down", "j"), key.WithHelp("↑/↓", "scroll")),

		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		ClearKept:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Approve:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve")),
		Deny:       key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "deny")),
		Export:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Kubeconfig: key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "kubecfg")),
		Create:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new CSR")),
		Filter:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Pending:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "pending")),
		Record:     key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "record")),

		StillValid:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "still valid")),
		RecordLines: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "all lines")),

		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "interrupt")),

		KeepFilter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		// Only the arrows move while typing: j and k are text there.
		FilterUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")),
		FilterDown: key.NewBinding(key.WithKeys("down")),

		Confirm:   key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "approve")),
		Overwrite: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "overwrite")),
		No:        key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Close:     key.NewBinding(key.WithKeys("esc", "n", "N"), key.WithHelp("esc", "close")),
		// esc alone: letters typed ahead for the closed dialog must not end it.
		Dismiss:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		SubmitName:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "approve")),
		SubmitDeny:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "deny")),
		SubmitWrite: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write")),

		// tab completes, as in a shell: the arrows move between fields.
		Complete:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		NextField:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", "field")),
		PrevField:  key.NewBinding(key.WithKeys("up", "shift+tab")),
		FormNext:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
		FormReview: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "review")),
		CreateIt:   key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "create")),
		BackToForm: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "edit")),
	}
}

// step is how far a movement key moves through something page lines high: a
// line, a page, or to either end (farther than anything on screen, for the
// mover to clamp). ok is false for any other key.
func (k *keyMap) step(msg tea.KeyPressMsg, page int) (delta int, ok bool) {
	const far = math.MaxInt32
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.PageDown):
		return page, true
	case key.Matches(msg, k.Home):
		return -far, true
	case key.Matches(msg, k.End):
		return far, true
	}
	return 0, false
}

// helpKeys is the help.KeyMap for one moment: the bindings that apply now.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }
