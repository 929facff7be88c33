package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestRestLimit(t *testing.T) {
	const mb = 1 << 20
	if got := restLimit(60*mb, 40*mb); got != 70*mb {
		t.Errorf("restLimit(60 MB, 40 MB live) = %d MB, want 70: a quarter of live more", got/mb)
	}
	if got := restLimit(20*mb, 8*mb); got != 24*mb {
		t.Errorf("restLimit(20 MB, 8 MB live) = %d MB, want 24: at least minHeadroom more", got/mb)
	}
}

// gcSettings reads GOGC and the memory limit without changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// A GOGC or GOMEMLIMIT of the user's stands: the pacer changes nothing.
func TestMemoryPacerLeavesTheUsersSettings(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		stop := startPacer(func(k string) string {
			if k == env {
				return "50"
			}
			return ""
		}, time.Hour)
		if pct, lim := gcSettings(); pct != 100 || lim != math.MaxInt64 {
			t.Errorf("with %s set: GOGC %d, limit %d; want both left as they were", env, pct, lim)
		}
		stop()
	}
}

// At rest GOGC is off (no collection forced every two minutes) and a limit
// stands guard; allocating past it makes the collector active, at Go's
// defaults; restAfter without a collection, it rests again.
func TestMemoryPacerRestsAndWakes(t *testing.T) {
	stop := startPacer(func(string) string { return "" }, 100*time.Millisecond)
	defer func() {
		stop()
		if pct, lim := gcSettings(); pct != 100 || lim != math.MaxInt64 {
			t.Errorf("after stop: GOGC %d, limit %d; want Go's defaults", pct, lim)
		}
	}()
	pct, lim := gcSettings()
	if pct != -1 || lim == math.MaxInt64 {
		t.Fatalf("at rest: GOGC %d, limit %d; want GOGC off and a limit", pct, lim)
	}

	// Allocate past the limit's headroom: the collection it starts wakes
	// the collector.
	var sink []byte
	waitFor(t, "the collector active", func() bool {
		for range 64 {
			sink = make([]byte, 1<<20)
		}
		pct, lim := gcSettings()
		return pct == activePercent && lim == math.MaxInt64
	})
	runtime.KeepAlive(sink)

	// Nothing allocated for restAfter: at rest again.
	waitFor(t, "the collector at rest again", func() bool {
		pct, lim := gcSettings()
		return pct == -1 && lim != math.MaxInt64
	})
}

// waitFor waits until ok holds, for up to 10 s.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
