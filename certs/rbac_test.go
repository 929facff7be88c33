package certs

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func rule(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

func list(s ...string) []string { return s }

// clusterAdminRules are the bootstrap cluster-admin ClusterRole's rules
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
var clusterAdminRules = []rbacv1.PolicyRule{
	rule(list("*"), list("*"), list("*")),
	{Verbs: list("*"), NonResourceURLs: list("*")},
}

func TestAdminPower(t *testing.T) {
	const rbac = rbacv1.GroupName
	for _, tc := range []struct {
		name  string
		rules []rbacv1.PolicyRule
		want  []string // AdminPower: granted by a ClusterRoleBinding
		ns    []string // namespacePower: granted by a RoleBinding
	}{
		{name: "cluster-admin", rules: clusterAdminRules, want: list("* on *"), ns: list("* on *")},
		{name: "wildcards among other rules", rules: []rbacv1.PolicyRule{
			rule(list("get"), list(""), list("pods")), rule(list("*"), list("*"), list("*")),
		}, want: list("* on *"), ns: list("* on *")},
		{name: "every verb in the core group", rules: []rbacv1.PolicyRule{rule(list("*"), list(""), list("*"))},
			want: list("impersonate on users, groups, serviceaccounts"), ns: list("impersonate on serviceaccounts")},
		{name: "every verb in the rbac group", rules: []rbacv1.PolicyRule{rule(list("*"), list(rbac), list("*"))},
			want: list("escalate on roles, clusterroles", "bind on roles, clusterroles"), ns: list("escalate on roles", "bind on roles, clusterroles")},
		{name: "every verb on users and groups", rules: []rbacv1.PolicyRule{rule(list("*"), list(""), list("users", "groups"))},
			want: list("impersonate on users, groups")},
		{name: "escalate in every group", rules: []rbacv1.PolicyRule{rule(list("escalate"), list("*"), list("*"))},
			want: list("escalate on roles, clusterroles"), ns: list("escalate on roles")},
		{name: "escalate and bind together", rules: []rbacv1.PolicyRule{
			rule(list("get", "escalate", "bind"), list(rbac), list("clusterroles")),
		}, want: list("escalate on clusterroles", "bind on clusterroles"), ns: list("bind on clusterroles")},
		{name: "aggregation controller", rules: []rbacv1.PolicyRule{
			rule(list("escalate", "get", "list", "watch", "update", "patch"), list(rbac), list("clusterroles")),
		}, want: list("escalate on clusterroles")},
		{name: "bind roles", rules: []rbacv1.PolicyRule{rule(list("bind"), list(rbac), list("roles"))},
			want: list("bind on roles"), ns: list("bind on roles")},
		{name: "impersonate service accounts (edit)", rules: []rbacv1.PolicyRule{rule(list("impersonate"), list(""), list("serviceaccounts"))},
			want: list("impersonate on serviceaccounts"), ns: list("impersonate on serviceaccounts")},
		{name: "impersonate users", rules: []rbacv1.PolicyRule{rule(list("impersonate"), list(""), list("users"))},
			want: list("impersonate on users")},

		// Not power over the cluster.
		{name: "no rules"},
		{name: "limited by resourceNames", rules: []rbacv1.PolicyRule{rule(list("*"), list("*"), list("*"), "one")}},
		{name: "bind limited to one role", rules: []rbacv1.PolicyRule{rule(list("bind"), list(rbac), list("clusterroles"), "view")}},
		{name: "impersonate limited to one user", rules: []rbacv1.PolicyRule{rule(list("impersonate"), list(""), list("users"), "bob")}},
		{name: "bind in the wrong group", rules: []rbacv1.PolicyRule{rule(list("bind"), list(""), list("clusterroles"))}},
		{name: "impersonate in the wrong group", rules: []rbacv1.PolicyRule{rule(list("impersonate"), list(rbac), list("users"))}},
		{name: "a subresource of everything", rules: []rbacv1.PolicyRule{rule(list("*"), list("*"), list("*/scale"))}},
		{name: "verbs match exactly", rules: []rbacv1.PolicyRule{rule(list("Escalate", "BIND"), list(rbac), list("clusterroles"))}},
		{name: "a resource prefix is not a wildcard", rules: []rbacv1.PolicyRule{rule(list("*"), list(rbac), list("cluster*"))}},
		{name: "non-resource URLs only", rules: []rbacv1.PolicyRule{{Verbs: list("*"), NonResourceURLs: list("*")}}},
		{name: "user extras only", rules: []rbacv1.PolicyRule{rule(list("impersonate"), list("authentication.k8s.io"), list("userextras/scopes", "uids"))}},
		// Constrained impersonation reaches only what impersonate-on rules also grant.
		{name: "constrained impersonation", rules: []rbacv1.PolicyRule{rule(list("impersonate:user-info"), list(""), list("users", "groups"))}},
		// Every ordinary verb, spelled out: broad, but none of escalate, bind or
		// impersonate, and not "*". The capability answers show such access.
		{name: "every ordinary verb", rules: []rbacv1.PolicyRule{
			rule(list("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"), list("*"), list("*")),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AdminPower(tc.rules); !slices.Equal(got, tc.want) {
				t.Errorf("AdminPower = %q, want %q", got, tc.want)
			}
			if got := namespacePower(tc.rules); !slices.Equal(got, tc.ns) {
				t.Errorf("namespacePower = %q, want %q", got, tc.ns)
			}
		})
	}
}

func clusterRole(name string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
}

func role(ns, name string, rules ...rbacv1.PolicyRule) *rbacv1.Role {
	return &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
}

func crb(name, roleName string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: roleName}, Subjects: subjects}
}

