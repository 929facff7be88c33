package ui

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

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

	// The record: its lines, or the certificates still valid (the help
	// says which it goes to).
	StillValid key.Binding

	// Marking requests, and what acts on the marked ones or on the backlog.
	Mark             key.Binding
	MarkAll          key.Binding
	Unmark           key.Binding
	ApproveMarked    key.Binding
	DenyMarked       key.Binding
	DeleteSuperseded key.Binding

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

	// Inside bulk dialogs.
	ConfirmBulk    key.Binding // y: its help says what it does to how many
	NameCritical   key.Binding // enter: type the names of the critical ones
	SubmitCritical key.Binding
	SkipCritical   key.Binding
	ScrollUp       key.Binding // its help names both arrows
	ScrollDown     key.Binding
	StopRun        key.Binding
	ShowNames      key.Binding
	HideNames      key.Binding

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

		StillValid: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "still valid")),

		// As in mc and k9s: space marks the row and moves on.
		Mark:             key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark")),
		MarkAll:          key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "mark all")),
		Unmark:           key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unmark")),
		ApproveMarked:    key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "approve marked")),
		DenyMarked:       key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "deny marked")),
		DeleteSuperseded: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "delete superseded")),

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

		ConfirmBulk:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "approve")),
		NameCritical:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "name critical ones")),
		SubmitCritical: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "include it")),
		SkipCritical:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "leave it out")),
		ScrollUp:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "scroll")),
		ScrollDown:     key.NewBinding(key.WithKeys("down", "j")),
		StopRun:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop")),
		ShowNames:      key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter/→", "names")),
		HideNames:      key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "hide names")),

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

// A config file rebinds keys by the names in bindingTable (Config.Keys,
// checked first with CheckKeys). A binding added to keyMap becomes
// configurable with one line there.

// screen is a set of places where bindings are matched together: a key
// bound to two of them there would do only one of the two things.
type screen uint8

const (
	onList screen = 1 << iota
	onDetail
	onApproval // the approve dialog, where the deny key still denies
	onRecord   // the record (L)
)

// screens are the screens in the order problems name them.
var screens = []struct {
	s    screen
	name string
}{{onList, "the list"}, {onDetail, "the detail"}, {onApproval, "the approve dialog"}, {onRecord, "the record"}}

// bindingEntry is a binding of keyMap by the name a config file gives it.
type bindingEntry struct {
	name    string
	binding func(*keyMap) *key.Binding
	on      screen // where it is matched
	fixed   bool   // its keys can't be changed
}

// bindingTable names the bindings of keyMap a config file may set, and the
// screens each is matched on. Fixed bindings can't be rebound: they are here
// because their keys are taken on their screens. Inside dialogs and forms,
// where letters are text, the keys are fixed: enter, esc, tab, the arrows,
// and y and n for a decision, the same on every machine.
var bindingTable = []bindingEntry{
	{"up", func(k *keyMap) *key.Binding { return &k.Up }, onList | onDetail | onRecord, false},
	{"down", func(k *keyMap) *key.Binding { return &k.Down }, onList | onDetail | onRecord, false},
	{"page-up", func(k *keyMap) *key.Binding { return &k.PageUp }, onList | onDetail | onRecord, false},
	{"page-down", func(k *keyMap) *key.Binding { return &k.PageDown }, onList | onDetail | onRecord, false},
	{"first", func(k *keyMap) *key.Binding { return &k.Home }, onList | onDetail | onRecord, false},
	{"last", func(k *keyMap) *key.Binding { return &k.End }, onList | onDetail | onRecord, false},
	{"open", func(k *keyMap) *key.Binding { return &k.Open }, onList | onRecord, false},
	{"back", func(k *keyMap) *key.Binding { return &k.Back }, onList | onDetail | onRecord, false},
	{"approve", func(k *keyMap) *key.Binding { return &k.Approve }, onList | onDetail, false},
	{"deny", func(k *keyMap) *key.Binding { return &k.Deny }, onList | onDetail | onApproval, false},
	{"export", func(k *keyMap) *key.Binding { return &k.Export }, onList | onDetail, false},
	{"kubeconfig", func(k *keyMap) *key.Binding { return &k.Kubeconfig }, onList | onDetail, false},
	{"create", func(k *keyMap) *key.Binding { return &k.Create }, onList | onDetail, false},
	{"filter", func(k *keyMap) *key.Binding { return &k.Filter }, onList | onRecord, false},
	{"pending", func(k *keyMap) *key.Binding { return &k.Pending }, onList, false},
	{"mark", func(k *keyMap) *key.Binding { return &k.Mark }, onList, false},
	{"mark-all", func(k *keyMap) *key.Binding { return &k.MarkAll }, onList, false},
	{"unmark", func(k *keyMap) *key.Binding { return &k.Unmark }, onList, false},
	{"approve-marked", func(k *keyMap) *key.Binding { return &k.ApproveMarked }, onList, false},
	{"deny-marked", func(k *keyMap) *key.Binding { return &k.DenyMarked }, onList, false},
	{"delete-superseded", func(k *keyMap) *key.Binding { return &k.DeleteSuperseded }, onList, false},
	{"record", func(k *keyMap) *key.Binding { return &k.Record }, onList | onDetail, false},
	{"still-valid", func(k *keyMap) *key.Binding { return &k.StillValid }, onRecord, false},
	{"help", func(k *keyMap) *key.Binding { return &k.Help }, onList | onDetail | onRecord, false},
	{"quit", func(k *keyMap) *key.Binding { return &k.Quit }, onList | onDetail | onRecord, false},

	{"interrupt", func(k *keyMap) *key.Binding { return &k.Interrupt }, onList | onDetail | onApproval | onRecord, true},
	{"confirm", func(k *keyMap) *key.Binding { return &k.Confirm }, onApproval, true},
	{"no", func(k *keyMap) *key.Binding { return &k.No }, onApproval, true},
	{"close", func(k *keyMap) *key.Binding { return &k.Close }, onApproval, true},
	{"cancel", func(k *keyMap) *key.Binding { return &k.Cancel }, onApproval, true},
	{"dismiss", func(k *keyMap) *key.Binding { return &k.Dismiss }, onApproval, true},
	{"submit-name", func(k *keyMap) *key.Binding { return &k.SubmitName }, onApproval, true},
}

