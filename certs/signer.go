package certs

import (
	"slices"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	certificatesv1beta1 "k8s.io/api/certificates/v1beta1"
)

// The signers kube-controller-manager serves (pkg/controller/certificates/signer/signer.go).
const (
	KubeAPIServerClientSignerName        = certificatesv1.KubeAPIServerClientSignerName
	KubeAPIServerClientKubeletSignerName = certificatesv1.KubeAPIServerClientKubeletSignerName
	KubeletServingSignerName             = certificatesv1.KubeletServingSignerName
	// LegacyUnknownSignerName can't be requested through certificates.k8s.io/v1,
	// so only v1beta1 names it; objects created through v1beta1 still carry it
	// and the signer still serves it.
	LegacyUnknownSignerName = certificatesv1beta1.LegacyUnknownSignerName
)

// BuiltinSigners are the signers kube-controller-manager serves, in the order
// upstream documents them (https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers).
// Read it; don't modify it.
var BuiltinSigners = []string{
	KubeAPIServerClientSignerName,
	KubeAPIServerClientKubeletSignerName,
	KubeletServingSignerName,
	LegacyUnknownSignerName,
}

// IsBuiltinSigner reports whether kube-controller-manager serves signer. Any
// other name, kubernetes.io/ ones included, is served by its own controller or
// by none.
func IsBuiltinSigner(signer string) bool {
	return slices.Contains(BuiltinSigners, signer)
}

// minSignerDuration is the floor the built-in signer applies to
// spec.expirationSeconds (signer.go duration: "10 min (2x hard coded backdate)").
const minSignerDuration = 10 * time.Minute

// effectiveDuration is the lifetime the signer will give, following
// (*signer).duration in pkg/controller/certificates/signer/signer.go: unset
// means --cluster-signing-duration, longer is capped to it, shorter than 10
// minutes is raised to 10 minutes. A custom signer's choice is unknown: it is
// the requested value, or 0 when none was requested. A kubernetes.io name that
// no controller serves never issues anything: 0.
func effectiveDuration(signer string, requested time.Duration, p Policy) time.Duration {
	if !IsBuiltinSigner(signer) {
		if strings.HasPrefix(signer, "kubernetes.io/") {
			return 0
		}
		return requested
	}
	csd := p.ClusterSigningDuration
	if csd <= 0 { // an unset policy means kube-controller-manager's default
		csd = DefaultPolicy().ClusterSigningDuration
	}
	if requested <= 0 || requested > csd {
		return csd
	}
	if requested < minSignerDuration {
		return minSignerDuration
	}
	return requested
}

// SignerCheck predicts what kube-controller-manager's signer will say after
// approving a request for signer with these spec.usages. It replays, in upstream
// order and with upstream wording, isKubeAPIServerClient /
// ValidateKubeletClientCSR / ValidateKubeletServingCSR
// (pkg/controller/certificates/signer/signer.go, pkg/apis/certificates/helpers.go):
// a non-empty result is the exact message of the Failed condition (reason
// SignerValidationFailure) the signer would set. An empty result means the
// signer accepts the request, and so does any signer it does not serve. req is
// the decoded spec.request and must not be nil.
func SignerCheck(signer string, req *Request, usages []string) string {
	switch signer {
	case KubeAPIServerClientSignerName:
		hasClientAuth := false
		for _, u := range usages {
			switch u {
			case "digital signature", "key encipherment":
			case "client auth":
				hasClientAuth = true
			default:
				return "invalid usage for client certificate: " + u
			}
		}
		if !hasClientAuth {
			return "missing required usage for client certificate: client auth"
		}
	case KubeAPIServerClientKubeletSignerName:
		switch {
		case !slices.Equal(req.Organizations, []string{"system:nodes"}):
			return "subject organization is not system:nodes"
		case len(req.DNSNames) > 0:
			return "DNS subjectAltNames are not allowed"
		case len(req.EmailAddresses) > 0:
			return "Email subjectAltNames are not allowed"
		case len(req.IPAddresses) > 0:
			return "IP subjectAltNames are not allowed"
		case len(req.URIs) > 0:
			return "URI subjectAltNames are not allowed"
		case !strings.HasPrefix(req.CommonName, "system:node:"):
			return "subject common name does not begin with system:node:"
		case !usageSetIs(usages, "digital signature", "key encipherment", "client auth") &&
			!usageSetIs(usages, "digital signature", "client auth"):
			return "usages did not match [client auth digital signature key encipherment]"
		}
	case KubeletServingSignerName:
		switch {
		case !slices.Equal(req.Organizations, []string{"system:nodes"}):
			return "subject organization is not system:nodes"
		case len(req.DNSNames) == 0 && len(req.IPAddresses) == 0:
			return "DNS or IP subjectAltName is required"
		case len(req.EmailAddresses) > 0:
			return "Email subjectAltNames are not allowed"
		case len(req.URIs) > 0:
			return "URI subjectAltNames are not allowed"
		case !usageSetIs(usages, "digital signature", "key encipherment", "server auth") &&
			!usageSetIs(usages, "digital signature", "server auth"):
			return "usages did not match [digital signature key encipherment server auth]"
		case !strings.HasPrefix(req.CommonName, "system:node:"):
			return "subject common name does not begin with system:node:"
		}
	}
	return ""
}

