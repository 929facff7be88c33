package certs

import (
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestCleanRequestsHaveNoFindings(t *testing.T) {
	for name, c := range map[string]csrSpec{
		"client":          clientSpec(),
		"kubelet client":  kubeletClientSpec(),
		"kubelet serving": servingSpec(),
	} {
		t.Run(name, func(t *testing.T) {
			s := Summarize(c.build(t), DefaultPolicy(), goodFacts())
			if len(s.Findings) != 0 {
				t.Fatalf("want no findings, got %+v", s.Findings)
			}
		})
	}
	t.Run("custom", func(t *testing.T) {
		s := Summarize(customSpec().build(t), DefaultPolicy(), goodFacts())
		if len(s.Findings) != 1 || s.Findings[0].ID != FindingCustomSigner || s.Findings[0].Severity != SeverityInfo {
			t.Fatalf("want only custom-signer info, got %+v", s.Findings)
		}
	})
}

type ruleCase struct {
	name  string
	spec  func(t *testing.T) csrSpec
	facts func(f *ClusterFacts)
	pol   func(p *Policy)
	fire  bool
	sev   Severity // checked when fire
	title string   // substring of the title, checked when fire
}

func runRuleCases(t *testing.T, id string, cases []ruleCase) {
	t.Helper()
	var fired, quiet int
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := goodFacts()
			if tc.facts != nil {
				tc.facts(&f)
			}
			p := DefaultPolicy()
			if tc.pol != nil {
				tc.pol(&p)
			}
			s := Summarize(tc.spec(t).build(t), p, f)
			got := findingByID(s.Findings, id)
			switch {
			case tc.fire && got == nil:
				t.Fatalf("%s did not fire; findings: %+v", id, s.Findings)
			case !tc.fire && got != nil:
				t.Fatalf("%s fired: %+v", id, *got)
			case tc.fire:
				if got.Severity != tc.sev {
					t.Errorf("severity = %v, want %v (%s)", got.Severity, tc.sev, got.Title)
				}
				if !strings.Contains(got.Title, tc.title) {
					t.Errorf("title %q does not contain %q", got.Title, tc.title)
				}
				if !strings.Contains(got.Detail, "/") && !strings.Contains(got.Detail, "KEP") {
					t.Errorf("detail should explain and name its source: %q", got.Detail)
				}
			}
		})
		if tc.fire {
			fired++
		} else {
			quiet++
		}
	}
	if fired == 0 || quiet == 0 {
		t.Errorf("rule %s needs cases that fire (%d) and that don't (%d)", id, fired, quiet)
	}
}

func with(base func() csrSpec, edit func(c *csrSpec)) func(t *testing.T) csrSpec {
	return func(t *testing.T) csrSpec {
		c := base()
		edit(&c)
		return c
	}
}

func same(base func() csrSpec) func(t *testing.T) csrSpec {
	return func(t *testing.T) csrSpec { return base() }
}

func TestRuleUnparsable(t *testing.T) {
	runRuleCases(t, FindingUnparsable, []ruleCase{
		{name: "private key PEM", fire: true, sev: SeverityBlock, title: `PEM block is "RSA PRIVATE KEY"`,
			spec: with(clientSpec, func(c *csrSpec) { c.request = pemOf("RSA PRIVATE KEY", []byte{1, 2, 3}) })},
		{name: "no PEM at all", fire: true, sev: SeverityBlock, title: "no PEM block",
			spec: with(clientSpec, func(c *csrSpec) { c.request = []byte("hello") })},
		{name: "garbage DER", fire: true, sev: SeverityBlock, title: "not a valid PKCS#10 request",
			spec: with(clientSpec, func(c *csrSpec) { c.request = pemOf("CERTIFICATE REQUEST", []byte{0x30, 0x03, 1, 2, 3}) })},
		{name: "broken signature", fire: true, sev: SeverityBlock, title: "signature does not verify",
			spec: func(t *testing.T) csrSpec { c := clientSpec(); c.request = brokenSignatureCSR(t); return c }},
		{name: "unknown key algorithm", fire: true, sev: SeverityBlock, title: "signature does not verify",
			spec: func(t *testing.T) csrSpec { c := clientSpec(); c.request = unknownKeyCSR(t); return c }},
		{name: "valid", spec: same(clientSpec)},
	})
}

