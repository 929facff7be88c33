// Package ui is csrtui's terminal console: the live CSR list, the decoded
// detail, and approve, deny and export by keystroke. It depends only on the
// small interfaces in deps.go; it never talks to the apiserver itself.
package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/csrtui/csrtui/certs"
)

// Config is what the console needs from the rest of csrtui.
type Config struct {
	Source    Source    // the live, sorted list of CSRs (required)
	Decider   Decider   // approve and deny (nil: read-only)
	Deleter   Deleter   // delete superseded requests (nil: x is not offered)
	Inspector Inspector // what an identity could do (nil: not asked)
	Creator   Creator   // create requests (nil: n is not offered)
	// Reader reads a request again for the certificate e and K write (nil:
	// they are not offered).
	Reader Reader
	// Kubeconfigs names the cluster in kubeconfigs for issued client
	// certificates (nil: K is not offered).
	Kubeconfigs Kubeconfigs
	Cluster     Cluster // where csrtui is connected, for the header

	// Policy holds the thresholds of the findings the console makes itself:
	// IssueTimeout, how long an approved request waits before it says why no
	// certificate came (0: certs.DefaultPolicy's).
	Policy certs.Policy

	// Permissions asks what csrtui's own identity may do, so that actions it
	// may not take are shown disabled with the rule they need (nil: not
	// asked, nothing disabled for want of a permission).
	Permissions PermissionChecker
	// ReadOnly disables every write to the cluster, said in the header.
	ReadOnly bool
	// Recorder keeps the record of what the admin does, and L shows it
	// (nil: none, said in the header; the demo's needs no saying).
	Recorder Recorder
	// Mouse has the terminal report the mouse: the wheel moves through the
	// list and scrolls the detail, a click selects a row. The terminal's own
	// text selection then needs shift held (option in iTerm2).
	Mouse bool

	// Keys replace the default keys of the bindings named (KeyNames); check
	// them with CheckKeys first.
	Keys map[string][]string
	// Colors replace the theme's default colours named (ColorNames).
	Colors map[string]Color
	// ExportDir is the folder the export and kubeconfig dialogs offer to
	// write to ("" or ".": the working folder).
	ExportDir string

	// Trace, when set, is told of the moments a benchmark times (hack/bench):
	// "bulk-start" when the key that starts a bulk run is handled, with how
	// many requests it acts on, and "bulk-done" when the run has ended, with
	// how many it approved, denied or deleted.
	Trace func(event string, n int)

	// Now is the clock for ages and time left (nil: time.Now).
	Now func() time.Time
	// SidePanelWidth is the terminal width from which the detail of the
	// selected CSR is shown beside the list (0: 160).
	SidePanelWidth int
}

const (
	defaultSidePanel = 160
	headerHeight     = 2
	// minWidth and minHeight are the smallest terminal the console draws
	// itself on: a list row with its name, a dialog box, the header, the
	// status and the help. Below either, it asks for a larger terminal.
	minWidth  = 24
	minHeight = 6
)

// Model is the root Bubble Tea model. It owns the data every child reads,
// handles the keys that mean the same everywhere, and routes the rest to the
// child in front: an open dialog, else the filter being typed, else the
// detail, else the list (route.go).
type Model struct {
	cfg  Config
	keys keyMap

	st        styles
	dark      bool // the terminal's background, as it answered (dark until then)
	colorless bool // the terminal shows no colours (NO_COLOR, TERM=dumb)
	dialogBox lipgloss.Style
	help      help.Model
	fullHelp  bool

	width, height int
	bodyHeight    int
	sidePanel     bool

	list   listModel
	detail detailModel // full screen while its CSR is set
	panel  detailModel // beside the list on wide terminals
	filter filterModel
	dialog dialog // nil when none is open
	status status

	caps map[string]*capState // by CSR UID
	// marks are the requests marked for a bulk decision: raw names by UID
	// (marks.go). The list reads them to draw the marks.
	marks map[string]string
	// snapshot is the Source's list the console shows; issuers is which of
	// its signers issued something, for the not-issued finding, made when
	// first needed.
	snapshot []*certs.Summary
	issuers  *certs.Issuers

	// slipped is when the row under the cursor last left the list, so that
	// an action key pressed just then does not act on the neighbour.
	slipped slip

	// forms counts the dialogs opened that ask the cluster (the create
	// form, the export and the kubeconfig, which read the certificate), so
	// that an answer meant for one is never taken by the next; runs counts
	// the bulk runs so.
	forms, runs int
	// follow is the name of a request just created: the cursor goes to it
	// when it shows in the list.
	follow string

	// conn is where the connection to the apiserver stands (conn.go); fatal
	// is why the console ended on its own.
	conn  conn
	fatal error
	// perms is what csrtui's own identity may do (perms.go).
	perms permState
	tick  ticker
	// rec is the record: lines it missed, approvals waiting for their
	// certificate, and L's screen (record.go).
	rec recordState

	// after starts a timer (tea.Tick; tests record the durations instead).
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	pause time.Duration // the last pause between snapshots (listenAfterPause)
}

