package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// KeyType names the kinds of private key csrtui generates.
type KeyType string

// The key types GenerateKey makes: ECDSA on P-256 is small and fast and every
// Kubernetes signer accepts it; RSA is for clients that can't use anything else.
const (
	KeyECDSA KeyType = "ecdsa"
	KeyRSA   KeyType = "rsa"
)

// rsaBits is the size of a generated RSA key: 3072 bits match P-256's strength
// (NIST SP 800-57 part 1, table 2).
const rsaBits = 3072

// GenerateKey makes a new private key from crypto/rand.
func GenerateKey(t KeyType) (crypto.Signer, error) {
	switch t {
	case KeyECDSA:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyRSA:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	default:
		return nil, fmt.Errorf("unknown key type %q: want %q or %q", string(t), KeyECDSA, KeyRSA)
	}
}

// EncodePrivateKey returns key as a PKCS#8 "PRIVATE KEY" PEM block, the form
// kubectl, openssl and Go all read.
func EncodePrivateKey(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKey reads a PEM private key: PKCS#8 ("PRIVATE KEY"), PKCS#1
// ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY", after openssl's optional
// "EC PARAMETERS" block). Its errors say what the data is instead, and never
// quote it: the data may be a key in a form csrtui does not read.
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("holds no PEM private key")
		}
		switch block.Type {
		case "EC PARAMETERS":
			continue
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if _, encrypted := block.Headers["Proc-Type"]; encrypted {
				return nil, errors.New("holds an encrypted private key: decrypt it first (openssl pkey -in FILE -out PLAIN)")
			}
			return parseKeyBlock(block)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("holds an encrypted private key: decrypt it first (openssl pkey -in FILE -out PLAIN)")
		case "OPENSSH PRIVATE KEY":
			return nil, errors.New("holds an OpenSSH private key: convert it to PKCS#8 first (ssh-keygen -p -m PKCS8 -f FILE)")
		default:
			return nil, fmt.Errorf("holds %s, not a private key", pemTypeWords(block.Type))
		}
	}
}

func parseKeyBlock(block *pem.Block) (crypto.Signer, error) {
	var (
		key any
		err error
	)
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		// crypto/x509's errors name the structure, never the key's bytes.
		return nil, fmt.Errorf("holds a %s block that does not parse: %w", block.Type, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("holds a %T key, which can't sign a certificate request", key)
	}
}

// pemTypeWords says what a PEM block of type t holds, for an error.
func pemTypeWords(t string) string {
	switch {
	case t == pemTypeRequest || t == "NEW CERTIFICATE REQUEST":
		return "a certificate request"
	case t == "CERTIFICATE":
		return "a certificate"
	case strings.HasSuffix(t, "PRIVATE KEY"):
		return "a private key"
	case strings.HasSuffix(t, "PUBLIC KEY"):
		return "a public key"
	default:
		return fmt.Sprintf("a %q PEM block", t)
	}
}

// NewRequest builds a PKCS#10 request for key asking for CN=cn and O=orgs (the
// user name and groups a client certificate carries), as PEM.
func NewRequest(key crypto.Signer, cn string, orgs []string) ([]byte, error) {
	if cn == "" {
		return nil, errors.New("a certificate request needs a common name: it becomes the user name")
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn, Organization: orgs},
	}, key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemTypeRequest, Bytes: der}), nil
}

// ReadRequestFile reads a PKCS#10 request from a file's bytes (what `openssl
// req -new` writes) and returns it re-encoded as a single PEM block, so that
// nothing else the file holds is ever sent, with the parsed request. Its errors
// say what the file holds instead; a private key is named, never quoted.
func ReadRequestFile(data []byte) ([]byte, *x509.CertificateRequest, error) {
	var found []string
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != pemTypeRequest && block.Type != "NEW CERTIFICATE REQUEST" {
			found = append(found, pemTypeWords(block.Type))
			continue
		}
		req, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("holds a certificate request that does not parse: %w", err)
		}
		if err := req.CheckSignature(); err != nil {
			return nil, nil, fmt.Errorf("holds a certificate request whose signature does not verify: %w", err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: pemTypeRequest, Bytes: block.Bytes}), req, nil
	}
	switch {
	case slices.Contains(found, "a private key"):
		return nil, nil, errors.New("holds a private key, not a certificate request (it was not sent anywhere): pass the key with --key, or the request made from it with --csr")
	case len(found) > 0:
		return nil, nil, fmt.Errorf("holds %s, not a certificate request", found[0])
	default:
		return nil, nil, errors.New("holds no PEM certificate request")
	}
}

