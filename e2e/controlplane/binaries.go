package controlplane

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binaries returns the folder holding the control plane's binaries: $CSRTUI_K8S_BIN when
// set, else the folder hack/build-k8s.sh prints. The script runs at most once per process;
// it builds only when its cache lacks the pinned version (a few minutes), and is serialized
// with other processes running it. A failed build is an error carrying the end of its
// output. Binaries waits for the build until ctx ends; the build itself goes on, to fill
// the cache for the next run.
func Binaries(ctx context.Context) (string, error) {
	if dir := os.Getenv(EnvBinDir); dir != "" {
		return dir, nil
	}
	return theBuild().wait(ctx)
}

// BinariesForTest returns Binaries or fails t. It waits for a build only until shortly
// before t's deadline (go test -timeout), so that a first build slower than that fails t
// with what is happening, not with a timeout panic.
func BinariesForTest(t testing.TB) string {
	t.Helper()
	ctx := t.Context()
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline.Add(-30*time.Second))
			defer cancel()
		}
	}
	dir, err := Binaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// A build is the one run of hack/build-k8s.sh in this process.
type build struct {
	script, log string
	start       time.Time
	done        chan struct{} // closed once dir and err are set
	dir         string
	err         error
}

var (
	buildOnce    sync.Once
	currentBuild *build
)

// wait returns the build's result, or an error saying it is still going once ctx ends.
func (b *build) wait(ctx context.Context) (string, error) {
	select {
	case <-b.done:
	case <-ctx.Done():
	}
	select {
	case <-b.done: // even when ctx has ended too
		return b.dir, b.err
	default:
		return "", fmt.Errorf("the control-plane binaries are still building after %v (bash %s, output in %s); "+
			"the build goes on without this process: run again when it is done, or wait for it with `make binaries`",
			time.Since(b.start).Round(time.Second), b.script, b.log)
	}
}

func theBuild() *build {
	buildOnce.Do(func() {
		b := &build{start: time.Now(), done: make(chan struct{})}
		currentBuild = b
		var log *os.File
		b.script, b.err = buildScript()
		if b.err == nil {
			log, b.err = os.CreateTemp("", "csrtui-build-k8s-*.log")
		}
		if b.err != nil {
			close(b.done)
			return
		}
		b.log = log.Name()
		fmt.Fprintf(os.Stderr, "$%s is not set: running %s (the first build takes minutes; output in %s)\n",
			EnvBinDir, b.script, b.log)
		go func() {
			defer close(b.done)
			b.dir, b.err = runBuild(b.script, log)
			_ = log.Close()
			_ = os.Remove(b.log)
		}()
	})
	return currentBuild
}

// buildScript finds hack/build-k8s.sh at the root of the main module: tests run in their
// package's folder, `go run ./hack/cluster` in the checkout.
func buildScript() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("$%s is not set, and `go env GOMOD` failed (%w): run `make binaries` and set %s to the folder it prints",
			EnvBinDir, err, EnvBinDir)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("$%s is not set, and this is not inside the csrtui module: run `make binaries` there and set %s to the folder it prints",
			EnvBinDir, EnvBinDir)
	}
	script := filepath.Join(filepath.Dir(gomod), "hack", "build-k8s.sh")
	if _, err := os.Stat(script); err != nil {
		return "", fmt.Errorf("$%s is not set, and the script that builds the binaries is missing: %w", EnvBinDir, err)
	}
	return script, nil
}

// runBuild runs the build script and returns the folder it prints. Its progress and
// errors go to log, a file rather than a pipe of this process: should the process end
// mid-build (go test's -timeout), the build still finishes and fills the cache.
func runBuild(script string, log *os.File) (string, error) {
	var stdout bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = &stdout, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the control-plane binaries: bash %s: %w; last lines of its output:\n%s",
			script, err, tail(log.Name(), 40))
	}
	dir := strings.TrimSpace(stdout.String())
	if dir == "" {
		return "", fmt.Errorf("bash %s printed no folder; last lines of its output:\n%s", script, tail(log.Name(), 40))
	}
	return dir, nil
}

// findBinaries returns dir, or Binaries when dir is empty, once it holds the control
// plane's binaries; else an error that says how to get them.
func findBinaries(ctx context.Context, dir string) (string, error) {
	if dir == "" {
		var err error
		if dir, err = Binaries(ctx); err != nil {
			return "", err
		}
	}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("no executable %s in %s: run `make binaries`, or unset %s to have the tests run it",
				name, dir, EnvBinDir)
		}
	}
	return dir, nil
}