// usageSetIs compares as sets, like sets.String.Equal upstream.
func usageSetIs(usages []string, want ...string) bool {
	for _, u := range usages {
		if !slices.Contains(want, u) {
			return false
		}
	}
	for _, w := range want {
		if !slices.Contains(usages, w) {
			return false
		}
	}
	return true
}

func (l *linter) signerReject() {
	if l.req == nil || !IsBuiltinSigner(l.s.Signer) {
		return
	}
	msg := SignerCheck(l.s.Signer, l.req, l.s.Usages)
	if msg == "" {
		return
	}
	l.add(FindingSignerReject, SeverityBlock, "approval would only produce Failed: "+msg,
		"After approval, kube-controller-manager's signer for "+l.s.Signer+" validates the request and marks it "+
			"Failed (reason SignerValidationFailure) with exactly this message, issuing nothing; the Failed "+
			"condition can never be removed (pkg/controller/certificates/signer/signer.go, "+
			"pkg/apis/certificates/helpers.go). Ask the requester for a new request instead.")
}

// issuesClientCerts reports whether approving could produce a certificate that
// authenticates any identity the request names, for the rules about whom the
// certificate would make its holder:
//   - the client signer, always;
//   - the legacy signer when spec.usages allow client auth (allowsClientAuth):
//     it writes exactly the extended key usages spec.usages name, none at all
//     when they name only key usages, and drops the request's own extensions
//     (pkg/controller/certificates/authority/policies.go PermissiveSigningPolicy);
//   - any custom signer, whatever the usages: its controller may honour
//     spec.usages, copy the request's extensions or choose its own, and its CA
//     may be in the apiserver's --client-ca-file; csrtui can't tell.
//
// The kubelet signers are excluded: their signer forces O=[system:nodes] and
// CN=system:node:*; so is a kubernetes.io signer no controller serves.
func issuesClientCerts(signer string, usages []string) bool {
	switch {
	case signer == KubeAPIServerClientSignerName:
		return true
	case signer == LegacyUnknownSignerName:
		return allowsClientAuth(usages)
	case IsBuiltinSigner(signer) || strings.HasPrefix(signer, "kubernetes.io/"):
		return false
	default:
		return true
	}
}

// clientUsage reports whether the certificate asked for is one that
// authenticates clients, for the rules about client certificates' lifetime and
// names: the two client signers always; the legacy signer when spec.usages
// allow client auth; a custom signer when spec.usages allow it or the request's
// own extendedKeyUsage extension asks for client auth or any (a custom signer
// may honour either). kubelet-serving issues only server auth, and a
// kubernetes.io signer no controller serves issues nothing.
func clientUsage(signer string, usages []string, req *Request) bool {
	switch {
	case signer == KubeAPIServerClientSignerName || signer == KubeAPIServerClientKubeletSignerName:
		return true
	case signer == LegacyUnknownSignerName:
		return allowsClientAuth(usages)
	case IsBuiltinSigner(signer) || strings.HasPrefix(signer, "kubernetes.io/"):
		return false
	}
	return allowsClientAuth(usages) ||
		(req != nil && (slices.Contains(req.RequestedExtKeyUsages, "client auth") || slices.Contains(req.RequestedExtKeyUsages, "any")))
}

