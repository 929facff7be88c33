package kube

import (
	"context"
	"slices"
	"sync"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
)

// Watcher is the live list of CSRs: an informer fills its cache, event handlers
// only note which CSRs changed, and Snapshot turns those (and only those) into
// summaries, sorted as the list shows them.
//
// A changed CSR first shows as a glance (certs.Glance: the fields read without
// decoding, approval blocked), and decoders in the background replace it with
// the full summary, first screen first: 10,000 rows show at once, and the
// signatures are checked right after.
type Watcher struct {
	policy  certs.Policy
	server  string
	changed chan struct{}
	loaded  chan struct{} // closed once store and facts are set
	store   cache.Store
	facts   *factSource
	health  *health
	// requests are those of the cached objects not decoded yet: the
	// informer's transform takes them out of the objects.
	requests requests

	mu           sync.Mutex // guards dirty, factsChanged and startErr
	dirty        map[string]struct{}
	factsChanged bool
	startErr     error // why the initial lists never came (Start)

	snapMu  sync.Mutex // one Snapshot builds at a time; guards what follows
	entries map[string]entry
	// room is the most entries held since the map was made: a Go map keeps
	// the room it once needed.
	room     int
	snapshot []*certs.Summary
	built    bool
	known    certs.ClusterFacts
	factsVer int

	dec decoder
}

// entry is one cached summary with what it was built from.
type entry struct {
	uid      types.UID
	rv       string
	factsVer int
	summary  *certs.Summary
	// csr is the object of a glance, for the decoder, and request its
	// spec.request (the cached object has none); both nil once decoded. A
	// glance whose request did not come (decodable false) waits for a newer
	// version of its CSR, on its way.
	csr       *certificatesv1.CertificateSigningRequest
	request   []byte
	decodable bool
}

// glanceEntry is the entry of a CSR the decoders have not seen yet.
func (w *Watcher) glanceEntry(csr *certificatesv1.CertificateSigningRequest) entry {
	req, ok := w.requests.take(csr)
	return entry{uid: csr.UID, rv: csr.ResourceVersion, factsVer: w.factsVer, summary: certs.Glance(csr, w.policy),
		csr: csr, request: req, decodable: ok}
}

// Watch starts an informer on CertificateSigningRequests, and on the nodes and
// RBAC roles and bindings the findings need when the admin may read them, and
// returns once their caches hold the initial lists. It fails when the initial
// list fails (no permission, unreachable) or ctx ends; everything it started stops
// when ctx is done.
//
// The initial fill is one LIST at resourceVersion=0 with no limit, served whole
// from the apiserver's watch cache and decoded from protobuf in one go. client-go
// would otherwise ask for 500-object pages (the watch cache ignores the limit at
// resourceVersion=0, but not while it is still warming up, when pages come from
// etcd) or, with the WatchListClient feature on (client-go's default since 1.35),
// stream the objects as one watch event each. Streaming spares memory (43 MB
// allocated against 69 MB for 10,000 CSRs) but filled the cache 1.7 times slower
// (320 ms against 185 ms on a 1.37 apiserver, BenchmarkInitialSync10k), and the
// list's memory is garbage as soon as the store holds the objects.
func (c *Client) Watch(ctx context.Context, policy certs.Policy) (*Watcher, error) {
	w := c.newWatcher(policy)
	if err := w.start(ctx, c); err != nil {
		return nil, err
	}
	return w, nil
}

// Start is Watch without the wait: it returns at once, and the Watcher is
// Loaded once the initial lists are in. Before that it first checks, as
// Connect does, that the server answers. When either fails, Err says why and
// the Watcher stops; everything it started stops when ctx is done.
func (c *Client) Start(ctx context.Context, policy certs.Policy) *Watcher {
	w := c.newWatcher(policy)
	go func() {
		// A client built from kubectl's flags has not talked to the server yet
		// (New): the reachability check words an unreachable server best.
		if c.rest != nil {
			if err := c.Ping(ctx); err != nil {
				w.fail(err)
				return
			}
		}
		if err := w.start(ctx, c); err != nil {
			w.fail(err)
		}
	}()
	return w
}

func (c *Client) newWatcher(policy certs.Policy) *Watcher {
	w := &Watcher{
		policy:  policy,
		server:  c.Server,
		changed: make(chan struct{}, 1),
		loaded:  make(chan struct{}),
		dirty:   make(map[string]struct{}),
		entries: make(map[string]entry),
		health:  &health{},
	}
	w.dec.init(w.policy, w.poke)
	w.health.onChange = w.poke
	return w
}

