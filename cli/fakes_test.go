package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/csrtui/csrtui/certs"
)

// now is the fixed clock of every test: fixtures are created relative to it.
var now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

// fakeCluster is a cluster in memory that records what the commands ask of it.
type fakeCluster struct {
	mu      sync.Mutex
	csrs    map[string]*certificatesv1.CertificateSigningRequest
	facts   certs.ClusterFacts
	calls   []string // "approve NAME UID MESSAGE", "create NAME", ...
	failGet map[string]error
	failDec map[string]error
	created []*certificatesv1.CertificateSigningRequest
	// wait answers WaitForCertificate; nil returns the CSR as it is.
	wait      func(ctx context.Context, csr *certificatesv1.CertificateSigningRequest, seen func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error)
	createErr error
	onCreate  func() // called when Create is asked, before it answers
	// allowed are the capabilities (by label) each user has; capsErr fails the question.
	allowed map[string][]string
	capsErr error
}

func newFakeCluster(csrs ...*certificatesv1.CertificateSigningRequest) *fakeCluster {
	f := &fakeCluster{csrs: map[string]*certificatesv1.CertificateSigningRequest{}, facts: knownFacts()}
	for _, c := range csrs {
		f.csrs[c.Name] = c
	}
	return f
}

// knownFacts are facts the admin may read: nothing is "unknown".
func knownFacts() certs.ClusterFacts {
	return certs.ClusterFacts{
		NodesKnown: true, NodeAddresses: map[string][]string{},
		AdminsKnown: true, Admins: map[certs.RBACSubject][]certs.AdminPath{},
	}
}

func (f *fakeCluster) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeCluster) Get(_ context.Context, name string) (*certificatesv1.CertificateSigningRequest, error) {
	f.record("get %s", name)
	if err := f.failGet[name]; err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.csrs[name]
	if !ok {
		return nil, apierrors.NewNotFound(certificatesv1.Resource("certificatesigningrequests"), name)
	}
	return c.DeepCopy(), nil
}

func (f *fakeCluster) List(context.Context) ([]certificatesv1.CertificateSigningRequest, error) {
	f.record("list")
	f.mu.Lock()
	defer f.mu.Unlock()
	names := make([]string, 0, len(f.csrs))
	for n := range f.csrs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]certificatesv1.CertificateSigningRequest, 0, len(names))
	for _, n := range names {
		out = append(out, *f.csrs[n].DeepCopy())
	}
	return out, nil
}

func (f *fakeCluster) Facts(context.Context) certs.ClusterFacts {
	f.record("facts")
	return f.facts
}

func (f *fakeCluster) Approve(ctx context.Context, name, uid, message string) (bool, error) {
	return f.decide(ctx, certs.Approve, name, uid, message)
}

func (f *fakeCluster) Deny(ctx context.Context, name, uid, message string) (bool, error) {
	return f.decide(ctx, certs.Deny, name, uid, message)
}

func (f *fakeCluster) decide(_ context.Context, d certs.Decision, name, uid, message string) (bool, error) {
	f.record("%s %s %s %s", strings.ToLower(d.String()), name, uid, message)
	if err := f.failDec[name]; err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.csrs[name]
	if !ok {
		return false, apierrors.NewNotFound(certificatesv1.Resource("certificatesigningrequests"), name)
	}
	out, changed, err := certs.ApplyDecision(c, uid, d, message, now)
	if err != nil {
		return false, err
	}
	f.csrs[name] = out
	return changed, nil
}

func (f *fakeCluster) Capabilities(_ context.Context, user string, groups []string) ([]certs.Capability, error) {
	f.record("capabilities %s %s", user, strings.Join(groups, ","))
	if f.capsErr != nil {
		return nil, f.capsErr
	}
	caps := certs.CapabilityProbes()
	for i := range caps {
		caps[i].Allowed = slices.Contains(f.allowed[user], caps[i].Label)
	}
	return caps, nil
}

func (f *fakeCluster) Create(_ context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error) {
	f.record("create %s", csr.Name)
	if f.onCreate != nil {
		f.onCreate()
	}
	if f.createErr != nil {
		return nil, f.createErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := csr.DeepCopy()
	out.UID = types.UID("uid-" + csr.Name)
	out.ResourceVersion = "1"
	out.CreationTimestamp = metav1.NewTime(now)
	out.Spec.Username = "jane"
	f.csrs[out.Name] = out
	f.created = append(f.created, out)
	return out.DeepCopy(), nil
}

func (f *fakeCluster) WaitForCertificate(ctx context.Context, csr *certificatesv1.CertificateSigningRequest, seen func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
	f.record("wait %s", csr.Name)
	if f.wait == nil {
		return csr, nil
	}
	return f.wait(ctx, csr, seen)
}

func (f *fakeCluster) KubeconfigCluster() (certs.KubeconfigCluster, error) {
	return certs.KubeconfigCluster{Name: "prod", Server: "https://api.example.com:6443", CAData: testCA.pem}, nil
}

func (f *fakeCluster) callLog() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.calls, "\n")
}

