package certs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// recordCertPEM is a certificate made once with openssl (ed25519, serial
// 0x4A83D2CE, O=dev, O=system:masters, CN=jane, client auth), and
// recordCertFingerprint what `openssl x509 -noout -fingerprint -sha256`
// printed for it.
const recordCertFingerprint = "BD:14:9E:5F:23:5A:54:AA:DB:F4:43:5C:56:02:6A:5A:28:CE:C8:4E:B5:6D:60:38:D1:53:38:0A:45:BC:D2:61"

func recordCertPEM(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "record.crt"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestFingerprintIsOpenSSLs(t *testing.T) {
	c, err := NewRecordCertificate(recordCertPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.SHA256 != recordCertFingerprint {
		t.Errorf("fingerprint %s, openssl says %s", c.SHA256, recordCertFingerprint)
	}
	// The summary's certificate says the same.
	parsed, err := ParseCertificate(recordCertPEM(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.SHA256 != recordCertFingerprint {
		t.Errorf("ParseCertificate's fingerprint %s, openssl says %s", parsed.SHA256, recordCertFingerprint)
	}
	// A summary keeps no certificate bytes: the record's line of an issued
	// certificate comes from the decoded one, and is the line of its bytes.
	if got := parsed.Record(); !reflect.DeepEqual(got, c) {
		t.Errorf("the decoded certificate's record\n%+v\nits bytes'\n%+v", got, c)
	}
	if c.Serial != "4A83D2CE" || c.User != "jane" || strings.Join(c.Groups, ",") != "dev,system:masters" {
		t.Errorf("serial %s, user %q, groups %q", c.Serial, c.User, c.Groups)
	}
	if !c.NotAfter.Equal(time.Date(2027, 11, 28, 11, 23, 40, 0, time.UTC)) || c.NotAfter.Location() != time.UTC {
		t.Errorf("notAfter %v", c.NotAfter)
	}
}

// recordSummary is an issued request with a hostile name, as certs would
// summarize it.
func recordSummary(t testing.TB) *Summary {
	pem := recordCertPEM(t)
	cert, err := ParseCertificate(pem, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Summary{
		Name:     "jane-\x1b[2J\u202e",
		UID:      "d5e28f19-uid",
		Signer:   KubeAPIServerClientSignerName,
		Username: "jane", UserUID: "u-1", Groups: []string{"dev", "system:authenticated"},
		Extra: map[string][]string{"authentication.kubernetes.io/credential-id": {"X509SHA256=56e6"}},
		State: StateIssued,
		Request: &Request{
			CommonName: "jane", Organizations: []string{"dev", "system:masters"},
			Subject: []Attribute{{OID: "2.5.4.10", Name: "O", Value: "dev"}, {OID: "2.5.4.10", Name: "O", Value: "system:masters"}, {OID: "2.5.4.3", Name: "CN", Value: "jane"}},
		},
		CertificateSum: SumCertificate(pem),
		Certificate:    cert,
		Findings: []Finding{
			{ID: FindingDecided, Severity: SeverityBlock, Title: "already Approved,Issued"},
			{ID: FindingMasters, Severity: SeverityCritical, Title: "O=system:masters"},
			{ID: FindingLongLived, Severity: SeverityHigh, Title: "a year"},
		},
	}
}

func TestRecordLineGolden(t *testing.T) {
	e := NewRecordEntry(RecordExport, recordSummary(t))
	e.Time = time.Date(2026, 11, 28, 12, 0, 1, 500_000_000, time.FixedZone("CET", 3600))
	e.Context, e.Server = "prod", "https://10.0.0.1:6443"
	e.Admin = RecordAdmin{User: "kubernetes-admin", Groups: []string{"kubeadm:cluster-admins", "system:authenticated"}, Verified: true}
	e.Files = []string{"/home/ops/jane.crt"}
	e.SetOutcome(nil, nil)
	line, err := MarshalRecordLine(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"apiVersion":"csrtui/v1","kind":"RecordEntry","time":"2026-11-28T11:00:01.5Z","context":"prod","server":"https://10.0.0.1:6443",` +
		`"admin":{"user":"kubernetes-admin","groups":["kubeadm:cluster-admins","system:authenticated"],"verified":true,"error":""},` +
		`"action":"export","name":"jane-\u001b[2J\u202e","uid":"d5e28f19-uid","signer":"kubernetes.io/kube-apiserver-client",` +
		`"requester":{"username":"jane","uid":"u-1","groups":["dev","system:authenticated"],"extra":{"authentication.kubernetes.io/credential-id":["X509SHA256=56e6"]}},` +
		`"subject":{"commonName":"jane","organizations":["dev","system:masters"],"attributes":[{"oid":"2.5.4.10","name":"O","value":"dev"},{"oid":"2.5.4.10","name":"O","value":"system:masters"},{"oid":"2.5.4.3","name":"CN","value":"jane"}]},` +
		`"findings":[{"id":"masters","severity":"critical"},{"id":"long-lived","severity":"high"}],` +
		`"message":"","files":["/home/ops/jane.crt"],"outcome":"ok","detail":"",` +
		`"certificate":{"serial":"4A83D2CE","sha256":"` + recordCertFingerprint + `","issuer":"CN=jane,O=dev+O=system:masters",` +
		`"notBefore":"2026-11-28T11:23:40Z","notAfter":"2027-11-28T11:23:40Z","user":"jane","groups":["dev","system:masters"],` +
		`"usages":["digital signature","client auth"]}}` + "\n"
	if string(line) != want {
		t.Errorf("line\n%s\nwant\n%s", line, want)
	}
	// It reads back as it was written, the raw name included.
	log := ParseRecord(line, false)
	if log.Unreadable != 0 || len(log.Entries) != 1 {
		t.Fatalf("read back %d entries, %d unreadable", len(log.Entries), log.Unreadable)
	}
	if got := log.Entries[0]; got.Name != "jane-\x1b[2J\u202e" || got.Certificate.SHA256 != recordCertFingerprint || !got.Time.Equal(e.Time) {
		t.Errorf("read back %+v", got)
	}
}

// A line with nothing known (a request that could not be read) still has
// every field, lists empty and subject and certificate null; a control
// character anywhere is escaped, DEL and C1 included.
func TestRecordLineOfNothing(t *testing.T) {
	e := RecordEntry{Action: RecordApprove, Name: "x\x7f\u0085"}
	e.SetOutcome(nil, errors.New("get: connection refused\r\n"))
	line, err := MarshalRecordLine(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"apiVersion":"csrtui/v1","kind":"RecordEntry","time":"0001-01-01T00:00:00Z","context":"","server":"",` +
		`"admin":{"user":"","groups":[],"verified":false,"error":""},"action":"approve","name":"x\u007f\u0085","uid":"","signer":"",` +
		`"requester":{"username":"","uid":"","groups":[],"extra":{}},"subject":null,"findings":[],"message":"","files":[],` +
		`"outcome":"error","detail":"get: connection refused\r\n","certificate":null}` + "\n"
	if string(line) != want {
		t.Errorf("line\n%s\nwant\n%s", line, want)
	}
	for _, c := range line[:len(line)-1] {
		if c < 0x20 || c >= 0x7f {
			t.Fatalf("line holds byte %#x", c)
		}
	}
}

func TestRecordOutcomes(t *testing.T) {
	gr := schema.GroupResource{Group: "certificates.k8s.io", Resource: "certificatesigningrequests"}
	for _, c := range []struct {
		already *Decided
		err     error
		want    RecordOutcome
		detail  string
	}{
		{nil, nil, OutcomeOK, ""},
		{&Decided{Type: "Approved", Reason: "KubectlApprove", At: time.Date(2026, 11, 28, 9, 11, 29, 0, time.FixedZone("CET", 3600))}, nil, OutcomeAlready, "approved at 2026-11-28T08:11:29Z (KubectlApprove)"},
		{nil, fmt.Errorf("approve x: %w", apierrors.NewForbidden(gr, "x", errors.New("no"))), OutcomeRefused, ""},
		{nil, fmt.Errorf("approve x: %w", &alreadyDecidedError{name: "x", cond: "Denied"}), OutcomeRefused, `approve x: certificate signing request "x" is already Denied`},
		{nil, &replacedError{name: "x"}, OutcomeRefused, ""},
		{nil, apierrors.NewAlreadyExists(gr, "x"), OutcomeRefused, ""},
		{nil, errors.New("dial tcp: connection refused"), OutcomeError, "dial tcp: connection refused"},
	} {
		var e RecordEntry
		e.SetOutcome(c.already, c.err)
		if e.Outcome != c.want || (c.detail != "" && e.Detail != c.detail) {
			t.Errorf("%v %v: %s %q, want %s %q", c.already, c.err, e.Outcome, e.Detail, c.want, c.detail)
		}
	}
}

func TestParseRecordCountsWhatItCantRead(t *testing.T) {
	line := func(name string) string {
		b, err := MarshalRecordLine(RecordEntry{Action: RecordDeny, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	data := line("a") +
		"garbage\n" +
		"\n" + // blank lines are no lines
		`{"apiVersion":"csrtui/v2","kind":"RecordEntry","action":"approve"}` + "\n" + // another version
		`{"apiVersion":"csrtui/v1","kind":"RecordEntry"}` + "\n" + // no action
		`{"apiVersion":"csrtui/v1","kind":"RecordEntry","action":"deny","time":"yesterday"}` + "\n" +
		line("b") +
		strings.TrimSuffix(line("c"), "\n") // cut short: no newline
	log := ParseRecord([]byte(data), false)
	if log.Unreadable != 5 || len(log.Entries) != 2 || log.Entries[0].Name != "a" || log.Entries[1].Name != "b" {
		t.Errorf("%d entries %v, %d unreadable; want a, b and 5", len(log.Entries), log.Entries, log.Unreadable)
	}

	// Read from the middle of a line: its end is dropped, not counted.
	full := line("first") + line("second")
	log = ParseRecord([]byte(full[10:]), true)
	if !log.Cut || log.Unreadable != 0 || len(log.Entries) != 1 || log.Entries[0].Name != "second" {
		t.Errorf("cut: %+v", log)
	}
}

func TestStillValid(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cert := func(fp, user string, notAfter time.Time, groups ...string) *RecordCertificate {
		return &RecordCertificate{SHA256: fp, User: user, Groups: groups, NotAfter: notAfter, Usages: []string{"digital signature", "client auth"}}
	}
	day := 24 * time.Hour
	entries := []RecordEntry{
		{Action: RecordIssued, Name: "dev-1", Certificate: cert("01", "bob", now.Add(day), "dev")},
		{Action: RecordExport, Name: "dev-1", Certificate: cert("01", "bob", now.Add(day), "dev"), Findings: []RecordFinding{{FindingLongLived, "high"}}},
		{Action: RecordIssued, Name: "old", Certificate: cert("02", "carol", now.Add(-time.Second), "system:masters")}, // expired
		{Action: RecordIssued, Name: "root", Certificate: cert("03", "root", now.Add(365*day), "system:masters", "dev")},
		{Action: RecordIssued, Name: "alice", Certificate: cert("04", "alice", now.Add(2*day), "dev")},
		{Action: RecordIssued, Name: "svc", Certificate: cert("05", "svc", now.Add(3*day))},
		{Action: RecordApprove, Name: "pending-cert"}, // no certificate
		{Action: RecordIssued, Name: "ops", Certificate: cert("06", "ops", now.Add(day), "ops"),
			Findings: []RecordFinding{{FindingClusterAdmin, "critical"}, {FindingDecided, "block"}}},
	}
	// A serving certificate in system:masters authenticates no client.
	serving := cert("07", "web", now.Add(day), "system:masters")
	serving.Usages = []string{"digital signature", "server auth"}
	entries = append(entries, RecordEntry{Action: RecordIssued, Name: "web", Certificate: serving})

	got := StillValid(entries, now)
	var b strings.Builder
	for _, g := range got {
		fmt.Fprintf(&b, "%s %s %s:", g.Group, g.Severity, g.Until.Sub(now))
		for _, c := range g.Credentials {
			fmt.Fprintf(&b, " %s(%s %s)", c.Certificate.User, c.Severity, strings.Join(c.Why, "+"))
		}
		b.WriteString("\n")
	}
	const want = `system:masters critical 8760h0m0s: root(critical masters) web(none )
dev critical 8760h0m0s: root(critical masters) bob(high long-lived) alice(none )
ops critical 24h0m0s: ops(critical cluster-admin)
 none 72h0m0s: svc(none )
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestAppendRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "csrtui")
	path := filepath.Join(dir, "decisions.jsonl")
	if err := CheckRecordFile(path); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	one, _ := MarshalRecordLine(RecordEntry{Action: RecordApprove, Name: "one"})
	two, _ := MarshalRecordLine(RecordEntry{Action: RecordDeny, Name: "two"})
	for _, l := range [][]byte{one, two} {
		if err := AppendRecord(path, l); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(path)
	if string(data) != string(one)+string(two) {
		t.Errorf("file holds\n%s", data)
	}

	// A last line cut short (a crash, another program) gets its newline:
	// the next line stays whole.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	_, _ = f.WriteString(`{"apiVersion":"csrtui/v1","ki`)
	_ = f.Close()
	if err := AppendRecord(path, one); err != nil {
		t.Fatal(err)
	}
	log := ParseRecord(must(os.ReadFile(path)), false)
	if len(log.Entries) != 3 || log.Unreadable != 1 || log.Entries[2].Name != "one" {
		t.Errorf("after a cut line: %d entries, %d unreadable", len(log.Entries), log.Unreadable)
	}
	// Never truncated: what was there stays, byte for byte.
	if !bytes.HasPrefix(must(os.ReadFile(path)), data) {
		t.Error("the file was rewritten")
	}

	if err := AppendRecord(path, []byte("two\nlines\n")); err == nil {
		t.Error("two lines appended as one")
	}
}

func TestAppendRecordRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	line, _ := MarshalRecordLine(RecordEntry{Action: RecordApprove})
	for path, want := range map[string]string{
		link:        "is a symbolic link",
		dangling:    "is a symbolic link",
		dir:         "is a folder",
		"/dev/null": "is a pipe, a device or a socket",
	} {
		err := AppendRecord(path, line)
		if !errors.Is(err, ErrRecordNotAFile) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
		if err := CheckRecordFile(path); !errors.Is(err, ErrRecordNotAFile) {
			t.Errorf("check %s: %v", path, err)
		}
	}
	if data, _ := os.ReadFile(target); string(data) != "precious\n" {
		t.Errorf("the link's target was written: %q", data)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("the dangling link's target was created")
	}
}

// A record anyone may write to is refused, and left as it is; one the
// group may write to (a team's shared ledger) is taken.
func TestAppendRecordRefusesAFileOthersMayWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "decisions.jsonl")
	if err := os.WriteFile(path, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	line, _ := MarshalRecordLine(RecordEntry{Action: RecordApprove})
	err := AppendRecord(path, line)
	if !errors.Is(err, ErrRecordOthersWrite) || err.Error() != "record "+path+" (mode 0666): anyone may write to it: chmod o-w it" {
		t.Errorf("append: %v", err)
	}
	if err := CheckRecordFile(path); !errors.Is(err, ErrRecordOthersWrite) {
		t.Errorf("check: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{}\n" {
		t.Errorf("written: %q", data)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		t.Fatal(err)
	}
	if err := AppendRecord(path, line); err != nil {
		t.Errorf("group-writable: %v", err)
	}
}

// Two writers appending at once never mix their lines.
func TestAppendRecordConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	const writers, lines = 4, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				// Long lines: a mix would show.
				l, _ := MarshalRecordLine(RecordEntry{Action: RecordApprove, Name: fmt.Sprintf("w%d-%d-%s", w, i, strings.Repeat("x", 3000))})
				if err := AppendRecord(path, l); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	log := ParseRecord(must(os.ReadFile(path)), false)
	if log.Unreadable != 0 || len(log.Entries) != writers*lines {
		t.Errorf("%d entries, %d unreadable", len(log.Entries), log.Unreadable)
	}
	var check map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(must(os.ReadFile(path)))), "\n") {
		// A writer that looked while another's line was half copied in
		// adds a newline first: a blank line, which readers skip.
		if l == "" {
			continue
		}
		if err := json.Unmarshal([]byte(l), &check); err != nil {
			t.Fatal(err)
		}
	}
}

func TestASCIIJSON(t *testing.T) {
	in := []byte(`{"a":"é日` + "\U0001F600\x7f" + `"}`)
	if got, want := string(ASCIIJSON(in)), `{"a":"\u00e9\u65e5\ud83d\ude00\u007f"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(ASCIIJSON(in), &back); err != nil || back["a"] != "é日\U0001F600\x7f" {
		t.Errorf("reads back as %q (%v)", back["a"], err)
	}
}
