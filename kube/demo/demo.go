// Package demo is an in-process cluster for trying csrtui without one. It lives
// apart from kube so that the code talking to real clusters neither reads nor
// links client-go's fake clientset.
package demo

import (
	"context"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/csrtui/csrtui/kube"
)

// Start starts an in-process cluster for trying csrtui without one: client-go's
// fake clientset made to behave like an apiserver where csrtui looks (resource
// versions, UIDs, conflicts, the approval and status subresources), an in-memory
// CA with a signer that issues certificates for approved requests of the built-in
// signers, a kubelet-client auto-approver, two nodes, RBAC bindings, and
// requesters that submit realistic (and some risky) requests every few seconds.
//
// Access reviews are simulated: SelfSubjectAccessReviews always allow (the demo
// admin is in system:masters), and SubjectAccessReviews are answered by matching
// the demo's own ClusterRoleBindings and ClusterRoles, so the capability table
// shows plausible answers. Everything stops when ctx is done.
func Start(ctx context.Context) (*kube.Client, error) {
	d, err := startDemo(ctx, 3*time.Second, 40)
	if err != nil {
		return nil, err
	}
	return d.client(), nil
}

// StartStill starts the demo as Start does, but standing still, so that two runs
// show the same screens: its clock stays at at, the names it makes up come from a
// fixed seed, and of the requests that arrive later only the first one does, at
// once. The console must be given the same clock. The README's pictures are taken
// of it (hack/screenshots.sh).
func StartStill(ctx context.Context, at time.Time) (*kube.Client, error) {
	d, err := start(ctx, setup{interval: time.Millisecond, limit: 1, clock: func() time.Time { return at }, names: seededNames(1)})
	if err != nil {
		return nil, err
	}
	return d.client(), nil
}

// demo is the in-process cluster.
type demo struct {
	cs    *fake.Clientset
	ca    *demoCA
	rv    atomic.Int64
	now   func() time.Time
	names func(n int) string // n random letters and digits, for generated names and UIDs
}

// setup is how a demo runs.
type setup struct {
	interval time.Duration // between two requests that arrive later
	limit    int           // how many arrive, in all
	clock    func() time.Time
	names    func(n int) string
}

// startDemo builds the demo cluster and starts its controllers. Requesters submit
// one request every interval, up to limit in all.
func startDemo(ctx context.Context, interval time.Duration, limit int) (*demo, error) {
	return start(ctx, setup{interval: interval, limit: limit, clock: time.Now, names: rand.String})
}

func start(ctx context.Context, s setup) (*demo, error) {
	now := s.clock()
	ca, err := newDemoCA(now)
	if err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	d := &demo{ca: ca, now: s.clock, names: s.names}
	d.rv.Store(1000)

	objects, err := d.initialObjects(now)
	if err != nil {
		return nil, fmt.Errorf("demo objects: %w", err)
	}
	d.cs = fake.NewClientset(objects...)
	// Reactors run in the reverse order they are prepended: the access
	// reviews answer first, then the stamping, then the fake's object tracker.
	d.cs.PrependReactor("create", "*", d.onCreate)
	d.cs.PrependReactor("update", "*", d.onUpdate)
	d.cs.PrependReactor("delete", "*", d.onDelete)
	d.cs.PrependReactor("create", "selfsubjectaccessreviews", d.onSelfAccessReview)
	d.cs.PrependReactor("create", "subjectaccessreviews", d.onAccessReview)
	d.cs.PrependReactor("create", "selfsubjectreviews", onSelfReview)

	if err := d.runSigner(ctx); err != nil {
		return nil, err
	}
	go d.runRequesters(ctx, s.interval, s.limit)
	return d, nil
}

// client is a kube client of the demo, named for the header.
func (d *demo) client() *kube.Client {
	c := kube.NewClient(d.cs)
	c.Context, c.Server, c.User, c.Demo = "demo", "in-process", demoAdmin, true
	return c
}

func (d *demo) nextRV() string { return strconv.FormatInt(d.rv.Add(1), 10) }

