package certs

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"strings"
	"testing"
)

func TestParseRequestErrors(t *testing.T) {
	good := reqSpec{cn: "jane"}.pem(t)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, `spec.request: empty, want a "CERTIFICATE REQUEST" PEM block`},
		{"blank", []byte(" \n\t"), `spec.request: empty, want a "CERTIFICATE REQUEST" PEM block`},
		{"private key", pemOf("RSA PRIVATE KEY", []byte{1}), `spec.request: PEM block is "RSA PRIVATE KEY", want "CERTIFICATE REQUEST"`},
		{"certificate", pemOf("CERTIFICATE", []byte{1}), `spec.request: PEM block is "CERTIFICATE", want "CERTIFICATE REQUEST"`},
		{"new-style header", pemOf("NEW CERTIFICATE REQUEST", []byte{1}), `spec.request: PEM block is "NEW CERTIFICATE REQUEST", want "CERTIFICATE REQUEST"`},
		{"junk only", []byte("MIIBxyz base64 without armour"), `spec.request: no PEM block found (starts with "MIIBxyz base64 without a"...), want "CERTIFICATE REQUEST"`},
		{"junk then a key", append([]byte("see below\n"), pemOf("PRIVATE KEY", []byte{1})...), `spec.request: PEM block is "PRIVATE KEY", want "CERTIFICATE REQUEST"`},
		{"bad DER", pemOf("CERTIFICATE REQUEST", []byte("not asn1")), "spec.request: not a valid PKCS#10 request: "},
		{"truncated", good[:len(good)/2], "spec.request: no PEM block found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRequest(tc.in)
			if err == nil {
				t.Fatalf("want error, got %+v", r)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %q, want prefix %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

func TestParseRequestSubject(t *testing.T) {
	r, err := ParseRequest(reqSpec{
		orgs: []string{"dev", "ops"},
		extraNames: []pkix.AttributeTypeAndValue{
			{Type: asnCN, Value: "first"},
			{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, Value: "uid-1"},
			{Type: asnUID, Value: "k8s-uid"},
			{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, Value: "a@example.com"},
			{Type: asnCN, Value: "last"},
		},
	}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range r.Subject {
		got = append(got, a.Name+"="+a.Value)
	}
	// pkix.Name.ToRDNSequence writes O before ExtraNames; the order read back must be the wire order.
	want := []string{"O=dev", "O=ops", "CN=first", "UID=uid-1", "1.3.6.1.4.1.57683.2=k8s-uid", "emailAddress=a@example.com", "CN=last"}
	if !slices.Equal(got, want) {
		t.Fatalf("subject = %q, want %q", got, want)
	}
	if r.CommonName != "last" {
		t.Errorf("CommonName = %q, want the last CN", r.CommonName)
	}
	if !slices.Equal(r.Organizations, []string{"dev", "ops"}) {
		t.Errorf("Organizations = %q", r.Organizations)
	}
	if r.Subject[4].OID != "1.3.6.1.4.1.57683.2" {
		t.Errorf("unknown OID = %q", r.Subject[4].OID)
	}
}

func TestParseRequestHostileSubject(t *testing.T) {
	r, err := ParseRequest(reqSpec{rawSubject: t61Subject(t, []byte("ok\x9b2J"))}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.CommonName != "ok\u009b2J" {
		t.Fatalf("T61String CN = %q, want U+009B inside", r.CommonName)
	}
	if got := Sanitize(r.CommonName).String(); got != `ok\u009b2J` {
		t.Fatalf("Sanitize = %q", got)
	}
	r, err = ParseRequest(reqSpec{cn: "x\x1b]0;owned\x07"}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.CommonName != "x\x1b]0;owned\x07" {
		t.Fatalf("CN = %q", r.CommonName)
	}
}

func TestParseRequestSANs(t *testing.T) {
	r, err := ParseRequest(reqSpec{
		cn: "s", dns: []string{"a.example.com"}, ips: []string{"10.0.0.1", "2001:db8::1"},
		emails: []string{"e@example.com"}, uris: []string{"spiffe://c/x"},
	}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.DNSNames, []string{"a.example.com"}) || !slices.Equal(r.IPAddresses, []string{"10.0.0.1", "2001:db8::1"}) ||
		!slices.Equal(r.EmailAddresses, []string{"e@example.com"}) || !slices.Equal(r.URIs, []string{"spiffe://c/x"}) {
		t.Fatalf("SANs: %q %q %q %q", r.DNSNames, r.IPAddresses, r.EmailAddresses, r.URIs)
	}
	if len(r.Extensions) != 1 || r.Extensions[0].Name != "subjectAltName" ||
		r.Extensions[0].Value != "DNS:a.example.com, IP:10.0.0.1, IP:2001:db8::1, email:e@example.com, URI:spiffe://c/x" {
		t.Fatalf("extensions = %+v", r.Extensions)
	}
}

func TestParseRequestKeys(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  func() []byte
		algo  string
		bits  int
		curve string
		sig   string
	}{
		{"RSA 2048", func() []byte { return reqSpec{cn: "k", key: keyRSA2048()}.pem(t) }, "RSA", 2048, "", "SHA256-RSA"},
		{"RSA 1024", func() []byte { return reqSpec{cn: "k", key: keyRSA1024()}.pem(t) }, "RSA", 1024, "", "SHA256-RSA"},
		{"P-256", func() []byte { return reqSpec{cn: "k"}.pem(t) }, "ECDSA", 256, "P-256", "ECDSA-SHA256"},
		{"P-224", func() []byte { return reqSpec{cn: "k", key: keyP224()}.pem(t) }, "ECDSA", 224, "P-224", "ECDSA-SHA256"},
		{"Ed25519", func() []byte { return reqSpec{cn: "k", key: keyEd25519()}.pem(t) }, "Ed25519", 256, "", "Ed25519"},
		{"SHA-1", func() []byte { return sha1CSR(t) }, "ECDSA", 256, "P-256", "ECDSA-SHA1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRequest(tc.spec())
			if err != nil {
				t.Fatal(err)
			}
			if r.PublicKeyAlgorithm != tc.algo || r.KeyBits != tc.bits || r.Curve != tc.curve || r.SignatureAlgorithm != tc.sig {
				t.Fatalf("got %s %d %q %s", r.PublicKeyAlgorithm, r.KeyBits, r.Curve, r.SignatureAlgorithm)
			}
			if r.SignatureErr != nil {
				t.Fatalf("signature: %v", r.SignatureErr)
			}
			if r.PublicKeySHA256 == [32]byte{} {
				t.Fatal("no PublicKeySHA256")
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		r, err := ParseRequest(unknownKeyCSR(t))
		if err != nil {
			t.Fatal(err)
		}
		if r.PublicKeyAlgorithm != "unknown" || r.SignatureErr == nil {
			t.Fatalf("got %s, signature err %v", r.PublicKeyAlgorithm, r.SignatureErr)
		}
	})
	t.Run("broken signature", func(t *testing.T) {
		r, err := ParseRequest(brokenSignatureCSR(t))
		if err != nil {
			t.Fatal(err)
		}
		if r.SignatureErr == nil {
			t.Fatal("flipped signature verified")
		}
	})
}

func TestParseRequestExtensions(t *testing.T) {
	r, err := ParseRequest(reqSpec{cn: "x", exts: []pkix.Extension{
		caExtension(t),
		kuExtension(t, 0, 2, 5),
		ekuExtension(t, ekuClientAuth, ekuServerAuth, asn1.ObjectIdentifier{1, 2, 3}),
		{Id: asn1.ObjectIdentifier{1, 2, 3, 4}, Critical: true, Value: []byte{5, 0}},
	}}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Extensions {
		got = append(got, e.Name+"="+e.Value)
	}
	want := []string{
		"basicConstraints=CA:true",
		"keyUsage=digital signature, key encipherment, cert sign",
		"extKeyUsage=client auth, server auth, 1.2.3",
		"1.2.3.4=2 bytes",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("extensions = %q, want %q", got, want)
	}
	if !r.Extensions[3].Critical || r.Extensions[0].Critical {
		t.Error("critical flags wrong")
	}
	if !r.RequestedCA {
		t.Error("RequestedCA not set")
	}
	if !slices.Equal(r.RequestedKeyUsages, []string{"digital signature", "key encipherment", "cert sign"}) {
		t.Errorf("key usages = %q", r.RequestedKeyUsages)
	}
	if !slices.Equal(r.RequestedExtKeyUsages, []string{"client auth", "server auth", "1.2.3"}) {
		t.Errorf("ext key usages = %q", r.RequestedExtKeyUsages)
	}

	r, err = ParseRequest(reqSpec{cn: "x", exts: []pkix.Extension{extension(t, asn1.ObjectIdentifier{2, 5, 29, 19}, struct{ IsCA bool }{false})}}.pem(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.RequestedCA || r.Extensions[0].Value != "CA:false" {
		t.Fatalf("CA:false read as %+v", r.Extensions[0])
	}
}

func TestParseRequestJunkBefore(t *testing.T) {
	r, err := ParseRequest(append([]byte("hello\n"), reqSpec{cn: "x"}.pem(t)...))
	if err != nil {
		t.Fatal(err)
	}
	if r.BytesBeforePEM != 5 {
		t.Fatalf("BytesBeforePEM = %d, want 5", r.BytesBeforePEM)
	}
}

// decoyBlock looks like a request to a reader but is not one: pem.Decode skips
// a block whose base64 doesn't decode and returns the next one.
const decoyBlock = "-----BEGIN CERTIFICATE REQUEST-----\nSubject: CN=jane, O=dev !!\n-----END CERTIFICATE REQUEST-----\n"

func TestParseRequestDecoyBlockBefore(t *testing.T) {
	real := reqSpec{cn: "system:admin"}.pem(t)
	for _, tc := range []struct {
		name   string
		before string
		want   int
	}{
		{"decoy", decoyBlock, len(strings.TrimSpace(decoyBlock))},
		{"decoy after text", "hello\n" + decoyBlock, len("hello\n" + strings.TrimSpace(decoyBlock))},
		{"begin line with no end", "-----BEGIN CERTIFICATE REQUEST-----\nxx\n", len("-----BEGIN CERTIFICATE REQUEST-----\nxx")},
		{"nothing", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRequest(append([]byte(tc.before), real...))
			if err != nil {
				t.Fatal(err)
			}
			if r.CommonName != "system:admin" {
				t.Fatalf("decoded CN %q, want the real block's", r.CommonName)
			}
			if r.BytesBeforePEM != tc.want {
				t.Fatalf("BytesBeforePEM = %d, want %d", r.BytesBeforePEM, tc.want)
			}
		})
	}
}
