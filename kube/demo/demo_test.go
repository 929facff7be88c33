package demo

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/kube"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// startTestDemo starts a demo whose requesters submit quickly, and a watcher on it.
func startTestDemo(t *testing.T, interval time.Duration, limit int) (*demo, *kube.Watcher) {
	t.Helper()
	ctx := t.Context()
	d, err := startDemo(ctx, interval, limit)
	if err != nil {
		t.Fatal(err)
	}
	w, err := d.client().Watch(ctx, certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	return d, w
}

func TestDemoApproveIssuesACertificate(t *testing.T) {
	d, w := startTestDemo(t, time.Hour, 0)
	c := d.client()
	if !c.Demo || c.Context != "demo" || c.Server != "in-process" {
		t.Fatalf("client = %+v, want the demo's header", c)
	}

	s := waitSnapshot(t, w, "alice-laptop pending", func(s []*certs.Summary) bool {
		x := find(s, "alice-laptop")
		return x != nil && x.State == certs.StatePending
	})
	if len(s) != len(initialRequests()) {
		t.Errorf("snapshot has %d CSRs, want the %d initial ones", len(s), len(initialRequests()))
	}

	alice := find(s, "alice-laptop").UID
	already, err := c.Approve(t.Context(), "alice-laptop", alice, "looks right")
	if err != nil || already != nil {
		t.Fatalf("Approve = %v, %v; want nil, nil", already, err)
	}
	s = waitSnapshot(t, w, "alice-laptop issued", func(s []*certs.Summary) bool {
		x := find(s, "alice-laptop")
		return x != nil && x.State == certs.StateIssued
	})
	got := find(s, "alice-laptop")
	if got.Condition != "Approved,Issued" {
		t.Errorf("condition = %q, want Approved,Issued", got.Condition)
	}
	if got.Certificate == nil || !got.Certificate.KeyMatchesRequest {
		t.Fatalf("certificate = %+v (err %v), want one for the request's key", got.Certificate, got.CertificateErr)
	}
	// The console's export reads it again (ui.Reader): the same request and
	// the certificate the summary shows.
	obj, err := c.Get(t.Context(), "alice-laptop")
	if err != nil {
		t.Fatal(err)
	}
	if obj.UID != types.UID(got.UID) || certs.SumCertificate(obj.Status.Certificate) != got.CertificateSum {
		t.Fatalf("Get = UID %s, certificate %q; want the request listed, with its certificate", obj.UID, obj.Status.Certificate)
	}
	block, _ := pem.Decode(obj.Status.Certificate)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(d.ca.cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("issued certificate does not verify against the demo CA: %v", err)
	}
	if ttl := cert.NotAfter.Sub(cert.NotBefore); ttl != 24*time.Hour {
		t.Errorf("lifetime = %s, want the requested 24h", ttl)
	}
	var reason string
	for _, cond := range got.Conditions {
		if cond.Type == string(certificatesv1.CertificateApproved) {
			reason = cond.Reason
		}
	}
	if reason != certs.ReasonApprove {
		t.Errorf("approval reason = %q, want %q", reason, certs.ReasonApprove)
	}

	// Approving again is a no-op; denying it now is refused.
	if already, err := c.Approve(t.Context(), "alice-laptop", alice, ""); err != nil || already == nil || already.Type != "Approved" {
		t.Errorf("second Approve = %+v, %v; want the approval found", already, err)
	}
	if _, err := c.Deny(t.Context(), "alice-laptop", alice, ""); !errors.Is(err, certs.ErrAlreadyDecided) {
		t.Errorf("Deny after approval = %v, want ErrAlreadyDecided", err)
	}
	if _, err := c.Approve(t.Context(), "no-such-csr", alice, ""); !apierrors.IsNotFound(err) {
		t.Errorf("Approve of a missing CSR = %v, want not found", err)
	}
}

func TestDemoSignerFailsBadKubeletShapes(t *testing.T) {
	d, w := startTestDemo(t, time.Hour, 0)
	csr, err := laterRequests()[9].build("u-1") // kubelet client asking for server auth
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	created, err := d.cs.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.client().Approve(ctx, csr.Name, string(created.UID), "try it"); err != nil {
		t.Fatal(err)
	}
	s := waitSnapshot(t, w, "the request failed", func(s []*certs.Summary) bool {
		x := find(s, csr.Name)
		return x != nil && x.State == certs.StateFailed
	})
	for _, cond := range find(s, csr.Name).Conditions {
		if cond.Type == string(certificatesv1.CertificateFailed) && cond.Reason != "SignerValidationFailure" {
			t.Errorf("failed reason = %q, want SignerValidationFailure", cond.Reason)
		}
	}
}

func TestDemoRequestersAndAutoApproval(t *testing.T) {
	n := len(laterRequests())
	_, w := startTestDemo(t, time.Millisecond, n)
	s := waitSnapshot(t, w, "every request submitted, kubelet renewals issued", func(s []*certs.Summary) bool {
		if len(s) != len(initialRequests())+n {
			return false
		}
		for _, x := range s {
			if x.Signer == signerKubeletClient && x.Username == "system:node:demo-node-2" && slices.Equal(x.Usages, []string{"digital signature", "client auth"}) && x.State != certs.StateIssued {
				return false
			}
		}
		return true
	})
	for _, name := range []string{"break-glass", "deploy-bot", "build-bot", "legacy-app"} {
		x := find(s, name)
		if x == nil {
			t.Fatalf("%s missing", name)
		}
		if x.State != certs.StatePending {
			t.Errorf("%s: state %v, want pending", name, x.State)
		}
		if x.Risk() < certs.SeverityHigh {
			t.Errorf("%s: risk %v, want high or worse (findings %+v)", name, x.Risk(), x.Findings)
		}
	}
	if x := find(s, "build-bot"); x != nil && x.Request != nil && !containsRune(x.Request.CommonName, 0x9b) {
		t.Errorf("build-bot CN = %q, want the C1 CSI from its T61String", x.Request.CommonName)
	}
}

func containsRune(s string, r rune) bool {
	for _, x := range s {
		if x == r {
			return true
		}
	}
	return false
}

func TestDemoConflictsAndCapabilities(t *testing.T) {
	d, _ := startTestDemo(t, time.Hour, 0)
	ctx := t.Context()
	csrs := d.cs.CertificatesV1().CertificateSigningRequests()
	csr, err := csrs.Get(ctx, "alice-laptop", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stale := csr.DeepCopy()
	csr.Labels = map[string]string{"touched": "yes"}
	if _, err := csrs.Update(ctx, csr, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := csrs.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("stale update = %v, want a conflict", err)
	}

	caps, err := d.client().Capabilities(ctx, "alice", []string{"dev"})
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, c := range caps {
		allowed[c.Verb+" "+c.Resource] = c.Allowed
	}
	if !allowed["create pods"] || allowed["* *"] || allowed["get secrets"] {
		t.Errorf("alice in dev: %v; want create pods only", allowed)
	}
	caps, err = d.client().Capabilities(ctx, "bob", []string{"ops:admins"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range caps {
		if !c.Allowed {
			t.Errorf("bob in ops:admins (cluster-admin) may not %s %s", c.Verb, c.Resource)
		}
	}
}

// A delete bound to a UID deletes that object only, as on the apiserver.
func TestDemoDeleteChecksTheUID(t *testing.T) {
	d, _ := startTestDemo(t, time.Hour, 0)
	ctx := t.Context()
	csrs := d.cs.CertificatesV1().CertificateSigningRequests()
	csr, err := csrs.Get(ctx, "alice-laptop", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := d.client()
	if gone, err := c.Delete(ctx, "alice-laptop", "not-"+string(csr.UID), ""); gone || !errors.Is(err, certs.ErrReplaced) {
		t.Errorf("Delete with another UID = %v, %v; want ErrReplaced", gone, err)
	}
	if _, err := csrs.Get(ctx, "alice-laptop", metav1.GetOptions{}); err != nil {
		t.Fatalf("the request went with the wrong UID: %v", err)
	}
	if gone, err := c.Delete(ctx, "alice-laptop", string(csr.UID), csr.ResourceVersion); gone || err != nil {
		t.Errorf("Delete = %v, %v; want it deleted", gone, err)
	}
	if _, err := csrs.Get(ctx, "alice-laptop", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after Delete: %v, want not found", err)
	}
}

func TestDemoStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	c, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := c.Watch(ctx, certs.DefaultPolicy()); !errors.Is(err, context.Canceled) {
		t.Errorf("Watch after cancel = %v, want context.Canceled", err)
	}
	_ = w.Snapshot()
}

// TestDemoSignerFailsWithTheFindingsWords approves every shape a built-in signer
// rejects and checks that the demo's signer fails it with exactly the message
// the signer-reject finding promised.
func TestDemoSignerFailsWithTheFindingsWords(t *testing.T) {
	d, w := startTestDemo(t, time.Hour, 0)
	ctx := t.Context()
	ds, ke := certificatesv1.UsageDigitalSignature, certificatesv1.UsageKeyEncipherment
	clientAuth, serverAuth := certificatesv1.UsageClientAuth, certificatesv1.UsageServerAuth
	jane := pkix.Name{CommonName: "jane"}
	node := pkix.Name{CommonName: "system:node:n1", Organization: []string{"system:nodes"}}
	notNode := pkix.Name{CommonName: "n1", Organization: []string{"system:nodes"}}
	wrongO := pkix.Name{CommonName: "system:node:n1", Organization: []string{"system:nodes", "dev"}}
	dns, email := []string{"n1.example.com"}, []string{"n1@example.com"}
	ip, uri := []net.IP{net.IPv4(10, 0, 0, 1)}, []*url.URL{{Scheme: "spiffe", Host: "example.com", Path: "/n1"}}
	shapes := map[string]struct {
		signer string
		req    x509.CertificateRequest
		usages []certificatesv1.KeyUsage
	}{
		"client-server-auth":        {signerClient, x509.CertificateRequest{Subject: jane}, []certificatesv1.KeyUsage{clientAuth, serverAuth}},
		"client-without-client":     {signerClient, x509.CertificateRequest{Subject: jane}, []certificatesv1.KeyUsage{ds, ke}},
		"kubelet-client-o":          {signerKubeletClient, x509.CertificateRequest{Subject: wrongO}, []certificatesv1.KeyUsage{ds, clientAuth}},
		"kubelet-client-dns":        {signerKubeletClient, x509.CertificateRequest{Subject: node, DNSNames: dns}, []certificatesv1.KeyUsage{ds, clientAuth}},
		"kubelet-client-email":      {signerKubeletClient, x509.CertificateRequest{Subject: node, EmailAddresses: email}, []certificatesv1.KeyUsage{ds, clientAuth}},
		"kubelet-client-ip":         {signerKubeletClient, x509.CertificateRequest{Subject: node, IPAddresses: ip}, []certificatesv1.KeyUsage{ds, clientAuth}},
		"kubelet-client-uri":        {signerKubeletClient, x509.CertificateRequest{Subject: node, URIs: uri}, []certificatesv1.KeyUsage{ds, clientAuth}},
		"kubelet-client-cn":         {signerKubeletClient, x509.CertificateRequest{Subject: notNode}, []certificatesv1.KeyUsage{ds, clientAuth}},
		"kubelet-client-usages":     {signerKubeletClient, x509.CertificateRequest{Subject: node}, []certificatesv1.KeyUsage{ds, clientAuth, serverAuth}},
		"kubelet-serving-o":         {signerKubeletServe, x509.CertificateRequest{Subject: wrongO, DNSNames: dns}, []certificatesv1.KeyUsage{ds, serverAuth}},
		"kubelet-serving-no-san":    {signerKubeletServe, x509.CertificateRequest{Subject: node}, []certificatesv1.KeyUsage{ds, serverAuth}},
		"kubelet-serving-email":     {signerKubeletServe, x509.CertificateRequest{Subject: node, DNSNames: dns, EmailAddresses: email}, []certificatesv1.KeyUsage{ds, serverAuth}},
		"kubelet-serving-uri":       {signerKubeletServe, x509.CertificateRequest{Subject: node, IPAddresses: ip, URIs: uri}, []certificatesv1.KeyUsage{ds, serverAuth}},
		"kubelet-serving-usages":    {signerKubeletServe, x509.CertificateRequest{Subject: node, DNSNames: dns}, []certificatesv1.KeyUsage{ds, serverAuth, clientAuth}},
		"kubelet-serving-cn":        {signerKubeletServe, x509.CertificateRequest{Subject: notNode, DNSNames: dns}, []certificatesv1.KeyUsage{ds, ke, serverAuth}},
		"kubelet-serving-no-server": {signerKubeletServe, x509.CertificateRequest{Subject: node, DNSNames: dns}, []certificatesv1.KeyUsage{ds, ke}},
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, sh := range shapes {
		der, err := x509.CreateCertificateRequest(rand.Reader, &sh.req, key)
		if err != nil {
			t.Fatal(err)
		}
		csr := &certificatesv1.CertificateSigningRequest{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: certificatesv1.CertificateSigningRequestSpec{
				Request:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
				SignerName: sh.signer, Usages: sh.usages, Username: sh.req.Subject.CommonName,
			},
		}
		created, err := d.cs.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.client().Approve(ctx, name, string(created.UID), "see what the signer says"); err != nil {
			t.Fatal(err)
		}
	}
	s := waitSnapshot(t, w, "the signer acted on every approved shape", func(s []*certs.Summary) bool {
		for name := range shapes {
			if x := find(s, name); x == nil || (x.State != certs.StateFailed && x.State != certs.StateIssued) {
				return false
			}
		}
		return true
	})
	for name := range shapes {
		x := find(s, name)
		var failed *certs.Condition
		for i, c := range x.Conditions {
			if c.Type == string(certificatesv1.CertificateFailed) {
				failed = &x.Conditions[i]
			}
		}
		if failed == nil {
			t.Errorf("%s: %s, want Failed", name, x.Condition)
			continue
		}
		var promised string
		for _, f := range x.Findings {
			if f.ID == certs.FindingSignerReject {
				promised = f.Title
			}
		}
		if want := "approval would only produce Failed: " + failed.Message; promised != want || failed.Message == "" {
			t.Errorf("%s: the signer said %q (reason %s); the finding promised %q", name, failed.Message, failed.Reason, promised)
		}
	}
}

// The console's n works in the demo: a dry run answers the request as the
// demo admin's and stores nothing; a create stores it as theirs.
func TestDemoCreatesForTheAdmin(t *testing.T) {
	d, _ := startTestDemo(t, time.Hour, 0)
	c := d.client()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "jane"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	obj := certs.NewRequestObject("jane", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
		certs.KubeAPIServerClientSignerName, []string{"digital signature", "client auth"}, time.Hour)
	out, err := c.Preview(t.Context(), obj)
	if err != nil || out.Spec.Username != demoAdmin || out.UID == "" {
		t.Fatalf("Preview = %+v, %v", out, err)
	}
	if _, err := c.Get(t.Context(), "jane"); !apierrors.IsNotFound(err) {
		t.Fatalf("the dry run stored it: %v", err)
	}
	if _, err := c.Create(t.Context(), obj); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(t.Context(), "jane")
	if err != nil || got.Spec.Username != demoAdmin {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, err := c.Preview(t.Context(), obj); !apierrors.IsAlreadyExists(err) {
		t.Fatalf("Preview of a taken name: %v", err)
	}
	// Who made it, as the record asks.
	if user, groups, err := c.WhoAmI(t.Context()); err != nil || user != got.Spec.Username || !slices.Equal(groups, got.Spec.Groups) {
		t.Fatalf("WhoAmI = %q %q %v", user, groups, err)
	}
}

func TestStillDemoShowsTheSameInEveryRun(t *testing.T) {
	at := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	type row struct {
		name, requesterUID, condition string
		created                       time.Time
		risk                          certs.Severity
	}
	run := func() []row {
		c, err := StartStill(t.Context(), at)
		if err != nil {
			t.Fatal(err)
		}
		w, err := c.Watch(t.Context(), certs.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		// Only the first of the later requests arrives, and nothing after it.
		s := waitSnapshot(t, w, "the initial requests and break-glass", func(s []*certs.Summary) bool {
			return len(s) == len(initialRequests())+1 && find(s, laterRequests()[0].name) != nil
		})
		var rows []row
		for _, x := range s {
			rows = append(rows, row{x.Name, x.UserUID, x.Condition, x.Created, x.Risk()})
		}
		return rows
	}
	first, second := run(), run()
	if !slices.Equal(first, second) {
		t.Fatalf("two still demos differ:\n%v\n%v", first, second)
	}
	for _, r := range first {
		if r.created.After(at) {
			t.Errorf("%s created %v, after the still clock's %v", r.name, r.created, at)
		}
	}
	if got := first[0]; got.name != "break-glass" || !got.created.Equal(at) || got.risk != certs.SeverityCritical {
		t.Errorf("newest = %+v, want break-glass, created at %v, critical", got, at)
	}
}
