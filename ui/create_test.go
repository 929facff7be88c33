package ui

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// userFiles is what a user hands the admin, and what they must never: a
// request made with their key, and the key itself.
type userFiles struct {
	dir     string
	csr     string // path of jane's request
	key     string // path of jane's private key
	keyPEM  []byte
	request []byte
}

func newUserFiles(t *testing.T) userFiles {
	t.Helper()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "jane", Organization: []string{"dev"}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	u := userFiles{dir: dir, csr: filepath.Join(dir, "jane.csr"), key: filepath.Join(dir, "jane.key"),
		request: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})}
	writeTestFile(t, u.csr, u.request)
	writeTestFile(t, u.key, u.keyPEM)
	return u
}

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) form() *createForm { h.t.Helper(); return openDialog[*createForm](h) }

// fillForm opens the form and types path into its file field; enter reads
// the file and moves on to the name.
func (h *harness) fillForm(path string) *createForm {
	h.t.Helper()
	h.run(h.press("n"))
	f := h.form()
	h.typeText(path)
	h.run(h.press("enter"))
	return f
}

// setField replaces the text of the form's field i.
func (h *harness) setField(f *createForm, i int, text string) {
	h.t.Helper()
	h.run(f.focusOn(i))
	f.fields[i].input.SetValue("")
	h.typeText(text)
}

// review presses enter on the last field, and runs the dry run it asks for.
func (h *harness) review(f *createForm) {
	h.t.Helper()
	h.run(f.focusOn(fieldLifetime))
	h.run(h.press("enter"))
}

func TestCreateFromAFile(t *testing.T) {
	u := newUserFiles(t)
	h := newHarness(t, 100, 40, testSummaries())
	f := h.fillForm(u.csr)
	if f.focus != fieldName || f.value(fieldName) != "jane" || f.value(fieldUsages) != "digital signature, client auth" ||
		f.value(fieldSigner) != certs.KubeAPIServerClientSignerName || f.value(fieldLifetime) != "24h" {
		t.Fatalf("defaults: focus %d, name %q, signer %q, usages %q, lifetime %q",
			f.focus, f.value(fieldName), f.value(fieldSigner), f.value(fieldUsages), f.value(fieldLifetime))
	}
	h.run(h.press("enter", "enter", "enter"))
	h.run(h.press("enter")) // on the lifetime: the dry run
	if f.review == nil {
		t.Fatalf("no review after the dry run; problem %q", f.problem)
	}
	view := h.view()
	for _, want := range []string{"Create this certificate signing request?", "jane", "O=dev, CN=jane", "kind-admin",
		"24h requested, 24h effective", "digital signature, client auth", "y create"} {
		if !strings.Contains(view, want) {
			t.Errorf("the review lacks %q:\n%s", want, view)
		}
	}
	// It says who asked: the admin, for jane.
	if !slices.ContainsFunc(f.review.Findings, func(x certs.Finding) bool { return x.ID == certs.FindingOtherIdentity }) {
		t.Errorf("the review's findings lack other-identity: %+v", f.review.Findings)
	}
	h.run(h.press("y"))
	_, created := h.cre.calls()
	if created != 1 {
		t.Fatalf("%d creates, want 1", created)
	}
	obj := h.cre.created[0]
	want := certs.NewRequestObject("jane", u.request, certs.KubeAPIServerClientSignerName, []string{"digital signature", "client auth"}, 24*time.Hour)
	if obj.Name != want.Name || string(obj.Spec.Request) != string(want.Spec.Request) || obj.Spec.SignerName != want.Spec.SignerName ||
		!slices.Equal(obj.Spec.Usages, want.Spec.Usages) || *obj.Spec.ExpirationSeconds != 86400 || obj.Spec.Username != "" {
		t.Fatalf("created %+v, want %+v", obj.Spec, want.Spec)
	}
	h.wantStatus(statusOK, `Created jane: it is pending`)
	if h.m.dialog != nil {
		t.Fatalf("the form is still open: %T", h.m.dialog)
	}
	// The cursor goes to the new request when it shows in the list.
	created1 := h.m.cfg.Source.Summarize(obj)
	h.send(snapshotMsg{summaries: append([]*certs.Summary{created1}, testSummaries()...)})
	if h.selected() != "jane" {
		t.Fatalf("the cursor is on %q, want the new request", h.selected())
	}
}

