// Package ui is csrtui's terminal console: the live CSR list, the decoded
// detail, and approve, deny and export by keystroke. It depends only on the
// small interfaces in deps.go; it never talks to the apiserver itself.
package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

// Config is what the console needs from the rest of csrtui.
type Config struct {
	Source    Source    // the live, sorted list of CSRs (required)
	Decider   Decider   // approve and deny (nil: read-only)
	Inspector Inspector // what an identity could do (nil: not asked)
	Cluster   Cluster   // where csrtui is connected, for the header

	// Now is the clock for ages and time left (nil: time.Now).
	Now func() time.Time
	// SidePanelWidth is the terminal width from which the detail of the
	// selected CSR is shown beside the list (0: 160).
	SidePanelWidth int
}

const (
	defaultSidePanel = 160
	inspectDelay     = 300 * time.Millisecond
	headerHeight     = 2
)

type state int

const (
	stateList      state = iota
	stateFilter          // typing a filter
	stateDetail          // one CSR, full screen
	stateConfirm         // approve?
	statePrompt          // deny reason or export path
	stateOverwrite       // replace an existing export file?
)

// Model is the root Bubble Tea model. It routes keys to the component of the
// current state and owns the data every component reads.
type Model struct {
	cfg  Config
	keys keyMap

	isDark    bool
	st        styles
	dialogBox lipgloss.Style
	help      help.Model
	fullHelp  bool

	width, height int
	bodyHeight    int
	sidePanel     bool

	state     state
	back      state // where a dialog returns to
	list      listModel
	detail    detailModel // full screen
	panel     detailModel // beside the list on wide terminals
	filter    textinput.Model
	confirm   confirmModel
	prompt    promptModel
	overwrite overwriteModel
	status    status

	caps map[string]*capState // by CSR UID

	// sourceErr is why the list is not live right now (nil when it is).
	sourceErr   error
	tickGen     int
	tickPending bool
	tickDue     time.Time

	// after starts a timer (tea.Tick; tests record the durations instead).
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// New returns the console model; run it with tea.NewProgram.
func New(cfg Config) *Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SidePanelWidth <= 0 {
		cfg.SidePanelWidth = defaultSidePanel
	}
	m := &Model{
		cfg:    cfg,
		keys:   defaultKeyMap(),
		isDark: true,
		help:   help.New(),
		list:   newListModel(),
		caps:   map[string]*capState{},
		after:  tea.Tick,
	}
	m.filter = m.newInput()
	m.filter.Prompt = "/"
	m.setTheme(true)
	return m
}

// newInput returns a text input with a steady cursor: nothing blinks, so
// nothing runs while the admin reads.
func (m *Model) newInput() textinput.Model {
	ti := textinput.New()
	s := textinput.DefaultStyles(m.isDark)
	s.Cursor.Blink = false
	ti.SetStyles(s)
	return ti
}

func (m *Model) setTheme(isDark bool) {
	m.isDark = isDark
	m.st = newStyles(newTheme(isDark), isDark)
	m.help.Styles = m.st.help
	s := textinput.DefaultStyles(isDark)
	s.Cursor.Blink = false
	m.filter.SetStyles(s)
	m.confirm.input.SetStyles(s)
	m.prompt.input.SetStyles(s)
	m.layout()
}

// Init takes the first snapshot and starts waiting for the next one.
func (m *Model) Init() tea.Cmd {
	m.setSnapshot(m.cfg.Source.Snapshot())
	m.sourceErr = m.cfg.Source.Err()
	return tea.Batch(waitCmd(m.cfg.Source), tea.RequestBackgroundColor)
}

func (m *Model) now() time.Time { return m.cfg.Now() }

