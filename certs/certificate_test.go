package certs

import (
	"crypto/sha256"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseCertificate(t *testing.T) {
	reqPEM := reqSpec{cn: "jane", orgs: []string{"dev"}}.pem(t)
	req, err := ParseRequest(reqPEM)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := issue(t, reqPEM, false)
	c, err := ParseCertificate(certPEM, req)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	sum := sha256.Sum256(block.Bytes)
	if c.SHA256 != colonHex(sum[:]) || len(c.SHA256) != 32*3-1 || strings.ToUpper(c.SHA256) != c.SHA256 {
		t.Errorf("SHA256 = %s", c.SHA256)
	}
	if c.Serial != "1234ABCD" {
		t.Errorf("Serial = %s", c.Serial)
	}
	if c.Issuer != "CN=test-ca" || c.Subject != "CN=jane,O=dev" || c.CommonName != "jane" || !slices.Equal(c.Organizations, []string{"dev"}) {
		t.Errorf("issuer %q subject %q CN %q O %q", c.Issuer, c.Subject, c.CommonName, c.Organizations)
	}
	// The request's names, held once: thousands of certificates repeat them.
	if &c.Organizations[0] != &req.Organizations[0] {
		t.Error("the certificate holds a copy of the request's O values")
	}
	if !c.NotBefore.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !c.NotAfter.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("validity %v - %v", c.NotBefore, c.NotAfter)
	}
	if !c.KeyMatchesRequest {
		t.Error("key should match its own request")
	}
	if c.IsCA {
		t.Error("IsCA for a leaf")
	}
	if !slices.Equal(c.Usages, []string{"digital signature", "client auth"}) {
		t.Errorf("Usages = %q", c.Usages)
	}

	other, err := ParseRequest(reqSpec{cn: "jane", key: keyRSA2048()}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := ParseCertificate(certPEM, other); c.KeyMatchesRequest {
		t.Error("key matches a different request")
	}
	if c, _ := ParseCertificate(certPEM, nil); c.KeyMatchesRequest {
		t.Error("key matches no request")
	}
	if c, _ := ParseCertificate(issue(t, reqPEM, true), req); !c.IsCA {
		t.Error("CA certificate not reported")
	}
}

// A summary keeps the SHA-256 of status.certificate, every byte of it: text
// around the blocks, or a block added after, changes it.
func TestSumCertificate(t *testing.T) {
	certPEM := issue(t, reqSpec{cn: "jane"}.pem(t), false)
	if !SumCertificate(nil).IsZero() || !SumCertificate([]byte{}).IsZero() {
		t.Error("no certificate has a sum")
	}
	sum := SumCertificate(certPEM)
	if sum.IsZero() || sum != sha256.Sum256(certPEM) || sum.String() != colonHex(sum[:]) {
		t.Errorf("SumCertificate = %v", sum)
	}
	for _, other := range [][]byte{append([]byte("\n"), certPEM...), append(slices.Clone(certPEM), certPEM...)} {
		if SumCertificate(other) == sum {
			t.Errorf("%q has the same sum as the certificate alone", other)
		}
	}
}

func TestParseCertificateErrors(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{nil, "status.certificate: no PEM block found"},
		{pemOf("CERTIFICATE REQUEST", []byte{1}), `status.certificate: PEM block is "CERTIFICATE REQUEST", want "CERTIFICATE"`},
		{pemOf("CERTIFICATE", []byte{1, 2}), "status.certificate: not a valid X.509 certificate"},
	} {
		if _, err := ParseCertificate(tc.in, nil); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseCertificate(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
