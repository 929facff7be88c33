package ui

import (
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

func (m *Model) inspects(s *certs.Summary) bool {
	return m.cfg.Inspector != nil && wantsCapabilities(s)
}

func (m *Model) capsFor(s *certs.Summary) *capState {
	if s == nil {
		return nil
	}
	return m.caps[s.UID]
}

// askCapabilities starts the SubjectAccessReviews for s once per UID.
func (m *Model) askCapabilities(s *certs.Summary) tea.Cmd {
	if !m.inspects(s) || m.caps[s.UID] != nil {
		return nil
	}
	m.caps[s.UID] = &capState{loading: true}
	return capabilitiesCmd(m.cfg.Inspector, s.UID, s.Request.CommonName, s.Request.Organizations)
}

// inspectOnRest asks about s in the side panel once the cursor has rested on
// it for inspectDelay.
func (m *Model) inspectOnRest(s *certs.Summary) tea.Cmd {
	if !m.sidePanel || !m.inspects(s) || m.caps[s.UID] != nil {
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

// capState is what the cluster said about an identity, cached per CSR UID.
type capState struct {
	loading bool
	caps    []certs.Capability
	err     error
}

// wantsCapabilities reports whether the detail asks what a CSR's identity
// could do: only pending client-certificate requests that decode.
func wantsCapabilities(s *certs.Summary) bool {
	return s != nil && s.State == certs.StatePending && s.Request != nil && containsString(s.Usages, "client auth")
}

func (w *detailWriter) capabilities(s *certs.Summary, cs *capState) {
	w.section("If approved, this identity could")
	switch {
	case cs == nil || cs.loading:
		w.para(2, "checking…")
		return
	case cs.err != nil:
		w.lines = append(w.lines, "  "+w.st.bad.Render("Can't ask the cluster:"))
		w.para(4, certs.Sanitize(cs.err.Error()))
		return
	case len(cs.caps) == 0:
		w.para(2, "Nothing was checked.")
		return
	}
	for _, c := range cs.caps {
		verdict := w.st.good.Render("no ")
		if c.Allowed {
			verdict = w.st.bad.Render("YES")
		}
		what := certs.Sanitize(c.Label)
		res := certs.Sanitize(c.Resource)
		if c.Subresource != "" {
			res += "/" + certs.Sanitize(c.Subresource)
		}
		if c.Group != "" {
			res += "." + certs.Sanitize(c.Group)
		}
		what += " (" + certs.Sanitize(c.Verb) + " " + res + ")"
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
