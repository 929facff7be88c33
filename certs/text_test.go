package certs

import (
	"strings"
	"testing"
)

func TestTextIsMadeOnlyOfSafeText(t *testing.T) {
	a, b := Sanitize("x\x1b"), Sanitize("[2J\u202e")
	if got := Concat(a, b).String(); got != `x\x1b[2J\u202e` {
		t.Fatalf("Concat = %q", got)
	}
	// An escape can't be completed across the join: the backslash is escaped.
	if got := Concat(Sanitize(`\`), Sanitize("x1b")).String(); got != `\\x1b` {
		t.Fatalf("Concat = %q", got)
	}
	if got := Concat().String(); got != "" {
		t.Fatalf("Concat() = %q", got)
	}
	parts := []Text{Sanitize("a"), Sanitize("\x07"), Sanitize("c")}
	if got := Join(parts, Sanitize(", ")).String(); got != `a, \x07, c` {
		t.Fatalf("Join = %q", got)
	}
	var zero Text
	if zero.String() != "" || Width(zero) != 0 {
		t.Fatal("the zero Text is not empty")
	}
}

func TestTextCut(t *testing.T) {
	for _, tc := range []struct {
		in         string
		cells      int
		head, rest string
	}{
		{"abcdef", 4, "abcd", "ef"},
		{"abcdef", 6, "abcdef", ""},
		{"abcdef", 9, "abcdef", ""},
		{"abcdef", 0, "", "abcdef"},
		{"abcdef", -1, "", "abcdef"},
		{"日本語", 5, "日本", "語"}, // a wide rune never straddles the cut
		{"日本語", 1, "", "日本語"},
		{"café crème", 5, "café ", "crème"},
		{"e\u0301e\u0301", 1, "e\u0301", "e\u0301"}, // nor does a grapheme
	} {
		head, rest := Sanitize(tc.in).Cut(tc.cells)
		if head.String() != tc.head || rest.String() != tc.rest {
			t.Errorf("Cut(%q, %d) = %q, %q; want %q, %q", tc.in, tc.cells, head, rest, tc.head, tc.rest)
		}
		if tc.cells >= 0 && Width(head) > tc.cells {
			t.Errorf("Cut(%q, %d): head %d cells", tc.in, tc.cells, Width(head))
		}
	}
	long := Sanitize(strings.Repeat("界", 50) + "\x1b")
	head, rest := long.Cut(11)
	if Width(head) != 10 || head.String()+rest.String() != long.String() {
		t.Fatalf("Cut(11) = %q, %q", head, rest)
	}
}
