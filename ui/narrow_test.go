package ui

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Typing a filter further and erasing it again shows, at each step, exactly
// the rows a fresh look at every row shows.
func TestFilterTypedAndErasedShowsWhatAFreshLookShows(t *testing.T) {
	h := newHarness(t, 120, 40, manySummaries(500))
	h.press("/")
	shownNames := func() []string {
		var out []string
		for _, r := range h.m.list.shown {
			out = append(out, r.s.Name)
		}
		return out
	}
	fresh := func() []string {
		l := h.m.list
		l.shown = nil
		l.refilter()
		var out []string
		for _, r := range l.shown {
			out = append(out, r.s.Name)
		}
		return out
	}
	check := func(step string) {
		t.Helper()
		if got, want := shownNames(), fresh(); !slices.Equal(got, want) || len(got) == len(h.m.list.rows) && h.m.list.filter != "" {
			t.Fatalf("%s: filter %q shows %d rows, a fresh look %d", step, h.m.list.filter, len(got), len(want))
		}
	}
	for _, r := range "Node-X-001" {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		check("typed")
	}
	for range 5 {
		h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
		check("erased")
	}
	for _, r := range "x-0004" {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		check("typed again")
	}
	for range 7 {
		h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
		check("erased again")
	}
}
