package kube

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
)

func csrFor(t *testing.T, name, uid, rv, cn string) *certificatesv1.CertificateSigningRequest {
	t.Helper()
	return &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(uid), ResourceVersion: rv},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request: requestPEM(t, cn), SignerName: certificatesv1.KubeAPIServerClientSignerName, Username: cn,
			Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
		},
	}
}

// objects are the objects of the fake clientset's CSRs, as a list from the
// apiserver delivers them to the store.
func objects(t *testing.T, cs *fake.Clientset) []any {
	t.Helper()
	list, err := cs.CertificatesV1().CertificateSigningRequests().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out
}

// A CSR is kept as its object only until decoded, whatever came and went
// meanwhile, and a relist of what is held changes nothing.
func TestObjectsAreHeldUntilDecoded(t *testing.T) {
	cs := fake.NewClientset(csrFor(t, "a", "uid-a", "1", "a"), csrFor(t, "b", "uid-b", "1", "b"), csrFor(t, "c", "uid-c", "1", "c"))
	w, err := NewClient(cs).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	// Nothing is decoded before a first snapshot says in which order.
	if n := w.store.undecoded(); n != 3 {
		t.Errorf("%d objects held before the first snapshot, want 3", n)
	}
	waitSnapshot(t, w, "a, b and c decoded", func(s []*certs.Summary) bool { return len(s) == 3 })
	if n := w.store.undecoded(); n != 0 {
		t.Errorf("%d objects held with every request decoded", n)
	}

	csrs := cs.CertificatesV1().CertificateSigningRequests()
	if err := csrs.Delete(t.Context(), "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := csrs.Create(t.Context(), csrFor(t, "d", "uid-d", "2", "d"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, w, "a gone and d decoded", func(s []*certs.Summary) bool {
		return len(s) == 3 && find(s, "a") == nil && find(s, "d") != nil
	})
	if n := w.store.undecoded(); n != 0 {
		t.Errorf("%d objects held with every request decoded", n)
	}

	// A relist delivers every object again: those held are left alone, and
	// one delivered again by the watch too.
	before := w.Snapshot()
	if err := w.store.Replace(objects(t, cs), "10"); err != nil {
		t.Fatal(err)
	}
	again, err := csrs.Get(t.Context(), "b", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.Update(again); err != nil {
		t.Fatal(err)
	}
	if after := w.Snapshot(); &after[0] != &before[0] {
		t.Error("a relist of unchanged requests rebuilt the snapshot")
	}
	if n := w.store.undecoded(); n != 0 {
		t.Errorf("%d objects held after a relist of decoded requests", n)
	}

	// A request created and deleted before any snapshot saw it.
	brief := csrFor(t, "brief", "uid-brief", "3", "brief")
	if err := w.store.Add(brief); err != nil {
		t.Fatal(err)
	}
	if err := w.store.Delete(cache.DeletedFinalStateUnknown{Key: "brief", Obj: brief}); err != nil {
		t.Fatal(err)
	}
	if n := w.store.undecoded(); n != 0 {
		t.Errorf("%d objects held after the only one held was deleted", n)
	}
	if s := w.Snapshot(); len(s) != 3 || find(s, "brief") != nil {
		t.Errorf("after brief came and went: %d requests", len(s))
	}
}

// A relist is the whole truth: what it lacks is gone, what changed is a
// glance again with its object, what did not is kept as it is.
func TestARelistReplacesWhatChanged(t *testing.T) {
	var st summaries
	st.init(certs.DefaultPolicy(), func() {})
	a, b, c := csrFor(t, "a", "uid-a", "1", "a"), csrFor(t, "b", "uid-b", "1", "b"), csrFor(t, "c", "uid-c", "1", "c")
	if err := st.Replace([]any{a, b, c}, "1"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-st.synced():
	default:
		t.Fatal("a whole list in, and synced is not closed")
	}
	st.shown = true // as a snapshot does
	kept := st.byName["a"]
	newB := csrFor(t, "b", "uid-b", "2", "b")
	if err := st.Replace([]any{csrFor(t, "a", "uid-a", "1", "a"), newB}, "2"); err != nil {
		t.Fatal(err)
	}
	if st.byName["a"] != kept {
		t.Error("an unchanged request was summarized again")
	}
	if s := st.byName["b"]; s == nil || s.ResourceVersion != "2" || !s.Unchecked || st.objects["b"] != newB {
		t.Errorf("b after the relist: %+v", s)
	}
	if _, ok := st.byName["c"]; ok || st.objects["c"] != nil {
		t.Error("c, not in the relist, is still held")
	}
	if len(st.changed) != 2 || st.changed["c"] == nil || st.changed["b"] == nil {
		t.Errorf("noted as changed: %v, want b and c with the summaries shown", st.changed)
	}
	if err := st.Replace([]any{"not a CSR"}, "3"); err == nil {
		t.Error("a list of something else was taken")
	}
}

