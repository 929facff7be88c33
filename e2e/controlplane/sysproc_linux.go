package controlplane

import (
	"os"
	"syscall"
)

// sysProcAttr puts each child in its own process group (so a terminal's Ctrl+C reaches
// only the parent, which then stops the children in order) and has the kernel kill it if
// its parent dies without stopping it, e.g. a test binary killed on timeout.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// signalGroup sends SIGTERM (or SIGKILL) to the process group that p leads.
func signalGroup(p *os.Process, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(-p.Pid, sig); err != nil {
		_ = p.Signal(sig)
	}
}

// freezeGroup stops the process group that p leads with SIGSTOP.
func freezeGroup(p *os.Process) error {
	return syscall.Kill(-p.Pid, syscall.SIGSTOP)
}
