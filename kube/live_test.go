package kube

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// waitLoadedOrErr waits on Changed until the Watcher is loaded or says why not.
func waitLoadedOrErr(t *testing.T, w *Watcher) {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for !w.Loaded() && w.Err() == nil {
		select {
		case <-w.Changed():
		case <-timer.C:
			t.Fatal("neither loaded nor failed")
		}
	}
}

// Start returns before the server said a word: loading, no error; and when
// the list never comes, Err says why, once, for good.
func TestStartDoesNotWaitForTheServer(t *testing.T) {
	c, _ := connectStub(t, "", true) // every list blocks until its context ends
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := c.Start(ctx, certs.DefaultPolicy())
	if w.Loaded() || w.Err() != nil || w.Snapshot() != nil {
		t.Fatalf("Start: loaded %v, err %v", w.Loaded(), w.Err())
	}
	select {
	case <-w.Listed():
		t.Fatal("Listed closed before the list came")
	default:
	}
	c, _ = connectStub(t, "", false)
	w = c.Start(t.Context(), certs.DefaultPolicy())
	waitLoadedOrErr(t, w)
	if w.Loaded() || w.Err() == nil || !strings.Contains(w.Err().Error(), "cannot list CertificateSigningRequests from https://stub.invalid:6443") {
		t.Fatalf("a failed list: loaded %v, err %v", w.Loaded(), w.Err())
	}
}

// An unreachable server is said as Connect says it: a client made by New has
// not talked to it before.
func TestStartChecksTheServerFirst(t *testing.T) {
	f := flagsFor(write(t, kubeconfigFor("https://127.0.0.1:1")))
	c, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	w := c.Start(t.Context(), certs.DefaultPolicy())
	waitLoadedOrErr(t, w)
	if err := w.Err(); err == nil || !strings.Contains(err.Error(), "cannot reach https://127.0.0.1:1") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Err = %v", err)
	}
}

// A read-only client sends no write at all, not even the read before it.
func TestReadOnlyWritesNothing(t *testing.T) {
	cs := fake.NewClientset(&certificatesv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "x", UID: "u"}})
	c := NewClient(cs)
	c.readOnly = true
	if _, err := c.Approve(t.Context(), "x", "u", ""); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), `approve "x" is disabled`) {
		t.Errorf("Approve = %v", err)
	}
	if _, err := c.Deny(t.Context(), "x", "u", ""); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Deny = %v", err)
	}
	if _, err := c.Create(t.Context(), &certificatesv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "y"}}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Create = %v", err)
	}
	if got := cs.Actions(); len(got) != 0 {
		t.Errorf("a read-only client sent %d requests: %v", len(got), got)
	}
	if !c.ReadOnly() {
		t.Error("ReadOnly = false")
	}
}

// The list is stale while the watch fails: since the first failure, whatever
// the later ones say; reconnecting when the server can't be reached, stale
// when it answers and refuses.
func TestConnectionProblems(t *testing.T) {
	h := &health{}
	pokes := 0
	h.onChange = func() { pokes++ }
	refused := &url.Error{Op: "Get", URL: "https://x/", Err: syscall.ECONNREFUSED}
	h.observe(refused)
	since, err := h.current()
	if err == nil || since.IsZero() || pokes != 1 {
		t.Fatalf("after a failure: %v since %v, %d pokes", err, since, pokes)
	}
	h.observe(refused) // the same again: nobody woken
	h.observe(apierrors.NewServiceUnavailable("starting"))
	if again, _ := h.current(); !again.Equal(since) || pokes != 2 {
		t.Fatalf("since moved to %v, %d pokes", again, pokes)
	}
	h.observe(nil)
	if since, err := h.current(); err != nil || !since.IsZero() || pokes != 3 {
		t.Fatalf("after recovery: %v since %v, %d pokes", err, since, pokes)
	}

	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		err      error
		retrying bool
		says     string
	}{
		{refused, true, "connection refused (no updates from https://api:6443)"},
		{apierrors.NewServiceUnavailable("x"), true, "(no updates from https://api:6443)"},
		{apierrors.NewTooManyRequests("x", 1), true, "(no updates from https://api:6443)"},
		{apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "", errors.New("no")), false, "csrtui needs list and watch on certificatesigningrequests"},
		{apierrors.NewUnauthorized("x"), false, "rejected the credentials"},
	} {
		e := watchError("https://api:6443", tc.err, at)
		var p interface {
			Since() time.Time
			Retrying() bool
		}
		if !errors.As(e, &p) || p.Retrying() != tc.retrying || !p.Since().Equal(at) || !strings.Contains(e.Error(), tc.says) || !errors.Is(e, tc.err) {
			t.Errorf("%v: %q, retrying %v; want %v, %q", tc.err, e, p != nil && p.Retrying(), tc.retrying, tc.says)
		}
	}
}

// write writes a kubeconfig, for New and Connect.
func write(t *testing.T, raw []byte) string {
	t.Helper()
	p := t.TempDir() + "/kubeconfig"
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func kubeconfigFor(server string) []byte {
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %q}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: lab, context: {cluster: c, user: u}}]
current-context: lab
`, server)
}
