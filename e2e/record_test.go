package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"
	"github.com/csrtui/csrtui/e2e/schema"
)

// recordLines reads the record as a program would: one JSON object per
// line. It fails the test on a line that holds anything but printable
// ASCII, and returns the lines that are not csrtui's separately.
func recordLines(t *testing.T, path string) (entries []certs.RecordEntry, others []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("the record does not end with a newline")
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e certs.RecordEntry
		if err := json.Unmarshal(line, &e); err != nil || e.APIVersion != "csrtui/v1" || e.Kind != "RecordEntry" {
			others = append(others, string(line))
			continue
		}
		for _, c := range line {
			if c < 0x20 || c >= 0x7f {
				t.Errorf("a line of the record holds byte %#x: %s", c, line)
				break
			}
		}
		entries = append(entries, e)
	}
	return entries, others
}

// waitForRecord waits until the record holds a line that satisfies cond.
func waitForRecord(t *testing.T, path, what string, cond func(certs.RecordEntry) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, waitTimeout, true, func(context.Context) (bool, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return false, nil
		}
		return slices.ContainsFunc(certs.ParseRecord(data, false).Entries, cond), nil
	})
	if err != nil {
		t.Fatalf("the record never held %s: %v", what, err)
	}
}

// opensslFingerprint is what openssl says of the certificate in file.
func opensslFingerprint(t *testing.T, file string) string {
	t.Helper()
	out := command(t, filepath.Dir(file), "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", file)
	fp, ok := strings.CutPrefix(strings.TrimSpace(out), "sha256 Fingerprint=")
	if !ok {
		t.Fatalf("openssl x509 -fingerprint: %q", out)
	}
	return fp
}

