package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/csrtui/csrtui/certs"
)

// decided is csr with a condition, as the approver left it.
func decided(csr *certificatesv1.CertificateSigningRequest, typ certificatesv1.RequestConditionType, reason, message string) *certificatesv1.CertificateSigningRequest {
	out := csr.DeepCopy()
	out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: typ, Status: corev1.ConditionTrue, Reason: reason, Message: message,
	})
	return out
}

// approveAndIssue answers WaitForCertificate as an approver and the signer
// would: approved (seen), then issued by the test CA.
func approveAndIssue(t *testing.T) func(context.Context, *certificatesv1.CertificateSigningRequest, func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
	return func(_ context.Context, csr *certificatesv1.CertificateSigningRequest, seen func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
		approved := decided(csr, certificatesv1.CertificateApproved, certs.ReasonApprove, "ok")
		seen(approved)
		issued := approved.DeepCopy()
		issued.Status.Certificate = testCA.sign(t, csr.Spec.Request)
		return issued, nil
	}
}

func TestRequestIssued(t *testing.T) {
	dir := t.TempDir()
	f := newFakeCluster()
	f.wait = approveAndIssue(t)
	keyBeforeCreate := false
	f.onCreate = func() {
		matches, _ := filepath.Glob(filepath.Join(dir, "jane-*.key"))
		keyBeforeCreate = len(matches) == 1
	}
	out, errOut, code := run(t, deps(f), "request", "--cn", "jane", "--org", "dev", "--out", dir)
	if code != ExitOK || len(f.created) != 1 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	csr := f.created[0]
	name := csr.Name
	if !regexp.MustCompile(`^jane-[a-z0-9]{5}$`).MatchString(name) {
		t.Errorf("name %q", name)
	}
	if !keyBeforeCreate {
		t.Error("the key was not on disk when the request was created")
	}
	if want := dir + "/" + name + ".crt\n" + dir + "/" + name + ".key\n" + dir + "/kubeconfig\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if want := name + ": pending, waiting for an approver (csrtui approve " + name + ")\n" + name + ": approved, waiting for the signer\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}

	// What was asked: the usages the client signer accepts, a day, CN and O.
	if csr.Spec.SignerName != certs.KubeAPIServerClientSignerName || *csr.Spec.ExpirationSeconds != 86400 ||
		!slices.Equal(csr.Spec.Usages, []certificatesv1.KeyUsage{"digital signature", "client auth"}) {
		t.Errorf("spec %+v", csr.Spec)
	}
	req, err := certs.ParseRequest(csr.Spec.Request)
	if err != nil || req.CommonName != "jane" || !slices.Equal(req.Organizations, []string{"dev"}) || req.Curve != "P-256" {
		t.Fatalf("request %+v, %v", req, err)
	}

	// The files: the key private, the certificate for that key, a kubeconfig that loads.
	keyPEM := assertFile(t, filepath.Join(dir, name+".key"), "", 0o600)
	key, err := certs.ParsePrivateKey([]byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	crt := assertFile(t, filepath.Join(dir, name+".crt"), "", 0o644)
	if err := certs.CheckCertificateKey([]byte(crt), key); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.Load([]byte(assertFile(t, filepath.Join(dir, "kubeconfig"), "", 0o600)))
	if err != nil {
		t.Fatal(err)
	}
	u := cfg.AuthInfos["jane"]
	if cfg.CurrentContext != "jane@prod" || u == nil || string(u.ClientKeyData) != keyPEM || string(u.ClientCertificateData) != crt ||
		string(cfg.Clusters["prod"].CertificateAuthorityData) != string(testCA.pem) {
		t.Errorf("kubeconfig %+v", cfg)
	}
}

