package certs

import (
	"strings"
	"testing"
)

func TestCheckMessage(t *testing.T) {
	for _, ok := range []string{"", "not on the team roster", "café, 日本語: ok", strings.Repeat("é", MaxMessage)} {
		if err := CheckMessage(ok); err != nil {
			t.Errorf("CheckMessage(%.20q) = %v", ok, err)
		}
	}
	for msg, want := range map[string]string{
		strings.Repeat("x", MaxMessage+1): "the message is 1025 characters long: at most 1024 are recorded",
		"deny\x1b[2J":                     "the message holds U+001B at character 5",
		"no\u202eexe.txt":                 "the message holds U+202E at character 3",
		"zero\u200bwidth":                 "the message holds U+200B at character 5",
		"tab\there":                       "the message holds U+0009 at character 4",
		"new\nline":                       "the message holds U+000A at character 4",
		"c1\u009b31m":                     "the message holds U+009B at character 3",
		"bad\xffbyte":                     "the message holds the byte 0xFF (not UTF-8) at character 4",
		strings.Repeat("é", 2000) + "\u2066evil": "the message holds U+2066 at character 2001",
	} {
		err := CheckMessage(msg)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("CheckMessage(%.20q) = %v, want %q", msg, err, want)
			continue
		}
		// The error never carries the character it refuses.
		if i := indexHostile(err.Error(), hostileStops); i < len(err.Error()) {
			t.Errorf("the error holds what it refuses: %q", err)
		}
	}
}
