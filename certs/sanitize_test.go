package certs

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "jane", "jane"},
		{"unicode letters", "café 日本 🔑", "café 日本 🔑"},
		{"backslash", `a\b`, `a\\b`},
		{"escaped-looking text", `\x1b`, `\\x1b`},
		{"tab newline CR", "a\tb\nc\rd", `a\tb\nc\rd`},
		{"NUL", "a\x00b", `a\x00b`},
		{"ESC OSC title", "x\x1b]0;pwned\x07", `x\x1b]0;pwned\x07`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI", "a\u009b31m", `a\u009b31m`},
		{"C1 first and last", "\u0080\u009f", `\u0080\u009f`},
		{"RLO", "abc\u202etxt.exe", `abc\u202etxt.exe`},
		{"bidi range", "\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`},
		{"isolates", "\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		{"marks", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"zero width", "a\u200bb\u200cc\u200dd\u2060e", `a\u200bb\u200cc\u200dd\u2060e`},
		{"BOM", "\ufeffx", `\ufeffx`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"tag character", "a\U000E0041", `a\U000e0041`},
		{"invalid byte", "a\xffb", `a\xffb`},
		{"lone continuation", "\x80", `\x80`},
		{"truncated rune", "日"[:2], `\xe6\x97`},
		{"encoded surrogate", "\xed\xa0\x80", `\xed\xa0\x80`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Sanitize(tc.in).String()
			if got != tc.want {
				t.Fatalf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			assertSafe(t, got)
		})
	}
}

func assertSafe(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if unsafeRune(r) {
			t.Fatalf("unsafe rune %U in %q", r, s)
		}
	}
}

func TestSanitizeFastPath(t *testing.T) {
	for _, s := range []string{"node-csr-abc", "CN=jane,O=dev", "日本語のテキスト"} {
		got := Sanitize(s).String()
		if unsafe.StringData(got) != unsafe.StringData(s) {
			t.Errorf("Sanitize(%q) copied a clean string", s)
		}
		if n := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); n != 0 {
			t.Errorf("Sanitize(%q): %v allocs", s, n)
		}
	}
}

func TestWidthAndTruncate(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
	}{
		{"", 0}, {"abc", 3}, {"日本語", 6}, {"café", 4}, {"a日b", 4}, {"…", 1},
	} {
		if got := Width(Text{tc.in}); got != tc.width {
			t.Errorf("Width(%q) = %d, want %d", tc.in, got, tc.width)
		}
	}
	for _, tc := range []struct {
		in    string
		cells int
		want  string
	}{
		{"abcdef", 6, "abcdef"},
		{"abcdef", 4, "abc…"},
		{"abcdef", 1, "…"},
		{"abcdef", 0, ""},
		{"abcdef", -3, ""},
		{"日本語", 6, "日本語"},
		{"日本語", 5, "日本…"},
		{"日本語", 4, "日…"}, // a wide rune never straddles the limit
		{"a日本", 4, "a日…"},
		{"café crème", 6, "café …"},
	} {
		got := Truncate(Text{tc.in}, tc.cells).String()
		if got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.cells, got, tc.want)
		}
		if tc.cells >= 0 && Width(Text{got}) > tc.cells {
			t.Errorf("Truncate(%q, %d) is %d cells wide", tc.in, tc.cells, Width(Text{got}))
		}
	}
	long := strings.Repeat("界", 50)
	if got := Truncate(Text{long}, 11); Width(got) != 11 && Width(got) != 10 {
		t.Errorf("width %d", Width(got))
	}
}