func rb(ns, name, kind, roleName string, subjects ...rbacv1.Subject) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: roleName}, Subjects: subjects}
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

func groupSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: name}
}

func saSubject(ns, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}

func TestClusterAdmins(t *testing.T) {
	star := rule(list("*"), list("*"), list("*"))
	impersonateSAs := rule(list("impersonate"), list(""), list("serviceaccounts"))
	objs := RBACObjects{
		ClusterRoles: []*rbacv1.ClusterRole{
			clusterRole("cluster-admin", clusterAdminRules...),
			clusterRole("god", star),
			// Aggregated: the controller copied the rules of the roles it selects.
			{ObjectMeta: metav1.ObjectMeta{Name: "platform-admin"},
				AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"platform": "true"}}}},
				Rules:           []rbacv1.PolicyRule{rule(list("get"), list(""), list("pods")), star}},
			// The name says admin, the rules don't.
			clusterRole("admin-in-name-only", rule(list("get", "list"), list(""), list("pods"))),
			clusterRole("ns-edit", impersonateSAs, rule(list("create"), list(""), list("pods"))),
			clusterRole("user-impersonator", rule(list("impersonate"), list(""), list("users", "groups"))),
			clusterRole("one-name", rule(list("*"), list("*"), list("*"), "just-this")),
		},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{
			crb("alice-root", "cluster-admin", userSubject("alice")),
			crb("ops", "god", groupSubject("ops"), groupSubject("ops")),
			crb("platform", "platform-admin", groupSubject("platform")),
			crb("deployer", "cluster-admin", saSubject("ci", "deployer")),
			crb("fake-admins", "admin-in-name-only", groupSubject("fake")),
			crb("dangling", "no-such-role", userSubject("ghost")),
			crb("narrow", "one-name", userSubject("narrow")),
			crb("sudo", "user-impersonator", userSubject("sudoer")),
			// ClusterRoleBindings can only name ClusterRoles.
			{ObjectMeta: metav1.ObjectMeta{Name: "bad-kind"}, RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "god"}, Subjects: []rbacv1.Subject{userSubject("bad")}},
		},
		Roles: []*rbacv1.Role{
			role("kube-system", "god", star),
			role("team-a", "god", star),
			role("ci", "impersonator", impersonateSAs),
		},
		RoleBindings: []*rbacv1.RoleBinding{
			// kube-system: namespace power is cluster-admin.
			rb("kube-system", "ks-admin", "Role", "god", userSubject("kate")),
			// kube-system, but the role's power only works cluster-wide.
			rb("kube-system", "ks-sudo", "ClusterRole", "user-impersonator", userSubject("sam")),
			// team-a holds no admin service account: namespace admin only.
			rb("team-a", "lead", "Role", "god", userSubject("tom")),
			// ci holds ci:deployer: acting as it is cluster-admin; the subject
			// without a namespace is ci's own service account.
			rb("ci", "leads", "ClusterRole", "ns-edit", userSubject("cora"), rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "builder"}),
			// ...which makes build's bot an admin through ci, and build's
			// RoleBinding then counts too (a second round).
			rb("ci", "bots", "Role", "impersonator", saSubject("build", "bot")),
			rb("build", "people", "ClusterRole", "god", groupSubject("builders")),
			// A Role of another namespace can't be bound.
			rb("team-a", "borrow", "Role", "impersonator", userSubject("borrower")),
		},
	}
	crbPath := func(binding, role string, power ...string) AdminPath {
		return AdminPath{BindingKind: "ClusterRoleBinding", BindingName: binding, RoleKind: "ClusterRole", RoleName: role, Power: power}
	}
	rbPath := func(ns, binding, kind, role string, through RBACSubject, power ...string) AdminPath {
		return AdminPath{BindingKind: "RoleBinding", BindingNamespace: ns, BindingName: binding, RoleKind: kind, RoleName: role, Power: power, Through: through}
	}
	deployer := RBACSubject{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "deployer"}
	bot := RBACSubject{Kind: rbacv1.ServiceAccountKind, Namespace: "build", Name: "bot"}
	want := map[RBACSubject][]AdminPath{
		{Kind: rbacv1.UserKind, Name: "alice"}:     {crbPath("alice-root", "cluster-admin", "* on *")},
		{Kind: rbacv1.GroupKind, Name: "ops"}:      {crbPath("ops", "god", "* on *")},
		{Kind: rbacv1.GroupKind, Name: "platform"}: {crbPath("platform", "platform-admin", "* on *")},
		deployer:                                {crbPath("deployer", "cluster-admin", "* on *")},
		{Kind: rbacv1.UserKind, Name: "sudoer"}: {crbPath("sudo", "user-impersonator", "impersonate on users, groups")},
		{Kind: rbacv1.UserKind, Name: "kate"}:   {rbPath("kube-system", "ks-admin", "Role", "god", RBACSubject{}, "* on *")},
		{Kind: rbacv1.UserKind, Name: "cora"}:   {rbPath("ci", "leads", "ClusterRole", "ns-edit", deployer, "impersonate on serviceaccounts")},
		{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "builder"}: {rbPath("ci", "leads", "ClusterRole", "ns-edit", deployer, "impersonate on serviceaccounts")},
		bot: {rbPath("ci", "bots", "Role", "impersonator", deployer, "impersonate on serviceaccounts")},
		{Kind: rbacv1.GroupKind, Name: "builders"}: {rbPath("build", "people", "ClusterRole", "god", bot, "* on *")},
	}
	got := ClusterAdmins(objs)
	if !reflect.DeepEqual(got, want) {
		for k, v := range got {
			t.Logf("got  %s: %v", k, v)
		}
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s: got %v, want %v", k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s is indexed and should not be", k)
			}
		}
	}

	// The answer doesn't depend on the order the informers list objects in.
	for i := range 20 {
		r := rand.New(rand.NewPCG(uint64(i), 1))
		shuffled := RBACObjects{
			ClusterRoles:        shuffle(r, objs.ClusterRoles),
			ClusterRoleBindings: shuffle(r, objs.ClusterRoleBindings),
			Roles:               shuffle(r, objs.Roles),
			RoleBindings:        shuffle(r, objs.RoleBindings),
		}
		if again := ClusterAdmins(shuffled); !reflect.DeepEqual(again, got) {
			t.Fatalf("another order gives another index:\n%v\n%v", again, got)
		}
	}

	// Without Roles and RoleBindings, ClusterRoleBindings alone still count.
	clusterOnly := ClusterAdmins(RBACObjects{ClusterRoles: objs.ClusterRoles, ClusterRoleBindings: objs.ClusterRoleBindings})
	if len(clusterOnly) != 5 || clusterOnly[deployer] == nil || clusterOnly[RBACSubject{Kind: rbacv1.UserKind, Name: "kate"}] != nil {
		t.Errorf("ClusterRoleBindings only: %v", clusterOnly)
	}
}

