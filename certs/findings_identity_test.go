package certs

import (
	"testing"
)

func TestRuleMasters(t *testing.T) {
	masters := func(c *csrSpec) { c.req.orgs = []string{"dev", "system:masters"} }
	runRuleCases(t, FindingMasters, []ruleCase{
		{name: "client signer", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(clientSpec, masters)},
		{name: "custom signer", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(customSpec, masters)},
		{name: "legacy client", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(clientSpec, func(c *csrSpec) {
			masters(c)
			c.signer = LegacyUnknownSignerName
		})},
		// A certificate with no extendedKeyUsage is good for client auth.
		{name: "legacy with no extended key usage", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(clientSpec, func(c *csrSpec) {
			masters(c)
			c.signer, c.usages = LegacyUnknownSignerName, []string{"digital signature", "key encipherment"}
		})},
		{name: "legacy any", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(servingSpec, func(c *csrSpec) {
			masters(c)
			c.signer, c.usages = LegacyUnknownSignerName, []string{"digital signature", "any"}
		})},
		{name: "custom with no extended key usage", fire: true, sev: SeverityCritical, title: "system:masters", spec: with(customSpec, func(c *csrSpec) {
			masters(c)
			c.usages = []string{"digital signature"}
		})},
		{name: "legacy serving only", spec: with(servingSpec, func(c *csrSpec) {
			masters(c)
			c.signer = LegacyUnknownSignerName
		})},
		{name: "legacy S/MIME only", spec: with(servingSpec, func(c *csrSpec) {
			masters(c)
			c.signer, c.usages = LegacyUnknownSignerName, []string{"digital signature", "s/mime"}
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
		{name: "legacy with no extended key usage", fire: true, sev: SeverityCritical, title: `CN="system:kube-scheduler"`,
			spec: with(clientSpec, func(c *csrSpec) {
				c.req.cn, c.username = "system:kube-scheduler", "system:kube-scheduler"
				c.signer, c.usages = LegacyUnknownSignerName, []string{"key encipherment"}
			})},
		{name: "legacy serving only", spec: with(servingSpec, func(c *csrSpec) { c.signer = LegacyUnknownSignerName })},
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
		{name: "legacy with no extended key usage", fire: true, sev: SeverityHigh, title: `as "jane"`,
			spec: with(clientSpec, func(c *csrSpec) {
				c.username, c.signer, c.usages = "admin", LegacyUnknownSignerName, []string{"digital signature"}
			})},
		{name: "self", spec: same(clientSpec)},
		{name: "serving", spec: with(servingSpec, func(c *csrSpec) { c.username = "system:node:n1" })},
		{name: "custom signer", spec: same(customSpec)},
	})
}
