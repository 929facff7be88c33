package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/csrtui/csrtui/certs"
)

// A dialog is a box over the body that asks one thing (approve?, why deny?,
// where to?) and takes every key while it is open. It owns its keys: Update
// says, as an outcome, what the answer asks of the console, and the console
// alone acts on it. A dialog holds the values it was opened on, never the
// console.
//
// A new dialog is one more type: it implements dialog, lists its keys (with
// their help) in keyMap, is opened with Model.open from a key or a message,
// and ends with one of the outcomes below; only an effect none of them
// expresses needs another outcome, and a case in Model.apply.
type dialog interface {
	// ShortHelp and FullHelp are the keys it takes now: the help bar is the one
	// place they are drawn.
	help.KeyMap
	// Init is its first command, once it has its size and styles (focusing a
	// text input).
	Init() tea.Cmd
	// Update takes a key press or a paste. A nil outcome keeps it open.
	Update(msg tea.Msg) (outcome, tea.Cmd)
	// View is the box's content; the console draws the box around it.
	View() string
	// SetSize gives the room for the text inside the box: its View must fit.
	SetSize(width, height int)
	// SetStyles gives the styles of the theme in use.
	SetStyles(st *styles)
}

// outcome is what a dialog asks of the console when a key ends it. Every
// outcome closes the dialog.
type outcome interface{ isOutcome() }

type (
	// cancelOutcome closes the dialog without acting; note, if any, goes on
	// the status line.
	cancelOutcome struct{ note certs.Text }

	// decideOutcome approves or denies a CSR: the decision, on the object the
	// admin saw (by UID: a replaced one is refused).
	decideOutcome decisionRequest

	// writeOutcome writes a file the dialog showed.
	writeOutcome struct {
		fileWrite
		overwrite bool
	}

	// startOutcome starts another action on a CSR in the dialog's place (the
	// approval that can't be given offers to deny).
	startOutcome struct {
		act action
		s   *certs.Summary
	}

	// noticeOutcome puts a notice in the dialog's place, as a drift does
	// (binding.go), titled title ("": Look again); why goes on the status
	// line too.
	noticeOutcome struct {
		b     *binding
		title string
		why   certs.Text
	}
)

func (cancelOutcome) isOutcome() {}
func (decideOutcome) isOutcome() {}
func (writeOutcome) isOutcome()  {}
func (startOutcome) isOutcome()  {}
func (noticeOutcome) isOutcome() {}

// action is what a key can start on the current CSR.
type action int

const (
	actApprove action = iota
	actDeny
	actExport
	actKubeconfig
)

// open shows d over the current screen: the list or the detail stays beneath
// it and is back when d closes.
func (m *Model) open(d dialog) tea.Cmd {
	d.SetStyles(&m.st)
	d.SetSize(dialogInner(m.width), m.dialogHeight())
	m.dialog = d
	return d.Init()
}

// updateDialog passes a key or a paste to the open dialog and carries out
// what it answers.
func (m *Model) updateDialog(msg tea.Msg) tea.Cmd {
	out, cmd := m.dialog.Update(msg)
	if out == nil {
		return cmd
	}
	return tea.Batch(cmd, m.apply(out))
}

// apply closes the dialog and does what its outcome asks.
func (m *Model) apply(out outcome) tea.Cmd {
	m.dialog = nil
	switch o := out.(type) {
	case cancelOutcome:
		if o.note.String() != "" {
			m.setStatus(infoStatus(o.note))
		}
	case decideOutcome:
		doing, approve := "Denying ", o.decision == certs.Approve
		if approve {
			doing = "Approving "
		}
		m.setStatus(infoStatus(certs.Concat(lit(doing), certs.Sanitize(o.name), lit("…"))))
		return decideCmd(m.cfg.Decider, m.cfg.Recorder, decisionRequest(o), m.decisionRecord(o))
	case createOutcome:
		m.setStatus(infoStatus(certs.Concat(lit("Creating "), certs.Sanitize(o.obj.Name), lit("…"))))
		return createCmd(m.cfg.Creator, m.cfg.Recorder, m.cfg.Source.Summarize, o.obj)
	case writeOutcome:
		m.setStatus(infoStatus(certs.Concat(lit("Writing "), o.what, lit("…"))))
		o.record = m.exportRecord(o.fileWrite)
		return writeCmd(m.cfg.Recorder, o.fileWrite, o.overwrite)
	case startOutcome:
		return m.start(o.act, o.s)
	case noticeOutcome:
		m.setStatus(errStatus(o.why))
		notice := newLookAgain(o.b, o.why, &m.keys)
		if o.title != "" {
			notice.title = o.title
		}
		return m.open(notice)
	case runOutcome:
		return m.startRun(o)
	}
	return nil
}