// New returns the console model; run it with tea.NewProgram.
func New(cfg Config) *Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SidePanelWidth <= 0 {
		cfg.SidePanelWidth = defaultSidePanel
	}
	if cfg.Policy.IssueTimeout <= 0 {
		cfg.Policy.IssueTimeout = certs.DefaultPolicy().IssueTimeout
	}
	m := &Model{
		cfg:   cfg,
		keys:  defaultKeyMap(),
		help:  help.New(),
		list:  newListModel(),
		caps:  map[string]*capState{},
		marks: map[string]string{},
		after: tea.Tick,
	}
	m.keys.apply(cfg.Keys)
	m.list.keys = &m.keys
	m.list.marked = m.marks
	m.filter = newFilter(&m.keys)
	m.dark = true
	m.setTheme()
	return m
}

// setTheme builds the styles for the terminal's background and colours.
func (m *Model) setTheme() {
	m.st = newStyles(newTheme(m.dark, m.cfg.Colors), m.dark, m.colorless)
	m.help.Styles = m.st.help
	m.filter.SetStyles(&m.st)
	if m.dialog != nil {
		m.dialog.SetStyles(&m.st)
	}
	m.layout()
}

// Init takes the first snapshot and starts waiting for the next one.
func (m *Model) Init() tea.Cmd {
	loaded := m.cfg.Source.Loaded()
	m.setSnapshot(m.cfg.Source.Snapshot())
	if _, quit := m.setConn(loaded, m.cfg.Source.Err()); quit != nil {
		return quit
	}
	return tea.Batch(waitCmd(m.cfg.Source), tea.RequestBackgroundColor, m.askPermissions())
}

func (m *Model) now() time.Time { return m.cfg.Now() }

// Update takes data and results here, and hands keys and pastes to route.go.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.setTheme()
	case tea.ColorProfileMsg:
		// Bubble Tea takes the colours out of what the console draws where
		// the terminal has none; what colour alone said needs another mark.
		m.colorless = msg.Profile != colorprofile.Unknown && msg.Profile <= colorprofile.ASCII
		m.setTheme()
	case snapshotMsg:
		back, quit := m.setConn(!msg.loading, msg.err)
		if quit != nil {
			return m, quit
		}
		m.setSnapshot(msg.summaries)
		cmds = append(cmds, m.listenAfterPause(msg.waited), m.permissionsAfterSnapshot(back), m.recordIssued())
	case listenMsg:
		cmds = append(cmds, waitCmd(m.cfg.Source))
	case tickMsg:
		if !m.tick.fired(msg) {
			return m, nil
		}
		m.refreshDetails()
	case decisionMsg:
		cmds = append(cmds, m.said(decisionStatus(msg, m.now()), msg.recordErr), m.decided(msg))
	case recordedMsg:
		cmds = append(cmds, m.recorded(msg))
	case recordReadMsg:
		m.recordRead(msg)
	case permissionsMsg:
		cmds = append(cmds, m.permissionsAnswered(msg))
	case permissionsTickMsg:
		if msg.gen == m.perms.gen {
			cmds = append(cmds, m.askPermissions())
		}
	case capabilitiesMsg:
		cmds = append(cmds, m.answered(msg))
	case inspectMsg:
		cmds = append(cmds, m.rested(msg))
	case bulkResultMsg:
		cmds = append(cmds, m.bulkResulted(msg))
	case dialogMsg:
		if m.dialog != nil {
			cmds = append(cmds, m.updateDialog(msg))
		}
	case createdMsg:
		cmds = append(cmds, m.said(createdStatus(msg), msg.recordErr))
		if msg.err == nil {
			m.follow = msg.name
			m.followCreated()
		}
	case exportMsg:
		if msg.exists {
			cmds = append(cmds, m.open(newOverwrite(msg.fileWrite, &m.keys)))
		} else {
			cmds = append(cmds, m.said(exportStatus(msg), msg.recordErr))
		}
	case tea.MouseWheelMsg:
		cmds = append(cmds, m.handleWheel(msg))
	case tea.MouseClickMsg:
		cmds = append(cmds, m.handleClick(msg))
	case tea.PasteMsg:
		cmds = append(cmds, m.handlePaste(msg))
	case tea.KeyPressMsg:
		cmds = append(cmds, m.handleKey(msg))
	}
	cmds = append(cmds, m.ensureTick())
	return m, tea.Batch(cmds...)
}

// setSnapshot stores a new list. The cursor stays on the same name; the
// detail and an open dialog stay on the same object (UID), and say so when it
// has gone or drifted.
func (m *Model) setSnapshot(ss []*certs.Summary) {
	before := m.list.selectedSummary()
	m.list.setSummaries(ss)
	m.snapshot, m.issuers = ss, nil
	if after := m.list.selectedSummary(); before != nil && (after == nil || after.UID != before.UID) {
		m.slipped = slip{from: before.Name, at: m.now()}
	}
	if m.detail.s != nil {
		m.detail.follow(&m.list)
	}
	m.followCreated()
	m.dropCaps()
	m.dropMarks()
	m.recheckDialog()
	m.refreshDetails()
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
	return len(m.status.lines(m.width, m.statusLines()))
}

