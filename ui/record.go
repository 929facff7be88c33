package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// The record: every approve, deny, create and export the admin makes is a
// line in a local file (Config.Recorder), written by the command that acts,
// right after it acts; the certificate of an approval gets a line of its
// own when the console sees it issued. A line the record missed is said on
// the status line and marked in the header for the rest of the session:
// the record is missing something.

// recordState is what the console knows of the record.
type recordState struct {
	// lost counts the lines the record missed this session.
	lost int
	// awaiting are the approvals this console made whose certificate it has
	// not seen yet, by UID: the line of each is recorded once it is issued.
	awaiting map[string]awaitingIssue
	// view is L's screen, nil when closed.
	view *recordView
	gen  int // of the last read asked for
}

// awaitingIssue is an approval waiting for its certificate.
type awaitingIssue struct {
	name string // raw
}

// deleteRecord is the record's line of a delete of s, but for its outcome,
// built in Update. The command that deletes passes it to recordResult right
// after the delete, as decideCmd does for a decision, and its message
// carries the error back for Model.said.
func (m *Model) deleteRecord(s *certs.Summary) certs.RecordEntry {
	return m.recordOf(certs.RecordDelete, s)
}

// recordOf is the record's line of action a on s, with the findings the
// admin was shown (what the identity could do included).
func (m *Model) recordOf(a certs.RecordAction, s *certs.Summary) certs.RecordEntry {
	e := certs.NewRecordEntry(a, s)
	if s != nil {
		e.Findings = certs.RecordFindings(m.findingsOf(s))
	}
	return e
}

// decisionRecord is the record's line of a decision, but for its outcome:
// the request as the dialog showed it, by UID.
func (m *Model) decisionRecord(o decideOutcome) certs.RecordEntry {
	a := certs.RecordApprove
	if o.decision == certs.Deny {
		a = certs.RecordDeny
	}
	e := m.recordOf(a, m.list.byUID(o.uid))
	e.Name, e.UID, e.Message = o.name, o.uid, o.message
	return e
}

// exportRecord is the record's line of an export, but for its outcome and
// file: the request the dialog showed, by UID, and the certificate written,
// from the bytes read for it (certread.go).
func (m *Model) exportRecord(w fileWrite) certs.RecordEntry {
	e := m.recordOf(certs.RecordExport, m.list.byUID(w.uid))
	e.Name, e.UID = w.name, w.uid
	if c, err := certs.NewRecordCertificate(w.certificate); err == nil {
		e.Certificate = c
	}
	return e
}

// said shows st, the outcome of an action, and that the record missed its
// line when recordErr says so (counted for the header); the record is read
// again while L shows it.
func (m *Model) said(st status, recordErr error) tea.Cmd {
	m.noteRecordErr(recordErr)
	m.setStatus(notRecorded(st, recordErr))
	return m.rereadRecord()
}

// decided takes the outcome of a decision: an approval this console wrote
// waits for its certificate, to record it.
func (m *Model) decided(msg decisionMsg) tea.Cmd {
	if msg.decision != certs.Approve || msg.err != nil || msg.already != nil || m.cfg.Recorder == nil {
		return nil
	}
	if m.rec.awaiting == nil {
		m.rec.awaiting = map[string]awaitingIssue{}
	}
	m.rec.awaiting[msg.uid] = awaitingIssue{name: msg.name}
	return m.recordIssued()
}

