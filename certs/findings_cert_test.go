package certs

import (
	"crypto/x509/pkix"
	"testing"
	"time"
)

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
		// With no extendedKeyUsage a certificate authenticates clients.
		{name: "custom with no extended key usage 30d", fire: true, sev: SeverityHigh, title: "client certificate would be valid for 30d",
			spec: with(customSpec, func(c *csrSpec) { c.exp, c.usages = 30*24*3600, []string{"digital signature", "key encipherment"} })},
		{name: "custom asking client auth in the request only", fire: true, sev: SeverityHigh, title: "client certificate would be valid for 30d",
			spec: with(customSpec, func(c *csrSpec) {
				c.exp = 30 * 24 * 3600
				c.req.exts = []pkix.Extension{ekuExtension(t, ekuClientAuth)}
			})},
		{name: "serving 30d", spec: same(servingSpec)},
		{name: "custom serving 30d", spec: with(customSpec, func(c *csrSpec) { c.exp = 30 * 24 * 3600 })},
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