// stamp gives a new object what the apiserver would: a UID, a resource version,
// a creation time and a name from generateName.
func (d *demo) stamp(obj runtime.Object, created time.Time) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	if m.GetName() == "" && m.GetGenerateName() != "" {
		m.SetName(m.GetGenerateName() + d.names(5))
	}
	m.SetUID(uuid.NewUUID())
	m.SetResourceVersion(d.nextRV())
	if ts := m.GetCreationTimestamp(); ts.IsZero() {
		m.SetCreationTimestamp(metav1.NewTime(created))
	}
}

// onCreate stamps the object, then lets the tracker store it. The object in the
// action is the fake's own copy, so it may be changed here. A CSR the demo
// admin creates (no requester set, as the apiserver fills it in) is theirs;
// a dry run answers the object as it would be stored, and stores nothing.
func (d *demo) onCreate(action k8stesting.Action) (bool, runtime.Object, error) {
	a, ok := action.(k8stesting.CreateActionImpl)
	if !ok || a.GetSubresource() != "" {
		return false, nil, nil
	}
	if csr, ok := a.GetObject().(*certificatesv1.CertificateSigningRequest); ok && csr.Spec.Username == "" {
		csr.Spec.Username = demoAdmin
		csr.Spec.Groups = []string{"system:masters", "system:authenticated"}
	}
	d.stamp(a.GetObject(), d.now())
	if slices.Contains(a.GetCreateOptions().DryRun, metav1.DryRunAll) {
		m, err := meta.Accessor(a.GetObject())
		if err != nil {
			return true, nil, err
		}
		if _, err := d.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), m.GetName()); err == nil {
			return true, nil, apierrors.NewAlreadyExists(a.GetResource().GroupResource(), m.GetName())
		}
		return true, a.GetObject(), nil
	}
	return false, nil, nil
}

// demoAdmin is who the console is in the demo.
const demoAdmin = "demo-admin"

// onUpdate refuses stale writes with a conflict, as the apiserver does, keeps
// what a subresource may not change, and gives the object a new resource version.
func (d *demo) onUpdate(action k8stesting.Action) (bool, runtime.Object, error) {
	a, ok := action.(k8stesting.UpdateActionImpl)
	if !ok {
		return false, nil, nil
	}
	obj := a.GetObject()
	m, err := meta.Accessor(obj)
	if err != nil {
		return false, nil, nil
	}
	gvr := a.GetResource()
	stored, err := d.cs.Tracker().Get(gvr, a.GetNamespace(), m.GetName())
	if err != nil {
		return false, nil, nil // the tracker answers NotFound
	}
	sm, err := meta.Accessor(stored)
	if err != nil {
		return false, nil, nil
	}
	if rv := m.GetResourceVersion(); rv != "" && rv != sm.GetResourceVersion() {
		return true, nil, apierrors.NewConflict(gvr.GroupResource(), m.GetName(),
			errors.New("the object has been modified; please apply your changes to the latest version and try again"))
	}
	in, ok := obj.(*certificatesv1.CertificateSigningRequest)
	if old, ok2 := stored.(*certificatesv1.CertificateSigningRequest); ok && ok2 {
		merged := old.DeepCopy()
		switch a.GetSubresource() {
		case "approval":
			merged.Status.Conditions = in.Status.Conditions
		case "status":
			merged.Status = in.Status
		default:
			merged = in.DeepCopy()
			merged.Status = old.Status
		}
		*in = *merged
	}
	m.SetUID(sm.GetUID())
	m.SetCreationTimestamp(sm.GetCreationTimestamp())
	m.SetResourceVersion(d.nextRV())
	return false, nil, nil
}

// onDelete checks a delete's UID precondition, as the apiserver does in the
// same write: a request created again under the name is not deleted.
func (d *demo) onDelete(action k8stesting.Action) (bool, runtime.Object, error) {
	a, ok := action.(k8stesting.DeleteActionImpl)
	if !ok || a.DeleteOptions.Preconditions == nil || a.DeleteOptions.Preconditions.UID == nil {
		return false, nil, nil
	}
	stored, err := d.cs.Tracker().Get(a.GetResource(), a.GetNamespace(), a.GetName())
	if err != nil {
		return false, nil, nil // the tracker answers NotFound
	}
	m, err := meta.Accessor(stored)
	if err != nil {
		return false, nil, nil
	}
	if want := *a.DeleteOptions.Preconditions.UID; m.GetUID() != want {
		return true, nil, apierrors.NewConflict(a.GetResource().GroupResource(), a.GetName(),
			fmt.Errorf("precondition failed: UID in precondition: %s, UID in object meta: %s", want, m.GetUID()))
	}
	return false, nil, nil
}

