package certs

import (
	"crypto/x509/pkix"
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestRuleServingSAN(t *testing.T) {
	runRuleCases(t, FindingServingSAN, []ruleCase{
		{name: "foreign DNS", fire: true, sev: SeverityCritical, title: `"vault.example.com"`,
			spec: with(servingSpec, func(c *csrSpec) { c.req.dns = []string{"n1.example.com", "vault.example.com"} })},
		{name: "foreign IP", fire: true, sev: SeverityCritical, title: "10.0.0.2",
			spec: with(servingSpec, func(c *csrSpec) { c.req.ips = []string{"10.0.0.2"} })},
		{name: "apiserver service name", fire: true, sev: SeverityCritical, title: "kubernetes.default.svc.cluster.local",
			spec: with(servingSpec, func(c *csrSpec) { c.req.dns = []string{"kubernetes.default.svc.cluster.local"} })},
		{name: "apiserver service name in another cluster domain", fire: true, sev: SeverityCritical, title: `"Kubernetes.Default.svc.example.org."`,
			spec: with(servingSpec, func(c *csrSpec) { c.req.dns = []string{"Kubernetes.Default.svc.example.org."} })},
		{name: "short apiserver name", fire: true, sev: SeverityCritical, title: `"KUBERNETES"`,
			spec: with(servingSpec, func(c *csrSpec) { c.req.dns = []string{"KUBERNETES"} })},
		{name: "localhost", fire: true, sev: SeverityCritical, title: `"localhost.localdomain"`,
			spec: with(servingSpec, func(c *csrSpec) { c.req.dns = []string{"localhost.localdomain"} })},
		{name: "IPv6 loopback", fire: true, sev: SeverityCritical, title: "::1",
			spec: with(servingSpec, func(c *csrSpec) { c.req.ips = []string{"::1"} })},
		{name: "loopback", fire: true, sev: SeverityCritical, title: "127.0.0.1",
			spec: with(servingSpec, func(c *csrSpec) { c.req.ips = []string{"127.0.0.1"} })},
		{name: "apiserver ClusterIP from facts", fire: true, sev: SeverityCritical, title: "10.96.0.1",
			spec: with(servingSpec, func(c *csrSpec) { c.req.ips = []string{"10.96.0.1"} })},
		{name: "node that doesn't exist", fire: true, sev: SeverityCritical, title: `no node named "n9"`,
			spec: with(servingSpec, func(c *csrSpec) { c.req.cn, c.username = "system:node:n9", "system:node:n9" })},
		{name: "nodes unreadable", fire: true, sev: SeverityMedium, title: `can't read nodes: forbidden`,
			facts: func(f *ClusterFacts) {
				f.NodesKnown, f.NodeAddresses, f.NodesErr = false, nil, `can't read nodes: forbidden`
			},
			spec: same(servingSpec)},
		{name: "case-insensitive DNS match", spec: with(servingSpec, func(c *csrSpec) { c.req.dns = []string{"N1.Example.com"} })},
		{name: "own addresses", spec: same(servingSpec)},
		{name: "client signer not checked", spec: with(clientSpec, func(c *csrSpec) { c.req.dns = []string{"kubernetes"} })},
	})
}

func TestRuleSubjectOdd(t *testing.T) {
	runRuleCases(t, FindingSubjectOdd, []ruleCase{
		{name: "repeated CNs", fire: true, sev: SeverityMedium, title: `2 CNs, the last one "system:admin" becomes the username`,
			spec: with(customSpec, func(c *csrSpec) {
				c.req.cn = ""
				c.req.extraNames = []pkix.AttributeTypeAndValue{{Type: asnCN, Value: "jane"}, {Type: asnCN, Value: "system:admin"}}
			})},
		{name: "empty CN", fire: true, sev: SeverityMedium, title: "empty CN",
			spec: with(clientSpec, func(c *csrSpec) { c.req.cn, c.username = "", "" })},
		{name: "UID attribute", fire: true, sev: SeverityMedium, title: `UID attribute "1234-5678"`,
			spec: with(clientSpec, func(c *csrSpec) {
				c.req.extraNames = []pkix.AttributeTypeAndValue{{Type: asnUID, Value: "1234-5678"}}
			})},
		{name: "ordinary", spec: same(clientSpec)},
		{name: "several Os are normal", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"dev", "ops"} })},
		{name: "look-alike text has its own finding", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"System:Masters"} })},
	})
}

