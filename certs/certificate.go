package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
)

// ParseCertificate decodes status.certificate (PEM) and compares it with req
// (may be nil). Only the first CERTIFICATE block is the issued certificate;
// later ones are intermediates (k8s.io/api/certificates/v1 types.go, status.certificate).
func ParseCertificate(pemBytes []byte, req *Request) (*Certificate, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("status.certificate: no PEM block found")
	}
	if block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("status.certificate: PEM block is %q, want \"CERTIFICATE\"", block.Type)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("status.certificate: not a valid X.509 certificate: %w", err)
	}
	c := newCertificate(cert)
	if req != nil {
		c.KeyMatchesRequest = sha256.Sum256(cert.RawSubjectPublicKeyInfo) == req.PublicKeySHA256
		// The built-in signers copy the request's subject: hold its names
		// once (neither is ever modified).
		if c.CommonName == req.CommonName {
			c.CommonName = req.CommonName
		}
		if len(c.Organizations) > 0 && slices.Equal(c.Organizations, req.Organizations) {
			c.Organizations = req.Organizations
		}
	}
	return c, nil
}

// newCertificate is what csrtui keeps of cert.
func newCertificate(cert *x509.Certificate) *Certificate {
	// A node's, or a user's, certificates repeat its names, and all repeat
	// the issuer and the usages: they are shared (intern).
	return &Certificate{
		Serial:        serialHex(cert),
		Subject:       intern(cert.Subject.String()),
		CommonName:    intern(cert.Subject.CommonName),
		Organizations: internList(cert.Subject.Organization),
		Issuer:        intern(cert.Issuer.String()),
		NotBefore:     cert.NotBefore,
		NotAfter:      cert.NotAfter,
		SHA256:        Fingerprint(cert.Raw),
		IsCA:          cert.BasicConstraintsValid && cert.IsCA,
		Usages:        internList(certificateUsages(cert)),
	}
}

// CertificateSum is the SHA-256 of a request's status.certificate, every
// byte of it as the apiserver holds it (intermediates and text around the
// blocks included). The zero value is no certificate.
type CertificateSum [sha256.Size]byte

// SumCertificate is the CertificateSum of status, zero when status is empty.
func SumCertificate(status []byte) CertificateSum {
	if len(status) == 0 {
		return CertificateSum{}
	}
	return sha256.Sum256(status)
}

// IsZero reports whether c is no certificate's.
func (c CertificateSum) IsZero() bool { return c == CertificateSum{} }

// String is c as a fingerprint is written: upper-case hex bytes joined by
// colons.
func (c CertificateSum) String() string { return colonHex(c[:]) }

// HasCertificate reports whether the request's status.certificate holds
// anything: it is issued, unless a denial or a failure came too (State).
func (s *Summary) HasCertificate() bool { return !s.CertificateSum.IsZero() }

// certificateUsages names cert's key usages and extended key usages in
// Kubernetes' words; an extended key usage with no word is its dotted OID.
func certificateUsages(cert *x509.Certificate) []string {
	var out []string
	for i, w := range keyUsageWords {
		if cert.KeyUsage&(1<<uint(i)) != 0 {
			out = append(out, w)
		}
	}
	for _, u := range cert.ExtKeyUsage {
		out = append(out, extKeyUsageName(u))
	}
	for _, o := range cert.UnknownExtKeyUsage {
		out = append(out, o.String())
	}
	return out
}

func serialHex(cert *x509.Certificate) string {
	if cert.SerialNumber == nil {
		return ""
	}
	return strings.ToUpper(cert.SerialNumber.Text(16))
}

func colonHex(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var sb strings.Builder
	sb.Grow(len(h) + len(h)/2)
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}