// onSelfAccessReview allows everything: the demo admin is in system:masters.
func (d *demo) onSelfAccessReview(action k8stesting.Action) (bool, runtime.Object, error) {
	a, ok := action.(k8stesting.CreateActionImpl)
	if !ok {
		return false, nil, nil
	}
	review, ok := a.GetObject().(*authorizationv1.SelfSubjectAccessReview)
	if !ok {
		return false, nil, nil
	}
	out := review.DeepCopy()
	out.Status = authorizationv1.SubjectAccessReviewStatus{Allowed: true, Reason: "demo: the demo admin is in system:masters"}
	return true, out, nil
}

// onSelfReview says who the console is: the demo admin, as the requests it
// creates say (onCreate).
func onSelfReview(k8stesting.Action) (bool, runtime.Object, error) {
	return true, &authenticationv1.SelfSubjectReview{Status: authenticationv1.SelfSubjectReviewStatus{
		UserInfo: authenticationv1.UserInfo{Username: demoAdmin, Groups: []string{"system:masters", "system:authenticated"}},
	}}, nil
}

// onAccessReview answers a SubjectAccessReview from the demo's RBAC objects.
func (d *demo) onAccessReview(action k8stesting.Action) (bool, runtime.Object, error) {
	a, ok := action.(k8stesting.CreateActionImpl)
	if !ok {
		return false, nil, nil
	}
	review, ok := a.GetObject().(*authorizationv1.SubjectAccessReview)
	if !ok {
		return false, nil, nil
	}
	out := review.DeepCopy()
	out.Status.Allowed, out.Status.Reason = d.authorize(review.Spec)
	return true, out, nil
}

// authorize is a small RBAC evaluator over the demo's ClusterRoleBindings and
// ClusterRoles, enough for the capability table.
func (d *demo) authorize(spec authorizationv1.SubjectAccessReviewSpec) (bool, string) {
	if slices.Contains(spec.Groups, "system:masters") {
		return true, "demo: system:masters may do anything, whatever RBAC says"
	}
	attrs := spec.ResourceAttributes
	if attrs == nil {
		return false, "demo: only resource requests are simulated"
	}
	resource := attrs.Resource
	if attrs.Subresource != "" {
		resource += "/" + attrs.Subresource
	}
	tracker := d.cs.Tracker()
	bindings, err := tracker.List(rbacv1.SchemeGroupVersion.WithResource("clusterrolebindings"), rbacv1.SchemeGroupVersion.WithKind("ClusterRoleBinding"), "")
	if err != nil {
		return false, "demo: " + err.Error()
	}
	for _, b := range bindings.(*rbacv1.ClusterRoleBindingList).Items {
		if !bindingCovers(b.Subjects, spec.User, spec.Groups) || b.RoleRef.Kind != "ClusterRole" {
			continue
		}
		obj, err := tracker.Get(rbacv1.SchemeGroupVersion.WithResource("clusterroles"), "", b.RoleRef.Name)
		if err != nil {
			continue
		}
		for _, r := range obj.(*rbacv1.ClusterRole).Rules {
			if matches(r.Verbs, attrs.Verb) && matches(r.APIGroups, attrs.Group) && matches(r.Resources, resource) &&
				(len(r.ResourceNames) == 0 || slices.Contains(r.ResourceNames, attrs.Name)) {
				return true, fmt.Sprintf("demo RBAC: allowed by ClusterRoleBinding %q of ClusterRole %q", b.Name, b.RoleRef.Name)
			}
		}
	}
	return false, ""
}

func bindingCovers(subjects []rbacv1.Subject, user string, groups []string) bool {
	for _, s := range subjects {
		if (s.Kind == rbacv1.UserKind && s.Name == user) || (s.Kind == rbacv1.GroupKind && slices.Contains(groups, s.Name)) {
			return true
		}
	}
	return false
}

func matches(allowed []string, v string) bool {
	return slices.Contains(allowed, "*") || slices.Contains(allowed, v)
}

