package e2e

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// kubectl runs csrtui as its plugin: `kubectl csrtui ARGS` runs the program
// kubectl-csrtui found on PATH with ARGS verbatim, so it must do what
// `csrtui ARGS` does, and name itself as the admin typed it. `kubectl csr` is
// a symlink away.
func TestKubectlRunsCsrtuiAsAPlugin(t *testing.T) {
	bin := csrtuiBinary(t)
	kubectl := filepath.Join(controlplane.BinariesForTest(t), "kubectl")

	// A folder on PATH with csrtui named as a release's kubectl-csrtui archive
	// holds it, and the kubectl-csr symlink the README suggests.
	plugins := t.TempDir()
	copyFile(t, bin, filepath.Join(plugins, "kubectl-csrtui"))
	if err := os.Symlink("kubectl-csrtui", filepath.Join(plugins, "kubectl-csr")); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "config")
	writeFile(t, kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: prod, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: jane, user: {token: t}}]
contexts: [{name: prod, context: {cluster: prod, user: jane}}]
current-context: prod
`)
	run := func(name string, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), name, args...)
		// Only the plugin folder on PATH: kubectl must find csrtui there.
		cmd.Env = []string{"PATH=" + plugins, "HOME=" + home, "KUBERC=off"}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
	}

	direct, _, code := run(bin, "--version")
	rest, ok := strings.CutPrefix(direct, "csrtui ")
	if code != 0 || !ok {
		t.Fatalf("csrtui --version = %q (exit %d)", direct, code)
	}
	for _, plugin := range []string{"csrtui", "csr"} {
		got, stderr, code := run(kubectl, plugin, "--version")
		if want := "kubectl " + plugin + " " + rest; got != want || code != 0 {
			t.Errorf("kubectl %s --version = %q, exit %d, stderr %q; want %q", plugin, got, code, stderr, want)
		}
	}

	// Flags kubectl has too reach csrtui untouched, and its error is csrtui's.
	args := []string{"--kubeconfig", kubeconfig, "--context", "nope"}
	_, directErr, directCode := run(bin, args...)
	_, pluginErr, pluginCode := run(kubectl, append([]string{"csrtui"}, args...)...)
	msg, ok := strings.CutPrefix(directErr, "csrtui: ")
	if !ok || strings.Count(directErr, "\n") != 1 || !strings.Contains(msg, `"nope"`) || directCode == 0 {
		t.Fatalf("csrtui --context nope: exit %d, stderr %q; want one line naming the context", directCode, directErr)
	}
	if want := "kubectl csrtui: " + msg; pluginErr != want || pluginCode != directCode {
		t.Errorf("kubectl csrtui --context nope: exit %d, stderr %q; want exit %d, %q", pluginCode, pluginErr, directCode, want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = src.Close() }()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