// decisions are the approve and deny calls made.
func (f *fakeCluster) decisions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, "approve ") || strings.HasPrefix(c, "deny ") {
			out = append(out, c)
		}
	}
	return out
}

// ca is the cluster CA of the tests.
type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
}

var testCA = func() ca {
	cert, key, err := certs.NewCA("test-ca", now, 24*time.Hour)
	if err != nil {
		panic(err)
	}
	return ca{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})}
}()

// sign issues a certificate for the request's key, as the signer would.
func (c ca) sign(t testing.TB, requestPEM []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(requestPEM)
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: req.Subject,
		NotBefore: now.Add(-5 * time.Minute), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, c.cert, req.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// fixture builds a CSR.
type fixture struct {
	name, signer, user string
	cn                 string
	orgs               []string
	age                time.Duration
	lifetime           time.Duration
	cond               certificatesv1.RequestConditionType // "" pending
	issued             bool
	request            []byte // overrides cn and orgs
	message            string
}

var fixtureKey = func() crypto.Signer {
	k, err := certs.GenerateKey(certs.KeyECDSA)
	if err != nil {
		panic(err)
	}
	return k
}()

func (x fixture) build(t testing.TB) *certificatesv1.CertificateSigningRequest {
	t.Helper()
	req := x.request
	if req == nil {
		var err error
		if req, err = certs.NewRequest(fixtureKey, x.cn, x.orgs); err != nil {
			t.Fatal(err)
		}
	}
	signer := x.signer
	if signer == "" {
		signer = certs.KubeAPIServerClientSignerName
	}
	csr := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{
			Name: x.name, UID: types.UID("uid-" + x.name), ResourceVersion: "7",
			CreationTimestamp: metav1.NewTime(now.Add(-x.age)),
		},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request: req, SignerName: signer, Username: x.user, Groups: []string{"system:authenticated"},
			Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
		},
	}
	if x.lifetime > 0 {
		s := int32(x.lifetime / time.Second)
		csr.Spec.ExpirationSeconds = &s
	}
	if x.cond != "" {
		csr.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{
			Type: x.cond, Status: corev1.ConditionTrue, Reason: "Test", Message: x.message,
			LastUpdateTime: metav1.NewTime(now.Add(-time.Minute)),
		}}
	}
	if x.issued {
		csr.Status.Certificate = testCA.sign(t, req)
	}
	return csr
}

// The fixtures most tests use.
func janeLaptop(t testing.TB) *certificatesv1.CertificateSigningRequest {
	return fixture{name: "jane-laptop", user: "jane", cn: "jane", orgs: []string{"dev"}, age: 5 * time.Minute, lifetime: time.Hour}.build(t)
}

func breakGlass(t testing.TB) *certificatesv1.CertificateSigningRequest {
	return fixture{name: "break-glass", signer: "example.com/ops", user: "ops", cn: "ops", orgs: []string{"system:masters"}, age: 2 * time.Hour, lifetime: time.Hour}.build(t)
}

func erinIssued(t testing.TB) *certificatesv1.CertificateSigningRequest {
	return fixture{name: "erin-dashboard", user: "erin", cn: "erin", orgs: []string{"dev"}, age: 3 * time.Hour, lifetime: time.Hour, cond: certificatesv1.CertificateApproved, issued: true}.build(t)
}

// run runs csrtui's command line as main does, with these dependencies, and
// returns what it wrote and its exit code.
func run(t *testing.T, d *Deps, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCtx(t, t.Context(), d, args...)
}

// runCtx is run under ctx, which stands for the process's signals.
func runCtx(t *testing.T, ctx context.Context, d *Deps, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	if d.Streams.Out == nil {
		d.Streams.Out = &out
	}
	if d.Streams.ErrOut == nil {
		d.Streams.ErrOut = &errOut
	}
	if d.Now == nil {
		d.Now = func() time.Time { return now }
	}
	root := &cobra.Command{Use: "csrtui", SilenceErrors: true, SilenceUsage: true, RunE: func(*cobra.Command, []string) error { return nil }}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return UsageError(fmt.Errorf("%w (see %s --help)", err, c.CommandPath()))
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(Commands(d, root)...)
	root.SetArgs(args)
	root.SetOut(d.Streams.Out)
	root.SetErr(d.Streams.ErrOut)
	err := root.ExecuteContext(ctx)
	if err != nil && !Silent(err) {
		_, _ = fmt.Fprintln(d.Streams.ErrOut, "csrtui: "+ErrorLine(err))
	}
	return out.String(), errOut.String(), ExitCode(err)
}

// deps connects to f.
func deps(f *fakeCluster) *Deps {
	return &Deps{Connect: func(context.Context) (Cluster, error) { return f, nil }}
}

// unreachable is a cluster that can't be reached.
func unreachable() *Deps {
	return &Deps{Connect: func(context.Context) (Cluster, error) {
		return nil, errors.New(`cannot reach https://10.9.9.9:6443 (context "prod"): connection refused`)
	}}
}
