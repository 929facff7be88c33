package kube

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"sync"

	"github.com/csrtui/csrtui/certs"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"
)

// factSource is what the cluster says about itself for the findings: node
// addresses and who RBAC makes as good as cluster-admin, each from informers
// started when the admin may list and watch what they read.
type factSource struct {
	nodes               fact
	clusterRoles        fact
	clusterRoleBindings fact
	roles               fact
	roleBindings        fact
	apiNames            []string

	// roleStores lets the binding informers' handlers look roles up while the
	// role informers may still be starting.
	roleStores struct {
		sync.Mutex
		clusterRoles, roles *fact // nil until their informer started or failed
	}
}

// fact is one informer's cache, or why there is none.
type fact struct {
	store cache.Store // nil when unknown
	err   string      // why it is unknown
}

// startFacts starts what the admin may read; onChange is called when a fact may
// have changed. It returns once the informers it could start hold their lists.
func (c *Client) startFacts(ctx context.Context, onChange func()) *factSource {
	f := &factSource{}
	var wg sync.WaitGroup
	wg.Go(func() {
		nodes := c.Interface.CoreV1().Nodes()
		f.nodes = c.startFact(ctx, "", "nodes", informerSpec{
			list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return nodes.List(ctx, o)
			},
			watch:     nodes.Watch,
			object:    &corev1.Node{},
			transform: slimNode,
			handler: cache.ResourceEventHandlerFuncs{
				AddFunc: func(any) { onChange() },
				UpdateFunc: func(old, obj any) {
					o, ok1 := old.(*corev1.Node)
					n, ok2 := obj.(*corev1.Node)
					if !ok1 || !ok2 || !slices.Equal(o.Status.Addresses, n.Status.Addresses) {
						onChange()
					}
				},
				DeleteFunc: func(any) { onChange() },
			},
			client: c.Interface,
		})
	})
	wg.Go(func() {
		crs := c.Interface.RbacV1().ClusterRoles()
		cr := c.startFact(ctx, rbacv1.GroupName, "clusterroles", informerSpec{
			list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return crs.List(ctx, o)
			},
			watch:     crs.Watch,
			object:    &rbacv1.ClusterRole{},
			transform: slimClusterRole,
			handler:   rulesHandler(onChange),
			client:    c.Interface,
		})
		f.roleStores.Lock()
		f.clusterRoles, f.roleStores.clusterRoles = cr, &cr
		f.roleStores.Unlock()
	})
	wg.Go(func() {
		roles := c.Interface.RbacV1().Roles(metav1.NamespaceAll)
		r := c.startFact(ctx, rbacv1.GroupName, "roles", informerSpec{
			list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return roles.List(ctx, o)
			},
			watch:     roles.Watch,
			object:    &rbacv1.Role{},
			transform: slimRole,
			handler:   rulesHandler(onChange),
			client:    c.Interface,
		})
		f.roleStores.Lock()
		f.roles, f.roleStores.roles = r, &r
		f.roleStores.Unlock()
	})
	wg.Go(func() {
		crbs := c.Interface.RbacV1().ClusterRoleBindings()
		f.clusterRoleBindings = c.startFact(ctx, rbacv1.GroupName, "clusterrolebindings", informerSpec{
			list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return crbs.List(ctx, o)
			},
			watch:     crbs.Watch,
			object:    &rbacv1.ClusterRoleBinding{},
			transform: slimClusterRoleBinding,
			handler:   f.bindingHandler(onChange),
			client:    c.Interface,
		})
	})
	wg.Go(func() {
		rbs := c.Interface.RbacV1().RoleBindings(metav1.NamespaceAll)
		f.roleBindings = c.startFact(ctx, rbacv1.GroupName, "rolebindings", informerSpec{
			list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return rbs.List(ctx, o)
			},
			watch:     rbs.Watch,
			object:    &rbacv1.RoleBinding{},
			transform: slimRoleBinding,
			handler:   f.bindingHandler(onChange),
			client:    c.Interface,
		})
	})
	wg.Go(func() { f.apiNames = c.apiServerNames(ctx) })
	wg.Wait()
	return f
}

