package ui

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

func (h *harness) selected() string {
	if s := h.m.list.selectedSummary(); s != nil {
		return s.Name
	}
	return ""
}

// state names what is in front, as the tests see it.
type state int

const (
	stateList      state = iota
	stateFilter          // typing a filter
	stateDetail          // one CSR, full screen
	stateConfirm         // approve?
	statePrompt          // deny reason or export path
	stateOverwrite       // replace an existing export file?
)

func (h *harness) state() state {
	switch h.m.dialog.(type) {
	case *confirmDialog:
		return stateConfirm
	case *promptDialog:
		return statePrompt
	case *overwriteDialog:
		return stateOverwrite
	}
	switch {
	case h.m.filter.active:
		return stateFilter
	case h.m.inDetail():
		return stateDetail
	}
	return stateList
}

func (h *harness) wantState(want state) {
	h.t.Helper()
	if got := h.state(); got != want {
		h.t.Fatalf("state = %d, want %d", got, want)
	}
}

// openDialog is the open dialog, which must be a T.
func openDialog[T dialog](h *harness) T {
	h.t.Helper()
	d, ok := h.m.dialog.(T)
	if !ok {
		h.t.Fatalf("the dialog is %T, want %T", h.m.dialog, d)
	}
	return d
}

// confirm is the open approval dialog; prompt the open deny or export prompt.
func (h *harness) confirm() *confirmDialog { h.t.Helper(); return openDialog[*confirmDialog](h) }
func (h *harness) prompt() *promptDialog   { h.t.Helper(); return openDialog[*promptDialog](h) }

// isDenyPrompt reports whether p is the deny prompt: enter denies.
func isDenyPrompt(p *promptDialog) bool {
	o, ok := p.done("").(decideOutcome)
	return ok && o.decision == certs.Deny
}

func (h *harness) wantStatus(kind statusKind, contains string) {
	h.t.Helper()
	if h.m.status.kind != kind || !strings.Contains(h.m.status.text.String(), contains) {
		h.t.Fatalf("status = %d %q, want %d containing %q", h.m.status.kind, h.m.status.text, kind, contains)
	}
}

func TestCursorMoves(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	if got := h.selected(); got != "csr-alice" {
		t.Fatalf("first selection = %q", got)
	}
	h.press("j", "down")
	if got := h.selected(); got != "csr-broken" {
		t.Fatalf("after j, down: %q", got)
	}
	h.press("k")
	if got := h.selected(); got != "csr-masters" {
		t.Fatalf("after k: %q", got)
	}
	h.press("G")
	if got := h.selected(); got != "csr-web-1" {
		t.Fatalf("after G: %q", got)
	}
	h.press("g")
	if got := h.selected(); got != "csr-alice" {
		t.Fatalf("after g: %q", got)
	}
	h.press("up") // stays at the top
	if h.m.list.cursor != 0 {
		t.Fatalf("cursor = %d", h.m.list.cursor)
	}
	h.press("pgdown")
	if got := h.selected(); got != "csr-web-1" {
		t.Fatalf("after pgdown: %q", got)
	}
}

func TestScrollKeepsCursorVisible(t *testing.T) {
	h := newHarness(t, 80, 24, manySummaries(200))
	page := h.m.list.pageRows()
	for range page + 5 {
		h.press("j")
	}
	l := &h.m.list
	if l.cursor != page+5 || l.cursor < l.offset || l.cursor >= l.offset+page {
		t.Fatalf("cursor %d offset %d page %d", l.cursor, l.offset, page)
	}
	h.press("end")
	if l.cursor != 199 || l.offset != 200-page {
		t.Fatalf("end: cursor %d offset %d", l.cursor, l.offset)
	}
	h.press("pgup")
	if l.cursor != 199-page {
		t.Fatalf("pgup: cursor %d", l.cursor)
	}
}

