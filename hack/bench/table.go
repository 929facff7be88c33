package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"
)

// figure is one row of the table: csrtui's and kubectl's value in each run, and the
// goal, on csrtui's value (absolute) or on the ratio of the medians. Lower is better
// for every figure.
type figure struct {
	name            string
	csrtui, kubectl []float64
	goal            float64
	absolute        bool
}

func printTable(out io.Writer, figs []*figure) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "figure\tcsrtui\tkubectl\tratio\tgoal\tpass/fail")
	for _, f := range figs {
		ratio := "-" // none without both, nor over a kubectl median of 0 (idle CPU can be)
		if len(f.csrtui) > 0 && len(f.kubectl) > 0 && median(f.kubectl) > 0 {
			ratio = fmt.Sprintf("%.2f", median(f.csrtui)/median(f.kubectl))
		}
		goal := fmt.Sprintf("<= %g", f.goal)
		if !f.absolute {
			goal = fmt.Sprintf("ratio <= %g", f.goal)
		}
		result := "not measured"
		if len(f.csrtui) > 0 {
			v := median(f.csrtui)
			if !f.absolute {
				v = median(f.csrtui) / median(f.kubectl)
			}
			result = "pass"
			if v > f.goal {
				result = "FAIL"
			}
		}
		_, _ = fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", f.name, spread(f.csrtui), spread(f.kubectl), ratio, goal, result)
	}
	_ = w.Flush()
}

// spread is "median (min-max)" of the runs.
func spread(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%s-%s)", num(median(v)), num(slices.Min(v)), num(slices.Max(v)))
}

// num prints three significant digits at most.
func num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func median(v []float64) float64 {
	return quantile(v, 0.5)
}

// p99 is the smallest value at least 99% of v are at or below.
func p99(v []float64) float64 {
	return quantile(v, 0.99)
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	if q == 0.5 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}