func TestRuleDecided(t *testing.T) {
	cond := func(types ...certificatesv1.RequestConditionType) func(c *csrSpec) {
		return func(c *csrSpec) { c.conds = types }
	}
	runRuleCases(t, FindingDecided, []ruleCase{
		{name: "approved", fire: true, sev: SeverityBlock, title: "already Approved",
			spec: with(clientSpec, cond(certificatesv1.CertificateApproved))},
		{name: "denied", fire: true, sev: SeverityBlock, title: "already Denied",
			spec: with(clientSpec, cond(certificatesv1.CertificateDenied))},
		{name: "failed", fire: true, sev: SeverityBlock, title: "already Approved,Failed",
			spec: with(clientSpec, cond(certificatesv1.CertificateApproved, certificatesv1.CertificateFailed))},
		{name: "issued", fire: true, sev: SeverityBlock, title: "already Approved,Issued",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.request = c.req.pem(t)
				c.cert = issue(t, c.request, false)
				c.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
				return c
			}},
		{name: "pending", spec: same(clientSpec)},
	})
}

func TestRuleSignerReject(t *testing.T) {
	runRuleCases(t, FindingSignerReject, []ruleCase{
		// kube-apiserver-client: validAPIServerClientUsages
		{name: "client with server auth", fire: true, sev: SeverityBlock, title: "invalid usage for client certificate: server auth",
			spec: with(clientSpec, func(c *csrSpec) { c.usages = []string{"client auth", "server auth"} })},
		{name: "client without client auth", fire: true, sev: SeverityBlock, title: "missing required usage for client certificate: client auth",
			spec: with(clientSpec, func(c *csrSpec) { c.usages = []string{"digital signature"} })},
		{name: "client with key encipherment", spec: with(clientSpec, func(c *csrSpec) {
			c.usages = []string{"digital signature", "key encipherment", "client auth"}
		})},
		// kube-apiserver-client-kubelet: ValidateKubeletClientCSR
		{name: "kubelet client O", fire: true, sev: SeverityBlock, title: "subject organization is not system:nodes",
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.req.orgs = []string{"system:nodes", "extra"} })},
		{name: "kubelet client DNS", fire: true, sev: SeverityBlock, title: "DNS subjectAltNames are not allowed",
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.req.dns = []string{"n1"} })},
		{name: "kubelet client IP", fire: true, sev: SeverityBlock, title: "IP subjectAltNames are not allowed",
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.req.ips = []string{"10.0.0.1"} })},
		{name: "kubelet client CN", fire: true, sev: SeverityBlock, title: "subject common name does not begin with system:node:",
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.req.cn = "n1" })},
		{name: "kubelet client usages", fire: true, sev: SeverityBlock, title: "usages did not match [client auth digital signature key encipherment]",
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.usages = []string{"client auth"} })},
		{name: "kubelet client RSA usages", spec: with(kubeletClientSpec, func(c *csrSpec) {
			c.usages = []string{"key encipherment", "digital signature", "client auth"}
		})},
		// kubelet-serving: ValidateKubeletServingCSR
		{name: "serving without SANs", fire: true, sev: SeverityBlock, title: "DNS or IP subjectAltName is required",
			spec: with(servingSpec, func(c *csrSpec) { c.req.dns, c.req.ips = nil, nil })},
		{name: "serving with email", fire: true, sev: SeverityBlock, title: "Email subjectAltNames are not allowed",
			spec: with(servingSpec, func(c *csrSpec) { c.req.emails = []string{"a@example.com"} })},
		{name: "serving with URI", fire: true, sev: SeverityBlock, title: "URI subjectAltNames are not allowed",
			spec: with(servingSpec, func(c *csrSpec) { c.req.uris = []string{"spiffe://x/y"} })},
		{name: "serving usages", fire: true, sev: SeverityBlock, title: "usages did not match [digital signature key encipherment server auth]",
			spec: with(servingSpec, func(c *csrSpec) { c.usages = []string{"digital signature", "server auth", "client auth"} })},
		{name: "serving CN", fire: true, sev: SeverityBlock, title: "subject common name does not begin with system:node:",
			spec: with(servingSpec, func(c *csrSpec) { c.req.cn = "node:n1" })},
		{name: "serving no O", fire: true, sev: SeverityBlock, title: "subject organization is not system:nodes",
			spec: with(servingSpec, func(c *csrSpec) { c.req.orgs = nil })},
		{name: "legacy checks nothing", spec: with(clientSpec, func(c *csrSpec) {
			c.signer, c.usages = LegacyUnknownSignerName, []string{"server auth", "code signing"}
		})},
		{name: "custom signer is not predicted", spec: with(customSpec, func(c *csrSpec) { c.usages = []string{"code signing"} })},
	})
}