func shuffle[T any](r *rand.Rand, s []T) []T {
	s = slices.Clone(s)
	r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

func TestClusterAdminsPathsAreSortedAndUnique(t *testing.T) {
	got := ClusterAdmins(RBACObjects{
		ClusterRoles: []*rbacv1.ClusterRole{clusterRole("cluster-admin", clusterAdminRules...)},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{
			crb("z-binding", "cluster-admin", userSubject("alice")),
			crb("a-binding", "cluster-admin", userSubject("alice"), userSubject("alice")),
		},
		RoleBindings: []*rbacv1.RoleBinding{rb("kube-system", "local", "ClusterRole", "cluster-admin", userSubject("alice"))},
	})
	var paths []string
	for _, p := range got[RBACSubject{Kind: rbacv1.UserKind, Name: "alice"}] {
		paths = append(paths, p.String())
	}
	want := []string{
		"ClusterRoleBinding a-binding -> ClusterRole cluster-admin (* on *)",
		"ClusterRoleBinding z-binding -> ClusterRole cluster-admin (* on *)",
		"RoleBinding kube-system/local -> ClusterRole cluster-admin (* on * in kube-system)",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}

func TestAdminPathString(t *testing.T) {
	p := AdminPath{BindingKind: "RoleBinding", BindingNamespace: "ci", BindingName: "leads", RoleKind: "ClusterRole", RoleName: "edit",
		Power: list("impersonate on serviceaccounts"), Through: RBACSubject{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "deployer"}}
	if got, want := p.String(), "RoleBinding ci/leads -> ClusterRole edit (impersonate on serviceaccounts in ci, as ServiceAccount ci:deployer)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestServiceAccountUser(t *testing.T) {
	for _, tc := range []struct {
		username string
		want     RBACSubject
		ok       bool
	}{
		{"system:serviceaccount:ci:deployer", RBACSubject{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "deployer"}, true},
		// A name can't hold a colon: whatever comes before the last one is the namespace.
		{"system:serviceaccount:a:b:c", RBACSubject{Kind: rbacv1.ServiceAccountKind, Namespace: "a:b", Name: "c"}, true},
		{"system:serviceaccount:ci:", RBACSubject{}, false},
		{"system:serviceaccount::deployer", RBACSubject{}, false},
		{"system:serviceaccount:ci", RBACSubject{}, false},
		{"system:serviceaccounts:ci", RBACSubject{}, false},
		{"deployer", RBACSubject{}, false},
	} {
		got, ok := serviceAccountUser(tc.username)
		if got != tc.want || ok != tc.ok {
			t.Errorf("serviceAccountUser(%q) = %v, %v; want %v, %v", tc.username, got, ok, tc.want, tc.ok)
		}
	}
}
