package certs

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitize returns s with every character that could deceive the admin or the
// terminal visibly escaped (e.g. \x1b, \u202e, \u3164), safe to print: see
// unsafeRune for which, plus every invalid UTF-8 byte and the combining marks
// beyond the second on one character. Sanitize wraps it in a Text.
//
// Every string that comes from the API is hostile (CVE-2021-25743: escape
// sequences in API fields rewrote kubectl users' terminals; kubectl's fix only
// replaces ESC and CR). The backslash is escaped too,
// so `\x1b` on screen always means the byte 0x1b, never the four characters.
func sanitize(s string) string {
	sc := newScan(sanitizeStops)
	i := sc.index(s)
	if i == len(s) {
		return s // the fast path: no allocation
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i < len(s) {
		b.WriteString(s[:i])
		s = s[i+writeEscape(&b, s[i:]):]
		i = sc.index(s)
	}
	b.WriteString(s)
	return b.String()
}

// writeEscape writes the escaped form of the character s starts with, and
// returns how many bytes it took.
func writeEscape(b *strings.Builder, s string) int {
	c := s[0]
	if c < utf8.RuneSelf {
		switch c {
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			writeHexByte(b, c)
		}
		return 1
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		writeHexByte(b, c)
		return 1
	}
	writeRuneEscape(b, r)
	return size
}

// unsafeRune reports whether a rune must not reach the terminal as is. It is,
// with scan's limit on combining marks, the one classifier behind Sanitize and
// the control-chars finding:
//   - C0 controls and DEL, C1 controls (0x9b is a one-byte CSI for many terminals);
//   - every rune that is not graphic in Go's unicode tables: format characters
//     (Cf: bidi overrides and isolates, ZWSP/ZWNJ/ZWJ, word joiner, BOM, U+061C,
//     soft hyphen, tag characters), line and paragraph separators, private use
//     (Co), surrogates, and every unassigned code point (Cn), noncharacters
//     included;
//   - every non-ASCII space (NBSP, U+1680, U+2000-200A, U+202F, U+205F, U+3000):
//     it reads as an ordinary space, or as nothing;
//   - Default_Ignorable_Code_Point, which terminals draw as nothing or as a blank
//     of any width: Go has no table for the derived property, but it is Cf plus
//     Other_Default_Ignorable_Code_Point (Hangul fillers U+115F, U+1160, U+3164,
//     U+FFA0, U+034F, U+17B4-5, ...) plus Variation_Selector (U+180B-D, U+180F,
//     U+FE00-FE0F, U+E0100-E01EF), less some of the White_Space and Cf it
//     subtracts (DerivedCoreProperties.txt), all escaped anyway;
//   - U+2800 BRAILLE PATTERN BLANK, a graphic character that draws nothing;
//   - characters whose width terminals disagree on (see clusterJoiners).
//
// Go's tables are those of unicode.Version (15.0.0 in Go 1.26): a character
// assigned by a later version is escaped until Go's tables know it, which errs
// on the side of showing, and keeps to characters whose width the terminal and
// csrtui agree on.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x80:
		return r < 0x20 || r == 0x7f
	case r >= 0xc0 && r <= 0x24f, r >= 0x4e00 && r <= 0x9fff, r >= 0xac00 && r <= 0xd7a3:
		// Latin letters, CJK ideographs and Hangul syllables, the common
		// case, are all graphic and take their cells: skip the tables.
		return false
	case r == brailleBlank:
		return true
	}
	return !unicode.IsGraphic(r) || unicode.IsSpace(r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r) ||
		unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Other_Grapheme_Extend, r) ||
		unicode.Is(clusterJoiners, r)
}

const brailleBlank = '\u2800'

