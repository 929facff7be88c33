package certs

import (
	"fmt"
	"unicode/utf8"
)

// ASCIIJSON escapes every character of JSON text outside printable ASCII
// (DEL and everything from U+0080 on; encoding/json already escapes the C0
// controls and replaces invalid UTF-8 with U+FFFD). Outside strings JSON is
// printable ASCII, so every such character is inside a string, where \uXXXX
// (a surrogate pair above U+FFFF) means the same character: the values stay
// raw for a program reading them, and nothing in the text can act on a
// terminal it is printed to.
func ASCIIJSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if r >= 0x10000 {
			r -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			continue
		}
		out = fmt.Appendf(out, `\u%04x`, r)
	}
	return out
}
