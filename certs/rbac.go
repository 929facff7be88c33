package certs

import (
	"cmp"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	rbacvalidation "k8s.io/component-helpers/auth/rbac/validation"
)

// What makes an RBAC role as good as cluster-admin, and who holds such a role.
//
// How RBAC matches: a request is allowed when one rule matches its verb, API
// group, resource (or resource/subresource) and object name, where "*" in verbs,
// apiGroups or resources matches anything, "*/sub" matches that subresource of
// any resource, and a rule with resourceNames matches only requests that name one
// of them (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows,
// pkg/apis/rbac/v1/evaluation_helpers.go). Nothing in RBAC denies, so any one
// rule is enough.
//
// A rule limited by resourceNames never counts here. It never matches list,
// watch or create, which name no object, and reaches only the objects it names:
// that's power over those objects, not over the cluster. A name-limited bind or
// impersonate rule can still lead to cluster-admin if the role or user it names
// is an admin. That is a second hop, and this check does not follow it.

// A power is one way a role's rules lead to cluster-admin: holding verb on
// resource in group, in the words of the RBAC good practices doc
// (https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks):
//   - escalate: create or update roles with rules the holder lacks, then use
//     them; the apiserver's check that a role grants nothing its author lacks is
//     skipped (pkg/registry/rbac/escalation_check.go RoleEscalationAuthorized);
//   - bind: bind any role, cluster-admin included, without holding its rules
//     (pkg/registry/rbac/escalation_check.go BindingAuthorized);
//   - impersonate: act as any user, any group (system:masters included) or any
//     service account (k8s.io/apiserver/pkg/endpoints/filters/impersonation).
//
// escalate and bind count on their own, as the doc and the CIS benchmark count
// them: the create or update on (cluster)roles or (cluster)rolebindings they
// need to be used is common (the admin ClusterRole grants it in a namespace)
// and may come from another binding. The constrained impersonation verbs
// (impersonate:user-info, impersonate-on:..., beta since 1.36) only reach the
// actions also granted by impersonate-on rules, so they don't count.
//
// inNamespace: the power also works when a RoleBinding grants it. A
// RoleBinding's rules only ever match requests in its own namespace
// (pkg/registry/rbac/validation/rule.go VisitRulesFor), so they never reach
// clusterroles, users or groups, which are cluster-scoped. Binding a
// ClusterRole in a RoleBinding is checked in the binding's namespace, so bind
// on clusterroles does count there.
var powers = []struct {
	verb, group, resource string
	inNamespace           bool
}{
	{"escalate", rbacv1.GroupName, "roles", true},
	{"escalate", rbacv1.GroupName, "clusterroles", false},
	{"bind", rbacv1.GroupName, "roles", true},
	{"bind", rbacv1.GroupName, "clusterroles", true},
	{"impersonate", "", "users", false},
	{"impersonate", "", "groups", false},
	{"impersonate", "", "serviceaccounts", true},
}

// DoEverything is the power of a rule with "*" verbs on "*" resources in "*"
// API groups: every request on every object, including the ones above.
// nonResourceURLs are not needed for it: they reach no object, only paths such
// as /healthz, /metrics and /version.
const DoEverything = "* on *"

// AdminPower says why rules, granted cluster-wide by a ClusterRoleBinding, give
// power equal to cluster-admin's: DoEverything, or which of escalate, bind and
// impersonate they allow on what, e.g. "bind on roles, clusterroles". It
// returns nil when they give no such power. It judges the rules, never the
// role's name: an aggregated ClusterRole holds the rules its aggregation
// controller copied into it, and a role called cluster-admin whose rules were
// emptied grants nothing.
func AdminPower(rules []rbacv1.PolicyRule) []string { return power(rules, false) }

// namespacePower is AdminPower for rules a RoleBinding grants: power inside
// that namespace only.
func namespacePower(rules []rbacv1.PolicyRule) []string { return power(rules, true) }

func power(rules []rbacv1.PolicyRule, inNamespace bool) []string {
	if allows(rules, "*", "*", "*") {
		return []string{DoEverything}
	}
	var out []string
	for _, verb := range []string{"escalate", "bind", "impersonate"} {
		var on []string
		for _, p := range powers {
			if p.verb == verb && (p.inNamespace || !inNamespace) && allows(rules, p.verb, p.group, p.resource) {
				on = append(on, p.resource)
			}
		}
		if len(on) > 0 {
			out = append(out, verb+" on "+strings.Join(on, ", "))
		}
	}
	return out
}

// allows reports whether one of rules allows verb on every object of resource
// in group. It uses the comparison the apiserver itself makes to refuse a role
// that grants more than its author holds (k8s.io/component-helpers/auth/rbac/
// validation Covers, called by pkg/registry/rbac/validation ConfirmNoEscalation):
// the same "*" and "*/sub" matching as the authorizer, and a rule with
// resourceNames never covers a request that names no object.
func allows(rules []rbacv1.PolicyRule, verb, group, resource string) bool {
	ok, _ := rbacvalidation.Covers(rules, []rbacv1.PolicyRule{{Verbs: []string{verb}, APIGroups: []string{group}, Resources: []string{resource}}})
	return ok
}

