package ui

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/csrtui/csrtui/certs"
)

// TestGolden renders every screen at 80x24, 120x40 and 40x12 and compares the text
// (colours stripped) with testdata/TestGolden/<screen>-<size>.golden.
// go test ./ui -update rewrites them.
func TestGolden(t *testing.T) {
	screens := []struct {
		name  string
		setup func(h *harness)
	}{
		{"list", func(h *harness) {}},
		{"list-selected", func(h *harness) { h.press("j", "j") }},
		{"list-pending", func(h *harness) { h.press("tab") }},
		{"detail", func(h *harness) { h.run(h.press("j", "enter")) }},
		{"detail-issued", func(h *harness) { h.press("G", "enter") }},
		{"detail-undecodable", func(h *harness) { h.press("j", "j", "enter") }},
		{"confirm", func(h *harness) { h.run(h.press("a")) }},
		{"confirm-critical", func(h *harness) { h.press("j", "a"); h.typeText("csr-") }},
		{"confirm-blocked", func(h *harness) { h.press("j", "j", "j", "a") }},
		{"deny", func(h *harness) { h.press("j", "d"); h.typeText("not ours") }},
		{"export", func(h *harness) { h.run(h.press("G", "e")) }},
		{"filter", func(h *harness) { h.press("/"); h.typeText("node") }},
		{"filter-kept", func(h *harness) { h.press("/"); h.typeText("node"); h.press("enter") }},
		{"help", func(h *harness) { h.press("?") }},
		{"status-forbidden", func(h *harness) {
			h.dec.err = fmt.Errorf(`certificatesigningrequests.certificates.k8s.io "csr-alice" is forbidden: user not permitted to approve requests with signerName %q`, clientSigner)
			h.run(h.press("a"))
			h.run(h.press("y"))
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		for _, sc := range screens {
			h := newHarness(t, size[0], size[1], testSummaries())
			sc.setup(h)
			checkFrame(t, sc.name, h.view(), size[0], size[1])
			h.golden(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]))
		}
	}

	// Wide terminals show the selected CSR beside the list.
	h := newHarness(t, 200, 60, testSummaries())
	h.run(h.press("j"))
	h.run(func() teaMsg { return h.timers[len(h.timers)-1].fn(testNow) })
	checkFrame(t, "side-panel", h.view(), 200, 60)
	h.golden("side-panel-200x60")

	h = newHarness(t, 80, 24, nil)
	h.golden("empty-80x24")
}

// checkFrame asserts the screen is exactly h lines of at most w cells.
func checkFrame(t *testing.T, name, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%s at %dx%d: %d lines", name, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%s at %dx%d: line %d is %d cells wide: %q", name, w, h, i, lw, l)
		}
	}
}

// TestHostileStrings puts terminal escapes, a C1 CSI and a bidi override in
// every field an attacker controls, and checks that no screen passes them to
// the terminal.
func TestHostileStrings(t *testing.T) {
	const evil = "x\x1b]0;pwned\x07\x1b[2J\u009b31m\u202eevil\xc2\x9b\xff"
	ss := testSummaries()
	s := *ss[1]
	s.Name = "csr-" + evil
	s.Username = "user" + evil
	s.Groups = []string{"g" + evil}
	s.Extra = map[string][]string{"k" + evil: {"v" + evil}}
	s.Signer = "example.com/" + evil
	s.Request = request("cn"+evil, "o"+evil)
	s.Request.DNSNames = []string{"dns" + evil}
	s.Conditions = []certs.Condition{{Type: "Denied", Reason: "r" + evil, Message: "m" + evil}}
	s.Findings = append([]certs.Finding{{ID: certs.FindingControlChars, Severity: certs.SeverityHigh, Title: "t" + evil, Detail: "d" + evil}}, s.Findings...)
	ss[0] = &s

	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		h := newHarness(t, size[0], size[1], ss)
		screens := map[string]func(){
			"list":    func() {},
			"detail":  func() { h.press("enter") },
			"confirm": func() { h.press("esc", "a") },
			"deny":    func() { h.press("esc", "d") },
			"filter":  func() { h.press("esc", "/"); h.typeText("csr-x") },
		}
		for _, name := range []string{"list", "detail", "confirm", "deny", "filter"} {
			screens[name]()
			if bad := hostileRunes(h.m.View().Content); bad != "" {
				t.Errorf("%s at %dx%d passes %s to the terminal", name, size[0], size[1], bad)
			}
		}
		h.press("esc", "esc")
		h.dec.err = fmt.Errorf("denied %s", evil)
		h.run(h.press("a", "y"))
		if bad := hostileRunes(h.m.View().Content); bad != "" {
			t.Errorf("status at %dx%d passes %s to the terminal", size[0], size[1], bad)
		}
	}
}

