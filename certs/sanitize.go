package certs

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitize returns s with every control, bidi, zero-width, BOM character and every
// invalid UTF-8 byte visibly escaped (e.g. \x1b, \u202e), safe to print to a terminal.
//
// Every string that comes from the API is hostile (CVE-2021-25743: escape
// sequences in API fields rewrote kubectl users' terminals; kubectl's fix only
// replaces ESC and CR). The backslash is escaped too,
// so `\x1b` on screen always means the byte 0x1b, never the four characters.
func sanitize(s string) string {
	i := indexHostile(s, sanitizeStops)
	if i == len(s) {
		return s // the fast path: no allocation
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i < len(s) {
		b.WriteString(s[:i])
		s = s[i+writeEscape(&b, s[i:]):]
		i = indexHostile(s, sanitizeStops)
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

// unsafeRune reports whether a rune must not reach the terminal as is: C0
// controls and DEL, C1 controls (0x9b is a one-byte CSI for many terminals),
// every Unicode format character (Cf: bidi overrides and isolates,
// ZWSP/ZWNJ/ZWJ, word joiner, BOM, U+061C, soft hyphen, tag characters) and the
// line and paragraph separators. It is the one classifier behind Sanitize and
// the control-chars finding.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x80:
		return r < 0x20 || r == 0x7f
	case r <= 0x9f:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
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
// to print as is: an ASCII byte in stops, an invalid UTF-8 byte, or a rune
// unsafeRune rejects; len(s) when there is none. Plain ASCII never decodes a rune.
func indexHostile(s string, stops *asciiStops) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if stops[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return len(s)
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
