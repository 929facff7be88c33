package certs

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Finding IDs: stable names an admin can search for and tests can compare, one
// per rule, in the order the rules run.
const (
	FindingUnparsable        = "unparsable"         // spec.request can't be decoded or its signature fails
	FindingDecided           = "decided"            // already Approved, Denied or Failed: blocks a second decision
	FindingSignerReject      = "signer-reject"      // the built-in signer would fail it after approval
	FindingMasters           = "masters"            // O=system:masters on a certificate that can authenticate
	FindingSystemIdentity    = "system-identity"    // a client certificate for a system: user or group
	FindingClusterAdmin      = "cluster-admin"      // the CN or an O holds power equal to cluster-admin's through RBAC
	FindingServingSAN        = "serving-san"        // kubelet serving SANs that aren't the node's, or name the apiserver
	FindingWrongRequester    = "wrong-requester"    // a node certificate not requested by that node
	FindingOtherIdentity     = "other-identity"     // a client certificate for someone other than the requester
	FindingLongLived         = "long-lived"         // the signer's default year, or a client lifetime above the policy's maximum
	FindingControlChars      = "control-chars"      // control, bidi, invisible or odd-width characters in any field
	FindingWeakKey           = "weak-key"           // RSA below the policy's minimum, ECDSA below 256 bits
	FindingSHA1              = "sha1"               // request signed with SHA-1
	FindingSubjectOdd        = "subject-odd"        // several CNs, empty CN, UID attribute
	FindingLookAlike         = "look-alike"         // name, requester or subject text that reads as something it is not
	FindingSANOdd            = "san-odd"            // non-RFC 1123 names, wildcards, special IPs, email or URI on client certificates
	FindingNameOdd           = "name-odd"           // a CSR name that is not a DNS subdomain: whitespace, over 253 bytes
	FindingLegacyUnknown     = "legacy-unknown"     // the legacy signer: no constraints
	FindingIgnoredExtensions = "ignored-extensions" // extensions the built-in signer drops
	FindingCustomSigner      = "custom-signer"      // a signer kube-controller-manager doesn't serve
	FindingPEMJunk           = "pem-junk"           // text before the PEM block
	FindingUnchecked         = "unchecked"          // listed before its request was decoded (Glance): blocks approval
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

// addList adds a finding whose title ends with what it found, joined by sep,
// unless it found nothing.
func (l *linter) addList(id string, sev Severity, title string, found []string, sep, detail string) {
	if len(found) > 0 {
		l.add(id, sev, title+strings.Join(found, sep), detail)
	}
}

// findings runs every rule on the raw values of s, never on display text, and
// returns them worst first. Each finding's Detail names the Kubernetes source
// of the fact it rests on. The rules live by what they look at: signer.go (what
// the signer will do), findings_identity.go, findings_names.go and
// findings_cert.go.
func findings(s *Summary, p Policy, f ClusterFacts) []Finding {
	l := &linter{s: s, req: s.Request, p: p, f: f}
	l.unparsable()
	l.decided()
	l.signerReject()
	l.masters()
	l.systemIdentity()
	l.clusterAdmin()
	l.servingSAN()
	l.wrongRequester()
	l.otherIdentity()
	l.longLived()
	l.controlChars()
	l.weakKey()
	l.sha1()
	l.subjectOdd()
	l.lookAlikes()
	l.sanOdd()
	l.nameOdd()
	l.legacyUnknown()
	l.ignoredExtensions()
	l.customSigner()
	l.pemJunk()
	slices.SortStableFunc(l.out, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
	return internFindings(l.out)
}

func (l *linter) unparsable() {
	const src = " The apiserver admits spec.request only when its first PEM block is typed " +
		"CERTIFICATE REQUEST, parses, and its signature verifies " +
		"(pkg/apis/certificates/v1/helpers.go ParseCSR, pkg/apis/certificates/validation/validation.go), " +
		"so the signer can't act on this one either."
	switch {
	case l.s.RequestErr != nil:
		l.add(FindingUnparsable, SeverityBlock, "request can't be decoded: "+l.s.RequestErr.Error(),
			"Nothing in this request can be checked: subject, key and names are unknown."+src)
	case l.req != nil && l.req.SignatureErr != nil:
		l.add(FindingUnparsable, SeverityBlock, "request signature does not verify: "+l.req.SignatureErr.Error(),
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
			"requests (pkg/controller/certificates/signer/signer.go). The cluster forgets decisions: "+
			"kube-controller-manager's cleaner deletes an issued request 1 h after approval (sooner if its "+
			"certificate expires), a denied or failed one 1 h after that condition, and an approved one never "+
			"issued 24 h after approval, at its first hourly look after then "+
			"(pkg/controller/certificates/cleaner/cleaner.go): export what you need before.")
}

func (l *linter) pemJunk() {
	if l.req == nil || l.req.BytesBeforePEM == 0 {
		return
	}
	l.add(FindingPEMJunk, SeverityLow, itoa(l.req.BytesBeforePEM)+" bytes of text before the PEM block",
		"Go's pem.Decode, and so the apiserver, skips anything before the first block that decodes, "+
			"malformed PEM blocks included (encoding/pem, pkg/apis/certificates/v1/helpers.go ParseCSR): "+
			"harmless to the signer, but a human reading the raw request may see something other than what is signed.")
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
//
// A value longer than maxQuoted characters is cut, visibly and with the count
// of what was cut, after the closing quote: titles are shown beside the facts
// of a decision, and a requester-chosen value (a name padded with spaces and
// rows of its own, say) must not be able to fill them with text that reads
// like those facts. The whole value is in the detail.
func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return `"` + s + `"`
	}
	cut, n := 0, 0
	for i := range s {
		if n == maxQuoted {
			cut = i
			break
		}
		n++
	}
	return `"` + s[:cut] + `"… (` + itoa(utf8.RuneCountInString(s[cut:])) + " more characters)"
}

// maxQuoted is the most characters of one value a finding's title quotes.
const maxQuoted = 48

func orUnknown(s string) string {
	if s == "" {
		return "unknown reason"
	}
	return s
}
