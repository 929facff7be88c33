package kube

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/watchlist"
	"k8s.io/utils/clock"
)

// informerSpec describes one informer, or reflector, to start.
type informerSpec struct {
	list   func(context.Context, metav1.ListOptions) (runtime.Object, error)
	watch  func(context.Context, metav1.ListOptions) (watch.Interface, error)
	object runtime.Object
	// transform and handler are an informer's; a reflector has its store.
	transform cache.TransformFunc
	handler   cache.ResourceEventHandler
	// client is the clientset, asked whether it supports watch-list semantics
	// (client-go's fake does not).
	client any
	// health, when set, records the informer's connection problems.
	health *health
	// stream fills the cache with a streaming watch-list (sendInitialEvents)
	// instead of one LIST; see Client.Watch for why it is off.
	stream bool
}

// listWatch wraps the list and watch calls so every outcome feeds the health, and
// tells the reflector whether to stream the initial list.
type listWatch struct {
	*cache.ListWatch
	unpagedList bool
}

// IsWatchListSemanticsUnSupported is read by client-go's reflector: true makes it
// use a plain LIST for the initial fill.
func (lw listWatch) IsWatchListSemanticsUnSupported() bool { return lw.unpagedList }

// listWatch builds the calls the informer or reflector makes: every outcome
// feeds h, and the initial fill is one LIST unless spec asks for streaming.
func (spec informerSpec) listWatch(h *health) listWatch {
	unpaged := !spec.stream || watchlist.DoesClientNotSupportWatchListSemantics(spec.client)
	return listWatch{
		ListWatch: &cache.ListWatch{
			ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
				if unpaged {
					// One response: the watch cache ignores the limit for
					// resourceVersion=0 anyway, and without it a cache that is not
					// ready yet does not turn the list into 500-object pages from etcd.
					opts.Limit = 0
				}
				obj, err := spec.list(ctx, opts)
				h.observe(err)
				return obj, err
			},
			WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
				w, err := spec.watch(ctx, opts)
				h.observe(err)
				return w, err
			},
		},
		unpagedList: unpaged,
	}
}

// startInformer starts an informer under ctx and waits until its store holds the
// initial list, or the initial list fails, or ctx is done. The caller cancels ctx
// to stop the informer after an error. The handler may still be catching up with
// the initial list then (10,000 notifications take tens of milliseconds): what
// needs all of it reads the store.
func startInformer(ctx context.Context, spec informerSpec) (cache.SharedIndexInformer, error) {
	h := spec.health
	if h == nil {
		h = &health{}
	}
	inf := cache.NewSharedIndexInformerWithOptions(spec.listWatch(h), spec.object, cache.SharedIndexInformerOptions{})
	if spec.transform != nil {
		if err := inf.SetTransform(spec.transform); err != nil {
			return nil, err
		}
	}
	failed := make(chan error, 1)
	if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		reportWatchError(h, failed, err)
	}); err != nil {
		return nil, err
	}
	if _, err := inf.AddEventHandler(spec.handler); err != nil {
		return nil, err
	}
	go inf.RunWithContext(ctx)

	select {
	case <-inf.HasSyncedChecker().Done():
		return inf, nil
	case err := <-failed:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// syncedStore is a reflector's store that says when it first holds a whole
// list.
type syncedStore interface {
	cache.ReflectorStore
	synced() <-chan struct{}
}

// The backoff of client-go's Reflector.RunWithContext (tools/cache/reflector.go,
// defaultBackoff*): from 0.8 s, doubling, up to 30 s, reset after 2 minutes
// without a failure.
var reflectorBackoff = wait.Backoff{Duration: 800 * time.Millisecond, Cap: 30 * time.Second, Steps: 38, Factor: 2, Jitter: 1}

const reflectorBackoffReset = 2 * time.Minute

// startReflector runs a reflector of spec's objects into store under ctx, and
// waits as startInformer does: until the store holds the initial list, or that
// list fails, or ctx is done. It is an informer with no cache of its own: the
// store is the only place the objects go, and it keeps of them what it likes.
//
// It runs the reflector's loop itself, as Reflector.RunWithContext does, for the
// one thing a Reflector does not let its user set: what happens to the errors
// that end a list and watch (reportWatchError).
func startReflector(ctx context.Context, spec informerSpec, store syncedStore) error {
	h := spec.health
	if h == nil {
		h = &health{}
	}
	r := cache.NewReflectorWithOptions(spec.listWatch(h), spec.object, store, cache.ReflectorOptions{})
	failed := make(chan error, 1)
	delay := reflectorBackoff.DelayWithReset(clock.RealClock{}, reflectorBackoffReset)
	go func() {
		_ = delay.Until(ctx, true, true, func(ctx context.Context) (bool, error) {
			if err := r.ListAndWatchWithContext(ctx); err != nil {
				reportWatchError(h, failed, err)
			}
			return false, nil
		})
	}()

	select {
	case <-store.synced():
		return nil
	case err := <-failed:
		select {
		case <-store.synced(): // listed, then the watch failed: it retries
			return nil
		default:
			return err
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reportWatchError records an error that ended a list and watch in h, and sends
// it to failed unless one waits there already. The benign ones are neither.
func reportWatchError(h *health, failed chan<- error, err error) {
	if benignWatchError(err) {
		return
	}
	h.observe(err)
	select {
	case failed <- err:
	default:
	}
}

// benignWatchError is what client-go's default handler does not report either: a
// watch that closed or expired is reopened as a matter of course.
func benignWatchError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		apierrors.IsResourceExpired(err) || apierrors.IsGone(err)
}

// health is an informer's current connection problem: the last list or watch
// error, cleared by the next call that succeeds, and since when there has been
// one.
type health struct {
	mu       sync.Mutex
	err      error
	since    time.Time
	onChange func() // called after the problem appears, changes or clears
}

func (h *health) observe(err error) {
	if err != nil && benignWatchError(err) {
		return
	}
	h.mu.Lock()
	was := h.err
	h.err = err
	switch {
	case err == nil:
		h.since = time.Time{}
	case was == nil:
		h.since = time.Now()
	}
	h.mu.Unlock()
	if (was != nil || err != nil) && !sameError(was, err) && h.onChange != nil {
		h.onChange()
	}
}

// current is the problem, nil when there is none, and since when.
func (h *health) current() (since time.Time, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.since, h.err
}

// sameError reports whether two problems read the same: a retry that fails
// the same way again wakes nobody.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return (a == nil) == (b == nil)
	}
	return a.Error() == b.Error()
}
