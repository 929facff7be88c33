package demo

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/kube"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

	changed, err := c.Approve(t.Context(), "alice-laptop", "looks right")
	if err != nil || !changed {
		t.Fatalf("Approve = %v, %v; want true, nil", changed, err)
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
	block, _ := pem.Decode(got.CertificatePEM)
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
	if changed, err := c.Approve(t.Context(), "alice-laptop", ""); err != nil || changed {
		t.Errorf("second Approve = %v, %v; want false, nil", changed, err)
	}
	if _, err := c.Deny(t.Context(), "alice-laptop", ""); !errors.Is(err, certs.ErrAlreadyDecided) {
		t.Errorf("Deny after approval = %v, want ErrAlreadyDecided", err)
	}
	if _, err := c.Approve(t.Context(), "no-such-csr", ""); !apierrors.IsNotFound(err) {
		t.Errorf("Approve of a missing CSR = %v, want not found", err)
	}
}

func TestDemoSignerFailsBadKubeletShapes(t *testing.T) {
	d, w := startTestDemo(t, time.Hour, 0)
	csr, err := laterRequests()[9].build() // kubelet client asking for server auth
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := d.cs.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.client().Approve(ctx, csr.Name, "try it"); err != nil {
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
		if x.Worst < certs.SeverityHigh {
			t.Errorf("%s: worst finding %v, want high or worse (findings %+v)", name, x.Worst, x.Findings)
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
