package certs

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// What creating a request on someone's behalf needs to know: what their file
// holds, the words the API takes, and the object to send.

// MaxRequestFile is the most of a request file csrtui reads: a PKCS#10
// request is a few KiB even with a large RSA key, so anything bigger is not
// one, and a device or a pipe never makes csrtui wait for more.
const MaxRequestFile = 64 << 10

// ErrPrivateKey is RequestFile's error when the data holds a private key and
// no request: the key is neither quoted nor kept.
var ErrPrivateKey = errors.New("holds a private key, not a certificate request: it was not kept, shown or sent; give the request (.csr) made from it instead")

// RequestFile reads a PKCS#10 request the admin points at or pastes: the
// request re-encoded as a single PEM block, so that nothing else the data
// holds is sent, and parsed (its signature checked). Its errors say what the
// data holds instead, and never quote it: a private key given by mistake
// wraps ErrPrivateKey.
func RequestFile(data []byte) ([]byte, *x509.CertificateRequest, error) {
	if len(data) > MaxRequestFile {
		return nil, nil, fmt.Errorf("holds %d bytes: a certificate request is a few KiB, so this is not one", len(data))
	}
	pemReq, parsed, err := ReadRequestFile(data)
	if err != nil && holdsPrivateKey(data) {
		return nil, nil, ErrPrivateKey
	}
	return pemReq, parsed, err
}

// LooksLikePEM reports whether text a person pasted is PEM rather than a
// path: such text is taken as the request itself, and must not be shown
// before it is known not to be a key.
func LooksLikePEM(text string) bool { return strings.Contains(text, "-----BEGIN ") }

// holdsPrivateKey reports whether data holds a PEM block of a private key.
func holdsPrivateKey(data []byte) bool {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			// A block pem.Decode can't read (a torn paste) still says what it is.
			return strings.Contains(string(rest), "PRIVATE KEY-----")
		}
		if strings.HasSuffix(block.Type, "PRIVATE KEY") {
			return true
		}
	}
}

// UsageWords are the spec.usages words the apiserver accepts, in the order
// k8s.io/api/certificates/v1 types.go lists them
// (pkg/apis/certificates/validation/validation.go allValidUsages).
var UsageWords = []string{
	string(certificatesv1.UsageSigning),
	string(certificatesv1.UsageDigitalSignature),
	string(certificatesv1.UsageContentCommitment),
	string(certificatesv1.UsageKeyEncipherment),
	string(certificatesv1.UsageKeyAgreement),
	string(certificatesv1.UsageDataEncipherment),
	string(certificatesv1.UsageCertSign),
	string(certificatesv1.UsageCRLSign),
	string(certificatesv1.UsageEncipherOnly),
	string(certificatesv1.UsageDecipherOnly),
	string(certificatesv1.UsageAny),
	string(certificatesv1.UsageServerAuth),
	string(certificatesv1.UsageClientAuth),
	string(certificatesv1.UsageCodeSigning),
	string(certificatesv1.UsageEmailProtection),
	string(certificatesv1.UsageSMIME),
	string(certificatesv1.UsageIPsecEndSystem),
	string(certificatesv1.UsageIPsecTunnel),
	string(certificatesv1.UsageIPsecUser),
	string(certificatesv1.UsageTimestamping),
	string(certificatesv1.UsageOCSPSigning),
	string(certificatesv1.UsageMicrosoftSGC),
	string(certificatesv1.UsageNetscapeSGC),
}

// ParseUsages reads usages typed as a comma-separated list, and says why the
// apiserver would refuse them: none, a word it does not know, or one twice
// (pkg/apis/certificates/validation/validation.go).
func ParseUsages(text string) ([]string, error) {
	var usages []string
	for _, u := range strings.Split(text, ",") {
		u = strings.Join(strings.Fields(u), " ")
		if u == "" {
			continue
		}
		switch {
		case !slices.Contains(UsageWords, u):
			return nil, errors.New(quote(u) + " is not a usage the API knows: use words such as digital signature, key encipherment, client auth, server auth")
		case slices.Contains(usages, u):
			return nil, errors.New(quote(u) + " is there twice: the API takes each usage once")
		}
		usages = append(usages, u)
	}
	if len(usages) == 0 {
		return nil, errors.New("give at least one usage, e.g. digital signature, client auth")
	}
	return usages, nil
}

