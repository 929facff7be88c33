package kube

import (
	"context"
	"slices"
	"sync"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Watcher is the live list of CSRs: a reflector lists and watches them into
// its store (summaries), which keeps each as its summary and notes which
// changed, and Snapshot edits those (and only those) into the list, sorted as
// it shows them.
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
	store   summaries
	facts   *factSource
	health  *health

	mu           sync.Mutex // guards factsChanged and startErr
	factsChanged bool
	startErr     error // why the initial lists never came (Start)

	snapMu   sync.Mutex // one Snapshot builds at a time; guards what follows
	snapshot []*certs.Summary
	built    bool
	known    certs.ClusterFacts
	factsVer int

	dec decoder
}

// Watch starts a reflector on CertificateSigningRequests, and informers on the
// nodes and RBAC roles and bindings the findings need when the admin may read
// them, and returns once they hold the initial lists. It fails when the initial
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
// list's memory is garbage as soon as the store holds its glances.
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
		health:  &health{},
	}
	w.store.init(w.policy, w.poke)
	w.dec.init(w.policy, w.poke)
	w.health.onChange = w.poke
	return w
}

// start fills the caches and marks the Watcher loaded, or says why it could not.
func (w *Watcher) start(ctx context.Context, c *Client) error {
	// ictx stops what was started when start fails; once it succeeds, ctx alone
	// decides when the reflector and informers stop.
	ictx, cancel := context.WithCancel(ctx)
	context.AfterFunc(ctx, cancel)
	factsDone := make(chan struct{})
	go func() {
		defer close(factsDone)
		w.facts = c.startFacts(ictx, w.markFacts)
	}()

	csrs := c.Interface.CertificatesV1().CertificateSigningRequests()
	err := startReflector(ictx, informerSpec{
		list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return csrs.List(ctx, o)
		},
		watch:  csrs.Watch,
		object: &certificatesv1.CertificateSigningRequest{},
		client: c.Interface,
		health: w.health,
		stream: c.streamList,
	}, &w.store)
	if err != nil {
		cancel()
		<-factsDone
		return listError(ctx, c.Server, err)
	}
	<-factsDone
	if err := ctx.Err(); err != nil {
		cancel()
		return err
	}
	w.dec.start(ictx)
	close(w.loaded) // the list and facts are in: Snapshot may read them
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
// mend it (Retrying): the reflector retries either way.
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
	factsChanged := w.factsChanged
	w.factsChanged = false
	w.mu.Unlock()

	relint := false
	if factsChanged || !w.built {
		if f := w.facts.current(); !factsEqual(f, w.known) || !w.built {
			w.known = f
			w.factsVer++
			relint = w.built // a first snapshot has glances only
		}
	}
	decoded := w.dec.take()

	st := &w.store
	st.mu.Lock()
	changed := !w.built
	var ed edits
	if relint {
		// Every finding depends on the facts: take them again. The decoded
		// requests stay as they are.
		for name, s := range st.byName {
			if !s.Unchecked {
				st.byName[name] = certs.Relint(s, w.policy, w.known)
				changed, ed.all = true, true
			}
		}
	}
	// The first snapshot shows every summary: no change was noted before.
	for name, shown := range st.changed {
		if shown != nil {
			ed.out = append(ed.out, shown)
		}
		if s, ok := st.byName[name]; ok {
			ed.in = append(ed.in, s)
		}
		changed = true
	}
	st.changed, st.shown = nil, true
	for name, d := range decoded {
		// A glance changed or gone since was noted, and its newer version
		// waits for its turn.
		if obj, ok := st.objects[name]; !ok || obj != d.csr {
			continue
		}
		s := d.summary
		if d.factsVer != w.factsVer {
			s = certs.Relint(s, w.policy, w.known)
		}
		ed.out, ed.in = append(ed.out, st.byName[name]), append(ed.in, s)
		st.byName[name] = s
		st.decoded(name)
		changed = true
	}
	if !changed {
		st.mu.Unlock()
		return w.snapshot
	}
	list, edited := ed.apply(w.snapshot, w.built)
	if !edited {
		list = make([]*certs.Summary, 0, len(st.byName))
		for _, s := range st.byName {
			list = append(list, s)
		}
	}
	st.mu.Unlock()
	if !edited {
		certs.Sort(list)
	}
	w.snapshot = list
	w.built = true

	// What is still a glance goes to the decoders in the order of the list,
	// unless it changed since it was put in the list: the next snapshot
	// shows it as it is now.
	var jobs []decodeJob
	st.mu.Lock()
	for _, s := range list {
		if s.Unchecked && st.byName[s.Name] == s {
			if obj := st.objects[s.Name]; obj != nil {
				jobs = append(jobs, decodeJob{key: s.Name, csr: obj, prior: st.priors[s.Name]})
			}
		}
	}
	st.mu.Unlock()
	w.dec.queue(jobs, w.known, w.factsVer)
	return list
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
