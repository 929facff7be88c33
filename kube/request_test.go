package kube

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// watchedCSR is a CSR as the apiserver returns it from a create.
func watchedCSR(name, uid, rv string) *certificatesv1.CertificateSigningRequest {
	return &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(uid), ResourceVersion: rv},
		Spec:       certificatesv1.CertificateSigningRequestSpec{SignerName: certificatesv1.KubeAPIServerClientSignerName},
	}
}

// next is csr at the next resourceVersion with a condition added, or a
// certificate when typ is "".
func next(csr *certificatesv1.CertificateSigningRequest, rv string, typ certificatesv1.RequestConditionType) *certificatesv1.CertificateSigningRequest {
	out := csr.DeepCopy()
	out.ResourceVersion = rv
	if typ == "" {
		out.Status.Certificate = []byte("CERT")
		return out
	}
	out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: typ, Status: corev1.ConditionTrue, Reason: "Because", Message: "said so",
	})
	return out
}

// fakeWatch is a clientset whose CSR watches are fed by the test, and the
// options each watch was opened with.
func fakeWatch(t *testing.T) (*Client, *watch.FakeWatcher, <-chan metav1.ListOptions) {
	t.Helper()
	cs := fake.NewClientset()
	fw := watch.NewFake()
	opened := make(chan metav1.ListOptions, 4)
	cs.PrependWatchReactor("certificatesigningrequests", func(a k8stesting.Action) (bool, watch.Interface, error) {
		opened <- metav1.ListOptions{
			FieldSelector:   a.(k8stesting.WatchActionImpl).WatchRestrictions.Fields.String(),
			ResourceVersion: a.(k8stesting.WatchActionImpl).WatchRestrictions.ResourceVersion,
		}
		return true, fw, nil
	})
	return NewClient(cs), fw, opened
}

type waitResult struct {
	csr *certificatesv1.CertificateSigningRequest
	err error
}

func waitAsync(ctx context.Context, c *Client, csr *certificatesv1.CertificateSigningRequest, seen func(*certificatesv1.CertificateSigningRequest)) <-chan waitResult {
	done := make(chan waitResult, 1)
	go func() {
		got, err := c.WaitForCertificate(ctx, csr, seen)
		done <- waitResult{got, err}
	}()
	return done
}

func result(t *testing.T, done <-chan waitResult) waitResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(waitTimeout):
		t.Fatal("WaitForCertificate did not return")
		return waitResult{}
	}
}

func TestWaitForCertificateWatchesOneNameFromItsVersion(t *testing.T) {
	c, fw, opened := fakeWatch(t)
	created := watchedCSR("jane-x", "uid-1", "100")
	seen := make(chan *certificatesv1.CertificateSigningRequest, 4)
	done := waitAsync(t.Context(), c, created, func(x *certificatesv1.CertificateSigningRequest) { seen <- x })

	if o := <-opened; o.FieldSelector != "metadata.name=jane-x" || o.ResourceVersion != "100" {
		t.Fatalf("watch opened with %+v", o)
	}
	fw.Modify(watchedCSR("someone-else", "uid-9", "101")) // not ours: ignored
	approved := next(created, "102", certificatesv1.CertificateApproved)
	fw.Modify(approved)
	if got := <-seen; got.ResourceVersion != "102" {
		t.Fatalf("seen %s", got.ResourceVersion)
	}
	fw.Modify(next(approved, "103", ""))
	r := result(t, done)
	if r.err != nil || r.csr.ResourceVersion != "103" || string(r.csr.Status.Certificate) != "CERT" {
		t.Fatalf("got %+v, %v", r.csr, r.err)
	}
	if len(seen) != 0 {
		t.Fatal("the final version was also passed to seen")
	}
}

func TestWaitForCertificateEndsOnDecisions(t *testing.T) {
	for _, typ := range []certificatesv1.RequestConditionType{certificatesv1.CertificateDenied, certificatesv1.CertificateFailed} {
		t.Run(string(typ), func(t *testing.T) {
			c, fw, _ := fakeWatch(t)
			created := watchedCSR("jane-x", "uid-1", "100")
			done := waitAsync(t.Context(), c, created, nil)
			fw.Modify(next(created, "101", typ))
			if r := result(t, done); r.err != nil || r.csr.Status.Conditions[0].Type != typ {
				t.Fatalf("got %+v, %v", r.csr, r.err)
			}
		})
	}
}

func TestWaitForCertificateOnAFinishedRequestDoesNotWatch(t *testing.T) {
	c, _, opened := fakeWatch(t)
	issued := next(watchedCSR("jane-x", "uid-1", "100"), "101", "")
	got, err := c.WaitForCertificate(t.Context(), issued, nil)
	if err != nil || got != issued || len(opened) != 0 {
		t.Fatalf("got %v, %v; %d watches", got, err, len(opened))
	}
}