// startFact starts one fact's informer when the admin may list and watch the
// resource; otherwise, or when the list fails, it says why the fact is unknown.
func (c *Client) startFact(ctx context.Context, group, resource string, spec informerSpec) fact {
	for _, verb := range []string{"list", "watch"} {
		ok, err := c.selfAllowed(ctx, authorizationv1.ResourceAttributes{Verb: verb, Group: group, Resource: resource})
		if err != nil {
			return fact{err: factCheckError(resource, err)}
		}
		if !ok {
			return fact{err: factForbidden(verb, resource)}
		}
	}
	ictx, cancel := context.WithCancel(ctx)
	inf, err := startInformer(ictx, spec)
	if err != nil {
		cancel()
		return fact{err: factListError(resource, err)}
	}
	// The informer runs until ctx ends; ictx only exists to stop it on failure.
	context.AfterFunc(ctx, cancel)
	return fact{store: inf.GetStore()}
}

// apiServerNames are the names and addresses that mean "the apiserver" here: the
// in-cluster names, the host csrtui itself connects to, and the kubernetes
// Service's cluster IPs when readable.
func (c *Client) apiServerNames(ctx context.Context) []string {
	names := slices.Clone(certs.WellKnownAPIServerNames)
	if !c.Demo {
		if h := serverHost(c.Server); h != "" {
			names = append(names, h)
		}
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	if svc, err := c.Interface.CoreV1().Services(metav1.NamespaceDefault).Get(ctx, "kubernetes", metav1.GetOptions{}); err == nil {
		names = append(names, svc.Spec.ClusterIPs...)
		if svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != corev1.ClusterIPNone {
			names = append(names, svc.Spec.ClusterIP)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// current is the facts as they stand.
func (f *factSource) current() certs.ClusterFacts {
	cf := certs.ClusterFacts{
		NodesErr:       f.nodes.err,
		AdminsErr:      cmp.Or(f.clusterRoles.err, f.clusterRoleBindings.err),
		APIServerNames: f.apiNames,
	}
	if f.nodes.store != nil {
		cf.NodesKnown = true
		cf.NodeAddresses = make(map[string][]string)
		for _, n := range listOf[*corev1.Node](f.nodes.store) {
			addrs := make([]string, 0, len(n.Status.Addresses))
			for _, a := range n.Status.Addresses {
				addrs = append(addrs, a.Address)
			}
			cf.NodeAddresses[n.Name] = addrs
		}
	}
	if f.clusterRoles.store != nil && f.clusterRoleBindings.store != nil {
		cf.AdminsKnown = true
		objs := certs.RBACObjects{
			ClusterRoles:        listOf[*rbacv1.ClusterRole](f.clusterRoles.store),
			ClusterRoleBindings: listOf[*rbacv1.ClusterRoleBinding](f.clusterRoleBindings.store),
		}
		if f.roles.store != nil && f.roleBindings.store != nil {
			objs.Roles = listOf[*rbacv1.Role](f.roles.store)
			objs.RoleBindings = listOf[*rbacv1.RoleBinding](f.roleBindings.store)
		} else {
			cf.AdminsErr = cmp.Or(f.roleBindings.err, f.roles.err)
		}
		cf.Admins = certs.ClusterAdmins(objs)
	}
	return cf
}

func factsEqual(a, b certs.ClusterFacts) bool { return reflect.DeepEqual(a, b) }

// listOf is what store holds, as T.
func listOf[T any](store cache.Store) []T {
	objs := store.List()
	out := make([]T, 0, len(objs))
	for _, obj := range objs {
		if t, ok := obj.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// rulesHandler pokes onChange when a ClusterRole or Role gains, loses or changes
// the power that makes it as good as cluster-admin: the rules of every other
// role, and everything else about any role, change no finding.
func rulesHandler(onChange func()) cache.ResourceEventHandler {
	power := func(obj any) []string { return certs.AdminPower(rulesOf(obj)) }
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			if len(power(obj)) > 0 {
				onChange()
			}
		},
		UpdateFunc: func(old, obj any) {
			if !slices.Equal(power(old), power(obj)) {
				onChange()
			}
		},
		DeleteFunc: func(obj any) {
			if len(power(obj)) > 0 {
				onChange()
			}
		},
	}
}

// bindingHandler pokes onChange when a ClusterRoleBinding or RoleBinding to a
// role with power comes, goes, or changes its subjects. A binding to a role
// without power changes nothing until the role gains it, and then the role's
// own handler pokes.
func (f *factSource) bindingHandler(onChange func()) cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			if f.grantsPower(obj) {
				onChange()
			}
		},
		UpdateFunc: func(old, obj any) {
			if !sameGrant(old, obj) && (f.grantsPower(old) || f.grantsPower(obj)) {
				onChange()
			}
		},
		DeleteFunc: func(obj any) {
			if f.grantsPower(obj) {
				onChange()
			}
		},
	}
}

// grantsPower reports whether obj, a ClusterRoleBinding or RoleBinding, binds a
// role whose rules have power, or may: while the roles are still being listed,
// it can't tell, and says yes.
func (f *factSource) grantsPower(obj any) bool {
	ns, ref, _, ok := bindingOf(obj)
	if !ok {
		return false
	}
	f.roleStores.Lock()
	roles, key := f.roleStores.clusterRoles, ref.Name
	if ref.Kind == "Role" {
		roles, key = f.roleStores.roles, ns+"/"+ref.Name
	}
	f.roleStores.Unlock()
	switch {
	case roles == nil:
		return true
	case roles.store == nil: // never known: no fact depends on the binding
		return false
	}
	role, exists, err := roles.store.GetByKey(key)
	return err == nil && exists && len(certs.AdminPower(rulesOf(role))) > 0
}

// sameGrant reports whether two versions of a binding grant the same role to
// the same subjects.
func sameGrant(a, b any) bool {
	_, refA, subA, ok1 := bindingOf(a)
	_, refB, subB, ok2 := bindingOf(b)
	return ok1 && ok2 && refA == refB && slices.Equal(subA, subB)
}

// bindingOf unpacks a ClusterRoleBinding or RoleBinding, or the last known state
// of a deleted one.
func bindingOf(obj any) (namespace string, ref rbacv1.RoleRef, subjects []rbacv1.Subject, ok bool) {
	if d, isTombstone := obj.(cache.DeletedFinalStateUnknown); isTombstone {
		obj = d.Obj
	}
	switch b := obj.(type) {
	case *rbacv1.ClusterRoleBinding:
		return "", b.RoleRef, b.Subjects, true
	case *rbacv1.RoleBinding:
		return b.Namespace, b.RoleRef, b.Subjects, true
	}
	return "", rbacv1.RoleRef{}, nil, false
}

// rulesOf is the rules of a ClusterRole or Role, or of the last known state of a
// deleted one.
func rulesOf(obj any) []rbacv1.PolicyRule {
	if d, isTombstone := obj.(cache.DeletedFinalStateUnknown); isTombstone {
		obj = d.Obj
	}
	switch r := obj.(type) {
	case *rbacv1.ClusterRole:
		return r.Rules
	case *rbacv1.Role:
		return r.Rules
	}
	return nil
}

// slimNode keeps only what the findings read of a Node: a big cluster's nodes
// carry images, conditions and labels csrtui has no use for.
func slimNode(obj any) (any, error) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil
	}
	return &corev1.Node{ObjectMeta: slimMeta(n.ObjectMeta), Status: corev1.NodeStatus{Addresses: n.Status.Addresses}}, nil
}

