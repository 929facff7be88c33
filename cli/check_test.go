package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/csrtui/csrtui/certs"
)

func TestCheck(t *testing.T) {
	stale := fixture{name: "old-request", user: "kim", cn: "kim", age: 3 * time.Hour, lifetime: time.Hour}.build(t)
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t), stale)

	out, errOut, code := run(t, deps(f), "check")
	want := `NAME          PENDING   RISK       WHY
break-glass   2h        critical   pending longer than 1h; critical masters: O=system:masters: the certificate would be cluster-admin beyond RBAC's reach
old-request   3h        -          pending longer than 1h
`
	if out != want || errOut != "csrtui: 2 pending requests need an admin\n" || code != ExitNotAsAsked {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, out)
	}

	out, _, code = run(t, deps(f), "check", "--fail-on", "none", "--max-pending-age", "150m", "-o", "name")
	if out != "certificatesigningrequest.certificates.k8s.io/old-request\n" || code != ExitNotAsAsked {
		t.Errorf("age only: exit %d:\n%s", code, out)
	}

	// Nothing to report: silent when piped, one line on a terminal.
	out, errOut, code = run(t, deps(f), "check", "--max-pending-age", "0", "--fail-on", "block")
	if out != "" || errOut != "" || code != ExitOK {
		t.Errorf("clean, piped: exit %d %q %q", code, out, errOut)
	}
	d := deps(f)
	d.Streams.OutTerminal = true
	out, _, code = run(t, d, "check", "--max-pending-age", "4h", "--fail-on", "block")
	if out != "OK: no request pending longer than 4h, no pending request with a block finding or worse.\n" || code != ExitOK {
		t.Errorf("clean, terminal: exit %d %q", code, out)
	}
}

func TestCheckJSON(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t))
	out, _, code := run(t, deps(f), "check", "-o", "json", "--fail-on", "critical")
	var res certs.CheckResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if code != ExitNotAsAsked || res.APIVersion != "csrtui/v1" || res.Kind != "CheckResult" || res.MaxPendingAgeSeconds != 3600 || res.FailOn != "critical" ||
		len(res.Problems) != 1 {
		t.Fatalf("exit %d: %+v", code, res)
	}
	p := res.Problems[0]
	if p.Name != "break-glass" || !p.Stale || !p.Risky || p.Risk != "critical" || p.PendingSeconds != 7200 || len(p.Findings) != 1 || p.Findings[0].ID != "masters" {
		t.Errorf("problem %+v", p)
	}
	f = newFakeCluster()
	out, _, code = run(t, deps(f), "check", "-o", "json")
	if code != ExitOK || !strings.Contains(out, `"problems": []`) {
		t.Errorf("nothing: exit %d\n%s", code, out)
	}
}

