package certs

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

func TestGenerateKey(t *testing.T) {
	k, err := GenerateKey(KeyECDSA)
	if err != nil {
		t.Fatal(err)
	}
	if ec, ok := k.(*ecdsa.PrivateKey); !ok || ec.Curve.Params().Name != "P-256" {
		t.Fatalf("ecdsa key = %T", k)
	}
	if testing.Short() {
		return // RSA 3072 takes seconds on a busy machine
	}
	k, err = GenerateKey(KeyRSA)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := k.(*rsa.PrivateKey); !ok || r.N.BitLen() != 3072 {
		t.Fatalf("rsa key = %T", k)
	}
}

func TestGenerateKeyRefusesUnknownTypes(t *testing.T) {
	if _, err := GenerateKey("dsa"); err == nil || !strings.Contains(err.Error(), `"dsa"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestParsePrivateKeyForms(t *testing.T) {
	rsaKey := keyRSA2048().(*rsa.PrivateKey)
	ecKey := keyP256().(*ecdsa.PrivateKey)
	sec1 := must(x509.MarshalECPrivateKey(ecKey))
	ecParams := pemOf("EC PARAMETERS", []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07})
	for name, data := range map[string][]byte{
		"pkcs8 ecdsa":         must(EncodePrivateKey(ecKey)),
		"pkcs8 rsa":           must(EncodePrivateKey(rsaKey)),
		"pkcs8 ed25519":       must(EncodePrivateKey(keyEd25519())),
		"pkcs1":               pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)),
		"sec1":                pemOf("EC PRIVATE KEY", sec1),
		"sec1 after params":   append(ecParams, pemOf("EC PRIVATE KEY", sec1)...),
		"text before the key": append([]byte("Bag Attributes\n  localKeyID: 01\n"), must(EncodePrivateKey(ecKey))...),
	} {
		t.Run(name, func(t *testing.T) {
			key, err := ParsePrivateKey(data)
			if err != nil {
				t.Fatal(err)
			}
			switch key.(type) {
			case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
			default:
				t.Fatalf("key is %T", key)
			}
			again, err := ParsePrivateKey(must(EncodePrivateKey(key)))
			if err != nil || !SamePublicKey(again, must(x509.MarshalPKIXPublicKey(key.Public()))) {
				t.Fatalf("re-encoded key differs: %v", err)
			}
		})
	}
}

// What is not a usable key is named, and no error ever carries the file's
// bytes: the file may be a key in a form csrtui can't read.
func TestParsePrivateKeyErrorsSayWhatItIs(t *testing.T) {
	req := reqSpec{cn: "jane"}.pem(t)
	brokenKey := pemOf("PRIVATE KEY", []byte("not DER at all, and secret"))
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: []byte("secret")})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a request", req, "holds a certificate request, not a private key"},
		{"a certificate", issue(t, req, false), "holds a certificate, not a private key"},
		{"a public key", pemOf("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(keyP256().Public()))), "holds a public key, not a private key"},
		{"nothing", []byte("hello"), "holds no PEM private key"},
		{"empty", nil, "holds no PEM private key"},
		{"encrypted pkcs8", pemOf("ENCRYPTED PRIVATE KEY", []byte("secret")), "encrypted private key"},
		{"encrypted legacy", encrypted, "encrypted private key"},
		{"openssh", pemOf("OPENSSH PRIVATE KEY", []byte("secret")), "OpenSSH private key"},
		{"broken", brokenKey, "holds a PRIVATE KEY block that does not parse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePrivateKey(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), base64.StdEncoding.EncodeToString([]byte("secret"))[:6]) {
				t.Fatalf("the error quotes the file: %v", err)
			}
		})
	}
}

func TestNewRequest(t *testing.T) {
	data, err := NewRequest(keyP256(), "jane", []string{"dev", "ops"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRequest(data)
	if err != nil {
		t.Fatal(err)
	}
	if r.CommonName != "jane" || strings.Join(r.Organizations, ",") != "dev,ops" || r.SignatureErr != nil {
		t.Fatalf("request = CN %q O %q, signature %v", r.CommonName, r.Organizations, r.SignatureErr)
	}
	if !r.ForKey(keyP256()) {
		t.Fatal("the request is not for the key")
	}
	if r.ForKey(keyRSA2048()) {
		t.Fatal("ForKey matched another key")
	}
	if _, err := NewRequest(keyP256(), "", nil); err == nil {
		t.Fatal("a request without a common name was built")
	}
}

func TestReadRequestFile(t *testing.T) {
	req := reqSpec{cn: "jane", orgs: []string{"dev"}}.pem(t)
	keyPEM := must(EncodePrivateKey(keyP256()))

	// A file with the key and the request (as some tools write) sends the
	// request alone, re-encoded.
	out, parsed, err := ReadRequestFile(append(append([]byte("comment\n"), keyPEM...), req...))
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Subject.CommonName != "jane" || string(out) != string(req) {
		t.Fatalf("got CN %q and\n%s", parsed.Subject.CommonName, out)
	}
	if _, _, err := ReadRequestFile(pemOf("NEW CERTIFICATE REQUEST", reqSpec{cn: "old-openssl"}.der(t))); err != nil {
		t.Fatalf("the legacy PEM type: %v", err)
	}

	keyBody := strings.Split(string(keyPEM), "\n")[1]
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a private key", keyPEM, "holds a private key, not a certificate request (it was not sent anywhere)"},
		{"a certificate", issue(t, req, false), "holds a certificate, not a certificate request"},
		{"nothing", []byte("-----BEGIN nothing"), "holds no PEM certificate request"},
		{"a broken request", pemOf("CERTIFICATE REQUEST", []byte("junk")), "holds a certificate request that does not parse"},
		{"a bad signature", brokenSignatureCSR(t), "holds a certificate request whose signature does not verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadRequestFile(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), keyBody[:16]) {
				t.Fatalf("the error quotes the key: %v", err)
			}
		})
	}
}

func TestCheckCertificateKey(t *testing.T) {
	req := reqSpec{cn: "jane", key: keyP256()}.pem(t)
	cert := issue(t, req, false)
	if err := CheckCertificateKey(cert, keyP256()); err != nil {
		t.Fatal(err)
	}
	if err := CheckCertificateKey(cert, keyRSA2048()); err == nil || !strings.Contains(err.Error(), "not for this key") {
		t.Fatalf("another key: %v", err)
	}
	if err := CheckCertificateKey(req, keyP256()); err == nil {
		t.Fatal("a request passed for a certificate")
	}
}

func TestRequestUsages(t *testing.T) {
	ec, rsaPub := keyP256().Public(), keyRSA2048().Public()
	for _, tc := range []struct {
		signer string
		key    any
		want   string
	}{
		{KubeAPIServerClientSignerName, ec, "digital signature,client auth"},
		{KubeAPIServerClientSignerName, rsaPub, "digital signature,key encipherment,client auth"},
		{KubeAPIServerClientKubeletSignerName, ec, "digital signature,client auth"},
		{KubeletServingSignerName, ec, "digital signature,server auth"},
		{KubeletServingSignerName, rsaPub, "digital signature,key encipherment,server auth"},
		{"example.com/signer", ec, "digital signature,client auth"},
	} {
		got := strings.Join(RequestUsages(tc.signer, tc.key), ",")
		if got != tc.want {
			t.Errorf("%s %T: %s, want %s", tc.signer, tc.key, got, tc.want)
		}
	}
	// What request asks of the client signer, the signer accepts.
	r := must(ParseRequest(reqSpec{cn: "jane"}.pem(t)))
	if msg := SignerCheck(KubeAPIServerClientSignerName, r, RequestUsages(KubeAPIServerClientSignerName, rsaPub)); msg != "" {
		t.Fatal(msg)
	}
}

func TestRequestNames(t *testing.T) {
	for _, tc := range []struct{ cn, want string }{
		{"jane", "jane-abcde"},
		{"Jane Doe", "jane-doe-abcde"},
		{"system:node:n1", "system-node-n1-abcde"},
		{"..--évil\x1b[31m--..", "vil-31m-abcde"},
		{"", "csr-abcde"},
		{strings.Repeat("a", 100), strings.Repeat("a", 57) + "-abcde"},
	} {
		got := DefaultRequestName(tc.cn, "abcde")
		if got != tc.want {
			t.Errorf("DefaultRequestName(%q) = %q, want %q", tc.cn, got, tc.want)
		}
		if err := CheckRequestName(got); err != nil {
			t.Errorf("DefaultRequestName(%q) = %q: %v", tc.cn, got, err)
		}
	}
	for _, bad := range []string{"", "Jane", "a_b", "evil\x1b", "-a", "a/b", strings.Repeat("a", 254)} {
		if err := CheckRequestName(bad); err == nil {
			t.Errorf("CheckRequestName(%q) accepted it", bad)
		}
	}
}

func TestCheckRequestLifetime(t *testing.T) {
	for d, ok := range map[time.Duration]bool{
		0: true, 10 * time.Minute: true, 24 * time.Hour: true,
		9 * time.Minute: false, time.Second: false, 10*time.Minute + time.Millisecond: false,
		(1 << 31) * time.Second: false,
	} {
		if err := CheckRequestLifetime(d); (err == nil) != ok {
			t.Errorf("CheckRequestLifetime(%s) = %v", d, err)
		}
	}
}

func TestNewCA(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ca, key, err := NewCA("test-ca", now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || ca.Subject.CommonName != "test-ca" || !ca.NotBefore.Equal(now.Add(-time.Hour)) || !ca.NotAfter.Equal(now.Add(24*time.Hour)) {
		t.Fatalf("CA = %+v", ca)
	}
	if err := ca.CheckSignatureFrom(ca); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	if !SamePublicKey(key, ca.RawSubjectPublicKeyInfo) {
		t.Fatal("the key is not the CA's")
	}
}
