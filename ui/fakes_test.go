package ui

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/csrtui/csrtui/certs"
)

// -update rewrites the golden files under testdata/. teatest's golden
// package already defines the flag; define it only when nothing has.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type fakeSource struct {
	mu        sync.Mutex
	ss        []*certs.Summary
	err       error
	notLoaded bool // the first list is not in yet
	changed   chan struct{}
}

func newFakeSource(ss []*certs.Summary) *fakeSource {
	return &fakeSource{ss: ss, changed: make(chan struct{}, 1)}
}

func (f *fakeSource) Snapshot() []*certs.Summary {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ss
}

func (f *fakeSource) Changed() <-chan struct{} { return f.changed }

func (f *fakeSource) Loaded() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.notLoaded
}

func (f *fakeSource) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Summarize is certs' with the default policy, in a cluster with no nodes
// and nobody as powerful as cluster-admin.
func (f *fakeSource) Summarize(csr *certificatesv1.CertificateSigningRequest) *certs.Summary {
	return certs.Summarize(csr, certs.DefaultPolicy(), certs.ClusterFacts{NodesKnown: true, AdminsKnown: true})
}

func (f *fakeSource) set(ss []*certs.Summary) {
	f.mu.Lock()
	f.ss = ss
	f.mu.Unlock()
}

type decision struct {
	approve            bool
	name, uid, message string
}

type fakeDecider struct {
	mu        sync.Mutex
	calls     []decision
	err       error
	already   *certs.Decided // the decision found made already (nil: written)
	deadlines int            // calls whose context had a deadline
	// errFor and alreadyFor answer for these names instead.
	errFor     map[string]error
	alreadyFor map[string]*certs.Decided
}

func (f *fakeDecider) Approve(ctx context.Context, name, uid, message string) (*certs.Decided, error) {
	return f.decide(ctx, decision{true, name, uid, message})
}

func (f *fakeDecider) Deny(ctx context.Context, name, uid, message string) (*certs.Decided, error) {
	return f.decide(ctx, decision{false, name, uid, message})
}

func (f *fakeDecider) decide(ctx context.Context, d decision) (*certs.Decided, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, d)
	if _, ok := ctx.Deadline(); ok {
		f.deadlines++
	}
	if err, ok := f.errFor[d.name]; ok {
		return nil, err
	}
	if a, ok := f.alreadyFor[d.name]; ok {
		return a, nil
	}
	return f.already, f.err
}

func (f *fakeDecider) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.name)
	}
	return out
}

// fakeDeleter records the deletes asked: name/uid.
type fakeDeleter struct {
	mu       sync.Mutex
	calls    []string
	versions []string // the resourceVersion each call was bound to
	goneOf   map[string]bool
	errFor   map[string]error
}

func (f *fakeDeleter) Delete(_ context.Context, name, uid, rv string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name+"/"+uid)
	f.versions = append(f.versions, rv)
	return f.goneOf[name], f.errFor[name]
}

// fakePermissions answers what csrtui may do: everything but refused (by
// rule, as certs.Permission.Rule words it), for the signers asked about.
type fakePermissions struct {
	mu      sync.Mutex
	refused map[string]bool
	err     error
	asked   [][]string // the signers of each question
}

func (f *fakePermissions) Permissions(_ context.Context, signers []string) (certs.Permissions, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, append([]string(nil), signers...))
	if f.err != nil {
		return certs.Permissions{}, f.err
	}
	probes := certs.PermissionProbes(signers)
	for i := range probes {
		probes[i].Allowed = !f.refused[probes[i].Rule()]
	}
	return certs.Permissions{Answers: probes}, nil
}

type fakeInspector struct {
	mu        sync.Mutex
	asked     []string
	caps      []certs.Capability            // the answer for every user...
	byUser    map[string][]certs.Capability // ...but these
	err       error
	deadlines int // calls whose context had a deadline
}

func (f *fakeInspector) Capabilities(ctx context.Context, user string, groups []string) ([]certs.Capability, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, user+"|"+strings.Join(groups, ","))
	if _, ok := ctx.Deadline(); ok {
		f.deadlines++
	}
	if caps, ok := f.byUser[user]; ok {
		return caps, f.err
	}
	return f.caps, f.err
}

// wordedError is an error as kube returns it: its own words for the admin,
// unwrapping to the cause.
type wordedError struct {
	msg string
	err error
}

func (e wordedError) Error() string { return e.msg }
func (e wordedError) Unwrap() error { return e.err }

