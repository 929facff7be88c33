package main

import (
	"strings"
	"testing"
)

// A ratio over kubectl's median of 0 (both idle in the minute measured) is
// no number: the table shows none, and the figure's own goal decides.
func TestTableShowsNoRatioOverZero(t *testing.T) {
	var b strings.Builder
	printTable(&b, []*figure{
		{name: "idle", csrtui: []float64{0, 0.017, 0}, kubectl: []float64{0, 0, 0}, goal: 0.1, absolute: true},
		{name: "start", csrtui: []float64{0.3}, kubectl: []float64{2.4}, goal: 0.25},
	})
	out := b.String()
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Fatalf("a ratio over 0 was printed:\n%s", out)
	}
	ratios := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 5 {
			ratios[f[0]] = f[5]
		}
	}
	if ratios["idle"] != "-" || ratios["start"] != "0.12" {
		t.Errorf("ratios %v, want idle - and start 0.12:\n%s", ratios, out)
	}
}