// clusterJoiners, with spacing marks (Mc) and Other_Grapheme_Extend (U+FF9E-F),
// are the graphic characters that join a neighbour into one grapheme cluster
// while taking cells of their own. Width counts a cluster's cells (UAX #29, as
// grapheme-aware terminals do), while tmux, xterm and VTE add up each
// character's wcwidth: on these the two counts differ, so a line measured to
// fit overflows, or a dialog's columns shift. Go has no tables for these
// grapheme properties (auxiliary/GraphemeBreakProperty.txt, emoji-data.txt,
// DerivedCoreProperties.txt Indic_Conjunct_Break); nonspacing marks other than
// the linkers, and precomposed Hangul syllables, are measured alike by both.
var clusterJoiners = &unicode.RangeTable{
	// Linker: a virama that joins the consonants on each side into one cluster
	// (rule GB9c). Prepend: a letter that joins the one after it. SpacingMark
	// letters: THAI and LAO CHARACTER AM.
	R16: []unicode.Range16{
		{Lo: 0x094d, Hi: 0x094d, Stride: 1}, // Linker
		{Lo: 0x09cd, Hi: 0x09cd, Stride: 1}, // Linker
		{Lo: 0x0acd, Hi: 0x0acd, Stride: 1}, // Linker
		{Lo: 0x0b4d, Hi: 0x0b4d, Stride: 1}, // Linker
		{Lo: 0x0c4d, Hi: 0x0c4d, Stride: 1}, // Linker
		{Lo: 0x0d4d, Hi: 0x0d4e, Stride: 1}, // Linker, Prepend
		{Lo: 0x0e33, Hi: 0x0eb3, Stride: 0x80},
		{Lo: 0x1039, Hi: 0x1039, Stride: 1}, // Linker
		{Lo: 0x1100, Hi: 0x11ff, Stride: 1}, // conjoining Hangul jamo: L, V and T join
		{Lo: 0x17d2, Hi: 0x17d2, Stride: 1}, // Linker
		{Lo: 0x1a60, Hi: 0x1a60, Stride: 1}, // Linker
		{Lo: 0x1bab, Hi: 0x1bab, Stride: 1}, // Linker
		{Lo: 0xa960, Hi: 0xa97f, Stride: 1}, // conjoining Hangul jamo, extended-A
		{Lo: 0xaaf6, Hi: 0xaaf6, Stride: 1}, // Linker
		{Lo: 0xd7b0, Hi: 0xd7ff, Stride: 1}, // conjoining Hangul jamo, extended-B
	},
	R32: []unicode.Range32{
		{Lo: 0x10a3f, Hi: 0x10a3f, Stride: 1}, // Linker
		{Lo: 0x11133, Hi: 0x11133, Stride: 1}, // Linker
		{Lo: 0x111c2, Hi: 0x111c3, Stride: 1}, // Prepend
		{Lo: 0x1193e, Hi: 0x1193f, Stride: 1}, // Linker, Prepend
		{Lo: 0x11941, Hi: 0x11941, Stride: 1}, // Prepend
		{Lo: 0x11a3a, Hi: 0x11a3a, Stride: 1}, // Prepend
		{Lo: 0x11a47, Hi: 0x11a47, Stride: 1}, // Linker
		{Lo: 0x11a84, Hi: 0x11a89, Stride: 1}, // Prepend
		{Lo: 0x11a99, Hi: 0x11a99, Stride: 1}, // Linker
		{Lo: 0x11d46, Hi: 0x11d46, Stride: 1}, // Prepend
		{Lo: 0x11f02, Hi: 0x11f02, Stride: 1}, // Prepend
		{Lo: 0x11f42, Hi: 0x11f42, Stride: 1}, // Linker
		{Lo: 0x1f1e6, Hi: 0x1f1ff, Stride: 1}, // regional indicators: a flag is one cluster of two
		{Lo: 0x1f3fb, Hi: 0x1f3ff, Stride: 1}, // emoji skin-tone modifiers
	},
}

// maxMarks is how many combining marks (Unicode category M) in a row a
// character may carry before the rest are escaped: enough for any letter of a
// living script (Vietnamese stacks two), and too few to pile marks over other
// lines (zalgo text) or to hide a character under an overlay.
const maxMarks = 2

// isMark reports whether r is a combining mark (category M); none comes
// before U+0300 or among CJK ideographs and Hangul syllables.
func isMark(r rune) bool {
	return r >= 0x300 && (r < 0x4e00 || r > 0x9fff) && (r < 0xac00 || r > 0xd7a3) && unicode.Is(unicode.M, r)
}

// scan finds the characters that must not reach the terminal as they are. It
// counts combining marks across calls, so a scan that stopped at a character
// goes on after it as if it hadn't stopped.
type scan struct {
	stops *asciiStops
	// marks counts the combining marks since the last base character. It
	// starts at maxMarks, so that a mark at the very start of a text, which
	// would decorate whatever the screen drew before it, is escaped.
	marks int
}

func newScan(stops *asciiStops) scan { return scan{stops: stops, marks: maxMarks} }

// index returns the index of the first character of s not safe to print as
// is: an ASCII byte in stops, an invalid UTF-8 byte, a rune unsafeRune rejects,
// or a combining mark beyond maxMarks in a row; len(s) when there is none.
// Plain ASCII never decodes a rune.
func (sc *scan) index(s string) int {
	marks := sc.marks
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			marks = 0
			if sc.stops[c] {
				sc.marks = marks
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isMark(r) {
			marks++
		} else {
			marks = 0 // an invalid byte is shown escaped: plain ASCII
		}
		if (r == utf8.RuneError && size == 1) || marks > maxMarks || unsafeRune(r) {
			sc.marks = marks
			return i
		}
		i += size
	}
	sc.marks = marks
	return len(s)
}

// asciiStops marks the ASCII bytes a scan stops at: unsafeRune's, but those a
// use allows, plus those it must escape too.
type asciiStops [utf8.RuneSelf]bool

func stopsAt(allowed, also string) *asciiStops {
	var s asciiStops
	for c := range s {
		r := rune(c)
		s[c] = (unsafeRune(r) && !strings.ContainsRune(allowed, r)) || strings.ContainsRune(also, r)
	}
	return &s
}

var (
	sanitizeStops  = stopsAt("", `\`)      // Sanitize escapes the backslash too, so an escape can't be forged
	hostileStops   = stopsAt("", "")       // any field
	multilineStops = stopsAt("\t\n\r", "") // multi-line text, where tabs and line ends are ordinary
)

// indexHostile returns the index of the first character of s that is not safe
// to print as is (see scan.index); len(s) when there is none.
func indexHostile(s string, stops *asciiStops) int {
	sc := newScan(stops)
	return sc.index(s)
}

const hexDigits = "0123456789abcdef"

func writeHexByte(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

func writeRuneEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		b.WriteString(`\U`)
		s := strconv.FormatInt(int64(r), 16)
		b.WriteString(strings.Repeat("0", 8-len(s)))
		b.WriteString(s)
		return
	}
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>uint(shift))&0xf])
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