// initialObjects are the cluster as the demo starts: nodes, the kubernetes
// Service, RBAC, and CSRs in every state.
func (d *demo) initialObjects(now time.Time) ([]runtime.Object, error) {
	objs := []runtime.Object{
		demoNode("demo-node-1", "10.0.0.11"),
		demoNode("demo-node-2", "10.0.0.12"),
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: metav1.NamespaceDefault},
			Spec:       corev1.ServiceSpec{ClusterIP: "10.96.0.1", ClusterIPs: []string{"10.96.0.1"}},
		},
		clusterRole("cluster-admin", rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}),
		clusterRole("developer",
			rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch", "create", "delete"}, APIGroups: []string{""}, Resources: []string{"pods", "pods/log", "services", "configmaps"}},
			rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}}),
		clusterRole("csr-approver",
			rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}},
			rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests/approval"}},
			rbacv1.PolicyRule{Verbs: []string{"approve"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, ResourceNames: []string{"kubernetes.io/kube-apiserver-client"}}),
		clusterRoleBinding("cluster-admin", "cluster-admin", "system:masters"),
		clusterRoleBinding("ops-admins", "cluster-admin", "ops:admins"),
		clusterRoleBinding("developers", "developer", "dev"),
		clusterRoleBinding("security-approvers", "csr-approver", "security"),
	}
	for _, o := range objs {
		d.stamp(o, now.Add(-30*24*time.Hour))
	}
	for _, r := range initialRequests() {
		csr, err := r.build(d.names(8))
		if err != nil {
			return nil, err
		}
		d.stamp(csr, now.Add(-r.age))
		if err := d.settle(csr, r, now); err != nil {
			return nil, err
		}
		objs = append(objs, csr)
	}
	return objs, nil
}

// settle gives an initial request the history it claims: decided, and issued or
// failed as the signer would have done.
func (d *demo) settle(csr *certificatesv1.CertificateSigningRequest, r demoRequest, now time.Time) error {
	if r.decision == "" {
		return nil
	}
	at := metav1.NewTime(now.Add(-r.age + 30*time.Second))
	typ := certificatesv1.CertificateApproved
	if r.decision == "KubectlDeny" {
		typ = certificatesv1.CertificateDenied
	}
	csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: typ, Status: corev1.ConditionTrue, Reason: r.decision, Message: r.message,
		LastUpdateTime: at, LastTransitionTime: at,
	})
	if typ != certificatesv1.CertificateApproved {
		return nil
	}
	req, err := parseDemoRequest(csr.Spec.Request)
	if err != nil {
		return err
	}
	if err := signerCheck(csr.Spec); err != nil {
		csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
			Type: certificatesv1.CertificateFailed, Status: corev1.ConditionTrue, Reason: "SignerValidationFailure",
			Message: err.Error(), LastUpdateTime: at, LastTransitionTime: at,
		})
		return nil
	}
	cert, err := d.ca.sign(req, csr.Spec, at.Time)
	if err != nil {
		return err
	}
	csr.Status.Certificate = cert
	return nil
}

// runRequesters submits a new request every interval, up to limit.
func (d *demo) runRequesters(ctx context.Context, interval time.Duration, limit int) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	templates := laterRequests()
	for i := 0; i < limit; i++ {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		r := templates[i%len(templates)]
		if i >= len(templates) {
			r.name = fmt.Sprintf("%s-%d", r.name, i/len(templates)+1)
		}
		csr, err := r.build(d.names(8))
		if err != nil {
			continue
		}
		_, _ = d.cs.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{})
		// The fake records every call it serves; the demo never reads them.
		d.cs.ClearActions()
	}
}

// seededNames makes up names as apimachinery's rand.String does, from its
// alphabet, but from a fixed seed: the same names in every run.
func seededNames(seed uint64) func(n int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	var mu sync.Mutex
	r := mathrand.New(mathrand.NewPCG(seed, seed))
	return func(n int) string {
		mu.Lock()
		defer mu.Unlock()
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
}

func demoNode(name, ip string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: ip},
			{Type: corev1.NodeHostName, Address: name},
		}},
	}
}

func clusterRole(name string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
}

func clusterRoleBinding(name, role, group string) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: group}},
	}
}