// SamePublicKey reports whether key's public half is the one a request or a
// certificate carries (its DER SubjectPublicKeyInfo).
func SamePublicKey(key crypto.Signer, spkiDER []byte) bool {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	return err == nil && string(der) == string(spkiDER)
}

// ForKey reports whether the request is for key's public half.
func (r *Request) ForKey(key crypto.Signer) bool {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	return err == nil && sha256.Sum256(der) == r.PublicKeySHA256
}

// RequestUsages are the usages to ask signer for, for a certificate on key: what
// kube-controller-manager's signer accepts for the built-in signers
// (pkg/controller/certificates/signer/signer.go, pkg/apis/certificates/helpers.go),
// with key encipherment only for RSA keys, whose TLS key exchange may use it.
// A custom signer is asked for a client certificate.
func RequestUsages(signer string, key crypto.PublicKey) []string {
	usages := []string{string(certificatesv1.UsageDigitalSignature)}
	if _, ok := key.(*rsa.PublicKey); ok {
		usages = append(usages, string(certificatesv1.UsageKeyEncipherment))
	}
	if signer == KubeletServingSignerName {
		return append(usages, string(certificatesv1.UsageServerAuth))
	}
	return append(usages, string(certificatesv1.UsageClientAuth))
}

// CheckRequestName says why name can't be the name of a request csrtui creates
// and of the files it writes for it: it must be a DNS subdomain (lower-case
// letters, digits, '-' and '.'), which every file system takes as is. The
// apiserver allows far more (any path segment), which is why names read from
// the cluster are never used as paths unchecked.
func CheckRequestName(name string) error {
	// Raw in the message, as in findings: whoever prints it escapes it.
	if len(validation.IsDNS1123Subdomain(name)) > 0 || SafeFileName(name) != name {
		return errors.New(quote(name) + " is not a valid request name: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters")
	}
	return nil
}

// DefaultRequestName is a request name made from a common name: lower-cased,
// every character but letters, digits, '-' and '.' made '-', cut to leave room
// for suffix (e.g. a few random letters), then "-" suffix.
func DefaultRequestName(cn, suffix string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(cn) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	stem := strings.Trim(b.String(), "-.")
	for strings.Contains(stem, "--") {
		stem = strings.ReplaceAll(stem, "--", "-")
	}
	stem = strings.ReplaceAll(stem, "..", ".")
	if maxStem := 63 - len(suffix) - 1; len(stem) > maxStem {
		stem = strings.TrimRight(stem[:maxStem], "-.")
	}
	if stem == "" {
		stem = "csr"
	}
	return stem + "-" + suffix
}

// CheckRequestLifetime says why d can't be asked for as spec.expirationSeconds:
// the apiserver refuses less than 10 minutes
// (pkg/apis/certificates/validation/validation.go), and 0 means "not set".
func CheckRequestLifetime(d time.Duration) error {
	if d != 0 && d < minSignerDuration {
		return fmt.Errorf("a lifetime of %s is too short: the apiserver wants at least 10m, or 0 for the signer's default", d)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("a lifetime of %s is not whole seconds", d)
	}
	if d/time.Second > 1<<31-1 {
		return fmt.Errorf("a lifetime of %s is longer than the API can say", d)
	}
	return nil
}

// NewCA makes a self-signed certificate authority named cn, valid from an hour
// before now (for clock skew) for lifetime, with a new P-256 key: the demo's
// cluster CA and the test control plane's.
func NewCA(cn string, now time.Time, lifetime time.Duration) (*x509.Certificate, crypto.Signer, error) {
	key, err := GenerateKey(KeyECDSA)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(lifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// CheckCertificateKey says why the first certificate in certPEM is not for
// key: a certificate for another key is useless with this one, and means the
// request was not the one this key made.
func CheckCertificateKey(certPEM []byte, key crypto.Signer) error {
	for rest := certPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return errors.New("no PEM certificate")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return fmt.Errorf("the certificate does not parse: %w", err)
		}
		if !SamePublicKey(key, cert.RawSubjectPublicKeyInfo) {
			return errors.New("the certificate is not for this key")
		}
		return nil
	}
}
