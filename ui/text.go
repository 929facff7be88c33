package ui

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/csrtui/csrtui/certs"
)

// The helpers that put text on screen take certs.Text, which only the
// sanitizer makes: a raw string from the API passed to any of them does not
// compile. They return what is written to the terminal.

// lit passes the console's own words through the sanitizer too, the one door
// to the screen: cheap for ASCII, and proof that nothing hostile is in them.
// Never give it text that is already rendered: it would escape it again.
func lit(s string) certs.Text { return certs.Sanitize(s) }

// paint renders text in a style.
func paint(st lipgloss.Style, t certs.Text) string { return st.Render(t.String()) }

// fit cuts text t (of display width tw) to exactly w cells, padding with
// spaces.
func fit(t certs.Text, tw, w int) string {
	if w <= 0 {
		return ""
	}
	if tw > w {
		t = certs.Truncate(t, w)
		tw = certs.Width(t)
	}
	if tw < w {
		return t.String() + strings.Repeat(" ", w-tw)
	}
	return t.String()
}

// clip cuts text to at most w cells without padding.
func clip(t certs.Text, w int) string {
	if w <= 0 {
		return ""
	}
	if certs.Width(t) <= w {
		return t.String()
	}
	return certs.Truncate(t, w).String()
}

// wrap breaks text into lines of at most w cells.
func wrap(t certs.Text, w int) []string {
	if w < 1 {
		w = 1
	}
	s := t.String()
	if certs.Width(t) <= w && !strings.Contains(s, "\n") {
		return []string{s}
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

// cutLine fits text on one line of at most w cells. What does not fit is cut,
// visibly, saying how much: "… 1,480 more characters" (or "…+1,480" where that
// would leave less than half the line).
func cutLine(t certs.Text, w int) string {
	if w <= 0 {
		return ""
	}
	if certs.Width(t) <= w {
		return t.String()
	}
	total := utf8.RuneCountInString(t.String())
	// The tail is measured for the whole text: what it says is never longer.
	tail := longTail
	room := w - len([]rune(tail(total)))
	if room < w/2 {
		tail = shortTail
		room = w - len([]rune(tail(total)))
	}
	if room < 1 {
		return clip(t, w)
	}
	head, _ := t.Cut(room)
	return head.String() + tail(total-utf8.RuneCountInString(head.String()))
}

// longTail and shortTail say how many characters were cut: digits, spaces
// and "…", one cell each.
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

// cutLines wraps text into at most n lines of at most w cells; the last is
// cut as cutLine cuts.
func cutLines(t certs.Text, w, n int) []string {
	ls := wrap(t, w)
	if len(ls) <= n || n < 1 {
		return ls
	}
	// The first n-1 lines as wrapped, then the rest from where they end.
	rest := t
	for _, l := range ls[:n-1] {
		_, rest = rest.Cut(leadingSpaces(rest.String()))
		var head certs.Text
		head, rest = rest.Cut(ansi.StringWidth(l))
		if head.String() != l { // wrapping changed the text: cut by cells instead
			head, rest := t.Cut(w)
			return append([]string{head.String()}, cutLines(rest, w, n-1)...)
		}
	}
	_, rest = rest.Cut(leadingSpaces(rest.String()))
	return append(ls[:n-1:n-1], cutLine(rest, w))
}

func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// age renders how long ago t was, as kubectl get does: one rule for the
// console and the commands (certs.Age).
func age(now, t time.Time) string { return certs.Age(now, t) }

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

// until renders how long until t as age renders how long since: 45s, 5m,
// 3h, 12d; "now" once it has come.
func until(now, t time.Time) string {
	if !t.After(now) {
		return "now"
	}
	// The countdown shows whole units, as AGE does: what is left, cut down.
	return age(now, now.Add(-t.Sub(now)))
}

// untilChangesIn is how long until until(now, t) shows a different text.
func untilChangesIn(now, t time.Time) time.Duration {
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	unit := time.Second
	switch {
	case d < time.Minute:
	case d < time.Hour:
		unit = time.Minute
	case d < 24*time.Hour:
		unit = time.Hour
	default:
		unit = 24 * time.Hour
	}
	// The text shows d cut down to whole units: it changes as soon as d
	// drops below the whole number it shows.
	return max(d%unit, time.Millisecond)
}

// humanChangesIn is how long until certs.HumanDuration of a time left, d,
// shows a different text: it counts seconds under an hour, minutes under 48
// hours, hours up to a year, and days past it, each cut down to whole units.
func humanChangesIn(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	const day = 24 * time.Hour
	unit := time.Second
	switch {
	case d < time.Hour:
	case d < 48*time.Hour:
		unit = time.Minute
	case d <= 365*day:
		unit = time.Hour
	default:
		unit = day
	}
	return max(d%unit, time.Millisecond)
}

// timeText renders an absolute time with how long ago (or until) it is.
func timeText(now, t time.Time) certs.Text {
	if t.IsZero() {
		return lit("-")
	}
	stamp := t.UTC().Format("2006-01-02 15:04:05Z")
	d := now.Sub(t)
	if d >= 0 {
		return lit(stamp + " (" + age(now, t) + " ago)")
	}
	return lit(stamp + " (in " + certs.HumanDuration(-d) + ")")
}

// joinSanitized sanitizes each raw value and joins them.
func joinSanitized(vals []string, sep string) certs.Text {
	out := make([]certs.Text, len(vals))
	for i, v := range vals {
		out[i] = certs.Sanitize(v)
	}
	return certs.Join(out, lit(sep))
}

// subjectText is the list's SUBJECT cell: the CN and the O of the request.
func subjectText(s *certs.Summary) certs.Text {
	if s.Unchecked {
		return lit("…") // decoded in a moment
	}
	if s.Request == nil {
		return lit("(undecodable)")
	}
	cn := certs.Sanitize(s.Request.CommonName)
	if s.Request.CommonName == "" {
		cn = lit(`""`)
	}
	if len(s.Request.Organizations) == 0 {
		return cn
	}
	return certs.Concat(cn, lit(" O="), joinSanitized(s.Request.Organizations, ","))
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
func signerForms(signer string) [3]certs.Text {
	full := certs.Sanitize(signer)
	if !certs.IsBuiltinSigner(signer) {
		return [3]certs.Text{full, full, full}
	}
	short := strings.TrimPrefix(signer, "kubernetes.io/")
	shortest, ok := shortestSigner[signer]
	if !ok {
		shortest = short
	}
	return [3]certs.Text{full, lit(short), lit(shortest)}
}

func durationText(d time.Duration) certs.Text {
	if d <= 0 {
		return lit("-")
	}
	return lit(certs.HumanDuration(d))
}
