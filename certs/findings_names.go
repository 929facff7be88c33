package certs

import (
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Rules about the names a request carries (subject, SANs) and any text that
// could deceive the admin reading it.

// oidKubernetesUID is the subject attribute the apiserver reads as the user's
// UID (KEP-5093, feature gate AllowParsingUserUIDFromCertAuth).
const oidKubernetesUID = "1.3.6.1.4.1.57683.2"

const oidCommonName = "2.5.4.3"

// WellKnownAPIServerNames are the names every cluster gives its apiserver: the
// kubernetes Service in the default namespace through the cluster DNS
// (kubeadm puts them in the apiserver's certificate:
// cmd/kubeadm/app/util/pkiutil/pki_helpers.go GetAPIServerAltNames) and the
// loopback names a client on a control-plane host uses. A cluster adds its own
// (ClusterFacts.APIServerNames). Read it; don't modify it.
var WellKnownAPIServerNames = []string{
	"kubernetes",
	"kubernetes.default",
	"kubernetes.default.svc",
	"kubernetes.default.svc.cluster.local",
	"localhost",
	"localhost.localdomain",
	"127.0.0.1",
	"::1",
}

// apiServerName reports whether a SAN names the apiserver itself: a kubelet
// serving certificate for it lets the holder impersonate the API to clients.
func (l *linter) apiServerName(san string) bool {
	n := strings.ToLower(strings.TrimSuffix(san, "."))
	if strings.HasPrefix(n, "kubernetes.default.svc.") { // whatever the cluster domain
		return true
	}
	if a, err := netip.ParseAddr(n); err == nil && a.Unmap().IsLoopback() {
		return true
	}
	is := func(x string) bool { return sameName(n, x) }
	return slices.ContainsFunc(WellKnownAPIServerNames, is) || slices.ContainsFunc(l.f.APIServerNames, is)
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
	if l.req == nil || l.s.Signer != KubeletServingSignerName {
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
	l.addList(FindingServingSAN, SeverityCritical, "serving certificate would name the apiserver: ", apiNames, ", ",
		"The holder could pose as the Kubernetes API to any client that trusts the cluster CA."+src)
	if !isNode || len(sans) == 0 {
		return // signer-reject already says why this can't be issued
	}
	if !l.f.NodesKnown {
		l.add(FindingServingSAN, SeverityMedium, "can't check the SANs against node "+quote(node)+": "+orUnknown(l.f.NodesErr),
			"csrtui compares each DNS and IP SAN with the Node's .status.addresses and could not read nodes, "+
				"so this check was not made."+src)
		return
	}
	addrs, ok := l.f.NodeAddresses[node]
	if !ok {
		l.add(FindingServingSAN, SeverityCritical, "no node named "+quote(node)+" exists",
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
	l.addList(FindingServingSAN, SeverityCritical, "SANs not among node "+quote(node)+"'s addresses: ", foreign, ", ",
		"The certificate would let this node serve TLS for names or IPs that belong to something else."+src)
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
	l.addList(FindingSubjectOdd, SeverityMedium, "odd subject: ", titles, "; ", strings.Join(details, " "))
}

// lookAlikes flags the names of the request and its requester that read as
// something they are not: the CSR's name, the requester's username, groups and
// extra, and every subject attribute.
func (l *linter) lookAlikes() {
	s := l.s
	var odd []string
	check := func(what, v string) {
		if lookAlike(v) {
			odd = append(odd, what+quote(v))
		}
	}
	check("name ", s.Name)
	check("username ", s.Username)
	for _, g := range s.Groups {
		check("group ", g)
	}
	for _, k := range sortedKeys(s.Extra) {
		check("extra key ", k)
		for _, v := range s.Extra[k] {
			check("extra["+k+"] ", v)
		}
	}
	if r := l.req; r != nil {
		for _, a := range r.Subject {
			check(a.Name+"=", a.Value)
		}
	}
	l.addList(FindingLookAlike, SeverityMedium, "look-alike text: ", odd, ", ",
		"Usernames and groups are compared byte for byte: a Cyrillic letter, a full-width colon, an invisible "+
			"filler, stray spaces or different case make a name that looks like a trusted one but isn't (or the "+
			"reverse). The apiserver takes CN and O verbatim (k8s.io/apiserver/pkg/authentication/request/x509/x509.go), "+
			"and spec.username, groups and extra are whatever the authenticator gave the requester "+
			"(pkg/registry/certificates/certificates/strategy.go PrepareForCreate); csrtui shows invisible "+
			"characters escaped.")
}

// lookAlike flags values that read as something they are not: non-ASCII
// text, surrounding or doubled spaces, and "system:" in another case.
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

// nameOdd flags CSR names that are not DNS subdomains. The apiserver doesn't
// care what a CSR is called (pkg/apis/certificates/validation/validation.go
// ValidateCertificateRequestName) beyond the path-segment rules, but the name
// is what the admin reads in the list and the dialog, and types to approve a
// critical request: spaces or a name thousands of characters long can pose as
// the dialog's own text and push the real subject out of sight. Kubelets,
// kubeadm, cert-manager and generateName all make DNS subdomains.
func (l *linter) nameOdd() {
	name := l.s.Name
	if len(validation.IsDNS1123Subdomain(name)) == 0 {
		return
	}
	title := "name is not a DNS subdomain (RFC 1123)"
	if strings.ContainsFunc(name, unicode.IsSpace) {
		title += "; it contains whitespace"
	}
	if len(name) > validation.DNS1123SubdomainMaxLength {
		title += "; it is " + thousands(len(name)) + " bytes long"
	}
	l.add(FindingNameOdd, SeverityMedium, title,
		"A CSR's name is shown in the list and the dialogs and typed to approve a critical request; one with "+
			"spaces, upper case, odd characters or more than 253 bytes can pose as the dialog's own text or push "+
			"what matters out of sight. The apiserver accepts any name without / or % "+
			"(pkg/apis/certificates/validation/validation.go ValidateCertificateRequestName, "+
			"k8s.io/apimachinery/pkg/api/validation/path), but kubelets, kubeadm, cert-manager and generateName "+
			"all make DNS subdomains (k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain).")
}

// thousands writes n with a comma between thousands: 1,480.
func thousands(n int) string {
	s := itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
	if clientUsage(l.s.Signer, l.s.Usages, r) {
		for _, e := range r.EmailAddresses {
			odd = append(odd, "email "+quote(e))
		}
		for _, u := range r.URIs {
			odd = append(odd, "URI "+quote(u))
		}
	}
	l.addList(FindingSANOdd, SeverityMedium, "odd SANs: ", odd, ", ",
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

// controlChars looks at every string the requester controls, raw.
func (l *linter) controlChars() {
	s := l.s
	var where []string
	check := func(field, v string, multiline bool) {
		if hasHostile(v, multiline) {
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
	l.addList(FindingControlChars, SeverityHigh, "control, bidi, invisible or odd-width characters in ", where, ", ",
		"Such characters can rewrite a terminal (CVE-2021-25743: escape sequences in API fields), make text "+
			"read differently from what it is (bidi overrides, zero-width joiners, Hangul fillers, non-ASCII "+
			"spaces, stacked combining marks), or take a different number of cells than csrtui measures "+
			"(spacing marks, conjoining jamo, flags), so a line overflows. csrtui shows them escaped; a legitimate "+
			"requester has no reason to send them. The apiserver lets them through: crypto/x509 "+
			"(crypto/x509/parser.go) accepts any UTF-8 and reads T61String as Latin-1, so C1 controls such as 0x9b pass.")
}

// hasHostile reports whether v holds a character Sanitize escapes other than
// the backslash (see unsafeRune and scan), or invalid UTF-8; in multiline text,
// tabs and line ends are fine.
func hasHostile(v string, multiline bool) bool {
	stops := hostileStops
	if multiline {
		stops = multilineStops
	}
	return indexHostile(v, stops) < len(v)
}
