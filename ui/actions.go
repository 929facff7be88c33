package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// Commands capture plain values, never the model: they run on other
// goroutines while Update keeps going.

// waitCmd waits for the Source to change and returns one snapshot. Update
// re-arms it after each snapshot and a pause, so at most one is outstanding.
func waitCmd(src Source) tea.Cmd {
	ch := src.Changed()
	return func() tea.Msg {
		waited := false
		select {
		case _, ok := <-ch:
			if !ok {
				return nil // the source stopped
			}
		default:
			waited = true
			if _, ok := <-ch; !ok {
				return nil
			}
		}
		loading := !src.Loaded() // first: a list that arrives in between waits for the next poke
		return snapshotMsg{summaries: src.Snapshot(), loading: loading, err: src.Err(), waited: waited}
	}
}

// decideCmd and capabilitiesCmd add no deadline of their own: the Decider and
// the Inspector bound each call to the cluster with the request timeout the
// admin chose.

// decideCmd approves or denies, then records what happened (entry, but for
// its outcome) when rec keeps a record: in the same command, so the record's
// line follows the decision, and the message says both (decideOne).
func decideCmd(d Decider, rec Recorder, r decisionRequest, entry certs.RecordEntry) tea.Cmd {
	return func() tea.Msg {
		return decisionMsg{decideOne(context.Background(), d, rec, r, entry)}
	}
}

// recordResult appends e, the line of an action, with the action's outcome
// (certs.RecordEntry.SetOutcome), when rec keeps a record (nil: none, and
// no error). Commands call it right after they act, so the line follows
// what it records; Update says the error with the action's outcome
// (Model.said).
func recordResult(ctx context.Context, rec Recorder, e certs.RecordEntry, already *certs.Decided, err error) error {
	if rec == nil {
		return nil
	}
	e.SetOutcome(already, err)
	return rec.Record(ctx, e)
}

// recordCmd appends entry to the record, what it is about saying whose
// line it is.
func recordCmd(rec Recorder, entry certs.RecordEntry, what certs.Text) tea.Cmd {
	return func() tea.Msg {
		return recordedMsg{what: what, err: rec.Record(context.Background(), entry)}
	}
}

func capabilitiesCmd(ins Inspector, uid, user string, groups []string) tea.Cmd {
	groups = append([]string(nil), groups...)
	return func() tea.Msg {
		caps, err := ins.Capabilities(context.Background(), user, groups)
		return capabilitiesMsg{uid: uid, caps: caps, err: err}
	}
}

// fileWrite is a file a dialog showed, for the console to write as it is:
// atomically, and over an existing file only when the admin says so a
// second time.
type fileWrite struct {
	name    string     // raw name of the CSR it comes from
	uid     string     // and its UID
	what    certs.Text // what it is: the certificate of "x", a kubeconfig for jane
	path    string     // as typed; absolute once tried
	data    []byte
	mode    os.FileMode
	keyPath string // a kubeconfig's client-key, as written in it; "" otherwise
	// certificate is the certificate file the data is or holds, for the
	// record.
	certificate []byte
	// record is the record's line of the export, but for its outcome and
	// file (no Action: none is kept).
	record certs.RecordEntry
}

// writeCmd writes w.data, the file the dialog showed, as it is, and records
// the export when rec keeps a record.
func writeCmd(rec Recorder, w fileWrite, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		abs, err := expandPath(w.path)
		if err == nil {
			w.path = abs
			err = certs.WriteFile(abs, w.data, w.mode, overwrite)
			if !overwrite && errors.Is(err, certs.ErrFileExists) {
				// A question for the admin, not an outcome yet.
				return exportMsg{fileWrite: w, exists: true}
			}
		}
		msg := exportMsg{fileWrite: w, err: err}
		if w.record.Action != "" {
			e := w.record
			if err == nil {
				e.Files = []string{w.path}
			}
			msg.recordErr = recordResult(context.Background(), rec, e, nil, err)
		}
		return msg
	}
}

// expandPath makes a typed path absolute, expanding a leading ~/.
func expandPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", errors.New("no path given")
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		p = filepath.Join(home, strings.TrimPrefix(p, "~"))
	}
	return filepath.Abs(p)
}
