package certs

import (
	"strconv"
	"strings"
	"time"
)

// The columns of `csrtui list`: the console's, then the risk and the worst
// finding. The wide form adds the lifetime the signer will really give, every
// finding's id and the UID. Cells are raw: whoever prints them sanitizes them.
// The CONDITION of a pending request a newer one repeats is "superseded"
// (Backlog): csrtui's word, in lower case, not a condition of the cluster's.
var (
	TableColumns = []string{"NAME", "AGE", "SIGNER", "REQUESTOR", "SUBJECT", "DURATION", "CONDITION", "RISK", "FINDING"}
	WideColumns  = append(TableColumns[:len(TableColumns):len(TableColumns)], "EFFECTIVE", "FINDINGS", "UID")
)

// TableRow is one summary's cells for TableColumns, or WideColumns when wide;
// b is the backlog of the whole list.
func TableRow(s *Summary, now time.Time, wide bool, b Backlog) []string {
	risk, worst := "-", "-"
	var ids []string
	for _, f := range s.Findings { // worst first
		if f.ID == FindingDecided {
			continue
		}
		if worst == "-" {
			risk, worst = f.Severity.String(), f.ID
		}
		ids = append(ids, f.ID)
	}
	row := []string{s.Name, Age(now, s.Created), s.Signer, s.Username, SubjectLine(s), lifetime(s.RequestedDuration), b.Condition(s), risk, worst}
	if !wide {
		return row
	}
	all := "-"
	if len(ids) > 0 {
		all = strings.Join(ids, ",")
	}
	return append(row, lifetime(s.EffectiveDuration), all, s.UID)
}

// SubjectLine is the request's CN and O values in one cell: `jane O=dev,ops`,
// `""` for an empty CN, "(undecodable)" when the request can't be decoded.
func SubjectLine(s *Summary) string {
	if s.Request == nil {
		return "(undecodable)"
	}
	cn := s.Request.CommonName
	if cn == "" {
		cn = `""`
	}
	if len(s.Request.Organizations) == 0 {
		return cn
	}
	return cn + " O=" + strings.Join(s.Request.Organizations, ",")
}

func lifetime(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return HumanDuration(d)
}

// Age renders how long ago t was, as `kubectl get` does: 45s, 5m, 3h, 12d, 2y.
func Age(now, t time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	d := now.Sub(t)
	switch {
	case d < -time.Second:
		return "<invalid>"
	case d < 0:
		return "0s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d < 365*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	default:
		return strconv.Itoa(int(d/(365*24*time.Hour))) + "y"
	}
}
