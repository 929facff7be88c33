package ui

import (
	"fmt"
	"slices"
	"time"

	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

func benchHarness(b *testing.B, ss []*certs.Summary) *harness {
	return newHarness(b, 160, 50, ss)
}

// BenchmarkViewList10k renders the list screen over 10,000 CSRs.
func BenchmarkViewList10k(b *testing.B) {
	h := benchHarness(b, manySummaries(10_000))
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.press("j", "j")
	b.ReportAllocs()
	for b.Loop() {
		_ = h.m.View()
	}
}

// BenchmarkSnapshot10k delivers a new snapshot of 10,000 CSRs in which 1%
// changed (new Summary values), as an informer burst would.
func BenchmarkSnapshot10k(b *testing.B) {
	ss := manySummaries(10_000)
	h := benchHarness(b, ss)
	next := make([]*certs.Summary, len(ss))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		copy(next, ss)
		for j := i % 100; j < len(next); j += 100 {
			c := *next[j]
			next[j] = &c
		}
		h.m.Update(snapshotMsg{summaries: next})
		ss, next = next, ss
	}
}

// BenchmarkSnapshot10kAllNew delivers 10,000 CSRs none of which was seen
// before (the first list, or a resync).
func BenchmarkSnapshot10kAllNew(b *testing.B) {
	h := benchHarness(b, nil)
	a, c := manySummaries(10_000), manySummaries(10_000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			h.m.Update(snapshotMsg{summaries: a})
		} else {
			h.m.Update(snapshotMsg{summaries: c})
		}
	}
}

// BenchmarkFilterKeystroke10k types into the filter over 10,000 CSRs: each
// keystroke narrows the list live.
func BenchmarkFilterKeystroke10k(b *testing.B) {
	h := benchHarness(b, manySummaries(10_000))
	h.press("/")
	h.typeText("csr-node")
	keys := []tea.KeyPressMsg{{Code: '1', Text: "1"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.m.Update(keys[i%2])
	}
}

// BenchmarkKeystroke10k times what each keystroke costs the console over
// 10,000 CSRs: Update, then View, as Bubble Tea runs them. The keys are what an
// admin types most: moving, paging, and typing and erasing a filter. Besides
// the mean it reports the 99th percentile of single keystrokes, which is what
// the admin feels.
func BenchmarkKeystroke10k(b *testing.B) {
	for _, size := range []struct{ w, h int }{{200, 60}, {80, 24}} {
		b.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(b *testing.B) {
			h := newHarness(b, size.w, size.h, manySummaries(10_000))
			var keys []tea.KeyPressMsg
			for _, k := range []string{"j", "j", "j", "k", "pgdown", "pgdown", "k", "pgup", "j"} {
				keys = append(keys, keyPress(k))
			}
			keys = append(keys, keyPress("/"))
			for _, r := range "node-1" {
				keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			for range "node-1" {
				keys = append(keys, tea.KeyPressMsg{Code: tea.KeyBackspace})
			}
			keys = append(keys, keyPress("esc"))
			var took []time.Duration
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				h.m.Update(keys[i%len(keys)])
				_ = h.m.View()
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}
