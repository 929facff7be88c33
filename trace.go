package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/ui"
)

// The screen trace is how `make bench` (hack/bench) times what the admin sees:
// with CSRTUI_TRACE=<file>, csrtui appends a line to the file when a frame
// written to the terminal first shows something, stamped when the write
// returned:
//
//	list <unix ns> <n>     the first frame of a list (n CSRs in it)
//	rows <unix ns> <n>     a frame of a list of n CSRs, when n changed
//	row <unix ns> <name>   the first frame showing CSR name, for the names that
//	                       start with $CSRTUI_TRACE_ROWS (when set)
//	bulk-start <unix ns> <n>  the key that starts a bulk run of n requests,
//	                       stamped when the console handled it
//	bulk-done <unix ns> <n>   the first frame after a bulk run ended, n of its
//	                       requests approved, denied or deleted
//
// It is off, and costs nothing, unless the variable is set.
const (
	envTrace     = "CSRTUI_TRACE"
	envTraceRows = "CSRTUI_TRACE_ROWS"
)

// tracer notes what the model last drew and stamps it on the next write to the
// terminal. A nil tracer leaves everything as it is.
type tracer struct {
	mu   sync.Mutex
	file *os.File

	prefix   string
	watching map[string]bool // names with the prefix, until drawn
	drawn    map[string]bool // names already stamped

	rows       int // CSRs in the last snapshot handed to the model
	listed     bool
	stampedLen int
	pending    []traceEvent // drawn by View, waiting for the write
}

// traceEvent is one line of the trace, less its time.
type traceEvent struct{ kind, arg string }

// startTrace opens the trace file named by $CSRTUI_TRACE; nil when unset.
func startTrace() (*tracer, error) {
	path := os.Getenv(envTrace)
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envTrace, err)
	}
	return &tracer{file: f, prefix: os.Getenv(envTraceRows), watching: map[string]bool{}, drawn: map[string]bool{},
		stampedLen: -1}, nil
}

func (t *tracer) close() {
	if t != nil {
		_ = t.file.Close()
	}
}

// source wraps the console's Source to learn what each snapshot holds.
func (t *tracer) source(s ui.Source) ui.Source {
	if t == nil {
		return s
	}
	return traceSource{Source: s, t: t}
}

// model wraps the console's model to see each view it draws.
func (t *tracer) model(m tea.Model) tea.Model {
	if t == nil {
		return m
	}
	return traceModel{Model: m, t: t}
}

// writer wraps the terminal's frames to stamp what the last views drew once
// it is written (ui.Terminal.Frames).
func (t *tracer) writer(w io.Writer) io.Writer {
	if t == nil {
		return w
	}
	return traceOutput{Writer: w, t: t}
}

// event is ui.Config.Trace: a bulk run's start is stamped at once (the
// console has just handled the key), its end with the frame that shows it.
func (t *tracer) event(kind string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if kind == "bulk-start" {
		_, _ = fmt.Fprintf(t.file, "%s %d %d\n", kind, time.Now().UnixNano(), n)
		return
	}
	t.pending = append(t.pending, traceEvent{kind, strconv.Itoa(n)})
}

type traceSource struct {
	ui.Source
	t *tracer
}

func (s traceSource) Snapshot() []*certs.Summary {
	list := s.Source.Snapshot()
	t := s.t
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows = len(list)
	if t.prefix != "" {
		for _, x := range list {
			if strings.HasPrefix(x.Name, t.prefix) && !t.drawn[x.Name] {
				t.watching[x.Name] = true
			}
		}
	}
	return list
}

type traceModel struct {
	tea.Model
	t *tracer
}

func (m traceModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.Model.Update(msg)
	return traceModel{Model: next, t: m.t}, cmd
}

func (m traceModel) View() tea.View {
	v := m.Model.View()
	t := m.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rows > 0 && !t.listed {
		t.listed = true
		t.pending = append(t.pending, traceEvent{"list", strconv.Itoa(t.rows)})
	}
	if t.listed && t.rows != t.stampedLen {
		t.stampedLen = t.rows
		t.pending = append(t.pending, traceEvent{"rows", strconv.Itoa(t.rows)})
	}
	for name := range t.watching {
		if strings.Contains(v.Content, name) {
			delete(t.watching, name)
			t.drawn[name] = true
			t.pending = append(t.pending, traceEvent{"row", name})
		}
	}
	return v
}

// traceOutput is where the console's frames go, each in one write.
type traceOutput struct {
	io.Writer
	t *tracer
}

func (o traceOutput) Write(p []byte) (int, error) {
	n, err := o.Writer.Write(p)
	now := time.Now().UnixNano()
	t := o.t
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.pending {
		_, _ = fmt.Fprintf(t.file, "%s %d %s\n", e.kind, now, e.arg)
	}
	t.pending = t.pending[:0]
	return n, err
}