// start fills the caches and marks the Watcher loaded, or says why it could not.
func (w *Watcher) start(ctx context.Context, c *Client) error {
	// ictx stops what was started when start fails; once it succeeds, ctx alone
	// decides when the informers stop.
	ictx, cancel := context.WithCancel(ctx)
	context.AfterFunc(ctx, cancel)
	factsDone := make(chan struct{})
	go func() {
		defer close(factsDone)
		w.facts = c.startFacts(ictx, w.markFacts)
	}()

	csrs := c.Interface.CertificatesV1().CertificateSigningRequests()
	inf, err := startInformer(ictx, informerSpec{
		list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return csrs.List(ctx, o)
		},
		watch:     csrs.Watch,
		object:    &certificatesv1.CertificateSigningRequest{},
		transform: w.requests.transform,
		handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    w.mark,
			UpdateFunc: func(_, obj any) { w.mark(obj) },
			DeleteFunc: func(obj any) {
				w.requests.deleted(obj)
				w.mark(obj)
			},
		},
		client: c.Interface,
		health: w.health,
		stream: c.streamList,
	})
	if err != nil {
		cancel()
		<-factsDone
		return listError(ctx, c.Server, err)
	}
	w.store = inf.GetStore()
	<-factsDone
	if err := ctx.Err(); err != nil {
		cancel()
		return err
	}
	w.dec.start(ictx)
	close(w.loaded) // store and facts are set: Snapshot may read them
	w.poke()
	return nil
}

// fail records why the Watcher could not start, for Err.
func (w *Watcher) fail(err error) {
	w.mu.Lock()
	w.startErr = err
	w.mu.Unlock()
	w.poke()
}

// Loaded reports whether the initial lists are in. Until then Snapshot is
// empty, and Err is nil or says why they never will be.
func (w *Watcher) Loaded() bool {
	select {
	case <-w.loaded:
		return true
	default:
		return false
	}
}

// Listed is closed once the initial lists are in (Loaded).
func (w *Watcher) Listed() <-chan struct{} { return w.loaded }

// Decoded is closed once every request of the initial list is decoded (and
// the next Snapshot has them all).
func (w *Watcher) Decoded() <-chan struct{} { return w.dec.drained }

// Changed receives a value whenever Snapshot would return something new, or Err
// changed. It has capacity 1, so a burst of events is one wake-up.
func (w *Watcher) Changed() <-chan struct{} { return w.changed }

// Err is the current problem with the connection to the apiserver, nil when the
// watch is healthy. The list keeps its last known content meanwhile. Before
// Loaded, it is nil or the reason the initial lists never came, which is final.
// After, the error says since when (Since) and whether retrying alone may
// mend it (Retrying): the informer retries either way.
func (w *Watcher) Err() error {
	if !w.Loaded() {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.startErr
	}
	if since, err := w.health.current(); err != nil {
		return watchError(w.server, err, since)
	}
	return nil
}

// Snapshot returns every CSR, summarized and sorted as the list shows them.
// Only CSRs that changed since the last call are looked at again, and when
// nothing changed the previous slice is returned as is. A CSR that changed is
// Unchecked (certs.Glance) until the decoders are done with it; Changed fires
// when they are. The slice and the summaries are shared: never modify them.
func (w *Watcher) Snapshot() []*certs.Summary {
	if !w.Loaded() {
		return nil
	}
	w.snapMu.Lock()
	defer w.snapMu.Unlock()

	w.mu.Lock()
	dirty := w.dirty
	if len(dirty) > 0 {
		w.dirty = make(map[string]struct{})
	}
	factsChanged := w.factsChanged
	w.factsChanged = false
	w.mu.Unlock()

	changed := !w.built
	var ed edits
	if factsChanged || !w.built {
		if f := w.facts.current(); !factsEqual(f, w.known) || !w.built {
			w.known = f
			w.factsVer++
			// Every finding depends on the facts: take them again. The
			// decoded requests stay as they are.
			for k, e := range w.entries {
				if !e.summary.Unchecked && e.factsVer != w.factsVer {
					e.summary, e.factsVer = certs.Relint(e.summary, w.policy, w.known), w.factsVer
					w.entries[k] = e
					changed, ed.all = true, true
				}
			}
		}
	}
	if !w.built {
		// The first snapshot holds every CSR of the initial list, read at once
		// after the marks were taken: it covers them.
		dirty = nil
		objs := w.store.List()
		w.entries = make(map[string]entry, len(objs))
		for _, obj := range objs {
			if csr, ok := obj.(*certificatesv1.CertificateSigningRequest); ok {
				w.entries[csr.Name] = w.glanceEntry(csr)
			}
		}
	}

	for key := range dirty {
		obj, exists, err := w.store.GetByKey(key)
		if err != nil || !exists {
			if e, ok := w.entries[key]; ok {
				delete(w.entries, key)
				ed.out = append(ed.out, e.summary)
				changed = true
			}
			continue
		}
		csr, ok := obj.(*certificatesv1.CertificateSigningRequest)
		if !ok {
			continue
		}
		// A key can be marked after a snapshot already read its object (the
		// store holds an object before its handler runs): nothing to redo then.
		e, ok := w.entries[key]
		if ok && e.uid == csr.UID && e.rv == csr.ResourceVersion {
			w.requests.forget(csr) // delivered again by a relist
			continue
		}
		if ok {
			ed.out = append(ed.out, e.summary)
		}
		g := w.glanceEntry(csr)
		w.entries[key] = g
		ed.in = append(ed.in, g.summary)
		changed = true
	}

	for key, d := range w.dec.take() {
		e, ok := w.entries[key]
		if !ok || e.csr != d.csr {
			continue // changed or gone since: a newer glance waits for its turn
		}
		s := d.summary
		if d.factsVer != w.factsVer {
			s = certs.Relint(s, w.policy, w.known)
		}
		w.entries[key] = entry{uid: e.uid, rv: e.rv, factsVer: w.factsVer, summary: s}
		ed.out, ed.in = append(ed.out, e.summary), append(ed.in, s)
		changed = true
	}

	if !changed {
		return w.snapshot
	}
	w.fitEntries()
	list, ok := ed.apply(w.snapshot, w.built)
	if !ok {
		list = make([]*certs.Summary, 0, len(w.entries))
		for _, e := range w.entries {
			list = append(list, e.summary)
		}
		certs.Sort(list)
	}
	w.snapshot = list
	w.built = true

	// What is still a glance goes to the decoders in the order of the list.
	var jobs []decodeJob
	for _, s := range list {
		if s.Unchecked {
			if e := w.entries[s.Name]; e.csr != nil && e.decodable {
				jobs = append(jobs, decodeJob{key: s.Name, csr: e.csr, request: e.request})
			}
		}
	}
	w.dec.queue(jobs, w.known, w.factsVer)
	return list
}