// statusLines is how many lines the status may take on this terminal.
func (m *Model) statusLines() int {
	if m.height < shortTerminal {
		return 1
	}
	return maxStatusLines
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
	m.filter.SetSize(m.width)
	if m.rec.view != nil {
		m.rec.view.SetSize(m.width, m.bodyHeight)
	}
	if m.dialog != nil {
		m.dialog.SetSize(inner, m.dialogHeight())
	}
	m.refreshDetails()
}

// refreshDetails rebuilds the detail lines shown now (they hold times).
func (m *Model) refreshDetails() {
	now := m.now()
	if m.inDetail() {
		s := m.detail.s
		m.detail.rebuild(&m.st, now, m.findingsOf(s), m.capsFor(s), m.inspects(s), m.list.backlog.SupersededBy(s))
	}
	if m.sidePanel {
		s := m.list.selectedSummary()
		m.panel.show(s)
		var fs []certs.Finding
		if s != nil {
			fs = m.findingsOf(s)
		}
		m.panel.rebuild(&m.st, now, fs, m.capsFor(s), m.inspects(s), m.list.backlog.SupersededBy(s))
	}
}

// inDetail reports whether the detail of one CSR is open, with or without a
// dialog over it.
func (m *Model) inDetail() bool { return m.detail.s != nil }

// detailShown reports whether the detail fills the body now.
func (m *Model) detailShown() bool { return m.inDetail() && m.dialog == nil }

// current is the CSR the keys act on: the detail's, or the list's selection.
func (m *Model) current() *certs.Summary {
	if m.inDetail() {
		return m.detail.s
	}
	return m.list.selectedSummary()
}

// View draws the header, the body of the current state, the status line and
// the help bar.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	if m.cfg.Mouse {
		// Clicks and the wheel; not motion, which would wake the console
		// at every move of the pointer.
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "csrtui"
	return v
}

func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	var b strings.Builder
	// One buffer for the whole screen: at 200x60 with colours, about 25 KB
	// (bounded: a terminal that says it is huge is mostly empty lines).
	b.Grow(min((m.width+24)*(m.height+1), 1<<20))
	b.WriteString(m.headerView())
	b.WriteString("\n")
	start := b.Len()
	m.writeBody(&b)
	// Keep the footer at the bottom whatever the body's height.
	if pad := m.bodyHeight - strings.Count(b.String()[start:], "\n") - 1; pad > 0 {
		b.WriteString(strings.Repeat("\n", pad))
	}
	b.WriteString("\n")
	b.WriteString(m.status.View(&m.st, m.width, m.statusLines()))
	b.WriteString("\n")
	b.WriteString(m.helpView())
	return b.String()
}

// writeBody draws what is in front: a dialog, the detail, or the list (with
// the detail of its selection beside it on wide terminals).
func (m *Model) writeBody(b *strings.Builder) {
	switch {
	case m.dialog != nil:
		b.WriteString(placeDialog(m.width, m.bodyHeight, m.dialogBox.Render(m.dialog.View())))
		return
	case m.rec.view != nil:
		b.WriteString(m.rec.view.View())
		return
	case m.inDetail():
		b.WriteString(m.detail.View())
		return
	}
	list := m.list.View(&m.st, m.now())
	if !m.sidePanel {
		b.WriteString(list)
		return
	}
	// The lines of a list of rows are its width already: measuring them again
	// took a third of a keystroke.
	exact := len(m.list.shown) > 0
	joinColumns(b, list, m.panel.View(), m.list.width, m.bodyHeight, paint(m.st.muted, lit(" │ ")), exact)
}

// joinColumns writes two blocks side by side, the left one padded to lw
// cells; leftExact says its lines are lw cells already.
func joinColumns(b *strings.Builder, left, right string, lw, height int, sep string, leftExact bool) {
	for i := range height {
		if i > 0 {
			b.WriteString("\n")
		}
		var l, r string
		l, left, _ = strings.Cut(left, "\n")
		r, right, _ = strings.Cut(right, "\n")
		b.WriteString(l)
		switch {
		case l == "":
			b.WriteString(strings.Repeat(" ", lw))
		case !leftExact:
			if w := lipgloss.Width(l); w < lw {
				b.WriteString(strings.Repeat(" ", lw-w))
			}
		}
		b.WriteString(sep)
		b.WriteString(r)
	}
}

// tooSmall reports whether the terminal is below the smallest the console
// draws itself on (and not yet sized, which is no size at all).
func (m *Model) tooSmall() bool {
	return m.width < minWidth || m.height < minHeight
}

// tooSmallView fills the terminal with what it lacks, cut to fit.
func (m *Model) tooSmallView() string {
	text := lit(fmt.Sprintf("Enlarge the terminal: csrtui needs %dx%d, this one is %dx%d.", minWidth, minHeight, m.width, m.height))
	lines := cutLines(text, m.width, m.height)
	for i, l := range lines {
		lines[i] = m.st.muted.Render(l)
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
