//go:build !windows

package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// Run runs model, the console, on the terminal until the admin quits, and
// returns the final model and Bubble Tea's error.
//
// Bubble Tea v2.1.1 wakes at its frame rate for the program's whole life, with
// or without its renderer (tea.go startRenderer). Run turns the renderer off
// and draws the frames itself (frames.go), then stops the ticker that is left
// (stopFrameTicker): at rest nothing wakes the console. What the renderer's
// absence leaves undone is done here: raw mode, the terminal's size and its
// changes, the queries the console asks Bubble Tea to send, and giving the
// terminal back on every way out, a panic in the model's code included.
func Run(ctx context.Context, model tea.Model, t Terminal) (tea.Model, error) {
	in, opened, err := terminalInput()
	if err != nil {
		return model, err
	}
	if opened {
		defer func() { _ = in.Close() }()
	}
	// Resizes are listened for before the size is read, so none is missed.
	winch := make(chan os.Signal, 1)
	uv.NotifyWinch(winch)
	defer signal.Stop(winch)

	env := os.Environ()
	width, height, err := terminalSize(t.Out, env)
	if err != nil {
		return model, err
	}
	// The profile Bubble Tea would detect (tea.go Run), given to it so that
	// the model and the frames agree on it.
	profile := colorprofile.Detect(t.Out, env)
	draws := io.Writer(t.Out)
	if t.Frames != nil {
		draws = t.Frames(t.Out)
	}
	c := &console{frames: newFrames(t.Out, draws, env, profile, width, height), in: in}
	if c.raw, err = term.MakeRaw(in.Fd()); err != nil {
		return model, fmt.Errorf("making the terminal raw: %w", err)
	}
	defer c.restore()
	go c.frames.run()
	if queryModes(uv.Environ(env)) {
		c.frames.query(modeQueries)
	}

	p := tea.NewProgram(framed{Model: model, c: c},
		tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(t.Out),
		tea.WithoutRenderer(), tea.WithFPS(1),
		tea.WithWindowSize(width, height), tea.WithColorProfile(profile),
		tea.WithFilter(c.filter))
	c.program = p
	stop := make(chan struct{})
	defer close(stop)
	go followSize(p, winch, stop, t.Out, env)

	final, err := p.Run()
	if f, ok := final.(framed); ok {
		final = f.Model
	}
	return final, err
}

// terminalInput is where keys come from: stdin, or the controlling terminal
// when stdin is piped, as Bubble Tea reads them (tea.go Run). opened says
// the caller closes it.
func terminalInput() (in *os.File, opened bool, err error) {
	if term.IsTerminal(os.Stdin.Fd()) {
		return os.Stdin, false, nil
	}
	in, _, err = uv.OpenTTY()
	if err != nil {
		return nil, false, fmt.Errorf("opening the terminal: %w", err)
	}
	return in, true, nil
}

// terminalSize is out's size; when the terminal says 0, $COLUMNS and $LINES,
// then 80x24, as Bubble Tea falls back (tty.go fallbackDimensions). Out not a
// terminal has no size.
func terminalSize(out *os.File, env uv.Environ) (width, height int, err error) {
	if !term.IsTerminal(out.Fd()) {
		return 0, 0, nil
	}
	width, height, err = term.GetSize(out.Fd())
	if err != nil {
		return 0, 0, fmt.Errorf("reading the terminal's size: %w", err)
	}
	fallback := func(n int, name string, def int) int {
		if n > 0 {
			return n
		}
		if v, err := strconv.Atoi(env.Getenv(name)); err == nil && v > 0 {
			return v
		}
		return def
	}
	return fallback(width, "COLUMNS", 80), fallback(height, "LINES", 24), nil
}

// followSize tells the program the terminal's size after each change, until
// stop: Bubble Tea listens for SIGWINCH only with its renderer.
func followSize(p *tea.Program, winch <-chan os.Signal, stop <-chan struct{}, out *os.File, env uv.Environ) {
	for {
		select {
		case <-winch:
		case <-stop:
			return
		}
		if w, h, err := terminalSize(out, env); err == nil {
			p.Send(tea.WindowSizeMsg{Width: w, Height: h})
		}
	}
}

