package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/cli"
	"github.com/csrtui/csrtui/ui"
)

// TestMain keeps the tests from reading the config file of whoever runs
// them, and from keeping a record in their state folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "csrtui-config")
	if err != nil {
		panic(err)
	}
	state, err := os.MkdirTemp("", "csrtui-state")
	if err != nil {
		panic(err)
	}
	_ = os.Setenv("XDG_CONFIG_HOME", dir)
	_ = os.Setenv("XDG_STATE_HOME", state)
	code := m.Run()
	_ = os.RemoveAll(dir)
	_ = os.RemoveAll(state)
	os.Exit(code)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigGoodFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	c, err := parseConfig("config.yaml", []byte(`
# thresholds
max-client-duration: 48h
min-rsa-bits: 3072
cluster-signing-duration: "720h"
issue-timeout: 1m
export-dir: ~/certs
log: ""
mouse: false
keys:
  approve: v
  deny: [V, ctrl+d]
  help: ["?", f1]
theme:
  accent: "#FF0000"
  danger: {light: "#00f"}
`))
	if err != nil {
		t.Fatal(err)
	}
	wantFlags := map[string]string{"max-client-duration": "48h0m0s", "min-rsa-bits": "3072", "cluster-signing-duration": "720h0m0s", "issue-timeout": "1m0s"}
	if !maps.Equal(c.flags, wantFlags) {
		t.Errorf("flags %v", c.flags)
	}
	if *c.exportDir != filepath.Join(home, "certs") || *c.log != "" || *c.mouse {
		t.Errorf("export-dir %q, log %q, mouse %v", *c.exportDir, *c.log, *c.mouse)
	}
	if !maps.EqualFunc(c.keys, map[string][]string{"approve": {"v"}, "deny": {"V", "ctrl+d"}, "help": {"?", "f1"}}, slices.Equal) {
		t.Errorf("keys %v", c.keys)
	}
	if !maps.Equal(c.colors, map[string]ui.Color{"accent": {Dark: "#FF0000", Light: "#FF0000"}, "danger": {Light: "#00f"}}) {
		t.Errorf("colors %v", c.colors)
	}
}

