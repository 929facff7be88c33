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
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/watchlist"
)

// informerSpec describes one informer to start.
type informerSpec struct {
	list      func(context.Context, metav1.ListOptions) (runtime.Object, error)
	watch     func(context.Context, metav1.ListOptions) (watch.Interface, error)
	object    runtime.Object
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
	unpaged := !spec.stream || watchlist.DoesClientNotSupportWatchListSemantics(spec.client)
	lw := listWatch{
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

	inf := cache.NewSharedIndexInformerWithOptions(lw, spec.object, cache.SharedIndexInformerOptions{})
	if spec.transform != nil {
		if err := inf.SetTransform(spec.transform); err != nil {
			return nil, err
		}
	}
	failed := make(chan error, 1)
	if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		if benignWatchError(err) {
			return
		}
		h.observe(err)
		select {
		case failed <- err:
		default:
		}
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
