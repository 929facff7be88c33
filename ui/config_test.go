package ui

import (
	"image/color"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// Every binding set to its default is a valid configuration: the defaults
// bind no key twice on a screen, and every default key is a key.
func TestDefaultKeysCheck(t *testing.T) {
	if p := CheckKeys(nil); len(p) != 0 {
		t.Fatalf("no bindings: %+v", p)
	}
	if p := CheckKeys(DefaultKeys()); len(p) != 0 {
		t.Fatalf("the defaults: %+v", p)
	}
	if got, want := len(DefaultKeys()), len(KeyNames()); got != want || want == 0 {
		t.Fatalf("%d defaults for %d names", got, want)
	}
}

func TestCheckKeys(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bindings map[string][]string
		want     []KeyProblem // Msg: a part of it
	}{
		{"valid", map[string][]string{"approve": {"v"}, "deny": {"V", "ctrl+d"}, "up": {"up", "i"}, "down": {"down", "k"},
			"help": {"f1"}, "back": {"esc", "backspace"}, "pending": {"shift+tab"}, "create": {"+"}, "open": {"enter", "ctrl+alt+o"}}, nil},
		{"unknown", map[string][]string{"aprove": {"a"}}, []KeyProblem{{"aprove", -1, `unknown key binding "aprove" (allowed: up, down,`}}},
		{"fixed", map[string][]string{"confirm": {"Y"}}, []KeyProblem{{"confirm", -1, `"confirm" can't be rebound`}}},
		{"none", map[string][]string{"approve": {}}, []KeyProblem{{"approve", -1, "no key"}}},
		{"not keys", map[string][]string{"approve": {"shift+a", "alt+ctrl+x", " ", "ab", "ctrl+A", "f25", "", "é"}}, []KeyProblem{
			{"approve", 0, `write "A"`}, {"approve", 1, "order ctrl+alt+shift+"}, {"approve", 2, `"space"`},
			{"approve", 3, `"ab" is not a key`}, {"approve", 4, "lower case"}, {"approve", 5, `"f25" is not a key`}, {"approve", 6, "an empty key"},
		}},
		{"twice", map[string][]string{"approve": {"a", "A", "a"}}, []KeyProblem{{"approve", 2, `"a" is listed twice`}}},
		{"a default's key", map[string][]string{"approve": {"X", "j"}}, []KeyProblem{{"approve", 1, `key "j" is down's too on the list`}}},
		{"a fixed key", map[string][]string{"quit": {"ctrl+c"}}, []KeyProblem{{"quit", 0, `key "ctrl+c" is interrupt's on the list, which can't be rebound`}}},
		{"a dialog's key", map[string][]string{"deny": {"y"}}, []KeyProblem{{"deny", 0, `key "y" is confirm's on the approve dialog`}}},
		// Pressed twice, or held, the key would approve what the dialog
		// showed for a moment.
		{"opens and approves", map[string][]string{"approve": {"a", "Y"}}, []KeyProblem{{"approve", 1, `key "Y" approves in the approve dialog it opens`}}},
		{"opens and approves them all", map[string][]string{"approve-marked": {"y"}}, []KeyProblem{{"approve-marked", 0, `key "y" approves in the dialog it opens`}}},
		{"opens and deletes", map[string][]string{"delete-superseded": {"Y"}}, []KeyProblem{{"delete-superseded", 0, `key "Y" deletes in the dialog it opens`}}},
		{"two set", map[string][]string{"approve": {"X"}, "deny": {"X"}}, []KeyProblem{{"deny", 0, `key "X" is approve's too on the list`}}},
		{"another screen", map[string][]string{"filter": {"X"}, "kubeconfig": {"K"}, "deny": {"d"}, "approve": {"a"}, "open": {"o"}, "back": {"o", "esc"}}, []KeyProblem{
			{"back", 0, `key "o" is open's too on the list`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckKeys(tc.bindings)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %d problems", got, len(tc.want))
			}
			for i, w := range tc.want {
				if got[i].Name != w.Name || got[i].Index != w.Index || !strings.Contains(got[i].Msg, w.Msg) {
					t.Errorf("problem %d: got %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

// Rebound keys act, and the help and the hints name them; the old keys do
// nothing.
func TestReboundKeys(t *testing.T) {
	keys := map[string][]string{"approve": {"v"}, "up": {"up", "i"}, "down": {"down", "k"}, "back": {"backspace"}}
	if p := CheckKeys(keys); len(p) != 0 {
		t.Fatal(p)
	}
	h := newHarnessWith(t, 80, 24, testSummaries(), func(_ *harness, c *Config) { c.Keys = keys })
	h.press("k", "k")
	if got := h.selected(); got != "csr-broken" {
		t.Fatalf("k k selected %q", got)
	}
	h.press("i")
	if got := h.selected(); got != "csr-masters" {
		t.Fatalf("i selected %q", got)
	}
	h.run(h.press("a"))
	if h.m.dialog != nil {
		t.Fatal("a still approves")
	}
	if last := h.line(23); !strings.Contains(last, "v approve") {
		t.Fatalf("the help bar does not say v: %q", last)
	}
	h.press("/")
	h.typeText("nothing-matches")
	h.press("enter")
	if !strings.Contains(h.view(), "Nothing matches the filter. backspace clears it.") {
		t.Fatalf("the hint does not name the back key:\n%s", h.view())
	}
	if !slices.ContainsFunc(h.m.helpKeys().ShortHelp(), func(b key.Binding) bool { return b.Help().Key == "backspace" && b.Help().Desc == "clear filter" }) {
		t.Fatal("the help does not offer backspace to clear the filter")
	}
	h.press("backspace")
	if h.m.list.filter != "" {
		t.Fatal("backspace does not clear the kept filter")
	}
	h.press("enter")
	if !strings.Contains(h.line(23), "↑/↓ scroll") {
		t.Fatalf("the detail's help: %q", h.line(23))
	}
	h.run(h.press("v"))
	if _, ok := h.m.dialog.(*confirmDialog); !ok {
		t.Fatalf("v in the detail opened %T", h.m.dialog)
	}
}

var lightBackground = color.RGBA{0xff, 0xff, 0xff, 0xff}

// Configured colours replace the defaults on their background only.
func TestConfiguredColors(t *testing.T) {
	colors := map[string]Color{"accent": {Dark: "#FF0000"}, "danger": {Light: "#00F"}}
	h := newHarnessWith(t, 80, 24, testSummaries(), func(_ *harness, c *Config) { c.Colors = colors })
	red := newTheme(true, colors).accent
	if !strings.Contains(h.m.View().Content, fgSGR(red)) || fgSGR(red) != "38;2;255;0;0" {
		t.Fatalf("the dark accent is not #FF0000 (%s)", fgSGR(red))
	}
	h.send(tea.BackgroundColorMsg{Color: lightBackground})
	if th, def := newTheme(false, colors), newTheme(false, nil); th.accent != def.accent || fgSGR(th.danger) != "38;2;0;0;255" {
		t.Fatalf("light: accent %v (default %v), danger %s", th.accent, def.accent, fgSGR(th.danger))
	}
	if strings.Contains(h.m.View().Content, fgSGR(red)) {
		t.Fatal("the dark accent is used on a light background")
	}
}

// The export and kubeconfig dialogs offer the configured folder.
func TestExportDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	ss := append(testSummaries(), janeIssued())
	h := newHarnessWith(t, 100, 40, ss, func(_ *harness, c *Config) { c.ExportDir = dir })
	h.run(h.press("G", "k", "e"))
	if got, want := h.prompt().input.Value(), filepath.Join(dir, certs.SafeFileName("csr-web-1")+".crt"); got != want {
		t.Fatalf("export offers %q, want %q", got, want)
	}
	h.run(h.press("esc", "G", "K"))
	k := h.kubeconfig()
	if got, want := k.fields[fieldOut].input.Value(), filepath.Join(dir, "jane.kubeconfig"); got != want {
		t.Fatalf("kubeconfig offers %q, want %q", got, want)
	}
	if got := k.fields[fieldKey].input.Value(); got != "./jane.key" {
		t.Fatalf("the key path is %q: it is relative to the kubeconfig", got)
	}
}