func TestRuleMasters(t *testing.T) {
	masters := func(c *csrSpec) { c.req.orgs = []string{"dev", "system:masters"} }
	runRuleCases(t, FindingMasters, []ruleCase{
		{name: "client signer", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(clientSpec, masters)},
		{name: "custom signer", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(customSpec, masters)},
		{name: "legacy client", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(clientSpec, func(c *csrSpec) {
			masters(c)
			c.signer = LegacyUnknownSignerName
		})},
		{name: "legacy serving only", spec: with(servingSpec, func(c *csrSpec) {
			masters(c)
			c.signer = LegacyUnknownSignerName
		})},
		{name: "kubelet client (signer rejects instead)", spec: with(kubeletClientSpec, masters)},
		{name: "look-alike is not masters", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"system:masters "} })},
		{name: "plain", spec: same(clientSpec)},
	})
}

func TestRuleSystemIdentity(t *testing.T) {
	runRuleCases(t, FindingSystemIdentity, []ruleCase{
		{name: "component CN", fire: true, sev: SeverityCritical, title: `CN="system:kube-scheduler"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.cn, c.username = "system:kube-scheduler", "system:kube-scheduler" })},
		{name: "nodes group", fire: true, sev: SeverityCritical, title: `O="system:nodes"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"system:nodes"} })},
		{name: "service accounts group", fire: true, sev: SeverityCritical, title: "system:serviceaccounts:kube-system",
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"system:serviceaccounts:kube-system"} })},
		{name: "bootstrappers group", fire: true, sev: SeverityCritical, title: "system:bootstrappers",
			spec: with(customSpec, func(c *csrSpec) { c.req.orgs = []string{"system:bootstrappers:kubeadm:default-node-token"} })},
		{name: "kubeadm admins", fire: true, sev: SeverityCritical, title: "kubeadm:cluster-admins",
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"kubeadm:cluster-admins"} })},
		{name: "kubelet signer is exempt", spec: same(kubeletClientSpec)},
		{name: "ordinary user", spec: same(clientSpec)},
		{name: "masters alone has its own rule", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"system:masters"} })},
	})
}

