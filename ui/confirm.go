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
	refusal     certs.Text      // why csrtui may not approve (read-only, a permission): disabled
	critical    []certs.Finding // critical findings: the name must be typed
	access      access          // what the identity could do, as far as known
	keepName    bool            // the name was being typed when the answers came
	changed     bool            // the answers changed the findings shown
	mismatch    bool            // the typed name was wrong
	opened      bool            // Init has run
}

// approveMessage is recorded on the Approved condition.
const approveMessage = "Approved with csrtui."

// approvalCancelled is said when the admin turns an approval down.
var approvalCancelled = lit("Approval cancelled.")

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
	return &binding{name: c.s.Name, uid: c.s.UID, kind: bindFindings, findings: c.findings, undone: "approved", decides: c.s.State == certs.StatePending}
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

// takeAnswers takes the cluster's answers the dialog said it was waiting
// for. When they change the findings, the new ones are shown in place, what
// was typed is cleared, and the name is needed whatever they say: a name typed,
// or a y pressed, before they showed applies to nothing.
func (c *confirmDialog) takeAnswers(fs []certs.Finding, a access) tea.Cmd {
	if !sameFindings(c.findings, fs) {
		c.setFindings(fs)
		c.input.SetValue("")
		c.mismatch, c.keepName, c.changed = false, true, true
	}
	return c.setAccess(a)
}

func (c *confirmDialog) needsName() bool {
	if c.disabled() {
		return false
	}
	return len(c.critical) > 0 || c.keepName || c.access.state == accessChecking || c.access.state == accessFailed
}

// nameReason says why the name must be typed.
func (c *confirmDialog) nameReason() certs.Text {
	switch {
	case len(c.critical) > 0:
		return lit("A critical finding: type the CSR's name to approve it.")
	case c.access.state == accessChecking:
		return lit("Still asking the cluster what this identity could do: type the CSR's name to approve it, or wait for the answer.")
	case c.access.state == accessFailed:
		return lit("The cluster could not say what this identity could do: type the CSR's name to approve it.")
	case c.changed:
		return lit("The cluster's answers changed the findings: type the CSR's name to approve it.")
	}
	return lit("Type the CSR's name to approve it.")
}

// accessText is the Access line: what the cluster said the identity could do.
func (c *confirmDialog) accessText() certs.Text {
	switch c.access.state {
	case accessChecking:
		return lit("asking the cluster what this identity could do…")
	case accessFailed:
		return certs.Concat(lit("can't ask the cluster: "), certs.Sanitize(c.access.err.Error()))
	}
	if len(certs.CapabilityFindings(c.access.caps)) > 0 {
		return lit("see the critical finding")
	}
	return lit("nothing that leads to cluster-admin (checked)")
}

func (c *confirmDialog) disabled() bool { return len(c.blocked) > 0 || c.refusal.String() != "" }

// refuse disables the approval for why (nothing, when why is empty): csrtui
// may not approve this request at all. Deny needs the same permission, so it
// is not offered either.
func (c *confirmDialog) refuse(why certs.Text) {
	if why.String() == "" {
		return
	}
	c.refusal = why
	c.input.Blur()
}

// nameMatches reports whether the typed text is the CSR's name. The escaped
// form is accepted too, since a name with control characters can't be typed.
func (c *confirmDialog) nameMatches() bool {
	v := c.input.Value()
	return v == c.s.Name || v == certs.Sanitize(c.s.Name).String()
}

func (c *confirmDialog) Init() tea.Cmd {
	c.opened = true
	if c.needsName() {
		return c.input.Focus()
	}
	return nil
}

// refused reports whether approval can't be given here: a block finding, or
// a terminal too small to show the whole decision.
func (c *confirmDialog) refused() bool { return c.disabled() || c.tooSmall() }

func (c *confirmDialog) tooSmall() bool {
	_, fits := c.layout()
	return !fits
}

