package certs

import (
	"slices"
)

// linter collects findings for one summary.
type linter struct {
	s   *Summary
	req *Request
	p   Policy
	f   ClusterFacts
	out []Finding
}

func (l *linter) add(id string, sev Severity, title, detail string) {
	l.out = append(l.out, Finding{ID: id, Severity: sev, Title: title, Detail: detail})
}

// findings runs every rule of CSR-RULES section 6 on the raw values of s and
// returns them worst first.
func findings(s *Summary, p Policy, f ClusterFacts) []Finding {
	l := &linter{s: s, req: s.Request, p: p, f: f}
	l.unparsable()
	l.decided()
	l.signerReject()
	l.masters()
	l.systemIdentity()
	l.adminGroup()
	l.servingSAN()
	l.wrongRequester()
	l.otherIdentity()
	l.longLived()
	l.controlChars()
	l.weakKey()
	l.sha1()
	l.subjectOdd()
	l.sanOdd()
	l.legacyUnknown()
	l.ignoredExtensions()
	l.customSigner()
	l.pemJunk()
	slices.SortStableFunc(l.out, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
	return l.out
}

func (l *linter) unparsable() {
	const src = " The apiserver admits spec.request only when its first PEM block is typed " +
		"CERTIFICATE REQUEST, parses, and its signature verifies " +
		"(pkg/apis/certificates/v1/helpers.go ParseCSR, pkg/apis/certificates/validation/validation.go), " +
		"so the signer can't act on this one either."
	switch {
	case l.s.RequestErr != nil:
		l.add("unparsable", SeverityBlock, "request can't be decoded: "+l.s.RequestErr.Error(),
			"Nothing in this request can be checked: subject, key and names are unknown."+src)
	case l.req != nil && l.req.SignatureErr != nil:
		l.add("unparsable", SeverityBlock, "request signature does not verify: "+l.req.SignatureErr.Error(),
			"The signature proves the requester holds the private key of the public key to certify; "+
				"without it the request could carry someone else's key."+src)
	}
}

func (l *linter) decided() {
	if l.s.State == StatePending {
		return
	}
	l.add(FindingDecided, SeverityBlock, "already "+l.s.Condition+": the decision is final",
		"Approved, Denied and Failed conditions can never be removed, and Approved and Denied never "+
			"appear together (pkg/apis/certificates/validation/validation.go); the signer ignores failed "+
			"requests (pkg/controller/certificates/signer/signer.go). Decided requests are deleted after an "+
			"hour, issued ones when their certificate expires (pkg/controller/certificates/cleaner/cleaner.go).")
}

func (l *linter) pemJunk() {
	if l.req == nil || l.req.BytesBeforePEM == 0 {
		return
	}
	l.add("pem-junk", SeverityLow, itoa(l.req.BytesBeforePEM)+" bytes of text before the PEM block",
		"Go's pem.Decode, and so the apiserver, skips anything before the first block (encoding/pem, "+
			"pkg/apis/certificates/v1/helpers.go ParseCSR): harmless to the signer, but a human reading the "+
			"raw request may see something other than what is signed.")
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// quote wraps a raw value in double quotes for a title. It does not escape:
// the UI sanitizes titles, and escaping twice would hide what was sent.
func quote(s string) string { return `"` + s + `"` }

func orUnknown(s string) string {
	if s == "" {
		return "unknown reason"
	}
	return s
}