func TestCursorFollowsCSRAcrossSnapshots(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.press("j", "j", "j") // csr-node-x
	if h.selected() != "csr-node-x" {
		t.Fatalf("selected %q", h.selected())
	}
	// A new CSR arrives at the top, and csr-node-x is replaced by a newer version.
	newer := *ss[3]
	newer.ResourceVersion = "2"
	fresh := &certs.Summary{Name: "csr-new", UID: "uid-new", Created: testNow, State: certs.StatePending, Condition: "Pending"}
	next := append([]*certs.Summary{fresh}, ss...)
	next[4] = &newer
	h.send(snapshotMsg{summaries: next})
	if h.selected() != "csr-node-x" || h.m.list.cursor != 4 {
		t.Fatalf("after snapshot: %q at %d", h.selected(), h.m.list.cursor)
	}
	if h.m.list.selectedSummary() != &newer {
		t.Fatal("the list still shows the old version")
	}
	// The CSR goes away: the cursor stays at the same position.
	gone := append(append([]*certs.Summary{}, next[:4]...), next[5:]...)
	h.send(snapshotMsg{summaries: gone})
	if h.m.list.cursor != 4 || h.selected() != "csr-waiting" {
		t.Fatalf("after delete: %q at %d", h.selected(), h.m.list.cursor)
	}
}

func TestSourceFlow(t *testing.T) {
	src := newFakeSource(testSummaries()[:2])
	m := New(Config{Source: src, Now: func() time.Time { return testNow }})
	var pauses []time.Duration
	var resume func(time.Time) tea.Msg
	m.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		if _, ok := fn(testNow).(listenMsg); ok {
			pauses, resume = append(pauses, d), fn
		}
		return nil // other timers (the AGE tick) are not this test's business
	}
	cmd := m.Init()
	if m.list.total != 2 {
		t.Fatalf("Init took no snapshot: total %d", m.list.total)
	}
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatalf("Init returned %T", cmd())
	}
	src.set(testSummaries())
	src.changed <- struct{}{}
	msg := batch[0]()
	snap, ok := msg.(snapshotMsg)
	if !ok || len(snap.summaries) != 8 {
		t.Fatalf("wait returned %T", msg)
	}
	m.Update(snap)
	if m.list.total != 8 {
		t.Fatalf("snapshot not stored (total %d)", m.list.total)
	}

	// After a snapshot the model pauses before it listens again; a change during
	// the pause waits in the channel and is taken when the pause ends.
	if len(pauses) == 0 || pauses[0] != coalesceInterval || resume == nil {
		t.Fatalf("no pause of %v after a snapshot: %v", coalesceInterval, pauses)
	}
	src.set(testSummaries()[:5])
	src.changed <- struct{}{}
	_, listen := m.Update(resume(testNow))
	if listen == nil {
		t.Fatal("the pause ended without a wait for the next change")
	}
	var next snapshotMsg
	switch got := listen().(type) {
	case snapshotMsg:
		next = got
	case tea.BatchMsg:
		next, _ = got[0]().(snapshotMsg)
	}
	if len(next.summaries) != 5 {
		t.Fatalf("the change made during the pause was not delivered: %d summaries", len(next.summaries))
	}
}

// While changes to many rows keep coming faster than they are shown, the
// pause between snapshots doubles up to burstInterval; a change the console
// waited for, or one of a row or two, puts it back to coalesceInterval.
func TestBurstsPauseLonger(t *testing.T) {
	src := newFakeSource(testSummaries())
	m := New(Config{Source: src, Now: func() time.Time { return testNow }})
	var pauses []time.Duration
	m.after = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		if _, ok := fn(testNow).(listenMsg); ok {
			pauses = append(pauses, d)
		}
		return nil
	}
	m.Init()

	// A change waiting when the console listens is a burst.
	src.changed <- struct{}{}
	snap, ok := waitCmd(src)().(snapshotMsg)
	if !ok || snap.waited {
		t.Fatalf("a change that was waiting: %T, waited %v", snap, snap.waited)
	}
	// A burst changes many rows each time: a snapshot of rows all new.
	var last []*certs.Summary
	for _, waited := range []bool{false, false, false, false, false, true, false} {
		last = manySummaries(burstRows)
		m.Update(snapshotMsg{summaries: last, waited: waited})
	}
	// A change or two at a time is no burst, even with another waiting.
	for i := range 2 {
		few := slices.Clone(last)
		c := *few[i]
		few[i] = &c
		m.Update(snapshotMsg{summaries: few, waited: false})
		last = few
	}
	want := []time.Duration{20, 40, 80, 100, 100, 20, 40, 20, 20}
	for i := range want {
		want[i] *= time.Millisecond
	}
	if !slices.Equal(pauses, want) {
		t.Errorf("pauses %v, want %v", pauses, want)
	}
}

