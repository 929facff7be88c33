//go:build !windows

package ui

import (
	"bytes"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// frameInterval is the least time between two frames: a burst of changes (key
// repeat, a resize storm, a flood of watch events, a bulk run's progress)
// shows at most 30 frames a second, the last view always among them, as
// Bubble Tea's renderer did: a frame of 200x60 takes several milliseconds to
// diff and write, CPU a small machine needs for the work the frames show.
const frameInterval = time.Second / 30

// frames draws the console's views on the terminal with the renderer Bubble
// Tea's own uses (ultraviolet's TerminalRenderer, fed the same way as
// bubbletea's cursed_renderer.go), but only when a view comes: Bubble Tea's
// renderer flushes on a ticker at its frame rate for the program's whole life,
// which at 30 frames a second was nearly all the CPU an idle console took. A
// view shown while none is pending is drawn at once; one shown within
// frameInterval of the last frame waits on a one-shot timer, and views shown
// meanwhile replace it. At rest nothing runs.
//
// The console is always full-window: frames go to the alternate screen, with
// the text cursor hidden, Bubble Tea's keyboard enhancements (modifyOtherKeys
// and the Kitty protocol's key disambiguation) and bracketed paste on. Of a
// view, it draws Content and follows MouseMode, WindowTitle and
// DisableBracketedPasteMode; the console sets no other field.
type frames struct {
	out   io.Writer // the terminal: queries and the closing sequences
	draws io.Writer // where frames go: out, or a writer wrapping it

	// mu guards what follows, and every write to the terminal, so that a
	// query never lands inside a frame.
	mu            sync.Mutex
	buf           bytes.Buffer         // what the next write sends
	scr           *uv.TerminalRenderer // writes into buf
	cells         uv.ScreenBuffer      // the frame being drawn
	width, height int
	last          *tea.View // the view on the terminal; nil before the first frame
	erase         bool      // the next frame repaints all (a resize, a new profile)
	sync          bool      // frames are wrapped in synchronized output (mode 2026)
	grapheme      bool      // Unicode core mode (2027) is on
	profile       colorprofile.Profile
	closed        bool

	// pmu guards the view waiting to be drawn, apart from mu so that showing
	// one never waits for a frame being written.
	pmu        sync.Mutex
	pending    tea.View
	hasPending bool

	poke    chan struct{} // capacity 1: a view is pending
	done    chan struct{} // closed by close
	stopped chan struct{} // closed when the drawing goroutine returned

	// The clock, replaced in tests.
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

// newFrames returns frames of width x height that downsamples colours to
// profile, as Bubble Tea does; env is the program's environment ($TERM says
// which cursor movements the terminal knows). Call run to start drawing.
func newFrames(out, draws io.Writer, env []string, profile colorprofile.Profile, width, height int) *frames {
	f := &frames{
		out: out, draws: draws,
		width: width, height: height, profile: profile,
		cells: uv.NewScreenBuffer(width, height),
		poke:  make(chan struct{}, 1),
		done:  make(chan struct{}), stopped: make(chan struct{}),
		now: time.Now, after: time.After,
	}
	f.scr = uv.NewTerminalRenderer(&f.buf, env)
	f.scr.SetColorProfile(profile)
	// Inline until the first frame enters the alternate screen; no hard
	// tabs nor backspaces to move the cursor, and no newline mapping: the
	// terminal is raw.
	f.scr.SetRelativeCursor(true)
	f.scr.SetFullscreen(false)
	f.scr.SetTabStops(-1)
	f.scr.SetBackspace(false)
	f.scr.SetMapNewline(false)
	f.scr.SetScrollOptim(true)
	return f
}

// show hands the latest view over; it is drawn at once, or with the
// next frame when one is due within frameInterval.
func (f *frames) show(v tea.View) {
	f.pmu.Lock()
	f.pending, f.hasPending = v, true
	f.pmu.Unlock()
	select {
	case f.poke <- struct{}{}:
	default: // a frame is due already, and will take this view
	}
}

// run draws pending views until close.
func (f *frames) run() {
	defer close(f.stopped)
	var drawn time.Time
	for {
		select {
		case <-f.poke:
		case <-f.done:
			return
		}
		if wait := frameInterval - f.now().Sub(drawn); !drawn.IsZero() && wait > 0 {
			select {
			case <-f.after(wait):
			case <-f.done:
				return
			}
			// The views shown while waiting are in the frame about to be drawn.
			select {
			case <-f.poke:
			default:
			}
		}
		f.drawPending()
		drawn = f.now()
	}
}

func (f *frames) drawPending() {
	f.pmu.Lock()
	v, ok := f.pending, f.hasPending
	f.pending, f.hasPending = tea.View{}, false
	f.pmu.Unlock()
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.draw(v)
	}
}

// draw writes what changed from the last view to v in one write.
func (f *frames) draw(v tea.View) {
	if f.last != nil && !f.erase && sameView(f.last, &v) {
		return
	}
	if f.last == nil {
		// The alternate screen, as bubbletea's cursed_renderer.go enters it:
		// the cursor saved, absolute moves, everything cleared; the text
		// cursor hidden after the switch, since some terminals keep one
		// visibility per screen.
		f.scr.SaveCursor()
		f.scr.SetFullscreen(true)
		f.scr.SetRelativeCursor(false)
		f.scr.Erase()
		f.buf.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.HideCursor +
			ansi.SetModifyOtherKeys2 + ansi.PushKittyKeyboard(1))
	}
	if f.cells.Bounds() != uv.Rect(0, 0, f.width, f.height) {
		f.scr.Erase()
		f.cells.Touched = nil
		f.cells.Resize(f.width, f.height)
	}
	if f.erase {
		f.scr.Erase()
		f.erase = false
	}
	f.writeModes(f.last, &v)
	f.cells.Clear()
	uv.NewStyledString(v.Content).Draw(f.cells, f.cells.Bounds())
	f.scr.Render(f.cells.RenderBuffer)
	if f.sync && f.scr.Buffered() > 0 {
		f.buf.WriteString(ansi.SetModeSynchronizedOutput)
		_ = f.scr.Flush()
		f.buf.WriteString(ansi.ResetModeSynchronizedOutput)
	} else {
		_ = f.scr.Flush()
	}
	f.last = &v
	f.write(f.draws)
}

