package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

const testRecordPath = "/home/ops/.local/state/csrtui/decisions.jsonl"

// fakeRecorder keeps the record in memory, as lines: what Read returns is
// what a file of those lines reads back as.
type fakeRecorder struct {
	mu      sync.Mutex
	data    []byte // the file
	err     error  // every Record fails with it
	readErr error
	clock   time.Time // each line a second after the last
}

func (f *fakeRecorder) Record(_ context.Context, e certs.RecordEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	if f.clock.IsZero() {
		f.clock = testNow
	}
	f.clock = f.clock.Add(time.Second)
	e.Time, e.Context, e.Server = f.clock, "kind-dev", "https://127.0.0.1:6443"
	e.Admin = certs.RecordAdmin{User: "kind-admin", Groups: []string{"system:masters", "system:authenticated"}, Verified: true}
	line, err := certs.MarshalRecordLine(e)
	if err != nil {
		return err
	}
	f.data = append(f.data, line...)
	return nil
}

func (f *fakeRecorder) Read(time.Time) (certs.RecordLog, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return certs.ParseRecord(f.data, false), f.readErr
}

func (f *fakeRecorder) Path() string { return testRecordPath }

func (f *fakeRecorder) entries() []certs.RecordEntry {
	log, _ := f.Read(time.Time{})
	return log.Entries
}

// lines is each entry as "action name outcome".
func (f *fakeRecorder) lines() []string {
	var out []string
	for _, e := range f.entries() {
		out = append(out, string(e.Action)+" "+e.Name+" "+string(e.Outcome))
	}
	return out
}

func newRecordedHarness(t *testing.T, w, h int, ss []*certs.Summary, rec *fakeRecorder) *harness {
	return newHarnessWith(t, w, h, ss, func(_ *harness, cfg *Config) { cfg.Recorder = rec })
}

// issued is s with the test certificate, as the signer leaves it.
func issued(s *certs.Summary) *certs.Summary {
	c := *s
	c.State, c.Condition = certs.StateIssued, "Approved,Issued"
	c.Conditions = []certs.Condition{{Type: "Approved", Status: "True", Reason: certs.ReasonApprove}}
	issue(&c, testCertificatePEM)
	c.Certificate, _ = certs.ParseCertificate(testCertificatePEM, nil)
	return &c
}

