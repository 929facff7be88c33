package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"strconv"
	"strings"
)

// pemTypeRequest is the only PEM type the apiserver admits in spec.request
// (pkg/apis/certificates/v1/helpers.go ParseCSR, called from
// pkg/apis/certificates/validation/validation.go).
const pemTypeRequest = "CERTIFICATE REQUEST"

// ParseRequest decodes spec.request (PEM). The error says why it can't be
// decoded, in one line an admin can act on. A request whose signature doesn't
// verify still decodes: SignatureErr says why, so the rest can be shown.
func ParseRequest(pemBytes []byte) (*Request, error) {
	if len(bytes.TrimSpace(pemBytes)) == 0 {
		return nil, fmt.Errorf("spec.request: empty, want a %q PEM block", pemTypeRequest)
	}
	// pem.Decode silently skips anything before the first block that decodes,
	// malformed blocks included; the apiserver does the same, so text before the
	// block is legal but worth showing.
	block, rest := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("spec.request: no PEM block found (starts with %s), want %q", quotePrefix(pemBytes), pemTypeRequest)
	}
	if block.Type != pemTypeRequest {
		return nil, fmt.Errorf("spec.request: PEM block is %q, want %q", block.Type, pemTypeRequest)
	}
	// The block decoded starts at the last BEGIN line before its end, as
	// pem.Decode reads it; the first BEGIN line may open a decoy that doesn't decode.
	before := bytes.LastIndex(pemBytes[:len(pemBytes)-len(rest)], []byte("-----BEGIN "))
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("spec.request: not a valid PKCS#10 request: %w", err)
	}

	// A request's names and groups repeat those of the requester's other
	// requests: summaries share them (intern).
	r := &Request{
		CommonName:         intern(csr.Subject.CommonName),
		Organizations:      internList(csr.Subject.Organization),
		DNSNames:           internList(csr.DNSNames),
		EmailAddresses:     internList(csr.EmailAddresses),
		SignatureAlgorithm: csr.SignatureAlgorithm.String(),
		PublicKeySHA256:    sha256.Sum256(csr.RawSubjectPublicKeyInfo),
		BytesBeforePEM:     countNonSpace(pemBytes[:max(before, 0)]),
	}
	if len(csr.IPAddresses) > 0 {
		ips := make([]string, len(csr.IPAddresses))
		for i, ip := range csr.IPAddresses {
			ips[i] = ip.String()
		}
		r.IPAddresses = internList(ips)
	}
	if len(csr.URIs) > 0 {
		uris := make([]string, len(csr.URIs))
		for i, u := range csr.URIs {
			uris[i] = u.String()
		}
		r.URIs = internList(uris)
	}
	if len(csr.Subject.Names) > 0 {
		r.Subject = make([]Attribute, len(csr.Subject.Names))
		for i, atv := range csr.Subject.Names {
			oid := oidString(atv.Type)
			r.Subject[i] = Attribute{OID: oid, Name: attributeName(oid), Value: intern(attributeValue(atv.Value))}
		}
	}
	r.PublicKeyAlgorithm, r.KeyBits, r.Curve = describeKey(csr.PublicKey)
	// x509.ParseCertificateRequest does not verify the signature; the apiserver
	// does (pkg/apis/certificates/validation/validation.go), so a request that
	// fails here can't be a real pending CSR.
	r.SignatureErr = csr.CheckSignature()
	if len(csr.Extensions) > 0 {
		r.Extensions = make([]Extension, 0, len(csr.Extensions))
	}
	for _, ext := range csr.Extensions {
		r.addExtension(ext.Id, ext.Critical, ext.Value, csr)
	}
	r.Subject = internSubject(r.Subject)
	r.Extensions = internExtensions(r.Extensions)
	r.RequestedKeyUsages = internList(r.RequestedKeyUsages)
	r.RequestedExtKeyUsages = internList(r.RequestedExtKeyUsages)
	return r, nil
}

// quotePrefix shows the start of input that held no PEM block, so the admin
// sees what was sent instead (raw: the UI sanitizes).
func quotePrefix(b []byte) string {
	b = bytes.TrimSpace(b)
	const n = 24
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "..."
	}
	return strconv.Quote(string(b))
}

func countNonSpace(b []byte) int {
	return len(bytes.TrimSpace(b))
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// attributeNames are the short names openssl and RFC 4514 use; anything else
// is shown as its dotted OID so nothing is hidden behind a friendly label.
var attributeNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.5":                    "SERIALNUMBER",
	"2.5.4.9":                    "STREET",
	"2.5.4.17":                   "POSTALCODE",
	"0.9.2342.19200300.100.1.1":  "UID",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.25": "DC",
}