// start opens the dialog of act on s, or says on the status line why it
// can't start.
func (m *Model) start(act action, s *certs.Summary) tea.Cmd {
	var d dialog
	switch act {
	case actApprove:
		if m.refuseDecision(s, certs.Approve) {
			return nil
		}
		c := newConfirm(s, &m.keys)
		c.setFindings(m.findingsOf(s))
		// Shown disabled, with the rule it needs: the request can still be read.
		c.refuse(m.decisionRefusalText(s))
		var ask tea.Cmd
		if !c.disabled() {
			// The dialog asks what the identity could do, unless it is known.
			ask = m.askCapabilities(s)
			c.setAccess(m.accessOf(s))
		}
		cmd := m.open(c)
		m.setStatus(status{})
		return tea.Batch(ask, cmd)
	case actDeny:
		if m.refuseDecision(s, certs.Deny) {
			return nil
		}
		d = newDenyPrompt(s, &m.keys)
	case actExport:
		if !s.HasCertificate() || s.State != certs.StateIssued {
			m.setStatus(infoStatus(noCertificateText(s)))
			return nil
		}
		if why := m.exportRefusal(); why.String() != "" {
			m.setStatus(errStatus(certs.Concat(lit("Exporting is disabled: "), why)))
			return nil
		}
		m.forms++
		d = newExportPrompt(s, &m.keys, m.cfg.ExportDir, m.forms)
	case actKubeconfig:
		k, why := m.kubeconfigDialog(s)
		if k == nil {
			m.setStatus(why)
			return nil
		}
		d = k
	default:
		return nil
	}
	cmd := m.open(d)
	m.setStatus(status{})
	if act == actExport || act == actKubeconfig {
		cmd = tea.Batch(cmd, readCertificateCmd(m.cfg.Reader, m.forms, s.Name))
	}
	return cmd
}

// exportRefusal says why csrtui can't write a certificate (e, K): it reads
// the request again first, and may not, or has nothing to read with. It is
// empty when nothing known stands in the way.
func (m *Model) exportRefusal() certs.Text {
	if m.cfg.Reader == nil {
		return lit("csrtui can't read requests again here, to check the certificate it writes.")
	}
	if missing := m.perms.answers.Missing(certs.PermGetCSRs); len(missing) > 0 {
		return certs.Concat(lit("csrtui's identity needs "), certs.Sanitize(missing[0].Rule()),
			lit(" (API group "+missing[0].Group+"): it reads the request again to write the certificate shown."))
	}
	return certs.Text{}
}

// kubeconfigDialog is the dialog that writes a kubeconfig for s's user, or
// nil and why there is none to write.
func (m *Model) kubeconfigDialog(s *certs.Summary) (*kubeconfigDialog, status) {
	if why := kubeconfigRefusal(s); why.String() != "" {
		return nil, infoStatus(why)
	}
	if m.cfg.Kubeconfigs == nil {
		return nil, errStatus(lit("csrtui can't name the cluster here, so it writes no kubeconfig."))
	}
	if why := m.exportRefusal(); why.String() != "" {
		return nil, errStatus(certs.Concat(lit("No kubeconfig for "), certs.Sanitize(s.Name), lit(": "), why))
	}
	cluster, err := m.cfg.Kubeconfigs.KubeconfigCluster()
	if err != nil {
		return nil, errStatus(certs.Concat(lit("No kubeconfig for "), certs.Sanitize(s.Name), lit(": "), certs.Sanitize(err.Error())))
	}
	m.forms++
	return newKubeconfigDialog(s, cluster, &m.keys, m.cfg.ExportDir, m.now(), m.forms), status{}
}

// startCreate opens the form that creates a request.
func (m *Model) startCreate() tea.Cmd {
	if m.cfg.Creator == nil {
		m.setStatus(errStatus(lit("csrtui runs read-only here: creating a request is not possible.")))
		return nil
	}
	if why := m.createRefusal(); why != "" {
		m.setStatus(errStatus(lit("Creating a request is disabled: " + why + ".")))
		return nil
	}
	// The names and signers in the list now: a name taken later is the
	// dry run's to say.
	names := make(map[string]bool, len(m.snapshot))
	var signers []string
	for _, s := range m.snapshot {
		names[s.Name] = true
		if !slices.Contains(signers, s.Signer) {
			signers = append(signers, s.Signer)
		}
	}
	slices.Sort(signers)
	m.forms++
	cmd := m.open(newCreateForm(&m.keys, m.forms, m.cfg.Creator, m.cfg.Source.Summarize, func(n string) bool { return names[n] }, signers))
	m.setStatus(status{})
	return cmd
}

// followCreated puts the cursor on the request just created once the list
// has it: the admin asked for it, so it is no slip.
func (m *Model) followCreated() {
	if m.follow == "" || m.list.byName(m.follow) == nil {
		return
	}
	name := m.follow
	m.follow = ""
	for i, r := range m.list.shown {
		if r.s.Name == name {
			m.list.moveTo(i)
			m.slipped = slip{}
			return
		}
	}
}