// recordIssued records the certificate of every approval awaiting one that
// the list shows issued, and forgets those that will never have one (gone,
// replaced, failed).
func (m *Model) recordIssued() tea.Cmd {
	if len(m.rec.awaiting) == 0 {
		return nil
	}
	// One pass over the list, in its order, looking up each row in the
	// awaiting approvals: a bulk approval awaits a thousand, on every
	// snapshot until they are issued.
	var cmds []tea.Cmd
	awaited, listed := len(m.rec.awaiting), 0
	for _, r := range m.list.rows {
		s := r.s
		if _, ok := m.rec.awaiting[s.UID]; !ok {
			continue
		}
		listed++
		switch {
		case s.State == certs.StateDenied || s.State == certs.StateFailed:
			delete(m.rec.awaiting, s.UID)
		case s.State == certs.StateIssued && !s.Unchecked: // decoded: its subject and findings known
			delete(m.rec.awaiting, s.UID)
			e := m.recordOf(certs.RecordIssued, s)
			e.SetOutcome(nil, nil)
			cmds = append(cmds, recordCmd(m.cfg.Recorder, e, certs.Concat(lit("The certificate of "), quoted(s.Name))))
		}
	}
	if listed < awaited { // some are gone, or replaced: they will never have one
		present := make(map[string]bool, listed)
		for _, r := range m.list.rows {
			if _, ok := m.rec.awaiting[r.s.UID]; ok {
				present[r.s.UID] = true
			}
		}
		for uid := range m.rec.awaiting {
			if !present[uid] {
				delete(m.rec.awaiting, uid)
			}
		}
	}
	return tea.Batch(cmds...)
}

// noteRecordErr counts a line the record missed. The status line says
// which, where the action's outcome is said.
func (m *Model) noteRecordErr(err error) {
	if err != nil {
		m.rec.lost++
	}
}

// recorded takes the outcome of a line the console wrote on its own.
func (m *Model) recorded(msg recordedMsg) tea.Cmd {
	if msg.err != nil {
		m.noteRecordErr(msg.err)
		m.setStatus(errStatus(certs.Concat(msg.what, lit(" was issued, but the record was not written: "), certs.Sanitize(msg.err.Error()))))
		return nil
	}
	return m.rereadRecord()
}

// notRecorded adds to st, the outcome of an action, that the record missed
// it.
func notRecorded(st status, err error) status {
	if err == nil {
		return st
	}
	more := lit(" The record was not written: ")
	if st.kind == statusErr {
		more = lit("; and the record was not written: ")
	}
	return errStatus(certs.Concat(st.text, more, certs.Sanitize(err.Error())))
}

// recordBadge is the header's word on the record: none kept (but in the
// demo, which needs no saying), or lines missed.
func (m *Model) recordBadge() string {
	switch {
	case m.rec.lost > 0:
		return " " + paint(m.st.alarm, lit(" RECORD FAILED "))
	case m.cfg.Recorder == nil && !m.cfg.Cluster.Demo:
		return " " + paint(m.st.badge, lit(" NO RECORD "))
	}
	return ""
}

// openRecord opens L's screen and reads the record, or says why there is
// none.
func (m *Model) openRecord() tea.Cmd {
	if m.cfg.Recorder == nil {
		why := "No record is kept: --log=, or log: \"\" in the config file, turned it off."
		if m.cfg.Cluster.Demo {
			why = "The demo keeps no record: start it with --log FILE to keep one."
		}
		m.setStatus(infoStatus(lit(why)))
		return nil
	}
	m.rec.view = newRecordView(&m.st, &m.keys, m.cfg.Recorder.Path())
	m.layout()
	return m.readRecordCmd()
}

// rereadRecord reads the record again while L's screen is open: it has
// grown.
func (m *Model) rereadRecord() tea.Cmd {
	if m.rec.view == nil {
		return nil
	}
	return m.readRecordCmd()
}

func (m *Model) readRecordCmd() tea.Cmd {
	m.rec.gen++
	gen, rec, now := m.rec.gen, m.cfg.Recorder, m.now()
	return func() tea.Msg {
		log, err := rec.Read(now)
		return recordReadMsg{gen: gen, log: log, err: err}
	}
}

// recordRead shows the record read, unless a later read was asked for.
func (m *Model) recordRead(msg recordReadMsg) {
	if m.rec.view == nil || msg.gen != m.rec.gen {
		return
	}
	m.rec.view.setLog(msg.log, msg.err, m.now())
}