// A request that came empty is decoded as such: it says what is wrong, and it
// does not keep the list from being decoded.
func TestAnEmptyRequestIsDecodedAsOne(t *testing.T) {
	empty := csrFor(t, "empty", "uid-empty", "1", "empty")
	empty.Spec.Request = nil
	w, err := NewClient(fake.NewClientset(empty)).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	s := waitSnapshot(t, w, "the empty request decoded", func(s []*certs.Summary) bool { return len(s) == 1 })
	if s[0].RequestErr == nil || !strings.Contains(s[0].RequestErr.Error(), "empty") {
		t.Errorf("an empty request decoded as %+v", s[0])
	}
	select {
	case <-w.Decoded():
	case <-time.After(waitTimeout):
		t.Error("Decoded not closed")
	}
}

// A decision names the object whose request the admin saw decoded: the
// console keeps no request, and the decision reads the object again. Once the
// name holds another request, the decision made on the first is refused.
func TestDecisionsStayBoundToTheRequestDecoded(t *testing.T) {
	cs := fake.NewClientset(csrFor(t, "x", "uid-1", "1", "jane"))
	c := NewClient(cs)
	w, err := c.Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	seen := waitSnapshot(t, w, "x decoded", func(s []*certs.Summary) bool { return len(s) == 1 })[0]
	if seen.Request == nil || seen.Request.CommonName != "jane" {
		t.Fatalf("x decoded as %+v", seen)
	}
	csrs := cs.CertificatesV1().CertificateSigningRequests()
	if err := csrs.Delete(t.Context(), "x", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := csrs.Create(t.Context(), csrFor(t, "x", "uid-2", "2", "mallory"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	now := waitSnapshot(t, w, "x replaced", func(s []*certs.Summary) bool { return len(s) == 1 && s[0].UID == "uid-2" })[0]

	if _, err := c.Approve(t.Context(), "x", seen.UID, ""); !errors.Is(err, certs.ErrReplaced) {
		t.Errorf("approval of the request seen first = %v, want ErrReplaced", err)
	}
	got, err := csrs.Get(t.Context(), "x", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Status.Conditions) != 0 {
		t.Fatalf("the replacing request was decided on: %+v", got.Status.Conditions)
	}

	if _, err := c.Approve(t.Context(), "x", now.UID, "ok"); err != nil {
		t.Fatal(err)
	}
	got, err = csrs.Get(t.Context(), "x", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	decided, err := certs.ParseRequest(got.Spec.Request)
	if err != nil || decided.CommonName != now.Request.CommonName || len(got.Status.Conditions) != 1 ||
		got.Status.Conditions[0].Type != certificatesv1.CertificateApproved {
		t.Errorf("approved %v (%v) with %+v; want the request decoded, %q", decided, err, got.Status.Conditions, now.Request.CommonName)
	}
}

// The map of summaries is made anew once most requests are gone: a Go map
// keeps the room it once needed.
func TestEntriesShrinkWhenMostRequestsAreGone(t *testing.T) {
	var objs []runtime.Object
	for i := range 2 * minRoom {
		name := fmt.Sprintf("req-%04d", i)
		objs = append(objs, &certificatesv1.CertificateSigningRequest{
			ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), ResourceVersion: "1"},
			Spec:       certificatesv1.CertificateSigningRequestSpec{SignerName: certificatesv1.KubeAPIServerClientSignerName},
		})
	}
	cs := fake.NewClientset(objs...)
	// The fake clientset replays nothing: a delete made before the watch
	// opens is never seen. Delete only once it is open.
	watching := make(chan struct{})
	var once sync.Once
	cs.PrependWatchReactor("certificatesigningrequests", func(a k8stesting.Action) (bool, watch.Interface, error) {
		wi, err := cs.Tracker().Watch(a.GetResource(), a.GetNamespace())
		once.Do(func() { close(watching) })
		return true, wi, err
	})
	w, err := NewClient(cs).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-watching:
	case <-time.After(time.Minute):
		t.Fatal("the watch never opened")
	}
	w.Snapshot()
	if w.store.room != 2*minRoom {
		t.Fatalf("room %d after listing %d", w.store.room, 2*minRoom)
	}
	csrs := cs.CertificatesV1().CertificateSigningRequests()
	keep := minRoom / 4
	// In steps the fake clientset's watch keeps up with (its channel holds 100).
	for i := 2*minRoom - 1; i >= keep; i-- {
		if err := csrs.Delete(t.Context(), fmt.Sprintf("req-%04d", i), metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if left := i; left%50 == 0 || left == keep {
			waitSnapshot(t, w, fmt.Sprintf("%d requests left", left), func(s []*certs.Summary) bool { return len(s) == left })
		}
	}
	// Made anew on the way down, when under a quarter of the most were left.
	if w.store.room >= 2*minRoom/4 || w.store.len() != keep {
		t.Errorf("room %d for %d summaries after the rest went", w.store.room, w.store.len())
	}
}

// The strings CSRs repeat are held once in the summaries (certs.Glance shares
// them), however many copies the objects came with.
func TestRepeatedStringsAreHeldOnce(t *testing.T) {
	var st summaries
	st.init(certs.DefaultPolicy(), func() {})
	a, b := csrFor(t, "a", "uid-a", "1", "jane"), csrFor(t, "b", "uid-b", "1", "jane")
	for _, csr := range []*certificatesv1.CertificateSigningRequest{a, b} {
		// As decoded from the wire: a copy of each string apiece.
		csr.Spec.SignerName = strings.Clone(csr.Spec.SignerName)
		csr.Spec.Username = strings.Clone("system:node:n1")
		csr.Spec.Groups = []string{strings.Clone("system:nodes")}
		csr.Spec.Usages = []certificatesv1.KeyUsage{certificatesv1.KeyUsage(strings.Clone("client auth"))}
		csr.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{
			Type: certificatesv1.CertificateApproved, Status: corev1.ConditionStatus(strings.Clone("True")),
			Reason: strings.Clone("KubectlApprove"), Message: strings.Clone("This CSR was approved by kubectl certificate approve."),
		}}
	}
	if unsafe.StringData(a.Spec.Username) == unsafe.StringData(b.Spec.Username) {
		t.Fatal("the test's strings are not copies")
	}
	if err := st.Replace([]any{a, b}, "1"); err != nil {
		t.Fatal(err)
	}
	sa, sb := st.byName["a"], st.byName["b"]
	same := func(what, x, y string) {
		if x != y || unsafe.StringData(x) != unsafe.StringData(y) {
			t.Errorf("%s: two copies held", what)
		}
	}
	same("signer", sa.Signer, sb.Signer)
	same("username", sa.Username, sb.Username)
	same("group", sa.Groups[0], sb.Groups[0])
	same("usage", sa.Usages[0], sb.Usages[0])
	same("condition reason", sa.Conditions[0].Reason, sb.Conditions[0].Reason)
	same("condition message", sa.Conditions[0].Message, sb.Conditions[0].Message)
}

// A new version of a decoded request is decoded from what its last decoded
// version held (certs.SummarizeSince), and a request that took the name of
// another is decoded from its own bytes.
func TestANewVersionIsDecodedFromThePrior(t *testing.T) {
	cs := fake.NewClientset(csrFor(t, "a", "uid-a", "1", "a"), csrFor(t, "b", "uid-b", "1", "b"))
	w, err := NewClient(cs).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	first := waitSnapshot(t, w, "a and b decoded", func(s []*certs.Summary) bool {
		return len(s) == 2 && !find(s, "a").Unchecked && !find(s, "b").Unchecked
	})
	a, b := find(first, "a"), find(first, "b")

	obj, err := cs.CertificatesV1().CertificateSigningRequests().Get(t.Context(), "a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	approved := obj.DeepCopy()
	approved.ResourceVersion = "2"
	approved.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue}}
	// Two versions before a decoder sees the first: the prior is still a's.
	halfway := approved.DeepCopy()
	halfway.ResourceVersion = "3"
	retaken := csrFor(t, "b", "uid-b2", "2", "b")
	for _, o := range []*certificatesv1.CertificateSigningRequest{approved, halfway, retaken} {
		if err := w.store.Update(o); err != nil {
			t.Fatal(err)
		}
	}
	next := waitSnapshot(t, w, "the new versions decoded", func(s []*certs.Summary) bool {
		na, nb := find(s, "a"), find(s, "b")
		return na != nil && nb != nil && !na.Unchecked && !nb.Unchecked && na.ResourceVersion == "3" && nb.UID == "uid-b2"
	})
	if got := find(next, "a"); got.Request != a.Request || got.State != certs.StateApproved {
		t.Errorf("a's new version: request taken from the prior %v, state %v", got.Request == a.Request, got.State)
	}
	if got := find(next, "b"); got.Request == b.Request || got.Request == nil {
		t.Error("a new request under b's name took the old one's decoding")
	}
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	if w.store.priors != nil {
		t.Errorf("priors held with every request decoded: %v", w.store.priors)
	}
}