func attributeName(oid string) string {
	if n, ok := attributeNames[oid]; ok {
		return n
	}
	return oid
}

func attributeValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func describeKey(pub any) (algo string, bits int, curve string) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return "RSA", 0, ""
		}
		return "RSA", k.N.BitLen(), ""
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "ECDSA", 0, ""
		}
		p := k.Params()
		return "ECDSA", p.BitSize, p.Name
	case ed25519.PublicKey:
		return "Ed25519", 256, ""
	default:
		// Go leaves PublicKey nil for algorithms it does not know (crypto/x509
		// CertificateRequest.PublicKey).
		return "unknown", 0, ""
	}
}

var (
	oidExtBasicConstraints = "2.5.29.19"
	oidExtKeyUsage         = "2.5.29.15"
	oidExtExtKeyUsage      = "2.5.29.37"
	oidExtSubjectAltName   = "2.5.29.17"
)

// extensionNames names the extensions a request commonly carries.
var extensionNames = map[string]string{
	oidExtBasicConstraints:    "basicConstraints",
	oidExtKeyUsage:            "keyUsage",
	oidExtExtKeyUsage:         "extKeyUsage",
	oidExtSubjectAltName:      "subjectAltName",
	"2.5.29.14":               "subjectKeyIdentifier",
	"2.5.29.35":               "authorityKeyIdentifier",
	"2.5.29.30":               "nameConstraints",
	"2.5.29.31":               "crlDistributionPoints",
	"2.5.29.32":               "certificatePolicies",
	"1.3.6.1.5.5.7.1.1":       "authorityInfoAccess",
	"1.3.6.1.5.5.7.1.24":      "tlsFeature",
	"2.16.840.1.113730.1.13":  "nsComment",
	"1.3.6.1.4.1.11129.2.4.2": "ctPrecertificateSCTs",
}

func (r *Request) addExtension(id asn1.ObjectIdentifier, critical bool, value []byte, csr *x509.CertificateRequest) {
	oid := oidString(id)
	ext := Extension{OID: oid, Name: oid, Critical: critical}
	if n, ok := extensionNames[oid]; ok {
		ext.Name = n
	}
	switch oid {
	case oidExtBasicConstraints:
		var bc struct {
			IsCA       bool `asn1:"optional"`
			MaxPathLen int  `asn1:"optional,default:-1"`
		}
		if rest, err := asn1.Unmarshal(value, &bc); err != nil || len(rest) != 0 {
			ext.Value = "undecodable"
			break
		}
		ext.Value = "CA:" + strconv.FormatBool(bc.IsCA)
		if bc.IsCA && bc.MaxPathLen >= 0 {
			ext.Value += ", pathlen:" + strconv.Itoa(bc.MaxPathLen)
		}
		r.RequestedCA = r.RequestedCA || bc.IsCA
	case oidExtKeyUsage:
		var bits asn1.BitString
		if rest, err := asn1.Unmarshal(value, &bits); err != nil || len(rest) != 0 {
			ext.Value = "undecodable"
			break
		}
		var words []string
		for i := 0; i < bits.BitLength; i++ {
			if bits.At(i) == 0 {
				continue
			}
			w := "bit " + strconv.Itoa(i)
			if i < len(keyUsageWords) {
				w = keyUsageWords[i]
			}
			words = append(words, w)
			r.RequestedKeyUsages = appendUnique(r.RequestedKeyUsages, w)
		}
		ext.Value = strings.Join(words, ", ")
	case oidExtExtKeyUsage:
		var oids []asn1.ObjectIdentifier
		if rest, err := asn1.Unmarshal(value, &oids); err != nil || len(rest) != 0 {
			ext.Value = "undecodable"
			break
		}
		words := make([]string, 0, len(oids))
		for _, o := range oids {
			w := extKeyUsageWordOf(oidString(o))
			words = append(words, w)
			r.RequestedExtKeyUsages = appendUnique(r.RequestedExtKeyUsages, w)
		}
		ext.Value = strings.Join(words, ", ")
	case oidExtSubjectAltName:
		var parts []string
		for _, d := range csr.DNSNames {
			parts = append(parts, "DNS:"+d)
		}
		for _, ip := range csr.IPAddresses {
			parts = append(parts, "IP:"+ip.String())
		}
		for _, e := range csr.EmailAddresses {
			parts = append(parts, "email:"+e)
		}
		for _, u := range csr.URIs {
			parts = append(parts, "URI:"+u.String())
		}
		ext.Value = strings.Join(parts, ", ")
	default:
		ext.Value = strconv.Itoa(len(value)) + " bytes"
	}
	ext.Value = intern(ext.Value) // the same usages, or the same node's names, as other requests
	r.Extensions = append(r.Extensions, ext)
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
