package ui

import (
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// stormSizes are the sizes a resize storm goes through: the degenerate ones
// (nothing, one cell, one row, one column), the smallest usable, the usual,
// and huge ones, then random ones in every range, in a fixed order.
func stormSizes(n int) [][2]int {
	sizes := [][2]int{
		{0, 0}, {1, 1}, {0, 24}, {80, 0}, {1, 24}, {80, 1}, {2, 2}, {3, 5}, {10, 3},
		{minWidth - 1, minHeight}, {minWidth, minHeight - 1}, {minWidth, minHeight},
		{24, 8}, {39, 11}, {40, 12}, {80, 24}, {200, 60}, {1000, 300}, {3000, 20}, {20, 2000},
	}
	rng := rand.New(rand.NewPCG(11, 13))
	for range n {
		switch rng.IntN(4) {
		case 0: // tiny
			sizes = append(sizes, [2]int{rng.IntN(30), rng.IntN(12)})
		case 1: // small
			sizes = append(sizes, [2]int{20 + rng.IntN(60), 6 + rng.IntN(20)})
		case 2: // usual
			sizes = append(sizes, [2]int{60 + rng.IntN(200), 10 + rng.IntN(70)})
		default: // large
			sizes = append(sizes, [2]int{rng.IntN(1500), rng.IntN(500)})
		}
	}
	return sizes
}

// wantFits fails the test when the view does not fill exactly the terminal:
// h lines, none wider than w cells; nothing at all when either is 0.
func wantFits(t *testing.T, what string, view string, w, h int) {
	t.Helper()
	if w <= 0 || h <= 0 {
		if view != "" {
			t.Fatalf("%s at %dx%d: drew %q", what, w, h, view)
		}
		return
	}
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("%s at %dx%d: %d lines:\n%s", what, w, h, len(lines), ansi.Strip(view))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%s at %dx%d: line %d is %d cells wide: %q", what, w, h, i, lw, ansi.Strip(l))
		}
	}
}

// A storm of window sizes, from nothing to huge, on every screen: the
// console never panics, never draws past an edge, and always fills exactly
// the terminal; when the storm ends it is where it was.
func TestResizeStorm(t *testing.T) {
	t.Chdir(t.TempDir())
	screens := []struct {
		name  string
		setup func(h *harness)
	}{
		{"list", func(h *harness) { h.press("j") }},
		{"detail", func(h *harness) { h.run(h.press("j", "enter")) }},
		{"confirm", func(h *harness) { h.run(h.press("a")) }},
		{"confirm-critical", func(h *harness) { h.run(h.press("j", "a")); h.typeText("csr-") }},
		{"deny", func(h *harness) { h.press("j", "d"); h.typeText("not ours") }},
		{"export", func(h *harness) { h.run(h.press("G", "k", "k", "e")) }},
		{"filter", func(h *harness) { h.press("/"); h.typeText("node") }},
		{"help", func(h *harness) { h.press("?") }},
		{"create", func(h *harness) { h.run(h.press("n")) }},
		{"status", func(h *harness) {
			h.dec.err = errString(strings.Repeat("a long refusal from the apiserver ", 20))
			h.run(h.press("a"))
			h.run(h.press("y"))
		}},
	}
	sizes := stormSizes(150)
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, 80, 24, append(testSummaries(), manyFindings(), spoofing()))
			sc.setup(h)
			state, before := h.state(), h.view()
			for _, s := range sizes {
				h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
				wantFits(t, sc.name, h.m.View().Content, s[0], s[1])
			}
			h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			if h.state() != state {
				t.Fatalf("the storm changed the screen from %v to %v", state, h.state())
			}
			if got := h.view(); got != before {
				t.Fatalf("after the storm the screen differs:\n%s\n--- before:\n%s", got, before)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// Below the smallest size the console draws on, it says what it needs, and
// no key acts on a request it can't show: only the ways out work.
func TestTooSmallAsksForMore(t *testing.T) {
	h := newHarness(t, minWidth-1, 12, testSummaries())
	if got := h.view(); !strings.HasPrefix(got, "Enlarge the") || !strings.Contains(got, "needs 24x6") {
		t.Fatalf("the screen does not ask for a larger terminal:\n%s", got)
	}
	h.run(h.press("j", "a", "d", "enter", "/", "n"))
	if h.m.dialog != nil || h.m.inDetail() || h.m.filter.active || h.selected() != "csr-alice" {
		t.Fatalf("a key acted on a screen too small to show it: dialog %T, detail %v, filter %v, selected %q",
			h.m.dialog, h.m.inDetail(), h.m.filter.active, h.selected())
	}
	if cmd := h.press("q"); cmd == nil {
		t.Fatal("q does not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.press("a"))
	if h.m.dialog == nil {
		t.Fatal("a does not approve once the terminal is large enough")
	}
}
