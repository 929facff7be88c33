package ui

import (
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// Access checks: what the identity a CSR asks for could do in the cluster if
// it were approved, asked of the Inspector once per CSR and shown in the
// detail.

// inspectDelay is how long the cursor rests on a CSR in the side panel before
// the cluster is asked about it, so that scrolling through the list does not
// ask about every row.
const inspectDelay = 300 * time.Millisecond

// capsMaxAge is how long the cluster's answers are trusted. RBAC changes at
// any time (one new binding makes an identity powerful): answers older than
// five minutes are asked again the next time they are needed (the detail,
// the side panel or the approval opens), while going back and forth through
// the list for a few minutes asks nothing twice.
const capsMaxAge = 5 * time.Minute

func (m *Model) inspects(s *certs.Summary) bool {
	return m.cfg.Inspector != nil && wantsCapabilities(s)
}

func (m *Model) capsFor(s *certs.Summary) *capState {
	if s == nil {
		return nil
	}
	return m.caps[s.UID]
}

// needsAsking reports whether the cluster should be asked about s now: never
// asked, or answered too long ago, and no question on its way.
func (m *Model) needsAsking(s *certs.Summary) bool {
	if !m.inspects(s) {
		return false
	}
	cs := m.caps[s.UID]
	return cs == nil || (!cs.loading && m.now().Sub(cs.at) >= capsMaxAge)
}

// askCapabilities starts the SubjectAccessReviews for s unless an answer is
// fresh or on its way. Answers asked again stay shown until the new ones come.
func (m *Model) askCapabilities(s *certs.Summary) tea.Cmd {
	if !m.needsAsking(s) {
		return nil
	}
	cs := m.caps[s.UID]
	if cs == nil {
		cs = &capState{}
		m.caps[s.UID] = cs
	}
	cs.loading = true
	return capabilitiesCmd(m.cfg.Inspector, s.UID, s.Request.CommonName, s.Request.Organizations)
}

// inspectOnRest asks about s in the side panel once the cursor has rested on
// it for inspectDelay.
func (m *Model) inspectOnRest(s *certs.Summary) tea.Cmd {
	if !m.sidePanel || !m.needsAsking(s) {
		return nil
	}
	uid := s.UID
	return m.after(inspectDelay, func(time.Time) tea.Msg { return inspectMsg{uid: uid} })
}

// rested asks about the CSR the cursor rested on, if it is still there.
func (m *Model) rested(msg inspectMsg) tea.Cmd {
	if s := m.list.selectedSummary(); s != nil && s.UID == msg.uid && m.sidePanel {
		return m.askCapabilities(s)
	}
	return nil
}

// answered stores what the cluster said about a CSR still listed, and
// compares the open dialog with the findings it makes.
func (m *Model) answered(msg capabilitiesMsg) tea.Cmd {
	if m.list.byUID(msg.uid) == nil {
		delete(m.caps, msg.uid) // gone while the question was on its way
		return nil
	}
	m.caps[msg.uid] = &capState{caps: msg.caps, err: msg.err, at: m.now()}
	var cmd tea.Cmd
	if c, ok := m.dialog.(*confirmDialog); ok && c.s.UID == msg.uid && c.access.state == accessChecking {
		// It said it was waiting for these answers: it takes them in place.
		cmd = c.takeAnswers(m.findingsOf(c.s), m.accessOf(c.s))
	} else {
		m.recheckDialog()
	}
	m.refreshDetails()
	return cmd
}

// dropCaps forgets the answers about CSRs no longer listed: their UIDs never
// come back.
func (m *Model) dropCaps() {
	if len(m.caps) == 0 {
		return
	}
	var listed map[string]bool
	if len(m.caps) > 16 { // one pass over the list instead of one per answer
		listed = make(map[string]bool, len(m.list.rows))
		for _, r := range m.list.rows {
			listed[r.s.UID] = true
		}
	}
	for uid := range m.caps {
		if (listed != nil && !listed[uid]) || (listed == nil && m.list.byUID(uid) == nil) {
			delete(m.caps, uid)
		}
	}
}

// findingsOf is what the console shows as the findings of s, worst first:
// its own, those the cluster's answers about its identity make, and why no
// certificate came when it is approved and has waited (certs.NotIssued: it
// depends on the clock and on the rest of the list, so it is made here, at
// the time it is shown, and the tick wakes when it is due).
func (m *Model) findingsOf(s *certs.Summary) []certs.Finding {
	var extra []certs.Finding
	if cs := m.caps[s.UID]; cs != nil && cs.err == nil {
		extra = certs.CapabilityFindings(cs.caps)
	}
	if f, _ := m.notIssued(s); f != nil {
		extra = append(extra, *f)
	}
	if len(extra) == 0 {
		return s.Findings
	}
	fs := append(extra, s.Findings...)
	slices.SortStableFunc(fs, func(a, b certs.Finding) int { return int(b.Severity) - int(a.Severity) })
	return fs
}

// notIssued is certs.NotIssued for s now: the finding, or when it is due.
func (m *Model) notIssued(s *certs.Summary) (*certs.Finding, time.Time) {
	if s.State != certs.StateApproved && s.State != certs.StateFailed {
		return nil, time.Time{} // spares making the issuers
	}
	if m.issuers == nil {
		is := certs.IssuersOf(m.snapshot)
		m.issuers = &is
	}
	return certs.NotIssued(s, *m.issuers, m.cfg.Policy, m.now())
}

// accessOf is where the question about what s's identity could do stands.
func (m *Model) accessOf(s *certs.Summary) access {
	if !m.inspects(s) {
		return access{}
	}
	cs := m.caps[s.UID]
	switch {
	case cs == nil || cs.loading:
		return access{state: accessChecking}
	case cs.err != nil:
		return access{state: accessFailed, err: cs.err}
	}
	return access{state: accessAnswered, caps: cs.caps}
}

// access is what an approval knows of what the identity could do.
type access struct {
	state accessState
	err   error              // accessFailed
	caps  []certs.Capability // accessAnswered
}

type accessState int

const (
	accessNotAsked accessState = iota // no Inspector, or not a client certificate
	accessChecking                    // the question is on its way
	accessFailed                      // the cluster could not be asked
	accessAnswered
)

// capState is what the cluster said about an identity, cached per CSR UID.
type capState struct {
	loading bool // a question is on its way (caps may hold older answers)
	caps    []certs.Capability
	err     error
	at      time.Time // when answered
}

// wantsCapabilities reports whether the console asks what a CSR's identity
// could do: pending requests that decode, for a certificate that could
// authenticate to the apiserver.
func wantsCapabilities(s *certs.Summary) bool {
	return s != nil && s.State == certs.StatePending && s.Request != nil && certs.MayAuthenticate(s.Signer, s.Usages)
}

func (w *detailWriter) capabilities(s *certs.Summary, cs *capState) {
	w.section(lit("If approved, this identity could"))
	switch {
	case cs == nil || (cs.loading && cs.caps == nil && cs.err == nil):
		w.para(2, lit("checking…"))
		return
	case cs.loading:
		w.para(2, lit("asking again; the last answers:"))
	case cs.err != nil:
		w.line(2, w.st.bad, lit("Can't ask the cluster:"))
		w.para(4, certs.Sanitize(cs.err.Error()))
		return
	case len(cs.caps) == 0:
		w.para(2, lit("Nothing was checked."))
		return
	}
	for _, c := range cs.caps {
		verdict := paint(w.st.good, lit("no "))
		if c.Allowed {
			verdict = paint(w.st.bad, lit("YES"))
		}
		res := certs.Sanitize(c.Resource)
		if c.Subresource != "" {
			res = certs.Concat(res, lit("/"), certs.Sanitize(c.Subresource))
		}
		if c.Group != "" {
			res = certs.Concat(res, lit("."), certs.Sanitize(c.Group))
		}
		what := certs.Concat(certs.Sanitize(c.Label), lit(" ("), certs.Sanitize(c.Verb), lit(" "), res, lit(")"))
		for i, l := range wrap(what, max(w.width-8, 8)) {
			if i == 0 {
				w.lines = append(w.lines, "  "+verdict+"   "+l)
			} else {
				w.lines = append(w.lines, "        "+l)
			}
		}
		if c.Allowed && c.Reason != "" {
			w.para(8, certs.Sanitize(c.Reason))
		}
	}
}
