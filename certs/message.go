package certs

import (
	"fmt"
	"unicode/utf8"
)

// MaxMessage is the longest message, in characters, csrtui records on a
// condition it adds.
const MaxMessage = 1024

// CheckMessage says why a message an admin typed can't be recorded on a CSR's
// condition, nil when it can. The requester reads it, often on a terminal
// (kubectl describe), so it holds no control, bidi or invisible character (the
// sanitizer's classifier decides), and it is at most MaxMessage characters
// long. The error names the offending character as U+XXXX, never the
// character itself.
func CheckMessage(msg string) error {
	if i := indexHostile(msg, hostileStops); i < len(msg) {
		at := utf8.RuneCountInString(msg[:i]) + 1
		r, size := utf8.DecodeRuneInString(msg[i:])
		what := fmt.Sprintf("U+%04X", r)
		if r == utf8.RuneError && size == 1 {
			what = fmt.Sprintf("the byte 0x%02X (not UTF-8)", msg[i])
		}
		return fmt.Errorf("the message holds %s at character %d: control, bidi and invisible characters are not recorded", what, at)
	}
	if n := utf8.RuneCountInString(msg); n > MaxMessage {
		return fmt.Errorf("the message is %d characters long: at most %d are recorded", n, MaxMessage)
	}
	return nil
}