func TestPendingOnly(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("G") // csr-web-1, issued
	h.press("tab")
	if h.m.list.view != viewPending || len(h.m.list.shown) != 4 {
		t.Fatalf("pending only: %v, %d shown", h.m.list.view, len(h.m.list.shown))
	}
	for _, r := range h.m.list.shown {
		if r.s.State != certs.StatePending {
			t.Fatalf("%s shown in pending-only", r.s.Name)
		}
	}
	if h.selected() != "csr-node-x" {
		t.Fatalf("cursor moved to %q", h.selected())
	}
	h.press("tab") // nothing is superseded: pending and live shows the same
	if h.m.list.view != viewLive || len(h.m.list.shown) != 4 {
		t.Fatalf("pending and live: %v, %d shown", h.m.list.view, len(h.m.list.shown))
	}
	h.press("tab")
	if h.m.list.view != viewAll || len(h.m.list.shown) != 8 {
		t.Fatal("tab did not switch back to all")
	}
}

func TestFilter(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("/")
	h.wantState(stateFilter)
	h.typeText("node")
	if len(h.m.list.shown) != 3 {
		t.Fatalf("typing narrowed to %d rows", len(h.m.list.shown))
	}
	h.press("enter")
	h.wantState(stateList)
	if h.m.list.filter != "node" || len(h.m.list.shown) != 3 {
		t.Fatal("enter did not keep the filter")
	}
	h.press("/", "esc")
	h.wantState(stateList)
	if h.m.list.filter != "" || len(h.m.list.shown) != 8 {
		t.Fatal("esc did not clear the filter")
	}
	h.press("/")
	h.typeText("nothing-matches")
	if len(h.m.list.shown) != 0 || h.selected() != "" {
		t.Fatal("filter should hide everything")
	}
	h.press("enter", "esc") // esc in the list clears a kept filter
	if h.m.list.filter != "" {
		t.Fatal("esc in the list did not clear the filter")
	}
}

func TestFilterTypingIsNotAKey(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("/")
	h.typeText("qadG?")
	h.wantState(stateFilter)
	if h.m.filter.Value() != "qadG?" || len(h.dec.calls) != 0 {
		t.Fatalf("filter %q, calls %v", h.m.filter.Value(), h.dec.calls)
	}
}

func TestApproveWithY(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("a")) // and the cluster's answer about alice
	h.wantState(stateConfirm)
	if h.confirm().needsName() || h.confirm().disabled() {
		t.Fatal("a plain request should approve with y")
	}
	h.run(h.press("y"))
	h.wantState(stateList)
	if len(h.dec.calls) != 1 || !h.dec.calls[0].approve || h.dec.calls[0].name != "csr-alice" || h.dec.calls[0].uid != "uid-csr-alice" {
		t.Fatalf("calls %+v", h.dec.calls)
	}
	h.wantStatus(statusOK, "Approved csr-alice")
	// The row is not edited: the informer delivers the new state.
	if h.m.list.selectedSummary().State != certs.StatePending {
		t.Fatal("the row was edited optimistically")
	}
}

func TestApproveCancel(t *testing.T) {
	for _, k := range []string{"n", "esc"} {
		h := newHarness(t, 80, 24, testSummaries())
		h.run(h.press("a"))
		h.press(k)
		h.wantState(stateList)
		if len(h.dec.calls) != 0 {
			t.Fatalf("%s: decider called", k)
		}
	}
}

func TestApproveCriticalNeedsName(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("j", "a") // csr-masters: critical
	h.wantState(stateConfirm)
	if !h.confirm().needsName() {
		t.Fatal("critical finding should ask for the name")
	}
	h.press("y") // typed into the input, not an approval
	h.press("enter")
	if len(h.dec.calls) != 0 || !h.confirm().mismatch {
		t.Fatalf("approved without the name: %+v", h.dec.calls)
	}
	h.wantState(stateConfirm)
	h.press("backspace")
	h.typeText("csr-master")
	h.press("enter")
	if len(h.dec.calls) != 0 {
		t.Fatal("approved with a wrong name")
	}
	h.typeText("s")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 1 || h.dec.calls[0].name != "csr-masters" || h.dec.calls[0].uid != "uid-csr-masters" || !h.dec.calls[0].approve {
		t.Fatalf("calls %+v", h.dec.calls)
	}
	h.wantState(stateList)
}