// Every bad input gets one line saying why, and nothing is created; what
// the console can check itself is not even sent for a dry run.
func TestCreateRefusesBadInput(t *testing.T) {
	u := newUserFiles(t)
	cert := filepath.Join(u.dir, "jane.crt")
	writeTestFile(t, cert, testCertificatePEM)
	notPEM := filepath.Join(u.dir, "notes.txt")
	writeTestFile(t, notPEM, []byte("hello, please sign me\n"))
	broken := filepath.Join(u.dir, "broken.csr")
	block, _ := pem.Decode(u.request)
	block.Bytes[len(block.Bytes)-1] ^= 0xff
	writeTestFile(t, broken, pem.EncodeToMemory(block))
	huge := filepath.Join(u.dir, "huge.csr")
	writeTestFile(t, huge, append(u.request, make([]byte, certs.MaxRequestFile)...))
	fifo := filepath.Join(u.dir, "stdin-like")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(u.dir, "a folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name    string
		path    string                          // typed into the file field
		edit    func(h *harness, f *createForm) // then
		preview error                           // the dry run's answer
		want    string                          // in the one line
		field   int                             // where the focus goes
		sent    bool                            // a dry run was asked for
		check   func(t *testing.T, view string) // more about the screen
	}{
		{name: "no file", path: "", want: "Give the path of the user's certificate request", field: fieldFile},
		{name: "missing", path: filepath.Join(u.dir, "nope.csr"), want: "nope.csr does not exist", field: fieldFile},
		{name: "not PEM", path: notPEM, want: "holds no PEM certificate request", field: fieldFile},
		{name: "a certificate", path: cert, want: "holds a certificate, not a certificate request", field: fieldFile},
		{name: "signature does not verify", path: broken, want: "signature does not verify", field: fieldFile},
		{name: "a private key", path: u.key, want: "jane.key holds a private key", field: fieldFile,
			check: func(t *testing.T, view string) { noKeyOnScreen(t, u.keyPEM, view) }},
		{name: "a folder with a space", path: folder, want: "a folder is a folder: give the request file in it", field: fieldFile},
		{name: "a named pipe", path: fifo, want: "is not a regular file", field: fieldFile},
		{name: "huge", path: huge, want: "a certificate request is a few KiB", field: fieldFile},
		{name: "a name taken", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldName, "csr-alice") },
			want: `A request named "csr-alice" is in the list already`, field: fieldName},
		{name: "a name with spaces and capitals", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldName, "Jane Doe") },
			want: `"Jane Doe" is not a valid request name`, field: fieldName},
		{name: "a name too long", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldName, strings.Repeat("a", 254)) },
			want: "is not a valid request name", field: fieldName},
		{name: "usages the signer rejects", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldUsages, "digital signature, server auth") },
			want: "kubernetes.io/kube-apiserver-client would fail it after approval: invalid usage for client certificate: server auth", field: fieldUsages},
		{name: "a usage the API does not know", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldUsages, "client auth, world domination") },
			want: `"world domination" is not a usage the API knows`, field: fieldUsages},
		{name: "no usage", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldUsages, " , ") },
			want: "give at least one usage", field: fieldUsages},
		{name: "the legacy signer", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldSigner, certs.LegacyUnknownSignerName) },
			want: "can't be requested through certificates.k8s.io/v1", field: fieldSigner},
		{name: "a lifetime too short", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldLifetime, "5m") },
			want: "too short: the apiserver wants at least 10m", field: fieldLifetime},
		{name: "a lifetime that is not one", path: u.csr, edit: func(h *harness, f *createForm) { h.setField(f, fieldLifetime, "soon") },
			want: `"soon" is not a lifetime`, field: fieldLifetime},
		{name: "forbidden", path: u.csr, sent: true,
			preview: wordedError{msg: "may not create certificate signing requests: csrtui needs create on certificatesigningrequests (group certificates.k8s.io)"},
			want:    "Not created: may not create certificate signing requests: csrtui needs create on certificatesigningrequests", field: fieldLifetime},
		{name: "the name taken since", path: u.csr, sent: true,
			preview: wordedError{msg: `a certificate signing request named "jane" already exists: choose another name`},
			want:    `already exists: choose another name`, field: fieldLifetime},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 100, 40, testSummaries())
			h.cre.previewErr = tc.preview
			f := h.fillForm(tc.path)
			if tc.edit != nil {
				tc.edit(h, f)
			}
			h.review(f)
			if f.review != nil {
				t.Fatalf("reviewed: %+v", f.review)
			}
			if got := f.problem.String(); !strings.Contains(got, tc.want) || strings.Contains(got, "\n") {
				t.Fatalf("the line is %q, want one line containing %q", got, tc.want)
			}
			if f.focus != tc.field {
				t.Errorf("focus on field %d, want %d", f.focus, tc.field)
			}
			view := h.view()
			if first := cutLines(f.problem, f.width, 3)[0]; !strings.Contains(view, first) {
				t.Errorf("the screen does not say %q:\n%s", first, view)
			}
			if tc.check != nil {
				tc.check(t, view)
			}
			previewed, created := h.cre.calls()
			if created != 0 || (previewed != 0) != tc.sent {
				t.Fatalf("%d dry runs and %d creates, want %v and none", previewed, created, tc.sent)
			}
		})
	}
}