// A scripted session, in the console and with the commands, on the real
// control plane: the record then holds exactly the actions taken, each with
// who took it, and the certificates with the fingerprints openssl reads in
// the files exported.
func TestRecordAfterAScriptedSession(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	dir := t.TempDir()
	log := filepath.Join(dir, "state", "csrtui", "decisions.jsonl")
	// A record some other program, or a crash, left lines in that csrtui
	// can't read: the last one cut short.
	if err := os.MkdirAll(filepath.Dir(log), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(log, []byte("not json at all\n{\"apiVersion\":\"csrtui/v1\",\"kind\":\"RecordEn"), 0o600); err != nil {
		t.Fatal(err)
	}

	createClientCSR(t, client, "rec-tui-ann", "rec-ann", "dev")
	createClientCSR(t, client, "rec-tui-bob", "rec-bob")
	createClientCSR(t, client, "rec-cli-cat", "rec-cat", "ops")
	createClientCSR(t, client, "rec-cli-dan", "rec-dan")
	hostile := "rec-cli-\x1b[31mred\u202e"
	createClientCSR(t, client, hostile, "rec-red")
	userRequest(t, dir, "rec-eve", "qa")

	// The console: approve (and its certificate, once issued), export, deny, create.
	term := startTerminal(t, 200, 50, dir, []string{"KUBECONFIG=" + cp.AdminKubeconfig}, csrtuiBinary(t), "--log", log)
	term.waitForText("rec-tui-ann", "rec-tui-bob")
	term.focus("rec-tui-ann")
	term.keys("a")
	term.waitForText("Approve this certificate signing request?", "y approve")
	term.keys("y")
	waitForCSR(t, client, "rec-tui-ann", "issued", func(c *certv1.CertificateSigningRequest) bool { return len(c.Status.Certificate) > 0 })
	term.waitForText("Approved,Issued")
	waitForRecord(t, log, "the certificate of rec-tui-ann", func(e certs.RecordEntry) bool {
		return e.Action == certs.RecordIssued && e.Name == "rec-tui-ann"
	})
	term.keys("e")
	term.waitForText("Write the PEM certificate to:", "./rec-tui-ann.crt")
	term.keys("Enter")
	term.waitForText("Wrote the certificate of")
	term.keys("Escape")
	term.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "filter:") })
	term.focus("rec-tui-bob")
	term.keys("d")
	term.waitForText("Deny rec-tui-bob")
	term.typeText("not on the roster")
	term.keys("Enter")
	waitForCSR(t, client, "rec-tui-bob", "denied", func(c *certv1.CertificateSigningRequest) bool { return condition(c, certv1.CertificateDenied) != nil })
	term.keys("n")
	term.waitForText("New certificate signing request", "Request file")
	term.typeText("rec-eve.csr")
	term.keys("Enter")
	term.waitForText("rec-eve.csr: CN=rec-eve, O=qa")
	term.keys("Enter", "Enter", "Enter", "Enter")
	term.waitForText("Create this certificate signing request?", "y create")
	term.keys("y")
	term.waitForText("Created rec-eve")

	// The commands: approve, export, deny, a request a user makes and an
	// approval of it, a name made to fool a terminal.
	admin := cp.AdminKubeconfig
	if res := cliRun(t, admin, "approve", "rec-cli-cat", "--log", log); res.code != 0 {
		t.Fatalf("approve: exit %d %s", res.code, res.stderr)
	}
	waitForCSR(t, client, "rec-cli-cat", "issued", func(c *certv1.CertificateSigningRequest) bool { return len(c.Status.Certificate) > 0 })
	cliCrt := filepath.Join(dir, "cat.crt")
	if res := cliRun(t, admin, "export", "rec-cli-cat", "-o", cliCrt, "--log", log); res.code != 0 {
		t.Fatalf("export: exit %d %s", res.code, res.stderr)
	}
	if res := cliRun(t, admin, "deny", "rec-cli-dan", "--message", "no", "--log", log); res.code != 0 {
		t.Fatalf("deny: exit %d %s", res.code, res.stderr)
	}
	fayDir := filepath.Join(dir, "fay")
	if err := os.Mkdir(fayDir, 0o700); err != nil {
		t.Fatal(err)
	}
	fayKubeconfig := requester(t, cp, "rec-fay", "rec-fay-req")
	req := cliStart(t, fayKubeconfig, "request", "--cn", "rec-fay", "--name", "rec-fay-req", "--out", fayDir, "--wait", "1m", "--log", log)
	waitForRecord(t, log, "the creation of rec-fay-req", func(e certs.RecordEntry) bool {
		return e.Action == certs.RecordCreate && e.Name == "rec-fay-req"
	})
	if res := cliRun(t, admin, "approve", "rec-fay-req", "--log", log); res.code != 0 {
		t.Fatalf("approve rec-fay-req: exit %d %s", res.code, res.stderr)
	}
	if res := req.wait(t); res.code != 0 {
		t.Fatalf("request: exit %d %s", res.code, res.stderr)
	}
	if res := cliRun(t, admin, "approve", hostile, "--log", log); res.code != 0 {
		t.Fatalf("approve %q: exit %d %s", hostile, res.code, res.stderr)
	}

	// L: the record, newest first, and the certificates still valid.
	term.keys("Escape")
	term.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "filter:") })
	term.keys("L")
	term.waitForText("record: 12 lines, newest first · 2 lines unreadable", `rec-cli-\x1b[31mred\u202e`)
	term.keys("Tab")
	screen := term.waitForText("still valid:", "group dev", "group ops", "rec-ann", "rec-cat")
	if strings.ContainsAny(screen, "\x1b\u202e") {
		t.Fatalf("the record's text reached the screen raw:\n%s", screen)
	}
	term.keys("q")

	// Every line follows the README's example, field by field.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented, err := schema.Example(readme, "record line")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[2:] { // after the garbage
		if problems, err := schema.Problems([]byte(line), documented); err != nil || len(problems) > 0 {
			t.Errorf("a line does not follow the README (%v):\n%s\n%s", err, line, strings.Join(problems, "\n"))
		}
	}

	entries, others := recordLines(t, log)
	type act struct{ action, name, outcome string }
	var got []act
	for _, e := range entries {
		got = append(got, act{string(e.Action), e.Name, string(e.Outcome)})
	}
	want := []act{
		{"approve", "rec-tui-ann", "ok"},
		{"issued", "rec-tui-ann", "ok"},
		{"export", "rec-tui-ann", "ok"},
		{"deny", "rec-tui-bob", "ok"},
		{"create", "rec-eve", "ok"},
		{"approve", "rec-cli-cat", "ok"},
		{"export", "rec-cli-cat", "ok"},
		{"deny", "rec-cli-dan", "ok"},
		{"create", "rec-fay-req", "ok"},
		{"approve", "rec-fay-req", "ok"},
		{"issued", "rec-fay-req", "ok"},
		{"approve", hostile, "ok"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the record holds\n%q\nwant\n%q", got, want)
	}
	// The lines it could not read are still there, untouched: the record is
	// only ever appended to.
	if !slices.Equal(others, []string{"not json at all", `{"apiVersion":"csrtui/v1","kind":"RecordEn`}) {
		t.Errorf("other lines %q", others)
	}
	for path, mode := range map[string]os.FileMode{log: 0o600, filepath.Dir(log): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), mode, err)
		}
	}

	// Who acted, as the apiserver says.
	for i, e := range entries {
		wantUser := controlplane.AdminUser
		if e.Name == "rec-fay-req" && (e.Action == certs.RecordCreate || e.Action == certs.RecordIssued) {
			wantUser = "rec-fay"
		}
		if !e.Admin.Verified || e.Admin.User != wantUser || !slices.Contains(e.Admin.Groups, "system:authenticated") ||
			e.Server != cp.Server || e.Time.IsZero() {
			t.Errorf("line %d (%s %s): admin %+v, server %q, time %v", i, e.Action, e.Name, e.Admin, e.Server, e.Time)
		}
	}
	if e := entries[0]; e.UID == "" || e.Subject == nil || e.Subject.CommonName != "rec-ann" || e.Requester.Username != controlplane.AdminUser ||
		e.Signer != certv1.KubeAPIServerClientSignerName || e.Message != "Approved with csrtui." {
		t.Errorf("the console's approval: %+v", e)
	}
	if e := entries[3]; e.Message != "not on the roster" {
		t.Errorf("the console's denial: %+v", e)
	}

	// The certificates: the same fingerprint in every line that holds one,
	// and openssl's for the files written.
	annCrt := filepath.Join(dir, "rec-tui-ann.crt")
	fayCrt := filepath.Join(fayDir, "rec-fay-req.crt")
	for _, c := range []struct {
		lines []int
		file  string
		user  string
		group string
	}{
		{[]int{1, 2}, annCrt, "rec-ann", "dev"},
		{[]int{6}, cliCrt, "rec-cat", "ops"},
		{[]int{10}, fayCrt, "rec-fay", ""},
	} {
		fp := opensslFingerprint(t, c.file)
		for _, i := range c.lines {
			rc := entries[i].Certificate
			if rc == nil || rc.SHA256 != fp || rc.User != c.user || (c.group != "" && !slices.Equal(rc.Groups, []string{c.group})) ||
				!rc.NotAfter.After(time.Now()) || rc.Serial == "" {
				t.Errorf("line %d (%s %s): certificate %+v, openssl says %s for %s", i, entries[i].Action, entries[i].Name, rc, fp, c.file)
			}
		}
		if !slices.ContainsFunc(entries, func(e certs.RecordEntry) bool { return slices.Contains(e.Files, c.file) }) {
			t.Errorf("no line names the file %s", c.file)
		}
	}
	for _, i := range []int{0, 3, 4, 5, 7, 8, 9, 11} {
		if entries[i].Certificate != nil {
			t.Errorf("line %d (%s %s) has a certificate", i, entries[i].Action, entries[i].Name)
		}
	}
}