func TestRuleAdminGroup(t *testing.T) {
	runRuleCases(t, FindingAdminGroup, []ruleCase{
		{name: "bound group", fire: true, sev: SeverityCritical, title: `"platform-admins"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"dev", "platform-admins"} })},
		{name: "unknown bindings", fire: true, sev: SeverityMedium, title: "forbidden: can't list clusterrolebindings",
			facts: func(f *ClusterFacts) {
				f.AdminGroupsKnown, f.AdminGroups, f.AdminGroupsErr = false, nil, "forbidden: can't list clusterrolebindings"
			},
			spec: same(clientSpec)},
		{name: "unbound group", spec: same(clientSpec)},
		{name: "no groups to check", facts: func(f *ClusterFacts) { f.AdminGroupsKnown = false },
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = nil })},
		{name: "serving signer", spec: with(servingSpec, func(c *csrSpec) { c.req.orgs = []string{"platform-admins"} })},
	})
}

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

func TestRuleWrongRequester(t *testing.T) {
	runRuleCases(t, FindingWrongRequester, []ruleCase{
		{name: "other node", fire: true, sev: SeverityHigh, title: `requester "system:node:n2" is not the CN "system:node:n1"`,
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.username = "system:node:n2" })},
		{name: "not a node", fire: true, sev: SeverityHigh, title: "requester is not a node",
			spec: with(servingSpec, func(c *csrSpec) { c.username = "alice" })},
		{name: "groups lack nodes", fire: true, sev: SeverityHigh, title: "groups lack system:nodes",
			spec: with(servingSpec, func(c *csrSpec) { c.groups = []string{"system:authenticated"} })},
		{name: "bootstrap token", fire: true, sev: SeverityHigh, title: "not requested by that node",
			spec: with(kubeletClientSpec, func(c *csrSpec) {
				c.username, c.groups = "system:bootstrap:abcdef", []string{"system:bootstrappers"}
			})},
		{name: "node itself (client)", spec: same(kubeletClientSpec)},
		{name: "node itself (serving)", spec: same(servingSpec)},
		{name: "client signer", spec: with(clientSpec, func(c *csrSpec) { c.username = "admin" })},
	})
}

func TestRuleOtherIdentity(t *testing.T) {
	runRuleCases(t, FindingOtherIdentity, []ruleCase{
		{name: "admin asks for jane", fire: true, sev: SeverityHigh, title: `requester "admin" asks for a certificate as "jane"`,
			spec: with(clientSpec, func(c *csrSpec) { c.username = "admin" })},
		{name: "legacy client", fire: true, sev: SeverityHigh, title: `as "jane"`,
			spec: with(clientSpec, func(c *csrSpec) { c.username, c.signer = "admin", LegacyUnknownSignerName })},
		{name: "self", spec: same(clientSpec)},
		{name: "serving", spec: with(servingSpec, func(c *csrSpec) { c.username = "system:node:n1" })},
		{name: "custom signer", spec: same(customSpec)},
	})
}

func TestRuleLongLived(t *testing.T) {
	runRuleCases(t, FindingLongLived, []ruleCase{
		{name: "client without expiration", fire: true, sev: SeverityHigh, title: "no expirationSeconds: the certificate would be valid for 365d",
			spec: with(clientSpec, func(c *csrSpec) { c.exp = 0 })},
		{name: "serving without expiration", fire: true, sev: SeverityHigh, title: "no expirationSeconds",
			spec: with(servingSpec, func(c *csrSpec) { c.exp = 0 })},
		{name: "client 48h", fire: true, sev: SeverityHigh, title: "valid for 2d, above the 24h maximum",
			spec: with(clientSpec, func(c *csrSpec) { c.exp = 48 * 3600 })},
		{name: "client 2 years capped", fire: true, sev: SeverityHigh, title: "valid for 365d",
			spec: with(clientSpec, func(c *csrSpec) { c.exp = 2 * 365 * 24 * 3600 })},
		{name: "custom client 30d", fire: true, sev: SeverityHigh, title: "30d",
			spec: with(customSpec, func(c *csrSpec) { c.exp, c.usages = 30*24*3600, []string{"client auth"} })},
		{name: "shorter cluster signing duration", fire: true, sev: SeverityHigh, title: "valid for 30d",
			pol:  func(p *Policy) { p.ClusterSigningDuration = 30 * 24 * time.Hour },
			spec: with(kubeletClientSpec, func(c *csrSpec) { c.exp = 0 })},
		{name: "client 1h", spec: same(clientSpec)},
		{name: "client 48h under a 72h policy", pol: func(p *Policy) { p.MaxClientDuration = 72 * time.Hour },
			spec: with(clientSpec, func(c *csrSpec) { c.exp = 48 * 3600 })},
		{name: "serving 30d", spec: same(servingSpec)},
		{name: "custom serving without expiration", spec: with(customSpec, func(c *csrSpec) { c.exp = 0 })},
	})
}

func TestRuleWeakKey(t *testing.T) {
	runRuleCases(t, FindingWeakKey, []ruleCase{
		{name: "RSA 1024", fire: true, sev: SeverityHigh, title: "RSA key of 1024 bits, below 2048",
			spec: with(clientSpec, func(c *csrSpec) { c.req.key = keyRSA1024() })},
		{name: "P-224", fire: true, sev: SeverityMedium, title: "P-224",
			spec: with(clientSpec, func(c *csrSpec) { c.req.key = keyP224() })},
		{name: "RSA 2048 under a 3072 policy", fire: true, sev: SeverityHigh, title: "below 3072",
			pol:  func(p *Policy) { p.MinRSABits = 3072 },
			spec: with(clientSpec, func(c *csrSpec) { c.req.key = keyRSA2048() })},
		{name: "RSA 2048", spec: with(clientSpec, func(c *csrSpec) { c.req.key = keyRSA2048() })},
		{name: "P-256", spec: same(clientSpec)},
		{name: "Ed25519", spec: with(clientSpec, func(c *csrSpec) { c.req.key = keyEd25519() })},
	})
}

func TestRuleSHA1(t *testing.T) {
	runRuleCases(t, FindingSHA1, []ruleCase{
		{name: "ECDSA-SHA1", fire: true, sev: SeverityMedium, title: "ECDSA-SHA1",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.request, c.username = sha1CSR(t), "old-tool"
				return c
			}},
		{name: "SHA-256", spec: same(clientSpec)},
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
		{name: "Cyrillic look-alike", fire: true, sev: SeverityMedium, title: "look-alike",
			spec: with(customSpec, func(c *csrSpec) { c.req.orgs = []string{"system:mastеrs"} })}, // Cyrillic е
		{name: "case variant", fire: true, sev: SeverityMedium, title: `O="System:Masters"`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"System:Masters"} })},
		{name: "trailing space", fire: true, sev: SeverityMedium, title: `CN="jane "`,
			spec: with(clientSpec, func(c *csrSpec) { c.req.cn, c.username = "jane ", "jane " })},
		{name: "ordinary", spec: same(clientSpec)},
		{name: "several Os are normal", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"dev", "ops"} })},
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
		{name: "email on custom serving", spec: with(customSpec, func(c *csrSpec) { c.req.emails = []string{"ops@example.com"} })},
		{name: "plain names", spec: same(servingSpec)},
		{name: "upper case DNS", spec: with(customSpec, func(c *csrSpec) { c.req.dns = []string{"Web.Example.com"} })},
	})
}

func TestRuleLegacyUnknown(t *testing.T) {
	runRuleCases(t, FindingLegacyUnknown, []ruleCase{
		{name: "legacy", fire: true, sev: SeverityMedium, title: "legacy-unknown",
			spec: with(clientSpec, func(c *csrSpec) { c.signer = LegacyUnknownSignerName })},
		{name: "client", spec: same(clientSpec)},
	})
}

func TestRuleIgnoredExtensions(t *testing.T) {
	runRuleCases(t, FindingIgnoredExtensions, []ruleCase{
		{name: "CA:true", fire: true, sev: SeverityLow, title: "asks for CA:true, gets CA:false",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.req.exts = []pkix.Extension{caExtension(t)}
				return c
			}},
		{name: "EKU mismatch", fire: true, sev: SeverityLow, title: "asks for usages [server auth], gets spec.usages [digital signature, client auth]",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.req.exts = []pkix.Extension{ekuExtension(t, ekuServerAuth)}
				return c
			}},
		{name: "unknown extension", fire: true, sev: SeverityLow, title: "extensions dropped: 1.2.3.4.5",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.req.exts = []pkix.Extension{{Id: []int{1, 2, 3, 4, 5}, Value: []byte{5, 0}}}
				return c
			}},
		{name: "matching KU and EKU", spec: func(t *testing.T) csrSpec {
			c := clientSpec()
			c.req.exts = []pkix.Extension{kuExtension(t, 0), ekuExtension(t, ekuClientAuth)}
			return c
		}},
		{name: "CA:true on custom signer (custom-signer says it)", spec: func(t *testing.T) csrSpec {
			c := customSpec()
			c.req.exts = []pkix.Extension{caExtension(t)}
			return c
		}},
		{name: "SANs only", spec: same(servingSpec)},
	})
}

func TestRuleCustomSigner(t *testing.T) {
	runRuleCases(t, FindingCustomSigner, []ruleCase{
		{name: "custom", fire: true, sev: SeverityInfo, title: `custom signer "example.com/serving"`, spec: same(customSpec)},
		{name: "unserved kubernetes.io name", fire: true, sev: SeverityMedium, title: `no built-in signer serves "kubernetes.io/kube-apiserver-clinet"`,
			spec: with(clientSpec, func(c *csrSpec) { c.signer = "kubernetes.io/kube-apiserver-clinet" })},
		{name: "custom asked for a CA", fire: true, sev: SeverityMedium, title: "CA:true",
			spec: func(t *testing.T) csrSpec {
				c := customSpec()
				c.req.exts = []pkix.Extension{caExtension(t)}
				return c
			}},
		{name: "client", spec: same(clientSpec)},
		{name: "legacy", spec: with(clientSpec, func(c *csrSpec) { c.signer = LegacyUnknownSignerName })},
		{name: "serving", spec: same(servingSpec)},
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
		{name: "plain Unicode is fine", spec: with(customSpec, func(c *csrSpec) { c.name = "café-日本" })},
		{name: "plain", spec: same(clientSpec)},
	})
}

func TestRulePEMJunk(t *testing.T) {
	runRuleCases(t, FindingPEMJunk, []ruleCase{
		{name: "text before the block", fire: true, sev: SeverityLow, title: "bytes of text before the PEM block",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.request = append([]byte("Subject: totally harmless\n"), c.req.pem(t)...)
				return c
			}},
		{name: "whitespace only", spec: func(t *testing.T) csrSpec {
			c := clientSpec()
			c.request = append([]byte("\n  \n"), c.req.pem(t)...)
			return c
		}},
	})
}

func TestFindingsWorstFirst(t *testing.T) {
	c := clientSpec()
	c.signer = LegacyUnknownSignerName
	c.exp = 0
	c.username = "admin"
	c.req.orgs = []string{"system:masters"}
	c.req.key = keyP224()
	s := Summarize(c.build(t), DefaultPolicy(), goodFacts())
	if len(s.Findings) < 4 {
		t.Fatalf("want several findings, got %+v", s.Findings)
	}
	for i := 1; i < len(s.Findings); i++ {
		if s.Findings[i-1].Severity < s.Findings[i].Severity {
			t.Fatalf("not worst first at %d: %v then %v", i, s.Findings[i-1].Severity, s.Findings[i].Severity)
		}
	}
	if s.Findings[0].Severity != SeverityCritical || s.Findings[0].ID != FindingMasters {
		t.Fatalf("first = %s (%v)", s.Findings[0].ID, s.Findings[0].Severity)
	}
}

func TestEffectiveDuration(t *testing.T) {
	p := DefaultPolicy()
	year := 365 * 24 * time.Hour
	for _, tc := range []struct {
		signer    string
		requested time.Duration
		want      time.Duration
	}{
		{KubeAPIServerClientSignerName, 0, year},
		{KubeAPIServerClientSignerName, time.Hour, time.Hour},
		{KubeAPIServerClientSignerName, 2 * year, year},
		{KubeletServingSignerName, 5 * time.Minute, 10 * time.Minute},
		{LegacyUnknownSignerName, 10 * time.Minute, 10 * time.Minute},
		{"example.com/x", 0, 0},
		{"example.com/x", 2 * year, 2 * year},
		{"kubernetes.io/nobody", time.Hour, 0},
	} {
		if got := effectiveDuration(tc.signer, tc.requested, p); got != tc.want {
			t.Errorf("effectiveDuration(%s, %v) = %v, want %v", tc.signer, tc.requested, got, tc.want)
		}
	}
}

func TestIsBuiltinSigner(t *testing.T) {
	for _, s := range []string{KubeAPIServerClientSignerName, KubeAPIServerClientKubeletSignerName, KubeletServingSignerName, LegacyUnknownSignerName} {
		if !IsBuiltinSigner(s) {
			t.Errorf("IsBuiltinSigner(%q) = false", s)
		}
	}
	if len(BuiltinSigners) != 4 {
		t.Errorf("BuiltinSigners = %v, want the four kube-controller-manager serves", BuiltinSigners)
	}
	for _, s := range []string{"", "kubernetes.io/nobody", "example.com/kube-apiserver-client", "kubernetes.io/kube-apiserver-client/", "Kubernetes.io/kubelet-serving"} {
		if IsBuiltinSigner(s) {
			t.Errorf("IsBuiltinSigner(%q) = true", s)
		}
	}
}