// Update approves on y, or on enter once the name is typed when a critical
// finding asks for it; it never approves while approval is refused.
func (c *confirmDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case c.disabled():
		switch {
		case !isKey:
		case key.Matches(k, c.keys.Close):
			return cancelOutcome{}, nil
		case key.Matches(k, c.keys.Deny) && c.refusal.String() == "":
			return startOutcome{act: actDeny, s: c.s}, nil
		}
		return nil, nil
	case c.tooSmall():
		// The terminal may shrink while the name is typed: the rest of the name
		// stays in the input, where none of its letters can start anything.
		switch {
		case !isKey:
		case key.Matches(k, c.keys.Dismiss):
			return cancelOutcome{note: approvalCancelled}, nil
		case key.Matches(k, c.keys.Deny) && c.input.Value() == "":
			return startOutcome{act: actDeny, s: c.s}, nil
		case key.Matches(k, c.keys.SubmitName):
			return nil, nil
		}
		if !c.needsName() {
			return nil, nil
		}
		var cmd tea.Cmd
		c.input, cmd = c.input.Update(msg)
		return nil, cmd
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
	case c.refusal.String() != "":
		return []key.Binding{c.keys.Close}
	case c.disabled():
		return []key.Binding{c.keys.Close, c.keys.Deny}
	case c.tooSmall() && c.input.Value() == "":
		return []key.Binding{c.keys.Dismiss, c.keys.Deny}
	case c.tooSmall():
		return []key.Binding{c.keys.Dismiss}
	case c.needsName():
		return []key.Binding{c.keys.SubmitName, c.keys.Cancel}
	}
	return []key.Binding{c.keys.Confirm, c.keys.No}
}

func (c *confirmDialog) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// The layout of the approval. Each value takes one line and each finding two
// at most, cut visibly, so that no value, however long, moves the findings or
// the action off their rows, nor off the screen.
const (
	valueIndent   = 11 // "Requester" and two spaces
	findingIndent = 10 // "CRITICAL" and two spaces
	// minValueWidth is the narrowest a value may be cut to and still be read.
	minValueWidth = 20
)

// View says what would be approved, what the linter found, and what the
// approval takes; or, when that does not fit, that the terminal must grow.
func (c *confirmDialog) View() string {
	lines, fits := c.layout()
	if !fits && !c.disabled() {
		return c.tooSmallView(lines)
	}
	return stack(c.height, lines)
}

// layout lays the approval out in at most c.height lines when it can: with
// blank lines between its parts, else without, else with each finding on one
// line. fits is false when even that does not fit, or the values would be cut
// too short to read; lines is then the smallest layout.
func (c *confirmDialog) layout() (lines []string, fits bool) {
	for _, tight := range []struct {
		blanks       bool
		findingLines int
	}{{true, 2}, {false, 2}, {false, 1}} {
		lines = c.layoutWith(tight.blanks, tight.findingLines)
		if len(lines) <= c.height {
			return lines, c.width-valueIndent >= minValueWidth
		}
	}
	return lines, false
}

func (c *confirmDialog) layoutWith(blanks bool, findingLines int) []string {
	d := &dialogLines{st: c.st, width: c.width, blanks: blanks, findingLines: findingLines}
	d.request(lit("Approve this certificate signing request?"), c.s, c.findings, c.disabled(), func() {
		if c.access.state != accessNotAsked {
			d.value("Access", c.accessText())
		}
	})
	switch {
	case c.disabled():
		d.refusal(lit("Approval is disabled:"), nil)
		if c.refusal.String() != "" {
			for _, l := range cutLines(c.refusal, max(d.width-2, 1), 3) {
				d.lines = append(d.lines, "  "+l)
			}
		}
		for _, f := range c.blocked {
			d.finding(f, 2, certs.Text{})
		}
	case c.needsName():
		d.part()
		reason := cutLines(c.nameReason(), d.width, 2)
		if c.mismatch { // in the reason's place, so the input keeps its row
			said := cutLines(lit("That is not the CSR's name."), d.width, len(reason))
			reason = append(said, make([]string, len(reason)-len(said))...)
		}
		for _, l := range reason {
			d.lines = append(d.lines, d.st.bad.Render(l))
		}
		d.lines = append(d.lines, c.input.View())
	}
	return d.lines
}

// dialogLines builds what a dialog that acts on a request shows: the same
// values and findings, the same way, whether it approves the request or
// creates it. Each value takes one line and each finding findingLines at
// most, cut visibly.
type dialogLines struct {
	st           *styles
	width        int
	blanks       bool // a blank line between parts
	findingLines int
	lines        []string
}

