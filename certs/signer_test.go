package certs

import (
	"crypto/x509/pkix"
	"testing"
	"time"
)

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

func TestRuleLegacyUnknown(t *testing.T) {
	runRuleCases(t, FindingLegacyUnknown, []ruleCase{
		{name: "legacy", fire: true, sev: SeverityMedium, title: "legacy-unknown",
			spec: with(clientSpec, func(c *csrSpec) { c.signer = LegacyUnknownSignerName })},
		{name: "client", spec: same(clientSpec)},
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