func TestApproveBlocked(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("j", "j", "j", "a") // csr-node-x: block
	h.wantState(stateConfirm)
	if !h.confirm().disabled() {
		t.Fatal("block finding should disable approval")
	}
	if !strings.Contains(h.view(), "Approval is disabled") || !strings.Contains(h.view(), "rejects usage server auth") {
		t.Fatalf("the dialog does not say why:\n%s", h.view())
	}
	h.press("y", "enter")
	if len(h.dec.calls) != 0 {
		t.Fatal("a blocked CSR was approved")
	}
	h.press("d") // denying is always allowed
	h.wantState(statePrompt)
	if !isDenyPrompt(h.prompt()) {
		t.Fatal("d should open the deny prompt")
	}
}

func TestApproveDecided(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("G", "k", "a") // csr-denied
	h.wantState(stateList)
	h.wantStatus(statusErr, "already Denied")
	h.press("G", "a") // csr-web-1: issued
	h.wantStatus(statusInfo, "already approved")
	if len(h.dec.calls) != 0 {
		t.Fatal("decider called")
	}
}

func TestDenyWithMessage(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("j", "d")
	h.wantState(statePrompt)
	h.typeText("not a request we expected")
	h.run(h.press("enter"))
	h.wantState(stateList)
	want := decision{false, "csr-masters", "uid-csr-masters", "not a request we expected"}
	if len(h.dec.calls) != 1 || h.dec.calls[0] != want {
		t.Fatalf("calls %+v, want %+v", h.dec.calls, want)
	}
	h.wantStatus(statusOK, "Denied csr-masters")
}

func TestDenyCancel(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.press("d")
	h.typeText("x")
	h.press("esc")
	h.wantState(stateList)
	if len(h.dec.calls) != 0 {
		t.Fatal("decider called")
	}
}

func TestDecisionOutcomes(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		already *certs.Decided
		kind    statusKind
		want    string
	}{
		{"forbidden", errors.New(`certificatesigningrequests.certificates.k8s.io "csr-alice" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"`), nil, statusErr, `user not permitted to approve requests with signerName`},
		{"conflict", errors.New(`Operation cannot be fulfilled on certificatesigningrequests.certificates.k8s.io "csr-alice": the object has been modified`), nil, statusErr, "the object has been modified"},
		{"notfound", errors.New(`certificatesigningrequests.certificates.k8s.io "csr-alice" not found`), nil, statusErr, "not found"},
		{"timeout", deadlineErr(), nil, statusErr, "did not answer within 30s"},
		{"noop", nil, &certs.Decided{}, statusInfo, "csr-alice was already approved: nothing to do"},
		// Another admin approved it a moment before: said as the cluster records it.
		{"another admin", nil, &certs.Decided{Type: "Approved", Reason: "KubectlApprove", Message: "ok by me", At: testNow.Add(-3 * time.Second)},
			statusInfo, `csr-alice was already approved 3s ago (KubectlApprove): "ok by me": nothing was written.`},
		{"ok", nil, nil, statusOK, "Approved csr-alice."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, 80, 24, testSummaries())
			h.dec.err, h.dec.already = c.err, c.already
			h.run(h.press("a"))
			h.run(h.press("y"))
			h.wantStatus(c.kind, c.want)
			if c.err != nil && !strings.Contains(h.view(), "Could not approve csr-alice") {
				t.Fatalf("the outcome is not on screen:\n%s", h.view())
			}
			// The Decider's words are shown as they are, after what failed.
			if c.err != nil && h.m.status.text.String() != "Could not approve csr-alice: "+c.err.Error() {
				t.Fatalf("status %q, want the Decider's error after what failed", h.m.status.text)
			}
		})
	}
}

// deadlineErr is a timeout as the Decider words it for the admin.
func deadlineErr() error {
	return wordedError{
		msg: `could not approve "csr-alice": the apiserver did not answer within 30s (the change may or may not have been made: the list will show it)`,
		err: contextDeadlineExceeded,
	}
}

