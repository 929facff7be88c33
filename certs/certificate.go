package certs

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
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
	sum := sha256.Sum256(cert.Raw)
	c := &Certificate{
		Serial:    serialHex(cert),
		Subject:   cert.Subject.String(),
		Issuer:    cert.Issuer.String(),
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
		SHA256:    colonHex(sum[:]),
		IsCA:      cert.BasicConstraintsValid && cert.IsCA,
	}
	if req != nil && len(req.PublicKeyDER) > 0 {
		c.KeyMatchesRequest = bytes.Equal(cert.RawSubjectPublicKeyInfo, req.PublicKeyDER)
	}
	for i, w := range keyUsageWords {
		if cert.KeyUsage&(1<<uint(i)) != 0 {
			c.Usages = append(c.Usages, w)
		}
	}
	for _, u := range cert.ExtKeyUsage {
		c.Usages = append(c.Usages, extKeyUsageName(u))
	}
	for _, o := range cert.UnknownExtKeyUsage {
		c.Usages = append(c.Usages, o.String())
	}
	return c, nil
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
