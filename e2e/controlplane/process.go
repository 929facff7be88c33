package controlplane

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"
)

// A process is one running binary of the control plane, its output going to logPath.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed once Wait has returned
	waitErr error         // Wait's result, set before exited is closed
}

// startProcess starts bin with args, output appended to logPath (and to also, when set).
func startProcess(name, bin, logPath string, also io.Writer, args ...string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	var out io.Writer = f
	if also != nil {
		out = io.MultiWriter(f, also)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := forkOnLockedThread(cmd); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		_ = f.Close()
		close(p.exited)
	}()
	return p, nil
}

// stop sends SIGTERM to the process group, waits up to grace, then sends SIGKILL.
func (p *process) stop(grace time.Duration) {
	select {
	case <-p.exited:
		return
	default:
	}
	signalGroup(p.cmd.Process, false)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.exited:
		return
	case <-timer.C:
	}
	signalGroup(p.cmd.Process, true)
	<-p.exited
}

// exitError describes how a process that should still be running ended, with the tail
// of its log.
func (p *process) exitError() error {
	t := tail(p.logPath, 25)
	status := p.waitErr
	if status == nil {
		status = errors.New("exit status 0")
	}
	return &processExitError{
		err: fmt.Errorf("%s exited (%w); last lines of %s:\n%s", p.name, status, p.logPath, t),
		log: []byte(t),
	}
}

// tail returns the last n lines of the file at path, at most 8 KiB.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	defer func() { _ = f.Close() }()
	const max = 8 << 10
	if st, err := f.Stat(); err == nil && st.Size() > max {
		_, _ = f.Seek(st.Size()-max, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "\t" + strings.Join(lines, "\n\t")
}

// The kernel sends Pdeathsig when the thread that forked the child exits, not when the
// process does, and Go may end an OS thread that a goroutine had locked. So every child is
// forked from one goroutine that locks its thread and never returns: that thread lives as
// long as the test binary, and the children die with it.
var forker struct {
	once sync.Once
	reqs chan forkRequest
}

type forkRequest struct {
	cmd  *exec.Cmd
	done chan error
}

func forkOnLockedThread(cmd *exec.Cmd) error {
	forker.once.Do(func() {
		forker.reqs = make(chan forkRequest)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread must outlive every child
			for r := range forker.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	forker.reqs <- forkRequest{cmd: cmd, done: done}
	return <-done
}

// syncWriter serializes writes from several processes' output copiers.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// addrInUse reports whether a process failed because a port was taken between choosing it
// and binding it.
func addrInUse(err error) bool {
	var pe *processExitError
	return errors.As(err, &pe) && bytes.Contains(pe.log, []byte("address already in use"))
}

type processExitError struct {
	err error
	log []byte
}

func (e *processExitError) Error() string { return e.err.Error() }
func (e *processExitError) Unwrap() error { return e.err }