func TestRequestDeniedOrFailed(t *testing.T) {
	for _, tc := range []struct {
		typ          certificatesv1.RequestConditionType
		reason, msg  string
		wantLastLine string
	}{
		{certificatesv1.CertificateDenied, certs.ReasonDeny, "not on the roster", "was denied (CSRTUIDeny): not on the roster"},
		{certificatesv1.CertificateFailed, "SignerValidationFailure", "invalid usage", "failed (SignerValidationFailure): invalid usage"},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			dir := t.TempDir()
			f := newFakeCluster()
			f.wait = func(_ context.Context, csr *certificatesv1.CertificateSigningRequest, _ func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
				return decided(csr, tc.typ, tc.reason, tc.msg), nil
			}
			out, errOut, code := run(t, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
			if code != ExitDenied || out != "" || !strings.HasSuffix(errOut, "csrtui: jane-laptop "+tc.wantLastLine+"\n") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			// The key made for this request alone is of no use: nothing is left.
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

func TestRequestStillWaiting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		state func(*certificatesv1.CertificateSigningRequest) *certificatesv1.CertificateSigningRequest
		want  string
	}{
		{"pending", func(c *certificatesv1.CertificateSigningRequest) *certificatesv1.CertificateSigningRequest { return c },
			"csrtui: jane-laptop is still pending after 10m0s; wait again with: csrtui request --resume jane-laptop --out DIR\n"},
		{"approved", func(c *certificatesv1.CertificateSigningRequest) *certificatesv1.CertificateSigningRequest {
			return decided(c, certificatesv1.CertificateApproved, "ok", "")
		}, "csrtui: jane-laptop is approved but not issued yet (is a signer running for kubernetes.io/kube-apiserver-client?) after 10m0s; wait again with: csrtui request --resume jane-laptop --out DIR\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := newFakeCluster()
			f.wait = func(_ context.Context, csr *certificatesv1.CertificateSigningRequest, _ func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
				return tc.state(csr), context.DeadlineExceeded
			}
			_, errOut, code := run(t, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
			if last := lastLine(errOut); code != ExitTimeout || last != strings.ReplaceAll(tc.want, "DIR", dir) {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
			// The key stays: --resume needs it.
			assertFile(t, filepath.Join(dir, "jane-laptop.key"), "", 0o600)
		})
	}

	// --wait 0: create, and say how to wait.
	dir := t.TempDir()
	f := newFakeCluster()
	_, errOut, code := run(t, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop", "--wait", "0")
	if code != ExitTimeout || strings.Contains(f.callLog(), "wait") || !strings.Contains(errOut, "jane-laptop is still pending; wait for it with: csrtui request --resume jane-laptop --out "+dir) {
		t.Errorf("--wait 0: exit %d, stderr %q, calls %q", code, errOut, f.callLog())
	}
}

func lastLine(s string) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) < 2 {
		return s
	}
	return lines[len(lines)-2]
}

func TestRequestInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	f := newFakeCluster()
	f.wait = func(wctx context.Context, csr *certificatesv1.CertificateSigningRequest, _ func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
		cancel() // Ctrl+C
		<-wctx.Done()
		return csr, wctx.Err()
	}
	_, errOut, code := runCtx(t, ctx, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
	if code != ExitInterrupted || lastLine(errOut) != "csrtui: interrupted: jane-laptop is still pending; wait again with: csrtui request --resume jane-laptop --out "+dir+"\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// A terminal gets one line redrawn in place, cleared before the result.
func TestRequestLiveStatus(t *testing.T) {
	dir := t.TempDir()
	f := newFakeCluster()
	f.wait = approveAndIssue(t)
	d := deps(f)
	d.Streams.ErrTerminal = true
	_, errOut, code := run(t, d, "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
	want := eraseLine + "jane-laptop: pending, waiting for an approver (csrtui approve jane-laptop) (0s)" +
		eraseLine + "jane-laptop: approved, waiting for the signer (0s)" + eraseLine +
		"jane-laptop: issued. Try it: kubectl --kubeconfig " + dir + "/kubeconfig auth whoami\n"
	if code != ExitOK || errOut != want {
		t.Errorf("exit %d, stderr %q\nwant %q", code, errOut, want)
	}
}

func TestRequestRenewalReusesTheKey(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "jane.key")
	writeTestFile(t, keyFile, string(must(certs.EncodePrivateKey(fixtureKey))))
	f := newFakeCluster()
	f.wait = approveAndIssue(t)
	out, errOut, code := run(t, deps(f), "request", "--cn", "jane", "--key", keyFile, "--out", dir, "--name", "jane-renewed", "--duration", "0")
	if code != ExitOK || out != dir+"/jane-renewed.crt\n"+dir+"/kubeconfig\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if f.created[0].Spec.ExpirationSeconds != nil {
		t.Error("--duration 0 set expirationSeconds")
	}
	req := must(certs.ParseRequest(f.created[0].Spec.Request))
	if !req.ForKey(fixtureKey) {
		t.Error("the request is not for the given key")
	}
	if _, err := os.Stat(filepath.Join(dir, "jane-renewed.key")); err == nil {
		t.Error("a key was written although one was given")
	}
}

func TestRequestFromAnOpenSSLRequest(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "in.key")
	csrFile := filepath.Join(dir, "in.csr")
	writeTestFile(t, keyFile, string(must(certs.EncodePrivateKey(fixtureKey))))
	request := must(certs.NewRequest(fixtureKey, "grace", []string{"qa"}))
	writeTestFile(t, csrFile, "subject=CN=grace\n"+string(request))
	f := newFakeCluster()
	f.wait = approveAndIssue(t)
	if _, errOut, code := run(t, deps(f), "request", "--csr", csrFile, "--key", keyFile, "--out", dir); code != ExitOK {
		t.Fatalf("exit %d %q", code, errOut)
	}
	if got := f.created[0]; string(got.Spec.Request) != string(request) || !strings.HasPrefix(got.Name, "grace-") {
		t.Errorf("sent %s as %s", got.Spec.Request, got.Name)
	}
}

