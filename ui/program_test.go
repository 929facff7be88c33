package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/csrtui/csrtui/certs"
)

// TestProgram runs the model in a real Bubble Tea program: keys move the
// cursor, a change of the Source reaches the screen without a key, and q
// quits with the final model readable.
func TestProgram(t *testing.T) {
	ss := testSummaries()
	src := newFakeSource(ss)
	m := New(Config{
		Source:  src,
		Decider: &fakeDecider{},
		Cluster: Cluster{Context: "kind-dev", Server: "https://127.0.0.1:6443", User: "kind-admin"},
		Now:     func() time.Time { return testNow },
	})
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("csr-masters")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'j', Text: "j"})

	fresh := &certs.Summary{Name: "csr-arrived-live", UID: "uid-live", Created: testNow, State: certs.StatePending, Condition: "Pending"}
	src.set(append([]*certs.Summary{fresh}, ss...))
	src.changed <- struct{}{}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("csr-arrived-live")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))

	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !ok {
		t.Fatal("final model is not a *Model")
	}
	if final.list.total != 9 || final.list.selectedSummary().Name != "csr-masters" {
		t.Fatalf("final: total %d, selected %q", final.list.total, final.list.selectedSummary().Name)
	}
}
