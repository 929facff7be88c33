//go:build !windows

package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// testConsole is a console over test frames, drawing, with no tty to restore.
func testConsole(t *testing.T, m tea.Model) (framed, *terminalBuffer, *terminalBuffer) {
	f, out, draws, _ := testFrames(t, colorprofile.TrueColor)
	start(t, f)
	c := &console{frames: f}
	fm := framed{Model: m, c: c}
	fm.View()
	draws.waitFor(t, "alpha")
	return fm, out, draws
}

// panicky panics where it is told to.
type panicky struct{ in string }

func (p panicky) Init() tea.Cmd { return nil }

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg {
	case "update":
		panic("update")
	case "view":
		return panicky{in: "view"}, nil
	case "cmd":
		boom := func() tea.Msg { panic("cmd") }
		return p, tea.Batch(func() tea.Msg { return nil }, boom)
	}
	return p, nil
}

func (p panicky) View() tea.View {
	if p.in == "view" {
		panic("view")
	}
	return lines(0, "alpha")
}

// panicked runs fn and returns what it panicked with.
func panicked(fn func()) (r any) {
	defer func() { r = recover() }()
	fn()
	return nil
}

func TestConsoleGivesTheTerminalBackWhenTheModelPanics(t *testing.T) {
	restored := ansi.ResetModeAltScreenSaveCursor

	m, out, _ := testConsole(t, panicky{})
	if r := panicked(func() { m.Update("update") }); r != "update" {
		t.Fatalf("Update's panic became %v", r)
	}
	if !strings.Contains(out.String(), restored) {
		t.Errorf("a panic in Update left the terminal: %q", out.String())
	}

	m, out, _ = testConsole(t, panicky{})
	next, _ := m.Update("view")
	if r := panicked(func() { next.View() }); r != "view" {
		t.Fatalf("View's panic became %v", r)
	}
	if !strings.Contains(out.String(), restored) {
		t.Errorf("a panic in View left the terminal: %q", out.String())
	}

	m, out, _ = testConsole(t, panicky{})
	_, cmd := m.Update("cmd")
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("the batch came back as %#v", batch)
	}
	if msg := batch[0](); msg != nil || strings.Contains(out.String(), restored) {
		t.Fatalf("a command that returned restored the terminal, or returned %v", msg)
	}
	if r := panicked(func() { batch[1]() }); r != "cmd" {
		t.Fatalf("the command's panic became %v", r)
	}
	if !strings.Contains(out.String(), restored) {
		t.Errorf("a panic in a command left the terminal: %q", out.String())
	}
}

func TestConsoleSendsTheBackgroundQueryAtOnce(t *testing.T) {
	m, out, draws := testConsole(t, panicky{})
	if msg := m.c.filter(m, tea.RequestBackgroundColor()); msg != nil {
		t.Errorf("the query went on to Bubble Tea as %#v", msg)
	}
	if got := out.String(); got != ansi.RequestBackgroundColor {
		t.Errorf("terminal got %q, want the query", got)
	}
	if strings.Contains(draws.String(), ansi.RequestBackgroundColor) {
		t.Error("the query went with the frames")
	}
	for _, msg := range []tea.Msg{keyPress("j"), tea.BatchMsg{nil}, tea.WindowSizeMsg{Width: 1, Height: 1}} {
		if got := m.c.filter(m, msg); got == nil {
			t.Errorf("%#v filtered out", msg)
		}
	}
}

// TestViewIsWhatTheFramesDraw: the console's views set only what frames
// draw (see frames), in every place a key leads to.
func TestViewIsWhatTheFramesDraw(t *testing.T) {
	for _, mouse := range []bool{false, true} {
		h := newHarnessWith(t, 120, 40, testSummaries(), func(_ *harness, c *Config) { c.Mouse = mouse })
		for _, keys := range [][]string{nil, {"enter"}, {"esc", "?"}, {"esc", "n"}, {"esc", "esc", "/"}, {"esc", "esc", "a"}} {
			h.press(keys...)
			v := h.m.View()
			want := tea.MouseModeNone
			if mouse {
				want = tea.MouseModeCellMotion
			}
			if !v.AltScreen || v.MouseMode != want || v.Cursor != nil || v.BackgroundColor != nil || v.ForegroundColor != nil ||
				v.ProgressBar != nil || v.ProgramStatus != nil || v.ReportFocus || v.OnMouse != nil ||
				v.KeyboardEnhancements != (tea.KeyboardEnhancements{}) || v.WindowTitle != "csrtui" {
				t.Errorf("mouse %v, after %v: the view asks for more than frames draw: %+v", mouse, keys, v)
			}
		}
	}
}

// tickerProbe has Bubble Tea queue "RAW" for its frame tick to write, after
// stopping the ticker when stop is set; queued says the sequence is queued.
type tickerProbe struct {
	p       *tea.Program
	stop    bool
	stopped chan bool
	queued  chan struct{}
}

func (m *tickerProbe) Init() tea.Cmd {
	stopped := false
	if m.stop {
		stopped = stopFrameTicker(m.p)
	}
	m.stopped <- stopped
	// The program handles RawMsg (it queues the sequence) before it hands
	// the model the next message of the sequence.
	return tea.Sequence(tea.Raw("RAW"), func() tea.Msg { return "queued" })
}

func (m *tickerProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg {
	case "queued":
		close(m.queued)
	case "quit":
		return m, tea.Quit
	}
	return m, nil
}

func (m *tickerProbe) View() tea.View { return tea.View{} }

func TestBubbleTeasFrameTickerStops(t *testing.T) {
	run := func(stop bool) (*tickerProbe, *terminalBuffer, chan error) {
		out := newTerminalBuffer()
		m := &tickerProbe{stop: stop, stopped: make(chan bool, 1), queued: make(chan struct{})}
		// 120 frames a second, Bubble Tea's most: the ticker would write
		// within 9 ms.
		m.p = tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(out), tea.WithoutRenderer(),
			tea.WithoutSignalHandler(), tea.WithFPS(120))
		done := make(chan error, 1)
		go func() {
			_, err := m.p.Run()
			done <- err
		}()
		return m, out, done
	}
	quit := func(m *tickerProbe, done chan error) {
		t.Helper()
		m.p.Send("quit")
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}

	// The ticker writes what is queued.
	m, out, done := run(false)
	out.waitFor(t, "RAW")
	quit(m, done)

	m, out, done = run(true)
	if !<-m.stopped {
		t.Fatal("stopFrameTicker found no ticker: Bubble Tea's Program has no field ticker of type *time.Ticker; see stopFrameTicker")
	}
	<-m.queued
	time.Sleep(300 * time.Millisecond) // 36 ticks at 120 a second
	if got := out.String(); strings.Contains(got, "RAW") {
		t.Fatalf("written while the program runs, so the ticker still ticks: %q", got)
	}
	quit(m, done)
	if got := out.String(); !strings.Contains(got, "RAW") {
		t.Errorf("what was queued was not written as the program ended: %q", got)
	}
}
