package ui

import (
	"context"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/csrtui/csrtui/certs"
)

// held is a request as the cluster would answer for it: name, UID and
// status.certificate.
func held(name, uid string, certificate []byte) *certificatesv1.CertificateSigningRequest {
	return &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(uid)},
		Status:     certificatesv1.CertificateSigningRequestStatus{Certificate: certificate},
	}
}

// otherCertificatePEM is a certificate that is not testCertificatePEM.
func otherCertificatePEM(t *testing.T) []byte {
	return certificatePEM(t, pkix.Name{CommonName: "system:node:web-1", Organization: []string{"system:nodes"}})
}

// The export holds no certificate until it has read the request again: it
// says so, enter writes nothing meanwhile, and once read it writes what it
// read, the certificate shown. The console adds no deadline of its own: the
// Reader bounds the read with the request timeout.
func TestExportReadsTheCertificateAgain(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	h := newHarness(t, 80, 24, testSummaries())
	read := h.press("G", "e")
	h.wantState(statePrompt)
	if !strings.Contains(h.view(), `Reading the certificate of "csr-web-1" from the cluster`) {
		t.Fatalf("the dialog does not say it is reading:\n%s", h.view())
	}
	if len(h.rd.calls()) != 0 {
		t.Fatal("the read ran in Update")
	}
	h.run(h.press("enter"))
	h.wantState(statePrompt)
	if !strings.Contains(h.view(), "Still reading the certificate") {
		t.Fatalf("enter while reading:\n%s", h.view())
	}
	if _, err := os.Stat(filepath.Join(dir, "csr-web-1.crt")); err == nil {
		t.Fatal("a file was written before the certificate was read")
	}

	h.run(read)
	if got := h.rd.calls(); len(got) != 1 || got[0] != "csr-web-1" || h.rd.deadlines != 0 {
		t.Fatalf("reads %q, %d with a deadline from the console", got, h.rd.deadlines)
	}
	if v := h.view(); !strings.Contains(v, "Write the PEM certificate to:") || strings.Contains(v, "Still reading") {
		t.Fatalf("once read:\n%s", v)
	}
	h.run(h.press("enter"))
	data, err := os.ReadFile(filepath.Join(dir, "csr-web-1.crt"))
	if err != nil || string(data) != string(testCertificatePEM) {
		t.Fatalf("wrote %q, %v", data, err)
	}
}

// Every answer that is not the certificate shown closes the export for a
// notice, with one line on the status line; no key typed after it writes
// anything.
func TestExportRefusesWhatWasNotShown(t *testing.T) {
	forbidden := wordedError{
		msg: `may not read "csr-web-1": csrtui needs get on certificatesigningrequests (group certificates.k8s.io)`,
		err: apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "csr-web-1", nil),
	}
	timedOut := wordedError{msg: `could not read "csr-web-1": the apiserver did not answer in time`, err: context.DeadlineExceeded}
	cases := map[string]struct {
		obj  func(t *testing.T) *certificatesv1.CertificateSigningRequest
		err  error
		want string
	}{
		// The apiserver refuses a new certificate over an existing one
		// (pkg/apis/certificates/validation: "updates may not modify existing
		// certificate content"), but whoever writes to etcd, or a stale list,
		// is not bound by that.
		"another certificate under the UID": {
			obj: func(t *testing.T) *certificatesv1.CertificateSigningRequest {
				return held("csr-web-1", "uid-csr-web-1", otherCertificatePEM(t))
			},
			want: `The certificate of "csr-web-1" is not the one shown (its SHA-256 differs): look again.`,
		},
		"text added around it": {
			obj: func(t *testing.T) *certificatesv1.CertificateSigningRequest {
				return held("csr-web-1", "uid-csr-web-1", append([]byte("hello\n"), testCertificatePEM...))
			},
			want: "is not the one shown (its SHA-256 differs)",
		},
		"no certificate": {
			obj: func(t *testing.T) *certificatesv1.CertificateSigningRequest {
				return held("csr-web-1", "uid-csr-web-1", nil)
			},
			want: "is not the one shown",
		},
		// Deleted and created again: the same bytes even, under another UID.
		"another request under the name": {
			obj: func(t *testing.T) *certificatesv1.CertificateSigningRequest {
				return held("csr-web-1", "uid-impostor", testCertificatePEM)
			},
			want: `"csr-web-1" was replaced by a different request since you opened it; look again.`,
		},
		"gone": {
			err: wordedError{msg: `certificate signing request "csr-web-1" not found`,
				err: apierrors.NewNotFound(certificatesv1.Resource("certificatesigningrequests"), "csr-web-1")},
			want: `"csr-web-1" is gone (deleted, or cleaned up by the cluster) since you opened it.`,
		},
		"forbidden": {
			err:  forbidden,
			want: `Nothing written: may not read "csr-web-1": csrtui needs get on certificatesigningrequests (group certificates.k8s.io)`,
		},
		"no answer in time": {
			err:  timedOut,
			want: `Nothing written: could not read "csr-web-1": the apiserver did not answer in time`,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			h := newHarness(t, 80, 24, testSummaries())
			h.rd.set(func(f *fakeReader) {
				f.err = c.err
				if c.obj != nil {
					f.objects = map[string]*certificatesv1.CertificateSigningRequest{"csr-web-1": c.obj(t)}
				}
			})
			read := h.press("G", "e")
			h.typeText("x")
			h.run(read)
			if title := h.lookAgain().title; (c.err != nil) != (title == "Not written") {
				t.Errorf("the notice is titled %q", title)
			}
			h.wantStatus(statusErr, c.want)
			if lines := len(h.m.status.lines(200, maxStatusLines)); lines != 1 {
				t.Errorf("the refusal takes %d lines at 200 columns", lines)
			}
			h.run(h.press("enter"))
			h.run(h.press("y"))
			if !strings.Contains(h.view(), "Nothing was written.") {
				t.Fatalf("screen:\n%s", h.view())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("written: %v", entries)
			}
			h.press("esc")
			h.wantState(stateList)
		})
	}
}