// minRoom is the size of entries below which a map's spare room is not worth
// a rebuild.
const minRoom = 1024

// fitEntries makes the map of entries anew once it holds under a quarter of
// what it once did: when the cleaner deletes a burst of 10,000 requests an
// hour after they were issued, say. w.snapMu is held.
func (w *Watcher) fitEntries() {
	w.room = max(w.room, len(w.entries))
	if w.room <= minRoom || len(w.entries) >= w.room/4 {
		return
	}
	fresh := make(map[string]entry, len(w.entries))
	for k, e := range w.entries {
		fresh[k] = e
	}
	w.entries, w.room = fresh, len(fresh)
}

// Summarize decodes and lints a CSR that is not in the list (one about to be
// created) as the last Snapshot did its own: the same policy and cluster facts.
func (w *Watcher) Summarize(csr *certificatesv1.CertificateSigningRequest) *certs.Summary {
	w.snapMu.Lock()
	facts := w.known
	w.snapMu.Unlock()
	return certs.Summarize(csr, w.policy, facts)
}

// edits are the summaries a Snapshot takes out of the list and puts in.
type edits struct {
	out, in []*certs.Summary
	all     bool // every summary changed
}

// maxEdits is how many summaries a snapshot moves in place; past that, sorting
// the whole list again is as quick.
const maxEdits = 256

// apply returns a sorted copy of the last snapshot with the edits made, in
// O(edits × log n) comparisons rather than a sort of every row: one new
// request in a list of 10,000 shows that much sooner. It fails when the
// edits are too many or the snapshot is not built.
func (ed *edits) apply(sorted []*certs.Summary, built bool) ([]*certs.Summary, bool) {
	if !built || ed.all || len(ed.out)+len(ed.in) > maxEdits {
		return nil, false
	}
	list := make([]*certs.Summary, len(sorted), len(sorted)+len(ed.in))
	copy(list, sorted)
	for _, s := range ed.out {
		i, found := slices.BinarySearchFunc(list, s, certs.Compare)
		if !found || list[i] != s {
			return nil, false
		}
		list = slices.Delete(list, i, i+1)
	}
	for _, s := range ed.in {
		i, _ := slices.BinarySearchFunc(list, s, certs.Compare)
		list = slices.Insert(list, i, s)
	}
	return list, true
}

// mark notes that the CSR behind an informer event changed. It runs on the
// informer's goroutine, so it does no more than that.
func (w *Watcher) mark(obj any) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return
	}
	w.mu.Lock()
	w.dirty[key] = struct{}{}
	w.mu.Unlock()
	w.poke()
}

// markFacts notes that the cluster facts may have changed.
func (w *Watcher) markFacts() {
	w.mu.Lock()
	w.factsChanged = true
	w.mu.Unlock()
	w.poke()
}

// poke wakes whoever waits on Changed, without ever blocking: a pending wake-up
// already covers this change.
func (w *Watcher) poke() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// dropManagedFields is the informers' transform: managed fields are a large share
// of every object and nothing in csrtui reads them. It mutates the object in
// place, which client-go allows for transforms since it runs before anyone else
// sees the object.
func dropManagedFields(obj any) (any, error) {
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}