// allowsClientAuth reports whether a certificate whose usages are these
// spec.usages words would be accepted for client auth: when they name client
// auth or any, or no extended key usage at all. A certificate without the
// extendedKeyUsage extension is good for every purpose to Go
// (crypto/x509/verify.go checkChainForKeyUsage: "The certificate doesn't have
// any extended key usage specified"), and the apiserver verifies client
// certificates with VerifyOptions{KeyUsages: [ExtKeyUsageClientAuth]}
// (k8s.io/apiserver/pkg/authentication/request/x509/x509.go
// DefaultVerifyOptions, pkg/server/dynamiccertificates/dynamic_cafile_content.go
// VerifyOptions), so such a certificate authenticates whoever it names.
func allowsClientAuth(usages []string) bool {
	return slices.Contains(usages, string(certificatesv1.UsageClientAuth)) ||
		slices.Contains(usages, string(certificatesv1.UsageAny)) ||
		!slices.ContainsFunc(usages, isExtKeyUsageWord)
}

// isExtKeyUsageWord reports whether a spec.usages word names an extended key
// usage rather than a key usage: the signer's extKeyUsageDict
// (pkg/controller/certificates/authority/policies.go), where "s/mime" is a
// second word for email protection.
func isExtKeyUsageWord(u string) bool {
	return u == string(certificatesv1.UsageSMIME) ||
		slices.ContainsFunc(extKeyUsages, func(e extKeyUsage) bool { return string(e.word) == u })
}

func (l *linter) legacyUnknown() {
	if l.s.Signer != LegacyUnknownSignerName {
		return
	}
	l.add(FindingLegacyUnknown, SeverityMedium, "signer "+LegacyUnknownSignerName+": no constraints, undefined trust",
		"This signer can't be requested through certificates.k8s.io/v1 (pkg/apis/certificates/validation/validation.go), "+
			"so this object predates it or was written around it. kube-controller-manager signs it with the cluster "+
			"CA while checking nothing: subject, SANs and usages are taken as requested "+
			"(pkg/controller/certificates/signer/signer.go isLegacyUnknown), and who trusts the result is undefined.")
}

func (l *linter) customSigner() {
	sig := l.s.Signer
	if IsBuiltinSigner(sig) {
		return
	}
	if strings.HasPrefix(sig, "kubernetes.io/") {
		l.add(FindingCustomSigner, SeverityMedium, "no built-in signer serves "+quote(sig),
			"kube-controller-manager only serves kube-apiserver-client, kube-apiserver-client-kubelet, "+
				"kubelet-serving and legacy-unknown (pkg/controller/certificates/signer/signer.go): approving "+
				"leaves this request Approved with no certificate, forever.")
		return
	}
	sev, title := SeverityInfo, "custom signer "+quote(sig)+": its own controller decides"
	if l.req != nil && l.req.RequestedCA {
		sev, title = SeverityMedium, title+"; the request asks for CA:true"
	}
	lifetime := "no lifetime requested: the signer picks one"
	if l.s.RequestedDuration > 0 {
		lifetime = "requested lifetime " + HumanDuration(l.s.RequestedDuration) + ", which the signer may ignore"
	}
	l.add(FindingCustomSigner, sev, title,
		"Built-in checks (pkg/controller/certificates/signer/signer.go) don't apply: the controller serving "+
			"this signerName decides subject, extensions, usages and lifetime, and approval may be all it "+
			"waits for. A signer that honours requested extensions would issue a CA when asked. "+lifetime+". "+
			"If no controller serves it, the request stays Approved with no certificate.")
}
