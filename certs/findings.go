package certs

import (
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// Signer names served by kube-controller-manager
// (pkg/controller/certificates/signer/signer.go).
const (
	signerClient         = certificatesv1.KubeAPIServerClientSignerName
	signerKubeletClient  = certificatesv1.KubeAPIServerClientKubeletSignerName
	signerKubeletServing = certificatesv1.KubeletServingSignerName
	signerLegacy         = "kubernetes.io/legacy-unknown"
)

// minSignerDuration is the floor the built-in signer applies to
// spec.expirationSeconds (signer.go duration: "10 min (2x hard coded backdate)").
const minSignerDuration = 10 * time.Minute

// oidKubernetesUID is the subject attribute the apiserver reads as the user's
// UID (KEP-5093, feature gate AllowParsingUserUIDFromCertAuth).
const oidKubernetesUID = "1.3.6.1.4.1.57683.2"

const oidCommonName = "2.5.4.3"

func isBuiltinSigner(s string) bool {
	switch s {
	case signerClient, signerKubeletClient, signerKubeletServing, signerLegacy:
		return true
	}
	return false
}

// effectiveDuration is the lifetime the signer will give, following
// (*signer).duration in pkg/controller/certificates/signer/signer.go: unset
// means --cluster-signing-duration, longer is capped to it, shorter than 10
// minutes is raised to 10 minutes. A custom signer's choice is unknown: it is
// the requested value, or 0 when none was requested. A kubernetes.io name that
// no controller serves never issues anything: 0.
func effectiveDuration(signer string, requested time.Duration, p Policy) time.Duration {
	if !isBuiltinSigner(signer) {
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

// signerCheck predicts what kube-controller-manager's signer will say after
// approval. It replays, in upstream order and with upstream wording,
// isKubeAPIServerClient / ValidateKubeletClientCSR / ValidateKubeletServingCSR
// (pkg/controller/certificates/signer/signer.go, pkg/apis/certificates/helpers.go).
// An empty result means the signer accepts the request.
func signerCheck(signer string, req *Request, usages []string) string {
	switch signer {
	case signerClient:
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
	case signerKubeletClient:
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
	case signerKubeletServing:
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
	if l.req == nil || !isBuiltinSigner(l.s.Signer) {
		return
	}
	msg := signerCheck(l.s.Signer, l.req, l.s.Usages)
	if msg == "" {
		return
	}
	l.add("signer-reject", SeverityBlock, "approval would only produce Failed: "+msg,
		"After approval, kube-controller-manager's signer for "+l.s.Signer+" validates the request and marks it "+
			"Failed (reason SignerValidationFailure) with exactly this message, issuing nothing; the Failed "+
			"condition can never be removed (pkg/controller/certificates/signer/signer.go, "+
			"pkg/apis/certificates/helpers.go). Ask the requester for a new request instead.")
}

// issuesClientCerts reports whether approving could produce a certificate that
// authenticates any identity the request names: the client signer, the legacy
// signer when client auth is asked for, and any custom signer (its CA may be in
// the apiserver's --client-ca-file; csrtui can't tell). The kubelet signers are
// excluded: their signer forces O=[system:nodes] and CN=system:node:*.
func issuesClientCerts(signer string, usages []string) bool {
	switch {
	case signer == signerClient:
		return true
	case signer == signerLegacy:
		return slices.Contains(usages, "client auth") || slices.Contains(usages, "any")
	case isBuiltinSigner(signer) || strings.HasPrefix(signer, "kubernetes.io/"):
		return false
	default:
		return true
	}
}

func (l *linter) masters() {
	if l.req == nil || !issuesClientCerts(l.s.Signer, l.s.Usages) || !slices.Contains(l.req.Organizations, "system:masters") {
		return
	}
	why := ""
	switch l.s.Signer {
	case signerClient:
		why = " The CertificateSubjectRestriction admission plugin refuses this for " + signerClient +
			" at creation, so it is off on this cluster or was bypassed."
	case signerLegacy:
		why = " The legacy signer checks nothing."
	default:
		why = " No admission plugin guards custom signers."
	}
	l.add("masters", SeverityCritical, "O=system:masters: the certificate would be cluster-admin beyond RBAC's reach",
		"Members of system:masters bypass authorization entirely, no RoleBinding grants or removes it, and a "+
			"client certificate can't be revoked: only rotating the cluster CA ends it "+
			"(plugin/pkg/admission/certificates/subjectrestriction/admission.go)."+why)
}

// systemGroups are the groups that already carry powers a requester should not
// be able to mint for itself.
func systemGroup(o string) bool {
	return o == "system:nodes" || o == "kubeadm:cluster-admins" ||
		strings.HasPrefix(o, "system:serviceaccounts") || strings.HasPrefix(o, "system:bootstrappers")
}

func (l *linter) systemIdentity() {
	if l.req == nil || !issuesClientCerts(l.s.Signer, l.s.Usages) {
		return
	}
	var what []string
	if strings.HasPrefix(l.req.CommonName, "system:") {
		what = append(what, "CN="+quote(l.req.CommonName))
	}
	for _, o := range l.req.Organizations {
		if systemGroup(o) {
			what = append(what, "O="+quote(o))
		}
	}
	if len(what) == 0 {
		return
	}
	l.add("system-identity", SeverityCritical, "client certificate for a system identity: "+strings.Join(what, ", "),
		"Names starting with system: belong to Kubernetes components (kube-controller-manager, kube-scheduler, "+
			"nodes, service accounts) and come with their built-in roles; system:nodes is trusted by the Node "+
			"authorizer, system:bootstrappers may request node certificates, kubeadm:cluster-admins is bound to "+
			"cluster-admin by kubeadm (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, "+
			"cmd/kubeadm/app/constants/constants.go). A certificate can't be revoked.")
}

func (l *linter) adminGroup() {
	if l.req == nil || !issuesClientCerts(l.s.Signer, l.s.Usages) || len(l.req.Organizations) == 0 {
		return
	}
	if !l.f.AdminGroupsKnown {
		l.add("admin-group", SeverityMedium, "can't check whether O groups are bound to cluster-admin: "+orUnknown(l.f.AdminGroupsErr),
			"Each O of a client certificate becomes a group of the user. csrtui reads ClusterRoleBindings to "+
				"see which groups are bound to cluster-admin and could not here, so this check was not made "+
				"(groups come from O: k8s.io/apiserver/pkg/authentication/request/x509/x509.go).")
		return
	}
	var hits []string
	for _, o := range l.req.Organizations {
		// system:masters has its own, stronger finding.
		if o != "system:masters" && l.f.AdminGroups[o] {
			hits = append(hits, quote(o))
		}
	}
	if len(hits) == 0 {
		return
	}
	l.add("admin-group", SeverityCritical, "O names a group bound to cluster-admin: "+strings.Join(hits, ", "),
		"Each O of a client certificate becomes a group of the user (k8s.io/apiserver/pkg/authentication/"+
			"request/x509/x509.go CommonNameUserConversion), and a ClusterRoleBinding gives this group "+
			"cluster-admin. The certificate can't be revoked; removing the binding is the only way back.")
}

// apiServerName reports whether a SAN names the apiserver itself: a kubelet
// serving certificate for it lets the holder impersonate the API to clients.
func (l *linter) apiServerName(san string) bool {
	n := strings.ToLower(strings.TrimSuffix(san, "."))
	switch n {
	case "kubernetes", "kubernetes.default", "kubernetes.default.svc", "localhost", "localhost.localdomain":
		return true
	}
	if strings.HasPrefix(n, "kubernetes.default.svc.") {
		return true
	}
	if a, err := netip.ParseAddr(n); err == nil && a.Unmap().IsLoopback() {
		return true
	}
	for _, x := range l.f.APIServerNames {
		if sameName(n, x) {
			return true
		}
	}
	return false
}

// sameName compares DNS names case-insensitively and IPs by value.
func sameName(a, b string) bool {
	if strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")) {
		return true
	}
	x, err1 := netip.ParseAddr(a)
	y, err2 := netip.ParseAddr(b)
	return err1 == nil && err2 == nil && x.Unmap() == y.Unmap()
}

func (l *linter) servingSAN() {
	if l.req == nil || l.s.Signer != signerKubeletServing {
		return
	}
	sans := append(append([]string(nil), l.req.DNSNames...), l.req.IPAddresses...)
	var apiNames, foreign []string
	for _, san := range sans {
		if l.apiServerName(san) {
			apiNames = append(apiNames, quote(san))
		}
	}
	node, isNode := strings.CutPrefix(l.req.CommonName, "system:node:")
	const src = " A kubelet serving certificate is trusted by the apiserver and by anything using the cluster CA; " +
		"kube-controller-manager copies the SANs unchecked (pkg/controller/certificates/signer/signer.go), so " +
		"approvers compare them with the Node object (postfinance/kubelet-csr-approver, " +
		"openshift/cluster-machine-approver)."
	if len(apiNames) > 0 {
		l.add("serving-san", SeverityCritical, "serving certificate would name the apiserver: "+strings.Join(apiNames, ", "),
			"The holder could pose as the Kubernetes API to any client that trusts the cluster CA."+src)
	}
	if !isNode || len(sans) == 0 {
		return // signer-reject already says why this can't be issued
	}
	if !l.f.NodesKnown {
		l.add("serving-san", SeverityMedium, "can't check the SANs against node "+quote(node)+": "+orUnknown(l.f.NodesErr),
			"csrtui compares each DNS and IP SAN with the Node's .status.addresses and could not read nodes, "+
				"so this check was not made."+src)
		return
	}
	addrs, ok := l.f.NodeAddresses[node]
	if !ok {
		l.add("serving-san", SeverityCritical, "no node named "+quote(node)+" exists",
			"The request asks for a serving certificate for a node the cluster doesn't know."+src)
		return
	}
	for _, san := range sans {
		if l.apiServerName(san) {
			continue
		}
		if !slices.ContainsFunc(addrs, func(a string) bool { return sameName(san, a) }) {
			foreign = append(foreign, quote(san))
		}
	}
	if len(foreign) > 0 {
		l.add("serving-san", SeverityCritical, "SANs not among node "+quote(node)+"'s addresses: "+strings.Join(foreign, ", "),
			"The certificate would let this node serve TLS for names or IPs that belong to something else."+src)
	}
}

func (l *linter) wrongRequester() {
	if l.req == nil || (l.s.Signer != signerKubeletClient && l.s.Signer != signerKubeletServing) {
		return
	}
	var why []string
	if l.s.Username != l.req.CommonName {
		why = append(why, "requester "+quote(l.s.Username)+" is not the CN "+quote(l.req.CommonName))
	}
	if !strings.HasPrefix(l.s.Username, "system:node:") {
		why = append(why, "requester is not a node (system:node:<name>)")
	}
	if !slices.Contains(l.s.Groups, "system:nodes") {
		why = append(why, "requester's groups lack system:nodes")
	}
	if len(why) == 0 {
		return
	}
	detail := "A node should request certificates for itself only; the NodeRestriction admission plugin " +
		"(plugin/pkg/admission/noderestriction/admission.go) enforces CN=system:node:<that node> for node " +
		"requesters, and the automatic approver only covers a node renewing its own client certificate " +
		"(pkg/controller/certificates/approver/sarapprove.go)."
	if l.s.Signer == signerKubeletClient && strings.HasPrefix(l.s.Username, "system:bootstrap:") {
		detail += " A bootstrap token requester (system:bootstrap:<id>) is how a new node asks for its first " +
			"client certificate: expected only when that node is joining now."
	}
	l.add("wrong-requester", SeverityHigh, "node certificate not requested by that node: "+strings.Join(why, "; "), detail)
}

func (l *linter) otherIdentity() {
	if l.req == nil {
		return
	}
	client := l.s.Signer == signerClient || (l.s.Signer == signerLegacy && issuesClientCerts(l.s.Signer, l.s.Usages))
	if !client || l.s.Username == l.req.CommonName {
		return
	}
	l.add("other-identity", SeverityHigh, "requester "+quote(l.s.Username)+" asks for a certificate as "+quote(l.req.CommonName),
		"The CN becomes the username of whoever holds the key (k8s.io/apiserver/pkg/authentication/request/x509/x509.go). "+
			"Expected when an admin requests a certificate for someone else; otherwise someone is minting an "+
			"identity that is not their own.")
}

// clientUsage reports whether the certificate would authenticate to the apiserver.
func clientUsage(signer string, usages []string) bool {
	return signer == signerClient || signer == signerKubeletClient ||
		slices.Contains(usages, "client auth") || slices.Contains(usages, "any")
}

func (l *linter) longLived() {
	s, p := l.s, l.p
	builtin := isBuiltinSigner(s.Signer)
	const src = " (pkg/controller/certificates/signer/signer.go duration; spec.expirationSeconds, KEP-2784). " +
		"A certificate can't be revoked: its lifetime is how long a mistake lasts."
	switch {
	case builtin && s.RequestedDuration <= 0:
		l.add("long-lived", SeverityHigh, "no expirationSeconds: the certificate would be valid for "+HumanDuration(s.EffectiveDuration),
			"Without spec.expirationSeconds the built-in signer uses --cluster-signing-duration (365 days by "+
				"default), bounded only by the CA's own expiry"+src)
	case clientUsage(s.Signer, s.Usages) && p.MaxClientDuration > 0 && s.EffectiveDuration > p.MaxClientDuration:
		title := "client certificate would be valid for " + HumanDuration(s.EffectiveDuration) +
			", above the " + HumanDuration(p.MaxClientDuration) + " maximum"
		detail := "Client certificates above the configured maximum (--max-client-duration) need a reason"
		if builtin && s.RequestedDuration > s.EffectiveDuration {
			detail = "The signer caps the requested " + HumanDuration(s.RequestedDuration) +
				" to --cluster-signing-duration; still above the configured maximum"
		}
		l.add("long-lived", SeverityHigh, title, detail+src)
	}
}

func (l *linter) weakKey() {
	r := l.req
	if r == nil {
		return
	}
	switch {
	case r.PublicKeyAlgorithm == "RSA" && r.KeyBits < l.p.MinRSABits:
		l.add("weak-key", SeverityHigh, "RSA key of "+itoa(r.KeyBits)+" bits, below "+itoa(l.p.MinRSABits),
			"RSA keys under 2048 bits are below NIST SP 800-57's minimum and can be factored with enough effort; "+
				"the built-in signer certifies whatever key it is given (pkg/controller/certificates/authority/authority.go).")
	case r.PublicKeyAlgorithm == "ECDSA" && r.KeyBits < 256:
		l.add("weak-key", SeverityMedium, "ECDSA key on "+orUnknown(r.Curve)+" ("+itoa(r.KeyBits)+" bits)",
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
		l.add("sha1", SeverityMedium, "request signed with SHA-1 ("+l.req.SignatureAlgorithm+")",
			"Go's crypto/x509 still accepts SHA-1 on requests (CertificateRequest.CheckSignature) though it refuses "+
				"it on certificates; SHA-1 collisions are practical, so the proof that the requester holds the key "+
				"is weak, and tooling that made it is outdated. The signer signs the certificate with its own algorithm.")
	}
}

func (l *linter) subjectOdd() {
	r := l.req
	if r == nil {
		return
	}
	var titles, details []string
	cns := 0
	for _, a := range r.Subject {
		if a.OID == oidCommonName {
			cns++
		}
	}
	if cns > 1 {
		titles = append(titles, itoa(cns)+" CNs, the last one "+quote(r.CommonName)+" becomes the username")
		details = append(details, "Go's pkix.Name keeps the last CN, and the apiserver takes it as the username "+
			"(crypto/x509/pkix FillFromRDNSequence); a tool that shows the first one shows the wrong identity.")
	}
	if r.CommonName == "" {
		titles = append(titles, "empty CN")
		details = append(details, "A client certificate with no CN authenticates nobody "+
			"(k8s.io/apiserver/pkg/authentication/request/x509/x509.go rejects an empty common name).")
	}
	for _, a := range r.Subject {
		if a.OID == oidKubernetesUID {
			titles = append(titles, "UID attribute "+quote(a.Value))
			details = append(details, "Attribute "+oidKubernetesUID+" sets the user's UID when the apiserver "+
				"parses it (KEP-5093, AllowParsingUserUIDFromCertAuth); requesters rarely need it and it "+
				"can make the certificate pose as a specific object's identity.")
			break
		}
	}
	var odd []string
	for _, a := range r.Subject {
		if lookAlike(a.Value) {
			odd = append(odd, a.Name+"="+quote(a.Value))
		}
	}
	if len(odd) > 0 {
		titles = append(titles, "non-ASCII or look-alike text in "+strings.Join(odd, ", "))
		details = append(details, "Usernames and groups are compared byte for byte: a Cyrillic letter, a "+
			"full-width colon, stray spaces or different case make a name that looks like a trusted one "+
			"but isn't (or the reverse); the apiserver takes CN and O verbatim "+
			"(k8s.io/apiserver/pkg/authentication/request/x509/x509.go).")
	}
	if len(titles) == 0 {
		return
	}
	l.add("subject-odd", SeverityMedium, "odd subject: "+strings.Join(titles, "; "), strings.Join(details, " "))
}

// lookAlike flags values that read as something they are not: non-ASCII
// letters, surrounding or doubled spaces, and "system:" in another case.
func lookAlike(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return true
		}
	}
	if strings.TrimSpace(v) != v || strings.Contains(v, "  ") {
		return true
	}
	return len(v) >= 7 && strings.EqualFold(v[:7], "system:") && v[:7] != "system:"
}

func (l *linter) sanOdd() {
	r := l.req
	if r == nil {
		return
	}
	var odd []string
	for _, d := range r.DNSNames {
		name := d
		if rest, ok := strings.CutPrefix(d, "*."); ok {
			odd = append(odd, "wildcard "+quote(d))
			name = rest
		}
		if !isDNS1123Subdomain(name) {
			odd = append(odd, "not an RFC 1123 name "+quote(d))
		}
	}
	for _, ip := range r.IPAddresses {
		if why := specialIP(ip); why != "" {
			odd = append(odd, why+" IP "+ip)
		}
	}
	if clientUsage(l.s.Signer, l.s.Usages) {
		for _, e := range r.EmailAddresses {
			odd = append(odd, "email "+quote(e))
		}
		for _, u := range r.URIs {
			odd = append(odd, "URI "+quote(u))
		}
	}
	if len(odd) == 0 {
		return
	}
	l.add("san-odd", SeverityMedium, "odd SANs: "+strings.Join(odd, ", "),
		"Signers copy SANs into the certificate as requested (pkg/controller/certificates/authority/authority.go). "+
			"Names that aren't RFC 1123 (k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain) or are "+
			"wildcards cover more than one host; loopback, link-local (cloud metadata), multicast and "+
			"unspecified IPs never belong to one server; email and URI SANs on a client certificate mean the "+
			"request was made for another purpose.")
}

func specialIP(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "unparsable"
	}
	a = a.Unmap()
	switch {
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	return ""
}

// isDNS1123Subdomain follows k8s.io/apimachinery/pkg/util/validation
// IsDNS1123Subdomain, case-insensitively since DNS is.
func isDNS1123Subdomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i] | 0x20 // lower-case letters; digits and '-' are unaffected below
			isAlnum := (c >= 'a' && c <= 'z') || (label[i] >= '0' && label[i] <= '9')
			if !isAlnum && (label[i] != '-' || i == 0 || i == len(label)-1) {
				return false
			}
		}
	}
	return true
}

