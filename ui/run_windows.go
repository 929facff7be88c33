package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Run runs model, the console, on the terminal until the admin quits, and
// returns the final model and Bubble Tea's error.
//
// On Windows the console keeps Bubble Tea's renderer, which also sets the
// console's modes for escape sequences in and out (tty_windows.go), at 30
// frames a second; t.Frames is not used.
func Run(ctx context.Context, model tea.Model, t Terminal) (tea.Model, error) {
	return tea.NewProgram(model, tea.WithContext(ctx), tea.WithOutput(t.Out), tea.WithFPS(30)).Run()
}
