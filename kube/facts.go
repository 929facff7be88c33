package kube

import (
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
// addresses and the groups bound to cluster-admin, each from an informer when
// the admin may list and watch them.
type factSource struct {
	nodes    cache.Store // nil when unknown
	nodesErr string
	crbs     cache.Store // nil when unknown
	crbsErr  string
	apiNames []string
}

// startFacts starts what the admin may read; onChange is called when a fact may
// have changed. It returns once the informers it could start hold their lists.
func (c *Client) startFacts(ctx context.Context, onChange func()) *factSource {
	f := &factSource{}
	var wg sync.WaitGroup
	wg.Go(func() {
		nodes := c.Interface.CoreV1().Nodes()
		f.nodes, f.nodesErr = c.startFact(ctx, "", "nodes", informerSpec{
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
		crbs := c.Interface.RbacV1().ClusterRoleBindings()
		f.crbs, f.crbsErr = c.startFact(ctx, rbacv1.GroupName, "clusterrolebindings", informerSpec{
			list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return crbs.List(ctx, o)
			},
			watch:     crbs.Watch,
			object:    &rbacv1.ClusterRoleBinding{},
			transform: slimBinding,
			handler: cache.ResourceEventHandlerFuncs{
				AddFunc: func(obj any) {
					if bindsClusterAdmin(obj) {
						onChange()
					}
				},
				UpdateFunc: func(old, obj any) {
					if (bindsClusterAdmin(old) || bindsClusterAdmin(obj)) && !sameBinding(old, obj) {
						onChange()
					}
				},
				DeleteFunc: func(obj any) {
					if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
						obj = d.Obj
					}
					if bindsClusterAdmin(obj) {
						onChange()
					}
				},
			},
			client: c.Interface,
		})
	})
	wg.Go(func() { f.apiNames = c.apiServerNames(ctx) })
	wg.Wait()
	return f
}

// startFact starts one fact's informer when the admin may list and watch the
// resource; otherwise, or when the list fails, it says why the fact is unknown.
func (c *Client) startFact(ctx context.Context, group, resource string, spec informerSpec) (cache.Store, string) {
	for _, verb := range []string{"list", "watch"} {
		ok, err := c.selfAllowed(ctx, authorizationv1.ResourceAttributes{Verb: verb, Group: group, Resource: resource})
		if err != nil {
			return nil, factCheckError(resource, err)
		}
		if !ok {
			return nil, factForbidden(verb, resource)
		}
	}
	ictx, cancel := context.WithCancel(ctx)
	inf, err := startInformer(ictx, spec)
	if err != nil {
		cancel()
		return nil, factListError(resource, err)
	}
	// The informer runs until ctx ends; ictx only exists to stop it on failure.
	context.AfterFunc(ctx, cancel)
	return inf.GetStore(), ""
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
		NodesErr:       f.nodesErr,
		AdminGroupsErr: f.crbsErr,
		APIServerNames: f.apiNames,
	}
	if f.nodes != nil {
		cf.NodesKnown = true
		cf.NodeAddresses = make(map[string][]string)
		for _, obj := range f.nodes.List() {
			n, ok := obj.(*corev1.Node)
			if !ok {
				continue
			}
			addrs := make([]string, 0, len(n.Status.Addresses))
			for _, a := range n.Status.Addresses {
				addrs = append(addrs, a.Address)
			}
			cf.NodeAddresses[n.Name] = addrs
		}
	}
	if f.crbs != nil {
		cf.AdminGroupsKnown = true
		cf.AdminGroups = make(map[string]bool)
		for _, obj := range f.crbs.List() {
			b, ok := obj.(*rbacv1.ClusterRoleBinding)
			if !ok || !bindsClusterAdmin(b) {
				continue
			}
			for _, s := range b.Subjects {
				if s.Kind == rbacv1.GroupKind {
					cf.AdminGroups[s.Name] = true
				}
			}
		}
	}
	return cf
}

func factsEqual(a, b certs.ClusterFacts) bool { return reflect.DeepEqual(a, b) }

// bindsClusterAdmin reports whether obj is a ClusterRoleBinding to cluster-admin.
func bindsClusterAdmin(obj any) bool {
	b, ok := obj.(*rbacv1.ClusterRoleBinding)
	return ok && b.RoleRef.Kind == "ClusterRole" && b.RoleRef.Name == "cluster-admin"
}

// sameBinding reports whether two ClusterRoleBindings grant the same role to the
// same subjects.
func sameBinding(a, b any) bool {
	x, ok1 := a.(*rbacv1.ClusterRoleBinding)
	y, ok2 := b.(*rbacv1.ClusterRoleBinding)
	return ok1 && ok2 && x.RoleRef == y.RoleRef && slices.Equal(x.Subjects, y.Subjects)
}

// slimNode keeps only what the findings read of a Node: a big cluster's nodes
// carry images, conditions and labels csrtui has no use for.
func slimNode(obj any) (any, error) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: n.Name, UID: n.UID, ResourceVersion: n.ResourceVersion},
		Status:     corev1.NodeStatus{Addresses: n.Status.Addresses},
	}, nil
}

// slimBinding keeps a ClusterRoleBinding's role and subjects.
func slimBinding(obj any) (any, error) {
	b, ok := obj.(*rbacv1.ClusterRoleBinding)
	if !ok {
		return obj, nil
	}
	return &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: b.Name, UID: b.UID, ResourceVersion: b.ResourceVersion},
		RoleRef:    b.RoleRef,
		Subjects:   b.Subjects,
	}, nil
}
