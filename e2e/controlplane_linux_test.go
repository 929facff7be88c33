package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// Only Linux ties a child's life to its parent's (Pdeathsig), so only there is this
// promise made and tested.

// A test binary killed outright (as `go test -timeout` does) runs no cleanup; the kernel
// must still stop its control plane.
func TestNoProcessOutlivesTheTestBinary(t *testing.T) {
	controlplane.SkipIfShort(t)
	bin := controlplane.BinariesForTest(t)
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), orphanHelperEnv+"=1", controlplane.EnvBinDir+"="+bin)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper did not start a control plane: %v", err)
	}
	var started struct {
		Dir  string
		PIDs map[string]int
	}
	if err := json.Unmarshal([]byte(line), &started); err != nil || len(started.PIDs) != 3 {
		t.Fatalf("helper said %q (%v)", line, err)
	}
	pids := started.PIDs
	t.Cleanup(func() { _ = os.RemoveAll(started.Dir) }) // the helper had no chance to
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	err = wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, waitTimeout, true, func(ctx context.Context) (bool, error) {
		for _, pid := range pids {
			if alive(pid) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		for name, pid := range pids {
			if alive(pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("%s (pid %d) outlived the test binary", name, pid)
			}
		}
	}
}
