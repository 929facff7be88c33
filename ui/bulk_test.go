package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/csrtui/csrtui/certs"
)

// pendingSummary is a pending client request of user for CN user, with fs.
func pendingSummary(name, signer, user string, age time.Duration, fs ...certs.Finding) *certs.Summary {
	return &certs.Summary{
		Name: name, UID: "uid-" + name, Created: testNow.Add(-age), Signer: signer, Username: user,
		Usages: []string{"digital signature", "client auth"}, State: certs.StatePending, Condition: "Pending",
		Request: request(name, "dev"), RequestedDuration: time.Hour, EffectiveDuration: time.Hour,
		Findings: fs, Search: strings.ToLower(name + "\x00" + user),
	}
}

var (
	longLived = certs.Finding{ID: certs.FindingLongLived, Severity: certs.SeverityHigh, Title: "valid for 90d, above the 24h maximum"}
	masters   = certs.Finding{ID: certs.FindingMasters, Severity: certs.SeverityCritical, Title: "O=system:masters: the certificate would be cluster-admin"}
	rejected  = certs.Finding{ID: certs.FindingSignerReject, Severity: certs.SeverityBlock, Title: "approval would only produce Failed"}
)

// bulkSummaries are six requests a y approves (alice's three, bob's two,
// carol's one), one critical, one blocked, one not decoded yet, and the
// decided requests of testSummaries.
func bulkSummaries() []*certs.Summary {
	ss := []*certs.Summary{
		pendingSummary("bulk-a1", clientSigner, "alice", time.Minute),
		pendingSummary("bulk-a2", clientSigner, "alice", 2*time.Minute),
		pendingSummary("bulk-a3", clientSigner, "alice", 3*time.Minute),
		pendingSummary("bulk-b1", clientSigner, "bob", 4*time.Minute, longLived),
		pendingSummary("bulk-b2", clientSigner, "bob", 5*time.Minute, longLived),
		pendingSummary("bulk-c1", "example.com/ci", "carol", 6*time.Minute),
		pendingSummary("bulk-crit", "example.com/any", "mallory", 7*time.Minute, masters),
		pendingSummary("bulk-block", "kubernetes.io/kube-apiserver-client-kubelet", "system:node:x", 8*time.Minute, rejected),
	}
	undecoded := pendingSummary("bulk-new", clientSigner, "dave", 30*time.Second)
	undecoded.Unchecked, undecoded.Request = true, nil
	undecoded.Findings = []certs.Finding{{ID: certs.FindingUnchecked, Severity: certs.SeverityBlock, Title: "not decoded yet"}}
	ss = append(ss, undecoded)
	for _, s := range testSummaries() {
		if s.State != certs.StatePending {
			ss = append(ss, s)
		}
	}
	certs.Sort(ss)
	return ss
}

// markBulk marks every bulk-* request with the filter and *, and clears the
// filter.
func (h *harness) markBulk() {
	h.t.Helper()
	h.press("/")
	h.typeText("bulk-")
	h.press("enter", "*", "esc")
}

func (h *harness) bulkConfirm() *bulkConfirmDialog {
	h.t.Helper()
	return openDialog[*bulkConfirmDialog](h)
}

func (h *harness) bulkRun() *bulkRunDialog {
	h.t.Helper()
	return openDialog[*bulkRunDialog](h)
}

