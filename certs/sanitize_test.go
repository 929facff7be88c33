package certs

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/charmbracelet/x/ansi"
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
		// Invisible or blank characters a name can hide behind.
		{"Hangul fillers", "build-bot\u1160\u115f\u3164\uffa0", `build-bot\u1160\u115f\u3164\uffa0`},
		{"combining grapheme joiner", "a\u034fb", `a\u034fb`},
		{"Khmer inherent vowels", "\u17b4\u17b5", `\u17b4\u17b5`},
		{"Mongolian variation selectors", "a\u180b\u180c\u180d\u180f", `a\u180b\u180c\u180d\u180f`},
		{"Mongolian vowel separator", "a\u180eb", `a\u180eb`},
		{"variation selectors", "\u2764\ufe0f a\ufe00 b\U000e0100", "\u2764" + `\ufe0f a\ufe00 b\U000e0100`},
		{"braille blank", "jane\u2800", `jane\u2800`},
		{"invisible operators", "a\u2061\u2062\u2063\u2064", `a\u2061\u2062\u2063\u2064`},
		{"musical format", "a\U0001d173", `a\U0001d173`},
		// Every non-ASCII space.
		{"NBSP", "jane\u00a0doe", `jane\u00a0doe`},
		{"en quad to hair space", "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
			`\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a`},
		{"other spaces", "\u1680\u202f\u205f\u3000", `\u1680\u202f\u205f\u3000`},
		{"NEL", "a\u0085b", `a\u0085b`},
		// Private use, unassigned and noncharacters.
		{"private use", "\ue000\uf8ff\U000f0000\U0010fffd", `\ue000\uf8ff\U000f0000\U0010fffd`},
		{"unassigned", "a\u0378\U0002fa20", `a\u0378\U0002fa20`},
		{"noncharacters", "\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff", `\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff`},
		// Combining marks: two on a character stay, the rest are escaped.
		{"one mark", "e\u0301", "e\u0301"},
		{"two marks", "e\u0323\u0302", "e\u0323\u0302"},
		{"zalgo", "e\u0301\u0302\u0303\u0304x\u0301", "e\u0301\u0302" + `\u0303\u0304` + "x\u0301"},
		{"marks counted across an escape", "a\u0301\u034f\u0301", "a\u0301" + `\u034f\u0301`},
		{"marks restart after a base", "a\u0301\u0301b\u0301\u0301", "a\u0301\u0301b\u0301\u0301"},
		{"leading mark", "\u0338jane", `\u0338jane`},
		{"mark after an escape", "\x00\u0301", `\x00` + "\u0301"},
		{"enclosing marks", "1\u20e3\u20dd\u20de", "1\u20e3\u20dd" + `\u20de`},
		// Characters that join a neighbour yet take cells of their own: terminals
		// disagree on their width.
		{"spacing marks", "\u0915\u093e\u093f", "\u0915" + `\u093e\u093f`},
		{"conjunct", "\u0915\u094d\u0937", "\u0915" + `\u094d` + "\u0937"},
		{"conjoining jamo", "\u1100\u1161\u11a8 \uac01", `\u1100\u1161\u11a8` + " \uac01"},
		{"flag", "\U0001f1eb\U0001f1f7", `\U0001f1eb\U0001f1f7`},
		{"skin tone", "\U0001f44d\U0001f3fd", "\U0001f44d" + `\U0001f3fd`},
		{"Thai AM", "\u0e17\u0e33", "\u0e17" + `\u0e33`},
		{"halfwidth voiced mark", "\uff76\uff9e", "\uff76" + `\uff9e`},
		{"prepend", "\u0d4e\u0d15", `\u0d4e` + "\u0d15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Sanitize(tc.in).String()
			if got != tc.want {
				t.Fatalf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			assertSafe(t, got)
			if hasHostile(tc.in, false) != (got != strings.ReplaceAll(tc.in, `\`, `\\`)) {
				t.Fatalf("the control-chars finding and Sanitize disagree on %q", tc.in)
			}
		})
	}
}

// assertSafe checks what reaches the screen: valid UTF-8, no rune unsafeRune
// rejects, no more than two combining marks on a character and none that starts
// the text.
func assertSafe(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("not valid UTF-8: %q", s)
	}
	marks := maxMarks
	for _, r := range s {
		if unsafeRune(r) {
			t.Fatalf("unsafe rune %U in %q", r, s)
		}
		if !unicode.Is(unicode.M, r) {
			marks = 0
		} else if marks++; marks > maxMarks {
			t.Fatalf("%U is one combining mark too many in %q", r, s)
		}
	}
}

// TestSanitizeClasses checks the classifier against Unicode's own properties
// over every code point: nothing Default_Ignorable, no space but U+0020, no
// private use, no unassigned code point reaches the screen unescaped.
func TestSanitizeClasses(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // surrogates are not runes UTF-8 can carry
		}
		want := r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == brailleBlank ||
			unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
			unicode.Is(unicode.Variation_Selector, r) ||
			(r > 0x7f && unicode.Is(unicode.White_Space, r)) ||
			unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) || unicode.Is(unicode.Co, r) ||
			unicode.Is(unicode.Noncharacter_Code_Point, r) || unicode.Is(unicode.Cn, r) ||
			unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Other_Grapheme_Extend, r) || unicode.Is(clusterJoiners, r)
		if got := unsafeRune(r); got != want {
			t.Errorf("unsafeRune(%U) = %v, want %v", r, got, want)
		}
		if got, want := isMark(r), unicode.Is(unicode.M, r); got != want {
			t.Errorf("isMark(%U) = %v, want %v", r, got, want)
		}
	}
}

// TestSanitizedWidthsAgree: whatever Sanitize lets through, Width (grapheme
// clusters, as grapheme-aware terminals count) and a per-character wcwidth sum
// (as tmux, xterm and VTE count) agree on, alone and next to the neighbours
// it could join: itself, a letter, and an Indic consonant on each side.
func TestSanitizedWidthsAgree(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if unsafeRune(r) {
			continue // escaped: plain ASCII
		}
		c := string(r)
		for _, s := range []string{c, "a" + c, c + c, c + "a", "\u0915" + c + "\u0915"} {
			out := Sanitize(s)
			if g, w := Width(out), ansi.StringWidthWc(out.String()); g != w {
				t.Errorf("%U: Width(%q) = %d, but a terminal adding up wcwidths takes %d cells", r, out, g, w)
			}
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
