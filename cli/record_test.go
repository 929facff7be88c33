package cli

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/csrtui/csrtui/certs"
)

// fakeRecorder keeps the record in memory.
type fakeRecorder struct {
	mu       sync.Mutex
	entries  []certs.RecordEntry
	checkErr error
	err      error // every Record fails with it
}

func (f *fakeRecorder) Check() error { return f.checkErr }

func (f *fakeRecorder) Record(_ context.Context, e certs.RecordEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	// What a line holds, exactly as it would be read back.
	line, err := certs.MarshalRecordLine(e)
	if err != nil {
		return err
	}
	f.entries = append(f.entries, certs.ParseRecord(line, false).Entries...)
	return nil
}

// summary is each entry as "action name outcome [detail]".
func (f *fakeRecorder) summary() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.entries {
		s := string(e.Action) + " " + e.Name + " " + string(e.Outcome)
		if e.Detail != "" {
			s += " [" + e.Detail + "]"
		}
		out = append(out, s)
	}
	return out
}

func recorded(f *fakeCluster, r *fakeRecorder) *Deps {
	d := deps(f)
	d.Recorder = func() (Recorder, error) { return r, nil }
	return d
}

func TestApproveAndDenyAreRecorded(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t))
	r := &fakeRecorder{}
	_, _, code := run(t, recorded(f, r), "approve", "jane-laptop", "break-glass", "erin-dashboard", "nobody", "--message", "OPS-1")
	if code != ExitNotAsAsked {
		t.Fatalf("exit %d", code)
	}
	want := []string{
		"approve jane-laptop ok",
		"approve break-glass refused [critical finding masters: O=system:masters: the certificate would be cluster-admin beyond RBAC's reach (--force approves it anyway)]",
		"approve erin-dashboard already [approved at 2026-03-04T11:59:00Z (Test)]",
		`approve nobody refused [certificatesigningrequests.certificates.k8s.io "nobody" not found]`,
	}
	if got := r.summary(); !slices.Equal(got, want) {
		t.Errorf("record:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	jane := r.entries[0]
	if jane.UID != "uid-jane-laptop" || jane.Message != "OPS-1" || jane.Requester.Username != "jane" || jane.Subject == nil ||
		jane.Subject.CommonName != "jane" || !slices.Equal(jane.Subject.Organizations, []string{"dev"}) || jane.Certificate != nil {
		t.Errorf("jane's line: %+v", jane)
	}
	// The findings as the admin was shown them, what the identity could do included.
	if !slices.ContainsFunc(r.entries[1].Findings, func(f certs.RecordFinding) bool { return f.ID == certs.FindingMasters && f.Severity == "critical" }) {
		t.Errorf("break-glass findings %v", r.entries[1].Findings)
	}

	r = &fakeRecorder{}
	if _, _, code := run(t, recorded(f, r), "approve", "break-glass", "--force", "--message", "incident 4711"); code != ExitOK {
		t.Fatalf("force: exit %d", code)
	}
	if got := r.summary(); !slices.Equal(got, []string{"approve break-glass ok [despite critical finding masters]"}) {
		t.Errorf("forced: %q", got)
	}

	f = newFakeCluster(janeLaptop(t))
	r = &fakeRecorder{}
	if _, _, code := run(t, recorded(f, r), "deny", "jane-laptop", "--message", "not yours"); code != ExitOK {
		t.Fatalf("deny: exit %d", code)
	}
	if len(r.entries) != 1 || r.entries[0].Action != certs.RecordDeny || r.entries[0].Outcome != certs.OutcomeOK || r.entries[0].Message != "not yours" {
		t.Errorf("deny: %+v", r.entries)
	}
}

// A decision the cluster took but the record missed says exactly that, and
// the command fails; a record that can't be kept stops a command before it
// acts.
func TestRecordFailures(t *testing.T) {
	f := newFakeCluster(janeLaptop(t))
	r := &fakeRecorder{err: errors.New("record /state/decisions.jsonl: no space left on device")}
	out, errOut, code := run(t, recorded(f, r), "approve", "jane-laptop")
	if want := "jane-laptop: approved (not recorded: record /state/decisions.jsonl: no space left on device)\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if want := "csrtui: 1 of 1 results above are as they say, but the record was not written: record /state/decisions.jsonl: no space left on device\n"; errOut != want || code != ExitError {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if got := f.decisions(); len(got) != 1 {
		t.Errorf("decisions %q: the approval was made", got)
	}

	f = newFakeCluster(janeLaptop(t), erinIssued(t))
	r = &fakeRecorder{checkErr: errors.New("can't keep the record: record /x is a symbolic link: csrtui appends only to a regular file (--log FILE names another file, --log= keeps none)")}
	for _, args := range [][]string{
		{"approve", "jane-laptop"},
		{"deny", "jane-laptop"},
		{"export", "erin-dashboard", "-o", "-"},
		{"request", "--cn", "jane", "--out", t.TempDir()},
	} {
		_, errOut, code := run(t, recorded(f, r), args...)
		if code != ExitError || !strings.Contains(errOut, "is a symbolic link") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q", args[0], code, errOut)
		}
	}
	if calls := f.callLog(); calls != "" {
		t.Errorf("the cluster was asked: %s", calls)
	}
	// Read-only commands keep no record, and don't care.
	if _, _, code := run(t, recorded(f, r), "describe", "jane-laptop"); code != ExitOK {
		t.Errorf("describe: exit %d", code)
	}

	// An export whose record fails says the file was written.
	t.Chdir(t.TempDir())
	r = &fakeRecorder{err: errors.New("disk full")}
	out, errOut, code = run(t, recorded(f, r), "export", "erin-dashboard")
	if out != "erin-dashboard.crt\n" || code != ExitError ||
		errOut != "csrtui: wrote the certificate of \"erin-dashboard\", but the record was not written: disk full\n" {
		t.Errorf("export: exit %d, %q %q", code, out, errOut)
	}
}

