//go:build !linux

package controlplane

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr: only Linux can tie a child's life to its parent's; elsewhere Stop is the only
// thing that ends the processes.
func sysProcAttr() *syscall.SysProcAttr { return nil }

func signalGroup(p *os.Process, kill bool) {
	if kill {
		_ = p.Kill()
		return
	}
	if err := p.Signal(os.Interrupt); err != nil {
		_ = p.Kill()
	}
}

// freezeGroup: only the Linux build freezes a process.
func freezeGroup(*os.Process) error {
	return errors.New("freezing a process is only supported on Linux")
}
