package ui

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/csrtui/csrtui/certs"
)

// janeIssued is jane's client certificate, issued by the client signer.
func janeIssued() *certs.Summary {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(0x1a2b),
		Subject:      pkix.Name{CommonName: "jane", Organization: []string{"dev"}},
		NotBefore:    testNow.Add(-10 * time.Minute), NotAfter: testNow.Add(23 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	s := *testSummaries()[7] // csr-web-1, issued
	s.Name, s.UID, s.Signer, s.Username = "jane", "uid-jane", clientSigner, "kind-admin"
	s.Usages = []string{"digital signature", "client auth"}
	s.Request = request("jane", "dev")
	issue(&s, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	s.Certificate = &certs.Certificate{Subject: "CN=jane,O=dev", NotBefore: tmpl.NotBefore, NotAfter: tmpl.NotAfter, KeyMatchesRequest: true}
	s.Conditions = []certs.Condition{{Type: "Approved", Status: "True", Reason: "CSRTUIApprove", LastUpdate: testNow.Add(-5*time.Minute - 2*time.Second)}}
	s.Search = "jane"
	return &s
}

func (h *harness) kubeconfig() *kubeconfigDialog {
	h.t.Helper()
	return openDialog[*kubeconfigDialog](h)
}

// K writes exactly the kubeconfig the dialog showed: the cluster, the user
// named after the CN with the certificate on screen, the key path typed,
// and its context current; mode 0600.
func TestKubeconfigWritesWhatItShows(t *testing.T) {
	dir := t.TempDir()
	jane := janeIssued()
	h := newHarness(t, 100, 40, []*certs.Summary{jane})
	h.run(h.press("K"))
	k := h.kubeconfig()
	view := h.view()
	for _, want := range []string{"Kubeconfig for jane", "User       jane", "Groups     dev", "kind-dev · https://127.0.0.1:6443",
		"jane@kind-dev (current)", "./jane.kubeconfig", "./jane.key", "enter next"} {
		if !strings.Contains(view, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, view)
		}
	}
	out := filepath.Join(dir, "jane.kubeconfig")
	k.fields[fieldOut].input.SetValue(out)
	h.press("enter")
	if got := k.where().String(); got != "kubectl reads the user's key from "+filepath.Join(dir, "jane.key")+": only they hold it." {
		t.Fatalf("the dialog says %q", got)
	}
	h.run(h.press("enter"))
	h.wantStatus(statusOK, "Wrote a kubeconfig for jane to "+out+" (mode 0600). Put the user's key at "+filepath.Join(dir, "jane.key"))

	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cluster, _ := fakeKubeconfigs{}.KubeconfigCluster()
	certFile, _, _ := certs.ExportCertificates(issuedPEM(jane))
	want, err := certs.Kubeconfig(cluster, certs.KubeconfigUser{Name: "jane", CertificatePEM: certFile, KeyPath: "./jane.key"})
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(want) {
		t.Fatalf("wrote\n%s\nwant\n%s", data, want)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	cfg, err := clientcmd.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "jane@kind-dev" || cfg.AuthInfos["jane"].ClientKey != "./jane.key" ||
		string(cfg.AuthInfos["jane"].ClientCertificateData) != string(certFile) || cfg.Clusters["kind-dev"].Server != "https://127.0.0.1:6443" {
		t.Fatalf("kubeconfig %+v", cfg)
	}

	// Again to the same file: asked a second time, and n leaves it alone.
	h.run(h.press("K"))
	h.kubeconfig().fields[fieldOut].input.SetValue(out)
	h.press("enter")
	h.run(h.press("enter"))
	if _, ok := h.m.dialog.(*overwriteDialog); !ok {
		t.Fatalf("no second question over an existing file: %T", h.m.dialog)
	}
	if !strings.Contains(h.view(), "Replace it with a kubeconfig for jane?") {
		t.Fatalf("the question:\n%s", h.view())
	}
	h.press("n")
	h.wantStatus(statusInfo, out+" was left alone")
	if after, _ := os.ReadFile(out); string(after) != string(data) {
		t.Fatal("the file changed")
	}
}

// A key path under ~ is written expanded, since kubectl does not expand it;
// an empty one is refused.
func TestKubeconfigKeyPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	h := newHarness(t, 100, 40, []*certs.Summary{janeIssued()})
	h.run(h.press("K"))
	k := h.kubeconfig()
	k.fields[fieldOut].input.SetValue(filepath.Join(home, "kc"))
	k.fields[fieldKey].input.SetValue("")
	h.press("enter", "enter")
	if !strings.Contains(k.problem.String(), "Give the path where the user's key goes") {
		t.Fatalf("problem %q", k.problem)
	}
	k.fields[fieldKey].input.SetValue("~/keys/jane.key")
	h.run(h.press("enter"))
	cfg, err := clientcmd.LoadFromFile(filepath.Join(home, "kc"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.AuthInfos["jane"].ClientKey; got != filepath.Join(home, "keys/jane.key") {
		t.Fatalf("client-key %q", got)
	}
}

// Where no kubeconfig can work, K says why and opens nothing.
func TestKubeconfigRefusals(t *testing.T) {
	custom := janeIssued()
	custom.Name, custom.UID, custom.Signer = "jane-custom", "uid-jane-custom", "example.com/ca"
	legacy := janeIssued()
	legacy.Name, legacy.UID, legacy.Signer = "jane-legacy", "uid-jane-legacy", certs.LegacyUnknownSignerName
	kubelet := janeIssued()
	kubelet.Name, kubelet.UID, kubelet.Signer = "node-client", "uid-node-client", certs.KubeAPIServerClientKubeletSignerName
	ss := append(testSummaries(), custom, legacy, kubelet)
	cases := map[string]string{
		"csr-web-1":   "No kubeconfig for csr-web-1: signer kubernetes.io/kubelet-serving: its certificates prove a kubelet's server",
		"node-client": "signer kubernetes.io/kube-apiserver-client-kubelet: its certificates are a kubelet's own",
		"jane-custom": "csrtui can't tell whether the apiserver trusts that signer's CA for clients",
		"jane-legacy": "who trusts its certificates is undefined",
		"csr-alice":   "is pending: there is no certificate",
		"csr-waiting": "is approved, but no signer has issued a certificate yet",
	}
	for name, want := range cases {
		h := newHarness(t, 100, 40, ss)
		h.focusKeep(name)
		h.press("K")
		if h.m.dialog != nil {
			t.Fatalf("%s: a dialog opened: %T", name, h.m.dialog)
		}
		h.wantStatus(h.m.status.kind, want)
	}
	// No cluster to name (the demo): K is not offered, and says why.
	h := newHarness(t, 100, 40, []*certs.Summary{janeIssued()})
	h.m.cfg.Kubeconfigs = nil
	if strings.Contains(h.view(), "K kubecfg") {
		t.Fatal("K is offered without a cluster to name")
	}
	h.press("K")
	h.wantStatus(statusErr, "csrtui can't name the cluster here")
}

// The dialog is bound to the certificate it shows: a new one under it closes
// it for a notice, and nothing is written.
func TestKubeconfigBoundToTheCertificate(t *testing.T) {
	dir := t.TempDir()
	jane := janeIssued()
	h := newHarness(t, 100, 40, []*certs.Summary{jane})
	h.run(h.press("K"))
	h.kubeconfig().fields[fieldOut].input.SetValue(filepath.Join(dir, "kc"))
	other := *jane
	issue(&other, testCertificatePEM)
	h.send(snapshotMsg{summaries: []*certs.Summary{&other}})
	if _, ok := h.m.dialog.(*lookAgainDialog); !ok {
		t.Fatalf("the dialog stayed open over a new certificate: %T", h.m.dialog)
	}
	h.press("enter", "enter")
	if _, err := os.Stat(filepath.Join(dir, "kc")); err == nil {
		t.Fatal("a kubeconfig was written for a certificate the dialog did not show")
	}
}

// TestGoldenKubeconfig renders the dialog at 80x24 and 200x60.
func TestGoldenKubeconfig(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		h := newHarness(t, size[0], size[1], append([]*certs.Summary{janeIssued()}, testSummaries()...))
		h.focusKeep("jane")
		h.run(h.press("K"))
		checkFrame(t, "kubeconfig", h.view(), size[0], size[1])
		h.golden(fmt.Sprintf("kubeconfig-%dx%d", size[0], size[1]))
	}
}
