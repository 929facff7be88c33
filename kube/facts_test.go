package kube

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

// The RBAC informers' handlers wake the findings only for changes that can
// change who is as good as cluster-admin.
func TestRBACHandlersPokeOnlyWhenPowerMayChange(t *testing.T) {
	star := rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}
	readPods := rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}
	god := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "god", ResourceVersion: "1"}, Rules: []rbacv1.PolicyRule{star}}
	godLabelled := god.DeepCopy()
	godLabelled.ResourceVersion, godLabelled.Labels = "2", map[string]string{"team": "ops"}
	view := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "view", ResourceVersion: "1"}, Rules: []rbacv1.PolicyRule{readPods}}
	viewGod := view.DeepCopy()
	viewGod.ResourceVersion, viewGod.Rules = "2", []rbacv1.PolicyRule{readPods, star}
	nsGod := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "god"}, Rules: []rbacv1.PolicyRule{star}}

	subjects := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice"}}
	crb := func(name, role string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
		return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}, Subjects: subjects}
	}
	rb := func(ns, name, role string) *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role}, Subjects: subjects}
	}
	toGod := crb("ops", "god", subjects...)
	toGodLabelled := toGod.DeepCopy()
	toGodLabelled.Labels = map[string]string{"a": "b"}
	toGodMore := crb("ops", "god", append(subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "ops"})...)

	clusterRoles := cache.NewStore(cache.MetaNamespaceKeyFunc)
	roles := cache.NewStore(cache.MetaNamespaceKeyFunc)
	for _, obj := range []any{god, view} {
		if err := clusterRoles.Add(obj); err != nil {
			t.Fatal(err)
		}
	}
	if err := roles.Add(nsGod); err != nil {
		t.Fatal(err)
	}
	f := &factSource{}
	f.roleStores.clusterRoles = &fact{store: clusterRoles}
	f.roleStores.roles = &fact{store: roles}

	pokes := 0
	onChange := func() { pokes++ }
	roleEvents := rulesHandler(onChange)
	bindingEvents := f.bindingHandler(onChange)
	for _, step := range []struct {
		name string
		do   func()
		poke bool
	}{
		{"a role with power comes", func() { roleEvents.OnAdd(god, true) }, true},
		{"a role without power comes", func() { roleEvents.OnAdd(view, false) }, false},
		{"a label on a role with power", func() { roleEvents.OnUpdate(god, godLabelled) }, false},
		{"a role gains power", func() { roleEvents.OnUpdate(view, viewGod) }, true},
		{"a role loses power", func() { roleEvents.OnUpdate(viewGod, view) }, true},
		{"a role with power goes, seen late", func() { roleEvents.OnDelete(cache.DeletedFinalStateUnknown{Key: "god", Obj: god}) }, true},
		{"a role without power goes", func() { roleEvents.OnDelete(view) }, false},

		{"a binding to a role with power comes", func() { bindingEvents.OnAdd(toGod, false) }, true},
		{"a binding to a role without power comes", func() { bindingEvents.OnAdd(crb("readers", "view", subjects...), false) }, false},
		{"a binding to no role comes", func() { bindingEvents.OnAdd(crb("dangling", "nothing", subjects...), false) }, false},
		{"a label on a binding", func() { bindingEvents.OnUpdate(toGod, toGodLabelled) }, false},
		{"a binding gains a subject", func() { bindingEvents.OnUpdate(toGod, toGodMore) }, true},
		{"a binding goes, seen late", func() { bindingEvents.OnDelete(cache.DeletedFinalStateUnknown{Key: "ops", Obj: toGod}) }, true},
		{"a RoleBinding to a Role with power", func() { bindingEvents.OnAdd(rb("kube-system", "local", "god"), false) }, true},
		// Roles belong to their namespace: this one binds nothing.
		{"a RoleBinding to another namespace's Role", func() { bindingEvents.OnAdd(rb("team-a", "local", "god"), false) }, false},
	} {
		before := pokes
		step.do()
		if got := pokes > before; got != step.poke {
			t.Errorf("%s: poked %v, want %v", step.name, got, step.poke)
		}
	}

	// While the roles are still being listed, a binding may matter.
	starting := &factSource{}
	pokes = 0
	starting.bindingHandler(onChange).OnAdd(crb("readers", "view", subjects...), true)
	if pokes != 1 {
		t.Error("a binding seen before the roles were listed did not poke")
	}
	// When the roles can't be read, no fact depends on bindings.
	blind := &factSource{}
	blind.roleStores.clusterRoles = &fact{err: "no permission to list clusterroles"}
	pokes = 0
	blind.bindingHandler(onChange).OnAdd(toGod, false)
	if pokes != 0 {
		t.Error("a binding poked though the roles are unknown")
	}
}