func TestRuleLookAlike(t *testing.T) {
	runRuleCases(t, FindingLookAlike, []ruleCase{
		{name: "Hangul filler in username", fire: true, sev: SeverityMedium, title: "username \"build-bot\u1160\"",
			spec: with(clientSpec, func(c *csrSpec) { c.username = "build-bot\u1160" })},
		{name: "Cyrillic in group", fire: true, sev: SeverityMedium, title: `group "system:mastеrs"`, // Cyrillic е
			spec: with(clientSpec, func(c *csrSpec) { c.groups = []string{"system:authenticated", "system:mastеrs"} })},
		{name: "case variant group", fire: true, sev: SeverityMedium, title: `group "System:Nodes"`,
			spec: with(clientSpec, func(c *csrSpec) { c.groups = []string{"System:Nodes"} })},
		{name: "NBSP in extra", fire: true, sev: SeverityMedium, title: "extra[scopes] \"read\u00a0all\"",
			spec: with(clientSpec, func(c *csrSpec) {
				c.extra = map[string]certificatesv1.ExtraValue{"scopes": {"read", "read\u00a0all"}}
			})},
		{name: "full-width extra key", fire: true, sev: SeverityMedium, title: `extra key "scopes：admin"`,
			spec: with(clientSpec, func(c *csrSpec) { c.extra = map[string]certificatesv1.ExtraValue{"scopes：admin": {"x"}} })},
		{name: "Cyrillic name", fire: true, sev: SeverityMedium, title: `name "jаne"`, // Cyrillic а
			spec: with(clientSpec, func(c *csrSpec) { c.name = "jаne" })},
		{name: "Cyrillic O", fire: true, sev: SeverityMedium, title: `O="system:mastеrs"`,
			spec: with(customSpec, func(c *csrSpec) { c.req.orgs = []string{"system:mastеrs"} })},
		{name: "case variant O", fire: true, sev: SeverityMedium, title: `O="System:Masters"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"System:Masters"} })},
		{name: "trailing space CN", fire: true, sev: SeverityMedium, title: `CN="jane "`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.cn, c.username = "jane ", "jane " })},
		{name: "ordinary", spec: same(clientSpec)},
		{name: "node requester", spec: same(servingSpec)},
		{name: "several Os and groups", spec: with(clientSpec, func(c *csrSpec) {
			c.req.orgs = []string{"dev", "ops"}
			c.groups = []string{"system:authenticated", "oidc:dev"}
			c.extra = map[string]certificatesv1.ExtraValue{"authentication.kubernetes.io/credential-id": {"X509SHA256=ab12"}}
		})},
	})
}

func TestRuleNameOdd(t *testing.T) {
	label := strings.Repeat("a", 63)
	runRuleCases(t, FindingNameOdd, []ruleCase{
		{name: "a name that poses as the dialog", fire: true, sev: SeverityMedium, title: "whitespace",
			spec: with(clientSpec, func(c *csrSpec) {
				c.name = "jane-laptop" + strings.Repeat(" ", 60) + "Subject    CN=jane, O=dev"
			})},
		{name: "tab", fire: true, sev: SeverityMedium, title: "whitespace",
			spec: with(clientSpec, func(c *csrSpec) { c.name = "jane\tlaptop" })},
		{name: "NBSP", fire: true, sev: SeverityMedium, title: "whitespace",
			spec: with(clientSpec, func(c *csrSpec) { c.name = "jane\u00a0laptop" })},
		{name: "too long", fire: true, sev: SeverityMedium, title: "1,480 bytes",
			spec: with(clientSpec, func(c *csrSpec) { c.name = strings.Repeat("a", 1480) })},
		{name: "254 bytes", fire: true, sev: SeverityMedium, title: "254 bytes",
			spec: with(clientSpec, func(c *csrSpec) { c.name = strings.Repeat("a", 254) })},
		{name: "upper case", fire: true, sev: SeverityMedium, title: "not a DNS subdomain",
			spec: with(clientSpec, func(c *csrSpec) { c.name = "Jane-Laptop" })},
		{name: "underscore", fire: true, sev: SeverityMedium, title: "not a DNS subdomain",
			spec: with(clientSpec, func(c *csrSpec) { c.name = "jane_laptop" })},
		{name: "generated", spec: with(kubeletClientSpec, func(c *csrSpec) { c.name = "node-csr-n1-4f7a9c" })},
		{name: "dotted", spec: with(clientSpec, func(c *csrSpec) { c.name = "jane.laptop.example.com" })},
		{name: "253 bytes", spec: with(clientSpec, func(c *csrSpec) {
			c.name = label + "." + label + "." + label + "." + strings.Repeat("b", 61)
		})},
	})
}

func TestRuleSANOdd(t *testing.T) {
	runRuleCases(t, FindingSANOdd, []ruleCase{
		{name: "wildcard", fire: true, sev: SeverityMedium, title: `wildcard "*.example.com"`,
			spec: with(customSpec, func(c *csrSpec) { c.req.dns = []string{"*.example.com"} })},
		{name: "not RFC 1123", fire: true, sev: SeverityMedium, title: `not an RFC 1123 name "bad_name.example.com"`,
			spec: with(customSpec, func(c *csrSpec) { c.req.dns = []string{"bad_name.example.com"} })},
		{name: "metadata IP", fire: true, sev: SeverityMedium, title: "link-local IP 169.254.169.254",
			spec: with(customSpec, func(c *csrSpec) { c.req.ips = []string{"169.254.169.254"} })},
		{name: "unspecified IP", fire: true, sev: SeverityMedium, title: "unspecified IP 0.0.0.0",
			spec: with(customSpec, func(c *csrSpec) { c.req.ips = []string{"0.0.0.0"} })},
		{name: "email on client", fire: true, sev: SeverityMedium, title: `email "jane@example.com"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.emails = []string{"jane@example.com"} })},
		{name: "URI on client", fire: true, sev: SeverityMedium, title: `URI "spiffe://cluster/ns/x"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.uris = []string{"spiffe://cluster/ns/x"} })},
		{name: "email on legacy with no extended key usage", fire: true, sev: SeverityMedium, title: `email "jane@example.com"`,
			spec: with(clientSpec, func(c *csrSpec) {
				c.signer, c.usages = LegacyUnknownSignerName, []string{"digital signature", "key encipherment"}
				c.req.emails = []string{"jane@example.com"}
			})},
		{name: "email on custom serving", spec: with(customSpec, func(c *csrSpec) { c.req.emails = []string{"ops@example.com"} })},
		{name: "plain names", spec: same(servingSpec)},
		{name: "upper case DNS", spec: with(customSpec, func(c *csrSpec) { c.req.dns = []string{"Web.Example.com"} })},
	})
}

func TestRuleControlChars(t *testing.T) {
	runRuleCases(t, FindingControlChars, []ruleCase{
		{name: "OSC title in CN", fire: true, sev: SeverityHigh, title: "subject CN",
			spec: with(clientSpec, func(c *csrSpec) { c.req.cn = "jane\x1b]0;pwned\x07"; c.username = c.req.cn })},
		{name: "C1 CSI through T61String", fire: true, sev: SeverityHigh, title: "subject CN",
			spec: func(t *testing.T) csrSpec {
				c := customSpec()
				c.req.rawSubject = t61Subject(t, []byte("web\x9b31m"))
				return c
			}},
		{name: "bidi override in name", fire: true, sev: SeverityHigh, title: "name",
			spec: with(clientSpec, func(c *csrSpec) { c.name = "jane\u202etxt.exe" })},
		{name: "zero-width in username", fire: true, sev: SeverityHigh, title: "username",
			spec: with(clientSpec, func(c *csrSpec) { c.username = "ja\u200bne" })},
		{name: "BOM in group", fire: true, sev: SeverityHigh, title: "groups",
			spec: with(clientSpec, func(c *csrSpec) { c.groups = []string{"\ufeffdev"} })},
		{name: "invalid UTF-8 in extra", fire: true, sev: SeverityHigh, title: "extra[scopes]",
			spec: with(clientSpec, func(c *csrSpec) {
				c.extra = map[string]certificatesv1.ExtraValue{"scopes": {"read\xff"}}
			})},
		{name: "ESC in annotation", fire: true, sev: SeverityHigh, title: "annotation note",
			spec: with(clientSpec, func(c *csrSpec) { c.annots = map[string]string{"note": "hi\x1b[2J"} })},
		{name: "newline in annotation is fine", spec: with(clientSpec, func(c *csrSpec) {
			c.annots = map[string]string{"kubectl.kubernetes.io/last-applied-configuration": "{\"a\":1}\n"}
		})},
		{name: "Hangul filler in username", fire: true, sev: SeverityHigh, title: "username",
			spec: with(clientSpec, func(c *csrSpec) { c.username = "build-bot\u1160" })},
		{name: "NBSP in group", fire: true, sev: SeverityHigh, title: "groups",
			spec: with(clientSpec, func(c *csrSpec) { c.groups = []string{"system:\u00a0masters"} })},
		{name: "stacked marks in CN", fire: true, sev: SeverityHigh, title: "subject CN",
			spec: with(customSpec, func(c *csrSpec) { c.req.cn = "we\u0301\u0302\u0303b" })},
		{name: "private use in extra", fire: true, sev: SeverityHigh, title: "extra[scopes]",
			spec: with(clientSpec, func(c *csrSpec) { c.extra = map[string]certificatesv1.ExtraValue{"scopes": {"\ue000"}} })},
		{name: "plain Unicode is fine", spec: with(customSpec, func(c *csrSpec) { c.name = "café-日本" })},
		{name: "an accent is fine", spec: with(customSpec, func(c *csrSpec) { c.req.cn = "re\u0301sume\u0301" })},
		{name: "plain", spec: same(clientSpec)},
	})
}