// KeyNames are the names of the bindings a config file may set, in the
// order the help lists them.
func KeyNames() []string {
	var names []string
	for _, b := range bindingTable {
		if !b.fixed {
			names = append(names, b.name)
		}
	}
	return names
}

// DefaultKeys are the keys of every binding a config file may set, by name.
func DefaultKeys() map[string][]string {
	k := defaultKeyMap()
	out := map[string][]string{}
	for _, b := range bindingTable {
		if !b.fixed {
			out[b.name] = b.binding(&k).Keys()
		}
	}
	return out
}

// KeyProblem is what is wrong with one binding of a configuration.
type KeyProblem struct {
	Name  string // the binding's name
	Index int    // which of its keys, or -1 for the binding as a whole
	Msg   string
}

// CheckKeys says what is wrong with bindings, by name, that would replace
// the default keys: an unknown or fixed name, no key, something that is not
// a key as the terminal reports it, a key listed twice, and a key that
// another binding has on the same screen. Unknown and fixed names come
// first, by name; then the rest, in the order of bindingTable.
func CheckKeys(bindings map[string][]string) []KeyProblem {
	var problems []KeyProblem
	for name := range bindings {
		if i := bindingIndex(name); i < 0 {
			problems = append(problems, KeyProblem{name, -1, fmt.Sprintf("unknown key binding %q (allowed: %s)", name, strings.Join(KeyNames(), ", "))})
		} else if bindingTable[i].fixed {
			problems = append(problems, KeyProblem{name, -1, fmt.Sprintf("%q can't be rebound: inside dialogs the keys are fixed (allowed: %s)", name, strings.Join(KeyNames(), ", "))})
		}
	}
	slices.SortFunc(problems, func(a, b KeyProblem) int { return strings.Compare(a.Name, b.Name) })
	if len(problems) > 0 {
		return problems
	}
	for _, b := range bindingTable {
		keys, ok := bindings[b.name]
		if !ok {
			continue
		}
		if len(keys) == 0 {
			problems = append(problems, KeyProblem{b.name, -1, "no key: give at least one"})
		}
		for i, k := range keys {
			if err := checkKey(k); err != nil {
				problems = append(problems, KeyProblem{b.name, i, err.Error()})
			} else if j := slices.Index(keys, k); j < i {
				problems = append(problems, KeyProblem{b.name, i, fmt.Sprintf("%q is listed twice", k)})
			}
		}
	}
	if len(problems) > 0 {
		return problems
	}
	return keyClashes(bindings)
}

// keyClashes finds keys bound twice on one screen once bindings replace the
// defaults, each said once, at a binding the configuration sets.
func keyClashes(bindings map[string][]string) []KeyProblem {
	k := defaultKeyMap()
	k.apply(bindings)
	var problems []KeyProblem
	said := map[[2]string]bool{}
	for _, sc := range screens {
		owner := map[string]int{} // key -> index in bindingTable
		for i, b := range bindingTable {
			if b.on&sc.s == 0 {
				continue
			}
			for _, key := range b.binding(&k).Keys() {
				j, taken := owner[key]
				if !taken {
					owner[key] = i
					continue
				}
				// Say it at the binding the configuration sets: this one,
				// else the one that had the key first.
				at, other := b, bindingTable[j]
				if _, set := bindings[at.name]; !set {
					at, other = other, at
				}
				// The defaults share keys between bindings matched in turn
				// (esc closes whichever dialog state is up): not a clash.
				if _, set := bindings[at.name]; !set || said[[2]string{at.name, key}] {
					continue
				}
				said[[2]string{at.name, key}] = true
				msg := fmt.Sprintf("key %q is %s's too on %s: a key does one thing on a screen", key, other.name, sc.name)
				if other.fixed {
					msg = fmt.Sprintf("key %q is %s's on %s, which can't be rebound", key, other.name, sc.name)
				}
				problems = append(problems, KeyProblem{at.name, slices.Index(bindings[at.name], key), msg})
			}
		}
	}
	// The key that opens the approve dialog is matched on the list, the one
	// that approves in it on the dialog: not a clash on a screen, but the
	// same key pressed twice, or held, would approve a request shown for a
	// moment.
	for i, key := range bindings["approve"] {
		if slices.Contains(k.Confirm.Keys(), key) {
			problems = append(problems, KeyProblem{"approve", i, fmt.Sprintf("key %q approves in the approve dialog it opens: pressed twice, or held, it would approve unread", key)})
		}
	}
	// So for the bulk approval and delete, whose dialogs act on y.
	for _, b := range []struct{ name, does string }{{"approve-marked", "approves"}, {"delete-superseded", "deletes"}} {
		for i, key := range bindings[b.name] {
			if slices.Contains(k.ConfirmBulk.Keys(), key) {
				problems = append(problems, KeyProblem{b.name, i, fmt.Sprintf("key %q %s in the dialog it opens: pressed twice, or held, it would act unread", key, b.does)})
			}
		}
	}
	return problems
}

