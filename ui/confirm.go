package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

// confirmModel asks before approving. A plain y approves; a critical finding
// asks the admin to type the CSR's name; a block finding disables approval.
type confirmModel struct {
	s        *certs.Summary
	blocked  []certs.Finding // block findings: approval is disabled
	critical []certs.Finding // critical findings: the name must be typed
	input    textinput.Model
	mismatch bool // the typed name was wrong
	width    int
}

func newConfirm(s *certs.Summary, ti textinput.Model) confirmModel {
	c := confirmModel{s: s, input: ti}
	for _, f := range s.Findings {
		switch f.Severity {
		case certs.SeverityBlock:
			c.blocked = append(c.blocked, f)
		case certs.SeverityCritical:
			c.critical = append(c.critical, f)
		}
	}
	c.input.Prompt = "> "
	c.input.Placeholder = ""
	c.input.SetValue("")
	return c
}

func (c *confirmModel) needsName() bool { return len(c.blocked) == 0 && len(c.critical) > 0 }
func (c *confirmModel) disabled() bool  { return len(c.blocked) > 0 }

// nameMatches reports whether the typed text is the CSR's name. The escaped
// form is accepted too, since a name with control characters can't be typed.
func (c *confirmModel) nameMatches() bool {
	v := c.input.Value()
	return v == c.s.Name || v == certs.Sanitize(c.s.Name)
}

func (c *confirmModel) SetSize(w int) {
	c.width = w
	c.input.SetWidth(max(dialogInner(w)-3, 10))
}

// dialogInner is the text width inside a dialog box on a screen w wide.
func dialogInner(w int) int {
	return max(min(w-6, 74), 20)
}

// View renders the dialog box.
func (c *confirmModel) View(st *styles, box lipgloss.Style) string {
	inner := dialogInner(c.width)
	s := c.s
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

	if len(s.Findings) > len(c.blocked) {
		lines = append(lines, "")
		shown := 0
		for _, f := range s.Findings {
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

	lines = append(lines, "")
	switch {
	case c.disabled():
		lines = append(lines, st.bad.Render("Approval is disabled:"))
		for _, f := range c.blocked {
			for _, l := range wrap(certs.Sanitize(f.Title), inner-2) {
				lines = append(lines, "  "+l)
			}
		}
		lines = append(lines, "", st.muted.Render("esc close • d deny"))
	case c.needsName():
		for _, l := range wrap("A critical finding: type the CSR's name to approve it.", inner) {
			lines = append(lines, st.bad.Render(l))
		}
		lines = append(lines, c.input.View())
		if c.mismatch {
			lines = append(lines, st.bad.Render("That is not the CSR's name."))
		}
		lines = append(lines, "", st.muted.Render("enter approve • esc cancel"))
	default:
		lines = append(lines, st.muted.Render("y approve • n/esc cancel"))
	}
	return box.Render(strings.Join(lines, "\n"))
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

// overwriteModel asks before replacing an existing export file.
type overwriteModel struct {
	name  string // raw CSR name
	path  string // absolute
	pem   []byte
	width int
}

func (o *overwriteModel) View(st *styles, box lipgloss.Style) string {
	inner := dialogInner(o.width)
	lines := []string{st.boxTitle.Render("The file exists")}
	lines = append(lines, "")
	lines = append(lines, wrap(certs.Sanitize(o.path), inner)...)
	lines = append(lines, "", "Replace it with the certificate of "+clip(certs.Sanitize(o.name), max(inner-35, 8))+"?")
	lines = append(lines, "", st.muted.Render("y overwrite • n/esc cancel"))
	return box.Render(strings.Join(lines, "\n"))
}

// center places a dialog in the middle of the body.
func center(w, h int, s string) string {
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, s)
}