// The request timeout is kube's: the console adds no deadline of its own, so
// the one the admin chose (--request-timeout) is the one that applies.
func TestCallsCarryNoDeadlineOfTheirOwn(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("enter")) // the detail asks about csr-alice
	h.run(h.press("a"))
	h.run(h.press("y"))
	h.press("esc")
	h.run(h.press("j", "d", "enter"))
	if len(h.dec.calls) != 2 || len(h.ins.asked) != 1 {
		t.Fatalf("calls %+v, asked %v", h.dec.calls, h.ins.asked)
	}
	if h.dec.deadlines != 0 || h.ins.deadlines != 0 {
		t.Fatalf("%d decisions and %d access checks got a deadline from the console", h.dec.deadlines, h.ins.deadlines)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("G", "e"))
	h.wantState(statePrompt)
	if got := h.prompt().input.Value(); got != "./"+certs.SafeFileName("csr-web-1")+".crt" {
		t.Fatalf("prefilled path %q", got)
	}
	h.run(h.press("enter"))
	h.wantState(stateList)
	path := filepath.Join(dir, "csr-web-1.crt")
	data, err := os.ReadFile(path)
	if err != nil || string(data) != string(testCertificatePEM) {
		t.Fatalf("export wrote %q, %v", data, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", fi.Mode())
	}
	h.wantStatus(statusOK, path)

	// Again: the file exists, so a second confirmation is asked.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.run(h.press("e"))
	h.run(h.press("enter"))
	h.wantState(stateOverwrite)
	h.press("n")
	h.wantState(stateList)
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Fatal("n overwrote the file")
	}
	h.run(h.press("e"))
	h.run(h.press("enter"))
	h.wantState(stateOverwrite)
	h.run(h.press("y"))
	h.wantState(stateList)
	if data, _ := os.ReadFile(path); string(data) == "old" {
		t.Fatal("y did not overwrite the file")
	}
	h.wantStatus(statusOK, path)
}

// status.certificate is written by whoever may update the status subresource: only
// the certificates in it, re-encoded, reach the file.
func TestExportWritesOnlyTheCertificate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	summaries := testSummaries()
	web := *summaries[7]
	status := append([]byte("\x1b]0;pwned\x07 hello\n"), testCertificatePEM...)
	issue(&web, append(status, "\n-----BEGIN NOTE-----\nZXZpbA==\n-----END NOTE-----\n\x1b[2J"...))
	summaries[7] = &web
	h := newHarness(t, 80, 24, summaries)
	h.run(h.press("G", "e"))
	h.run(h.press("enter"))
	data, err := os.ReadFile(filepath.Join(dir, "csr-web-1.crt"))
	if err != nil || string(data) != string(testCertificatePEM) {
		t.Fatalf("export wrote %q, %v; want exactly the certificate", data, err)
	}

	// Nothing that parses as a certificate: nothing is written, and the admin is told why.
	if err := os.Remove(filepath.Join(dir, "csr-web-1.crt")); err != nil {
		t.Fatal(err)
	}
	issue(&web, []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"))
	h = newHarness(t, 80, 24, summaries)
	h.run(h.press("G", "e"))
	h.lookAgain()
	h.wantStatus(statusErr, "does not parse")
	h.run(h.press("enter"))
	if _, err := os.Stat(filepath.Join(dir, "csr-web-1.crt")); err == nil {
		t.Fatal("a file was written")
	}
}

func TestExportWithoutCertificate(t *testing.T) {
	cases := map[string]string{
		"csr-alice":   "is pending",
		"csr-denied":  "was denied",
		"csr-failed":  "SignerValidationFailure",
		"csr-waiting": "no signer has issued a certificate yet",
	}
	for name, want := range cases {
		h := newHarness(t, 80, 24, testSummaries())
		for h.selected() != name {
			h.press("j")
		}
		h.press("e")
		h.wantState(stateList)
		h.wantStatus(statusInfo, want)
	}
}

func TestDetail(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("j", "enter")) // csr-masters: pending client cert
	h.wantState(stateDetail)
	if len(h.ins.asked) != 1 || h.ins.asked[0] != "root|system:masters" {
		t.Fatalf("inspector asked %v", h.ins.asked)
	}
	if cs := h.m.caps["uid-csr-masters"]; cs == nil || cs.loading || len(cs.caps) != 5 {
		t.Fatalf("capabilities not stored: %+v", cs)
	}
	h.press("esc", "enter") // cached: not asked again
	if len(h.ins.asked) != 1 {
		t.Fatalf("asked again: %v", h.ins.asked)
	}
	h.press("G")
	if h.m.detail.offset == 0 {
		t.Fatal("G did not scroll the detail")
	}
	h.press("g")
	if h.m.detail.offset != 0 {
		t.Fatal("g did not scroll to the top")
	}
	h.press("esc")
	h.wantState(stateList)
	if h.selected() != "csr-masters" {
		t.Fatal("esc lost the selection")
	}
}

