package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/csrtui/csrtui/certs"
)

// Every string from the API goes through certs.Sanitize before any of these,
// and is measured with certs.Width: these helpers only cut and pad.

// fit cuts sanitized text s (of display width sw) to exactly w cells, padding
// with spaces.
func fit(s string, sw, w int) string {
	if w <= 0 {
		return ""
	}
	if sw > w {
		s = certs.Truncate(s, w)
		sw = certs.Width(s)
	}
	if sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// clip cuts sanitized text to at most w cells without padding.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if certs.Width(s) <= w {
		return s
	}
	return certs.Truncate(s, w)
}

// wrap breaks sanitized text into lines of at most w cells.
func wrap(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	if certs.Width(s) <= w && !strings.Contains(s, "\n") {
		return []string{s}
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

// cutLine fits sanitized text on one line of at most w cells. What does not
// fit is cut, visibly, saying how much: "… 1,480 more characters" (or
// "…+1,480" where that would leave less than half the line).
func cutLine(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if certs.Width(s) <= w {
		return s
	}
	total := utf8.RuneCountInString(s)
	// The tail is measured for the whole text: what it says is never longer.
	tail := longTail
	room := w - certs.Width(tail(total))
	if room < w/2 {
		tail = shortTail
		room = w - certs.Width(tail(total))
	}
	if room < 1 {
		return certs.Truncate(s, w)
	}
	head := ansi.Truncate(s, room, "")
	return head + tail(total-utf8.RuneCountInString(head))
}

func longTail(n int) string {
	if n == 1 {
		return " … 1 more character"
	}
	return " … " + thousands(n) + " more characters"
}

func shortTail(n int) string { return "…+" + thousands(n) }

// thousands writes n with a comma every three digits: 1,480.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// cutLines wraps sanitized text into at most n lines of at most w cells; the
// last is cut as cutLine cuts.
func cutLines(s string, w, n int) []string {
	ls := wrap(s, w)
	if len(ls) <= n || n < 1 {
		return ls
	}
	// The first n-1 lines as wrapped, then the rest from where they end.
	rest := s
	for _, l := range ls[:n-1] {
		rest = strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(rest, l) { // wrapping changed the text: cut by cells
			head := ansi.Truncate(s, w, "")
			return append([]string{head}, cutLines(s[len(head):], w, n-1)...)
		}
		rest = rest[len(l):]
	}
	return append(ls[:n-1:n-1], cutLine(strings.TrimLeft(rest, " "), w))
}

// age renders how long ago t was, as kubectl get does: 45s, 5m, 3h, 12d, 2y.
func age(now, t time.Time) string {
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
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	default:
		return fmt.Sprintf("%dy", int(d/(365*24*time.Hour)))
	}
}

// ageChangesIn is how long until age(now, t) shows a different text.
func ageChangesIn(now, t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	d := now.Sub(t)
	var unit time.Duration
	switch {
	case d < 0:
		return -d + time.Second
	case d < time.Minute:
		unit = time.Second
	case d < time.Hour:
		unit = time.Minute
	case d < 24*time.Hour:
		unit = time.Hour
	default:
		unit = 24 * time.Hour
	}
	return unit - d%unit
}

// timeText renders an absolute time with how long ago (or until) it is.
func timeText(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	stamp := t.UTC().Format("2006-01-02 15:04:05Z")
	d := now.Sub(t)
	if d >= 0 {
		return stamp + " (" + age(now, t) + " ago)"
	}
	return stamp + " (in " + certs.HumanDuration(-d) + ")"
}

// joinSanitized sanitizes each raw value and joins them.
func joinSanitized(vals []string, sep string) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = certs.Sanitize(v)
	}
	return strings.Join(out, sep)
}

// subjectText is the list's SUBJECT cell: the CN and the O of the request.
func subjectText(s *certs.Summary) string {
	if s.Request == nil {
		return "(undecodable)"
	}
	cn := certs.Sanitize(s.Request.CommonName)
	if cn == "" {
		cn = `""`
	}
	if len(s.Request.Organizations) == 0 {
		return cn
	}
	return cn + " O=" + joinSanitized(s.Request.Organizations, ",")
}

// shortestSigner names Kubernetes' own signers in the narrowest columns, where
// dropping "kubernetes.io/" is not enough.
var shortestSigner = map[string]string{
	certs.KubeAPIServerClientSignerName:        "client",
	certs.KubeAPIServerClientKubeletSignerName: "kubelet-client",
}

// signerForms returns the signer name, longest first. Only exact built-in names
// are shortened: a custom signer keeps its domain so it can't pass for a
// built-in one.
func signerForms(signer string) [3]string {
	full := certs.Sanitize(signer)
	if !certs.IsBuiltinSigner(signer) {
		return [3]string{full, full, full}
	}
	short := strings.TrimPrefix(signer, "kubernetes.io/")
	shortest, ok := shortestSigner[signer]
	if !ok {
		shortest = short
	}
	return [3]string{full, short, shortest}
}

func durationText(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return certs.HumanDuration(d)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