// hostileRunes returns what in a rendered view is not the renderer's own
// styling but would still act on a terminal: escapes, C1 controls, bidi
// overrides and invalid UTF-8.
func hostileRunes(view string) string {
	// Remove the SGR sequences lipgloss itself writes (colours, bold).
	view = sgr.ReplaceAllString(view, "")
	for i, r := range view {
		switch {
		case r == 0x1b:
			return fmt.Sprintf("ESC at %d", i)
		case r == 0x9b:
			return fmt.Sprintf("C1 CSI at %d", i)
		case r == 0x202e:
			return fmt.Sprintf("U+202E at %d", i)
		case r == utf8.RuneError:
			return fmt.Sprintf("invalid UTF-8 at %d", i)
		case r < 0x20 && r != '\n':
			return fmt.Sprintf("control %#x at %d", r, i)
		}
	}
	return ""
}

// TestGoldenNoColor draws the screens that tell severity and state as a
// terminal without colours gets them (NO_COLOR: Bubble Tea's renderer takes
// the colours out, as colorprofile.Writer does here): no colour escape
// reaches it, the selected row and the badges are in reverse video, and
// severity reads as words and markers. The text is compared with
// testdata/TestGoldenNoColor/<screen>-80x24.golden.
func TestGoldenNoColor(t *testing.T) {
	screens := []struct {
		name    string
		setup   func(h *harness)
		reverse []string // text that must be in reverse video
	}{
		{"list", func(h *harness) { h.press("j") }, []string{" DEMO ", "!!>csr-masters"}},
		{"detail-critical", func(h *harness) { h.run(h.press("j", "enter")) }, nil},
		{"confirm-critical", func(h *harness) { h.run(h.press("j", "a")) }, nil},
		{"help", func(h *harness) { h.press("?") }, nil},
		{"status-error", func(h *harness) {
			h.dec.err = fmt.Errorf("the apiserver said no")
			h.run(h.press("a"))
			h.run(h.press("y"))
		}, nil},
	}
	for _, sc := range screens {
		h := newHarness(t, 80, 24, testSummaries())
		h.send(tea.ColorProfileMsg{Profile: colorprofile.ASCII})
		sc.setup(h)
		var out bytes.Buffer
		w := &colorprofile.Writer{Forward: &out, Profile: colorprofile.ASCII}
		if _, err := io.WriteString(w, h.m.View().Content); err != nil {
			t.Fatal(err)
		}
		for _, seq := range sgr.FindAllString(out.String(), -1) {
			if colourSGR(seq) {
				t.Errorf("%s: a colour reaches a terminal without colours: %q", sc.name, seq)
			}
		}
		for _, r := range sc.reverse {
			if !inReverse(out.String(), r) {
				t.Errorf("%s: %q is not in reverse video:\n%q", sc.name, r, out.String())
			}
		}
		checkFrame(t, sc.name, h.view(), 80, 24)
		h.golden(sc.name + "-80x24")
	}
}

// colourSGR reports whether an SGR sequence sets a colour: foreground,
// background or underline, in any of the 16, 256 or direct forms.
func colourSGR(seq string) bool {
	params := strings.FieldsFunc(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b["), "m"), func(r rune) bool { return r == ';' || r == ':' })
	for _, p := range params {
		n, err := strconv.Atoi(p)
		if err != nil {
			return true
		}
		switch {
		case n >= 30 && n <= 38, n >= 40 && n <= 48, n == 58, n >= 90 && n <= 97, n >= 100 && n <= 107:
			return true
		}
	}
	return false
}

// inReverse reports whether text is drawn in reverse video in out: the last
// SGR before it sets 7.
func inReverse(out, text string) bool {
	i := strings.Index(out, text)
	if i < 0 {
		return false
	}
	seqs := sgr.FindAllStringIndex(out[:i], -1)
	if len(seqs) == 0 {
		return false
	}
	last := out[seqs[len(seqs)-1][0]:seqs[len(seqs)-1][1]]
	params := strings.Split(strings.TrimSuffix(strings.TrimPrefix(last, "\x1b["), "m"), ";")
	return slices.Contains(params, "7")
}
