package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// confirmDialog asks before approving. A plain y approves; a critical finding
// asks the admin to type the CSR's name; a block finding disables approval.
type confirmDialog struct {
	dialogInput // the name, when it must be typed
	keys        *keyMap
	s           *certs.Summary
	findings    []certs.Finding // what it shows, worst first
	blocked     []certs.Finding // block findings: approval is disabled
	critical    []certs.Finding // critical findings: the name must be typed
	access      access          // what the identity could do, as far as known
	keepName    bool            // the name was being typed when the answers came
	mismatch    bool            // the typed name was wrong
	opened      bool            // Init has run
}

// approveMessage is recorded on the Approved condition.
const approveMessage = "Approved with csrtui."

// approvalCancelled is said when the admin turns an approval down.
const approvalCancelled = "Approval cancelled."

// newConfirm asks before approving s, showing its own findings until
// setFindings gives it those the console shows.
func newConfirm(s *certs.Summary, keys *keyMap) *confirmDialog {
	c := &confirmDialog{dialogInput: newDialogInput(), keys: keys, s: s}
	c.setFindings(s.Findings)
	return c
}

// setFindings sets the findings shown, before the dialog opens.
func (c *confirmDialog) setFindings(fs []certs.Finding) {
	c.findings, c.blocked, c.critical = fs, nil, nil
	for _, f := range fs {
		switch f.Severity {
		case certs.SeverityBlock:
			c.blocked = append(c.blocked, f)
		case certs.SeverityCritical:
			c.critical = append(c.critical, f)
		}
	}
}

// bound is what the approval applies to: this object with these findings.
func (c *confirmDialog) bound() *binding {
	return &binding{name: c.s.Name, uid: c.s.UID, kind: bindFindings, findings: c.findings, undone: "approved"}
}

// setAccess says what is known of what the identity could do. Until the
// cluster has answered, approval takes the typed name; the answer relaxes
// that only while nothing is typed, never under the admin's fingers.
func (c *confirmDialog) setAccess(a access) tea.Cmd {
	if c.needsName() && c.input.Value() != "" {
		c.keepName = true
	}
	c.access = a
	if !c.needsName() {
		c.input.Blur()
		return nil
	}
	if c.opened && !c.input.Focused() {
		return c.input.Focus()
	}
	return nil
}

func (c *confirmDialog) needsName() bool {
	if c.disabled() {
		return false
	}
	return len(c.critical) > 0 || c.keepName || c.access.state == accessChecking || c.access.state == accessFailed
}

// nameReason says why the name must be typed.
func (c *confirmDialog) nameReason() string {
	switch {
	case len(c.critical) > 0:
		return "A critical finding: type the CSR's name to approve it."
	case c.access.state == accessChecking:
		return "Still asking the cluster what this identity could do: type the CSR's name to approve it, or wait for the answer."
	case c.access.state == accessFailed:
		return "The cluster could not say what this identity could do: type the CSR's name to approve it."
	}
	return "Type the CSR's name to approve it."
}

// accessText is the Access line: what the cluster said the identity could do.
func (c *confirmDialog) accessText() string {
	switch c.access.state {
	case accessChecking:
		return "asking the cluster what this identity could do…"
	case accessFailed:
		return "can't ask the cluster: " + certs.Sanitize(c.access.err.Error())
	}
	if len(certs.CapabilityFindings(c.access.caps)) > 0 {
		return "see the critical finding"
	}
	return "nothing that leads to cluster-admin (checked)"
}
func (c *confirmDialog) disabled() bool { return len(c.blocked) > 0 }

// nameMatches reports whether the typed text is the CSR's name. The escaped
// form is accepted too, since a name with control characters can't be typed.
func (c *confirmDialog) nameMatches() bool {
	v := c.input.Value()
	return v == c.s.Name || v == certs.Sanitize(c.s.Name)
}

func (c *confirmDialog) Init() tea.Cmd {
	c.opened = true
	if c.needsName() {
		return c.input.Focus()
	}
	return nil
}