// fakeCreator records what it was asked to create. Preview answers the
// object as the apiserver would, the requester filled in.
type fakeCreator struct {
	mu         sync.Mutex
	previewed  []*certificatesv1.CertificateSigningRequest
	created    []*certificatesv1.CertificateSigningRequest
	previewErr error
	createErr  error
}

func (f *fakeCreator) Preview(_ context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.previewed = append(f.previewed, csr.DeepCopy())
	if f.previewErr != nil {
		return nil, f.previewErr
	}
	out := csr.DeepCopy()
	out.UID = "uid-preview"
	out.CreationTimestamp = metav1.NewTime(testNow)
	out.Spec.Username = "kind-admin"
	out.Spec.Groups = []string{"system:masters", "system:authenticated"}
	return out, nil
}

func (f *fakeCreator) Create(_ context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, csr.DeepCopy())
	if f.createErr != nil {
		return nil, f.createErr
	}
	return csr.DeepCopy(), nil
}

func (f *fakeCreator) calls() (previewed, created int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.previewed), len(f.created)
}

// issuedCertificates are the certificates the fake cluster holds, by their
// sum: a summary keeps the sum alone (certs.Summary.CertificateSum).
var issuedCertificates sync.Map

// issue gives s the certificate pem, as certs would summarize it: its sum;
// the fake Reader finds the bytes by it.
func issue(s *certs.Summary, pem []byte) {
	sum := certs.SumCertificate(pem)
	issuedCertificates.Store(sum, pem)
	s.CertificateSum = sum
}

// issuedPEM is the certificate of s, as the fake cluster holds it.
func issuedPEM(s *certs.Summary) []byte {
	if pem, ok := issuedCertificates.Load(s.CertificateSum); ok {
		return pem.([]byte)
	}
	return nil
}

// fakeReader reads a request from a cluster that holds what the console
// lists: the summary of that name in the Source's last snapshot, with its
// certificate (issue); a name it does not list is not found. objects answer
// for their names instead (another request under the name, another
// certificate under the UID); err, when set, for every name.
type fakeReader struct {
	mu        sync.Mutex
	src       *fakeSource
	objects   map[string]*certificatesv1.CertificateSigningRequest
	err       error
	reads     []string
	deadlines int // reads whose context had a deadline
}

func (f *fakeReader) Get(ctx context.Context, name string) (*certificatesv1.CertificateSigningRequest, error) {
	f.mu.Lock()
	f.reads = append(f.reads, name)
	if _, ok := ctx.Deadline(); ok {
		f.deadlines++
	}
	err, obj := f.err, f.objects[name]
	f.mu.Unlock()
	switch {
	case err != nil:
		return nil, err
	case obj != nil:
		return obj.DeepCopy(), nil
	}
	for _, s := range f.src.Snapshot() {
		if s.Name == name {
			return &certificatesv1.CertificateSigningRequest{
				ObjectMeta: metav1.ObjectMeta{Name: s.Name, UID: types.UID(s.UID)},
				Status:     certificatesv1.CertificateSigningRequestStatus{Certificate: issuedPEM(s)},
			}, nil
		}
	}
	return nil, wordedError{msg: fmt.Sprintf("certificate signing request %q not found", name),
		err: apierrors.NewNotFound(certificatesv1.Resource("certificatesigningrequests"), name)}
}

func (f *fakeReader) set(fn func(f *fakeReader)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeReader) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reads...)
}

// fakeKubeconfigs names a kind cluster.
type fakeKubeconfigs struct{ err error }

func (f fakeKubeconfigs) KubeconfigCluster() (certs.KubeconfigCluster, error) {
	return certs.KubeconfigCluster{Name: "kind-dev", Server: "https://127.0.0.1:6443", CAData: []byte("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n")}, f.err
}

type timer struct {
	d  time.Duration
	fn func(time.Time) tea.Msg
}

// tick is the time-of-screen timer pending now (ensureTick), failing when
// there is none.
func (h *harness) tick() timer {
	h.t.Helper()
	for i := len(h.timers) - 1; i >= 0; i-- {
		if msg, ok := h.timers[i].fn(h.clock).(tickMsg); ok && msg.gen == h.m.tick.gen && h.m.tick.pending {
			return h.timers[i]
		}
	}
	h.t.Fatal("no tick pending")
	return timer{}
}

