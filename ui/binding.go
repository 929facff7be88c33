package ui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// A dialog that decides or exports is bound to what it showed: the object,
// by UID (CSR names are reused: a pending request is deleted after 24 hours,
// and anyone who may create CSRs may take a free name), and the facts on
// screen. Every snapshot and every access answer is compared with them. When
// they drift the dialog closes: the reason goes on the status line, and a
// notice takes the dialog's place until esc, so that keys typed ahead (a name,
// a y) never act on a request, or on facts, the dialog did not show.
//
// It does not reopen with the new facts: a reopened dialog would take the
// very next key, typed before the admin could read what changed. The one
// exception is the approval waiting for the cluster's answers about the
// identity (it says so, and needs the typed name meanwhile): it takes them in
// place, clearing what was typed, and needs the name from then on if they
// changed its findings (confirmDialog.takeAnswers).

// binding is what a dialog showed of its CSR.
type binding struct {
	name string // raw
	uid  string
	kind bindKind
	// findings are those shown (ID, severity and title count; the detail is
	// not shown in a dialog), for bindFindings.
	findings []certs.Finding
	// sum is the SHA-256 of the status.certificate the export offers to
	// write, for bindCertificate: the console keeps no certificate bytes
	// (certread.go).
	sum certs.CertificateSum
	// undone says what did not happen when the dialog closes: "approved".
	undone string
	// decides: the dialog approves or denies the request, which was pending.
	decides bool
}

// bindKind is which facts a dialog showed besides the object itself.
type bindKind int

const (
	// bindObject: the deny prompt shows the name alone; denying the object
	// the admin named is never less safe because a finding changed.
	bindObject bindKind = iota
	bindFindings
	bindCertificate
)

// boundDialog is a dialog bound to what it showed.
type boundDialog interface {
	dialog
	bound() *binding
}

// drift says how the current snapshot differs from what b showed, and is
// empty when it does not. findingsOf gives the findings a dialog would show
// now.
func (b *binding) drift(l *listModel, findingsOf func(*certs.Summary) []certs.Finding, now time.Time) certs.Text {
	name := quoted(b.name)
	cur := l.byUID(b.uid)
	switch {
	case decidedMeanwhile(b, l):
		// Another admin decided while the dialog was open: say what the
		// cluster records of it (its decision is final).
		what := "decided"
		if d := cur.Decision(); d != nil {
			what = d.Describe(now)
		}
		return certs.Concat(name, lit(" was "), certs.Sanitize(what), lit(" while you had it open."))
	case cur == nil && l.byName(b.name) != nil:
		return certs.Concat(name, lit(" was replaced by a different request since you opened it; look again."))
	case cur == nil:
		return certs.Concat(name, lit(" is gone (deleted, or cleaned up by the cluster) since you opened it."))
	case b.kind == bindFindings && !sameFindings(b.findings, findingsOf(cur)):
		return certs.Concat(lit("The findings of "), name, lit(" changed since you opened it: look again."))
	case b.kind == bindCertificate && b.sum != cur.CertificateSum:
		return certs.Concat(lit("The certificate of "), name, lit(" changed since you opened it: look again."))
	}
	return certs.Text{}
}

// sameFindings compares what a dialog shows of findings: their IDs,
// severities (and so the worst) and titles, in order.
func sameFindings(a, b []certs.Finding) bool {
	return slices.EqualFunc(a, b, func(x, y certs.Finding) bool {
		return x.ID == y.ID && x.Severity == y.Severity && x.Title == y.Title
	})
}

// quoted is a raw value, sanitized, in double quotes.
func quoted(raw string) certs.Text { return certs.Concat(lit(`"`), certs.Sanitize(raw), lit(`"`)) }

// recheckDialog compares the open dialog with the current snapshot and, when
// what it showed has drifted, closes it for a notice.
func (m *Model) recheckDialog() {
	switch d := m.dialog.(type) {
	case *bulkConfirmDialog:
		// A plan follows the list: each request is checked again when the run
		// gets to it.
		d.setPlan(m.bulkPlan(d.plan.act))
	case *bulkRunDialog:
		m.recheckRun(d)
	case *lookAgainDialog:
		// Keep following the object: gone, then back under its name, is replaced.
		// A decision, once said, stays the reason: only its age would change.
		decided := decidedMeanwhile(d.b, &m.list)
		if decided && d.decided {
			return
		}
		if why := d.b.drift(&m.list, m.findingsOf, m.now()); why.String() != "" && why != d.why {
			d.title, d.why, d.decided = "Look again", why, decided
			m.setStatus(errStatus(why))
		}
	case boundDialog:
		b := d.bound()
		if b == nil {
			return
		}
		if why := b.drift(&m.list, m.findingsOf, m.now()); why.String() != "" {
			m.dialog = nil
			notice := newLookAgain(b, why, &m.keys)
			notice.decided = decidedMeanwhile(b, &m.list)
			m.open(notice)
			m.setStatus(errStatus(why))
		}
	}
}

// decidedMeanwhile reports whether the request b decides was decided by
// someone else: drift then says so, first.
func decidedMeanwhile(b *binding, l *listModel) bool {
	cur := l.byUID(b.uid)
	return b.decides && cur != nil && cur.State != certs.StatePending
}

// lookAgainDialog stands where a dialog was closed because what it showed
// drifted. It takes every key, and esc closes it.
type lookAgainDialog struct {
	keys          *keyMap
	st            *styles
	b             *binding
	title         string
	why           certs.Text
	decided       bool // why is another admin's decision
	width, height int
}

func newLookAgain(b *binding, why certs.Text, keys *keyMap) *lookAgainDialog {
	return &lookAgainDialog{keys: keys, b: b, title: "Look again", why: why}
}

func (d *lookAgainDialog) Init() tea.Cmd             { return nil }
func (d *lookAgainDialog) SetSize(width, height int) { d.width, d.height = width, height }
func (d *lookAgainDialog) SetStyles(st *styles)      { d.st = st }
func (d *lookAgainDialog) ShortHelp() []key.Binding  { return []key.Binding{d.keys.Dismiss} }
func (d *lookAgainDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// Update closes on esc alone: any other key was meant for the dialog that
// was here.
func (d *lookAgainDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, d.keys.Dismiss) {
		return cancelOutcome{}, nil
	}
	return nil, nil
}

func (d *lookAgainDialog) View() string {
	return stack(d.height,
		[]string{paint(d.st.bad, lit(d.title))},
		wrap(d.why, d.width),
		[]string{clip(lit("Nothing was "+d.b.undone+"."), d.width)})
}
