package demo

import (
	"slices"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/kube"
)

// waitTimeout bounds every wait on a condition: generous, because the machines
// running these tests are shared.
const waitTimeout = 60 * time.Second

// waitSnapshot waits, on Changed, until cond holds for a snapshot whose
// requests are all decoded, and returns it.
func waitSnapshot(t testing.TB, w *kube.Watcher, what string, cond func([]*certs.Summary) bool) []*certs.Summary {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		s := w.Snapshot()
		if cond(s) && !slices.ContainsFunc(s, func(x *certs.Summary) bool { return x.Unchecked }) {
			return s
		}
		select {
		case <-w.Changed():
		case <-timer.C:
			t.Fatalf("after %s: still waiting for %s", waitTimeout, what)
		}
	}
}

// find returns the summary named name, or nil.
func find(s []*certs.Summary, name string) *certs.Summary {
	for _, x := range s {
		if x.Name == name {
			return x
		}
	}
	return nil
}
