//go:build !windows

package ui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// terminalBuffer stands for the terminal: what was written to it, safe to
// read while frames are drawn.
type terminalBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	wrote  chan struct{} // capacity 1: something was written
}

func newTerminalBuffer() *terminalBuffer { return &terminalBuffer{wrote: make(chan struct{}, 1)} }

func (w *terminalBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.b.Write(p)
	w.writes++
	w.mu.Unlock()
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *terminalBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// take returns what was written since the last take.
func (w *terminalBuffer) take() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.b.String()
	w.b.Reset()
	return s
}

// waitFor waits until what was written contains s.
func (w *terminalBuffer) waitFor(t *testing.T, s string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if got := w.String(); strings.Contains(got, s) {
			return got
		}
		select {
		case <-w.wrote:
		case <-deadline:
			t.Fatalf("never written: %q; written: %q", s, w.String())
		}
	}
}

// frameClock is the frames' clock in tests: time stands still, so every
// frame after the first is due frameInterval later, and the timer the frames
// wait on fires when the test says.
type frameClock struct {
	asked chan time.Duration // what each timer was asked for
	fire  chan time.Time
}

func (c *frameClock) after(d time.Duration) <-chan time.Time {
	c.asked <- d
	return c.fire
}

// testFrames are frames 80x24 over two buffers, the terminal and the
// frames' writer, with a clock the test drives.
func testFrames(t *testing.T, profile colorprofile.Profile) (f *frames, out, draws *terminalBuffer, clock *frameClock) {
	out, draws = newTerminalBuffer(), newTerminalBuffer()
	f = newFrames(out, draws, []string{"TERM=xterm-256color"}, profile, 80, 24)
	clock = &frameClock{asked: make(chan time.Duration, 10), fire: make(chan time.Time)}
	f.now = func() time.Time { return testNow }
	f.after = clock.after
	return f, out, draws, clock
}

// start runs the frames' drawing until the test ends.
func start(t *testing.T, f *frames) {
	go f.run()
	t.Cleanup(func() {
		f.close()
		<-f.stopped
	})
}

// drawNow draws v as the drawing goroutine would.
func drawNow(f *frames, v tea.View) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.draw(v)
}

// lines is a view of text on row y.
func lines(y int, text string) tea.View {
	return tea.NewView(strings.Repeat("\n", y) + text)
}

func TestFramesDrawAViewAtOnceAndWaitForNothingAtRest(t *testing.T) {
	f, out, draws, clock := testFrames(t, colorprofile.TrueColor)
	start(t, f)

	f.show(lines(0, "alpha"))
	got := draws.waitFor(t, "alpha")
	for _, want := range []string{ansi.SetModeAltScreenSaveCursor, ansi.HideCursor, ansi.SetModeBracketedPaste,
		ansi.SetModifyOtherKeys2 + ansi.PushKittyKeyboard(1)} {
		if !strings.Contains(got, want) {
			t.Errorf("first frame lacks %q: %q", want, got)
		}
	}
	if n := len(clock.asked); n != 0 {
		t.Errorf("%d timers asked for with nothing pending", n)
	}
	if s := out.String(); s != "" {
		t.Errorf("frames written to the terminal past the frames' writer: %q", s)
	}
}

func TestFramesDrawTheLastViewOfABurst(t *testing.T) {
	f, _, draws, clock := testFrames(t, colorprofile.TrueColor)
	start(t, f)
	f.show(lines(0, "alpha"))
	draws.waitFor(t, "alpha")

	f.show(lines(1, "bravo"))
	f.show(lines(2, "charlie"))
	select {
	case d := <-clock.asked:
		if d != frameInterval {
			t.Errorf("next frame in %v, want %v", d, frameInterval)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a view shown right after a frame was not held for the next")
	}
	if got := draws.String(); strings.Contains(got, "bravo") || strings.Contains(got, "charlie") {
		t.Fatalf("drawn before the frame was due: %q", got)
	}
	clock.fire <- testNow
	got := draws.waitFor(t, "charlie")
	if strings.Contains(got, "bravo") {
		t.Errorf("a view replaced before its frame was drawn: %q", got)
	}
	if n := len(clock.asked); n != 0 {
		t.Errorf("%d timers asked for after the burst was drawn", n)
	}
}

func TestFramesGiveTheTerminalBack(t *testing.T) {
	f, out, draws, _ := testFrames(t, colorprofile.TrueColor)
	start(t, f)
	v := lines(0, "alpha")
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "csrtui"
	f.show(v)
	draws.waitFor(t, "alpha")

	f.close()
	<-f.stopped
	got := out.String()
	for _, want := range []string{ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1),
		ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor, ansi.ResetModeBracketedPaste,
		mouseOff, ansi.SetWindowTitle("")} {
		if !strings.Contains(got, want) {
			t.Errorf("closing lacks %q: %q", want, got)
		}
	}

	drawn := draws.String()
	f.show(lines(1, "bravo"))
	f.drawPending()
	f.close()
	if draws.String() != drawn || out.String() != got {
		t.Errorf("written after closing: %q, %q", strings.TrimPrefix(draws.String(), drawn), strings.TrimPrefix(out.String(), got))
	}
}

