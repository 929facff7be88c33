package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// --readonly: the commands that would write to the cluster refuse before they
// connect, saying so on one line; those that read (export writes a local
// file only) run as ever.
func TestReadOnlyRefusesWritesBeforeConnecting(t *testing.T) {
	for _, args := range [][]string{
		{"approve", "jane-laptop"},
		{"deny", "jane-laptop", "--message", "no"},
		{"request", "--cn", "jane", "--out", "OUT"},
	} {
		t.Run(args[0], func(t *testing.T) {
			f := newFakeCluster(janeLaptop(t))
			d := deps(f)
			d.ReadOnly = func() bool { return true }
			for i, a := range args {
				if a == "OUT" {
					args[i] = t.TempDir()
				}
			}
			out, errOut, code := run(t, d, args...)
			if code != ExitError || out != "" || !strings.Contains(errOut, "--readonly: "+args[0]) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if log := f.callLog(); log != "" {
				t.Errorf("the cluster was asked: %s", log)
			}
		})
	}

	f := newFakeCluster(erinIssued(t))
	d := deps(f)
	d.ReadOnly = func() bool { return true }
	dir := t.TempDir()
	if _, errOut, code := run(t, d, "export", "erin-dashboard", "-o", filepath.Join(dir, "erin.crt")); code != ExitOK {
		t.Errorf("export under --readonly: exit %d: %s", code, errOut)
	}
}