// noKeyOnScreen fails when any line of the key's base64 is on screen.
func noKeyOnScreen(t *testing.T, keyPEM []byte, view string) {
	t.Helper()
	for _, l := range strings.Split(string(keyPEM), "\n") {
		if len(l) > 16 && !strings.HasPrefix(l, "-----") && strings.Contains(view, l[:16]) {
			t.Fatalf("the private key is on screen:\n%s", view)
		}
	}
}

// A request can be pasted instead of a path; a private key pasted by
// mistake, bracketed or key by key, is dropped, never shown, never sent.
func TestCreatePasted(t *testing.T) {
	u := newUserFiles(t)
	h := newHarness(t, 100, 40, testSummaries())
	h.run(h.press("n"))
	f := h.form()
	h.run(h.send(tea.PasteMsg{Content: string(u.keyPEM)}))
	if !strings.Contains(f.problem.String(), "holds a private key") || f.value(fieldFile) != "" || f.req != nil {
		t.Fatalf("a pasted key: problem %q, field %q", f.problem, f.value(fieldFile))
	}
	noKeyOnScreen(t, u.keyPEM, h.view())

	// A terminal without bracketed paste types it key by key.
	for _, r := range string(u.keyPEM) {
		if r == '\n' {
			h.send(keyPress("enter"))
			continue
		}
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		noKeyOnScreen(t, u.keyPEM, h.view())
	}
	if !strings.Contains(f.problem.String(), "holds a private key") || f.req != nil || f.typedPEM != nil {
		t.Fatalf("a typed key: problem %q", f.problem)
	}
	h.run(f.focusOn(fieldFile))

	// A pasted request is taken as the file.
	h.run(h.send(tea.PasteMsg{Content: string(u.request)}))
	if f.req == nil || !f.pasted || f.value(fieldName) != "jane" || f.focus != fieldName {
		t.Fatalf("a pasted request: problem %q, name %q", f.problem, f.value(fieldName))
	}
	if !strings.Contains(h.view(), "pasted: O=dev, CN=jane") {
		t.Fatalf("the form does not say what was pasted:\n%s", h.view())
	}
	// PEM pasted anywhere else is dropped.
	h.run(h.send(tea.PasteMsg{Content: string(u.keyPEM)}))
	if !strings.Contains(f.problem.String(), "was dropped, never shown") || f.value(fieldName) != "jane" {
		t.Fatalf("PEM pasted in the name: problem %q, name %q", f.problem, f.value(fieldName))
	}
	h.review(f)
	if f.review == nil {
		t.Fatalf("no review: %q", f.problem)
	}
	h.run(h.press("y"))
	if _, created := h.cre.calls(); created != 1 || string(h.cre.created[0].Spec.Request) != string(u.request) {
		t.Fatal("the pasted request was not the one created")
	}
}