// fireTick moves the clock to the pending tick and fires it.
func (h *harness) fireTick() {
	h.t.Helper()
	tk := h.tick()
	h.clock = h.clock.Add(tk.d)
	h.send(tk.fn(h.clock))
}

type harness struct {
	t      testing.TB
	clock  time.Time // the model's Now
	timers []timer
	m      *Model
	src    *fakeSource
	dec    *fakeDecider
	ins    *fakeInspector
	perms  *fakePermissions // set by newHarnessWith's configure, when wanted
	cre    *fakeCreator
	del    *fakeDeleter
	rd     *fakeReader
	traced []string // what the console told Trace: "bulk-start 3"
}

// newHarness builds a model of size w x h over ss, past Init and sizing.
func newHarness(t testing.TB, w, h int, ss []*certs.Summary) *harness {
	t.Helper()
	return newHarnessWith(t, w, h, ss, nil)
}

// newHarnessWith is newHarness with configure run on the harness and the
// console's Config before New; then the commands Init answers with are run,
// as a program would.
func newHarnessWith(t testing.TB, w, h int, ss []*certs.Summary, configure func(*harness, *Config)) *harness {
	t.Helper()
	hs := &harness{
		t:     t,
		clock: testNow,
		src:   newFakeSource(ss),
		dec:   &fakeDecider{},
		// root (csr-masters' CN) could do everything; anyone else, nothing powerful.
		ins: &fakeInspector{caps: harmlessCapabilities(), byUser: map[string][]certs.Capability{"root": testCapabilities()}},
		cre: &fakeCreator{},
		del: &fakeDeleter{},
	}
	hs.rd = &fakeReader{src: hs.src}
	cfg := Config{
		Source:      hs.src,
		Decider:     hs.dec,
		Deleter:     hs.del,
		Trace:       func(event string, n int) { hs.traced = append(hs.traced, fmt.Sprintf("%s %d", event, n)) },
		Inspector:   hs.ins,
		Creator:     hs.cre,
		Reader:      hs.rd,
		Kubeconfigs: fakeKubeconfigs{},
		Cluster:     Cluster{Context: "kind-dev", Server: "https://127.0.0.1:6443", User: "kind-admin", Demo: true},
		Now:         func() time.Time { return hs.clock },
	}
	if configure != nil {
		configure(hs, &cfg)
	}
	hs.m = New(cfg)
	// Timers are recorded, not run: tests fire them by hand.
	hs.m.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, timer{d, fn})
		return nil
	}
	// A closed Changed makes the wait for the next snapshot return at once.
	close(hs.src.changed)
	init := hs.m.Init()
	if configure != nil {
		hs.run(init)
	}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// send delivers msg and returns the command Update answered with.
func (h *harness) send(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	return cmd
}

// press sends key presses, named as key.Binding names them, and returns the
// last command.
func (h *harness) press(keys ...string) tea.Cmd {
	h.t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		cmd = h.send(keyPress(k))
	}
	return cmd
}

// typeText types each rune of s.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic("unknown key " + k)
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// run executes cmd and feeds every message it produces back into the model.
// Timers never reach here (see newHarness), so every command returns at once.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	default:
		h.run(h.send(msg))
	}
}

func (h *harness) view() string {
	return ansi.Strip(h.m.View().Content)
}

// testdata is the folder of the golden files, wherever a test's working
// folder is.
var testdata = func() string {
	abs, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return abs
}()

