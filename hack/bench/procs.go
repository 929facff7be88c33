package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Width and height of the terminal csrtui runs in.
const termWidth, termHeight = 200, 60

// console is csrtui running in a tmux server of its own, as an admin would run it.
type console struct {
	socket    string
	pid       int
	started   time.Time // just before csrtui was exec'd
	tracePath string
}

// consoles numbers the consoles started, for their folders and tmux sockets.
var consoles atomic.Int64

// startConsole runs csrtui with the screen trace on (see trace.go at the top of the
// repository), rows named with rowPrefix traced too when it is set.
func (b *bench) startConsole(ctx context.Context, rowPrefix string) (*console, error) {
	n := consoles.Add(1)
	dir := filepath.Join(b.dir, fmt.Sprintf("console-%d", n))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	c := &console{socket: fmt.Sprintf("csrtui-bench-%d-%d", os.Getpid(), n), tracePath: filepath.Join(dir, "trace")}
	startFile := filepath.Join(dir, "start")
	// sh stamps the time and execs env, which execs csrtui: the pane's process is csrtui.
	argv := []string{"sh", "-c", `date +%s%N > "$0"; exec "$@"`, startFile, "env", "-i"}
	argv = append(argv, consoleEnv(dir)...)
	argv = append(argv, "KUBECONFIG="+b.cp.AdminKubeconfig, "CSRTUI_TRACE="+c.tracePath, "CSRTUI_TRACE_ROWS="+rowPrefix, b.csrtui)
	args := append([]string{"-L", c.socket, "-f", "/dev/null", "new-session", "-d", "-s", "bench",
		"-x", strconv.Itoa(termWidth), "-y", strconv.Itoa(termHeight)}, argv...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("tmux: %w: %s", err, out)
	}
	out, err := exec.Command("tmux", "-L", c.socket, "list-panes", "-t", "bench", "-F", "#{pane_pid}").Output()
	if err != nil {
		c.stop()
		return nil, err
	}
	if c.pid, err = strconv.Atoi(strings.TrimSpace(string(out))); err != nil {
		c.stop()
		return nil, err
	}
	if err := waitUntil(ctx, 10*time.Second, func() (bool, error) {
		data, err := os.ReadFile(startFile)
		if err != nil || !strings.HasSuffix(string(data), "\n") {
			return false, nil
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		c.started = time.Unix(0, ns)
		return err == nil, err
	}); err != nil {
		c.stop()
		return nil, fmt.Errorf("csrtui did not start: %w", err)
	}
	return c, nil
}

// consoleEnv is the environment of a console started in dir: the user's
// PATH and HOME, and csrtui's config and state folders in dir, so that the
// bench reads none of the user's settings and keeps its record apart from
// the user's.
func consoleEnv(dir string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TERM=xterm-256color", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
}

func (c *console) stop() {
	_ = exec.Command("tmux", "-L", c.socket, "kill-server").Run()
}

func (c *console) screen() string {
	out, _ := exec.Command("tmux", "-L", c.socket, "capture-pane", "-p", "-t", "bench").Output()
	return string(out)
}

// traceEvent is one line of the screen trace.
type traceEvent struct {
	kind string
	at   time.Time
	arg  string
}

func (c *console) trace() []traceEvent {
	data, _ := os.ReadFile(c.tracePath)
	var out []traceEvent
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) != 3 || !strings.HasSuffix(line, "\n") {
			continue
		}
		ns, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, traceEvent{kind: f[0], at: time.Unix(0, ns), arg: f[2]})
	}
	return out
}

// waitEvent waits until the trace has an event that match accepts, and returns it.
func (c *console) waitEvent(ctx context.Context, what string, timeout time.Duration, match func(traceEvent) bool) (traceEvent, error) {
	var found traceEvent
	err := waitUntil(ctx, timeout, func() (bool, error) {
		if !alive(c.pid) {
			return false, fmt.Errorf("csrtui exited; last screen:\n%s", c.screen())
		}
		for _, e := range c.trace() {
			if match(e) {
				found = e
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return found, fmt.Errorf("waiting for %s: %w", what, err)
	}
	return found, nil
}

// watcher is `kubectl get csr --watch`, the other live list, each line stamped when read.
type watcher struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	seen map[string]time.Time // first line naming each CSR
	done chan struct{}
}

func (b *bench) startWatcher() (*watcher, error) {
	cmd := b.kubectl("get", "csr", "--watch")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &watcher{cmd: cmd, seen: map[string]time.Time{}, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			now := time.Now()
			name, _, _ := strings.Cut(sc.Text(), " ")
			w.mu.Lock()
			if _, ok := w.seen[name]; !ok {
				w.seen[name] = now
			}
			w.mu.Unlock()
		}
	}()
	return w, nil
}

func (w *watcher) pid() int { return w.cmd.Process.Pid }

func (w *watcher) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.seen) - 1 // less the header
}

func (w *watcher) seenAt(name string) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.seen[name]
	return t, ok
}

func (w *watcher) stop() {
	_ = w.cmd.Process.Kill()
	<-w.done
	_ = w.cmd.Wait()
}

// kubectl is the control plane's kubectl as the admin, with no cache or preferences
// from the home folder.
func (b *bench) kubectl(args ...string) *exec.Cmd {
	cmd := exec.Command(b.kubectlPath, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+b.cp.AdminKubeconfig, "KUBERC=off",
		"KUBECACHEDIR="+filepath.Join(b.dir, "kubectl-cache"))
	return cmd
}

// kubectlList times `kubectl get csr` from its start to its last line, and checks
// that it printed every request.
func (b *bench) kubectlList(want int) (time.Duration, error) {
	cmd := b.kubectl("get", "csr")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	var (
		last  time.Time
		lines int
		buf   = make([]byte, 64<<10)
	)
	for {
		n, err := stdout.Read(buf)
		if n > 0 {
			last = time.Now()
			lines += strings.Count(string(buf[:n]), "\n")
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if err := cmd.Wait(); err != nil {
		return 0, err
	}
	if lines != want+1 {
		return 0, fmt.Errorf("kubectl get csr printed %d lines, want %d and a header", lines, want)
	}
	return last.Sub(start), nil
}

// Process figures from /proc.

// cpuTime is the CPU time pid has used.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

// rss is pid's resident set size in bytes.
func rss(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

func alive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

// sleep waits for d, or until ctx is done (Ctrl+C): then it returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waitUntil polls cond every 10 ms until it is true, fails, or timeout passes
// or ctx is done.
func waitUntil(ctx context.Context, timeout time.Duration, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