// queryModes reports whether to ask the terminal about synchronized output,
// under Bubble Tea's conditions (tea.go shouldQuerySynchronizedOutput):
// terminals known to answer, and no SSH session but from Windows Terminal.
func queryModes(env uv.Environ) bool {
	termType := env.Getenv("TERM")
	termProg, okTermProg := env.LookupEnv("TERM_PROGRAM")
	_, okSSHTTY := env.LookupEnv("SSH_TTY")
	_, okWTSession := env.LookupEnv("WT_SESSION")
	if okWTSession || (!okSSHTTY && (!okTermProg || !strings.Contains(termProg, "Apple"))) {
		return true
	}
	for _, known := range []string{"ghostty", "wezterm", "alacritty", "kitty", "rio"} {
		if strings.Contains(termType, known) {
			return true
		}
	}
	return false
}

// console is the terminal as Run holds it.
type console struct {
	frames  *frames
	in      *os.File
	raw     *term.State  // the input's modes before Run; nil until made raw
	program *tea.Program // whose frame ticker Init stops; nil in tests
	once    sync.Once
}

// stopFrameTicker stops the ticker Bubble Tea v2.1.1 starts before the
// model's Init, renderer or none (tea.go startRenderer, the field ticker), and
// reports whether it found it. The ticker's goroutine then only waits for the
// program's end. At tea.WithFPS(1) it woke the process every second to flush
// a buffer that only Bubble Tea's own query and clipboard commands fill (the
// one query the console asks, filter sends itself), and each wakeup cost
// about 1 ms of CPU on a small VM: over five idle minutes on 10,000 requests,
// 0.27-0.34% of a core with it and 0.17% without, with kubectl get csr
// --watch at 0.13% beside them.
//
// No option of Bubble Tea's turns the ticker off; open upstream changes
// would (charmbracelet/bubbletea#1776, #1796). Until one is released, the
// field is reached by reflection; a test fails when an upgrade renames or
// retypes it, and stopFrameTicker then changes nothing.
func stopFrameTicker(p *tea.Program) bool {
	f := reflect.ValueOf(p).Elem().FieldByName("ticker")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*time.Ticker]() {
		return false
	}
	t := *(**time.Ticker)(unsafe.Pointer(f.UnsafeAddr()))
	if t == nil {
		return false
	}
	t.Stop()
	return true
}

// restore gives the terminal back: the screen modes, then the tty's. Only
// the first call does anything.
func (c *console) restore() {
	c.once.Do(func() {
		c.frames.close()
		if c.raw != nil {
			_ = term.Restore(c.in.Fd(), c.raw)
		}
	})
}

// restoreUnless restores the terminal unless *ok. Deferred around the
// model's code with ok set after it, it runs only when that code panics: the
// terminal is given back before Bubble Tea prints the panic, which would
// otherwise go to the alternate screen and vanish with it.
func (c *console) restoreUnless(ok *bool) {
	if !*ok {
		c.restore()
	}
}

// guard makes cmd, and the commands of the batch it returns, restore the
// terminal when they panic.
func (c *console) guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		ok := false
		defer c.restoreUnless(&ok)
		msg := cmd()
		ok = true
		if batch, isBatch := msg.(tea.BatchMsg); isBatch {
			guarded := make(tea.BatchMsg, len(batch))
			for i, b := range batch {
				guarded[i] = c.guard(b)
			}
			return guarded
		}
		return msg
	}
}

// backgroundQuery is the message tea.RequestBackgroundColor sends.
var backgroundQuery = tea.RequestBackgroundColor()

// filter sends the background colour query at once: Bubble Tea writes the
// queries it is asked to send on its frame tick (tea.go executeQuery and
// flush), which Init stops, and then only as the program ends.
func (c *console) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	if msg == backgroundQuery {
		c.frames.query(ansi.RequestBackgroundColor)
		return nil
	}
	return msg
}

// framed is the console's model as Run's program holds it: each view goes to
// the frames, and a panic in the model's code gives the terminal back first.
type framed struct {
	tea.Model
	c *console
}

func (m framed) Init() tea.Cmd {
	if m.c.program != nil {
		stopFrameTicker(m.c.program)
	}
	ok := false
	defer m.c.restoreUnless(&ok)
	cmd := m.Model.Init()
	ok = true
	return m.c.guard(cmd)
}

func (m framed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	ok := false
	defer m.c.restoreUnless(&ok)
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.frames.resize(msg.Width, msg.Height)
	case tea.ColorProfileMsg:
		m.c.frames.setColorProfile(msg.Profile)
	case tea.ModeReportMsg:
		m.c.frames.modeReport(msg)
	}
	next, cmd := m.Model.Update(msg)
	ok = true
	return framed{Model: next, c: m.c}, m.c.guard(cmd)
}

func (m framed) View() tea.View {
	ok := false
	defer m.c.restoreUnless(&ok)
	v := m.Model.View()
	ok = true
	m.c.frames.show(v)
	return v
}
