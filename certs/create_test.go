package certs

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestRequestFile(t *testing.T) {
	good := reqSpec{cn: "jane", orgs: []string{"dev"}}.pem(t)
	keyPEM := pemOf("PRIVATE KEY", []byte{1, 2, 3})
	cases := []struct {
		name string
		data []byte
		want string // in the error; "" for none
		key  bool   // the error wraps ErrPrivateKey
	}{
		{name: "a request", data: good},
		{name: "a request after its key: the key is not sent", data: append(append([]byte{}, keyPEM...), good...)},
		{name: "a private key", data: keyPEM, want: "holds a private key, not a certificate request", key: true},
		{name: "an RSA private key", data: pemOf("RSA PRIVATE KEY", []byte{1}), want: "holds a private key", key: true},
		{name: "a torn private key", data: []byte("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE"), want: "holds a private key", key: true},
		{name: "a certificate", data: pemOf("CERTIFICATE", []byte{1}), want: "holds a certificate, not a certificate request"},
		{name: "text", data: []byte("hello"), want: "holds no PEM certificate request"},
		{name: "a broken signature", data: brokenSignatureCSR(t), want: "signature does not verify"},
		{name: "too big", data: append(append([]byte{}, good...), make([]byte, MaxRequestFile)...), want: "a certificate request is a few KiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pemReq, parsed, err := RequestFile(tc.data)
			if tc.want == "" {
				if err != nil || parsed.Subject.CommonName != "jane" || string(pemReq) != string(good) {
					t.Fatalf("RequestFile: %v, %q", err, pemReq)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if errors.Is(err, ErrPrivateKey) != tc.key {
				t.Fatalf("errors.Is(ErrPrivateKey) = %v", !tc.key)
			}
			if strings.Contains(err.Error(), "MHcC") {
				t.Fatalf("the error quotes the key: %v", err)
			}
		})
	}
}

func TestParseUsages(t *testing.T) {
	got, err := ParseUsages(" digital  signature,client auth , ")
	if err != nil || !slices.Equal(got, []string{"digital signature", "client auth"}) {
		t.Fatalf("%q, %v", got, err)
	}
	for text, want := range map[string]string{
		"":                        "give at least one usage",
		"client auth, mind read":  `"mind read" is not a usage the API knows`,
		"client auth,client auth": `"client auth" is there twice`,
	} {
		if _, err := ParseUsages(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
	for _, w := range UsageWords {
		if _, err := ParseUsages(w); err != nil {
			t.Errorf("%q: %v", w, err)
		}
	}
}

func TestParseLifetime(t *testing.T) {
	for text, want := range map[string]time.Duration{"": 0, "24h": 24 * time.Hour, " 90m ": 90 * time.Minute, "30d": 30 * 24 * time.Hour} {
		if got, err := ParseLifetime(text); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", text, got, err, want)
		}
	}
	for text, want := range map[string]string{
		"5m": "too short", "soon": "is not a lifetime", "-1h": "is not a lifetime", "0d": "is not a lifetime",
		"100000d": "is not a lifetime", "1000000h": "longer than the API can say", "10m30.5s": "not whole seconds",
	} {
		if _, err := ParseLifetime(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

func TestFreeRequestName(t *testing.T) {
	taken := map[string]bool{"jane": true, "jane-2": true}
	for cn, want := range map[string]string{
		"jane":                   "jane-3",
		"Jane Doe":               "jane-doe",
		"system:node:n1":         "system-node-n1",
		"":                       "csr",
		strings.Repeat("a", 100): strings.Repeat("a", 61),
	} {
		got := FreeRequestName(cn, func(n string) bool { return taken[n] })
		if got != want || CheckRequestName(got) != nil {
			t.Errorf("%q: %q, want %q (valid)", cn, got, want)
		}
	}
}

func TestCreatableSigners(t *testing.T) {
	got := CreatableSigners([]string{"example.com/b", KubeletServingSignerName, LegacyUnknownSignerName, "example.com/a"})
	want := []string{KubeAPIServerClientSignerName, KubeAPIServerClientKubeletSignerName, KubeletServingSignerName, "example.com/b", "example.com/a"}
	if !slices.Equal(got, want) {
		t.Fatalf("%q, want %q", got, want)
	}
}

func TestNewRequestObject(t *testing.T) {
	req := reqSpec{cn: "jane"}.pem(t)
	obj := NewRequestObject("jane", req, KubeAPIServerClientSignerName, []string{"digital signature", "client auth"}, 90*time.Minute)
	if obj.Name != "jane" || string(obj.Spec.Request) != string(req) || obj.Spec.SignerName != KubeAPIServerClientSignerName ||
		!slices.Equal(obj.Spec.Usages, []certificatesv1.KeyUsage{"digital signature", "client auth"}) || *obj.Spec.ExpirationSeconds != 5400 ||
		obj.Spec.Username != "" {
		t.Fatalf("%+v", obj)
	}
	if obj := NewRequestObject("jane", req, KubeAPIServerClientSignerName, []string{"client auth"}, 0); obj.Spec.ExpirationSeconds != nil {
		t.Fatal("no lifetime asked for sets expirationSeconds")
	}
	// What the form builds is what the linter judges as any other request.
	s := Summarize(NewRequestObject("jane", req, KubeAPIServerClientSignerName, []string{"client auth"}, time.Hour), DefaultPolicy(), goodFacts())
	if s.RequestErr != nil || s.RequestedDuration != time.Hour || s.EffectiveDuration != time.Hour {
		t.Fatalf("%+v", s)
	}
}

func TestKubeconfigRefusal(t *testing.T) {
	if why := KubeconfigRefusal(KubeAPIServerClientSignerName); why != "" {
		t.Fatalf("the client signer: %q", why)
	}
	for _, s := range []string{KubeAPIServerClientKubeletSignerName, KubeletServingSignerName, LegacyUnknownSignerName, "kubernetes.io/nobody", "example.com/ca"} {
		if KubeconfigRefusal(s) == "" {
			t.Errorf("%s: no reason", s)
		}
	}
}