func TestRequestResume(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "jane-laptop.key"), string(must(certs.EncodePrivateKey(fixtureKey))))
	pending := janeLaptop(t) // made from fixtureKey
	f := newFakeCluster(pending)
	f.wait = approveAndIssue(t)
	out, errOut, code := run(t, deps(f), "request", "--resume", "jane-laptop", "--out", dir)
	if code != ExitOK || out != dir+"/jane-laptop.crt\n"+dir+"/kubeconfig\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if len(f.created) != 0 {
		t.Error("--resume created a request")
	}

	// Someone else's request of that name: not ours, nothing written.
	other := t.TempDir()
	otherKey := must(certs.GenerateKey(certs.KeyECDSA))
	writeTestFile(t, filepath.Join(other, "jane-laptop.key"), string(must(certs.EncodePrivateKey(otherKey))))
	_, errOut, code = run(t, deps(f), "request", "--resume", "jane-laptop", "--out", other)
	if code != ExitError || !strings.Contains(errOut, "jane-laptop was not made from the key in "+other+"/jane-laptop.key") {
		t.Errorf("another key: exit %d %q", code, errOut)
	}
	_, errOut, code = run(t, deps(f), "request", "--resume", "jane-laptop", "--out", t.TempDir())
	if code != ExitError || !strings.Contains(errOut, "no key for jane-laptop") {
		t.Errorf("no key: exit %d %q", code, errOut)
	}
	_, errOut, code = run(t, deps(f), "request", "--resume", "nobody", "--out", t.TempDir(), "--key", filepath.Join(dir, "jane-laptop.key"))
	if code != ExitNotAsAsked || !strings.Contains(errOut, `"nobody" not found`) {
		t.Errorf("no request: exit %d %q", code, errOut)
	}
}