func TestExportIsRecordedWithItsCertificate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := newFakeCluster(erinIssued(t), janeLaptop(t))
	r := &fakeRecorder{}
	if _, _, code := run(t, recorded(f, r), "export", "erin-dashboard", "--write-kubeconfig", "erin.kubeconfig"); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if _, _, code := run(t, recorded(f, r), "export", "jane-laptop"); code != ExitNotAsAsked {
		t.Fatalf("pending: exit %d", code)
	}
	if len(r.entries) != 2 {
		t.Fatalf("%d lines", len(r.entries))
	}
	e := r.entries[0]
	want, err := certs.ParseCertificate(f.csrs["erin-dashboard"].Status.Certificate, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Action != certs.RecordExport || e.Outcome != certs.OutcomeOK || e.Certificate == nil ||
		e.Certificate.SHA256 != want.SHA256 || e.Certificate.User != "erin" || !slices.Equal(e.Certificate.Groups, []string{"dev"}) ||
		!e.Certificate.NotAfter.Equal(want.NotAfter) ||
		!slices.Equal(e.Files, []string{filepath.Join(dir, "erin-dashboard.crt"), filepath.Join(dir, "erin.kubeconfig")}) {
		t.Errorf("export line %+v", e)
	}
	if e := r.entries[1]; e.Outcome != certs.OutcomeRefused || e.Certificate != nil || !strings.Contains(e.Detail, "has no certificate") {
		t.Errorf("pending export %+v", e)
	}
}

func TestRequestIsRecorded(t *testing.T) {
	dir := t.TempDir()
	f := newFakeCluster()
	f.wait = approveAndIssue(t)
	r := &fakeRecorder{}
	if _, errOut, code := run(t, recorded(f, r), "request", "--cn", "jane", "--org", "dev", "--out", dir); code != ExitOK {
		t.Fatalf("exit %d %s", code, errOut)
	}
	name := f.created[0].Name
	got := r.summary()
	if !slices.Equal(got, []string{"create " + name + " ok", "issued " + name + " ok"}) {
		t.Fatalf("record %q", got)
	}
	issued := r.entries[1]
	crt := assertFile(t, filepath.Join(dir, name+".crt"), "", 0o644)
	c, err := certs.ParseCertificate([]byte(crt), nil)
	if err != nil {
		t.Fatal(err)
	}
	if issued.Certificate == nil || issued.Certificate.SHA256 != c.SHA256 || issued.Certificate.User != "jane" ||
		!slices.Contains(issued.Files, filepath.Join(dir, name+".crt")) {
		t.Errorf("issued line %+v", issued)
	}

	// A creation the record missed fails the command at its end.
	f = newFakeCluster()
	f.wait = approveAndIssue(t)
	r = &fakeRecorder{err: errors.New("disk full")}
	_, errOut, code := run(t, recorded(f, r), "request", "--cn", "jane", "--out", t.TempDir())
	if code != ExitError || !strings.HasSuffix(errOut, " is issued and written, but the record was not written: disk full\n") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