// Update routes a message: data and results here, keys to the current state.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		m.setTheme(msg.IsDark())
	case snapshotMsg:
		m.setSnapshot(msg.summaries)
		m.sourceErr = msg.err
		// Changes during the pause wait in the Source's one-slot channel, so a burst
		// of informer events reaches the screen at most once per interval; the first
		// change after a quiet spell shows at once.
		cmds = append(cmds, m.after(coalesceInterval, func(time.Time) tea.Msg { return listenMsg{} }))
	case listenMsg:
		cmds = append(cmds, waitCmd(m.cfg.Source))
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil // superseded by a sooner tick
		}
		m.tickPending = false
		m.refreshDetails()
	case decisionMsg:
		m.setStatus(decisionStatus(msg))
	case capabilitiesMsg:
		m.caps[msg.uid] = &capState{caps: msg.caps, err: msg.err}
		m.refreshDetails()
	case inspectMsg:
		if s := m.list.selectedSummary(); s != nil && s.UID == msg.uid && m.sidePanel {
			cmds = append(cmds, m.askCapabilities(s))
		}
	case exportMsg:
		if msg.exists {
			m.overwrite.name, m.overwrite.path = msg.name, msg.path
			m.openDialog(stateOverwrite)
		} else {
			m.setStatus(exportStatus(msg))
		}
	case tea.PasteMsg:
		cmds = append(cmds, m.updateInput(msg))
	case tea.KeyPressMsg:
		cmds = append(cmds, m.handleKey(msg))
	}
	cmds = append(cmds, m.ensureTick())
	return m, tea.Batch(cmds...)
}

// setSnapshot stores a new list, keeping the cursor and the detail on the
// same CSR by name.
func (m *Model) setSnapshot(ss []*certs.Summary) {
	m.list.setSummaries(ss)
	if m.detail.s != nil {
		m.detail.s, m.detail.gone = findSummary(ss, m.detail.s)
	}
	m.refreshDetails()
}

// findSummary returns the current version of old in ss, or old marked gone.
func findSummary(ss []*certs.Summary, old *certs.Summary) (*certs.Summary, bool) {
	for _, s := range ss {
		if s.Name == old.Name {
			return s, false
		}
	}
	return old, true
}

// setStatus shows the outcome of an action; a long one takes up to three
// lines, so the body shrinks to make room.
func (m *Model) setStatus(s status) {
	old := m.statusHeight()
	m.status = s
	if m.statusHeight() != old {
		m.layout()
	}
}

func (m *Model) statusHeight() int {
	return len(m.status.lines(m.width))
}

// layout sizes every component; it runs on resize and when the help grows.
func (m *Model) layout() {
	if m.width <= 0 || m.height <= 0 {
		return
	}
	m.help.SetWidth(m.width)
	helpHeight := lipgloss.Height(m.helpView())
	m.bodyHeight = max(m.height-headerHeight-max(m.statusHeight(), 1)-helpHeight, 1)
	m.sidePanel = m.width >= m.cfg.SidePanelWidth

	listWidth := m.width
	if m.sidePanel {
		panelWidth := max(m.width*2/5, 60)
		listWidth = m.width - panelWidth - 3
		m.panel.SetSize(panelWidth, m.bodyHeight)
	}
	m.list.SetSize(listWidth, m.bodyHeight)
	m.detail.SetSize(m.width, m.bodyHeight)

	inner := dialogInner(m.width)
	m.dialogBox = m.st.box.Width(inner + m.st.box.GetHorizontalFrameSize())
	m.filter.SetWidth(max(m.width-2, 10))
	m.confirm.SetSize(m.width)
	m.prompt.SetSize(m.width)
	m.overwrite.width = m.width
	m.refreshDetails()
}

// refreshDetails rebuilds the detail lines shown now (they hold times).
func (m *Model) refreshDetails() {
	now := m.now()
	if m.state == stateDetail || m.detail.s != nil {
		s := m.detail.s
		m.detail.rebuild(&m.st, now, m.capsFor(s), m.inspects(s))
	}
	if m.sidePanel {
		s := m.list.selectedSummary()
		m.panel.show(s)
		m.panel.rebuild(&m.st, now, m.capsFor(s), m.inspects(s))
	}
}

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

// selectionChanged refreshes the side panel and, once the cursor rests,
// asks what the selected identity could do.
func (m *Model) selectionChanged() tea.Cmd {
	if !m.sidePanel {
		return nil
	}
	m.refreshDetails()
	s := m.list.selectedSummary()
	if !m.inspects(s) || m.caps[s.UID] != nil {
		return nil
	}
	uid := s.UID
	return m.after(inspectDelay, func(time.Time) tea.Msg { return inspectMsg{uid: uid} })
}