// slimClusterRole keeps a ClusterRole's rules: for an aggregated one, the rules
// its controller copied in, which are what RBAC evaluates. Labels, annotations
// and the aggregation rule itself are not needed.
func slimClusterRole(obj any) (any, error) {
	r, ok := obj.(*rbacv1.ClusterRole)
	if !ok {
		return obj, nil
	}
	return &rbacv1.ClusterRole{ObjectMeta: slimMeta(r.ObjectMeta), Rules: r.Rules}, nil
}

// slimRole keeps a Role's rules.
func slimRole(obj any) (any, error) {
	r, ok := obj.(*rbacv1.Role)
	if !ok {
		return obj, nil
	}
	return &rbacv1.Role{ObjectMeta: slimMeta(r.ObjectMeta), Rules: r.Rules}, nil
}

// slimClusterRoleBinding keeps a ClusterRoleBinding's role and subjects.
func slimClusterRoleBinding(obj any) (any, error) {
	b, ok := obj.(*rbacv1.ClusterRoleBinding)
	if !ok {
		return obj, nil
	}
	return &rbacv1.ClusterRoleBinding{ObjectMeta: slimMeta(b.ObjectMeta), RoleRef: b.RoleRef, Subjects: b.Subjects}, nil
}

// slimRoleBinding keeps a RoleBinding's role and subjects.
func slimRoleBinding(obj any) (any, error) {
	b, ok := obj.(*rbacv1.RoleBinding)
	if !ok {
		return obj, nil
	}
	return &rbacv1.RoleBinding{ObjectMeta: slimMeta(b.ObjectMeta), RoleRef: b.RoleRef, Subjects: b.Subjects}, nil
}

// slimMeta keeps what a cache needs of an object's metadata: its key and version.
func slimMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: m.Namespace, Name: m.Name, UID: m.UID, ResourceVersion: m.ResourceVersion}
}
