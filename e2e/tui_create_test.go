package e2e

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"
)

// userRequest makes, as a user would with openssl, a key and a request for
// CN=cn, O=org in dir: <cn>.key and <cn>.csr.
func userRequest(t *testing.T, dir, cn, org string) {
	t.Helper()
	command(t, dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", cn+".key")
	command(t, dir, "openssl", "req", "-new", "-key", cn+".key", "-subj", "/CN="+cn+"/O="+org, "-out", cn+".csr")
}

// csrNames is what `kubectl get csr` lists, by name.
func csrNames(t *testing.T, cp *controlplane.ControlPlane) []string {
	t.Helper()
	out := kubectl(t, cp, "", "get", "csr", "-o", "name")
	names := strings.Fields(out)
	slices.Sort(names)
	return names
}

// The whole admin side in one console: the user's openssl request becomes a
// CSR with n, a approves it, K hands over a kubeconfig that, with the user's
// key at its path, logs in as the user.
func TestConsoleCreateApproveAndHandOver(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	dir := t.TempDir()
	userRequest(t, dir, "nina", "e2e-team")

	term := console(t, cp, dir, 120, 40)
	term.waitForText("NAME", "CONDITION")
	term.keys("n")
	term.waitForText("New certificate signing request", "Request file")
	term.typeText("nina.csr")
	term.keys("Enter")
	term.waitForText("nina.csr: CN=nina, O=e2e-team, ECDSA P-256, signature verifies", "digital signature, client auth")
	term.keys("Enter", "Enter", "Enter") // name, signer, usages: as offered
	term.keys("Enter")                   // the lifetime, 24h: the dry run
	term.waitForText("Create this certificate signing request?", "Requester  "+controlplane.AdminUser,
		"24h requested, 24h effective", `asks for a certificate as "nina"`, "y create")
	if names := csrNames(t, cp); slices.Contains(names, "certificatesigningrequest.certificates.k8s.io/nina") {
		t.Fatal("the dry run created the request")
	}
	term.keys("y")
	term.waitForText("Created nina")
	created := waitForCSR(t, client, "nina", "created", func(*certv1.CertificateSigningRequest) bool { return true })
	if created.Spec.Username != controlplane.AdminUser || created.Spec.SignerName != certv1.KubeAPIServerClientSignerName ||
		*created.Spec.ExpirationSeconds != 86400 || !slices.Equal(created.Spec.Usages, []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageClientAuth}) {
		t.Fatalf("created %+v", created.Spec)
	}

	term.focus("nina")
	term.keys("a")
	term.waitForText("Approve this certificate signing request?", "y approve")
	term.keys("y")
	waitForCSR(t, client, "nina", "issued", func(c *certv1.CertificateSigningRequest) bool { return len(c.Status.Certificate) > 0 })
	term.waitForText("Approved,Issued")

	term.keys("K")
	term.waitForText("Kubeconfig for nina", "nina@", "./nina.kubeconfig", "./nina.key")
	term.keys("Enter", "Enter")
	kc := filepath.Join(dir, "nina.kubeconfig")
	term.waitForText("Wrote a kubeconfig for nina")
	if fi, err := os.Stat(kc); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v, mode %v", kc, err, fi.Mode().Perm())
	}
	// The user's key is already where the kubeconfig says: beside it.
	whoami := kubectl(t, cp, kc, "auth", "whoami")
	if !strings.Contains(whoami, "nina") || !strings.Contains(whoami, "e2e-team") {
		t.Fatalf("kubectl auth whoami as nina:\n%s", whoami)
	}
	if out := kubectl(t, cp, kc, "get", "--raw", "/api"); !strings.Contains(out, `"kind":"APIVersions"`) {
		t.Fatalf("kubectl get --raw /api as nina:\n%s", out)
	}
	// With nina's rights, no more: she may not list CSRs.
	if _, err := cp.Kubectl(t.Context(), kc, "get", "csr"); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Fatalf("nina lists CSRs: %v", err)
	}
}