// ensureTick keeps one timer pending for the soonest change of a time on
// screen: every second only while a visible CSR is under a minute old,
// otherwise when the next minute, hour or day turns. Nothing runs when no
// time is on screen.
func (m *Model) ensureTick() tea.Cmd {
	now := m.now()
	var next time.Duration
	if m.state != stateDetail {
		next = m.list.nextChange(now)
	}
	if m.state == stateDetail || m.sidePanel {
		if next == 0 || next > time.Minute {
			next = time.Minute
		}
	}
	if next <= 0 {
		return nil
	}
	next += 10 * time.Millisecond // land just after the turn, not before it
	due := now.Add(next)
	if m.tickPending && !m.tickDue.After(due) {
		return nil
	}
	m.tickGen++
	m.tickPending, m.tickDue = true, due
	gen := m.tickGen
	return m.after(next, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

func (m *Model) openDialog(s state) {
	if m.state == stateList || m.state == stateDetail {
		m.back = m.state
	}
	m.state = s
}

func (m *Model) closeDialog() {
	m.state = m.back
	m.confirm.input.Blur()
	m.prompt.input.Blur()
}

// current is the CSR the keys act on: the detail's, or the list's selection.
func (m *Model) current() *certs.Summary {
	if (m.state == stateDetail || m.back == stateDetail && m.state >= stateConfirm) && m.detail.s != nil {
		return m.detail.s
	}
	return m.list.selectedSummary()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Interrupt) {
		return tea.Interrupt
	}
	switch m.state {
	case stateFilter:
		return m.updateFilter(msg)
	case stateDetail:
		return m.updateDetail(msg)
	case stateConfirm:
		return m.updateConfirm(msg)
	case statePrompt:
		return m.updatePrompt(msg)
	case stateOverwrite:
		return m.updateOverwrite(msg)
	default:
		return m.updateList(msg)
	}
}

func (m *Model) updateList(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		if m.list.move(-1) {
			return m.selectionChanged()
		}
	case key.Matches(msg, k.Down):
		if m.list.move(1) {
			return m.selectionChanged()
		}
	case key.Matches(msg, k.PageUp):
		if m.list.move(-m.list.pageRows()) {
			return m.selectionChanged()
		}
	case key.Matches(msg, k.PageDown):
		if m.list.move(m.list.pageRows()) {
			return m.selectionChanged()
		}
	case key.Matches(msg, k.Home):
		if m.list.moveTo(0) {
			return m.selectionChanged()
		}
	case key.Matches(msg, k.End):
		if m.list.moveTo(len(m.list.shown) - 1) {
			return m.selectionChanged()
		}
	case key.Matches(msg, k.Open):
		s := m.list.selectedSummary()
		if s == nil {
			return nil
		}
		m.state = stateDetail
		m.detail.show(s)
		cmd := m.askCapabilities(s)
		m.refreshDetails()
		return cmd
	case key.Matches(msg, k.Back):
		if m.list.filter != "" {
			m.list.setFilter("")
			m.filter.SetValue("")
			return m.selectionChanged()
		}
	case key.Matches(msg, k.Filter):
		m.state = stateFilter
		m.filter.SetValue(m.list.filter)
		m.filter.CursorEnd()
		return m.filter.Focus()
	case key.Matches(msg, k.Pending):
		m.list.togglePending()
		return m.selectionChanged()
	case key.Matches(msg, k.Help):
		m.toggleHelp()
	case key.Matches(msg, k.Quit):
		return tea.Quit
	default:
		return m.action(msg)
	}
	return nil
}

func (m *Model) toggleHelp() {
	m.fullHelp = !m.fullHelp
	m.help.ShowAll = m.fullHelp
	m.layout()
}

// action handles the keys that act on the current CSR.
func (m *Model) action(msg tea.KeyPressMsg) tea.Cmd {
	s := m.current()
	if s == nil {
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Approve):
		return m.startApprove(s)
	case key.Matches(msg, m.keys.Deny):
		return m.startDeny(s)
	case key.Matches(msg, m.keys.Export):
		return m.startExport(s)
	}
	return nil
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
		m.setStatus(errStatus("csrtui runs read-only here: " + doing + " is not possible."))
		return true
	}
	noop, err := certs.CheckDecision(s.Name, s.State, d)
	switch {
	case err != nil:
		m.setStatus(errStatus(certs.Sanitize(err.Error()) + ": a decision is final, it can't be " + done + "."))
	case noop:
		m.setStatus(infoStatus(certs.Sanitize(s.Name) + " is already " + done + ": nothing to do."))
	default:
		return false
	}
	return true
}