// An answer is taken by the dialog that asked for it only: one that comes
// after the dialog closed, or after another opened, is dropped.
func TestExportDropsAnAnswerMeantForAnotherDialog(t *testing.T) {
	t.Chdir(t.TempDir())
	h := newHarness(t, 80, 24, testSummaries())
	first := h.press("G", "e")
	h.press("esc")
	h.rd.set(func(f *fakeReader) {
		f.objects = map[string]*certificatesv1.CertificateSigningRequest{"csr-web-1": held("csr-web-1", "uid-impostor", nil)}
	})
	h.run(first) // after the dialog closed: nothing opens, nothing is said
	h.wantState(stateList)
	if h.m.status.text.String() != "" {
		t.Fatalf("status %q", h.m.status.text)
	}

	h.rd.set(func(f *fakeReader) { f.objects = nil })
	stale := h.press("e")
	h.press("esc")
	second := h.press("e")
	h.rd.set(func(f *fakeReader) {
		f.objects = map[string]*certificatesv1.CertificateSigningRequest{"csr-web-1": held("csr-web-1", "uid-impostor", nil)}
	})
	h.run(stale) // the first export's answer, to the second
	if p := h.prompt(); !p.read.reading() {
		t.Fatal("the second export took the first one's answer")
	}
	h.rd.set(func(f *fakeReader) { f.objects = nil })
	h.run(second)
	if p := h.prompt(); p.read.reading() || !strings.Contains(h.view(), "Write the PEM certificate to:") {
		t.Fatalf("the second export did not take its answer:\n%s", h.view())
	}
}

// A drift while the export reads closes it as ever; the read's answer then
// finds no dialog.
func TestExportDriftWhileReading(t *testing.T) {
	t.Chdir(t.TempDir())
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	read := h.press("G", "e")
	h.send(snapshotMsg{summaries: swapped(t, ss, "csr-web-1", impostor)})
	h.lookAgain()
	h.wantStatus(statusErr, "was replaced")
	h.run(read)
	h.lookAgain()
	h.wantStatus(statusErr, "was replaced")
}

// K reads the certificate again too: enter writes nothing until it is read,
// and a certificate that is not the one shown is never put in a kubeconfig.
func TestKubeconfigReadsTheCertificateAgain(t *testing.T) {
	dir := t.TempDir()
	jane := janeIssued()
	out := filepath.Join(dir, "kc")

	h := newHarness(t, 100, 40, []*certs.Summary{jane})
	read := h.press("K")
	if !strings.Contains(h.view(), "Reading the certificate from the cluster") {
		t.Fatalf("the dialog does not say it is reading:\n%s", h.view())
	}
	h.kubeconfig().fields[fieldOut].input.SetValue(out)
	h.run(h.press("enter"))
	h.run(h.press("enter"))
	if !strings.Contains(h.kubeconfig().problem.String(), "Still reading the certificate") {
		t.Fatalf("problem %q", h.kubeconfig().problem)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a kubeconfig was written before the certificate was read")
	}
	h.run(read)
	if strings.Contains(h.view(), "Reading the certificate") {
		t.Fatalf("still reading:\n%s", h.view())
	}
	h.run(h.press("enter"))
	h.wantStatus(statusOK, "Wrote a kubeconfig for jane")

	h = newHarness(t, 100, 40, []*certs.Summary{jane})
	h.rd.set(func(f *fakeReader) {
		f.objects = map[string]*certificatesv1.CertificateSigningRequest{"jane": held("jane", "uid-jane", testCertificatePEM)}
	})
	h.run(h.press("K"))
	h.lookAgain()
	h.wantStatus(statusErr, `The certificate of "jane" is not the one shown (its SHA-256 differs): look again.`)
	h.press("enter", "enter")
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("files %v", entries)
	}
}

// Without get on certificatesigningrequests csrtui can't read the request
// again: e and K are shown disabled with the rule, say why when pressed,
// and read nothing.
func TestExportNeedsGet(t *testing.T) {
	h := newHarnessWith(t, 200, 40, append(testSummaries(), janeIssued()), withPermissions("get on certificatesigningrequests"))
	h.focusKeep("jane")
	if !strings.Contains(h.view(), "e/K ✗ needs get on certificatesigningrequests") {
		t.Fatalf("the help bar:\n%s", h.view())
	}
	h.run(h.press("e"))
	h.wantState(stateList)
	h.wantStatus(statusErr, "Exporting is disabled: csrtui's identity needs get on certificatesigningrequests (API group certificates.k8s.io)")
	h.run(h.press("K"))
	h.wantState(stateList)
	h.wantStatus(statusErr, "No kubeconfig for jane: csrtui's identity needs get on certificatesigningrequests")
	if len(h.rd.calls()) != 0 {
		t.Fatalf("read %q", h.rd.calls())
	}

	// With nothing to read with, neither is offered.
	h = newHarnessWith(t, 200, 40, append(testSummaries(), janeIssued()), func(_ *harness, c *Config) { c.Reader = nil })
	h.focusKeep("jane")
	if v := h.view(); strings.Contains(v, "e export") || strings.Contains(v, "K kubecfg") {
		t.Fatalf("offered without a Reader:\n%s", v)
	}
	h.run(h.press("e"))
	h.wantStatus(statusErr, "Exporting is disabled: csrtui can't read requests again here")
}
