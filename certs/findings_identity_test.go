package certs

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
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

func TestRuleClusterAdmin(t *testing.T) {
	runRuleCases(t, FindingClusterAdmin, []ruleCase{
		{name: "bound group", fire: true, sev: SeverityCritical,
			title: `O "platform-admins" by ClusterRoleBinding platform -> ClusterRole cluster-admin (* on *)`,
			spec:  with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"dev", "platform-admins"} })},
		{name: "bound user", fire: true, sev: SeverityCritical,
			title: `CN "root-alice" by ClusterRoleBinding alice -> ClusterRole cluster-admin (* on *) and 1 more`,
			spec:  with(clientSpec, func(c *csrSpec) { c.req.cn = "root-alice" })},
		{name: "bound service account", fire: true, sev: SeverityCritical,
			title: `CN "system:serviceaccount:ci:deployer" (ServiceAccount ci:deployer) by ClusterRoleBinding ci-deployer`,
			spec:  with(clientSpec, func(c *csrSpec) { c.req.cn = "system:serviceaccount:ci:deployer" })},
		{name: "user and group", fire: true, sev: SeverityCritical,
			title: `CN "root-alice" by ClusterRoleBinding alice -> ClusterRole cluster-admin (* on *) and 1 more; O "platform-admins" by`,
			spec:  with(clientSpec, func(c *csrSpec) { c.req.cn, c.req.orgs = "root-alice", []string{"platform-admins", "platform-admins"} })},
		{name: "everyone is an admin", fire: true, sev: SeverityCritical, title: `group "system:authenticated", which every certificate has, by ClusterRoleBinding oops`,
			facts: func(f *ClusterFacts) {
				f.Admins[RBACSubject{Kind: rbacv1.GroupKind, Name: "system:authenticated"}] = []AdminPath{clusterAdminPath("oops")}
			},
			spec: same(clientSpec)},
		{name: "custom signer", fire: true, sev: SeverityCritical, title: `O "platform-admins"`,
			spec: with(customSpec, func(c *csrSpec) {
				c.usages = []string{"digital signature", "client auth"}
				c.req.orgs = []string{"platform-admins"}
			})},
		{name: "unknown bindings", fire: true, sev: SeverityMedium, title: "can't check whether the CN or O groups hold cluster-admin power: no permission to list clusterroles",
			facts: func(f *ClusterFacts) {
				f.AdminsKnown, f.Admins, f.AdminsErr = false, nil, "no permission to list clusterroles"
			},
			spec: same(clientSpec)},
		{name: "role bindings unread", fire: true, sev: SeverityLow, title: "only ClusterRoleBindings were checked for cluster-admin power: no permission to list rolebindings",
			facts: func(f *ClusterFacts) { f.AdminsErr = "no permission to list rolebindings" },
			spec:  same(clientSpec)},
		{name: "role bindings unread, admin anyway", fire: true, sev: SeverityCritical, title: `O "platform-admins"`,
			facts: func(f *ClusterFacts) { f.AdminsErr = "no permission to list rolebindings" },
			spec:  with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"platform-admins"} })},
		{name: "unbound", spec: same(clientSpec)},
		// A Group subject is not a user, nor a User subject a group.
		{name: "CN names a bound group", spec: with(clientSpec, func(c *csrSpec) { c.req.cn = "platform-admins" })},
		{name: "O names a bound user", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"root-alice"} })},
		// The CN must be the service account's username exactly.
		{name: "other namespace's service account", spec: with(clientSpec, func(c *csrSpec) { c.req.cn = "system:serviceaccount:prod:deployer" })},
		{name: "service account prefix only", spec: with(clientSpec, func(c *csrSpec) { c.req.cn = "system:serviceaccount:ci:deployer:x" })},
		{name: "masters alone has its own rule", spec: with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"system:masters"} })},
		{name: "serving signer", spec: with(servingSpec, func(c *csrSpec) { c.req.orgs = []string{"platform-admins"} })},
	})
}

func TestClusterAdminDetailListsEveryPath(t *testing.T) {
	s := Summarize(with(clientSpec, func(c *csrSpec) { c.req.cn, c.req.orgs = "root-alice", []string{"platform-admins"} })(t).build(t), DefaultPolicy(), goodFacts())
	f := findingByID(s.Findings, FindingClusterAdmin)
	if f == nil {
		t.Fatal("no finding")
	}
	for _, want := range []string{
		"User root-alice: ClusterRoleBinding alice -> ClusterRole cluster-admin (* on *)",
		"User root-alice: ClusterRoleBinding break-glass -> ClusterRole cluster-admin (* on *)",
		"Group platform-admins: ClusterRoleBinding platform -> ClusterRole cluster-admin (* on *)",
	} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, f.Detail)
		}
	}
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
