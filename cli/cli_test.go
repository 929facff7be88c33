package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// Every command has --help with an example.
func TestEveryCommandHasAnExample(t *testing.T) {
	root := &cobra.Command{Use: "csrtui"}
	for _, cmd := range Commands(deps(newFakeCluster()), root) {
		if !strings.Contains(cmd.Example, "csrtui "+cmd.Name()) {
			t.Errorf("%s: no example that runs it", cmd.Name())
		}
		if cmd.Short == "" || cmd.Long == "" {
			t.Errorf("%s: no description", cmd.Name())
		}
		out, _, code := run(t, deps(newFakeCluster()), cmd.Name(), "--help")
		if code != ExitOK || !strings.Contains(out, "Examples:\n") {
			t.Errorf("%s --help: exit %d\n%s", cmd.Name(), code, out)
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--bogus"}, "csrtui: unknown flag: --bogus (see csrtui list --help)\n"},
		{[]string{"list", "-o", "xml"}, "csrtui: -o xml is not an output format here: use one of table, wide, json, yaml, name\n"},
		{[]string{"list", "extra"}, `csrtui: csrtui list takes no arguments, got "extra" (see csrtui list --help)` + "\n"},
		{[]string{"list", "--findings", "severe"}, "csrtui: --findings severe is not a severity: use one of info, low, medium, high, critical, block\n"},
		{[]string{"list", "--max-client-duration", "0"}, "csrtui: --min-rsa-bits must be >= 0, and --max-client-duration and --cluster-signing-duration > 0\n"},
		{[]string{"approve"}, "csrtui: csrtui approve needs the name of at least one certificate signing request (see csrtui approve --help)\n"},
		{[]string{"approve", "csr/"}, "csrtui: an empty name was given\n"},
		{[]string{"check", "--max-pending-age", "-1h"}, "csrtui: --max-pending-age must be 0 (don't check) or more\n"},
		{[]string{"check", "-o", "wide"}, "csrtui: -o wide is not an output format here: use one of table, json, yaml, name\n"},
		{[]string{"completion"}, "csrtui: csrtui completion needs one shell: bash, zsh, fish or powershell (see csrtui completion --help)\n"},
		{[]string{"completion", "tcsh"}, "csrtui: no completion for \"tcsh\": use bash, zsh, fish or powershell\n"},
		{[]string{"list", "--findings", "\x1b[2J"}, `csrtui: --findings \x1b[2J is not a severity: use one of info, low, medium, high, critical, block` + "\n"},
	} {
		f := newFakeCluster()
		out, errOut, code := run(t, deps(f), tc.args...)
		if code != ExitError || out != "" || errOut != tc.want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q\nwant %q", tc.args, code, out, errOut, tc.want)
		}
		if f.callLog() != "" {
			t.Errorf("%q asked the cluster: %s", tc.args, f.callLog())
		}
	}
}

// An unreachable cluster is one line and exit code 2 for every command.
func TestUnreachableClusterExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"list"}, {"describe", "x"}, {"approve", "x"}, {"deny", "x"}, {"export", "x", "-o", "-"}, {"check"},
		{"request", "--cn", "jane", "--out", t.TempDir()},
	} {
		out, errOut, code := run(t, unreachable(), args...)
		if code != ExitError || out != "" || errOut != "csrtui: cannot reach https://10.9.9.9:6443 (context \"prod\"): connection refused\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("cannot reach"), 2},
		{UsageError(errors.New("bad flag")), 2},
		{withCode(ExitNotAsAsked, errors.New("1 of 2 requests not approved")), 1},
		{withCode(ExitDenied, errors.New("denied")), 3},
		{withCode(ExitTimeout, errors.New("still pending")), 4},
		{fmt.Errorf("connecting: %w", context.Canceled), 130},
		{withCode(ExitInterrupted, errors.New("interrupted")), 130},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if ErrorLine(errors.New("server said: \x1b]0;pwned\x07\nsecond line")) != `server said: \x1b]0;pwned\x07\nsecond line` {
		t.Error("ErrorLine does not escape")
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out, _, code := run(t, deps(newFakeCluster()), "completion", shell)
		if code != ExitOK || !strings.Contains(out, "csrtui") || len(out) < 1000 {
			t.Errorf("%s: exit %d, %d bytes", shell, code, len(out))
		}
	}
}

