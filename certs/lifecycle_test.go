package certs

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var lifeNow = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

// condAt is a condition of type typ last updated at at.
type condAt struct {
	typ certificatesv1.RequestConditionType
	at  time.Time
}

// summarizeWith summarizes c with these conditions.
func summarizeWith(t *testing.T, c csrSpec, conds ...condAt) *Summary {
	t.Helper()
	obj := c.build(t)
	for _, ca := range conds {
		obj.Status.Conditions = append(obj.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
			Type: ca.typ, Status: "True", Reason: "Test", LastUpdateTime: metav1.NewTime(ca.at),
		})
	}
	return Summarize(obj, DefaultPolicy(), goodFacts())
}

// issuedAt signs the request's key with notBefore and notAfter as given.
func issuedAt(t *testing.T, requestPEM []byte, notBefore, notAfter time.Time) []byte {
	t.Helper()
	block, _ := pem.Decode(requestPEM)
	cr := must(x509.ParseCertificateRequest(block.Bytes))
	key := keyP256()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cr.Subject.CommonName},
		NotBefore: notBefore, NotAfter: notAfter,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return pemOf("CERTIFICATE", must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, cr.PublicKey, key)))
}

func TestCleanup(t *testing.T) {
	created := lifeNow.Add(-2 * time.Hour)
	approved := lifeNow.Add(-90 * time.Minute)
	base := func() csrSpec { c := clientSpec(); c.created = created; return c }
	withCert := func(t *testing.T, notAfter time.Time) csrSpec {
		c := base()
		c.request = c.req.pem(t)
		c.cert = issuedAt(t, c.request, approved.Add(-5*time.Minute), notAfter)
		return c
	}
	cases := []struct {
		name  string
		s     func(t *testing.T) *Summary
		at    time.Time
		why   string
		never bool
	}{
		{name: "pending: 24h after creation",
			s:  func(t *testing.T) *Summary { return summarizeWith(t, base()) },
			at: created.Add(24 * time.Hour), why: "24h after creation"},
		{name: "issued: 1h after approval, not when the certificate expires",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, withCert(t, lifeNow.Add(24*time.Hour)), condAt{certificatesv1.CertificateApproved, approved})
			},
			at: approved.Add(time.Hour), why: "1h after approval"},
		{name: "issued: its certificate expires before the hour is up",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, withCert(t, approved.Add(20*time.Minute)), condAt{certificatesv1.CertificateApproved, approved})
			},
			at: approved.Add(20 * time.Minute), why: "certificate expires"},
		{name: "issued without an approval time: only the expiry counts",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, withCert(t, lifeNow.Add(5*time.Hour)), condAt{certificatesv1.CertificateApproved, time.Time{}})
			},
			at: lifeNow.Add(5 * time.Hour), why: "certificate expires"},
		{name: "denied: 1h after the Denied condition",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, base(), condAt{certificatesv1.CertificateDenied, approved})
			},
			at: approved.Add(time.Hour), why: "denial"},
		{name: "failed: 1h after the Failed condition, before the 24h of the unissued approval",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, base(), condAt{certificatesv1.CertificateApproved, approved}, condAt{certificatesv1.CertificateFailed, approved.Add(time.Second)})
			},
			at: approved.Add(time.Hour + time.Second), why: "failing"},
		{name: "approved, never issued: 24h after approval",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, base(), condAt{certificatesv1.CertificateApproved, approved})
			},
			at: approved.Add(24 * time.Hour), why: "never issued"},
		{name: "a condition of another type alone: never",
			s:     func(t *testing.T) *Summary { return summarizeWith(t, base(), condAt{"Reviewed", approved}) },
			never: true},
		{name: "no creation time, no condition: never",
			s:     func(t *testing.T) *Summary { c := base(); c.created = time.Time{}; return summarizeWith(t, c) },
			never: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := tc.s(t).Cleanup()
			if tc.never {
				if ok {
					t.Fatalf("want no cleanup, got %+v", c)
				}
				return
			}
			if !ok || !c.At.Equal(tc.at) {
				t.Fatalf("cleanup = %+v, %v; want at %v", c, ok, tc.at)
			}
			if !strings.Contains(c.Why, tc.why) {
				t.Errorf("why %q does not say %q", c.Why, tc.why)
			}
		})
	}
}

func TestTimeToIssue(t *testing.T) {
	approved := lifeNow.Add(-10 * time.Minute)
	issued := func(t *testing.T, signer string, notBefore time.Time, conds ...condAt) *Summary {
		c := clientSpec()
		c.signer = signer
		c.request = c.req.pem(t)
		c.cert = issuedAt(t, c.request, notBefore, lifeNow.Add(time.Hour))
		return summarizeWith(t, c, conds...)
	}
	approval := condAt{certificatesv1.CertificateApproved, approved}

	// kube-controller-manager signed 3s after approval, dating notBefore 5 minutes back.
	s := issued(t, KubeAPIServerClientSignerName, approved.Add(3*time.Second-5*time.Minute), approval)
	if d, ok := s.TimeToIssue(); !ok || d != 3*time.Second {
		t.Errorf("built-in signer: %v, %v; want 3s", d, ok)
	}
	// Seconds of the two clocks disagree: never below zero.
	s = issued(t, KubeAPIServerClientSignerName, approved.Add(-5*time.Minute-time.Second), approval)
	if d, ok := s.TimeToIssue(); !ok || d != 0 {
		t.Errorf("skewed: %v, %v; want 0", d, ok)
	}
	// Another signer's notBefore says nothing of when it signed.
	s = issued(t, "example.com/ca", approved, approval)
	if d, ok := s.TimeToIssue(); ok {
		t.Errorf("custom signer: %v, want unknown", d)
	}
	// No approval time, or not issued: unknown.
	s = issued(t, KubeAPIServerClientSignerName, approved, condAt{certificatesv1.CertificateApproved, time.Time{}})
	if d, ok := s.TimeToIssue(); ok {
		t.Errorf("no approval time: %v, want unknown", d)
	}
	s = summarizeWith(t, clientSpec(), approval)
	if d, ok := s.TimeToIssue(); ok {
		t.Errorf("not issued: %v, want unknown", d)
	}
}