func (m *Model) startApprove(s *certs.Summary) tea.Cmd {
	if m.refuseDecision(s, certs.Approve) {
		return nil
	}
	m.confirm = newConfirm(s, m.newInput())
	m.confirm.SetSize(m.width)
	m.openDialog(stateConfirm)
	m.setStatus(status{})
	if m.confirm.needsName() {
		return m.confirm.input.Focus()
	}
	return nil
}

func (m *Model) startDeny(s *certs.Summary) tea.Cmd {
	if m.refuseDecision(s, certs.Deny) {
		return nil
	}
	m.prompt = newPrompt(promptDeny, s, m.newInput())
	m.prompt.SetSize(m.width)
	m.openDialog(statePrompt)
	m.setStatus(status{})
	return m.prompt.input.Focus()
}

func (m *Model) startExport(s *certs.Summary) tea.Cmd {
	if len(s.CertificatePEM) == 0 || s.State != certs.StateIssued {
		m.setStatus(infoStatus(noCertificateText(s)))
		return nil
	}
	m.prompt = newPrompt(promptExport, s, m.newInput())
	m.prompt.SetSize(m.width)
	m.openDialog(statePrompt)
	m.setStatus(status{})
	return m.prompt.input.Focus()
}

func (m *Model) updateFilter(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.KeepFilter):
		m.state = stateList
		m.filter.Blur()
		return nil
	case key.Matches(msg, m.keys.ClearFilter):
		m.state = stateList
		m.filter.Blur()
		m.filter.SetValue("")
		m.list.setFilter("")
		return m.selectionChanged()
	case msg.String() == "up" || msg.String() == "down":
		// Arrows still move while typing; j and k are text here.
		d := 1
		if msg.String() == "up" {
			d = -1
		}
		if m.list.move(d) {
			return m.selectionChanged()
		}
		return nil
	}
	return m.updateInput(msg)
}

// updateInput feeds a key or a paste to the text input of the current state.
func (m *Model) updateInput(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.state {
	case stateFilter:
		m.filter, cmd = m.filter.Update(msg)
		if v := m.filter.Value(); v != m.list.filter {
			m.list.setFilter(v)
			return tea.Batch(cmd, m.selectionChanged())
		}
	case stateConfirm:
		m.confirm.input, cmd = m.confirm.input.Update(msg)
		m.confirm.mismatch = false
	case statePrompt:
		m.prompt.input, cmd = m.prompt.input.Update(msg)
	}
	return cmd
}

func (m *Model) updateDetail(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.state = stateList
		m.detail.s = nil
		m.refreshDetails()
	case key.Matches(msg, k.Up):
		m.detail.scroll(-1)
	case key.Matches(msg, k.Down):
		m.detail.scroll(1)
	case key.Matches(msg, k.PageUp):
		m.detail.scroll(-m.detail.height)
	case key.Matches(msg, k.PageDown):
		m.detail.scroll(m.detail.height)
	case key.Matches(msg, k.Home):
		m.detail.top()
	case key.Matches(msg, k.End):
		m.detail.bottom()
	case key.Matches(msg, k.Help):
		m.toggleHelp()
	case key.Matches(msg, k.Quit):
		return tea.Quit
	default:
		return m.action(msg)
	}
	return nil
}

func (m *Model) updateConfirm(msg tea.KeyPressMsg) tea.Cmd {
	c := &m.confirm
	switch {
	case c.disabled():
		switch {
		case key.Matches(msg, m.keys.Cancel), key.Matches(msg, m.keys.No):
			m.closeDialog()
		case key.Matches(msg, m.keys.Deny):
			m.closeDialog()
			return m.startDeny(c.s)
		}
		return nil
	case c.needsName():
		switch {
		case key.Matches(msg, m.keys.Cancel):
			m.closeDialog()
			m.setStatus(infoStatus("Approval cancelled."))
			return nil
		case key.Matches(msg, m.keys.Submit):
			if !c.nameMatches() {
				c.mismatch = true
				return nil
			}
			return m.approve(c.s)
		}
		return m.updateInput(msg)
	default:
		switch {
		case key.Matches(msg, m.keys.Yes):
			return m.approve(c.s)
		case key.Matches(msg, m.keys.No):
			m.closeDialog()
			m.setStatus(infoStatus("Approval cancelled."))
		}
		return nil
	}
}

