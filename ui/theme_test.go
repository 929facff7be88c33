package ui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// fgSGR is the escape that sets c as the foreground in direct colour.
func fgSGR(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("38;2;%d;%d;%d", r>>8, g>>8, b>>8)
}

// The console asks the terminal for its background and re-themes when it
// answers, dialogs included: light colours on a light one, dark on a dark one.
func TestBackgroundRethemes(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("a")) // a dialog is open while the answer comes
	dark, light := newTheme(true, nil), newTheme(false, nil)
	if !strings.Contains(h.m.View().Content, fgSGR(dark.accent)) {
		t.Fatal("before the terminal answers, the dark theme is not used")
	}
	h.send(tea.BackgroundColorMsg{Color: color.RGBA{0xfd, 0xf6, 0xe3, 0xff}}) // Solarized light
	view := h.m.View().Content
	if !strings.Contains(view, fgSGR(light.accent)) || strings.Contains(view, fgSGR(dark.accent)) {
		t.Fatal("a light background does not bring the light theme")
	}
	h.send(tea.BackgroundColorMsg{Color: color.RGBA{0x28, 0x2c, 0x34, 0xff}})
	if view := h.m.View().Content; !strings.Contains(view, fgSGR(dark.accent)) || strings.Contains(view, fgSGR(light.accent)) {
		t.Fatal("a dark background does not bring the dark theme back")
	}
}

// Every colour of each theme reads on the backgrounds terminals use for it:
// WCAG's 4.5:1 for text on plain white and black, at least 3:1 on the
// usual tinted ones; the selected row and the badges on their own colours.
func TestThemesAreReadable(t *testing.T) {
	hex := func(s string) color.Color {
		var r, g, b uint8
		if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
			t.Fatal(err)
		}
		return color.RGBA{r, g, b, 0xff}
	}
	for _, tc := range []struct {
		name  string
		th    theme
		plain color.Color
		other []string
	}{
		{"dark", newTheme(true, nil), hex("#000000"), []string{"#1E1E1E", "#282C34", "#002B36", "#300A24"}},
		{"light", newTheme(false, nil), hex("#FFFFFF"), []string{"#FDF6E3", "#EEEEEE", "#FAFAFA"}},
	} {
		fgs := map[string]color.Color{
			"accent": tc.th.accent, "muted": tc.th.muted, "ok": tc.th.ok,
			"warn": tc.th.warn, "high": tc.th.high, "danger": tc.th.danger, "info": tc.th.info,
		}
		for name, fg := range fgs {
			if r := contrast(fg, tc.plain); r < 4.5 {
				t.Errorf("%s theme: %s on %v: contrast %.2f, want >= 4.5", tc.name, name, tc.plain, r)
			}
			for _, bg := range tc.other {
				if r := contrast(fg, hex(bg)); r < 3 {
					t.Errorf("%s theme: %s on %s: contrast %.2f, want >= 3", tc.name, name, bg, r)
				}
			}
		}
		if r := contrast(tc.th.selectFg, tc.th.selectBg); r < 4.5 {
			t.Errorf("%s theme: the selected row's contrast is %.2f", tc.name, r)
		}
		if r := contrast(tc.th.badgeFg, tc.th.badgeBg); r < 4.5 {
			t.Errorf("%s theme: the badges' contrast is %.2f", tc.name, r)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two colours, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// luminance is WCAG 2's relative luminance of an sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v>>8) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// The detail's labels and section titles are rendered once per theme, as
// their style renders them, and a request naming thousands of labels does not
// grow what is kept past maxDrawn.
func TestDrawnLabelsAreTheStylesOwnAndBounded(t *testing.T) {
	st := newStyles(newTheme(true, nil), true, false)
	for _, section := range []bool{false, true} {
		style := st.label
		if section {
			style = st.section
		}
		for range 2 { // drawn, then kept
			if got, want := st.drawnAs(section, "Created"), style.Render("Created"); got != want {
				t.Fatalf("section=%v: drawn %q, the style renders %q", section, got, want)
			}
		}
	}
	if st.drawnAs(false, "Created") == st.drawnAs(true, "Created") {
		t.Fatal("a label and a section title of one text are drawn alike: the styles are mixed up")
	}
	for i := range 3 * maxDrawn {
		text := fmt.Sprintf("1.2.3.%d", i)
		if got, want := st.drawnAs(false, text), st.label.Render(text); got != want {
			t.Fatalf("drawn %q, the style renders %q", got, want)
		}
		if len(st.drawn) > maxDrawn {
			t.Fatalf("%d texts kept, more than %d", len(st.drawn), maxDrawn)
		}
	}
}

// The help bar's line is kept between frames, and drawn again when the
// width, the theme or the keys that apply change.
func TestHelpLineFollowsWidthThemeAndKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	check := func(when string) {
		t.Helper()
		keys := h.m.helpKeys().ShortHelp()
		if got, want := h.m.shortHelp(keys), h.m.drawShortHelp(keys); got != want {
			t.Fatalf("%s: the help bar shows %q, drawn now it is %q", when, got, want)
		}
	}
	check("first")
	check("kept")
	h.send(tea.WindowSizeMsg{Width: 40, Height: 24})
	check("narrower")
	h.send(tea.BackgroundColorMsg{Color: color.RGBA{0xfd, 0xf6, 0xe3, 0xff}})
	check("a light background")
	h.run(h.press("/"))
	check("typing a filter")
}
