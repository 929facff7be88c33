package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/cli"
)

func TestDefaultRecordPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/var/state")
	if p, err := defaultRecordPath(); err != nil || p != "/var/state/csrtui/decisions.jsonl" {
		t.Errorf("XDG_STATE_HOME: %q %v", p, err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	// Unset, or relative (the spec says to ignore it then): ~/.local/state.
	for _, v := range []string{"", "relative/state"} {
		t.Setenv("XDG_STATE_HOME", v)
		if p, err := defaultRecordPath(); err != nil || p != filepath.Join(home, ".local/state/csrtui/decisions.jsonl") {
			t.Errorf("XDG_STATE_HOME=%q: %q %v", v, p, err)
		}
	}
}

// options as the command line leaves them, for --log.
func logOptions(t *testing.T, args ...string) *options {
	t.Helper()
	o := newOptions()
	cmd := newRootCommand(o, &bytes.Buffer{}, &bytes.Buffer{})
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestLogFlag(t *testing.T) {
	state, home := t.TempDir(), t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("HOME", home)
	t.Chdir(t.TempDir())
	for _, c := range []struct {
		args []string
		want string // "" for none
	}{
		{nil, filepath.Join(state, "csrtui", "decisions.jsonl")},
		{[]string{"--log", "mine.jsonl"}, filepath.Join(mustGetwd(t), "mine.jsonl")},
		{[]string{"--log="}, ""},
		{[]string{"--demo"}, ""}, // the demo's cluster is make-believe
		{[]string{"--demo", "--log", "/tmp/demo.jsonl"}, "/tmp/demo.jsonl"},
		{[]string{"--demo", "--log="}, ""},
		// The shell leaves a ~ after = alone: csrtui reads it as the
		// config file's ~/ is read, not as a folder named ~.
		{[]string{"--log=~/mine.jsonl"}, filepath.Join(home, "mine.jsonl")},
	} {
		rec, err := logOptions(t, c.args...).recorder(false)
		got := ""
		if rec != nil {
			got = rec.Path()
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q %v, want %q", c.args, got, err, c.want)
		}
	}
}

// The config file's log sets the record's path as --log does, and --log
// wins over it.
func TestLogFromTheConfigFile(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, c := range []struct {
		file string
		args []string
		want string
	}{
		{"/var/log/csrtui.jsonl", nil, "/var/log/csrtui.jsonl"},
		{"", nil, ""},
		{"", []string{"--log", "/tmp/mine.jsonl"}, "/tmp/mine.jsonl"},
		{"/var/log/csrtui.jsonl", []string{"--log="}, ""},
		// The demo's cluster is make-believe: the file's log is the real
		// record (the example sets the default path), and only --log
		// names a file for the demo's.
		{"/var/log/csrtui.jsonl", []string{"--demo"}, ""},
		{"/var/log/csrtui.jsonl", []string{"--demo", "--log", "/tmp/demo.jsonl"}, "/tmp/demo.jsonl"},
	} {
		o := newOptions()
		cmd := newRootCommand(o, &bytes.Buffer{}, &bytes.Buffer{})
		if err := cmd.ParseFlags(c.args); err != nil {
			t.Fatal(err)
		}
		if err := o.apply(cmd, &config{path: "config.yaml", log: &c.file}); err != nil {
			t.Fatal(err)
		}
		rec, err := o.recorder(true)
		got := ""
		if rec != nil {
			got = rec.Path()
		}
		if err != nil || got != c.want {
			t.Errorf("log: %q, %q: %q %v, want %q", c.file, c.args, got, err, c.want)
		}
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// A path that can't take the record stops a command before it does
// anything, and the console before it starts, with one line.
func TestRecordThatCantBeKeptStopsBeforeActing(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// No cluster is named: a command that got past the record would fail
	// on the kubeconfig instead.
	for _, c := range []struct {
		log, want string
	}{
		{link, "is a symbolic link"},
		{dir, "is a folder"},
		{filepath.Join(file, "decisions.jsonl"), "not a directory"},
	} {
		for _, args := range [][]string{
			{"approve", "x", "--log", c.log},
			{"export", "x", "-o", "-", "--log", c.log},
			{"--demo", "--log", c.log},
		} {
			var stdout, stderr bytes.Buffer
			code := run(append(args, "--kubeconfig", filepath.Join(dir, "none")), &stdout, &stderr)
			if code != cli.ExitError || !strings.Contains(stderr.String(), c.want) || !strings.Contains(stderr.String(), "--log= keeps none") ||
				strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
			}
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "elsewhere")); err == nil {
		t.Error("the link's target was created")
	}
}

func TestRecorderStampsAndAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "csrtui", "decisions.jsonl")
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	asked := 0
	rec := &recorder{path: path, now: func() time.Time { return at }, waitForIdentity: true}
	if err := rec.Check(); err != nil {
		t.Fatal(err)
	}
	// Before it is connected, and when the apiserver can't say: the
	// kubeconfig's user, marked unverified, asked once per command.
	rec.connected("prod", "https://10.0.0.1:6443", "ops", func(context.Context) (string, []string, error) {
		asked++
		return "", nil, errors.New("could not ask the apiserver who csrtui is: connection refused")
	})
	for range 2 {
		if err := rec.Record(t.Context(), certs.RecordEntry{Action: certs.RecordApprove, Name: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	rec.connected("prod", "https://10.0.0.1:6443", "ops", func(context.Context) (string, []string, error) {
		asked++
		return "kubernetes-admin", []string{"kubeadm:cluster-admins", "system:authenticated"}, nil
	})
	if err := rec.Record(t.Context(), certs.RecordEntry{Action: certs.RecordDeny, Name: "b"}); err != nil {
		t.Fatal(err)
	}
	if asked != 2 {
		t.Errorf("asked %d times", asked)
	}
	log, err := rec.Read(time.Now())
	if err != nil || len(log.Entries) != 3 || log.Unreadable != 0 {
		t.Fatalf("%+v %v", log, err)
	}
	unknown, known := log.Entries[0], log.Entries[2]
	if unknown.Admin.Verified || unknown.Admin.User != "ops" ||
		unknown.Admin.Error != "identity unknown: could not ask the apiserver who csrtui is: connection refused" ||
		unknown.Context != "prod" || unknown.Server != "https://10.0.0.1:6443" || !unknown.Time.Equal(at) {
		t.Errorf("unknown admin: %+v", unknown)
	}
	if !known.Admin.Verified || known.Admin.User != "kubernetes-admin" || !slices.Equal(known.Admin.Groups, []string{"kubeadm:cluster-admins", "system:authenticated"}) {
		t.Errorf("known admin: %+v", known.Admin)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v %v", fi.Mode(), err)
	}
}

// The console never waits for who the admin is: it asks in the background,
// and records the kubeconfig's user meanwhile.
func TestConsoleRecorderNeverWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	rec := &recorder{path: path}
	release := make(chan struct{})
	rec.connected("prod", "https://x", "ops", func(ctx context.Context) (string, []string, error) {
		<-release // the apiserver is slow
		return "jane", nil, nil
	})
	answered := rec.askInBackground()
	// Written while the question is on its way.
	if err := rec.Record(t.Context(), certs.RecordEntry{Action: certs.RecordApprove}); err != nil {
		t.Fatal(err)
	}
	close(release)
	<-answered
	if err := rec.Record(t.Context(), certs.RecordEntry{Action: certs.RecordDeny}); err != nil {
		t.Fatal(err)
	}
	log, _ := rec.Read(time.Now())
	if len(log.Entries) != 2 || log.Entries[0].Admin.Verified || log.Entries[0].Admin.Error != "identity unknown: the apiserver has not said yet" ||
		!log.Entries[1].Admin.Verified || log.Entries[1].Admin.User != "jane" {
		t.Errorf("%+v", log.Entries)
	}
}

func TestReadRecord(t *testing.T) {
	dir := t.TempDir()
	if log, err := readRecord(filepath.Join(dir, "none"), 1<<20, time.Now()); err != nil || len(log.Entries) != 0 {
		t.Errorf("no file: %+v %v", log, err)
	}
	path := filepath.Join(dir, "decisions.jsonl")
	var data []byte
	for _, n := range []string{"first", "second", "third"} {
		line, _ := certs.MarshalRecordLine(certs.RecordEntry{Action: certs.RecordApprove, Name: n})
		data = append(data, line...)
	}
	data = append(data, "garbage\n"...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// Only the end, when the file is longer than the limit: a line cut by
	// the limit is dropped, not counted.
	log, err := readRecord(path, int64(len(data)-20), time.Now())
	if err != nil || !log.Cut || log.Unreadable != 1 || len(log.Entries) != 2 || log.Entries[0].Name != "second" {
		t.Errorf("cut: %+v %v", log, err)
	}
	// A cut that falls between two lines loses neither.
	third, _ := certs.MarshalRecordLine(certs.RecordEntry{Action: certs.RecordApprove, Name: "third"})
	log, err = readRecord(path, int64(len(third)+len("garbage\n")), time.Now())
	if err != nil || !log.Cut || log.Unreadable != 1 || len(log.Entries) != 1 || log.Entries[0].Name != "third" {
		t.Errorf("cut between lines: %+v %v", log, err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, err := readRecord(link, 1<<20, time.Now()); !errors.Is(err, certs.ErrRecordNotAFile) {
		t.Errorf("link: %v", err)
	}
	if _, err := readRecord(dir, 1<<20, time.Now()); !errors.Is(err, certs.ErrRecordNotAFile) {
		t.Errorf("folder: %v", err)
	}
}

// A record longer than what is read whole still says who holds what: the
// lines of certificates still valid are read from the whole file, however
// many lines, or how long a line (a denied request can be megabytes), came
// after them. Lines too long to read are counted, not held.
func TestReadRecordKeepsEveryCertificateStillValid(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	line := func(e certs.RecordEntry) []byte {
		b, err := certs.MarshalRecordLine(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cert := func(fp string, notAfter time.Time, groups ...string) *certs.RecordCertificate {
		return &certs.RecordCertificate{SHA256: fp, User: "root-" + fp, Groups: groups, NotAfter: notAfter, Usages: []string{"client auth"}}
	}
	const limit = 4 << 10
	var data []byte
	data = append(data, line(certs.RecordEntry{Action: certs.RecordIssued, Name: "break-glass", Subject: &certs.SubjectRecord{CommonName: "root"},
		Findings: []certs.RecordFinding{{ID: certs.FindingMasters, Severity: "critical"}}, Certificate: cert("AA", now.Add(time.Hour), "system:masters")})...)
	data = append(data, line(certs.RecordEntry{Action: certs.RecordIssued, Name: "expired", Certificate: cert("BB", now.Add(-time.Hour), "dev")})...)
	data = append(data, line(certs.RecordEntry{Action: certs.RecordApprove, Name: "no-certificate"})...)
	data = append(data, "garbage\n"...)
	data = append(data, line(certs.RecordEntry{Action: certs.RecordDeny, Name: strings.Repeat("x", 2*limit)})...) // too long to read
	for i := 0; len(data) < 3*limit; i++ {
		data = append(data, line(certs.RecordEntry{Action: certs.RecordDeny, Name: fmt.Sprintf("later-%d", i)})...)
	}
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	log, err := readRecord(path, limit, now)
	if err != nil {
		t.Fatal(err)
	}
	if !log.Cut || len(log.Entries) == 0 || strings.HasPrefix(log.Entries[0].Name, "later-") == false {
		t.Fatalf("the end: cut %v, %d entries", log.Cut, len(log.Entries))
	}
	if len(log.Earlier) != 1 || log.Earlier[0].Name != "break-glass" || log.Earlier[0].Subject != nil {
		t.Errorf("earlier: %+v", log.Earlier)
	}
	if log.Unreadable != 2 {
		t.Errorf("%d lines unreadable, want the garbage and the line too long", log.Unreadable)
	}
	valid := certs.StillValid(log.Credentials(), now)
	if len(valid) != 1 || valid[0].Group != "system:masters" || valid[0].Severity != certs.SeverityCritical {
		t.Errorf("still valid: %+v", valid)
	}
}
