package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Keys are generated once per test binary: RSA generation is slow on small machines.
var (
	keyP256    = sync.OnceValue(func() crypto.Signer { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	keyP224    = sync.OnceValue(func() crypto.Signer { return must(ecdsa.GenerateKey(elliptic.P224(), rand.Reader)) })
	keyRSA2048 = sync.OnceValue(func() crypto.Signer { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	keyRSA1024 = sync.OnceValue(func() crypto.Signer { return must(rsa.GenerateKey(rand.Reader, 1024)) })
	keyEd25519 = sync.OnceValue(func() crypto.Signer {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	})
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var (
	asnCN  = asn1.ObjectIdentifier{2, 5, 4, 3}
	asnUID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57683, 2}
)

// reqSpec describes a PKCS#10 request for the tests to generate.
type reqSpec struct {
	cn         string
	orgs       []string
	extraNames []pkix.AttributeTypeAndValue
	rawSubject []byte
	dns        []string
	ips        []string
	emails     []string
	uris       []string
	exts       []pkix.Extension
	key        crypto.Signer
}

func (r reqSpec) der(t testing.TB) []byte {
	t.Helper()
	tmpl := &x509.CertificateRequest{
		Subject:         pkix.Name{CommonName: r.cn, Organization: r.orgs, ExtraNames: r.extraNames},
		RawSubject:      r.rawSubject,
		DNSNames:        r.dns,
		EmailAddresses:  r.emails,
		ExtraExtensions: r.exts,
	}
	for _, ip := range r.ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	for _, u := range r.uris {
		tmpl.URIs = append(tmpl.URIs, must(url.Parse(u)))
	}
	key := r.key
	if key == nil {
		key = keyP256()
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		t.Fatalf("CreateCertificateRequest: %v", err)
	}
	return der
}

func (r reqSpec) pem(t testing.TB) []byte {
	t.Helper()
	return pemOf("CERTIFICATE REQUEST", r.der(t))
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// csrSpec describes a CertificateSigningRequest object.
type csrSpec struct {
	name     string
	signer   string
	username string
	groups   []string
	usages   []string
	exp      int32 // seconds; 0 leaves spec.expirationSeconds unset
	req      reqSpec
	request  []byte // overrides req
	conds    []certificatesv1.RequestConditionType
	cert     []byte
	annots   map[string]string
	extra    map[string]certificatesv1.ExtraValue
	userUID  string
	created  time.Time
}

func (c csrSpec) build(t testing.TB) *certificatesv1.CertificateSigningRequest {
	t.Helper()
	request := c.request
	if request == nil {
		request = c.req.pem(t)
	}
	obj := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{
			Name:              c.name,
			UID:               "4c4a3a4e-uid",
			ResourceVersion:   "42",
			CreationTimestamp: metav1.NewTime(c.created),
			Annotations:       c.annots,
		},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request:    request,
			SignerName: c.signer,
			Username:   c.username,
			UID:        c.userUID,
			Groups:     c.groups,
			Extra:      c.extra,
		},
		Status: certificatesv1.CertificateSigningRequestStatus{Certificate: c.cert},
	}
	for _, u := range c.usages {
		obj.Spec.Usages = append(obj.Spec.Usages, certificatesv1.KeyUsage(u))
	}
	if c.exp != 0 {
		e := c.exp
		obj.Spec.ExpirationSeconds = &e
	}
	for _, typ := range c.conds {
		obj.Status.Conditions = append(obj.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
			Type: typ, Status: corev1.ConditionTrue, Reason: "Test", Message: "set by test",
		})
	}
	return obj
}

// Clean requests for each signer: none of them should produce a finding.

func clientSpec() csrSpec {
	return csrSpec{
		name: "jane", signer: KubeAPIServerClientSignerName, username: "jane", groups: []string{"system:authenticated"},
		usages: []string{"digital signature", "client auth"}, exp: 3600,
		req:     reqSpec{cn: "jane", orgs: []string{"dev"}},
		created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func kubeletClientSpec() csrSpec {
	return csrSpec{
		name: "node-csr-n1", signer: KubeAPIServerClientKubeletSignerName, username: "system:node:n1",
		groups: []string{"system:nodes", "system:authenticated"},
		usages: []string{"digital signature", "client auth"}, exp: 3600,
		req:     reqSpec{cn: "system:node:n1", orgs: []string{"system:nodes"}},
		created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func servingSpec() csrSpec {
	return csrSpec{
		name: "csr-serving-n1", signer: KubeletServingSignerName, username: "system:node:n1",
		groups: []string{"system:nodes", "system:authenticated"},
		usages: []string{"digital signature", "server auth"}, exp: 30 * 24 * 3600,
		req:     reqSpec{cn: "system:node:n1", orgs: []string{"system:nodes"}, dns: []string{"n1.example.com"}, ips: []string{"10.0.0.1"}},
		created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func customSpec() csrSpec {
	return csrSpec{
		name: "web", signer: "example.com/serving", username: "system:serviceaccount:web:issuer",
		groups: []string{"system:serviceaccounts"},
		usages: []string{"digital signature", "server auth"}, exp: 3600,
		req:     reqSpec{cn: "web.example.com", dns: []string{"web.example.com"}},
		created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func goodFacts() ClusterFacts {
	return ClusterFacts{
		NodesKnown:    true,
		NodeAddresses: map[string][]string{"n1": {"10.0.0.1", "n1.example.com", "n1"}},
		AdminsKnown:   true,
		Admins: map[RBACSubject][]AdminPath{
			{Kind: rbacv1.GroupKind, Name: "system:masters"}:                     {clusterAdminPath("cluster-admin")},
			{Kind: rbacv1.GroupKind, Name: "platform-admins"}:                    {clusterAdminPath("platform")},
			{Kind: rbacv1.UserKind, Name: "root-alice"}:                          {clusterAdminPath("alice"), clusterAdminPath("break-glass")},
			{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "deployer"}: {clusterAdminPath("ci-deployer")},
		},
		APIServerNames: []string{"10.96.0.1", "api.example.com"},
	}
}

// clusterAdminPath is a ClusterRoleBinding called binding to cluster-admin.
func clusterAdminPath(binding string) AdminPath {
	return AdminPath{BindingKind: "ClusterRoleBinding", BindingName: binding, RoleKind: "ClusterRole", RoleName: "cluster-admin", Power: []string{DoEverything}}
}

func findingByID(fs []Finding, id string) *Finding {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

// sha1CSR signs the TBS of a normal request with ECDSA over SHA-1 by hand:
// crypto/x509 refuses to create SHA-1 signatures but still accepts them on requests.
func sha1CSR(t testing.TB) []byte {
	t.Helper()
	key := keyP256().(*ecdsa.PrivateKey)
	parsed := must(x509.ParseCertificateRequest(reqSpec{cn: "old-tool", key: key}.der(t)))
	digest := sha1.Sum(parsed.RawTBSCertificateRequest)
	sig := must(ecdsa.SignASN1(rand.Reader, key, digest[:]))
	return pemOf("CERTIFICATE REQUEST", must(asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg pkix.AlgorithmIdentifier
		Sig asn1.BitString
	}{
		TBS: asn1.RawValue{FullBytes: parsed.RawTBSCertificateRequest},
		Alg: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}},
		Sig: asn1.BitString{Bytes: sig, BitLength: len(sig) * 8},
	})))
}

// unknownKeyCSR builds a request whose public key algorithm Go doesn't know.
func unknownKeyCSR(t testing.TB) []byte {
	t.Helper()
	subject := must(asn1.Marshal(pkix.Name{CommonName: "mystery"}.ToRDNSequence()))
	type spki struct {
		Alg pkix.AlgorithmIdentifier
		Key asn1.BitString
	}
	tbs := must(asn1.Marshal(struct {
		Version int
		Subject asn1.RawValue
		Key     spki
		Attrs   []asn1.RawValue `asn1:"tag:0"`
	}{
		Subject: asn1.RawValue{FullBytes: subject},
		Key:     spki{Alg: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 3, 4}}, Key: asn1.BitString{Bytes: []byte{1, 2, 3}, BitLength: 24}},
	}))
	return pemOf("CERTIFICATE REQUEST", must(asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg pkix.AlgorithmIdentifier
		Sig asn1.BitString
	}{
		TBS: asn1.RawValue{FullBytes: tbs},
		Alg: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, Parameters: asn1.NullRawValue},
		Sig: asn1.BitString{Bytes: []byte{9, 9, 9, 9}, BitLength: 32},
	})))
}

// brokenSignatureCSR flips the last signature byte of a valid request.
func brokenSignatureCSR(t testing.TB) []byte {
	t.Helper()
	der := reqSpec{cn: "tampered", key: keyRSA2048()}.der(t)
	der[len(der)-1] ^= 0xff
	return pemOf("CERTIFICATE REQUEST", der)
}

// t61Subject is a subject whose CN is a T61String: Go reads it as Latin-1,
// so byte 0x9b becomes U+009B, a C1 CSI.
func t61Subject(t testing.TB, value []byte) []byte {
	t.Helper()
	return must(asn1.Marshal(pkix.RDNSequence{{{
		Type:  asnCN,
		Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagT61String, Bytes: value},
	}}}))
}

func extension(t testing.TB, oid asn1.ObjectIdentifier, v any) pkix.Extension {
	t.Helper()
	return pkix.Extension{Id: oid, Value: must(asn1.Marshal(v))}
}

func caExtension(t testing.TB) pkix.Extension {
	return extension(t, asn1.ObjectIdentifier{2, 5, 29, 19}, struct{ IsCA bool }{true})
}

func ekuExtension(t testing.TB, oids ...asn1.ObjectIdentifier) pkix.Extension {
	return extension(t, asn1.ObjectIdentifier{2, 5, 29, 37}, oids)
}

func kuExtension(t testing.TB, bits ...int) pkix.Extension {
	b := make([]byte, 2)
	for _, i := range bits {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return extension(t, asn1.ObjectIdentifier{2, 5, 29, 15}, asn1.BitString{Bytes: b, BitLength: 9})
}

var (
	ekuServerAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
	ekuClientAuth = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 2}
)

// issue signs a certificate for the request's key with a throwaway CA.
func issue(t testing.TB, requestPEM []byte, isCA bool) []byte {
	t.Helper()
	block, _ := pem.Decode(requestPEM)
	cr := must(x509.ParseCertificateRequest(block.Bytes))
	caKey := keyP256()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER := must(x509.CreateCertificate(rand.Reader, ca, ca, caKey.Public(), caKey))
	caCert := must(x509.ParseCertificate(caDER))
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(0x1234abcd), Subject: cr.Subject,
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: isCA,
	}
	return pemOf("CERTIFICATE", must(x509.CreateCertificate(rand.Reader, leaf, caCert, cr.PublicKey, caKey)))
}
