package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// filterModel is the filter line, typed in the header over the list. While
// it is active it takes every key but the arrows, which still move the list.
type filterModel struct {
	keys   *keyMap
	input  textinput.Model
	active bool
}

// filterOutcome is what a key typed in the filter asks of the console.
type filterOutcome int

const (
	filterTyped   filterOutcome = iota // text was typed: the value may have changed
	filterKept                         // enter: typing ends, the filter stays
	filterCleared                      // esc: typing ends, the filter is empty
	filterUp                           // an arrow: the list moves up a row
	filterDown                         // or down
)

func newFilter(keys *keyMap) filterModel {
	f := filterModel{keys: keys, input: textinput.New()}
	f.input.Prompt = "/"
	return f
}

// start makes the filter active on the value the list has now.
func (f *filterModel) start(value string) tea.Cmd {
	f.active = true
	f.input.SetValue(value)
	f.input.CursorEnd()
	return f.input.Focus()
}

func (f *filterModel) stop() {
	f.active = false
	f.input.Blur()
}

func (f *filterModel) Value() string { return f.input.Value() }

func (f *filterModel) SetSize(width int)    { f.input.SetWidth(max(width-2, 10)) }
func (f *filterModel) SetStyles(st *styles) { f.input.SetStyles(st.input) }

// Update takes a key press or a paste while the filter is active.
func (f *filterModel) Update(msg tea.Msg) (filterOutcome, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, f.keys.KeepFilter):
			f.stop()
			return filterKept, nil
		case key.Matches(k, f.keys.ClearFilter):
			f.stop()
			f.input.SetValue("")
			return filterCleared, nil
		case key.Matches(k, f.keys.FilterUp):
			return filterUp, nil
		case key.Matches(k, f.keys.FilterDown):
			return filterDown, nil
		}
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return filterTyped, cmd
}

func (f *filterModel) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.KeepFilter, f.keys.ClearFilter, f.keys.FilterUp}
}

func (f *filterModel) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

func (f *filterModel) View() string { return f.input.View() }