// refuseDecision says, on the status line, why decision d can't start on s: csrtui
// is read-only here, the opposite decision is final, or d is already made. It
// reports whether it refused.
func (m *Model) refuseDecision(s *certs.Summary, d certs.Decision) bool {
	doing, done := "approving", "approved"
	if d == certs.Deny {
		doing, done = "denying", "denied"
	}
	if m.cfg.Decider == nil {
		m.setStatus(errStatus(lit("csrtui runs read-only here: " + doing + " is not possible.")))
		return true
	}
	noop, err := certs.CheckDecision(s.Name, s.State, d)
	switch {
	case err == nil && !noop && d == certs.Deny && m.decisionRefusal(s) != "":
		// Approval opens its dialog disabled; the deny prompt has nothing to show.
		m.setStatus(errStatus(certs.Concat(lit("Denying "), quoted(s.Name), lit(" is disabled: "), m.decisionRefusalText(s))))
	case err != nil && d == certs.Approve:
		// Denied and Failed are final: what the requester needs is a new request.
		m.setStatus(errStatus(certs.Concat(certs.Sanitize(err.Error()),
			lit(": a decision is final, it can't be approved. Create a new request instead"+m.createHint()+"."))))
	case err != nil:
		m.setStatus(errStatus(certs.Concat(certs.Sanitize(err.Error()), lit(": a decision is final, it can't be "+done+"."))))
	case noop:
		m.setStatus(infoStatus(certs.Concat(certs.Sanitize(s.Name), lit(" is already "+done+": nothing to do."))))
	default:
		return false
	}
	return true
}

// createHint names the key that creates a request, when the console can.
func (m *Model) createHint() string {
	if m.cfg.Creator == nil || m.createRefusal() != "" {
		return ""
	}
	return " (" + m.keys.Create.Help().Key + ")"
}

// dialogInput is what a dialog with a line to type embeds: the input, sized
// to the box and styled by the theme, and the styles for the rest of it.
type dialogInput struct {
	st            *styles
	width, height int // inside the box
	input         textinput.Model
}

func newDialogInput() dialogInput {
	d := dialogInput{input: textinput.New()}
	d.input.Prompt = "> "
	return d
}

func (d *dialogInput) SetSize(width, height int) {
	d.width, d.height = width, height
	d.input.SetWidth(max(width-3, 1))
}

func (d *dialogInput) SetStyles(st *styles) {
	d.st = st
	d.input.SetStyles(st.input)
}

// dialogInner is the text width inside a dialog box on a screen w wide.
func dialogInner(w int) int {
	return max(min(w-6, 74), 20)
}

// dialogHeight is how many lines of text a dialog box has room for.
func (m *Model) dialogHeight() int {
	return max(m.bodyHeight-m.st.box.GetVerticalFrameSize(), 1)
}

// placeDialog puts a dialog box at the top of the body, centred across it,
// so that its lines keep their rows whatever its height, and cuts what would
// not fit.
//
// It lays the box out as lipgloss.Place(w, h, Center, Top) does, with the
// same spaces, but measures each line once and writes spaces as spaces:
// Place measures every space it writes, about 10,000 measurements a frame
// at 200x60, which took most of a bulk run's drawing.
func placeDialog(w, h int, box string) string {
	lines := strings.Split(box, "\n")
	if len(lines) > h {
		lines = lines[:max(h, 0)]
		if len(lines) == 0 {
			lines = []string{""}
		}
	}
	widths := make([]int, len(lines))
	content := 0
	for i, l := range lines {
		widths[i] = ansi.StringWidth(l)
		content = max(content, widths[i])
	}
	var b strings.Builder
	gap := w - content
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if gap <= 0 {
			b.WriteString(l)
			continue
		}
		pad := gap + content - widths[i]
		b.WriteString(strings.Repeat(" ", pad/2))
		b.WriteString(l)
		b.WriteString(strings.Repeat(" ", pad-pad/2))
	}
	if below := h - len(lines); below > 0 {
		blank := strings.Repeat(" ", max(w, content))
		for range below {
			b.WriteByte('\n')
			b.WriteString(blank)
		}
	}
	return b.String()
}

// stack joins the parts of a dialog in at most height lines: with a blank
// line between parts when there is room, without when not, and cut at the
// bottom when even that is too tall.
func stack(height int, parts ...[]string) string {
	n, nonEmpty := 0, 0
	for _, p := range parts {
		n += len(p)
		if len(p) > 0 {
			nonEmpty++
		}
	}
	blanks := n+nonEmpty-1 <= height
	var lines []string
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		if blanks && len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, p...)
	}
	if len(lines) > height {
		lines = lines[:max(height, 0)]
	}
	return strings.Join(lines, "\n")
}