func TestDetailCapabilitiesError(t *testing.T) {
	h := newHarness(t, 120, 40, testSummaries())
	h.ins.err = errors.New(`subjectaccessreviews.authorization.k8s.io is forbidden: User "kind-admin" cannot create resource "subjectaccessreviews"`)
	h.run(h.press("enter"))
	if text := ansiStrip(strings.Join(h.m.detail.lines, "\n")); !strings.Contains(text, "Can't ask the cluster") || !strings.Contains(text, `cannot create resource`) {
		t.Log(text)
		t.Fatal("the error is not shown")
	}
}

func TestDetailFollowsSnapshots(t *testing.T) {
	ss := testSummaries()
	h := newHarness(t, 80, 24, ss)
	h.press("enter")
	approved := *ss[0]
	approved.State, approved.Condition = certs.StateApproved, "Approved"
	h.send(snapshotMsg{summaries: append([]*certs.Summary{&approved}, ss[1:]...)})
	if h.m.detail.s != &approved {
		t.Fatal("the detail shows a stale version")
	}
	h.send(snapshotMsg{summaries: ss[1:]})
	if h.m.detail.lost != lossGone || !strings.Contains(h.view(), "no longer in the cluster") {
		t.Fatal("a deleted CSR is not said to be gone")
	}
}

func TestActionsFromDetail(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	h.run(h.press("enter"))
	h.press("a")
	h.wantState(stateConfirm)
	h.run(h.press("y"))
	h.wantState(stateDetail)
	if len(h.dec.calls) != 1 || h.dec.calls[0].name != "csr-alice" {
		t.Fatalf("calls %+v", h.dec.calls)
	}
}

func TestHelpToggle(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	before := h.m.bodyHeight
	h.press("?")
	if !h.m.fullHelp || h.m.bodyHeight >= before {
		t.Fatalf("full help: %v, body %d -> %d", h.m.fullHelp, before, h.m.bodyHeight)
	}
	h.press("?")
	if h.m.fullHelp || h.m.bodyHeight != before {
		t.Fatal("? did not close the full help")
	}
}

func TestQuitAndInterrupt(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	if msg := h.press("q")(); msg != (tea.QuitMsg{}) {
		t.Fatalf("q returned %T", msg)
	}
	if msg := h.press("ctrl+c")(); msg != (tea.InterruptMsg{}) {
		t.Fatalf("ctrl+c returned %T", msg)
	}
	h.press("/")
	if msg := h.press("ctrl+c")(); msg != (tea.InterruptMsg{}) {
		t.Fatal("ctrl+c does not interrupt while typing")
	}
}

func TestTicks(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	// csr-alice is 45s old: its AGE changes every second.
	if len(h.timers) != 1 || h.timers[0].d > time.Second+50*time.Millisecond {
		t.Fatalf("timers %+v", h.timers)
	}
	// Only CSRs older than a minute: the next tick is when a minute turns.
	h2 := newHarness(t, 80, 24, testSummaries()[1:])
	if len(h2.timers) != 1 || h2.timers[0].d < 59*time.Second || h2.timers[0].d > 61*time.Second {
		t.Fatalf("timers %+v", h2.timers)
	}
	// A tick re-arms one timer; a superseded one is ignored.
	h.send(h.timers[0].fn(testNow))
	if len(h.timers) != 2 {
		t.Fatalf("tick did not re-arm: %d timers", len(h.timers))
	}
	h.send(h.timers[0].fn(testNow))
	if len(h.timers) != 2 {
		t.Fatal("a superseded tick re-armed")
	}
	// Keys do not start more timers while one is pending.
	h.press("j", "k", "j")
	if len(h.timers) != 2 {
		t.Fatalf("%d timers after keys", len(h.timers))
	}
	// Nothing on screen has an age: no timer at all.
	h3 := newHarness(t, 80, 24, nil)
	if len(h3.timers) != 0 {
		t.Fatalf("idle empty list starts timers: %+v", h3.timers)
	}
}

