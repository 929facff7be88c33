package certs

import (
	"slices"
	"strings"
)

// Rules about the certificate approval would issue: its lifetime, its key, the
// strength of the request's proof of that key, and what the signer drops.

func (l *linter) longLived() {
	s, p := l.s, l.p
	builtin := IsBuiltinSigner(s.Signer)
	const src = " (pkg/controller/certificates/signer/signer.go duration; spec.expirationSeconds, KEP-2784). " +
		"A certificate can't be revoked: its lifetime is how long a mistake lasts."
	switch {
	case builtin && s.RequestedDuration <= 0:
		l.add(FindingLongLived, SeverityHigh, "no expirationSeconds: the certificate would be valid for "+HumanDuration(s.EffectiveDuration),
			"Without spec.expirationSeconds the built-in signer uses --cluster-signing-duration (365 days by "+
				"default), bounded only by the CA's own expiry"+src)
	case clientUsage(s.Signer, s.Usages, l.req) && p.MaxClientDuration > 0 && s.EffectiveDuration > p.MaxClientDuration:
		title := "client certificate would be valid for " + HumanDuration(s.EffectiveDuration) +
			", above the " + HumanDuration(p.MaxClientDuration) + " maximum"
		detail := "Client certificates above the configured maximum (--max-client-duration) need a reason"
		if builtin && s.RequestedDuration > s.EffectiveDuration {
			detail = "The signer caps the requested " + HumanDuration(s.RequestedDuration) +
				" to --cluster-signing-duration; still above the configured maximum"
		}
		l.add(FindingLongLived, SeverityHigh, title, detail+src)
	}
}

func (l *linter) weakKey() {
	r := l.req
	if r == nil {
		return
	}
	switch {
	case r.PublicKeyAlgorithm == "RSA" && r.KeyBits < l.p.MinRSABits:
		l.add(FindingWeakKey, SeverityHigh, "RSA key of "+itoa(r.KeyBits)+" bits, below "+itoa(l.p.MinRSABits),
			"RSA keys under 2048 bits are below NIST SP 800-57's minimum and can be factored with enough effort; "+
				"the built-in signer certifies whatever key it is given (pkg/controller/certificates/authority/authority.go).")
	case r.PublicKeyAlgorithm == "ECDSA" && r.KeyBits < 256:
		l.add(FindingWeakKey, SeverityMedium, "ECDSA key on "+orUnknown(r.Curve)+" ("+itoa(r.KeyBits)+" bits)",
			"Curves under 256 bits (P-224) give about 112-bit security, below current recommendations "+
				"(NIST SP 800-57) and unsupported by many TLS clients; the signer certifies it anyway "+
				"(pkg/controller/certificates/authority/authority.go).")
	}
}

func (l *linter) sha1() {
	if l.req == nil {
		return
	}
	switch l.req.SignatureAlgorithm {
	case "SHA1-RSA", "ECDSA-SHA1", "DSA-SHA1":
		l.add(FindingSHA1, SeverityMedium, "request signed with SHA-1 ("+l.req.SignatureAlgorithm+")",
			"Go's crypto/x509 still accepts SHA-1 on requests (CertificateRequest.CheckSignature) though it refuses "+
				"it on certificates; SHA-1 collisions are practical, so the proof that the requester holds the key "+
				"is weak, and tooling that made it is outdated. The signer signs the certificate with its own algorithm.")
	}
}

func (l *linter) ignoredExtensions() {
	r := l.req
	if r == nil || !IsBuiltinSigner(l.s.Signer) || len(r.Extensions) == 0 {
		return
	}
	var what []string
	if r.RequestedCA {
		what = append(what, "asks for CA:true, gets CA:false")
	}
	asked := append(append([]string(nil), r.RequestedKeyUsages...), r.RequestedExtKeyUsages...)
	if len(asked) > 0 && !sameSet(asked, l.s.Usages) {
		what = append(what, "asks for usages ["+strings.Join(asked, ", ")+"], gets spec.usages ["+strings.Join(l.s.Usages, ", ")+"]")
	}
	var other []string
	for _, e := range r.Extensions {
		switch e.OID {
		case oidExtBasicConstraints, oidExtKeyUsage, oidExtExtKeyUsage, oidExtSubjectAltName:
		default:
			other = append(other, e.Name)
		}
	}
	if len(other) > 0 {
		what = append(what, "extensions dropped: "+strings.Join(other, ", "))
	}
	l.addList(FindingIgnoredExtensions, SeverityLow, "the signer ignores what the request asks for: ", what, "; ",
		"Built-in signers drop the request's own extensions, never issue a CA, and take usages from spec.usages "+
			"only (pkg/controller/certificates/authority/policies.go PermissiveSigningPolicy). The mismatch says "+
			"the requester expected a different certificate than the one it would get.")
}

func sameSet(a, b []string) bool {
	norm := func(u string) string {
		if u == "signing" { // spec.usages' "signing" is digitalSignature too (authority/policies.go keyUsageDict)
			return "digital signature"
		}
		return u
	}
	has := func(s []string, v string) bool {
		return slices.ContainsFunc(s, func(x string) bool { return norm(x) == v })
	}
	for _, x := range a {
		if !has(b, norm(x)) {
			return false
		}
	}
	for _, x := range b {
		if !has(a, norm(x)) {
			return false
		}
	}
	return true
}