// Update approves on y, or on enter once the name is typed when a critical
// finding asks for it; it never approves while a block finding disables it.
func (c *confirmDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case c.disabled():
		switch {
		case !isKey:
		case key.Matches(k, c.keys.Close):
			return cancelOutcome{}, nil
		case key.Matches(k, c.keys.Deny):
			return startOutcome{act: actDeny, s: c.s}, nil
		}
		return nil, nil
	case c.needsName():
		switch {
		case !isKey:
		case key.Matches(k, c.keys.Cancel):
			return cancelOutcome{note: approvalCancelled}, nil
		case key.Matches(k, c.keys.SubmitName):
			if !c.nameMatches() {
				c.mismatch = true
				return nil, nil
			}
			return c.approve(), nil
		}
		var cmd tea.Cmd
		c.input, cmd = c.input.Update(msg)
		c.mismatch = false
		return nil, cmd
	default:
		switch {
		case !isKey:
		case key.Matches(k, c.keys.Confirm):
			return c.approve(), nil
		case key.Matches(k, c.keys.No):
			return cancelOutcome{note: approvalCancelled}, nil
		}
		return nil, nil
	}
}

func (c *confirmDialog) approve() outcome {
	return decideOutcome{decision: certs.Approve, name: c.s.Name, uid: c.s.UID, message: approveMessage}
}

func (c *confirmDialog) ShortHelp() []key.Binding {
	switch {
	case c.disabled():
		return []key.Binding{c.keys.Close, c.keys.Deny}
	case c.needsName():
		return []key.Binding{c.keys.SubmitName, c.keys.Cancel}
	}
	return []key.Binding{c.keys.Confirm, c.keys.No}
}

func (c *confirmDialog) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// View says what would be approved, what the linter found, and what the
// approval takes.
func (c *confirmDialog) View() string {
	inner, st, s := c.width, c.st, c.s
	var lines []string
	add := func(label, value string) {
		for i, l := range wrap(value, max(inner-11, 8)) {
			if i == 0 {
				lines = append(lines, st.label.Render(fit(label, certs.Width(label), 11))+l)
			} else {
				lines = append(lines, strings.Repeat(" ", 11)+l)
			}
		}
	}
	lines = append(lines, st.boxTitle.Render("Approve this certificate signing request?"), "")
	add("CSR", certs.Sanitize(s.Name))
	add("Subject", fullSubject(s))
	add("Signer", certs.Sanitize(s.Signer))
	add("Requester", certs.Sanitize(s.Username))
	dur := durationText(s.EffectiveDuration)
	if s.RequestedDuration > 0 {
		dur = durationText(s.RequestedDuration) + " requested, " + dur + " effective"
	} else {
		dur += " (none requested: the signer's default)"
	}
	add("Lifetime", dur)
	if c.access.state != accessNotAsked {
		add("Access", c.accessText())
	}

	if len(c.findings) > len(c.blocked) {
		lines = append(lines, "")
		shown := 0
		for _, f := range c.findings {
			if c.disabled() && f.Severity == certs.SeverityBlock {
				continue // said below, as the reason approval is disabled
			}
			if shown == 6 {
				lines = append(lines, st.muted.Render(clip("… more findings in the detail (enter)", inner)))
				break
			}
			label := severityLabel(f.Severity)
			for i, l := range wrap(certs.Sanitize(f.Title), max(inner-10, 8)) {
				if i == 0 {
					lines = append(lines, st.severity[f.Severity].Render(fit(label, certs.Width(label), 10))+l)
				} else {
					lines = append(lines, strings.Repeat(" ", 10)+l)
				}
			}
			shown++
		}
	}

	switch {
	case c.disabled():
		lines = append(lines, "", st.bad.Render("Approval is disabled:"))
		for _, f := range c.blocked {
			for _, l := range wrap(certs.Sanitize(f.Title), inner-2) {
				lines = append(lines, "  "+l)
			}
		}
	case c.needsName():
		lines = append(lines, "")
		for _, l := range wrap(c.nameReason(), inner) {
			lines = append(lines, st.bad.Render(l))
		}
		lines = append(lines, c.input.View())
		if c.mismatch {
			lines = append(lines, st.bad.Render("That is not the CSR's name."))
		}
	}
	return strings.Join(lines, "\n")
}

// fullSubject is the request's subject as attribute=value pairs.
func fullSubject(s *certs.Summary) string {
	if s.Request == nil {
		return "(the request can't be decoded)"
	}
	parts := make([]string, 0, len(s.Request.Subject))
	for _, a := range s.Request.Subject {
		parts = append(parts, certs.Sanitize(a.Name)+"="+certs.Sanitize(a.Value))
	}
	if len(parts) == 0 {
		return "(empty)"
	}
	return strings.Join(parts, ", ")
}
