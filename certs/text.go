package certs

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text is text that is safe to show on a terminal: every control, bidi and
// invisible character, and every invalid byte, in it is visibly escaped.
// Sanitize alone makes one from a string; the functions below make Texts only
// from Texts. A renderer that takes Text can't be handed a raw value from the
// API: that does not compile.
type Text struct{ s string }

// Sanitize returns s with every character that must not reach a terminal as
// is visibly escaped (e.g. \x1b, \u202e), and the backslash too, so that
// `\x1b` on screen always means the byte 0x1b (see sanitize).
func Sanitize(s string) Text { return Text{sanitize(s)} }

// String is the text as it is written to the terminal.
func (t Text) String() string { return t.s }

// Concat joins texts end to end. Two safe texts make a safe one: each is
// valid UTF-8 with every unsafe character already escaped, and an escape can't
// be completed across the join since the backslash is escaped too.
func Concat(parts ...Text) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.s)
	}
	return Text{b.String()}
}

// Join joins texts with sep between them.
func Join(elems []Text, sep Text) Text {
	ss := make([]string, len(elems))
	for i, e := range elems {
		ss[i] = e.s
	}
	return Text{strings.Join(ss, sep.s)}
}

// Width is the display width of t in terminal cells (east-asian wide
// characters and emoji take two).
func Width(t Text) int {
	if isPrintableASCII(t.s) {
		return len(t.s)
	}
	return ansi.StringWidth(t.s)
}

// Truncate cuts t to at most cells display cells, ending with "…" when it
// cut. It never splits a wide character or a grapheme.
func Truncate(t Text, cells int) Text {
	if cells <= 0 {
		return Text{}
	}
	s := t.s
	if isPrintableASCII(s) {
		if len(s) <= cells {
			return t
		}
		return Text{s[:cells-1] + "…"}
	}
	if ansi.StringWidth(s) <= cells {
		return t
	}
	return Text{ansi.Truncate(s, cells, "…")}
}

// Cut splits t where its first cells display cells end, never inside a wide
// character or a grapheme: head is at most cells wide, and head then rest is t.
func (t Text) Cut(cells int) (head, rest Text) {
	if cells <= 0 {
		return Text{}, t
	}
	s := t.s
	if isPrintableASCII(s) {
		n := min(cells, len(s))
		return Text{s[:n]}, Text{s[n:]}
	}
	h := ansi.Truncate(s, cells, "")
	if !strings.HasPrefix(s, h) { // not a prefix: cut before the first rune that does not fit
		h = ""
		for i := range s {
			if ansi.StringWidth(s[:i]) > cells {
				break
			}
			h = s[:i]
		}
		if ansi.StringWidth(s) <= cells {
			h = s
		}
	}
	return Text{h}, Text{s[len(h):]}
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