func (l *linter) legacyUnknown() {
	if l.s.Signer != signerLegacy {
		return
	}
	l.add("legacy-unknown", SeverityMedium, "signer kubernetes.io/legacy-unknown: no constraints, undefined trust",
		"This signer can't be requested through certificates.k8s.io/v1 (pkg/apis/certificates/validation/validation.go), "+
			"so this object predates it or was written around it. kube-controller-manager signs it with the cluster "+
			"CA while checking nothing: subject, SANs and usages are taken as requested "+
			"(pkg/controller/certificates/signer/signer.go isLegacyUnknown), and who trusts the result is undefined.")
}

func (l *linter) ignoredExtensions() {
	r := l.req
	if r == nil || !isBuiltinSigner(l.s.Signer) || len(r.Extensions) == 0 {
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
	if len(what) == 0 {
		return
	}
	l.add("ignored-extensions", SeverityLow, "the signer ignores what the request asks for: "+strings.Join(what, "; "),
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

func (l *linter) customSigner() {
	sig := l.s.Signer
	if isBuiltinSigner(sig) {
		return
	}
	if strings.HasPrefix(sig, "kubernetes.io/") {
		l.add("custom-signer", SeverityMedium, "no built-in signer serves "+quote(sig),
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
	l.add("custom-signer", sev, title,
		"Built-in checks (pkg/controller/certificates/signer/signer.go) don't apply: the controller serving "+
			"this signerName decides subject, extensions, usages and lifetime, and approval may be all it "+
			"waits for. A signer that honours requested extensions would issue a CA when asked. "+lifetime+". "+
			"If no controller serves it, the request stays Approved with no certificate.")
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

// controlChars looks at every string the requester controls, raw.
func (l *linter) controlChars() {
	s := l.s
	var where []string
	check := func(field, v string, allowSpace bool) {
		if hasHostile(v, allowSpace) {
			where = append(where, field)
		}
	}
	check("name", s.Name, false)
	check("username", s.Username, false)
	check("uid", s.UserUID, false)
	for _, g := range s.Groups {
		check("groups", g, false)
	}
	for _, k := range sortedKeys(s.Extra) {
		check("extra key", k, false)
		for _, v := range s.Extra[k] {
			check("extra["+k+"]", v, false)
		}
	}
	if r := l.req; r != nil {
		for _, a := range r.Subject {
			check("subject "+a.Name, a.Value, false)
		}
		for _, v := range r.DNSNames {
			check("DNS SAN", v, false)
		}
		for _, v := range r.EmailAddresses {
			check("email SAN", v, false)
		}
		for _, v := range r.URIs {
			check("URI SAN", v, false)
		}
	}
	for _, k := range sortedKeys(s.Annotations) {
		check("annotation key", k, false)
		// Multi-line annotation values are ordinary (kubectl's last-applied-configuration).
		check("annotation "+k, s.Annotations[k], true)
	}
	for _, c := range s.Conditions {
		check("condition reason", c.Reason, false)
		check("condition message", c.Message, true)
	}
	where = slices.Compact(where)
	if len(where) == 0 {
		return
	}
	l.add("control-chars", SeverityHigh, "control, bidi or zero-width characters in "+strings.Join(where, ", "),
		"Such characters can rewrite a terminal (CVE-2021-25743: escape sequences in API fields) or make text "+
			"read differently from what it is (bidi overrides, zero-width joiners). csrtui shows them escaped; "+
			"a legitimate requester has no reason to send them. The apiserver lets them through: crypto/x509 "+
			"(crypto/x509/parser.go) accepts any UTF-8 and reads T61String as Latin-1, so C1 controls such as 0x9b pass.")
}

func hasHostile(v string, allowSpace bool) bool {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			whitespace := c == '\n' || c == '\t' || c == '\r'
			if (c < 0x20 || c == 0x7f) && (!allowSpace || !whitespace) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		if (r == utf8.RuneError && size == 1) || hostileRune(r) {
			return true
		}
		i += size
	}
	return false
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
