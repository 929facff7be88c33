package kube

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
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

// The cache keeps no request: each waits, out of its object, until a snapshot
// hands it to the decoders, and nothing is left once every request is decoded,
// whatever came and went meanwhile.
func TestRequestsLeaveTheCacheAndAreHeldUntilDecoded(t *testing.T) {
	cs := fake.NewClientset(csrFor(t, "a", "uid-a", "1", "a"), csrFor(t, "b", "uid-b", "1", "b"), csrFor(t, "c", "uid-c", "1", "c"))
	w, err := NewClient(cs).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range w.store.List() {
		if csr := obj.(*certificatesv1.CertificateSigningRequest); csr.Spec.Request != nil {
			t.Errorf("the cache holds the request of %s", csr.Name)
		}
	}
	if n := w.requests.len(); n != 3 {
		t.Errorf("%d requests held before the first snapshot, want 3", n)
	}
	w.Snapshot()
	if n := w.requests.len(); n != 0 {
		t.Errorf("%d requests held after the first snapshot took them", n)
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
	if n := w.requests.len(); n != 0 {
		t.Errorf("%d requests held with every request decoded", n)
	}

	// A relist delivers every object again, request and all.
	before := w.Snapshot()
	for _, name := range []string{"b", "c", "d"} {
		obj, _, _ := w.store.GetByKey(name)
		again := obj.(*certificatesv1.CertificateSigningRequest).DeepCopy()
		again.Spec.Request = requestPEM(t, name)
		if _, err := w.requests.transform(again); err != nil {
			t.Fatal(err)
		}
		w.mark(again)
	}
	if after := w.Snapshot(); &after[0] != &before[0] {
		t.Error("a relist of unchanged requests rebuilt the snapshot")
	}
	if n := w.requests.len(); n != 0 {
		t.Errorf("%d requests held after a relist of decoded requests", n)
	}

	// A request created and deleted before any snapshot saw it.
	brief := csrFor(t, "brief", "uid-brief", "3", "brief")
	if _, err := w.requests.transform(brief); err != nil {
		t.Fatal(err)
	}
	w.requests.deleted(cache.DeletedFinalStateUnknown{Key: "brief", Obj: brief})
	if n := w.requests.len(); n != 0 {
		t.Errorf("%d requests held after the only one held was deleted", n)
	}
}

// A snapshot that reads an older version than the one delivered last gets no
// request for it: the newer one is on its way, and is decoded when it comes.
func TestRequestsGiveOnlyTheVersionDelivered(t *testing.T) {
	var r requests
	v1, v2 := csrFor(t, "x", "uid-x", "1", "x"), csrFor(t, "x", "uid-x", "2", "x")
	pem2 := v2.Spec.Request
	for _, v := range []*certificatesv1.CertificateSigningRequest{v1, v2} {
		if _, err := r.transform(v); err != nil {
			t.Fatal(err)
		}
		if v.Spec.Request != nil {
			t.Fatal("the transform left the request in the object")
		}
	}
	if _, ok := r.take(v1); ok {
		t.Error("took the request of a version replaced since")
	}
	other := csrFor(t, "x", "uid-other", "2", "x")
	r.deleted(other)
	if _, ok := r.take(other); ok || r.len() != 1 {
		t.Error("the deletion of another object of that name dropped the request held")
	}
	// Should the transform run again on an object it emptied, the request
	// held for that version stays.
	if _, err := r.transform(v2); err != nil {
		t.Fatal(err)
	}
	if got, ok := r.take(v2); !ok || &got[0] != &pem2[0] {
		t.Error("the version delivered last did not get its request")
	}
	if r.len() != 0 {
		t.Error("a request taken is still held")
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
	w, err := NewClient(cs).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	w.Snapshot()
	if w.room != 2*minRoom {
		t.Fatalf("room %d after listing %d", w.room, 2*minRoom)
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
	if w.room >= 2*minRoom/4 || len(w.entries) != keep {
		t.Errorf("room %d for %d entries after the rest went", w.room, len(w.entries))
	}
}