// Every bad input gets one clear line, and nothing is created.
func TestConsoleCreateRefusesBadInput(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	dir := t.TempDir()
	userRequest(t, dir, "olga", "e2e-team")
	createClientCSR(t, client, "olga-taken", "olga")
	key, err := os.ReadFile(filepath.Join(dir, "olga.key"))
	if err != nil {
		t.Fatal(err)
	}
	request, err := os.ReadFile(filepath.Join(dir, "olga.csr"))
	if err != nil {
		t.Fatal(err)
	}
	// A request whose signature does not verify: its last byte flipped.
	block, _ := pem.Decode(request)
	block.Bytes[len(block.Bytes)-1] ^= 0xff
	tampered := pem.EncodeToMemory(block)
	files := map[string][]byte{
		"notes.txt":   []byte("please sign me\n"),
		"olga.crt":    certificatePEM(t),
		"tamper.csr":  tampered,
		"huge.csr":    append(append([]byte{}, request...), make([]byte, 72055-len(request))...),
		"home/a.csr":  request,
		"a folder/.x": nil,
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if data != nil {
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := csrNames(t, cp)

	term := startTerminal(t, 100, 30, dir, []string{"KUBECONFIG=" + cp.AdminKubeconfig, "HOME=" + filepath.Join(dir, "home")}, csrtuiBinary(t))
	term.waitForText("NAME", "CONDITION")
	term.keys("n")
	term.waitForText("New certificate signing request")
	// The file: each refused with a line saying what it is.
	// Each answer names the path typed, so a wait never takes the last one's.
	for _, c := range []struct{ path, says string }{
		{"nowhere.csr", "does not exist"},
		{"notes.txt", "holds no PEM certificate request"},
		{"olga.crt", "holds a certificate, not a certificate request"},
		{"tamper.csr", "holds a certificate request whose signature does not verify"},
		{"olga.key", "holds a private key, not a certificate request: it was not kept, shown or sent"},
		{"a folder", "is a folder: give the request file in it"},
		{"pipe", "is not a regular file"},
		{"/dev/stdin", "is not a regular file"},
		{"huge.csr", "is 72055 bytes: a certificate request is a few KiB"},
	} {
		term.keys("C-u")
		term.typeText(c.path)
		term.keys("Enter")
		screen := term.waitForSaid(c.path + " " + c.says)
		if c.path == "olga.key" {
			noKeyOnScreen(t, key, screen)
		}
	}
	// ~ is the home folder, and a good file moves on to the name.
	term.keys("C-u")
	term.typeText("~/a.csr")
	term.keys("Enter")
	term.waitForText("a.csr: CN=olga, O=e2e-team")
	// A name taken, a name that is not one.
	for _, c := range []struct{ name, says string }{
		{"olga-taken", `A request named "olga-taken" is in the list already`},
		{"Olga Smith", `"Olga Smith" is not a valid request name`},
	} {
		term.keys("C-u")
		term.typeText(c.name)
		term.keys("Down", "Down", "Down", "Enter")
		term.waitForSaid(c.says)
	}
	term.keys("C-u")
	term.typeText("olga")
	// Usages the signer's rules refuse, and a lifetime the apiserver would.
	term.keys("Down", "Down", "C-u")
	term.typeText("digital signature, server auth")
	term.keys("Down", "Enter")
	term.waitForSaid("kubernetes.io/kube-apiserver-client would fail it after approval: invalid usage for client certificate: server auth")
	term.keys("C-u")
	term.typeText("digital signature, client auth")
	term.keys("Down", "C-u")
	term.typeText("5m")
	term.keys("Enter")
	term.waitForSaid("is too short: the apiserver wants at least 10m")
	term.keys("Escape")
	term.waitForText("Nothing was created.")
	if after := csrNames(t, cp); !slices.Equal(before, after) {
		t.Fatalf("kubectl get csr changed:\nbefore %q\nafter  %q", before, after)
	}

	// Someone who may read requests but not create them: n is shown disabled
	// with the rule it needs, once the cluster has said so, and opens nothing.
	kc, _, err := cp.MintUser("e2e-reader")
	if err != nil {
		t.Fatal(err)
	}
	grant(t, client, "e2e-reader", readCSRs)
	reader := startTerminal(t, 100, 30, dir, []string{"KUBECONFIG=" + kc}, csrtuiBinary(t))
	reader.waitForText("NAME", "CONDITION")
	reader.keys("?") // the full help: the short one has no room left for n
	reader.waitForText("✗ needs create on certificatesigningrequests")
	reader.keys("?")
	reader.keys("n")
	reader.waitForText("Creating a request is disabled: needs create on certificatesigningrequests.")
	if strings.Contains(reader.screen(), "New certificate signing request") {
		t.Fatalf("the form opened:\n%s", reader.screen())
	}
	if after := csrNames(t, cp); !slices.Equal(before, after) {
		t.Fatalf("kubectl get csr changed:\nbefore %q\nafter  %q", before, after)
	}
}

// waitForSaid waits until the screen says text, in a dialog box whose lines
// may wrap it: the box's borders and the line breaks are read as spaces.
func (term *terminal) waitForSaid(text string) string {
	term.t.Helper()
	return term.waitFor("the screen to say "+strconv.Quote(text), func(s string) bool {
		return strings.Contains(strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╰", " ").Replace(s)), " "), text)
	})
}

// noKeyOnScreen fails when a line of the key's base64 is on screen.
func noKeyOnScreen(t *testing.T, keyPEM []byte, screen string) {
	t.Helper()
	for _, l := range strings.Split(string(keyPEM), "\n") {
		if len(l) > 16 && !strings.HasPrefix(l, "-----") && strings.Contains(screen, l[:16]) {
			t.Fatalf("the private key is on screen:\n%s", screen)
		}
	}
}

// certificatePEM is some certificate: not a request.
func certificatePEM(t *testing.T) []byte {
	t.Helper()
	cert, _, err := certs.NewCA("not-a-request", time.Now(), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// A request for a signer nobody runs, approved: after the threshold, with no
// key pressed, the console says why no certificate came.
func TestConsoleSaysWhyNoCertificateCame(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	name := "tui-nobody-signs"
	createCSR(t, client, name, "example.com/nobody",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "svc"}}, certv1.UsageDigitalSignature, certv1.UsageClientAuth)

	term := startTerminal(t, 120, 40, t.TempDir(), []string{"KUBECONFIG=" + cp.AdminKubeconfig}, csrtuiBinary(t), "--issue-timeout", "3s")
	term.waitForText(name)
	term.focus(name)
	term.keys("a")
	term.waitForText("Approve this certificate signing request?", "y approve")
	term.keys("y")
	waitForCSR(t, client, name, "approved", func(c *certv1.CertificateSigningRequest) bool {
		return condition(c, certv1.CertificateApproved) != nil
	})
	term.openDetail()
	term.waitForText("Approved", "24h after approval (never issued)")
	// No key from here: the tick brings the finding.
	term.waitForText(`only the controller of "example.com/nobody"`, "[not-issued]")
}
