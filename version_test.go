package main

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{{
		name:    "release: what the linker was given",
		version: "v1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", date: "2026-05-04T12:00:00Z",
		info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
		want: "v1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-05-04T12:00:00Z)",
	}, {
		name:    "release without a date",
		version: "v1.2.3", commit: "0123abc",
		want: "v1.2.3 (commit 0123abc, date unknown)",
	}, {
		name:    "go install of a tag: the module version only",
		version: "dev",
		info:    &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}},
		want:    "v1.2.3 (commit unknown, date unknown)",
	}, {
		name:    "go install of an untagged commit: the pseudo-version holds both",
		version: "dev",
		info:    &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260504120000-0123456789ab"}},
		want:    "v0.0.0-20260504120000-0123456789ab (commit 0123456789ab, committed 2026-05-04T12:00:00Z)",
	}, {
		name:    "go build in a checkout with changes",
		version: "dev",
		info: &debug.BuildInfo{
			Main:     debug.Module{Version: "v1.2.4-0.20260504120000-0123456789ab+dirty"},
			Settings: vcs("vcs", "git", "vcs.revision", "0123456789abcdef0123456789abcdef01234567", "vcs.time", "2026-05-04T12:00:00Z", "vcs.modified", "true"),
		},
		want: "v1.2.4-0.20260504120000-0123456789ab+dirty (commit 0123456789abcdef0123456789abcdef01234567 with uncommitted changes, committed 2026-05-04T12:00:00Z)",
	}, {
		name:    "go build without VCS information",
		version: "dev",
		info:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
		want:    "dev (commit unknown, date unknown)",
	}, {
		name:    "no build information at all",
		version: "dev",
		want:    "dev (commit unknown, date unknown)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionLine(tc.version, tc.commit, tc.date, tc.info); got != tc.want {
				t.Errorf("versionLine = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVersionFlag builds csrtui as a release does, with -X, and as go build
// does, without, and asks each binary for its version.
func TestVersionFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds csrtui twice: run without -short")
	}
	dir := t.TempDir()
	build := func(name string, flags ...string) string {
		t.Helper()
		bin := filepath.Join(dir, name)
		args := append([]string{"build", "-o", bin}, flags...)
		if out, err := exec.CommandContext(t.Context(), "go", append(args, ".")...).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", strings.Join(flags, " "), err, out)
		}
		return bin
	}
	versionOf := func(bin string) string {
		t.Helper()
		out, err := exec.CommandContext(t.Context(), bin, "--version").CombinedOutput()
		if err != nil {
			t.Fatalf("%s --version: %v\n%s", bin, err, out)
		}
		return string(out)
	}

	release := build("release", "-ldflags",
		"-X main.version=v1.2.3 -X main.commit=0123456789abcdef0123456789abcdef01234567 -X main.date=2026-05-04T12:00:00Z")
	if got, want := versionOf(release), "csrtui version v1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-05-04T12:00:00Z)\n"; got != want {
		t.Errorf("release build: --version = %q, want %q", got, want)
	}

	// Without -X the binary falls back to what the go command recorded in it:
	// the revision and its time when built in a git checkout, else nothing.
	plain := build("plain")
	info, err := buildinfo.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	got := versionOf(plain)
	if want := "csrtui version " + versionLine("dev", "", "", info) + "\n"; got != want {
		t.Errorf("plain build: --version = %q, want %q", got, want)
	}
	revision := "unknown"
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			revision = s.Value
		}
	}
	if !strings.Contains(got, "(commit "+revision) {
		t.Errorf("plain build: --version = %q, want the commit the go command recorded, %s", got, revision)
	}

	// The name follows the program's: kubectl runs the plugin as kubectl-csrtui.
	plugin := filepath.Join(dir, "kubectl-csrtui")
	if err := os.Rename(release, plugin); err != nil {
		t.Fatal(err)
	}
	if got := versionOf(plugin); !strings.HasPrefix(got, "kubectl csrtui version v1.2.3 (") {
		t.Errorf("as kubectl-csrtui: --version = %q, want it to begin with %q", got, "kubectl csrtui version v1.2.3 (")
	}
}