// A certificate for another key is useless with this one: nothing is written.
func TestRequestRefusesACertificateForAnotherKey(t *testing.T) {
	dir := t.TempDir()
	f := newFakeCluster()
	f.wait = func(_ context.Context, csr *certificatesv1.CertificateSigningRequest, _ func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
		out := decided(csr, certificatesv1.CertificateApproved, "ok", "")
		out.Status.Certificate = testCA.sign(t, must(certs.NewRequest(fixtureKey, "jane", nil)))
		return out, nil
	}
	_, errOut, code := run(t, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
	if code != ExitError || !strings.Contains(errOut, "csrtui: jane-laptop: the certificate is not for this key; nothing written") {
		t.Errorf("exit %d %q", code, errOut)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "jane-laptop.key" {
		t.Errorf("files: %v", entries)
	}
}

// Bad input of every kind: one line, exit code 2, nothing created and nothing
// written.
func TestRequestRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	inputs := t.TempDir()
	keyFile := filepath.Join(inputs, "jane.key")
	csrFile := filepath.Join(inputs, "jane.csr")
	crtFile := filepath.Join(inputs, "jane.crt")
	writeTestFile(t, keyFile, string(must(certs.EncodePrivateKey(fixtureKey))))
	writeTestFile(t, csrFile, string(must(certs.NewRequest(fixtureKey, "jane", nil))))
	writeTestFile(t, crtFile, string(testCA.pem))
	aFile := filepath.Join(inputs, "a-file")
	writeTestFile(t, aFile, "x")

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a request as the key", []string{"--cn", "jane", "--key", csrFile}, "--key " + csrFile + " holds a certificate request, not a private key"},
		{"a key as the request", []string{"--csr", keyFile, "--key", keyFile}, "--csr " + keyFile + " holds a private key, not a certificate request (it was not sent anywhere)"},
		{"a certificate as the request", []string{"--csr", crtFile, "--key", keyFile}, "holds a certificate, not a certificate request"},
		{"a request of another key", []string{"--csr", csrFile, "--key", mustWriteKey(t, inputs)}, "was not made from the key in --key"},
		{"not PEM", []string{"--cn", "jane", "--key", aFile}, "--key " + aFile + " holds no PEM private key"},
		{"out is a file", []string{"--cn", "jane", "--out", aFile}, "--out " + aFile + " is not a folder"},
		{"out is missing", []string{"--cn", "jane", "--out", filepath.Join(inputs, "missing")}, "--out " + inputs + "/missing does not exist: create the folder first"},
		{"no out", []string{"--cn", "jane", "--out", ""}, "--out is required"},
		{"no cn", nil, "--cn is required"},
		{"a bad name", []string{"--cn", "jane", "--name", "Jane\x1b"}, `--name: "Jane\x1b" is not a valid request name: use lower-case letters`},
		{"too short", []string{"--cn", "jane", "--duration", "5m"}, "--duration: a lifetime of 5m0s is too short"},
		{"the legacy signer", []string{"--cn", "jane", "--signer", certs.LegacyUnknownSignerName}, "can't be requested through certificates.k8s.io/v1"},
		{"a signer that would fail it", []string{"--cn", "jane", "--signer", certs.KubeletServingSignerName}, "kubernetes.io/kubelet-serving would fail this request after approval: subject organization is not system:nodes"},
		{"resume and cn", []string{"--resume", "jane-laptop", "--cn", "jane"}, "--resume waits for a request made earlier: --cn can't change it"},
		{"key type and key", []string{"--cn", "jane", "--key", keyFile, "--key-type", "rsa"}, "--key-type makes a new key"},
		{"unknown key type", []string{"--cn", "jane", "--key-type", "dsa"}, "--key-type dsa: want ecdsa or rsa"},
		{"an argument", []string{"--cn", "jane", "jane"}, `csrtui request takes no arguments, got "jane"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCluster()
			args := append([]string{"request", "--out", dir}, tc.args...)
			out, errOut, code := run(t, deps(f), args...)
			if code != ExitError || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "csrtui: ") || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, tc.want)
			}
			if len(f.created) != 0 {
				t.Error("a request was created")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files were written: %v", entries)
			}
		})
	}
}

func TestRequestLeavesNothingWhenTheClusterRefuses(t *testing.T) {
	dir := t.TempDir()
	_, errOut, code := run(t, unreachable(), "request", "--cn", "jane", "--out", dir)
	if code != ExitError || !strings.Contains(errOut, "cannot reach https://10.9.9.9:6443") {
		t.Errorf("unreachable: exit %d %q", code, errOut)
	}
	f := newFakeCluster()
	f.createErr = &wrapped{msg: "may not create certificate signing requests: csrtui needs create on certificatesigningrequests (group certificates.k8s.io)",
		err: apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "", nil)}
	_, errOut, code = run(t, deps(f), "request", "--cn", "jane", "--out", dir)
	if code != ExitError || errOut != "csrtui: may not create certificate signing requests: csrtui needs create on certificatesigningrequests (group certificates.k8s.io)\n" {
		t.Errorf("forbidden: exit %d %q", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files were left: %v", entries)
	}

	// The name is taken: perhaps by the user's own earlier request.
	f = newFakeCluster()
	f.createErr = &wrapped{msg: `a certificate signing request named "jane-laptop" already exists: choose another name`,
		err: apierrors.NewAlreadyExists(certificatesv1.Resource("certificatesigningrequests"), "jane-laptop")}
	_, errOut, code = run(t, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
	if code != ExitError || errOut != `csrtui: a certificate signing request named "jane-laptop" already exists: choose another name, or if it is yours, wait for it with --resume jane-laptop`+"\n" {
		t.Errorf("taken: exit %d %q", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files were left: %v", entries)
	}

	// No answer: the request may exist, so its key stays for --resume.
	f = newFakeCluster()
	f.createErr = errors.New(`could not create "jane-laptop": the apiserver did not answer in time (it may or may not exist now)`)
	_, errOut, code = run(t, deps(f), "request", "--cn", "jane", "--out", dir, "--name", "jane-laptop")
	if code != ExitError || !strings.HasSuffix(errOut, "; its key stays in "+dir+"/jane-laptop.key for: csrtui request --resume jane-laptop --out "+dir+"\n") {
		t.Errorf("timeout: exit %d %q", code, errOut)
	}
	assertFile(t, filepath.Join(dir, "jane-laptop.key"), "", 0o600)
	if err := os.Remove(filepath.Join(dir, "jane-laptop.key")); err != nil {
		t.Fatal(err)
	}

	// Files in the way are found before anything is asked of the cluster.
	writeTestFile(t, filepath.Join(dir, "kubeconfig"), "mine")
	f = newFakeCluster()
	_, errOut, code = run(t, deps(f), "request", "--cn", "jane", "--out", dir)
	if code != ExitError || errOut != "csrtui: "+dir+"/kubeconfig exists: pass --force to replace it\n" || f.callLog() != "" {
		t.Errorf("existing kubeconfig: exit %d %q, calls %q", code, errOut, f.callLog())
	}
}

func writeTestFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustWriteKey(t *testing.T, dir string) string {
	path := filepath.Join(dir, "other.key")
	writeTestFile(t, path, string(must(certs.EncodePrivateKey(must(certs.GenerateKey(certs.KeyECDSA))))))
	return path
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