func bindingIndex(name string) int {
	return slices.IndexFunc(bindingTable, func(b bindingEntry) bool { return b.name == name })
}

// apply replaces the keys of the bindings named, and of the help-only
// bindings that follow them. The help shows the new keys.
func (k *keyMap) apply(bindings map[string][]string) {
	for _, b := range bindingTable {
		keys, ok := bindings[b.name]
		if !ok || b.fixed || len(keys) == 0 { // CheckKeys refuses these
			continue
		}
		kb := b.binding(k)
		kb.SetKeys(keys...)
		kb.SetHelp(helpLabel(keys...), kb.Help().Desc)
	}
	_, up := bindings["up"]
	_, down := bindings["down"]
	if up || down {
		k.Scroll.SetKeys(append(k.Up.Keys(), k.Down.Keys()...)...)
		k.Scroll.SetHelp(helpLabel(k.Up.Keys()[0], k.Down.Keys()[0]), k.Scroll.Help().Desc)
	}
	if _, ok := bindings["back"]; ok {
		k.ClearKept.SetKeys(k.Back.Keys()...)
		k.ClearKept.SetHelp(k.Back.Help().Key, k.ClearKept.Help().Desc)
	}
}

// helpLabel is how the help bar names keys: arrows as arrows, one "/"
// between keys.
func helpLabel(keys ...string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case "up":
			k = "↑"
		case "down":
			k = "↓"
		case "left":
			k = "←"
		case "right":
			k = "→"
		case "pgdown":
			k = "pgdn"
		}
		names[i] = k
	}
	return strings.Join(names, "/")
}

// namedKeys are the keys Bubble Tea names rather than spells (f1 to f24 too).
var namedKeys = []string{"enter", "esc", "tab", "space", "backspace", "delete", "insert",
	"up", "down", "left", "right", "home", "end", "pgup", "pgdown"}

// checkKey says why k is not a key as Bubble Tea reports key presses (and
// so as key.Matches compares them): one character as typed (a, A, ?), or a
// key's name, either after ctrl+, alt+ and shift+ in that order.
func checkKey(k string) error {
	const want = "use one character as typed (a, A, ?) or a key's name (" +
		"enter, esc, tab, space, backspace, delete, insert, up, down, left, right, home, end, pgup, pgdown, f1 to f24), " +
		"after ctrl+, alt+ or shift+ if any"
	base := k
	var mods []string
	for _, m := range []string{"ctrl", "alt", "shift"} {
		if rest, ok := strings.CutPrefix(base, m+"+"); ok && rest != "" {
			mods, base = append(mods, m), rest
		}
	}
	named := slices.Contains(namedKeys, base)
	if f, ok := strings.CutPrefix(base, "f"); ok {
		if n, err := strconv.Atoi(f); err == nil && n >= 1 && n <= 24 && f == strconv.Itoa(n) {
			named = true
		}
	}
	runes := []rune(base)
	switch {
	case k == "":
		return fmt.Errorf("an empty key: %s", want)
	case k == " ":
		return errors.New(`write the space bar as "space"`)
	case named:
		return nil
	case strings.Contains(base, "+") && len(runes) > 1:
		for _, m := range []string{"ctrl+", "alt+", "shift+"} {
			if strings.Contains(base, m) {
				return fmt.Errorf("%q is not a key: write modifiers in the order ctrl+alt+shift+", k)
			}
		}
		return fmt.Errorf("%q is not a key: %s", k, want)
	case len(runes) != 1 || !unicode.IsGraphic(runes[0]) || unicode.IsSpace(runes[0]):
		return fmt.Errorf("%q is not a key: %s", k, want)
	case slices.Contains(mods, "shift"):
		return fmt.Errorf("%q is not a key: the terminal reports the character shift types (write %q)", k, strings.ToUpper(base))
	case len(mods) > 0 && unicode.IsUpper(runes[0]):
		return fmt.Errorf("%q is not a key: write the letter in lower case after ctrl+ or alt+", k)
	}
	return nil
}
