// Package e2e runs csrtui's end-to-end tests on a real control plane (etcd, kube-apiserver
// and kube-controller-manager from hack/build-k8s.sh), with kubectl and openssl run the
// way a person would run them.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// One control plane serves every test that doesn't need its own; it starts with the first
// test that asks for it and stops when the tests are done. Tests share it by naming their
// objects after themselves.
var shared struct {
	once sync.Once
	cp   *controlplane.ControlPlane
	err  error
}

func sharedControlPlane(t testing.TB) *controlplane.ControlPlane {
	t.Helper()
	controlplane.SkipIfShort(t)
	bin := controlplane.BinariesForTest(t) // outside once: it may end t
	shared.once.Do(func() {
		shared.cp, shared.err = controlplane.Start(context.Background(), controlplane.Options{BinDir: bin})
		if shared.err == nil {
			t.Logf("shared control plane at %s: /readyz after %v, signer after %v",
				shared.cp.Server, shared.cp.ReadyIn.Round(time.Millisecond), shared.cp.SignerReadyIn.Round(time.Millisecond))
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.cp
}

func TestMain(m *testing.M) {
	if os.Getenv(orphanHelperEnv) != "" {
		orphanHelper()
		return
	}
	// csrtui must not read the config file of whoever runs the tests, nor
	// keep its record in their state folder: empty folders for every csrtui
	// started here (the terminals pass them on, see startTerminal).
	configHome, err := os.MkdirTemp("", "csrtui-e2e-config")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stateHome, err := os.MkdirTemp("", "csrtui-e2e-state")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = os.Setenv("XDG_CONFIG_HOME", configHome)
	_ = os.Setenv("XDG_STATE_HOME", stateHome)
	code := m.Run()
	_ = os.RemoveAll(configHome)
	_ = os.RemoveAll(stateHome)
	if shared.cp != nil {
		if err := shared.cp.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop shared control plane:", err)
			code = 1
		}
	}
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}
