package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

type promptKind int

const (
	promptDeny   promptKind = iota // the reason recorded on the Denied condition
	promptExport                   // where to write the certificate
)

// promptModel asks for one line of text: a deny reason or an export path.
type promptModel struct {
	kind  promptKind
	s     *certs.Summary
	input textinput.Model
	width int
}

func newPrompt(kind promptKind, s *certs.Summary, ti textinput.Model) promptModel {
	p := promptModel{kind: kind, s: s, input: ti}
	p.input.Prompt = "> "
	switch kind {
	case promptDeny:
		p.input.Placeholder = "reason (optional)"
		p.input.SetValue("")
	case promptExport:
		p.input.Placeholder = ""
		p.input.SetValue("./" + certs.SafeFileName(s.Name) + ".crt")
	}
	p.input.CursorEnd()
	return p
}

func (p *promptModel) SetSize(w int) {
	p.width = w
	p.input.SetWidth(max(dialogInner(w)-3, 10))
}

func (p *promptModel) View(st *styles, box lipgloss.Style) string {
	inner := dialogInner(p.width)
	name := certs.Sanitize(p.s.Name)
	var lines []string
	switch p.kind {
	case promptDeny:
		lines = append(lines, st.boxTitle.Render(clip("Deny "+name, inner)), "")
		lines = append(lines, wrap("The reason is recorded on the CSR's Denied condition, for the requester to read.", inner)...)
		lines = append(lines, "", p.input.View(), "", st.muted.Render("enter deny • esc cancel"))
	case promptExport:
		lines = append(lines, st.boxTitle.Render(clip("Export the certificate of "+name, inner)), "")
		lines = append(lines, "Write the PEM certificate to:", "", p.input.View(), "", st.muted.Render("enter write • esc cancel"))
	}
	return box.Render(strings.Join(lines, "\n"))
}
