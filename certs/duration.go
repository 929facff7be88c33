package certs

import (
	"strconv"
	"time"
)

// HumanDuration renders a duration as an admin reads it: "10m", "24h", "365d",
// "1y 30d". At most two units, the smaller one dropped when zero; lower units
// are truncated, never rounded up, so a lifetime is never overstated.
// Up to 48h it counts hours (as kubectl's REQUESTEDDURATION column does,
// k8s.io/apimachinery/pkg/util/duration), up to 365 days it counts days.
func HumanDuration(d time.Duration) string {
	if d < 0 {
		if d == -d { // math.MinInt64 has no positive counterpart
			d = -(d + 1)
		} else {
			d = -d
		}
		return "-" + HumanDuration(d)
	}
	const day = 24 * time.Hour
	const year = 365 * day
	switch {
	case d < time.Minute:
		return unit(int64(d/time.Second), "s")
	case d < time.Hour:
		return two(int64(d/time.Minute), "m", int64(d%time.Minute/time.Second), "s")
	case d < 48*time.Hour:
		return two(int64(d/time.Hour), "h", int64(d%time.Hour/time.Minute), "m")
	case d <= year:
		return two(int64(d/day), "d", int64(d%day/time.Hour), "h")
	default:
		return two(int64(d/year), "y", int64(d%year/day), "d")
	}
}

func unit(n int64, u string) string { return strconv.FormatInt(n, 10) + u }

func two(a int64, ua string, b int64, ub string) string {
	if b == 0 {
		return unit(a, ua)
	}
	return unit(a, ua) + " " + unit(b, ub)
}