// RBACSubject is a user, group or service account as RoleBindings and
// ClusterRoleBindings name them.
type RBACSubject struct {
	Kind      string // rbacv1.UserKind, rbacv1.GroupKind or rbacv1.ServiceAccountKind
	Namespace string // service accounts only
	Name      string
}

// String names the subject as an admin reads it: `User alice`, `Group ops`,
// `ServiceAccount ci:deployer`. Names are raw.
func (s RBACSubject) String() string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return s.Kind + " " + s.Namespace + ":" + s.Name
	}
	return s.Kind + " " + s.Name
}

// AdminPath is one way a subject holds power equal to cluster-admin's: a
// binding, the role it grants, and what in that role's rules makes it so.
type AdminPath struct {
	BindingKind      string // "ClusterRoleBinding" or "RoleBinding"
	BindingNamespace string // RoleBindings: the one namespace their power holds in
	BindingName      string
	RoleKind         string // "ClusterRole", or "Role" in the RoleBinding's namespace
	RoleName         string
	// Power is what the role's rules allow that makes it so: DoEverything,
	// "bind on clusterroles", ...
	Power []string
	// Through is, for a RoleBinding outside kube-system, the service account
	// of that namespace whose cluster-admin power the binding reaches; the zero
	// value otherwise.
	Through RBACSubject
}

// String says the path in one line, e.g.
// `ClusterRoleBinding ops -> ClusterRole god (* on *)` or
// `RoleBinding ci/leads -> ClusterRole edit (impersonate on serviceaccounts in ci, as ServiceAccount ci:deployer)`.
func (p AdminPath) String() string {
	var b strings.Builder
	b.WriteString(p.BindingKind + " ")
	if p.BindingNamespace != "" {
		b.WriteString(p.BindingNamespace + "/")
	}
	b.WriteString(p.BindingName + " -> " + p.RoleKind + " " + p.RoleName + " (" + strings.Join(p.Power, ", "))
	if p.BindingNamespace != "" {
		b.WriteString(" in " + p.BindingNamespace)
	}
	if p.Through != (RBACSubject{}) {
		b.WriteString(", as " + p.Through.String())
	}
	b.WriteString(")")
	return b.String()
}

// RBACObjects are the cluster's RBAC objects ClusterAdmins reads. Roles and
// RoleBindings may be nil when they could not be read.
type RBACObjects struct {
	ClusterRoles        []*rbacv1.ClusterRole
	ClusterRoleBindings []*rbacv1.ClusterRoleBinding
	Roles               []*rbacv1.Role
	RoleBindings        []*rbacv1.RoleBinding
}