func (m *Model) approve(s *certs.Summary) tea.Cmd {
	m.closeDialog()
	m.setStatus(infoStatus("Approving " + certs.Sanitize(s.Name) + "…"))
	return decideCmd(m.cfg.Decider, true, s.Name, approveMessage)
}

// approveMessage is recorded on the Approved condition.
const approveMessage = "Approved with csrtui."

func (m *Model) updatePrompt(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.prompt
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.closeDialog()
		return nil
	case key.Matches(msg, m.keys.Submit):
		m.closeDialog()
		name := certs.Sanitize(p.s.Name)
		if p.kind == promptDeny {
			m.setStatus(infoStatus("Denying " + name + "…"))
			return decideCmd(m.cfg.Decider, false, p.s.Name, strings.TrimSpace(p.input.Value()))
		}
		m.setStatus(infoStatus("Exporting " + name + "…"))
		m.overwrite = overwriteModel{name: p.s.Name, pem: p.s.CertificatePEM, width: m.width}
		return exportCmd(p.s.Name, p.input.Value(), p.s.CertificatePEM, false)
	}
	return m.updateInput(msg)
}

func (m *Model) updateOverwrite(msg tea.KeyPressMsg) tea.Cmd {
	o := m.overwrite
	switch {
	case key.Matches(msg, m.keys.Yes):
		m.closeDialog()
		m.setStatus(infoStatus("Exporting " + certs.Sanitize(o.name) + "…"))
		return exportCmd(o.name, o.path, o.pem, true)
	case key.Matches(msg, m.keys.No):
		m.closeDialog()
		m.setStatus(infoStatus("Export cancelled: " + certs.Sanitize(o.path) + " was left alone."))
	}
	return nil
}

// View draws the header, the body of the current state, the status line and
// the help bar.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "csrtui"
	return v
}

func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.headerView())
	b.WriteString("\n")
	body := m.bodyView()
	b.WriteString(body)
	// Keep the footer at the bottom whatever the body's height.
	if pad := m.bodyHeight - lipgloss.Height(body); pad > 0 {
		b.WriteString(strings.Repeat("\n", pad))
	}
	b.WriteString("\n")
	b.WriteString(m.status.View(&m.st, m.width))
	b.WriteString("\n")
	b.WriteString(m.helpView())
	return b.String()
}

func (m *Model) bodyView() string {
	now := m.now()
	switch m.state {
	case stateDetail:
		return m.detail.View()
	case stateConfirm:
		return center(m.width, m.bodyHeight, m.confirm.View(&m.st, m.dialogBox))
	case statePrompt:
		return center(m.width, m.bodyHeight, m.prompt.View(&m.st, m.dialogBox))
	case stateOverwrite:
		return center(m.width, m.bodyHeight, m.overwrite.View(&m.st, m.dialogBox))
	}
	list := m.list.View(&m.st, now)
	if !m.sidePanel {
		return list
	}
	return joinColumns(list, m.panel.View(), m.list.width, m.bodyHeight, m.st.muted.Render(" │ "))
}

// joinColumns puts two blocks side by side, the left one padded to lw cells.
func joinColumns(left, right string, lw, height int, sep string) string {
	ll := strings.Split(left, "\n")
	rl := strings.Split(right, "\n")
	var b strings.Builder
	for i := range height {
		if i > 0 {
			b.WriteString("\n")
		}
		l := ""
		if i < len(ll) {
			l = ll[i]
		}
		b.WriteString(l)
		if w := lipgloss.Width(l); w < lw {
			b.WriteString(strings.Repeat(" ", lw-w))
		}
		b.WriteString(sep)
		if i < len(rl) {
			b.WriteString(rl[i])
		}
	}
	return b.String()
}
