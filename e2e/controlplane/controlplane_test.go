package controlplane

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMissingBinariesIsAnErrorNamingTheFix(t *testing.T) {
	t.Setenv(EnvBinDir, "")
	for _, dir := range []string{"", t.TempDir()} {
		_, err := Start(t.Context(), Options{BinDir: dir})
		if err == nil {
			t.Fatalf("BinDir %q: started without binaries", dir)
		}
		for _, want := range []string{EnvBinDir, "make binaries"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("BinDir %q: error %q does not mention %q", dir, err, want)
			}
		}
	}
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