// The console wakes exactly when a time on screen changes its text: nothing
// on screen changes before a tick, and something does at it. The list, the
// side panel and the detail, with ages, countdowns and certificate lifetimes.
func TestTicksComeExactlyWhenATimeOnScreenChanges(t *testing.T) {
	for _, c := range []struct {
		name string
		w, h int
		keys []string
	}{
		{"list", 120, 30, nil},
		{"side panel", 200, 60, nil},
		{"side panel on an issued request", 200, 60, []string{"G"}},
		{"detail of an issued request", 100, 40, []string{"G", "enter"}},
		{"detail of a pending request", 100, 40, []string{"j", "enter"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.w, c.h, testSummaries())
			h.press(c.keys...)
			at := func(when time.Time) string {
				h.clock = when
				h.m.refreshDetails()
				return h.view()
			}
			for range 5 {
				tk := h.tick()
				start := h.clock
				before := at(start)
				if at(start.Add(tk.d-11*time.Millisecond)) != before {
					t.Fatalf("the screen changed before the tick due in %v", tk.d)
				}
				if at(start.Add(tk.d)) == before {
					t.Fatalf("a tick in %v, and nothing on screen changed", tk.d)
				}
				h.clock = start
				h.fireTick()
			}
		})
	}
}

func TestSidePanelInspectsAfterRest(t *testing.T) {
	h := newHarness(t, 200, 60, testSummaries())
	if !h.m.sidePanel {
		t.Fatal("no side panel at 200 columns")
	}
	n := len(h.timers)
	h.press("j") // csr-masters
	if len(h.timers) != n+1 || h.timers[n].d != inspectDelay {
		t.Fatalf("no debounce timer: %+v", h.timers)
	}
	h.press("j") // moved on before the timer fired
	h.send(h.timers[n].fn(testNow))
	if len(h.ins.asked) != 0 {
		t.Fatal("asked about a CSR the cursor left")
	}
	h.press("k")
	h.run(func() tea.Msg { return h.timers[len(h.timers)-1].fn(testNow) })
	if len(h.ins.asked) != 1 {
		t.Fatalf("asked %v", h.ins.asked)
	}
}

func TestNarrowTerminalDropsColumns(t *testing.T) {
	h := newHarness(t, 64, 24, testSummaries())
	if h.m.list.show[colDuration] || !h.m.list.show[colName] || !h.m.list.show[colCondition] {
		t.Fatalf("columns at 64: %v", h.m.list.show)
	}
	// At 200 the side panel says when each CSR was issued and goes; a list
	// of 150 says it itself.
	h.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	for c := range numCols {
		if wide := c == colIssued || c == colCleanup; h.m.list.show[c] == wide {
			t.Fatalf("column %s shown %v at 200 columns, beside the side panel", colTitles[c], h.m.list.show[c])
		}
	}
	h.send(tea.WindowSizeMsg{Width: 150, Height: 60})
	for c := range numCols {
		if !h.m.list.show[c] {
			t.Fatalf("column %s dropped at 150 columns", colTitles[c])
		}
	}
}

func TestAge(t *testing.T) {
	cases := map[time.Duration]string{
		45 * time.Second: "45s", 5 * time.Minute: "5m", 3 * time.Hour: "3h", 12 * 24 * time.Hour: "12d",
		400 * 24 * time.Hour: "1y", 0: "0s", -500 * time.Millisecond: "0s", -time.Minute: "<invalid>",
	}
	for d, want := range cases {
		if got := age(testNow, testNow.Add(-d)); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}

// A watch that stopped working is said where the counts were, so a stale list
// never passes for a live one; it goes once the watch is back.
func TestSourceErrorShown(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	if strings.Contains(h.view(), "stale") || !strings.Contains(h.view(), "live") {
		t.Fatalf("a healthy source is not said live:\n%s", h.view())
	}
	h.send(snapshotMsg{summaries: testSummaries(), err: errors.New("connection refused\x1b[2J (no updates from https://10.0.0.1:6443)")})
	screen := h.view()
	if !strings.Contains(screen, "reconnecting") || !strings.Contains(screen, "! stale since 12:00:00, reconnecting: connection refused") {
		t.Fatalf("the watch error is not on screen:\n%s", screen)
	}
	if strings.ContainsRune(screen, 0x1b) {
		t.Fatal("the error reached the screen unsanitized")
	}
	h.send(snapshotMsg{summaries: testSummaries()})
	if strings.Contains(h.view(), "stale") {
		t.Fatal("the warning stayed after the watch recovered")
	}
}