func TestCheckCannotCheck(t *testing.T) {
	_, errOut, code := run(t, unreachable(), "check")
	if code != ExitError || errOut != "csrtui: cannot reach https://10.9.9.9:6443 (context \"prod\"): connection refused\n" {
		t.Errorf("exit %d %q", code, errOut)
	}
	if _, errOut, code = run(t, deps(newFakeCluster()), "check", "--fail-on", "severe"); code != ExitError || !strings.Contains(errOut, "--fail-on severe is not a severity") {
		t.Errorf("exit %d %q", code, errOut)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := newFakeCluster(erinIssued(t), janeLaptop(t), fixture{name: "node-csr", signer: certs.KubeAPIServerClientKubeletSignerName, user: "system:node:n1", cn: "system:node:n1", orgs: []string{"system:nodes"}, cond: "Approved", issued: true}.build(t))
	want := f.csrs["erin-dashboard"].Status.Certificate

	out, errOut, code := run(t, deps(f), "export", "erin-dashboard")
	if out != "erin-dashboard.crt\n" || errOut != "" || code != ExitOK {
		t.Fatalf("exit %d %q %q", code, out, errOut)
	}
	assertFile(t, filepath.Join(dir, "erin-dashboard.crt"), string(want), 0o644)

	// Never over a file without --force, and nothing is asked of the cluster.
	before := f.callLog()
	_, errOut, code = run(t, deps(f), "export", "erin-dashboard")
	if code != ExitError || errOut != "csrtui: erin-dashboard.crt exists: pass --force to replace it\n" || f.callLog() != before {
		t.Errorf("exists: exit %d %q", code, errOut)
	}
	if _, _, code = run(t, deps(f), "export", "erin-dashboard", "--force"); code != ExitOK {
		t.Errorf("--force: exit %d", code)
	}

	out, _, code = run(t, deps(f), "export", "erin-dashboard", "-o", "-")
	if out != string(want) || code != ExitOK {
		t.Errorf("to stdout: exit %d\n%s", code, out)
	}

	out, _, code = run(t, deps(f), "export", "erin-dashboard", "-o", "erin.crt", "--write-kubeconfig", "erin.kubeconfig", "--key-path", "/home/erin/.kube/erin.key")
	if out != "erin.crt\nerin.kubeconfig\n" || code != ExitOK {
		t.Fatalf("kubeconfig: exit %d %q", code, out)
	}
	kc := assertFile(t, filepath.Join(dir, "erin.kubeconfig"), "", 0o600)
	cfg, err := clientcmd.Load([]byte(kc))
	if err != nil {
		t.Fatal(err)
	}
	u := cfg.AuthInfos["erin"]
	if cfg.CurrentContext != "erin@prod" || u == nil || u.ClientKey != "/home/erin/.kube/erin.key" || string(u.ClientCertificateData) != string(want) ||
		cfg.Clusters["prod"].Server != "https://api.example.com:6443" {
		t.Errorf("kubeconfig:\n%s", kc)
	}
}

// Without -o, export writes to the configured folder.
func TestExportToExportDir(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := filepath.Join(t.TempDir(), "certs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := newFakeCluster(erinIssued(t))
	d := deps(f)
	d.ExportDir = dir
	out, errOut, code := run(t, d, "export", "erin-dashboard")
	path := filepath.Join(dir, "erin-dashboard.crt")
	if out != path+"\n" || errOut != "" || code != ExitOK {
		t.Fatalf("exit %d %q %q", code, out, errOut)
	}
	assertFile(t, path, string(f.csrs["erin-dashboard"].Status.Certificate), 0o644)
	if _, err := os.Stat("erin-dashboard.crt"); err == nil {
		t.Fatal("also written to the working folder")
	}
}

func TestExportRefusesWhatItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	f := newFakeCluster(erinIssued(t), janeLaptop(t), fixture{name: "node-csr", signer: certs.KubeAPIServerClientKubeletSignerName, user: "system:node:n1", cn: "system:node:n1", orgs: []string{"system:nodes"}, cond: "Approved", issued: true}.build(t))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"jane-laptop"}, ExitNotAsAsked, `csrtui: "jane-laptop" has no certificate: it is Pending`},
		{[]string{"nobody"}, ExitNotAsAsked, `csrtui: certificatesigningrequests.certificates.k8s.io "nobody" not found`},
		{[]string{"node-csr", "--write-kubeconfig", "n.kc"}, ExitNotAsAsked, `csrtui: no kubeconfig for "node-csr": a certificate of signer "kubernetes.io/kube-apiserver-client-kubelet" does not log in to the apiserver as a user; only kubernetes.io/kube-apiserver-client ones do`},
		{[]string{"erin-dashboard", "-o", "folder"}, ExitError, "csrtui: folder is a folder: name a file"},
		{[]string{"erin-dashboard", "-o", "missing/erin.crt"}, ExitError, "csrtui: cannot write missing/erin.crt: folder missing does not exist"},
		{[]string{"erin-dashboard", "--key-path", "k"}, ExitError, "csrtui: --key-path names the key in a kubeconfig: pass --write-kubeconfig too"},
		{[]string{"a", "b"}, ExitError, "csrtui: csrtui export needs exactly one name of a certificate signing request, got 2 (see csrtui export --help)"},
	} {
		_, errOut, code := run(t, deps(f), append([]string{"export"}, tc.args...)...)
		if code != tc.code || errOut != tc.want+"\n" {
			t.Errorf("export %v: exit %d\n%s", tc.args, code, errOut)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files were written: %v", entries)
	}
}

// assertFile checks a file's mode and, unless want is empty, its content; it
// returns the content.
func assertFile(t *testing.T, path, want string, mode os.FileMode) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mode {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), mode)
	}
	if want != "" && string(data) != want {
		t.Errorf("%s holds:\n%s\nwant:\n%s", path, data, want)
	}
	return string(data)
}