// ClusterAdmins indexes the users, groups and service accounts that RBAC gives
// power equal to cluster-admin's, each with every path that grants it, sorted.
//
// A ClusterRoleBinding counts when its ClusterRole's rules have AdminPower. A
// RoleBinding grants power in its own namespace only: namespace admin is not
// cluster-admin, and a cluster full of namespace admins is normal. It counts
// when its role has that power inside the namespace (namespacePower) and the
// namespace is one where such power reaches cluster-admin anyway:
//   - kube-system, where the control plane's own service accounts live (with
//     kube-controller-manager --use-service-account-credentials, one per
//     controller, such as clusterrole-aggregation-controller, which may
//     escalate on clusterroles: plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
//     controller_policy.go), and which clusters exempt from Pod Security so that
//     its components can run privileged on control-plane nodes;
//   - any namespace holding a service account that is itself in the index:
//     whoever may impersonate, escalate or bind there can act as that service
//     account, which is what the RBAC good practices doc warns about for
//     workloads ("granting permission to create workloads also implicitly grants
//     the API access levels of any service account in that namespace").
//
// The second rule feeds on itself (a RoleBinding can make another namespace's
// service account an admin), so it runs in rounds until nothing changes.
//
// A ServiceAccount subject without a namespace means the RoleBinding's own
// namespace, as the authorizer reads it (pkg/registry/rbac/validation/rule.go
// appliesToUser). Bindings to roles that don't exist grant nothing.
func ClusterAdmins(o RBACObjects) map[RBACSubject][]AdminPath {
	clusterRules := make(map[string][]rbacv1.PolicyRule, len(o.ClusterRoles))
	for _, r := range o.ClusterRoles {
		clusterRules[r.Name] = r.Rules
	}
	idx := make(map[RBACSubject][]AdminPath)
	add := func(subjects []rbacv1.Subject, namespace string, p AdminPath) {
		for _, s := range subjects {
			if k, ok := subjectKey(s, namespace); ok {
				idx[k] = append(idx[k], p)
			}
		}
	}

	clusterPower := make(map[string][]string) // memo by ClusterRole name
	for _, b := range o.ClusterRoleBindings {
		rules, ok := clusterRules[b.RoleRef.Name]
		if b.RoleRef.Kind != "ClusterRole" || !ok {
			continue
		}
		pw, seen := clusterPower[b.RoleRef.Name]
		if !seen {
			pw = AdminPower(rules)
			clusterPower[b.RoleRef.Name] = pw
		}
		if len(pw) > 0 {
			add(b.Subjects, "", AdminPath{BindingKind: "ClusterRoleBinding", BindingName: b.Name,
				RoleKind: "ClusterRole", RoleName: b.RoleRef.Name, Power: pw})
		}
	}

	// RoleBindings whose role has power in their namespace, waiting for that
	// namespace to be one where it reaches cluster-admin.
	type candidate struct {
		b  *rbacv1.RoleBinding
		pw []string
	}
	roleRules := make(map[[2]string][]rbacv1.PolicyRule, len(o.Roles))
	for _, r := range o.Roles {
		roleRules[[2]string{r.Namespace, r.Name}] = r.Rules
	}
	nsPower := make(map[[3]string][]string) // memo by role kind, namespace and name
	var pending []candidate
	for _, b := range o.RoleBindings {
		key := [3]string{b.RoleRef.Kind, "", b.RoleRef.Name}
		var rules []rbacv1.PolicyRule
		var ok bool
		switch b.RoleRef.Kind {
		case "ClusterRole":
			rules, ok = clusterRules[b.RoleRef.Name]
		case "Role":
			key[1] = b.Namespace
			rules, ok = roleRules[[2]string{b.Namespace, b.RoleRef.Name}]
		}
		if !ok {
			continue
		}
		pw, seen := nsPower[key]
		if !seen {
			pw = namespacePower(rules)
			nsPower[key] = pw
		}
		if len(pw) > 0 {
			pending = append(pending, candidate{b, pw})
		}
	}
	for len(pending) > 0 {
		// Each round sees the index as the last one left it, so a path's
		// Through never depends on the order bindings are listed in.
		reach := adminNamespaces(idx)
		rest := pending[:0]
		for _, c := range pending {
			through, ok := reach[c.b.Namespace]
			if !ok {
				rest = append(rest, c)
				continue
			}
			add(c.b.Subjects, c.b.Namespace, AdminPath{BindingKind: "RoleBinding", BindingNamespace: c.b.Namespace,
				BindingName: c.b.Name, RoleKind: c.b.RoleRef.Kind, RoleName: c.b.RoleRef.Name, Power: c.pw, Through: through})
		}
		if len(rest) == len(pending) {
			break
		}
		pending = rest
	}

	for k, ps := range idx {
		slices.SortFunc(ps, compareAdminPaths)
		idx[k] = slices.CompactFunc(ps, func(a, b AdminPath) bool { return compareAdminPaths(a, b) == 0 })
	}
	return idx
}

// adminNamespaces are the namespaces where power inside the namespace reaches
// cluster-admin, each with the service account it goes through: kube-system
// (through nobody in particular), and every namespace holding a service account
// in idx (through the first of them by name).
func adminNamespaces(idx map[RBACSubject][]AdminPath) map[string]RBACSubject {
	reach := map[string]RBACSubject{"kube-system": {}}
	for s := range idx {
		if s.Kind != rbacv1.ServiceAccountKind || s.Namespace == "kube-system" {
			continue
		}
		if t, ok := reach[s.Namespace]; !ok || s.Name < t.Name {
			reach[s.Namespace] = s
		}
	}
	return reach
}

// subjectKey is the index key of a binding's subject; namespace is the
// RoleBinding's, "" for a ClusterRoleBinding.
func subjectKey(s rbacv1.Subject, namespace string) (RBACSubject, bool) {
	switch s.Kind {
	case rbacv1.UserKind, rbacv1.GroupKind:
		return RBACSubject{Kind: s.Kind, Name: s.Name}, true
	case rbacv1.ServiceAccountKind:
		ns := cmp.Or(s.Namespace, namespace)
		return RBACSubject{Kind: s.Kind, Namespace: ns, Name: s.Name}, ns != ""
	}
	return RBACSubject{}, false
}

func compareAdminPaths(a, b AdminPath) int {
	return cmp.Or(
		strings.Compare(a.BindingKind, b.BindingKind),
		strings.Compare(a.BindingNamespace, b.BindingNamespace),
		strings.Compare(a.BindingName, b.BindingName),
		strings.Compare(a.RoleKind, b.RoleKind),
		strings.Compare(a.RoleName, b.RoleName),
		slices.Compare(a.Power, b.Power),
		strings.Compare(a.Through.String(), b.Through.String()),
	)
}

// serviceAccountUser splits a username of the form
// system:serviceaccount:<namespace>:<name>, which RBAC matches against
// ServiceAccount subjects (k8s.io/apiserver/pkg/authentication/serviceaccount
// MatchesUsername). A service account's name can't hold a colon, so the last
// one ends the namespace.
func serviceAccountUser(username string) (RBACSubject, bool) {
	rest, ok := strings.CutPrefix(username, "system:serviceaccount:")
	i := strings.LastIndexByte(rest, ':')
	if !ok || i <= 0 || i == len(rest)-1 {
		return RBACSubject{}, false
	}
	return RBACSubject{Kind: rbacv1.ServiceAccountKind, Namespace: rest[:i], Name: rest[i+1:]}, true
}