// A record that breaks while the console runs: the decision is made, the
// status line says the record missed it, and the header keeps saying so.
func TestRecordFailingInTheConsole(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	dir := t.TempDir()
	log := filepath.Join(dir, "decisions.jsonl")
	createClientCSR(t, client, "rec-broken-gil", "rec-gil")

	term := startTerminal(t, 200, 30, dir, []string{"KUBECONFIG=" + cp.AdminKubeconfig}, csrtuiBinary(t), "--log", log)
	term.waitForText("rec-broken-gil")
	// Someone puts a folder where the record was.
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(log, 0o700); err != nil {
		t.Fatal(err)
	}
	term.focus("rec-broken-gil")
	term.keys("d")
	term.waitForText("Deny rec-broken-gil")
	term.keys("Enter")
	term.waitForText("Denied rec-broken-gil. The record was not written: record ", " is a folder", "RECORD FAILED")
	waitForCSR(t, client, "rec-broken-gil", "denied", func(c *certv1.CertificateSigningRequest) bool { return condition(c, certv1.CertificateDenied) != nil })

	// The commands refuse before acting, with one line.
	res := cliRun(t, cp.AdminKubeconfig, "approve", "rec-broken-gil", "--log", log)
	if res.code != 2 || !strings.Contains(res.stderr, "is a folder") || strings.Count(res.stderr, "\n") != 1 {
		t.Errorf("approve with a folder for a record: exit %d %q", res.code, res.stderr)
	}
}