// part starts a new part: after a blank line, when there is room for them.
func (d *dialogLines) part() {
	if d.blanks && len(d.lines) > 0 {
		d.lines = append(d.lines, "")
	}
}

// value is a labelled value on one line.
func (d *dialogLines) value(label string, v certs.Text) {
	vw := max(d.width-valueIndent, 1)
	d.lines = append(d.lines, d.st.label.Render(fit(lit(label), len(label), valueIndent))+cutLine(v, vw))
}

// finding is a finding's title after its label, in at most findingLines.
func (d *dialogLines) finding(f certs.Finding, indent int, label certs.Text) {
	for i, l := range cutLines(certs.Sanitize(f.Title), max(d.width-indent, 1), d.findingLines) {
		if i == 0 {
			d.lines = append(d.lines, d.st.severity[f.Severity].Render(fit(label, certs.Width(label), indent))+l)
		} else {
			d.lines = append(d.lines, strings.Repeat(" ", indent)+l)
		}
	}
}

// request is the title, the values of s (more may follow from extra) and its
// findings, worst first; block findings are left out when hideBlock, for the
// refusal to say.
func (d *dialogLines) request(title certs.Text, s *certs.Summary, findings []certs.Finding, hideBlock bool, extra func()) {
	d.lines = append(d.lines, d.st.boxTitle.Render(clip(title, d.width)))
	d.part()
	d.value("CSR", certs.Sanitize(s.Name))
	d.value("Subject", fullSubject(s))
	d.value("Signer", certs.Sanitize(s.Signer))
	d.value("Requester", certs.Sanitize(s.Username))
	d.value("Lifetime", lifetimeText(s))
	if extra != nil {
		extra()
	}
	shown := 0
	for _, f := range findings {
		if !hideBlock || f.Severity != certs.SeverityBlock {
			shown++
		}
	}
	if shown == 0 {
		return
	}
	d.part()
	for _, f := range findings {
		if hideBlock && f.Severity == certs.SeverityBlock {
			continue // said by the refusal
		}
		d.finding(f, findingIndent, severityLabel(f.Severity))
	}
}

// refusal says why the action is disabled: the block findings.
func (d *dialogLines) refusal(why certs.Text, blocked []certs.Finding) {
	d.part()
	d.lines = append(d.lines, d.st.bad.Render(clip(why, d.width)))
	for _, f := range blocked {
		d.finding(f, 2, certs.Text{})
	}
}

// tooSmallView refuses approval on a terminal that can't show the whole
// decision, and says by how much it falls short.
func (c *confirmDialog) tooSmallView(smallest []string) string {
	var short []string
	if n := len(smallest) - c.height; n > 0 {
		short = append(short, plural(n, "more line"))
	}
	if n := valueIndent + minValueWidth - c.width; n > 0 {
		short = append(short, plural(n, "more column"))
	}
	return stack(c.height,
		[]string{c.st.bad.Render(clip(lit("Enlarge the terminal to decide."), c.width))},
		cutLines(lit("The whole decision needs "+strings.Join(short, " and ")+": approval is refused."), c.width, 3),
		[]string{c.st.label.Render(fit(lit("CSR"), 3, valueIndent)) + cutLine(certs.Sanitize(c.s.Name), max(c.width-valueIndent, 1))})
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return thousands(n) + " " + what + "s"
}

// lifetimeText says how long the certificate would be valid.
func lifetimeText(s *certs.Summary) certs.Text {
	dur := durationText(s.EffectiveDuration)
	if s.RequestedDuration > 0 {
		return certs.Concat(durationText(s.RequestedDuration), lit(" requested, "), dur, lit(" effective"))
	}
	return certs.Concat(dur, lit(" (none requested: the signer's default)"))
}

// fullSubject is the request's subject as attribute=value pairs.
func fullSubject(s *certs.Summary) certs.Text {
	if s.Request == nil {
		return lit("(the request can't be decoded)")
	}
	parts := make([]certs.Text, 0, len(s.Request.Subject))
	for _, a := range s.Request.Subject {
		parts = append(parts, certs.Concat(certs.Sanitize(a.Name), lit("="), certs.Sanitize(a.Value)))
	}
	if len(parts) == 0 {
		return lit("(empty)")
	}
	return certs.Join(parts, lit(", "))
}