// What a config file can't hold, each said on one line at its place.
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"unknown key", "min-rsa-bits: 2048\ncolour: red\n",
			`config.yaml:2:1: unknown key "colour" (allowed: max-client-duration, min-rsa-bits, cluster-signing-duration, issue-timeout, export-dir, log, mouse, keys, theme)`},
		{"bad number", "min-rsa-bits: x\n", `config.yaml:1:15: bad value "x" for min-rsa-bits: want a whole number of bits >= 0, such as 2048`},
		{"negative number", "min-rsa-bits: -1\n", `config.yaml:1:15: bad value "-1" for min-rsa-bits: want a whole number of bits >= 0, such as 2048`},
		{"no unit", "max-client-duration: 24\n", `config.yaml:1:22: bad value "24" for max-client-duration: want a duration > 0 such as 24h, 90m or 30s`},
		{"zero duration", "issue-timeout: 0s\n", `config.yaml:1:16: bad value "0s" for issue-timeout: want a duration > 0 such as 24h, 90m or 30s`},
		{"a list for a value", "cluster-signing-duration: [1h]\n", `config.yaml:1:27: bad value (a list) for cluster-signing-duration: want a duration > 0 such as 24h, 90m or 30s`},
		{"yes is not true", "mouse: yes\n", `config.yaml:1:8: bad value "yes" for mouse: want true or false`},
		{"nothing", "mouse:\n", `config.yaml:1:7: bad value (nothing) for mouse: want true or false`},
		{"empty folder", "export-dir: ''\n", `config.yaml:1:13: bad value "" for export-dir: want a path`},
		{"null log", "log: null\n", `config.yaml:1:6: bad value (nothing) for log: want a path, or "" for none`},
		// The example says ~/ is the home folder; YAML reads a bare ~ as null.
		{"bare ~", "export-dir: ~\n", `config.yaml:1:13: bad value ~ for export-dir: YAML reads a bare ~ as nothing; write "~" for your home folder`},
		{"unknown binding", "keys:\n  aprove: [a]\n", `config.yaml:2:3: keys.aprove: unknown key binding "aprove" (allowed: up, down, page-up, page-down, first, last, open, back, approve, deny, export, kubeconfig, create, filter, pending, mark, mark-all, unmark, approve-marked, deny-marked, delete-superseded, record, still-valid, help, quit)`},
		{"not a key", "keys:\n  approve: [a, shift+b]\n", `config.yaml:2:16: keys.approve: "shift+b" is not a key: the terminal reports the character shift types (write "B")`},
		{"a key twice on a screen", "keys:\n  deny: [X]\n  approve: [z, j]\n",
			`config.yaml:3:16: keys.approve: key "j" is down's too on the list: a key does one thing on a screen`},
		{"no keys", "keys:\n  quit: []\n", `config.yaml:2:3: keys.quit: no key: give at least one`},
		{"keys as a list", "keys: [a, d]\n", `config.yaml:1:7: want key bindings as name: [keys], found a list`},
		{"a mapping for a key", "keys:\n  quit: {q: 1}\n", `config.yaml:2:9: bad value (a mapping) for keys.quit: want a key, or a list of keys such as [a, "?", ctrl+a, enter]`},
		{"unquoted colour", "theme:\n  accent: #FF0000\n", `config.yaml:2:10: bad value (nothing) for theme.accent: want a colour as "#RRGGBB" or "#RGB", quoted (an unquoted # starts a comment)`},
		{"bad colour", "theme:\n  accent: {dark: \"#12345\"}\n", `config.yaml:2:18: bad value "#12345" for theme.accent.dark: want a colour as "#RRGGBB" or "#RGB", quoted (an unquoted # starts a comment)`},
		{"colour name", "theme:\n  red: '#F00'\n", `config.yaml:2:3: unknown key "red" (allowed: accent, muted, ok, info, warn, high, danger, selected-fg, selected-bg, badge-fg, badge-bg)`},
		{"background name", "theme:\n  ok: {dim: '#F00'}\n", `config.yaml:2:8: unknown key "dim" (allowed: dark, light)`},

		// Hostile files.
		{"tabs", "keys:\n\tquit: [q]\n", `config.yaml:2: found character that cannot start any token`},
		{"a list at the top", "- min-rsa-bits: 2048\n", `config.yaml:1:1: want settings as name: value lines, found a list`},
		{"a value at the top", "hello\n", `config.yaml:1:1: want settings as name: value lines, found a value`},
		{"twice", "mouse: true\nmin-rsa-bits: 1\nmouse: false\n", `config.yaml:3:1: key "mouse" is set twice (first on line 1)`},
		{"twice inside", "keys:\n  quit: [q]\n  quit: [x]\n", `config.yaml:3:3: key "quit" is set twice (first on line 2)`},
		{"an alias", "keys:\n  quit: &q [q]\n  help: *q\n", `config.yaml:2:9: anchors and aliases are not allowed: write each value out`},
		{"a bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
			`config.yaml:1:4: anchors and aliases are not allowed: write each value out`},
		{"a tag", "mouse: !yes true\n", `config.yaml:1:8: tag "!yes" is not allowed`},
		{"two documents", "mouse: true\n---\nmouse: false\n", `config.yaml:2:1: a second YAML document: the file holds one`},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00", `config.yaml: control characters are not allowed`},
		{"deep", strings.Repeat("[", 20000), `config.yaml: exceeded max depth of 10000`},
		{"a complex key", "? [a]\n: 1\n", `config.yaml:1:3: a key must be a name, found a list`},
		{"long value", "mouse: " + strings.Repeat("x", 100) + "\n", `config.yaml:1:8: bad value "` + strings.Repeat("x", 40) + `…" for mouse: want true or false`},
		{"control in a path", "export-dir: \"a\\x1b]0;x\\x07\"\n", `config.yaml:1:13: bad value "a\x1b]0;x\a" for export-dir: want a path without control or invisible characters`},
		{"bidi in a path", "log: \"a\\u202Eb\"\n", `config.yaml:1:6: bad value "a\u202eb" for log: want a path without control or invisible characters, or "" for none`},
		{"control in a value", "mouse: \"\\x1b[2J\"\n", `config.yaml:1:8: bad value "\x1b[2J" for mouse: want true or false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("config.yaml", []byte(tc.in))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

// Files that set nothing set nothing.
func TestConfigEmpty(t *testing.T) {
	for _, in := range []string{"", "\n\n", "# only\n# comments\n", "~\n", "---\n", "{}\n"} {
		c, err := parseConfig("config.yaml", []byte(in))
		if err != nil || len(c.flags) != 0 || c.keys != nil || c.colors != nil || c.mouse != nil || c.exportDir != nil || c.log != nil {
			t.Errorf("%q: %+v, %v", in, c, err)
		}
	}
}

func TestReadConfigFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	if c, err := readConfig(missing, false); c != nil || err != nil {
		t.Errorf("a missing default file: %v, %v", c, err)
	}
	if _, err := readConfig(missing, true); err == nil || err.Error() != "config file "+missing+" does not exist" {
		t.Errorf("a missing --config file: %v", err)
	}
	dangling := filepath.Join(dir, "dangling.yaml")
	loop := filepath.Join(dir, "loop.yaml")
	fifo := filepath.Join(dir, "fifo.yaml")
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.Symlink(missing, dangling); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(huge, bytes.Repeat([]byte("# a comment\n"), maxConfigFile/10), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{dangling, "config file " + dangling + " is a symlink to nothing"},
		{loop, "config file " + loop + " is a loop of symlinks"},
		{dir, "config file " + dir + " is a folder"},
		{fifo, "config file " + fifo + " is not a regular file (a pipe, a device or a socket)"},
		{huge, "config file " + huge + " is over 256 KiB: not a csrtui config"},
	} {
		for _, explicit := range []bool{false, true} {
			if _, err := readConfig(tc.path, explicit); err == nil || err.Error() != tc.want {
				t.Errorf("%s (explicit %v): %v", tc.path, explicit, err)
			}
		}
	}
}

// A flag given on the command line wins over the file, which wins over the
// defaults, for the console and for the commands alike.
func TestConfigFlagOverFile(t *testing.T) {
	path := writeFile(t, "config.yaml", "max-client-duration: 48h\nmin-rsa-bits: 4096\nexport-dir: /srv/certs\nmouse: false\nkeys: {approve: [v]}\ntheme: {ok: '#0F0'}\n")
	o := newOptions()
	root := newRootCommand(o, &bytes.Buffer{}, &bytes.Buffer{})
	if err := root.ParseFlags([]string{"--config", path, "--min-rsa-bits", "1024"}); err != nil {
		t.Fatal(err)
	}
	if err := root.PersistentPreRunE(root, nil); err != nil {
		t.Fatal(err)
	}
	want := certs.DefaultPolicy()
	want.MaxClientDuration, want.MinRSABits = 48*time.Hour, 1024
	if o.policy != want {
		t.Errorf("policy %+v, want %+v", o.policy, want)
	}
	cfg := o.consoleConfig()
	if cfg.Policy != want || cfg.ExportDir != "/srv/certs" || cfg.Mouse || !slices.Equal(cfg.Keys["approve"], []string{"v"}) || cfg.Colors["ok"].Dark != "#0F0" {
		t.Errorf("the console gets %+v", cfg)
	}

	// A command: its own flags, and the export folder.
	o = newOptions()
	root = newRootCommand(o, &bytes.Buffer{}, &bytes.Buffer{})
	list, _, err := root.Find([]string{"list"})
	if err != nil {
		t.Fatal(err)
	}
	if err := list.ParseFlags([]string{"--config", path, "--max-client-duration", "1h"}); err != nil {
		t.Fatal(err)
	}
	if err := root.PersistentPreRunE(list, nil); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"max-client-duration": "1h0m0s", "min-rsa-bits": "4096", "cluster-signing-duration": "8760h0m0s"} {
		if got := list.Flags().Lookup(name).Value.String(); got != want {
			t.Errorf("list --%s is %s, want %s", name, got, want)
		}
	}
	if o.exportDir != "/srv/certs" {
		t.Errorf("export-dir %q", o.exportDir)
	}
}

// Through the command line: a config file with a problem, or a --config
// that is missing, stops csrtui with exit code 2 and one line; a good one
// lets the command run; --config= reads none.
func TestConfigExitCodes(t *testing.T) {
	bad := writeFile(t, "config.yaml", "mouse: true\ncolour: red\n")
	good := writeFile(t, "config.yaml", "mouse: false\n")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"list", "--config", bad}, cli.ExitError, "csrtui: " + bad + `:2:1: unknown key "colour" (allowed: `},
		{[]string{"--config", bad}, cli.ExitError, "csrtui: " + bad + `:2:1: unknown key "colour"`},
		{[]string{"--config", bad + ".missing"}, cli.ExitError, "csrtui: config file " + bad + ".missing does not exist\n"},
		// Help and completion read no settings: help is how to find out
		// what to fix, and completion runs in every new shell.
		{[]string{"help", "--config", bad}, cli.ExitOK, ""},
		{[]string{"completion", "bash", "--config", bad}, cli.ExitOK, ""},
		{[]string{"__complete", "get", "--config", bad, ""}, cli.ExitOK, "Completion ended with directive: "},
		{[]string{"help", "list", "--config", bad}, cli.ExitOK, ""},
		{[]string{"completion", "bash", "--config", good}, cli.ExitOK, ""},
		{[]string{"completion", "bash", "--config="}, cli.ExitOK, ""},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.HasPrefix(stderr.String(), tc.want) || (tc.want == "" && stderr.Len() > 0) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr.String())
		}
		if strings.Count(stderr.String(), "\n") > 1 {
			t.Errorf("%v: more than a line: %q", tc.args, stderr.String())
		}
	}
	// The default file is read too.
	if err := os.MkdirAll(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "csrtui"), 0o700); err != nil {
		t.Fatal(err)
	}
	def := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "csrtui", "config.yaml")
	if err := os.WriteFile(def, []byte("colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Remove(def) }()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"list"}, &stdout, &stderr); code != cli.ExitError || !strings.HasPrefix(stderr.String(), "csrtui: "+def+":1:1: unknown key") {
		t.Errorf("the default file: exit %d, %q", code, stderr.String())
	}
	stderr.Reset()
	missing := filepath.Join(t.TempDir(), "no-kubeconfig")
	if code := run([]string{"list", "--config=", "--kubeconfig", missing}, &stdout, &stderr); code == cli.ExitOK || strings.Contains(stderr.String(), def) || !strings.Contains(stderr.String(), missing) {
		t.Errorf("--config= still reads the default file: exit %d, %q", code, stderr.String())
	}
}

// The example in docs/ parses, sets every setting the loader knows, each to
// its default, and says what each means.
func TestConfigExample(t *testing.T) {
	const path = "docs/config.example.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseConfig(path, data)
	if err != nil {
		t.Fatal(err)
	}

	// Every key, as a path, and that each is explained.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var listed []string
	root := doc.Content[0]
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		listed = append(listed, k.Value)
		if k.HeadComment == "" {
			t.Errorf("%s: no comment says what it is", k.Value)
		}
		if v.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j < len(v.Content); j += 2 {
			sk, sv := v.Content[j], v.Content[j+1]
			listed = append(listed, k.Value+"."+sk.Value)
			if sk.LineComment == "" && sv.LineComment == "" {
				t.Errorf("%s.%s: no comment says what it is", k.Value, sk.Value)
			}
			for l := 0; sv.Kind == yaml.MappingNode && l < len(sv.Content); l += 2 {
				listed = append(listed, k.Value+"."+sk.Value+"."+sv.Content[l].Value)
			}
		}
	}
	var known []string
	for _, s := range settings {
		known = append(known, s.name)
	}
	for _, n := range ui.KeyNames() {
		known = append(known, "keys."+n)
	}
	for _, n := range ui.ColorNames() {
		known = append(known, "theme."+n, "theme."+n+".dark", "theme."+n+".light")
	}
	slices.Sort(listed)
	slices.Sort(known)
	if !slices.Equal(listed, known) {
		t.Errorf("the example lists\n%v\nthe loader knows\n%v", listed, known)
	}

	// Each set to its default.
	p := certs.DefaultPolicy()
	wantFlags := map[string]string{"max-client-duration": p.MaxClientDuration.String(), "min-rsa-bits": "2048",
		"cluster-signing-duration": p.ClusterSigningDuration.String(), "issue-timeout": p.IssueTimeout.String()}
	if p.MinRSABits != 2048 || !maps.Equal(c.flags, wantFlags) {
		t.Errorf("thresholds %v, defaults %v", c.flags, wantFlags)
	}
	if !maps.EqualFunc(c.keys, ui.DefaultKeys(), slices.Equal) {
		t.Errorf("keys %v, defaults %v", c.keys, ui.DefaultKeys())
	}
	if !maps.EqualFunc(c.colors, ui.DefaultColors(), func(a, b ui.Color) bool {
		return strings.EqualFold(a.Dark, b.Dark) && strings.EqualFold(a.Light, b.Light)
	}) {
		t.Errorf("colours %v, defaults %v", c.colors, ui.DefaultColors())
	}
	o := newOptions()
	if *c.exportDir != "." || *c.mouse != o.mouse {
		t.Errorf("export-dir %q, mouse %v", *c.exportDir, *c.mouse)
	}
}

// Every threshold a flag sets can be set in the file too.
func TestEveryThresholdIsASetting(t *testing.T) {
	root := newRootCommand(newOptions(), &bytes.Buffer{}, &bytes.Buffer{})
	var want []string
	fs := pflag.NewFlagSet("policy", pflag.ContinueOnError)
	p := certs.DefaultPolicy()
	cli.AddPolicyFlags(fs, &p)
	fs.VisitAll(func(f *pflag.Flag) { want = append(want, f.Name) })
	want = append(want, "issue-timeout")
	for _, name := range want {
		if root.Flags().Lookup(name) == nil {
			t.Errorf("the console has no --%s", name)
		}
		if !slices.Contains(settingNames(), name) {
			t.Errorf("--%s is not a setting of the config file", name)
		}
	}
}

// The default file follows the XDG Base Directory Specification, as the
// record's folder does: $XDG_CONFIG_HOME, or the default folder when it is
// unset or a relative path (which the specification says to ignore), never
// no file at all.
func TestDefaultConfigPath(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", "")
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "csrtui", "config.yaml")
	if p := defaultConfigPath(); p != want {
		t.Errorf("XDG_CONFIG_HOME unset: %q, want %q", p, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/config")
	if p := defaultConfigPath(); p != want {
		t.Errorf("XDG_CONFIG_HOME relative: %q, want %q", p, want)
	}
}
