package kube

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// waitTimeout bounds every wait on a condition: generous, because the machines
// running these tests are shared.
const waitTimeout = 60 * time.Second

// waitSnapshot waits, on Changed, until cond holds for a snapshot, and returns it.
func waitSnapshot(t testing.TB, w *Watcher, what string, cond func([]*certs.Summary) bool) []*certs.Summary {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		s := w.Snapshot()
		if cond(s) && allDecoded(s) {
			return s
		}
		select {
		case <-w.Changed():
		case <-timer.C:
			t.Fatalf("after %s: still waiting for %s", waitTimeout, what)
		}
	}
}

// allDecoded reports whether no summary in s is a glance waiting for the decoders.
func allDecoded(s []*certs.Summary) bool {
	for _, x := range s {
		if x.Unchecked {
			return false
		}
	}
	return true
}

// find returns the summary named name, or nil.
func find(s []*certs.Summary, name string) *certs.Summary {
	for _, x := range s {
		if x.Name == name {
			return x
		}
	}
	return nil
}

// requestPEM makes a PEM certificate request with a fresh P-256 key.
func requestPEM(t testing.TB, cn string, orgs ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn, Organization: orgs},
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}