func TestFramesNeverDrawnLeaveTheTerminalAlone(t *testing.T) {
	f, out, draws, _ := testFrames(t, colorprofile.TrueColor)
	f.close()
	if out.String() != "" || draws.String() != "" {
		t.Errorf("written: %q, %q", out.String(), draws.String())
	}
}

func TestFramesFollowTheViewsModes(t *testing.T) {
	f, _, draws, _ := testFrames(t, colorprofile.TrueColor)
	mouseOn := ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr

	drawNow(f, lines(0, "alpha"))
	if got := draws.take(); strings.Contains(got, mouseOn) || strings.Contains(got, "\x1b]2;") {
		t.Errorf("mouse or title without the view asking: %q", got)
	}

	v := lines(0, "alpha")
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "csrtui"
	drawNow(f, v)
	if got := draws.take(); !strings.Contains(got, mouseOn) || !strings.Contains(got, ansi.SetWindowTitle("csrtui")) {
		t.Errorf("mouse or title missing: %q", got)
	}

	writes := draws.writes
	drawNow(f, v)
	if draws.writes != writes {
		t.Errorf("the same view written again: %q", draws.take())
	}

	v = lines(0, "alpha")
	v.DisableBracketedPasteMode = true
	drawNow(f, v)
	if got := draws.take(); !strings.Contains(got, mouseOff) || !strings.Contains(got, ansi.ResetModeBracketedPaste) ||
		!strings.Contains(got, ansi.SetWindowTitle("")) {
		t.Errorf("mouse, paste or title left on: %q", got)
	}
}

func TestFramesDownsampleColoursToTheProfile(t *testing.T) {
	red := lines(0, "\x1b[38;5;196malpha\x1b[m")

	f, _, draws, _ := testFrames(t, colorprofile.ANSI256)
	drawNow(f, red)
	if got := draws.take(); !strings.Contains(got, "38;5;196") {
		t.Errorf("256 colours lost: %q", got)
	}

	f, _, draws, _ = testFrames(t, colorprofile.Ascii)
	drawNow(f, red)
	if got := draws.take(); !strings.Contains(got, "alpha") || strings.Contains(got, "38;5") {
		t.Errorf("colour drawn without colours: %q", got)
	}
	// A new profile repaints the same view.
	f.setColorProfile(colorprofile.ANSI256)
	drawNow(f, red)
	if got := draws.take(); !strings.Contains(got, "38;5;196") {
		t.Errorf("not repainted in colour: %q", got)
	}
}

func TestFramesRepaintAllAfterAResize(t *testing.T) {
	f, _, draws, _ := testFrames(t, colorprofile.TrueColor)
	v := lines(0, "alpha")
	drawNow(f, v)
	draws.take()

	f.resize(40, 10)
	drawNow(f, v)
	if got := draws.take(); !strings.Contains(got, ansi.EraseEntireScreen) || !strings.Contains(got, "alpha") {
		t.Errorf("not repainted after a resize: %q", got)
	}
	if w, h := f.cells.Width(), f.cells.Height(); w != 40 || h != 10 {
		t.Errorf("frame %dx%d, want 40x10", w, h)
	}
}

func TestFramesUseTheModesTheTerminalReports(t *testing.T) {
	f, out, draws, _ := testFrames(t, colorprofile.TrueColor)
	drawNow(f, lines(0, "alpha"))
	if got := draws.take(); strings.Contains(got, ansi.SetModeSynchronizedOutput) {
		t.Errorf("synchronized output the terminal never reported: %q", got)
	}

	f.modeReport(tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeReset})
	f.modeReport(tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset})
	drawNow(f, lines(0, "bravo"))
	got := draws.take()
	if !strings.HasPrefix(got, ansi.SetModeSynchronizedOutput) || !strings.HasSuffix(got, ansi.ResetModeSynchronizedOutput) ||
		!strings.Contains(got, ansi.SetModeUnicodeCore) || !strings.Contains(got, "bravo") {
		t.Errorf("frame not synchronized or no Unicode core mode: %q", got)
	}
	if f.cells.Method != ansi.GraphemeWidth {
		t.Errorf("width method %v", f.cells.Method)
	}
	f.close()
	if got := out.String(); !strings.Contains(got, ansi.ResetModeUnicodeCore) {
		t.Errorf("Unicode core mode left on: %q", got)
	}
}