// ParseLifetime reads a requested lifetime: a Go duration ("24h", "90m") or
// a number of days ("30d"); empty means none, so the signer's default. It
// says why the apiserver would refuse it (CheckRequestLifetime).
func ParseLifetime(text string) (time.Duration, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(text, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 1<<31/(24*3600) {
			return 0, errors.New(quote(text) + " is not a lifetime: write e.g. 24h, 90m or 30d, or nothing for the signer's default")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(text); err != nil || d <= 0 {
			return 0, errors.New(quote(text) + " is not a lifetime: write e.g. 24h, 90m or 30d, or nothing for the signer's default")
		}
	}
	if err := CheckRequestLifetime(d); err != nil {
		return 0, err
	}
	return d, nil
}

// CheckCreateSigner says why a request for signer can't be created through
// certificates.k8s.io/v1: the legacy signer can't be asked for
// (pkg/apis/certificates/validation/validation.go); any other name is the
// apiserver's to judge.
func CheckCreateSigner(signer string) error {
	switch {
	case strings.TrimSpace(signer) == "":
		return errors.New("give a signer, e.g. " + KubeAPIServerClientSignerName)
	case signer == LegacyUnknownSignerName:
		return errors.New(LegacyUnknownSignerName + " can't be requested through certificates.k8s.io/v1")
	}
	return nil
}

// CreatableSigners are the signers to offer for a new request: the built-in
// ones that can be requested, then the other signers seen, in order, once
// each.
func CreatableSigners(seen []string) []string {
	var out []string
	for _, s := range append(slices.Clone(BuiltinSigners), seen...) {
		if CheckCreateSigner(s) == nil && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// FreeRequestName is the default name of a request for the common name cn:
// cn made a valid name (DefaultRequestName's rules), with "-2", "-3", ...
// when taken says a name is in use.
func FreeRequestName(cn string, taken func(string) bool) string {
	// DefaultRequestName always adds a suffix: ask for one and take it off.
	name := strings.TrimSuffix(DefaultRequestName(cn, "2"), "-2")
	for i := 2; taken(name); i++ {
		name = DefaultRequestName(cn, strconv.Itoa(i))
	}
	return name
}

// NewRequestObject is the CertificateSigningRequest to create: the request,
// the signer, the usages and, unless 0, the lifetime asked for.
func NewRequestObject(name string, requestPEM []byte, signer string, usages []string, lifetime time.Duration) *certificatesv1.CertificateSigningRequest {
	obj := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request:    requestPEM,
			SignerName: signer,
		},
	}
	for _, u := range usages {
		obj.Spec.Usages = append(obj.Spec.Usages, certificatesv1.KeyUsage(u))
	}
	if lifetime > 0 {
		seconds := int32(lifetime / time.Second)
		obj.Spec.ExpirationSeconds = &seconds
	}
	return obj
}

// KubeconfigRefusal says why no kubeconfig is written for a certificate of
// signer, and is empty for the one signer whose certificates the apiserver
// takes as a user's: kubernetes.io/kube-apiserver-client.
func KubeconfigRefusal(signer string) string {
	switch {
	case signer == KubeAPIServerClientSignerName:
		return ""
	case signer == KubeAPIServerClientKubeletSignerName:
		return "its certificates are a kubelet's own: the kubelet writes its kubeconfig itself and rotates the certificate in it, and a node's identity is not one to hand to a person"
	case signer == KubeletServingSignerName:
		return "its certificates prove a kubelet's server to its clients: they can't log in to the apiserver"
	case signer == LegacyUnknownSignerName:
		return "who trusts its certificates is undefined, so nothing says a kubeconfig with one would work"
	case strings.HasPrefix(signer, "kubernetes.io/"):
		return "no controller serves it, so it issues nothing"
	}
	return "csrtui can't tell whether the apiserver trusts that signer's CA for clients (its --client-ca-file), so a kubeconfig may not work"
}