func TestWaitForCertificateSaysWhatHappened(t *testing.T) {
	created := watchedCSR("jane-x", "uid-1", "100")
	for _, tc := range []struct {
		name  string
		event func(*watch.FakeWatcher)
		is    func(error) bool
		want  string
	}{
		{"deleted", func(fw *watch.FakeWatcher) { fw.Delete(next(created, "101", "")) }, apierrors.IsNotFound,
			`"jane-x" was deleted before it was issued`},
		{"replaced", func(fw *watch.FakeWatcher) { fw.Modify(watchedCSR("jane-x", "uid-2", "101")) },
			func(err error) bool { return errors.Is(err, errReplacedWhileWaiting) },
			`"jane-x" was deleted and replaced by a different request of the same name`},
		{"history gone", func(fw *watch.FakeWatcher) {
			fw.Error(&apierrors.NewResourceExpired("too old").ErrStatus)
		}, apierrors.IsResourceExpired, `lost track of "jane-x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fw, _ := fakeWatch(t)
			done := waitAsync(t.Context(), c, created, nil)
			tc.event(fw)
			r := result(t, done)
			if r.err == nil || !tc.is(r.err) || !strings.Contains(r.err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", r.err, tc.want)
			}
			if r.csr != created {
				t.Fatalf("returned %+v, want the last version seen", r.csr)
			}
		})
	}
}

func TestWaitForCertificateForbidden(t *testing.T) {
	cs := fake.NewClientset()
	cs.PrependWatchReactor("certificatesigningrequests", func(k8stesting.Action) (bool, watch.Interface, error) {
		return true, nil, apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "jane-x", errors.New("no"))
	})
	_, err := NewClient(cs).WaitForCertificate(t.Context(), watchedCSR("jane-x", "uid-1", "100"), nil)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `may not watch "jane-x": csrtui needs watch on certificatesigningrequests`) {
		t.Fatalf("err = %v", err)
	}
}

// When the caller's time is up, the last version seen comes back with the
// context's error: request says what it was waiting for.
func TestWaitForCertificateReturnsTheLastVersionWhenTimeIsUp(t *testing.T) {
	c, fw, _ := fakeWatch(t)
	ctx, cancel := context.WithCancel(t.Context())
	created := watchedCSR("jane-x", "uid-1", "100")
	seen := make(chan struct{}, 1)
	done := waitAsync(ctx, c, created, func(*certificatesv1.CertificateSigningRequest) { seen <- struct{}{} })
	fw.Modify(next(created, "101", certificatesv1.CertificateApproved))
	<-seen
	cancel()
	r := result(t, done)
	if !errors.Is(r.err, context.Canceled) || r.csr.ResourceVersion != "101" {
		t.Fatalf("got %+v, %v", r.csr, r.err)
	}
}

func TestOneShotErrors(t *testing.T) {
	cs := fake.NewClientset()
	forbid := func(verb string) {
		cs.PrependReactor(verb, "certificatesigningrequests", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "", errors.New("no"))
		})
	}
	c := NewClient(cs)
	ctx := t.Context()

	if _, err := c.Get(ctx, "nobody"); !apierrors.IsNotFound(err) || err.Error() != `certificate signing request "nobody" not found` {
		t.Errorf("Get: %v", err)
	}
	csr := watchedCSR("jane-x", "", "")
	if _, err := c.Create(ctx, csr); err != nil {
		t.Fatal(err)
	}
	if items, err := c.List(ctx); err != nil || len(items) != 1 || items[0].Name != "jane-x" {
		t.Errorf("List: %v, %v", items, err)
	}
	if _, err := c.Create(ctx, csr); !apierrors.IsAlreadyExists(err) || !strings.Contains(err.Error(), `named "jane-x" already exists`) {
		t.Errorf("Create again: %v", err)
	}
	forbid("get")
	forbid("create")
	forbid("list")
	if _, err := c.Get(ctx, "jane-x"); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "csrtui needs get on certificatesigningrequests") {
		t.Errorf("Get forbidden: %v", err)
	}
	if _, err := c.Create(ctx, watchedCSR("jane-y", "", "")); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "csrtui needs create on certificatesigningrequests") {
		t.Errorf("Create forbidden: %v", err)
	}
	if _, err := c.List(ctx); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "may not list") {
		t.Errorf("List forbidden: %v", err)
	}
	if _, err := c.KubeconfigCluster(); err == nil {
		t.Error("a client not built from a kubeconfig has a kubeconfig cluster")
	}
}
