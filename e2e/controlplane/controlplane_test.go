package controlplane

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMissingBinariesIsAnErrorNamingTheFix(t *testing.T) {
	empty := t.TempDir()
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: started without binaries", what)
		}
		for _, want := range []string{EnvBinDir, "make binaries", empty} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not mention %q", what, err, want)
			}
		}
	}
	_, err := Start(t.Context(), Options{BinDir: empty})
	check("BinDir", err)
	t.Setenv(EnvBinDir, empty)
	_, err = Start(t.Context(), Options{})
	check("$"+EnvBinDir, err)
}

// Without $CSRTUI_K8S_BIN the harness finds the build script from the module root, the
// way `make binaries` runs it.
func TestBuildScriptIsFoundFromAPackageFolder(t *testing.T) {
	script, err := buildScript()
	if err != nil {
		t.Fatal(err)
	}
	want, err := filepath.Abs("../../hack/build-k8s.sh")
	if err != nil {
		t.Fatal(err)
	}
	if script != want {
		t.Errorf("buildScript() = %s, want %s", script, want)
	}
}

func TestBuildReturnsTheFolderItPrints(t *testing.T) {
	dir := t.TempDir()
	script := writeScript(t, "echo compiling >&2\necho "+dir+"\n")
	got, err := runBuild(script, logFile(t))
	if err != nil || got != dir {
		t.Fatalf("runBuild = %q, %v; want %q", got, err, dir)
	}
}

// A build that fails is an error with the build's own words (a test failure, not a skip).
func TestBuildFailureCarriesItsOutput(t *testing.T) {
	for name, body := range map[string]string{
		"fails":            "echo downloading >&2\necho './x.go:1: broken on purpose' >&2\nexit 2\n",
		"prints no folder": "echo './x.go:1: broken on purpose' >&2\n",
	} {
		t.Run(name, func(t *testing.T) {
			script := writeScript(t, body)
			_, err := runBuild(script, logFile(t))
			if err == nil {
				t.Fatal("runBuild succeeded")
			}
			for _, want := range []string{script, "broken on purpose"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

// A build slower than the caller can wait is an error that says where it stands.
func TestBuildStillRunningIsAnErrorSayingSo(t *testing.T) {
	b := &build{script: "/src/hack/build-k8s.sh", log: "/tmp/build.log", start: time.Now(), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := b.wait(ctx)
	if err == nil {
		t.Fatal("wait returned before the build was done")
	}
	for _, want := range []string{"still building", b.script, b.log, "run again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	b.dir = "/cache/k8s/abc"
	close(b.done)
	if dir, err := b.wait(ctx); dir != b.dir || err != nil {
		t.Errorf("wait after the build = %q, %v; want %q", dir, err, b.dir)
	}
}

func logFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "build-*.log")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "build.sh")
	if err := os.WriteFile(p, []byte("set -e\n"+body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDirMustBeEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/false\n"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Start(t.Context(), Options{BinDir: bin, Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Start in a used folder: %v", err)
	}
}

func TestStartFailureCarriesTheLogAndLeavesNothing(t *testing.T) {
	bin := t.TempDir()
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		script := "#!/bin/sh\necho " + name + " cannot start: broken on purpose >&2\nexit 3\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	_, err := Start(t.Context(), Options{BinDir: bin, Logs: &logs})
	if err == nil {
		t.Fatal("started with broken binaries")
	}
	const want = "etcd cannot start: broken on purpose"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks the failing log: %v", err)
	}
	if !strings.Contains(logs.String(), want) {
		t.Errorf("Options.Logs got %q, want the output", logs.String())
	}
	// The folder it made is gone with it.
	if dir, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "start control plane in "), ":"); dir != "" {
		if _, statErr := os.Stat(dir); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("left %s behind: %v", dir, statErr)
		}
	}
}

func TestPKI(t *testing.T) {
	ca, err := newAuthority()
	if err != nil {
		t.Fatal(err)
	}
	if !ca.cert.IsCA {
		t.Error("CA is not a CA")
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)

	certPEM, _, err := ca.serving()
	if err != nil {
		t.Fatal(err)
	}
	serving := parseCert(t, certPEM)
	for _, name := range []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"} {
		if _, err := serving.Verify(x509.VerifyOptions{DNSName: name, Roots: pool}); err != nil {
			t.Errorf("serving certificate for %s: %v", name, err)
		}
	}
	if !slices.ContainsFunc(serving.IPAddresses, func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) }) {
		t.Errorf("serving certificate IPs %v lack 127.0.0.1", serving.IPAddresses)
	}

	certPEM, _, err = ca.client(AdminUser, "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	admin := parseCert(t, certPEM)
	if admin.Subject.CommonName != AdminUser || !slices.Equal(admin.Subject.Organization, []string{"system:masters"}) {
		t.Errorf("admin subject %v", admin.Subject)
	}
	if _, err := admin.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("admin certificate: %v", err)
	}
}

func TestFileSafe(t *testing.T) {
	for in, want := range map[string]string{
		"alice":              "alice",
		"system:node:node-1": "system_node_node-1",
		"../x":               ".._x",
		"":                   "user0",
	} {
		if got := fileSafe(in); got != want {
			t.Errorf("fileSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func parseCert(t *testing.T, b []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatal("no PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