// Tab completes the path as a shell does; names the input could not hold
// are shown escaped, never put in it. ~ is the home folder.
func TestCreateCompletesPaths(t *testing.T) {
	u := newUserFiles(t)
	writeTestFile(t, filepath.Join(u.dir, "jane-old.csr"), u.request)
	writeTestFile(t, filepath.Join(u.dir, "evil\x1b[2J.csr"), u.request)
	if err := os.Mkdir(filepath.Join(u.dir, "requests"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 100, 40, testSummaries())
	h.run(h.press("n"))
	f := h.form()
	h.typeText(u.dir + "/ja")
	h.press("tab")
	if got := f.value(fieldFile); got != u.dir+"/jane" {
		t.Fatalf("tab made %q, want the common prefix %q", got, u.dir+"/jane")
	}
	if v := h.view(); !strings.Contains(v, "jane-old.csr  jane.csr  jane.key") {
		t.Fatalf("the candidates are not shown:\n%s", v)
	}
	h.typeText(".c")
	h.press("tab")
	if got := f.value(fieldFile); got != u.csr {
		t.Fatalf("tab made %q, want %q", got, u.csr)
	}
	f.fields[fieldFile].input.SetValue(u.dir + "/r")
	h.press("tab")
	if got := f.value(fieldFile); got != u.dir+"/requests/" {
		t.Fatalf("a folder completes with a slash: %q", got)
	}
	f.fields[fieldFile].input.SetValue(u.dir + "/e")
	h.press("tab")
	if got := f.value(fieldFile); got != u.dir+"/e" {
		t.Fatalf("a name with an escape was put in the input: %q", got)
	}
	if v := h.m.View().Content; !strings.Contains(ansiStrip(v), `evil\x1b[2J.csr`) || hostileRunes(v) != "" {
		t.Fatalf("the hostile name is not shown escaped:\n%s", ansiStrip(v))
	}

	t.Setenv("HOME", u.dir)
	f.fields[fieldFile].input.SetValue("~/jane.c")
	h.press("tab")
	if got := f.value(fieldFile); got != "~/jane.csr" {
		t.Fatalf("~ completes in the home folder: %q", got)
	}
	h.run(h.press("enter"))
	if f.req == nil || f.value(fieldName) != "jane" {
		t.Fatalf("~/jane.csr was not read: %q", f.problem)
	}
}

// The signer offers the built-in ones that can be asked for and those in the
// list; changing it changes the default usages, never typed ones.
func TestCreateSignerAndUsages(t *testing.T) {
	u := newUserFiles(t)
	h := newHarness(t, 100, 40, testSummaries())
	f := h.fillForm(u.csr)
	h.run(f.focusOn(fieldSigner))
	f.fields[fieldSigner].input.SetValue("")
	h.press("tab")
	v := h.view()
	for _, want := range []string{"kubernetes.io/kube-apiserver-client", "kubernetes.io/kubelet-serving", "example.com/any", "example.com/nobody"} {
		if !strings.Contains(v, want) {
			t.Errorf("the signers offered lack %s:\n%s", want, v)
		}
	}
	if strings.Contains(v, certs.LegacyUnknownSignerName) {
		t.Errorf("the legacy signer is offered:\n%s", v)
	}
	h.typeText("kubernetes.io/kubelet-s")
	h.press("tab")
	if f.value(fieldSigner) != certs.KubeletServingSignerName {
		t.Fatalf("signer %q", f.value(fieldSigner))
	}
	h.press("down")
	if got := f.value(fieldUsages); got != "digital signature, server auth" {
		t.Fatalf("usages after the signer changed: %q", got)
	}
	h.setField(f, fieldUsages, "digital signature, cli")
	h.press("tab")
	if got := f.value(fieldUsages); got != "digital signature, client auth" {
		t.Fatalf("tab completes the last usage: %q", got)
	}
	h.run(f.focusOn(fieldSigner))
	f.fields[fieldSigner].input.SetValue(certs.KubeAPIServerClientSignerName)
	h.press("down")
	if got := f.value(fieldUsages); got != "digital signature, client auth" {
		t.Fatalf("typed usages were replaced: %q", got)
	}
}

// esc leaves the form, and the review goes back to it with what was typed.
func TestCreateCancelAndBack(t *testing.T) {
	u := newUserFiles(t)
	h := newHarness(t, 100, 40, testSummaries())
	f := h.fillForm(u.csr)
	h.review(f)
	if f.review == nil {
		t.Fatalf("no review: %q", f.problem)
	}
	h.press("esc")
	if f.review != nil || h.m.dialog != f || f.value(fieldName) != "jane" {
		t.Fatal("esc did not go back to the form")
	}
	h.press("esc")
	if h.m.dialog != nil {
		t.Fatal("esc did not close the form")
	}
	h.wantStatus(statusInfo, "Nothing was created.")
	if _, created := h.cre.calls(); created != 0 {
		t.Fatal("something was created")
	}
	// An answer meant for the closed form is not taken by a new one.
	h.run(h.press("n"))
	g := h.form()
	h.send(requestReadMsg{form: f.id, seq: 1, path: u.csr, data: u.request})
	if g.req != nil {
		t.Fatal("a new form took an old form's answer")
	}
}

// Read-only, n says why nothing can be created.
func TestCreateReadOnly(t *testing.T) {
	h := newHarness(t, 100, 40, testSummaries())
	h.m.cfg.Creator = nil
	h.press("n")
	if h.m.dialog != nil {
		t.Fatal("the form opened without a Creator")
	}
	h.wantStatus(statusErr, "creating a request is not possible")
}

// A create the apiserver refuses after the review says why, on the status
// line.
func TestCreateFails(t *testing.T) {
	u := newUserFiles(t)
	h := newHarness(t, 100, 40, testSummaries())
	h.cre.createErr = errors.New(`a certificate signing request named "jane" already exists`)
	f := h.fillForm(u.csr)
	h.review(f)
	h.run(h.press("y"))
	h.wantStatus(statusErr, `Not created: a certificate signing request named "jane" already exists`)
}

// TestGoldenCreate renders the form, filled and refusing, and the review, at
// 80x24 and 200x60.
func TestGoldenCreate(t *testing.T) {
	u := newUserFiles(t)
	// The paths on screen must not depend on the temporary folder.
	t.Chdir(u.dir)
	screens := []struct {
		name  string
		setup func(h *harness)
	}{
		{"form", func(h *harness) { h.run(h.press("n")) }},
		{"form-read", func(h *harness) { h.fillForm("jane.csr") }},
		{"form-refused", func(h *harness) {
			f := h.fillForm("jane.csr")
			h.setField(f, fieldUsages, "digital signature, server auth")
			h.review(f)
		}},
		{"form-key", func(h *harness) { h.fillForm("jane.key") }},
		{"review", func(h *harness) { h.review(h.fillForm("jane.csr")) }},
	}
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		for _, sc := range screens {
			h := newHarness(t, size[0], size[1], testSummaries())
			sc.setup(h)
			checkFrame(t, sc.name, h.view(), size[0], size[1])
			noKeyOnScreen(t, u.keyPEM, h.view())
			h.golden(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]))
		}
	}
}