// Names complete from the cluster, by state, and never ones a shell could be
// fooled by.
func TestCompletionOfNames(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t), hostile(t))
	out, _, _ := run(t, deps(f), cobra.ShellCompRequestCmd, "approve", "")
	if got := strings.Join(completions(out), " "); got != "break-glass jane-laptop" {
		t.Errorf("approve completes %q", got)
	}
	out, _, _ = run(t, deps(f), cobra.ShellCompRequestCmd, "export", "")
	if got := strings.Join(completions(out), " "); got != "erin-dashboard" {
		t.Errorf("export completes %q", got)
	}
	out, _, _ = run(t, deps(f), cobra.ShellCompRequestCmd, "describe", "")
	if got := strings.Join(completions(out), " "); got != "break-glass erin-dashboard jane-laptop" {
		t.Errorf("describe completes %q", got)
	}
	out, _, _ = run(t, unreachable(), cobra.ShellCompRequestCmd, "describe", "")
	if got := completions(out); len(got) != 0 || !strings.HasSuffix(strings.TrimSpace(out), ":1") {
		t.Errorf("unreachable completes %q", out)
	}
}

// completions are the candidates of cobra's __complete output (the last line
// is the directive).
func completions(out string) []string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[:len(lines)-1]
}

func TestPrintTableMeasuresCells(t *testing.T) {
	var b bytes.Buffer
	if err := printTable(&b, []string{"NAME", "SUBJECT"}, [][]string{{"日本", "x"}, {"a\x1b", "y"}}); err != nil {
		t.Fatal(err)
	}
	want := "NAME    SUBJECT\n日本    x\na\\x1b   y\n" // 日本 is four cells wide
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestJSONAndYAMLAreASCII(t *testing.T) {
	v := map[string]any{"a": "é日\U0001F600\x1b\u202e", "b": []any{}, "c": map[string]any{}, "d": nil, "e": 1.5, "f": true,
		"g": []any{map[string]any{"x": "y", "z": []any{"1", "2"}}, []any{"nested"}}, "key: odd": "no", "h": "2026-01-02", "i": "yes", "j": "a: b", "k": ""}
	var j, y bytes.Buffer
	if err := writeJSON(&j, v); err != nil {
		t.Fatal(err)
	}
	if err := writeYAML(&y, v); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"json": j.String(), "yaml": y.String()} {
		for _, r := range out {
			if r != '\n' && (r < 0x20 || r > 0x7e) {
				t.Errorf("%s holds %U:\n%s", name, r, out)
			}
		}
	}
	if !strings.Contains(j.String(), `"\u00e9\u65e5\ud83d\ude00\u001b\u202e"`) {
		t.Errorf("json:\n%s", j.String())
	}
	var fromJSON, fromYAML any
	if err := json.Unmarshal(j.Bytes(), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(y.Bytes(), &fromYAML); err != nil {
		t.Fatalf("%v\n%s", err, y.String())
	}
	if fmt.Sprint(fromJSON) != fmt.Sprint(fromYAML) {
		t.Errorf("yaml reads back differently:\n%s\n%v\n%v", y.String(), fromJSON, fromYAML)
	}
	for _, want := range []string{"h: \"2026-01-02\"\n", "i: \"yes\"\n", "j: \"a: b\"\n", "k: \"\"\n", "\"key: odd\": \"no\"\n", "b: []\n", "c: {}\n", "d: null\n",
		"g:\n- x: \"y\"\n  z:\n  - \"1\"\n  - \"2\"\n- - nested\n"} {
		if !strings.Contains(y.String(), want) {
			t.Errorf("yaml lacks %q:\n%s", want, y.String())
		}
	}
}
