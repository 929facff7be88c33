package kube

import (
	"context"
	goruntime "runtime"
	"sync"

	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// decoder turns glances into full summaries in the background: decoding a
// request means checking its signature, about 100 µs of CPU for ECDSA, a
// second or two for 10,000 requests on a small machine. It leaves one CPU to
// the screen and the keys.
type decoder struct {
	policy certs.Policy
	done   func() // called after each decoded summary (Watcher.poke)

	mu       sync.Mutex
	cond     *sync.Cond
	jobs     []decodeJob                                        // next first
	busy     map[*certificatesv1.CertificateSigningRequest]bool // being decoded
	results  map[string]decoded
	facts    certs.ClusterFacts
	factsVer int
	stopped  bool

	drained     chan struct{} // closed the first time nothing is left to decode
	drainedOnce sync.Once
}

// decodeJob is one glance to decode: the object it was made from, and the
// summary of the request's version decoded before, if any.
type decodeJob struct {
	key   string
	csr   *certificatesv1.CertificateSigningRequest
	prior *certs.Summary
}

// decoded is a full summary of csr, its findings taken with facts factsVer.
type decoded struct {
	csr      *certificatesv1.CertificateSigningRequest
	factsVer int
	summary  *certs.Summary
}

func (d *decoder) init(p certs.Policy, done func()) {
	d.policy, d.done = p, done
	d.cond = sync.NewCond(&d.mu)
	d.busy = map[*certificatesv1.CertificateSigningRequest]bool{}
	d.results = map[string]decoded{}
	d.drained = make(chan struct{})
}

// checkDrained closes drained once nothing waits or is being decoded. d.mu is held.
func (d *decoder) checkDrained() {
	if len(d.jobs) == 0 && len(d.busy) == 0 {
		d.drainedOnce.Do(func() { close(d.drained) })
	}
}

// start runs the workers until ctx is done.
func (d *decoder) start(ctx context.Context) {
	context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.stopped = true
		d.mu.Unlock()
		d.cond.Broadcast()
	})
	for range max(goruntime.GOMAXPROCS(0)-1, 1) {
		go d.work()
	}
}

// queue replaces what waits to be decoded; facts are those to lint with.
func (d *decoder) queue(jobs []decodeJob, facts certs.ClusterFacts, factsVer int) {
	d.mu.Lock()
	d.jobs = jobs[:0:0]
	for _, j := range jobs {
		if !d.busy[j.csr] {
			d.jobs = append(d.jobs, j)
		}
	}
	d.facts, d.factsVer = facts, factsVer
	d.checkDrained()
	d.mu.Unlock()
	d.cond.Broadcast()
}

// take returns the summaries decoded since the last call, by key.
func (d *decoder) take() map[string]decoded {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.results) == 0 {
		return nil
	}
	r := d.results
	d.results = map[string]decoded{}
	return r
}

func (d *decoder) work() {
	for {
		d.mu.Lock()
		for len(d.jobs) == 0 && !d.stopped {
			d.cond.Wait()
		}
		if d.stopped {
			d.mu.Unlock()
			return
		}
		j := d.jobs[0]
		// The slot lets go of the object: what is left of the slice keeps
		// its whole array, and the object must go once decoded.
		d.jobs[0] = decodeJob{}
		d.jobs = d.jobs[1:]
		d.busy[j.csr] = true
		facts, ver := d.facts, d.factsVer
		d.mu.Unlock()

		s := certs.SummarizeSince(j.csr, j.prior, d.policy, facts)

		d.mu.Lock()
		delete(d.busy, j.csr)
		d.results[j.key] = decoded{csr: j.csr, factsVer: ver, summary: s}
		d.checkDrained()
		d.mu.Unlock()
		d.done()
	}
}