func TestDecisionsAreRecorded(t *testing.T) {
	rec := &fakeRecorder{}
	h := newRecordedHarness(t, 120, 40, testSummaries(), rec)
	h.run(h.press("a"))
	h.run(h.press("y"))
	h.wantStatus(statusOK, "Approved csr-alice.")
	if got := rec.lines(); !slices.Equal(got, []string{"approve csr-alice ok"}) {
		t.Fatalf("record %q", got)
	}
	e := rec.entries()[0]
	if e.UID != "uid-csr-alice" || e.Message != "Approved with csrtui." || e.Subject == nil || e.Subject.CommonName != "alice" ||
		e.Certificate != nil || len(e.Findings) != 1 || e.Findings[0].ID != certs.FindingOtherIdentity {
		t.Errorf("approval line %+v", e)
	}

	// The signer issues it: the console records the certificate, once.
	ss := testSummaries()
	ss[0] = issued(ss[0])
	h.src.set(ss)
	h.run(h.send(snapshotMsg{summaries: ss}))
	h.run(h.send(snapshotMsg{summaries: ss}))
	if got := rec.lines(); !slices.Equal(got, []string{"approve csr-alice ok", "issued csr-alice ok"}) {
		t.Fatalf("record %q", got)
	}
	c := rec.entries()[1].Certificate
	want, err := certs.ParseCertificate(testCertificatePEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || c.SHA256 != want.SHA256 || c.User != "system:node:web-1" || !c.NotAfter.Equal(want.NotAfter) {
		t.Errorf("issued line's certificate %+v", c)
	}

	// A denial, with its message; an approval another admin made first.
	h.press("j", "j", "j")
	h.press("esc")
	h.m.list.moveTo(1) // csr-masters
	h.press("d")
	h.typeText("not ours")
	h.run(h.press("enter"))
	h.dec.already = &certs.Decided{Type: "Approved", Reason: "KubectlApprove", At: testNow.Add(-3 * time.Second)}
	h.m.list.moveTo(0)
	ss[0] = testSummaries()[0] // pending again, for the test's sake
	h.send(snapshotMsg{summaries: ss})
	h.run(h.press("a"))
	h.run(h.press("y"))
	lines := rec.lines()
	if !slices.Equal(lines[2:], []string{"deny csr-masters ok", "approve csr-alice already"}) {
		t.Fatalf("record %q", lines)
	}
	es := rec.entries()
	if es[2].Message != "not ours" || es[3].Detail != "approved at 2026-11-27T11:59:57Z (KubectlApprove)" {
		t.Errorf("deny %+v, already %+v", es[2], es[3])
	}
	// Someone else's approval: its certificate is theirs to record.
	if len(h.m.rec.awaiting) != 0 {
		t.Errorf("awaiting %v", h.m.rec.awaiting)
	}
}

// An approval whose request goes, or is replaced under its name, before it
// is issued waits for nothing: the certificate of the new request is not the
// approval's to record.
func TestAwaitingEndsWithTheRequest(t *testing.T) {
	replaced := testSummaries()
	another := issued(replaced[0])
	another.UID = "uid-another"
	replaced[0] = another
	for _, c := range []struct {
		what string
		ss   []*certs.Summary
	}{{"replaced", replaced}, {"gone", testSummaries()[1:]}} {
		rec := &fakeRecorder{}
		h := newRecordedHarness(t, 120, 40, testSummaries(), rec)
		h.run(h.press("a"))
		h.run(h.press("y"))
		if len(h.m.rec.awaiting) != 1 {
			t.Fatalf("awaiting %v after one approval", h.m.rec.awaiting)
		}
		h.src.set(c.ss)
		h.run(h.send(snapshotMsg{summaries: c.ss}))
		if len(h.m.rec.awaiting) != 0 {
			t.Errorf("%s: awaiting %v", c.what, h.m.rec.awaiting)
		}
		if got := rec.lines(); !slices.Equal(got, []string{"approve csr-alice ok"}) {
			t.Errorf("%s: record %q", c.what, got)
		}
	}
}

func TestExportAndCreateAreRecorded(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	rec := &fakeRecorder{}
	h := newRecordedHarness(t, 120, 40, testSummaries(), rec)
	h.run(h.press("G", "e"))
	h.run(h.press("enter"))
	h.wantStatus(statusOK, "Wrote the certificate")
	es := rec.entries()
	want, _ := certs.ParseCertificate(testCertificatePEM, nil)
	if len(es) != 1 || es[0].Action != certs.RecordExport || es[0].Outcome != certs.OutcomeOK || es[0].UID != "uid-csr-web-1" ||
		!slices.Equal(es[0].Files, []string{filepath.Join(dir, "csr-web-1.crt")}) || es[0].Certificate == nil || es[0].Certificate.SHA256 != want.SHA256 {
		t.Fatalf("export line %+v", es)
	}

	// A write that fails is recorded as failed: nothing was handed out.
	h.run(h.press("e"))
	h.prompt().input.SetValue(filepath.Join(dir, "missing", "x.crt"))
	h.run(h.press("enter"))
	if es := rec.entries(); len(es) != 2 || es[1].Outcome != certs.OutcomeError || len(es[1].Files) != 0 {
		t.Fatalf("failed export %+v", es[1:])
	}

	// A kubeconfig hands the certificate out too.
	h.m.list.moveTo(0)
	alice := issued(testSummaries()[0])
	h.src.set([]*certs.Summary{alice})
	h.send(snapshotMsg{summaries: []*certs.Summary{alice}})
	h.run(h.press("K"))
	h.run(h.press("enter"))
	h.run(h.press("enter"))
	if es := rec.entries(); len(es) != 3 || es[2].Action != certs.RecordExport || es[2].Certificate == nil ||
		!slices.Equal(es[2].Files, []string{filepath.Join(dir, "alice.kubeconfig")}) {
		t.Fatalf("kubeconfig line %+v; status %q", es[2:], h.m.status.text)
	}

	// A request created: as the apiserver stored it.
	obj := certs.NewRequestObject("jane", nil, clientSigner, []string{"client auth"}, time.Hour)
	msg := createCmd(h.cre, rec, h.src.Summarize, obj)().(createdMsg)
	if msg.err != nil || msg.recordErr != nil {
		t.Fatal(msg.err, msg.recordErr)
	}
	h.cre.createErr = errors.New(`certificatesigningrequests.certificates.k8s.io "jane" already exists`)
	createCmd(h.cre, rec, h.src.Summarize, obj)()
	es = rec.entries()
	if got := rec.lines()[3:]; !slices.Equal(got, []string{"create jane ok", "create jane error"}) || es[3].Signer != clientSigner {
		t.Errorf("create lines %q %+v", got, es[3])
	}
}

// A line the record missed is said with the outcome it belongs to, and the
// header keeps saying it: the record is incomplete.
func TestRecordWriteFailureIsShown(t *testing.T) {
	rec := &fakeRecorder{err: errors.New("record " + testRecordPath + ": no space left on device")}
	h := newRecordedHarness(t, 80, 24, testSummaries(), rec)
	if strings.Contains(h.view(), "RECORD") {
		t.Fatalf("a mark before anything failed:\n%s", h.view())
	}
	h.run(h.press("a"))
	h.run(h.press("y"))
	h.wantStatus(statusErr, "Approved csr-alice. The record was not written: record "+testRecordPath+": no space left on device")
	if len(h.dec.calls) != 1 {
		t.Fatalf("%d decisions: the approval is made whatever the record", len(h.dec.calls))
	}
	if line := strings.Split(h.view(), "\n")[0]; !strings.Contains(line, "RECORD FAILED") {
		t.Fatalf("header %q", line)
	}

	// A failed decision and a failed record: both said.
	h.dec.err = errors.New("the apiserver is unreachable")
	h.m.list.moveTo(1)
	h.press("d")
	h.run(h.press("enter"))
	h.wantStatus(statusErr, "Could not deny csr-masters: the apiserver is unreachable; and the record was not written: record ")

	// The line of an issued certificate the console writes on its own.
	rec.err = nil
	h.dec.err = nil
	h.m.list.moveTo(0)
	h.run(h.press("a"))
	h.run(h.press("y"))
	rec.err = errors.New("disk full")
	ss := testSummaries()
	ss[0] = issued(ss[0])
	h.run(h.send(snapshotMsg{summaries: ss}))
	h.wantStatus(statusErr, `The certificate of "csr-alice" was issued, but the record was not written: disk full`)
	if h.m.rec.lost != 3 || !strings.Contains(strings.Split(h.view(), "\n")[0], "RECORD FAILED") {
		t.Errorf("lost %d", h.m.rec.lost)
	}
}

func TestNoRecordIsSaid(t *testing.T) {
	h := newHarnessWith(t, 80, 24, testSummaries(), func(_ *harness, cfg *Config) { cfg.Cluster.Demo = false })
	if line := strings.Split(h.view(), "\n")[0]; !strings.Contains(line, "NO RECORD") {
		t.Errorf("header %q", line)
	}
	h.press("L")
	h.wantStatus(statusInfo, "No record is kept: --log=, or log: \"\" in the config file, turned it off.")
	if h.m.rec.view != nil {
		t.Error("L opened a record that is not kept")
	}
	// The demo's needs no saying.
	h = newHarness(t, 80, 24, testSummaries())
	if strings.Contains(h.view(), "RECORD") {
		t.Errorf("the demo says:\n%s", h.view())
	}
	h.press("L")
	h.wantStatus(statusInfo, "The demo keeps no record: start it with --log FILE to keep one.")
}

// recordFixture is a record as a file: lines of several sessions, a few
// that can't be read, and a name made to fool a terminal.
func recordFixture(t testing.TB) *fakeRecorder {
	t.Helper()
	rec := &fakeRecorder{clock: testNow.Add(-3 * time.Hour)}
	cert := func(user string, notAfter time.Time, groups ...string) *certs.RecordCertificate {
		return &certs.RecordCertificate{SHA256: fmt.Sprintf("%02X:AA:BB", len(rec.data)%251), Serial: "01", User: user, Groups: groups,
			NotBefore: testNow.Add(-time.Hour), NotAfter: notAfter, Usages: []string{"digital signature", "client auth"}}
	}
	add := func(e certs.RecordEntry, garbage string) {
		if err := rec.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		rec.data = append(rec.data, garbage...)
	}
	alice := &certs.SubjectRecord{CommonName: "alice", Organizations: []string{"dev"}}
	root := &certs.SubjectRecord{CommonName: "root", Organizations: []string{"system:masters"}}
	add(certs.RecordEntry{Action: certs.RecordApprove, Name: "csr-alice", UID: "uid-a", Subject: alice, Outcome: certs.OutcomeOK}, "")
	add(certs.RecordEntry{Action: certs.RecordIssued, Name: "csr-alice", UID: "uid-a", Subject: alice, Outcome: certs.OutcomeOK,
		Certificate: cert("alice", testNow.Add(20*time.Hour), "dev")}, "this is no JSON\n")
	add(certs.RecordEntry{Action: certs.RecordApprove, Name: "csr-masters", UID: "uid-m", Subject: root, Outcome: certs.OutcomeOK,
		Findings: []certs.RecordFinding{{ID: certs.FindingMasters, Severity: "critical"}}, Detail: "despite critical finding masters"}, "")
	add(certs.RecordEntry{Action: certs.RecordIssued, Name: "csr-masters", UID: "uid-m", Subject: root, Outcome: certs.OutcomeOK,
		Certificate: cert("root", testNow.Add(365*24*time.Hour), "system:masters")}, `{"apiVersion":"csrtui/v1","kind":"RecordEntry","act`+"\n")
	add(certs.RecordEntry{Action: certs.RecordDeny, Name: "csr-mallory", UID: "uid-x", Outcome: certs.OutcomeRefused,
		Detail: `certificate signing request "csr-mallory" is already Approved`, Message: "not yours"}, "")
	add(certs.RecordEntry{Action: certs.RecordExport, Name: "csr-\x1b]0;pwned\x07\u202eevil", UID: "uid-e", Outcome: certs.OutcomeOK,
		Files:       []string{"/tmp/\x1b[2Jx.crt"},
		Certificate: cert("old\x1b[31m", testNow.Add(-time.Minute), "expired")}, "")
	return rec
}

func TestRecordView(t *testing.T) {
	rec := recordFixture(t)
	h := newRecordedHarness(t, 120, 40, testSummaries(), rec)
	h.run(h.press("L"))
	v := h.m.rec.view
	if v == nil || v.loading {
		t.Fatal("L did not open the record")
	}
	names := func() []string {
		var out []string
		for _, r := range v.shown {
			out = append(out, string(r.e.Action)+" "+r.e.Name)
		}
		return out
	}
	// Newest first.
	want := []string{"export csr-\x1b]0;pwned\x07\u202eevil", "deny csr-mallory", "issued csr-masters", "approve csr-masters", "issued csr-alice", "approve csr-alice"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("lines %q", got)
	}
	view := h.view()
	if !strings.Contains(view, "record: 6 lines, newest first · 2 lines unreadable · "+testRecordPath) {
		t.Errorf("header:\n%s", view)
	}
	if bad := hostileRunes(h.m.View().Content); bad != "" {
		t.Errorf("the record passes %s to the terminal", bad)
	}
	if !strings.Contains(view, `csr-\x1b]0;pwned\x07`) || !strings.Contains(view, `old\x1b[31m`) {
		t.Errorf("the hostile name is not shown escaped:\n%s", view)
	}

	// Filtered as the list is: typed in the header, kept with enter.
	h.press("/")
	h.typeText("MASTERS")
	if got := names(); !slices.Equal(got, []string{"issued csr-masters", "approve csr-masters"}) {
		t.Fatalf("filtered %q", got)
	}
	h.press("enter")
	if h.m.filter.active || v.filter != "MASTERS" {
		t.Fatalf("the filter was not kept: %q", v.filter)
	}
	// enter opens a line whole; esc goes back to the lines.
	h.press("down", "enter")
	if v.opened == nil || v.opened.e.Action != certs.RecordApprove {
		t.Fatalf("opened %+v", v.opened)
	}
	if view := h.view(); !strings.Contains(view, "despite critical finding masters") || !strings.Contains(view, "masters (critical)") {
		t.Errorf("the opened line:\n%s", view)
	}
	h.press("esc")
	if v.opened != nil {
		t.Fatal("esc did not close the line")
	}
	// esc clears the filter, then leaves.
	h.press("esc")
	if v.filter != "" || len(v.shown) != 6 {
		t.Fatalf("esc left the filter %q", v.filter)
	}

	// tab: the certificates still valid, who holds system:masters first.
	h.press("tab")
	view = h.view()
	masters, dev := strings.Index(view, "group system:masters"), strings.Index(view, "group dev")
	if masters < 0 || dev < 0 || masters > dev || strings.Contains(view, "expired") {
		t.Fatalf("still valid:\n%s", view)
	}
	if !strings.Contains(view, "still valid: 2 certificates in 2 groups") || !strings.Contains(view, "until 2027-11-27 12:00Z (in 365d)") {
		t.Errorf("still valid:\n%s", view)
	}
	h.press("/")
	h.typeText("alice")
	if view := h.view(); strings.Contains(view, "system:masters ·") || !strings.Contains(view, "group dev") {
		t.Errorf("still valid, filtered:\n%s", view)
	}
	h.press("esc") // clears the filter being typed
	h.press("esc")
	if h.m.rec.view != nil {
		t.Fatal("esc did not leave the record")
	}
	if h.selected() != "csr-alice" {
		t.Errorf("back on %q", h.selected())
	}
}

// The record, read again, shows a line written while it is open; one that
// can't be read says why.
func TestRecordViewRereads(t *testing.T) {
	rec := &fakeRecorder{}
	h := newRecordedHarness(t, 80, 24, testSummaries(), rec)
	h.run(h.press("L"))
	if !strings.Contains(h.view(), "The record is empty") {
		t.Fatalf("empty record:\n%s", h.view())
	}
	// An approval finishing while the record is open.
	h.run(decideCmd(h.dec, rec, decisionRequest{decision: certs.Approve, name: "csr-alice", uid: "uid-csr-alice", message: "ok"}, certs.RecordEntry{Action: certs.RecordApprove, Name: "csr-alice"}))
	if v := h.m.rec.view; len(v.shown) != 1 {
		t.Fatalf("%d lines after an approval", len(v.shown))
	}
	h.press("esc")
	rec.readErr = errors.New("open " + testRecordPath + ": permission denied")
	h.run(h.press("L"))
	if view := strings.ReplaceAll(h.view(), "\n", " "); !strings.Contains(view, "The record can't be read: open "+testRecordPath+": permission denied") {
		t.Fatalf("read error:\n%s", h.view())
	}
}

// cutRecorder reads back as a record too long to read whole: its lines
// are the end of the file, and earlier holds the older lines of
// certificates still valid.
type cutRecorder struct {
	*fakeRecorder
	earlier []certs.RecordEntry
}

func (c cutRecorder) Read(now time.Time) (certs.RecordLog, error) {
	log, err := c.fakeRecorder.Read(now)
	log.Cut, log.Earlier = true, c.earlier
	return log, err
}

// Who still holds system:masters is said however long the record: the
// certificates still valid come from the whole file, the lines shown from
// its end, and the header says only the lines are cut.
func TestRecordViewStillValidFromTheWholeRecord(t *testing.T) {
	rec := &fakeRecorder{}
	_ = rec.Record(context.Background(), certs.RecordEntry{Action: certs.RecordDeny, Name: "csr-later", Outcome: certs.OutcomeOK})
	old := certs.RecordEntry{Action: certs.RecordIssued, Name: "csr-break-glass", UID: "uid-old", Time: testNow.Add(-300 * 24 * time.Hour),
		Certificate: &certs.RecordCertificate{SHA256: "0B:AD", User: "root", Groups: []string{"system:masters"}, NotAfter: testNow.Add(9 * 365 * 24 * time.Hour)}}
	h := newHarnessWith(t, 120, 30, testSummaries(), func(_ *harness, cfg *Config) {
		cfg.Recorder = cutRecorder{fakeRecorder: rec, earlier: []certs.RecordEntry{old}}
	})
	h.run(h.press("L"))
	view := h.view()
	if !strings.Contains(view, "record: 1 line, newest first · only the last 8 MiB shown") || strings.Contains(view, "csr-break-glass") {
		t.Errorf("lines:\n%s", view)
	}
	h.press("tab")
	view = h.view()
	if !strings.Contains(view, "still valid: 1 certificate in 1 group · "+testRecordPath) || !strings.Contains(view, "group system:masters") ||
		!strings.Contains(view, "csr-break-glass") {
		t.Errorf("still valid:\n%s", view)
	}
}

// The line under the cursor is marked in its text, as the list's row is,
// so that it shows on a terminal without colours or reverse video.
func TestRecordViewCursorWithoutColours(t *testing.T) {
	h := newRecordedHarness(t, 80, 24, testSummaries(), recordFixture(t))
	h.run(h.press("L"))
	h.press("down", "down")
	v := h.m.rec.view
	var marked []string
	for _, l := range strings.Split(h.view(), "\n") {
		if len(l) > markerWidth && l[markerWidth] == '>' {
			marked = append(marked, l)
		}
	}
	if len(marked) != 1 || !strings.Contains(marked[0], v.shown[v.cursor].e.Name) {
		t.Errorf("the lines marked: %q; the cursor is on %q", marked, v.shown[v.cursor].e.Name)
	}
}

// A record whose end holds no line that can be read (one line of many
// megabytes) says so, not that the record is empty or unreadable whole.
func TestRecordViewEndUnreadable(t *testing.T) {
	rec := &fakeRecorder{data: []byte("the end of a line too long to read\n")}
	h := newHarnessWith(t, 100, 24, testSummaries(), func(_ *harness, cfg *Config) {
		cfg.Recorder = cutRecorder{fakeRecorder: rec}
	})
	h.run(h.press("L"))
	if view := h.view(); !strings.Contains(view, "No line of the last 8 MiB of the record can be read: older lines are not shown.") {
		t.Errorf("lines:\n%s", view)
	}
	h.press("tab")
	if view := h.view(); !strings.Contains(view, "No certificate in the record is still valid.") {
		t.Errorf("still valid:\n%s", view)
	}
}

func TestRecordViewFits(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {24, 6}, {30, 8}, {40, 12}, {80, 24}, {120, 40}, {200, 60}} {
		rec := recordFixture(t)
		for range 40 { // more lines than any screen
			_ = rec.Record(context.Background(), certs.RecordEntry{Action: certs.RecordCreate, Name: strings.Repeat("long-name-", 8), Outcome: certs.OutcomeOK})
		}
		h := newRecordedHarness(t, size[0], size[1], testSummaries(), rec)
		h.run(h.press("L"))
		screens := []struct {
			name string
			keys []string
		}{
			{"lines", nil},
			{"lines-end", []string{"G"}},
			{"opened", []string{"enter"}},
			{"opened-end", []string{"G"}},
			{"still-valid", []string{"esc", "tab"}},
			{"filter", []string{"tab", "/"}},
			{"help", []string{"esc", "?"}},
		}
		for _, sc := range screens {
			h.press(sc.keys...)
			checkFrame(t, sc.name, h.view(), size[0], size[1])
		}
	}
}

