package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// A form is a column of labelled one-line inputs inside a dialog: ↑ and ↓
// move between them, tab completes the focused one where something can be
// completed, and what was typed is never replaced by a default computed
// later. The dialogs that embed it (creating a request, writing a
// kubeconfig) decide what enter and esc do.

// completer completes value: the new value, and the candidates it chose
// from, to show under the field (nil when there is nothing to show).
type completer func(value string) (string, []string)

// formField is one line of a form.
type formField struct {
	label    string
	input    textinput.Model
	complete completer  // nil: tab completes nothing here
	typed    bool       // the admin changed it: defaults no longer replace it
	choices  certs.Text // what the last tab found, shown under the field
}

// form holds the fields and which one has the focus.
type form struct {
	keys   *keyMap
	st     *styles
	fields []*formField
	focus  int
	width  int // inside the dialog box
}

// formLabelWidth is the room for the longest label and two spaces;
// maxChoiceLines is how many lines the candidates of a tab take at most.
const (
	formLabelWidth = 14
	maxChoiceLines = 3
)

func (f *form) add(label, placeholder string, c completer) *formField {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	if f.st != nil {
		in.SetStyles(f.st.input)
	}
	fd := &formField{label: label, input: in, complete: c}
	f.fields = append(f.fields, fd)
	return fd
}

func (f *form) SetSize(width int) {
	f.width = width
	for _, fd := range f.fields {
		fd.input.SetWidth(max(width-formLabelWidth-3, 1))
	}
}

func (f *form) SetStyles(st *styles) {
	f.st = st
	for _, fd := range f.fields {
		fd.input.SetStyles(st.input)
	}
}

func (f *form) focused() *formField { return f.fields[f.focus] }

// focusOn moves the focus to field i.
func (f *form) focusOn(i int) tea.Cmd {
	i = max(min(i, len(f.fields)-1), 0)
	f.focused().input.Blur()
	f.focused().choices = certs.Text{}
	f.focus = i
	return f.focused().input.Focus()
}

// setDefault gives field i a value, unless the admin has typed in it.
func (f *form) setDefault(i int, v string) {
	fd := f.fields[i]
	if fd.typed {
		return
	}
	fd.input.SetValue(v)
	fd.input.CursorEnd()
}

// value is field i's text, trimmed.
func (f *form) value(i int) string { return strings.TrimSpace(f.fields[i].input.Value()) }

// moveKey moves the focus on ↑ or ↓ (and shift+tab), and reports whether
// msg was one of them.
func (f *form) moveKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, f.keys.NextField):
		return f.focusOn(f.focus + 1), true
	case key.Matches(msg, f.keys.PrevField):
		return f.focusOn(f.focus - 1), true
	}
	return nil, false
}

// completeFocused completes the focused field on tab.
func (f *form) completeFocused() {
	fd := f.focused()
	if fd.complete == nil {
		return
	}
	before := fd.input.Value()
	v, choices := fd.complete(before)
	if v != before {
		fd.input.SetValue(v)
		fd.input.CursorEnd()
		fd.typed = true
	}
	fd.choices = certs.Text{}
	// The candidates show unless tab found the one.
	if len(choices) > 1 || (len(choices) == 1 && v == before) {
		parts := make([]certs.Text, len(choices))
		for i, c := range choices {
			parts[i] = certs.Sanitize(c)
		}
		fd.choices = certs.Join(parts, lit("  "))
	}
}

// typeInto passes a key or a paste to the focused input.
func (f *form) typeInto(msg tea.Msg) tea.Cmd {
	fd := f.focused()
	before := fd.input.Value()
	var cmd tea.Cmd
	fd.input, cmd = fd.input.Update(msg)
	if v := fd.input.Value(); v != before {
		fd.typed = true
		fd.choices = certs.Text{}
		// The input drops controls itself, but would draw a bidi override or
		// an invisible character as it is: those never stay in it.
		if shown := visibleOnly(v); shown != v {
			fd.input.SetValue(shown)
		}
	}
	return cmd
}

// visibleOnly is s without the characters the sanitizer would escape.
func visibleOnly(s string) string {
	if certs.Sanitize(s).String() == s {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if c := string(r); certs.Sanitize(c).String() == c {
			b.WriteString(c)
		}
	}
	return b.String()
}

// fieldKeys are the form's keys for the focused field, for the help bar.
func (f *form) fieldKeys() []key.Binding {
	var b []key.Binding
	if f.focused().complete != nil {
		b = append(b, f.keys.Complete)
	}
	return append(b, f.keys.NextField)
}

// lines draws the fields, with the candidates of the last tab under the
// focused one.
func (f *form) lines() []string {
	var out []string
	for i, fd := range f.fields {
		label := f.st.label.Render(fit(lit(fd.label), len(fd.label), formLabelWidth))
		out = append(out, label+fd.input.View())
		if i == f.focus && fd.choices.String() != "" {
			for _, l := range cutLines(fd.choices, max(f.width-formLabelWidth, 1), maxChoiceLines) {
				out = append(out, strings.Repeat(" ", formLabelWidth)+f.st.muted.Render(l))
			}
		}
	}
	return out
}