// A named pipe, such as /dev/stdin, is refused without waiting for a
// writer, and so is a device.
func TestReadRequestFileNeverWaits(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/stdin", "/dev/zero"} {
		done := make(chan error, 1)
		go func() {
			_, err := readRequestFile(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
				t.Errorf("%s: %v", path, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("reading %s waits", path)
		}
	}
}

// Hostile text reaches the form and the kubeconfig dialog from a file name,
// a request's subject and a certificate's CN: none of it acts on the
// terminal.
func TestHostileCreateAndKubeconfig(t *testing.T) {
	const evil = "x\x1b]0;pwned\x07\x1b[2J\u009b31m\u202eevil"
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "jane" + evil, Organization: []string{"o" + evil}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "req"+evil+".csr")
	writeTestFile(t, path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))

	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		h := newHarness(t, size[0], size[1], testSummaries())
		h.run(h.press("n"))
		f := h.form()
		// The input drops the controls of a typed path; the bidi override stays
		// in it, and is shown escaped.
		h.typeText(path)
		h.run(h.press("enter"))
		if bad := hostileRunes(h.m.View().Content); bad != "" {
			t.Errorf("the form at %dx%d passes %s to the terminal", size[0], size[1], bad)
		}
		// Pasted, the request itself: its subject is shown escaped, in the form
		// and in the review.
		h.run(f.focusOn(fieldFile))
		h.run(h.send(tea.PasteMsg{Content: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}))
		if f.req == nil {
			t.Fatalf("the paste was not read: %q", f.problem)
		}
		if bad := hostileRunes(h.m.View().Content); bad != "" {
			t.Errorf("the form with the request at %dx%d passes %s to the terminal", size[0], size[1], bad)
		}
		h.review(f)
		if bad := hostileRunes(h.m.View().Content); bad != "" {
			t.Errorf("the review at %dx%d passes %s to the terminal", size[0], size[1], bad)
		}

		jane := janeIssued()
		jane.Request = request("jane"+evil, "o"+evil)
		h = newHarness(t, size[0], size[1], []*certs.Summary{jane})
		h.run(h.press("K"))
		if bad := hostileRunes(h.m.View().Content); bad != "" {
			t.Errorf("the kubeconfig dialog at %dx%d passes %s to the terminal", size[0], size[1], bad)
		}
		if u := h.kubeconfig().user; u != certs.Sanitize("jane"+evil).String() {
			t.Errorf("the kubeconfig's user is %q, not the escaped CN", u)
		}
	}
}