func TestGoldenRecord(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {80, 24}, {200, 60}} {
		h := newRecordedHarness(t, size[0], size[1], testSummaries(), recordFixture(t))
		h.run(h.press("L"))
		h.golden(fmt.Sprintf("lines-%dx%d", size[0], size[1]))
		h.press("tab")
		h.golden(fmt.Sprintf("still-valid-%dx%d", size[0], size[1]))
		h.press("tab", "G", "enter")
		h.golden(fmt.Sprintf("opened-%dx%d", size[0], size[1]))
	}
}

// The line of a delete, for the command that deletes: the request as the
// admin saw it, its findings, and the delete's outcome.
func TestDeleteRecord(t *testing.T) {
	rec := &fakeRecorder{}
	h := newRecordedHarness(t, 80, 24, testSummaries(), rec)
	e := h.m.deleteRecord(testSummaries()[1]) // csr-masters
	gone := errors.New(`certificatesigningrequests.certificates.k8s.io "csr-masters" is forbidden: user may not delete`)
	if err := recordResult(t.Context(), rec, e, nil, gone); err != nil {
		t.Fatal(err)
	}
	if err := recordResult(t.Context(), nil, e, nil, nil); err != nil {
		t.Fatalf("no record: %v", err)
	}
	es := rec.entries()
	if len(es) != 1 || es[0].Action != certs.RecordDelete || es[0].UID != "uid-csr-masters" || es[0].Outcome != certs.OutcomeError ||
		es[0].Detail != gone.Error() || len(es[0].Findings) != 3 || es[0].Findings[0].ID != certs.FindingMasters {
		t.Errorf("delete line %+v", es)
	}
}

