package certs

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"slices"
	"testing"
	"time"
)

// TestExtKeyUsageTable checks that each row's OID is the one crypto/x509 writes
// for its enum, so a request (read by OID) and a certificate (read by enum) that
// carry the same usage show the same word.
func TestExtKeyUsageTable(t *testing.T) {
	key := keyP256()
	for _, e := range extKeyUsages {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "eku"},
			NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{e.eku},
		}
		der := must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key))
		cert := must(x509.ParseCertificate(der))
		var oids []asn1.ObjectIdentifier
		for _, ext := range cert.Extensions {
			if ext.Id.String() == oidExtExtKeyUsage {
				must(asn1.Unmarshal(ext.Value, &oids))
			}
		}
		if len(oids) != 1 || oids[0].String() != e.oid {
			t.Errorf("%s: crypto/x509 writes %v, the table says %s", e.word, oids, e.oid)
		}
		c, err := ParseCertificate(pemOf("CERTIFICATE", der), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Usages, []string{string(e.word)}) || extKeyUsageWordOf(e.oid) != string(e.word) {
			t.Errorf("%s: certificate shows %q, request shows %q", e.word, c.Usages, extKeyUsageWordOf(e.oid))
		}
	}
	if got := extKeyUsageWordOf("1.2.3"); got != "1.2.3" {
		t.Errorf("unknown OID shown as %q, want its dotted form", got)
	}
}
