package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// csrtuiBinary returns the csrtui binary under test: $CSRTUI_BIN, or one built
// once per test process from this checkout, into a temporary folder TestMain removes.
// With -short it skips t.
func csrtuiBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives the csrtui binary: run without -short (or make test)")
	}
	if bin := os.Getenv("CSRTUI_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("CSRTUI_BIN=%s: %v", bin, err)
		}
		return bin
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "csrtui-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "csrtui")
		out, err := exec.Command("go", "build", "-o", builtBin, "..").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// terminal is csrtui running in a private tmux server, driven as a person would:
// keys in, screen text out.
type terminal struct {
	t      *testing.T
	socket string
	target string
	status string // file the program's exit status is written to
}

// startTerminal runs argv in a new tmux session of the given size, in dir, with env
// added to a minimal environment. The session is killed when the test ends.
func startTerminal(t *testing.T, width, height int, dir string, env []string, argv ...string) *terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed to drive the console: apt-get install tmux")
	}
	term := &terminal{
		t:      t,
		socket: fmt.Sprintf("csrtui-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()),
		target: "console",
		status: filepath.Join(t.TempDir(), "exit-status"),
	}
	// The command runs under env(1) so the session sees exactly the environment the
	// test chose, whatever the tmux server inherited. A shell waits for it and writes
	// its exit status to a file: tmux 3.3a now and then misses the SIGCHLD of a pane's
	// process and never reports the status. remain-on-exit keeps the last screen
	// readable after the program ends.
	cmd := []string{"sh", "-c", `"$@"; echo $? > "$0"`, term.status,
		"env", "-i", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "XDG_CONFIG_HOME=" + os.Getenv("XDG_CONFIG_HOME"),
		"XDG_STATE_HOME=" + os.Getenv("XDG_STATE_HOME"), "TERM=xterm-256color", "LANG=C.UTF-8"}
	cmd = append(cmd, env...)
	cmd = append(cmd, argv...)
	args := []string{"-L", term.socket, "-f", "/dev/null", "new-session", "-d", "-s", term.target,
		"-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-c", dir}
	args = append(args, cmd...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	term.tmux("set-option", "-t", term.target, "remain-on-exit", "on")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last screen:\n%s", term.screen())
		}
		_ = exec.Command("tmux", "-L", term.socket, "kill-server").Run()
	})
	return term
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is the visible text of the terminal, one line per row.
func (term *terminal) screen() string {
	out, err := exec.Command("tmux", "-L", term.socket, "capture-pane", "-p", "-t", term.target).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("(capture-pane: %v: %s)", err, out)
	}
	return string(out)
}

// history is the terminal's scrollback and screen, one line per row: what the
// program wrote after its console closed may have scrolled off the screen.
func (term *terminal) history() string {
	out, err := exec.Command("tmux", "-L", term.socket, "capture-pane", "-p", "-S", "-", "-t", term.target).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("(capture-pane: %v: %s)", err, out)
	}
	return string(out)
}

// title is what the program has set as the terminal's title.
func (term *terminal) title() string {
	return strings.TrimSpace(term.tmux("display-message", "-p", "-t", term.target, "#{pane_title}"))
}

// keys sends tmux key names ("Enter", "Escape", "Tab", "C-c") or plain letters.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	term.tmux(append([]string{"send-keys", "-t", term.target}, keys...)...)
}

// typeText sends text literally, character by character.
func (term *terminal) typeText(text string) {
	term.t.Helper()
	term.tmux("send-keys", "-t", term.target, "-l", text)
}

// waitFor waits until the screen satisfies cond, or fails the test naming what
// it waited for.
func (term *terminal) waitFor(what string, cond func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := term.screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForText waits until every one of texts is on the screen.
func (term *terminal) waitForText(texts ...string) string {
	term.t.Helper()
	return term.waitFor(fmt.Sprintf("%q on screen", texts), func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// exited reports whether the program has ended, and its exit status.
func (term *terminal) exited() (bool, string) {
	data, err := os.ReadFile(term.status)
	if err != nil || !strings.HasSuffix(string(data), "\n") {
		return false, "" // still running, or the status is being written
	}
	return true, strings.TrimSpace(string(data))
}