// The wheel and a click act on the record while it is open, never on the
// list beneath it.
func TestMouseInTheRecord(t *testing.T) {
	h := newHarnessWith(t, 80, 24, testSummaries(), func(_ *harness, cfg *Config) {
		cfg.Mouse = true
		cfg.Recorder = recordFixture(t)
	})
	h.run(h.press("L"))
	v := h.m.rec.view
	h.send(wheel(tea.MouseWheelDown, 10, 5))
	h.send(wheel(tea.MouseWheelDown, 10, 5))
	if v.cursor != 2 || h.selected() != "csr-alice" {
		t.Fatalf("two notches: cursor %d, list on %q", v.cursor, h.selected())
	}
	// The header's two lines, then the column titles, then the lines.
	h.send(tea.MouseClickMsg{X: 5, Y: 2 + 1 + 4, Button: tea.MouseLeft})
	if v.cursor != 4 || h.selected() != "csr-alice" {
		t.Fatalf("a click on the fifth line: cursor %d, list on %q", v.cursor, h.selected())
	}
	h.send(tea.MouseClickMsg{X: 5, Y: 2, Button: tea.MouseLeft}) // the column titles
	if v.cursor != 4 {
		t.Fatalf("a click on the titles moved the cursor to %d", v.cursor)
	}
}

// The record and a dialog fill the body with the times they were opened
// with: once the tick armed for the list has come, none follows.
func TestNothingTicksUnderTheRecordOrADialog(t *testing.T) {
	for name, open := range map[string]func(h *harness){
		"record": func(h *harness) { h.run(h.press("L")) },
		"dialog": func(h *harness) { h.press("a") },
	} {
		t.Run(name, func(t *testing.T) {
			h := newRecordedHarness(t, 200, 60, testSummaries(), recordFixture(t))
			open(h)
			if h.m.rec.view == nil && h.m.dialog == nil {
				t.Fatal("nothing opened")
			}
			if h.m.tick.pending {
				h.fireTick()
			}
			if h.m.tick.pending {
				t.Errorf("a tick in %v with nothing on screen that changes", h.m.tick.due.Sub(h.clock))
			}
		})
	}
}
