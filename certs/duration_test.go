package certs

import (
	"math"
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{45 * time.Second, "45s"},
		{10 * time.Minute, "10m"},
		{10*time.Minute + 30*time.Second, "10m 30s"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h 30m"},
		{24 * time.Hour, "24h"},
		{47*time.Hour + 59*time.Minute, "47h 59m"},
		{48 * time.Hour, "2d"},
		{30*day + 5*time.Hour, "30d 5h"},
		{365 * day, "365d"},
		{395 * day, "1y 30d"},
		{730 * day, "2y"},
		{-5 * time.Minute, "-5m"},
		{time.Duration(math.MinInt64), "-292y 171d"},
	} {
		if got := HumanDuration(tc.d); got != tc.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
