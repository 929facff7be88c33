package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// progress says what a long command is waiting for. On a terminal it is one
// line redrawn in place with the time waited so far, every second; elsewhere
// (a log, a pipe) a plain line each time the text changes, and nothing else.
type progress struct {
	w     io.Writer
	live  bool
	now   func() time.Time
	start time.Time

	mu      sync.Mutex
	text    string // safe already
	drawn   bool   // a live line is on screen
	stopped bool
	stop    chan struct{}
	done    chan struct{}
}

// eraseLine returns the cursor to the start of the line and clears it.
const eraseLine = "\r\x1b[K"

func newProgress(w io.Writer, live bool, now func() time.Time) *progress {
	p := &progress{w: w, live: live, now: now, start: now(), stop: make(chan struct{}), done: make(chan struct{})}
	if !live {
		close(p.done)
		return p
	}
	go p.tick()
	return p
}

// tick redraws the live line every second, for the time waited.
func (p *progress) tick() {
	defer close(p.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.text != "" && !p.stopped {
				p.draw()
			}
			p.mu.Unlock()
		}
	}
}

// set shows text, which must be safe already.
func (p *progress) set(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || text == p.text {
		return
	}
	p.text = text
	if p.live {
		p.draw()
		return
	}
	_, _ = fmt.Fprintln(p.w, text)
}

func (p *progress) draw() {
	waited := p.now().Sub(p.start).Truncate(time.Second)
	_, _ = fmt.Fprint(p.w, eraseLine+p.text+" ("+certs.HumanDuration(waited)+")")
	p.drawn = true
}

// finish stops the redraws and clears the live line, so that what follows
// starts on a clean line.
func (p *progress) finish() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	if p.drawn {
		_, _ = fmt.Fprint(p.w, eraseLine)
	}
	close(p.stop)
	p.mu.Unlock()
	<-p.done
}