// golden compares the rendered screen with testdata/<Test>/<name>.golden.
func (h *harness) golden(name string) {
	h.t.Helper()
	got := h.view()
	path := filepath.Join(testdata, h.t.Name(), name+".golden")
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if got != string(want) {
		h.t.Errorf("%s differs from the golden file (go test ./ui -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// Fixtures: summaries as certs would build them.

const clientSigner = "kubernetes.io/kube-apiserver-client"

func request(cn string, orgs ...string) *certs.Request {
	r := &certs.Request{
		CommonName:         cn,
		Organizations:      orgs,
		PublicKeyAlgorithm: "ECDSA",
		KeyBits:            256,
		Curve:              "P-256",
		SignatureAlgorithm: "ECDSA-SHA256",
	}
	r.Subject = append(r.Subject, certs.Attribute{OID: "2.5.4.3", Name: "CN", Value: cn})
	for _, o := range orgs {
		r.Subject = append(r.Subject, certs.Attribute{OID: "2.5.4.10", Name: "O", Value: o})
	}
	return r
}

func testSummaries() []*certs.Summary {
	pending := func(name, signer, user string, age time.Duration, req *certs.Request) *certs.Summary {
		return &certs.Summary{
			Name: name, UID: "uid-" + name, Created: testNow.Add(-age),
			Signer: signer, Username: user, Groups: []string{"system:authenticated"},
			Usages: []string{"digital signature", "client auth"}, State: certs.StatePending,
			Condition: "Pending", Request: req, RequestedDuration: 24 * time.Hour, EffectiveDuration: 24 * time.Hour,
			Search: strings.ToLower(name + " " + user + " " + req.CommonName + " " + strings.Join(req.Organizations, " ")),
		}
	}
	alice := pending("csr-alice", clientSigner, "alice", 45*time.Second, request("alice", "dev"))
	alice.Findings = []certs.Finding{{ID: certs.FindingOtherIdentity, Severity: certs.SeverityInfo, Title: "Requested by its own user", Detail: "The requester's username equals the CN."}}

	masters := pending("csr-masters", "example.com/any", "mallory", 5*time.Minute, request("root", "system:masters"))
	masters.RequestedDuration, masters.EffectiveDuration = 0, 365*24*time.Hour
	masters.Findings = []certs.Finding{
		{ID: certs.FindingMasters, Severity: certs.SeverityCritical, Title: "O=system:masters: the certificate would be cluster-admin", Detail: "Members of system:masters bypass RBAC; a certificate can't be revoked (subjectrestriction)."},
		{ID: certs.FindingOtherIdentity, Severity: certs.SeverityHigh, Title: "mallory asks for a certificate as root", Detail: "The requester mints an identity that is not its own."},
		{ID: certs.FindingCustomSigner, Severity: certs.SeverityInfo, Title: "Custom signer example.com/any", Detail: "Built-in checks don't apply."},
	}

	node := pending("csr-node-x", "kubernetes.io/kube-apiserver-client-kubelet", "system:node:x", 3*time.Hour, request("system:node:x", "system:nodes"))
	node.Usages = []string{"digital signature", "client auth", "server auth"}
	node.Findings = []certs.Finding{{ID: certs.FindingSignerReject, Severity: certs.SeverityBlock, Title: "The kubelet client signer rejects usage server auth: approval would only produce Failed", Detail: "pkg/apis/certificates/helpers.go."}}

	broken := &certs.Summary{
		Name: "csr-broken", UID: "uid-csr-broken", Created: testNow.Add(-50 * time.Minute), Signer: clientSigner,
		Username: "bob", Usages: []string{"client auth"}, State: certs.StatePending, Condition: "Pending",
		RequestErr: errors.New(`PEM block type is "CERTIFICATE", want "CERTIFICATE REQUEST"`),
		Findings:   []certs.Finding{{ID: certs.FindingUnparsable, Severity: certs.SeverityBlock, Title: "The request can't be decoded"}},
		Search:     "csr-broken bob",
	}

	web := &certs.Summary{
		Name: "csr-web-1", UID: "uid-csr-web-1", Created: testNow.Add(-12 * 24 * time.Hour), Signer: "kubernetes.io/kubelet-serving",
		Username: "system:node:web-1", Groups: []string{"system:nodes", "system:authenticated"},
		Usages: []string{"digital signature", "server auth"}, State: certs.StateIssued, Condition: "Approved,Issued",
		Request: request("system:node:web-1", "system:nodes"), RequestedDuration: 0, EffectiveDuration: 365 * 24 * time.Hour,
		Conditions: []certs.Condition{{Type: "Approved", Status: "True", Reason: "CSRTUIApprove", Message: "Approved with csrtui.", LastUpdate: testNow.Add(-12 * 24 * time.Hour)}},
		Certificate: &certs.Certificate{
			Serial: "4f:2a:91", Subject: "CN=system:node:web-1,O=system:nodes", Issuer: "CN=kubernetes",
			NotBefore: testNow.Add(-12 * 24 * time.Hour), NotAfter: testNow.Add(353 * 24 * time.Hour),
			SHA256: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89", KeyMatchesRequest: true,
			Usages: []string{"digital signature", "server auth"},
		},
		Search: "csr-web-1 system:node:web-1 system:nodes",
	}
	issue(web, testCertificatePEM)
	web.Request.DNSNames = []string{"web-1.example.internal"}
	web.Request.IPAddresses = []string{"10.0.0.7"}

	denied := &certs.Summary{
		Name: "csr-denied", UID: "uid-csr-denied", Created: testNow.Add(-2 * 24 * time.Hour), Signer: clientSigner,
		Username: "eve", Usages: []string{"client auth"}, State: certs.StateDenied, Condition: "Denied",
		Request:    request("eve"),
		Conditions: []certs.Condition{{Type: "Denied", Status: "True", Reason: "CSRTUIDeny", Message: "not ours", LastUpdate: testNow.Add(-47 * time.Hour)}},
		Search:     "csr-denied eve",
	}
	waiting := &certs.Summary{
		Name: "csr-waiting", UID: "uid-csr-waiting", Created: testNow.Add(-90 * time.Minute), Signer: "example.com/nobody",
		Username: "carol", Usages: []string{"client auth"}, State: certs.StateApproved, Condition: "Approved",
		Request:    request("carol"),
		Conditions: []certs.Condition{{Type: "Approved", Status: "True", Reason: "CSRTUIApprove", LastUpdate: testNow.Add(-80 * time.Minute)}},
		Search:     "csr-waiting carol",
	}
	failed := &certs.Summary{
		Name: "csr-failed", UID: "uid-csr-failed", Created: testNow.Add(-4 * time.Hour), Signer: "kubernetes.io/kube-apiserver-client-kubelet",
		Username: "system:node:y", Usages: []string{"client auth", "server auth"}, State: certs.StateFailed, Condition: "Approved,Failed",
		Request: request("system:node:y", "system:nodes"),
		Conditions: []certs.Condition{
			{Type: "Approved", Status: "True", Reason: "KubectlApprove", LastUpdate: testNow.Add(-4 * time.Hour)},
			{Type: "Failed", Status: "True", Reason: "SignerValidationFailure", Message: "invalid usage for client certificate: server auth", LastUpdate: testNow.Add(-4 * time.Hour)},
		},
		Search: "csr-failed system:node:y",
	}
	return []*certs.Summary{alice, masters, broken, node, waiting, failed, denied, web}
}

func testCapabilities() []certs.Capability {
	return []certs.Capability{
		{Label: "do everything", Verb: "*", Group: "*", Resource: "*", Allowed: true, Reason: `RBAC: allowed by ClusterRoleBinding "cluster-admin"`},
		{Label: "read secrets cluster-wide", Verb: "list", Resource: "secrets", Allowed: true},
		{Label: "create pods", Verb: "create", Resource: "pods"},
		{Label: "impersonate users", Verb: "impersonate", Resource: "users"},
		{Label: "approve CSRs", Verb: "update", Group: "certificates.k8s.io", Resource: "certificatesigningrequests", Subresource: "approval"},
	}
}

// harmlessCapabilities are answers that lead nowhere near cluster-admin.
func harmlessCapabilities() []certs.Capability {
	caps := testCapabilities()
	for i := range caps {
		caps[i].Allowed, caps[i].Reason = false, ""
	}
	caps[1].Allowed = true // reading secrets is bad, but bounded
	return caps
}

// manySummaries returns n pending and issued summaries for benchmarks.
func manySummaries(n int) []*certs.Summary {
	base := testSummaries()
	// As Summarize leaves it, the search text of a lower-case name leaves the
	// name out, and a requester's CSRs share it.
	search := make([]string, len(base))
	for i, s := range base {
		search[i] = "\x00" + strings.ToLower(s.Username)
	}
	out := make([]*certs.Summary, n)
	for i := range out {
		c := *base[i%len(base)]
		c.Name = fmt.Sprintf("%s-%05d", c.Name, i)
		c.UID = "uid-" + c.Name
		c.Created = testNow.Add(-time.Duration(i) * time.Minute)
		c.Search = search[i%len(base)]
		out[i] = &c
	}
	return out
}

// stubbed reports, and skips the test, when certs still has its contract
// stubs instead of the real behaviour a test relies on.

var contextDeadlineExceeded = context.DeadlineExceeded

func ansiStrip(s string) string { return ansi.Strip(s) }

type teaMsg = tea.Msg

var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// testCertificatePEM is a real certificate, the same on every run (ed25519 from a
// fixed seed signs deterministically), for export to check and write.
var testCertificatePEM = func() []byte {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(0x4f2a91),
		Subject:      pkix.Name{CommonName: "system:node:web-1", Organization: []string{"system:nodes"}},
		NotBefore:    testNow.Add(-12 * 24 * time.Hour),
		NotAfter:     testNow.Add(353 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}()
