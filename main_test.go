package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csrtui/csrtui/cli"
)

// An error printed at startup carries text csrtui doesn't control (a path, a
// server's or a proxy's answer): it reaches the terminal escaped, like
// everything else.
func TestStartupErrorsAreSanitized(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "a\x1b]0;pwned\x07b")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"kubeconfig path", []string{"--kubeconfig", kubeconfig}, `a\x1b]0;pwned\x07b`},
		{"unknown flag", []string{"--x\x1b[2J\u202e"}, `--x\x1b[2J\u202e`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// 2: csrtui could not run (see the README's exit codes).
			if code := run(tc.args, &stdout, &stderr); code != cli.ExitError {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, cli.ExitError, stderr.String())
			}
			got := stderr.String()
			if !strings.HasPrefix(got, "csrtui: ") || !strings.Contains(got, tc.want) {
				t.Fatalf("stderr = %q, want the error with %q escaped", got, tc.want)
			}
			if strings.ContainsAny(got, "\x1b\x07\u202e") {
				t.Fatalf("a control character reached the terminal: %q", got)
			}
		})
	}
}
