package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// overwriteDialog asks before replacing an existing file with one a dialog
// showed.
type overwriteDialog struct {
	keys          *keyMap
	st            *styles
	w             fileWrite // its path is absolute
	width, height int       // inside the box
}

func newOverwrite(w fileWrite, keys *keyMap) *overwriteDialog {
	return &overwriteDialog{keys: keys, w: w}
}

func (o *overwriteDialog) Init() tea.Cmd             { return nil }
func (o *overwriteDialog) SetSize(width, height int) { o.width, o.height = width, height }
func (o *overwriteDialog) SetStyles(st *styles)      { o.st = st }
func (o *overwriteDialog) ShortHelp() []key.Binding {
	return []key.Binding{o.keys.Overwrite, o.keys.No}
}
func (o *overwriteDialog) FullHelp() [][]key.Binding {
	return [][]key.Binding{o.ShortHelp()}
}

// Update writes over the file on y and leaves it alone on n or esc.
func (o *overwriteDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, o.keys.Overwrite):
		return writeOutcome{fileWrite: o.w, overwrite: true}, nil
	case key.Matches(k, o.keys.No):
		return cancelOutcome{note: certs.Concat(lit("Nothing written: "), certs.Sanitize(o.w.path), lit(" was left alone."))}, nil
	}
	return nil, nil
}

func (o *overwriteDialog) View() string {
	inner := o.width
	return stack(o.height,
		[]string{o.st.boxTitle.Render(clip(lit("The file exists"), inner))},
		cutLines(certs.Sanitize(o.w.path), inner, 2),
		cutLines(certs.Concat(lit("Replace it with "), o.w.what, lit("?")), inner, 2))
}
