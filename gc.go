package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Once its list is decoded, the console holds the cluster's summaries and
// changes them by small edits, often not for minutes. Go's collector would
// still run every two minutes with nothing to collect (the runtime forces a
// collection when none ran for that long, runtime/proc.go forcegcperiod):
// with 10,000 requests live that is 0.1 to 0.3 s of CPU each time, more than
// everything else an idle console does. Only turning the percentage trigger
// off stops those (runtime/mgc.go gcTrigger.test skips the time trigger when
// GOGC is off).
//
// So the console's collector has two modes:
//   - at rest, nothing was allocated for restAfter: the heap's garbage is
//     collected and the free memory given back to the system once, then
//     GOGC is off and a memory limit, the memory in use plus headroom,
//     stands guard; nothing runs.
//   - active: the first collection the limit starts (something allocated its
//     headroom) puts Go's defaults back, GOGC=100 and no limit; restAfter
//     without a collection, it rests again.
//
// Only collections wake the pacer (a cleanup runs after each), and the one
// timer it keeps runs out once per rest.
type memoryPacer struct {
	mu      sync.Mutex
	resting bool
	// restCycles is the count of collections when it last came to rest:
	// the collection of that very step does not count as activity.
	restCycles uint64
	timer      *time.Timer
	restAfter  time.Duration
	samples    []metrics.Sample
	stopped    bool
}

const (
	// decodePercent is GOGC from the list to the first rest, while the
	// console decodes the requests into the summaries it keeps: collect
	// when the heap grew by a quarter rather than doubled, which keeps the
	// memory taken near what is live.
	decodePercent = 25
	// activePercent is GOGC while active: Go's default, a collection once
	// the heap doubled. What a burst of changes allocates is short-lived,
	// and the next rest gives the memory back: collecting at a quarter
	// instead marked the same live summaries four times as often, a fifth
	// of the console's CPU in a bulk approval of 1,000 (and a third more
	// CPU for the run than at 100).
	activePercent = 100
	// restAfter is how long without a collection means at rest.
	restAfter = 5 * time.Second
	// minHeadroom is the least the heap may grow at rest before a
	// collection, so that a few frames' garbage does not end the rest.
	minHeadroom = 4 << 20
)

// Metrics the pacer reads (runtime/metrics).
const (
	metricTotal    = "/memory/classes/total:bytes"
	metricReleased = "/memory/classes/heap/released:bytes"
	metricLive     = "/gc/heap/live:bytes"
	metricCycles   = "/gc/cycles/total:gc-cycles"
)

// startMemoryPacer brings the collector to rest now, which first gives the
// free memory back to the system, and keeps it paced as above. When the user
// set GOGC or GOMEMLIMIT theirs stands: it only gives the memory back, and
// returns a no-op. stop puts Go's defaults back.
func startMemoryPacer(getenv func(string) string) (stop func()) {
	return startPacer(getenv, restAfter)
}

func startPacer(getenv func(string) string, restAfter time.Duration) (stop func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		debug.FreeOSMemory()
		return func() {}
	}
	p := &memoryPacer{restAfter: restAfter, samples: []metrics.Sample{{Name: metricTotal}, {Name: metricReleased}, {Name: metricLive}, {Name: metricCycles}}}
	p.timer = time.AfterFunc(time.Hour, p.rest)
	p.timer.Stop()
	p.arm()
	p.rest()
	return p.stop
}

// restLimit is the memory limit at rest for a runtime that holds inUse
// bytes of memory (mapped, not given back), live of them in live objects.
func restLimit(inUse, live uint64) int64 {
	return int64(inUse + max(live/4, minHeadroom))
}

// read returns the memory in use, the live heap and the count of collections.
func (p *memoryPacer) read() (inUse, live, cycles uint64) {
	metrics.Read(p.samples)
	v := func(i int) uint64 {
		if p.samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return p.samples[i].Value.Uint64()
	}
	if total, released := v(0), v(1); total > released {
		inUse = total - released
	}
	return inUse, v(2), v(3)
}

// rest collects the garbage, gives the free memory back, and turns the
// percentage trigger off with the limit on guard.
func (p *memoryPacer) rest() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.resting {
		return
	}
	debug.FreeOSMemory()
	inUse, live, cycles := p.read()
	debug.SetMemoryLimit(restLimit(inUse, live))
	debug.SetGCPercent(-1)
	p.resting, p.restCycles = true, cycles
}

// collected runs after each collection: one that ends a rest makes the
// collector active; while active, each puts the rest off by restAfter.
func (p *memoryPacer) collected() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if p.resting {
		if _, _, cycles := p.read(); cycles <= p.restCycles {
			return // the collection that brought it to rest
		}
		debug.SetGCPercent(activePercent)
		debug.SetMemoryLimit(math.MaxInt64)
		p.resting = false
	}
	p.timer.Reset(p.restAfter)
}

// gcSentinel is allocated to be collected: its cleanup runs after the
// collection that finds it unreachable. It holds a pointer so that it is
// never one of the tiny allocations several share.
type gcSentinel struct{ _ *int }

// arm has the pacer hear of the next collection, and arm again.
func (p *memoryPacer) arm() {
	runtime.AddCleanup(&gcSentinel{}, func(p *memoryPacer) {
		p.collected()
		p.mu.Lock()
		stopped := p.stopped
		p.mu.Unlock()
		if !stopped {
			p.arm()
		}
	}, p)
}

// stop puts Go's defaults back: collection at GOGC=100, no limit.
func (p *memoryPacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.stopped = true
	p.timer.Stop()
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
}