// writeModes queues the terminal modes that differ between the view on the
// terminal (nil: none yet) and v.
func (f *frames) writeModes(was, v *tea.View) {
	var old tea.View
	if was != nil {
		old = *was
	} else {
		old.DisableBracketedPasteMode = true // off until turned on
	}
	if v.DisableBracketedPasteMode != old.DisableBracketedPasteMode {
		if v.DisableBracketedPasteMode {
			_, _ = f.scr.WriteString(ansi.ResetModeBracketedPaste)
		} else {
			_, _ = f.scr.WriteString(ansi.SetModeBracketedPaste)
		}
	}
	if v.MouseMode != old.MouseMode {
		if old.MouseMode != tea.MouseModeNone {
			_, _ = f.scr.WriteString(mouseOff)
		}
		switch v.MouseMode {
		case tea.MouseModeCellMotion:
			_, _ = f.scr.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
		case tea.MouseModeAllMotion:
			_, _ = f.scr.WriteString(ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr)
		}
	}
	if v.WindowTitle != old.WindowTitle {
		_, _ = f.scr.WriteString(ansi.SetWindowTitle(v.WindowTitle))
	}
}

// mouseOff turns every mouse mode a view may ask for off.
const mouseOff = ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr

// sameView reports whether b would draw what a drew.
func sameView(a, b *tea.View) bool {
	return a.Content == b.Content && a.MouseMode == b.MouseMode && a.WindowTitle == b.WindowTitle &&
		a.DisableBracketedPasteMode == b.DisableBracketedPasteMode
}

// write sends buf to w in one write, and empties it.
func (f *frames) write(w io.Writer) {
	if f.buf.Len() > 0 {
		_, _ = w.Write(f.buf.Bytes())
		f.buf.Reset()
	}
}

// resize makes the next frame width x height, painted whole: the terminal
// has moved what it showed.
func (f *frames) resize(width, height int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.width, f.height = width, height
	f.scr.Resize(width, height)
	f.erase = true
}

// setColorProfile downsamples the colours of the next frames to p.
func (f *frames) setColorProfile(p colorprofile.Profile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p != f.profile {
		f.profile = p
		f.scr.SetColorProfile(p)
		f.erase = true
	}
}

// modeReport takes the terminal's answer to the queries in modeQueries, as
// Bubble Tea's event loop does (tea.go): synchronized output when the
// terminal knows it, and grapheme widths when it measures them (mode 2027).
func (f *frames) modeReport(m tea.ModeReportMsg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch m.Mode {
	case ansi.ModeSynchronizedOutput:
		if m.Value == ansi.ModeReset {
			f.sync = true
		}
	case ansi.ModeUnicodeCore:
		if !f.grapheme && (m.Value == ansi.ModeReset || m.Value == ansi.ModeSet || m.Value == ansi.ModePermanentlySet) {
			f.grapheme = true
			_, _ = f.scr.WriteString(ansi.SetModeUnicodeCore)
			f.cells.Method = ansi.GraphemeWidth
			f.erase = true
		}
	}
}

// modeQueries ask whether the terminal knows synchronized output and Unicode
// core mode; the answers come as tea.ModeReportMsg.
const modeQueries = ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore

// query writes seq to the terminal now, between frames.
func (f *frames) query(seq string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		_, _ = io.WriteString(f.out, seq)
	}
}

// close stops drawing and gives the terminal back as the console found it:
// the main screen, the cursor at the bottom and visible, no mouse reports,
// no bracketed paste, no keyboard enhancements, no title. Only the first
// call does anything.
func (f *frames) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.closed = true
	close(f.done)
	v := f.last
	if v == nil {
		return // nothing was drawn, nothing changed
	}
	f.buf.WriteString(ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1))
	// To the bottom first, for terminals without an alternate screen.
	if f.height > 0 {
		f.scr.MoveTo(0, f.height-1)
		_ = f.scr.Flush()
	}
	f.buf.WriteString(ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor)
	if !v.DisableBracketedPasteMode {
		f.buf.WriteString(ansi.ResetModeBracketedPaste)
	}
	if v.MouseMode != tea.MouseModeNone {
		f.buf.WriteString(mouseOff)
	}
	if v.WindowTitle != "" {
		f.buf.WriteString(ansi.SetWindowTitle(""))
	}
	if f.grapheme {
		f.buf.WriteString(ansi.ResetModeUnicodeCore)
	}
	f.write(f.out)
}
