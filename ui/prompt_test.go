package ui

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// A reason the requester could be fooled by is refused in the prompt, and
// never sent; the prompt stays open to fix it.
func TestDenyReasonIsCheckedBeforeItIsSent(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("d")
	h.send(tea.PasteMsg{Content: "fine\u202etxt.exe"})
	h.run(h.press("enter"))
	h.wantState(statePrompt)
	if len(h.dec.calls) != 0 {
		t.Fatalf("sent: %+v", h.dec.calls)
	}
	screen := h.view()
	if !strings.Contains(screen, "Not sent: the message holds U+202E at character 5") {
		t.Fatalf("the prompt does not say why:\n%s", screen)
	}
	// Typing clears the complaint; an invisible character typed is refused too.
	h.press("backspace")
	if strings.Contains(h.view(), "Not sent") {
		t.Fatal("the complaint stays after the reason changed")
	}
	h.press("esc", "d")
	h.typeText("ok")
	h.send(tea.KeyPressMsg{Code: 0x200b, Text: "\u200b"})
	h.run(h.press("enter"))
	if len(h.dec.calls) != 0 || !strings.Contains(h.view(), "U+200B") {
		t.Fatalf("sent %+v:\n%s", h.dec.calls, h.view())
	}

	// Too long: refused, with the count.
	h.press("esc", "d")
	h.send(tea.PasteMsg{Content: strings.Repeat("x", certs.MaxMessage+1)})
	h.run(h.press("enter"))
	if len(h.dec.calls) != 0 || !strings.Contains(h.view(), "the message is 1025 characters long: at most 1024 are") {
		t.Fatalf("sent %+v:\n%s", h.dec.calls, h.view())
	}
	h.press("backspace")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 1 || h.dec.calls[0].message != strings.Repeat("x", certs.MaxMessage) {
		t.Fatalf("calls %d", len(h.dec.calls))
	}
}

// A folder, ~ included, is said to be one before anything is asked about
// replacing it.
func TestExportToAFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Chdir(home)
	if err := os.Mkdir(filepath.Join(home, "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"~", "~/", "certs", home, "."} {
		h := newHarness(t, 80, 24, testSummaries())
		h.run(h.press("G", "e"))
		p := h.prompt()
		p.input.SetValue(path)
		h.run(h.press("enter"))
		h.wantState(stateList)
		h.wantStatus(statusErr, "that is a folder: give a file name")
	}
	if entries, _ := os.ReadDir(filepath.Join(home, "certs")); len(entries) != 0 {
		t.Fatalf("the folder was written to: %v", entries)
	}
}

// certificatePEM is a self-signed certificate for subject, the same on
// every run.
func certificatePEM(t *testing.T, subject pkix.Name) []byte {
	t.Helper()
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: subject, NotBefore: testNow, NotAfter: testNow.Add(24 * 3600 * 1e9)}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// status.certificate with several certificates: the dialog says how many
// and whose, and the file holds exactly those.
func TestExportShowsEveryCertificate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	extra := certificatePEM(t, pkix.Name{CommonName: "mallory\x1b[2J", Organization: []string{"system:masters"}})
	ss := swapped(t, testSummaries(), "csr-web-1", func(s *certs.Summary) {
		issue(s, append(append(append([]byte(nil), testCertificatePEM...), "junk\n"...), extra...))
	})
	h := newHarness(t, 80, 24, ss)
	h.run(h.press("G", "e"))
	screen := h.view()
	for _, want := range []string{
		"status.certificate holds 2 certificates, all written to the file:",
		"1  CN=system:node:web-1,O=system:nodes",
		`2  CN=mallory\x1b[2J,O=system:masters`,
	} {
		if !strings.Contains(screen, want) {
			t.Fatalf("%q is not on screen:\n%s", want, screen)
		}
	}
	h.run(h.press("enter"))
	data, err := os.ReadFile(filepath.Join(dir, "csr-web-1.crt"))
	if err != nil || string(data) != string(testCertificatePEM)+string(extra) {
		t.Fatalf("the file holds %q, %v", data, err)
	}

	// More than fit: the count, and every line the dialog has room for.
	many := swapped(t, testSummaries(), "csr-web-1", func(s *certs.Summary) {
		var status []byte
		for range 30 {
			status = append(status, extra...)
		}
		issue(s, status)
	})
	h = newHarness(t, 80, 24, many)
	h.run(h.press("G", "e"))
	screen = h.view()
	checkFrame(t, "many certificates", screen, 80, 24)
	if !strings.Contains(screen, "holds 30 certificates") || !strings.Contains(screen, "more, all written") || !strings.Contains(screen, "> ./csr-web-1.crt") {
		t.Fatalf("screen:\n%s", screen)
	}
}