func (h *harness) marked() []string {
	var out []string
	for _, name := range h.m.marks {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func (h *harness) wantView(texts ...string) string {
	h.t.Helper()
	v := h.view()
	for _, t := range texts {
		if !strings.Contains(v, t) {
			h.t.Fatalf("%q is not on screen:\n%s", t, v)
		}
	}
	return v
}

func TestSpaceMarksAndMovesDown(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	first := h.selected()
	h.press("space")
	if got := h.marked(); !slices.Equal(got, []string{first}) || h.selected() == first {
		t.Fatalf("marked %v, cursor on %s: want %s marked and the cursor below it", got, h.selected(), first)
	}
	h.wantView("1 marked", "* "+first)
	h.press("k", "space")
	if len(h.m.marks) != 0 {
		t.Fatalf("space on a marked row left %v marked", h.marked())
	}
	// A decided request is not marked, and the status says why; the cursor
	// moves on all the same.
	h.focusKeep("csr-web-1")
	h.press("space")
	if len(h.m.marks) != 0 {
		t.Fatal("an issued request was marked")
	}
	h.wantStatus(statusInfo, `"csr-web-1" is Approved,Issued: only pending requests are marked.`)

	// Marked and selected: both show where the gap has room, the mark alone
	// on a narrow list.
	h.press("g", "space", "k")
	h.wantView(">*" + first)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := h.view(); !strings.Contains(v, "*"+first) || strings.Contains(v, ">"+first) {
		t.Fatalf("at 80 columns a selected marked row shows *:\n%s", v)
	}
}

func TestMarkAllMarksThePendingInView(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.press("/")
	h.typeText("bulk-a")
	h.press("enter", "*")
	if got := h.marked(); !slices.Equal(got, []string{"bulk-a1", "bulk-a2", "bulk-a3"}) {
		t.Fatalf("* under the filter bulk-a marked %v", got)
	}
	h.wantStatus(statusInfo, "Marked 3 pending requests in view: 3 marked in all.")
	h.press("esc", "*") // everything: the pending ones only
	if n := len(h.m.marks); n != 9 {
		t.Fatalf("* over the whole list marked %d (%v), want the 9 pending", n, h.marked())
	}
	h.wantView("9 pending / 13 total · 9 marked · showing all")
	h.press("u")
	if len(h.m.marks) != 0 || strings.Contains(h.line(1), "marked") {
		t.Fatalf("u left %v marked:\n%s", h.marked(), h.view())
	}
	h.wantStatus(statusInfo, "Unmarked 9 requests.")
}

// A mark names the object: replaced, gone or decided by someone else, it
// drops, and the status line says which and how.
func TestMarksDropWithTheirObject(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.markBulk()
	ss := swapped(t, bulkSummaries(), "bulk-a1", impostor)
	ss = swapped(t, ss, "bulk-a2", func(s *certs.Summary) {
		s.State, s.Condition = certs.StateApproved, "Approved"
		s.Conditions = []certs.Condition{{Type: "Approved", Status: "True", Reason: "KubectlApprove", LastUpdate: testNow.Add(-3 * time.Second)}}
	})
	ss = slices.DeleteFunc(ss, func(s *certs.Summary) bool { return s.Name == "bulk-a3" })
	h.send(snapshotMsg{summaries: ss})
	if got := h.marked(); slices.Contains(got, "bulk-a1") || slices.Contains(got, "bulk-a2") || slices.Contains(got, "bulk-a3") || len(got) != 6 {
		t.Fatalf("marks after: %v", got)
	}
	for _, want := range []string{"3 marks dropped: ", `"bulk-a2" was approved 3s ago (KubectlApprove)`,
		`"bulk-a1" was replaced by a new request of the same name`, `"bulk-a3" is gone`} {
		h.wantStatus(statusInfo, want)
	}
}

// The approval of the marked requests: grouped, worst first; the block and
// the undecoded ones left out, with why; the critical one left out until its
// name is typed; y approves the rest, each by name and UID.
func TestBulkApprove(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.markBulk()
	h.press("A")
	d := h.bulkConfirm()
	v := h.wantView("Approve 9 marked requests?", "9 in 6 groups by signer and requester, worst first:",
		`1 left out, a block finding: "bulk-block": signer-reject: approval would`,
		"1 left out, not decoded yet: y leaves them out (they stay marked), or",
		"1 critical request: left out unless you type each name (enter).",
		"What each identity could do is not asked in bulk", "y approves 6.")
	order := []string{"kube-apiserver-client-kubelet · system:node:x  XX signer-reject", "example.com/any · mallory  !! masters",
		"kube-apiserver-client · bob  ! long-lived", "kube-apiserver-client · alice  no finding"}
	at := -1
	for _, g := range order {
		i := strings.Index(v, g)
		if i < at {
			t.Fatalf("groups are not worst first: %q before the one above it:\n%s", g, v)
		}
		at = i
	}
	if !strings.Contains(v, "3  kube-apiserver-client · alice") {
		t.Fatalf("alice's group does not count 3:\n%s", v)
	}
	if len(d.plan.groups) != 6 {
		t.Fatalf("%d groups", len(d.plan.groups))
	}

	h.run(h.press("y"))
	want := []string{"bulk-a1", "bulk-a2", "bulk-a3", "bulk-b1", "bulk-b2", "bulk-c1"}
	if got := h.dec.names(); !sameElements(got, want) {
		t.Fatalf("approved %v, want %v", got, want)
	}
	for _, c := range h.dec.calls {
		if !c.approve || c.uid != "uid-"+c.name || c.message != approveMessage {
			t.Errorf("decision %+v: want an approval of the object marked", c)
		}
	}
	h.wantView("Approved 6 of 9 requests", "100%", "6  approved", "2  refused by finding", "1  not decoded yet (still marked)")
	if got := h.marked(); !slices.Equal(got, []string{"bulk-block", "bulk-crit", "bulk-new"}) {
		t.Errorf("still marked %v, want those left out", got)
	}
	if !slices.Equal(h.traced, []string{"bulk-start 6", "bulk-done 6"}) {
		t.Errorf("traced %v", h.traced)
	}
	h.press("esc")
	h.wantState(stateList)
	h.wantStatus(statusInfo, "Bulk approve: 6 approved, 2 refused by finding, 1 not decoded yet (still marked).")
}

func sameElements(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Each critical request is included only once its name is typed, as a single
// approval asks; a wrong name includes nothing, tab leaves it out.
func TestBulkCriticalNeedsItsName(t *testing.T) {
	ss := append(bulkSummaries(), pendingSummary("bulk-crit2", "example.com/any", "mallory", 9*time.Minute, masters))
	certs.Sort(ss)
	h := newHarness(t, 120, 40, ss)
	h.markBulk()
	h.press("A")
	h.run(h.press("y")) // y first: the critical ones stay out
	if h.dec.names() == nil {
		t.Fatal("y approved nothing")
	}
	h.press("esc")
	h.dec.calls = nil

	for _, n := range []string{"bulk-a1", "bulk-a2", "bulk-a3", "bulk-b1", "bulk-b2", "bulk-c1"} {
		h.send(snapshotMsg{summaries: slices.DeleteFunc(slices.Clone(h.src.ss), func(s *certs.Summary) bool { return s.Name == n })})
	}
	// The critical ones alone: nothing to approve without their names.
	h.press("A")
	h.wantView("Nothing to approve: every request is left out.", "2 critical requests: left out unless you type each name")
	if h.press("y"); h.dec.names() != nil {
		t.Fatal("y approved with nothing ready")
	}
	h.press("enter")
	h.wantView("Critical 1 of 2: approve it too?", "CSR        bulk-crit ", "O=system:masters: the certificate would be cluster-admin",
		"A critical finding: type the CSR's name to approve it with the rest.")
	h.typeText("bulk-cri")
	h.press("enter")
	h.wantView("That is not the CSR's name.", "Critical 1 of 2")
	h.press("backspace", "backspace", "backspace")
	h.typeText("crit")
	h.press("enter")
	h.wantView("Critical 2 of 2", "CSR        bulk-crit2")
	h.press("tab") // left out
	h.wantView("1 of 2 critical requests named: included; the rest are left out.", "y approves 1.")
	h.run(h.press("y"))
	if got := h.dec.names(); !slices.Equal(got, []string{"bulk-crit"}) {
		t.Fatalf("approved %v, want bulk-crit alone", got)
	}
	h.wantView("1  approved", "2  refused by finding") // bulk-crit2, and the block
}

// A critical finding that appears after the plan was shown refuses the
// request when its turn comes; one whose name was typed is refused when its
// critical findings changed.
func TestBulkRunChecksEachTurn(t *testing.T) {
	var ss []*certs.Summary
	for i := range 40 {
		ss = append(ss, pendingSummary(fmt.Sprintf("bulk-%02d", i), clientSigner, fmt.Sprintf("user-%d", i%3), time.Duration(i+1)*time.Minute))
	}
	certs.Sort(ss)
	h := newHarness(t, 120, 40, ss)
	h.press("*", "A")
	if len(h.bulkConfirm().plan.items) != 40 {
		t.Fatal("plan")
	}
	// y: bulkConcurrency go out at once, no more.
	msgs := h.deliverLater(h.press("y"))
	r := h.bulkRun()
	if len(msgs) != bulkConcurrency || r.inFlight != bulkConcurrency || len(h.dec.calls) != bulkConcurrency {
		t.Fatalf("%d results on their way, %d calls, want %d", len(msgs), len(h.dec.calls), bulkConcurrency)
	}
	h.wantView("Approving 40 requests…", "0 of 40 done, 16 at a time. esc stops starting more.", "0%")

	// While they are on their way the list changes under the rest.
	sent := map[string]bool{}
	for _, n := range h.dec.names() {
		sent[n] = true
	}
	var later []string
	for _, t := range r.targets {
		if !sent[t.name] {
			later = append(later, t.name)
		}
	}
	next := slices.Clone(ss)
	next = swapped(t, next, later[0], impostor)
	next = slices.DeleteFunc(next, func(s *certs.Summary) bool { return s.Name == later[1] })
	next = swapped(t, next, later[2], func(s *certs.Summary) {
		s.State, s.Condition = certs.StateDenied, "Denied"
		s.Conditions = []certs.Condition{{Type: "Denied", Status: "True", Reason: "KubectlDeny", LastUpdate: testNow.Add(-time.Second)}}
	})
	next = swapped(t, next, later[3], func(s *certs.Summary) { s.Findings = []certs.Finding{masters} })
	h.send(snapshotMsg{summaries: next})
	// And the cluster answers some of those sent.
	h.dec.alreadyFor = map[string]*certs.Decided{later[4]: {Type: "Approved", Reason: "KubectlApprove", At: testNow.Add(-2 * time.Second)}}
	h.dec.errFor = map[string]error{
		later[5]: wordedError{`may not approve: csrtui needs approve on signers "kubernetes.io/kube-apiserver-client"`, apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), later[5], errors.New("no"))},
		later[6]: wordedError{"it was deleted", apierrors.NewNotFound(certificatesv1.Resource("certificatesigningrequests"), later[6])},
		later[7]: fmt.Errorf("%q was replaced: %w", later[7], certs.ErrReplaced),
		later[8]: errors.New("the apiserver did not answer in time"),
	}
	h.deliverAll(msgs)
	for _, n := range later[:4] {
		for _, c := range h.dec.names() {
			if c == n {
				t.Errorf("%s was sent after the list said it must not be", n)
			}
		}
	}
	h.wantView("Approved 31 of 40 requests", "31  approved", "2  replaced", "2  already decided", "1  refused by finding",
		"1  forbidden: missing rule", "2  gone", "1  error")
	if len(h.dec.calls) != 36 {
		t.Errorf("%d calls, want the 36 nothing stood in the way of", len(h.dec.calls))
	}

	// Each line opens to its names, with why.
	lines := h.bulkRun().summaryLines()
	for i, l := range lines {
		if l.kind == resultAlready {
			h.bulkRun().cursor = i
		}
	}
	h.press("enter")
	h.wantView(later[2]+": denied 1s ago (KubectlDeny)", later[4]+": approved 2s ago (KubectlApprove)")
	h.press("left")
	if strings.Contains(h.view(), later[2]+": denied") {
		t.Fatal("← did not hide the names")
	}
}

// deliverLater runs cmd's batch and returns the messages it made, undelivered:
// the requests on their way.
func (h *harness) deliverLater(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, h.deliverLater(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// deliverAll delivers msgs, and what each starts, until nothing is left.
func (h *harness) deliverAll(msgs []tea.Msg) {
	for len(msgs) > 0 {
		msg := msgs[0]
		msgs = append(msgs[1:], h.deliverLater(h.send(msg))...)
	}
}

// esc, or ctrl+c, stops starting requests: those on their way finish, the
// rest are counted not started and marked again. A second ctrl+c ends the
// console.
func TestBulkRunStops(t *testing.T) {
	for _, stopKey := range []string{"esc", "ctrl+c"} {
		t.Run(stopKey, func(t *testing.T) {
			var ss []*certs.Summary
			for i := range 40 {
				ss = append(ss, pendingSummary(fmt.Sprintf("bulk-%02d", i), clientSigner, "alice", time.Duration(i+1)*time.Minute))
			}
			h := newHarness(t, 120, 40, ss)
			h.press("*", "A")
			msgs := h.deliverLater(h.press("y"))
			if cmd := h.press(stopKey); cmd != nil {
				t.Fatalf("%s during the run answered a command (%T): it must not end the console", stopKey, cmd())
			}
			h.wantView("Stopping…", "Waiting for the 16 on their way; nothing more starts.")
			h.deliverAll(msgs)
			if len(h.dec.calls) != bulkConcurrency {
				t.Fatalf("%d decisions after the stop, want the %d on their way", len(h.dec.calls), bulkConcurrency)
			}
			h.wantView("Stopped: 16 approved", "24 not started.", "16  approved", "24  not started (still marked)")
			if len(h.m.marks) != 24 {
				t.Errorf("%d marked after the stop, want the 24 not started", len(h.m.marks))
			}
			if !slices.Equal(h.traced, []string{"bulk-start 40", "bulk-done 16"}) {
				t.Errorf("traced %v", h.traced)
			}
			if cmd := h.press("ctrl+c"); cmd == nil {
				t.Fatal("ctrl+c after the run did not end the console")
			} else if _, ok := cmd().(tea.InterruptMsg); !ok {
				t.Fatal("ctrl+c after the run did not interrupt")
			}
		})
	}
}

// --readonly and permissions: A is refused, or each request csrtui may not
// approve for its signer is left out with the rule it lacks.
func TestBulkRespectsReadOnlyAndPermissions(t *testing.T) {
	h := newHarnessWith(t, 120, 40, bulkSummaries(), func(_ *harness, cfg *Config) { cfg.ReadOnly = true })
	h.markBulk()
	h.wantView("A/D ✗ read-only (--readonly)")
	h.press("A")
	h.wantState(stateList)
	h.wantStatus(statusErr, "Approving is disabled: read-only (--readonly).")
	h.press("D")
	h.wantStatus(statusErr, "Denying is disabled: read-only (--readonly).")

	h = newHarnessWith(t, 120, 40, bulkSummaries(), withPermissions("approve on signers example.com/*", "approve on signers example.com/ci"))
	h.markBulk()
	h.press("A")
	h.wantView("1 left out, forbidden: needs approve on signers example.com/*", "y approves 5.")
	h.run(h.press("y"))
	if slices.Contains(h.dec.names(), "bulk-c1") || len(h.dec.calls) != 5 {
		t.Fatalf("approved %v", h.dec.names())
	}
	h.wantView("1  forbidden: missing rule")
}

// D denies every marked request csrtui may deny with one reason, whatever
// their findings; a reason that could fool a requester is refused first.
func TestBulkDeny(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.markBulk()
	h.press("D")
	p := h.prompt()
	h.wantView("Deny 9 marked requests", "The reason is recorded on the Denied condition of each",
		"kube-apiserver-client · alice", "example.com/any · mallory")
	h.typeText("not ours\u202e")
	h.press("enter")
	h.wantView("Not sent: ")
	if h.dec.calls != nil || h.prompt() != p {
		t.Fatal("a refused reason was sent")
	}
	h.press("backspace")
	h.run(h.press("enter"))
	if len(h.dec.calls) != 9 {
		t.Fatalf("%d denials, want the 9 marked", len(h.dec.calls))
	}
	for _, c := range h.dec.calls {
		if c.approve || c.message != "not ours" || c.uid != "uid-"+c.name {
			t.Errorf("decision %+v", c)
		}
	}
	h.wantView("Denied 9 of 9 requests", "9  denied")
	if len(h.m.marks) != 0 {
		t.Errorf("still marked: %v", h.marked())
	}
}

// x deletes the superseded requests in view, each by name and UID; the live
// one is kept, and one that is no longer superseded when its turn comes too.
func TestDeleteSuperseded(t *testing.T) {
	ss := backlogSummaries()
	h := newHarness(t, 120, 40, ss)
	h.wantView("x delete 2 superseded")
	h.press("x")
	h.wantView("Delete 2 superseded requests?", "2  kube-apiserver-client-kubelet · system:node:x  live: csr-node-x-3",
		"The live requests are kept", "y deletes 2.")
	h.run(h.press("y"))
	if got := h.del.calls; !sameElements(got, []string{"csr-node-x/uid-csr-node-x", "csr-node-x-2/uid-csr-node-x-2"}) {
		t.Fatalf("deleted %v", got)
	}
	h.wantView("Deleted 2 of 2 requests", "2  deleted")
	h.press("esc")

	// The list changes while the dialog is open: it shows what y does now.
	h = newHarness(t, 120, 40, ss)
	h.press("x")
	approved := swapped(t, ss, "csr-node-x-3", func(s *certs.Summary) { s.State, s.Condition = certs.StateApproved, "Approved" })
	h.send(snapshotMsg{summaries: approved})
	h.wantView("Delete 1 superseded request?", "live: csr-node-x-2", "The list changed while this was open: this is what y does now.")

	// Each is checked again when its turn comes: gone already, or no longer
	// superseded (the live one was approved, so the newest pending one is
	// live now), it is not deleted.
	var many []*certs.Summary
	for i := range 21 {
		s := *ss[0]
		for _, x := range ss {
			if x.Name == "csr-node-x-3" {
				s = *x
			}
		}
		s.Name, s.UID, s.Created = fmt.Sprintf("node-%02d", i), fmt.Sprintf("uid-node-%02d", i), testNow.Add(-time.Duration(21-i)*time.Hour)
		many = append(many, &s)
	}
	certs.Sort(many)
	h = newHarness(t, 120, 40, many)
	h.del.goneOf = map[string]bool{"node-00": true}
	h.press("x")
	h.wantView("Delete 20 superseded requests?", "live: node-20")
	msgs := h.deliverLater(h.press("y"))
	if len(h.del.calls) != bulkConcurrency || h.del.calls[0] != "node-00/uid-node-00" {
		t.Fatalf("deletes sent first: %v, want the %d oldest", h.del.calls, bulkConcurrency)
	}
	h.send(snapshotMsg{summaries: swapped(t, many, "node-20", func(s *certs.Summary) { s.State, s.Condition = certs.StateApproved, "Approved" })})
	h.deliverAll(msgs)
	if got := h.del.calls; len(got) != 19 || slices.Contains(got, "node-19/uid-node-19") || slices.Contains(got, "node-20/uid-node-20") {
		t.Fatalf("deleted %v: want node-00 to node-18, never node-19 (live now) nor node-20", got)
	}
	h.wantView("Deleted 18 of 20 requests", "18  deleted", "1  already gone", "1  no longer superseded (kept)")
	h.press("esc")

	// Hidden in the live view; filtered out, not counted.
	h = newHarness(t, 120, 40, ss)
	h.press("/")
	h.typeText("x-2")
	h.press("enter")
	h.wantView("x delete 1 superseded")
	h.press("tab", "tab")
	if strings.Contains(h.view(), "superseded •") {
		t.Fatalf("x offered in the live view:\n%s", h.view())
	}
}

// A delete is bound to the version of the request last seen pending and
// superseded: a request that changed since (decided meanwhile by someone
// else) is kept, and the summary says so. The version follows the list while
// the request is still superseded in it, during the run too.
func TestDeleteSupersededIsBoundToTheVersion(t *testing.T) {
	ss := backlogSummaries()
	var live certs.Summary
	for _, x := range ss {
		if x.Name == "csr-node-x-3" {
			live = *x
		}
	}
	var many []*certs.Summary
	for i := range 21 {
		s := live
		s.Name, s.UID, s.Created = fmt.Sprintf("node-%02d", i), fmt.Sprintf("uid-node-%02d", i), testNow.Add(-time.Duration(21-i)*time.Hour)
		s.ResourceVersion = fmt.Sprintf("%d", 100+i)
		many = append(many, &s)
	}
	certs.Sort(many)
	h := newHarness(t, 200, 40, many)
	h.press("x")
	h.wantView("Delete 20 superseded requests?")
	// Before y, one changes in a way that keeps it superseded (a new
	// annotation): the dialog follows the list.
	many = swapped(t, many, "node-00", func(s *certs.Summary) { s.ResourceVersion = "70" })
	h.send(snapshotMsg{summaries: many})
	h.del.errFor = map[string]error{"node-01": fmt.Errorf(`"node-01" changed since csrtui listed it (now Approved): nothing was deleted: %w`, certs.ErrChanged)}
	msgs := h.deliverLater(h.press("y"))
	if len(h.del.calls) != bulkConcurrency {
		t.Fatalf("deletes sent first: %v, want %d", h.del.calls, bulkConcurrency)
	}
	// During the run, one not sent yet changes the same way.
	many = swapped(t, many, "node-18", func(s *certs.Summary) { s.ResourceVersion = "77" })
	h.send(snapshotMsg{summaries: many})
	h.deliverAll(msgs)
	want := map[string]string{}
	for _, s := range many {
		want[s.Name+"/"+s.UID] = s.ResourceVersion
	}
	if len(h.del.calls) != 20 {
		t.Fatalf("deletes %v, want 20", h.del.calls)
	}
	for i, c := range h.del.calls {
		if h.del.versions[i] != want[c] {
			t.Errorf("delete of %s bound to version %q, want %q", c, h.del.versions[i], want[c])
		}
	}
	h.wantView("Deleted 19 of 20 requests", "19  deleted", "1  no longer superseded (kept)")
	h.press("down", "enter")
	h.wantView(`node-01: "node-01" changed since csrtui`)
}

// Without delete on certificatesigningrequests, or read-only, x is shown
// disabled with why, and refuses.
func TestDeleteSupersededNeedsThePermission(t *testing.T) {
	h := newHarnessWith(t, 120, 40, backlogSummaries(), withPermissions("delete on certificatesigningrequests"))
	h.wantView("x ✗ needs delete on certificatesigningrequests")
	h.press("x")
	h.wantState(stateList)
	h.wantStatus(statusErr, "Deleting superseded requests is disabled: needs delete on certificatesigningrequests.")

	h = newHarnessWith(t, 120, 40, backlogSummaries(), func(_ *harness, cfg *Config) { cfg.ReadOnly = true })
	h.wantView("x ✗ read-only (--readonly)")
	if len(h.del.calls) != 0 {
		t.Fatal("deleted")
	}
}

// The bulk dialogs fit every terminal, 40x12 included, or refuse to act.
func TestBulkDialogsFit(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {80, 24}, {200, 60}} {
		h := newHarness(t, size[0], size[1], bulkSummaries())
		h.markBulk()
		for _, step := range []struct {
			name string
			do   func()
		}{
			{"marked", func() {}},
			{"confirm", func() { h.press("A") }},
			{"naming", func() { h.press("enter") }},
			{"back", func() { h.press("esc") }},
			{"run", func() { h.run(h.press("y")) }},
			{"names", func() { h.press("enter") }},
		} {
			step.do()
			checkFrame(t, step.name, h.view(), size[0], size[1])
		}
	}
}

// Each request of a bulk run is recorded as a single decision or delete is:
// its line, with the findings shown and the outcome, right after it; an
// approval waits for its certificate like a single one; a line the record
// missed is counted and said.
func TestBulkRunsAreRecorded(t *testing.T) {
	rec := &fakeRecorder{}
	h := newRecordedHarness(t, 120, 40, bulkSummaries(), rec)
	h.markBulk()
	h.dec.alreadyFor = map[string]*certs.Decided{"bulk-a3": {Type: "Approved", Reason: "KubectlApprove", At: testNow.Add(-time.Second)}}
	h.press("A")
	h.run(h.press("y"))
	got := map[string]certs.RecordEntry{}
	for _, e := range rec.entries() {
		got[e.Name] = e
	}
	if len(got) != 6 {
		t.Fatalf("%d lines for 6 approvals: %v", len(rec.entries()), rec.lines())
	}
	for name, e := range got {
		want := certs.OutcomeOK
		if name == "bulk-a3" {
			want = certs.OutcomeAlready
		}
		if e.Action != certs.RecordApprove || e.UID != "uid-"+name || e.Message != approveMessage || e.Outcome != want {
			t.Errorf("%s: %+v", name, e)
		}
	}
	if fs := got["bulk-b1"].Findings; len(fs) != 1 || fs[0].ID != certs.FindingLongLived {
		t.Errorf("bulk-b1's line holds the findings %+v, want long-lived", fs)
	}
	if len(h.m.rec.awaiting) != 5 {
		t.Errorf("%d approvals wait for their certificate, want the 5 written", len(h.m.rec.awaiting))
	}
	h.press("esc")

	// Denials and deletes too; a line the record misses is said.
	rec.err = errors.New("disk full")
	h.press("D")
	h.run(h.press("enter"))
	h.wantView("Denied 3 of 3 requests", "The record missed 3 lines.")
	if h.m.rec.lost != 3 {
		t.Errorf("%d lines lost, want 3", h.m.rec.lost)
	}
	rec.err = nil
	h = newRecordedHarness(t, 120, 40, backlogSummaries(), rec)
	h.press("x")
	h.run(h.press("y"))
	var deletes []string
	for _, e := range rec.entries() {
		if e.Action == certs.RecordDelete && e.Outcome == certs.OutcomeOK {
			deletes = append(deletes, e.Name+"/"+e.UID)
		}
	}
	if !sameElements(deletes, []string{"csr-node-x/uid-csr-node-x", "csr-node-x-2/uid-csr-node-x-2"}) {
		t.Errorf("delete lines %v", deletes)
	}
}

// Marks outlive a filter: the dialog says how many of the marked requests
// the list behind it does not show.
func TestBulkSaysWhatTheFilterHides(t *testing.T) {
	h := newHarness(t, 120, 40, bulkSummaries())
	h.markBulk()
	h.press("A")
	if strings.Contains(h.view(), "hidden in the list") {
		t.Fatalf("nothing is hidden, yet:\n%s", h.view())
	}
	h.press("esc", "/")
	h.typeText("bulk-a1")
	h.press("enter", "A")
	h.wantView("8 of them hidden in the list now (filter or tab): marked before.")
}

// A y pressed within slipGuard of the dialog coming to approve more (a
// request decoded meanwhile) was pressed before the admin could read it: it
// only asks to look again, and the next y approves what the dialog shows.
// A y pressed later approves at once.
func TestBulkYJustAfterMoreBecameReadyLooksAgain(t *testing.T) {
	for _, wait := range []time.Duration{0, slipGuard} {
		h := newHarness(t, 120, 40, bulkSummaries())
		h.markBulk()
		h.press("A")
		h.wantView("y approves 6.")
		decoded := swapped(t, bulkSummaries(), "bulk-new", func(s *certs.Summary) {
			*s = *pendingSummary("bulk-new", clientSigner, "dave", 30*time.Second)
		})
		h.send(snapshotMsg{summaries: decoded})
		h.wantView("y approves 7.")
		h.clock = h.clock.Add(wait)
		h.run(h.press("y"))
		if wait < slipGuard {
			if len(h.dec.calls) != 0 {
				t.Fatalf("a y pressed as bulk-new became ready approved %v", h.dec.names())
			}
			h.wantView("More became ready as y was pressed: look again, then y.", "y approves 7.")
			h.run(h.press("y"))
		}
		if got := h.dec.names(); len(got) != 7 || !slices.Contains(got, "bulk-new") {
			t.Fatalf("wait %v: approved %v, want the 7 shown", wait, got)
		}
	}
}
