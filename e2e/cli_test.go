package e2e

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"
	"github.com/csrtui/csrtui/e2e/schema"
)

// The command line, driven as a script or a user would drive it: the binary,
// kubeconfigs, exit codes and files.

// cliResult is how a csrtui command ended.
type cliResult struct {
	stdout, stderr string
	code           int
}

// cliRun runs csrtui with args as the user of kubeconfig and waits for it.
func cliRun(t *testing.T, kubeconfig string, args ...string) cliResult {
	t.Helper()
	return cliStart(t, kubeconfig, args...).wait(t)
}

// cliProcess is a csrtui command running in the background.
type cliProcess struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

func cliStart(t *testing.T, kubeconfig string, args ...string) *cliProcess {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*waitTimeout)
	t.Cleanup(cancel)
	p := &cliProcess{done: make(chan error, 1)}
	p.cmd = exec.CommandContext(ctx, csrtuiBinary(t), append(args, "--kubeconfig", kubeconfig)...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

func (p *cliProcess) wait(t *testing.T) cliResult {
	t.Helper()
	err := <-p.done
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("csrtui %s: %v\n%s", strings.Join(p.cmd.Args[1:], " "), err, p.stderr.String())
	}
	return cliResult{stdout: p.stdout.String(), stderr: p.stderr.String(), code: code}
}

// waitCreated waits until the CSR name exists.
func waitCreated(t *testing.T, cp *controlplane.ControlPlane, name string) {
	t.Helper()
	client := clientFor(t, cp.Admin)
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, waitTimeout, true, func(ctx context.Context) (bool, error) {
		_, err := client.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		t.Fatalf("%s was never created: %v", name, err)
	}
}

// requesterRules are the narrowest rules csrtui request works with, as the
// README documents them: create, and get and watch on the one name.
func requesterRules(name string) []rbacv1.PolicyRule {
	csrs := []string{"certificatesigningrequests"}
	return []rbacv1.PolicyRule{
		{APIGroups: []string{certv1.GroupName}, Resources: csrs, Verbs: []string{"create"}},
		{APIGroups: []string{certv1.GroupName}, Resources: csrs, ResourceNames: []string{name}, Verbs: []string{"get", "watch"}},
	}
}

// requester is a user allowed only to create CSRs and to read its own, with
// a kubeconfig.
func requester(t *testing.T, cp *controlplane.ControlPlane, user, csrName string) string {
	t.Helper()
	kubeconfig, _, err := cp.MintUser(user)
	if err != nil {
		t.Fatal(err)
	}
	grant(t, clientFor(t, cp.Admin), user, requesterRules(csrName)...)
	return kubeconfig
}

// checkIssuedFiles checks what request wrote into dir for the user: a
// private key, a certificate, and a kubeconfig that kubectl logs in with.
func checkIssuedFiles(t *testing.T, cp *controlplane.ControlPlane, dir, name, user string, res cliResult) {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("csrtui request: exit %d\n%s", res.code, res.stderr)
	}
	want := strings.Join([]string{filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key"), filepath.Join(dir, "kubeconfig")}, "\n") + "\n"
	if res.stdout != want {
		t.Errorf("stdout %q, want %q", res.stdout, want)
	}
	for file, mode := range map[string]os.FileMode{name + ".key": 0o600, name + ".crt": 0o644, "kubeconfig": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s has mode %v, want %v", file, fi.Mode().Perm(), mode)
		}
	}
	if out := command(t, dir, "openssl", "verify", "-CAfile", cp.CAFile, name+".crt"); !strings.Contains(out, ": OK") {
		t.Errorf("openssl verify: %s", out)
	}
	whoami := kubectl(t, cp, filepath.Join(dir, "kubeconfig"), "auth", "whoami")
	if !strings.Contains(whoami, user) {
		t.Errorf("kubectl auth whoami with the new kubeconfig:\n%s", whoami)
	}
}

// A user allowed only to create CSRs and read their own asks for a
// certificate; the admin approves it with csrtui approve; the kubeconfig the
// user gets logs in as them.
func TestRequestApprovedWithTheCommandLine(t *testing.T) {
	cp := sharedControlPlane(t)
	name, user := "cli-grace-laptop", "cli-grace"
	userKubeconfig := requester(t, cp, user, name)
	dir := t.TempDir()

	req := cliStart(t, userKubeconfig, "request", "--cn", user, "--org", "qa", "--name", name, "--out", dir, "--wait", "1m")
	waitCreated(t, cp, name)

	approve := cliRun(t, cp.AdminKubeconfig, "approve", name, "--message", "ticket OPS-1412")
	if approve.code != 0 || approve.stdout != name+": approved\n" || approve.stderr != "" {
		t.Fatalf("csrtui approve: exit %d\n%s%s", approve.code, approve.stdout, approve.stderr)
	}
	res := req.wait(t)
	checkIssuedFiles(t, cp, dir, name, user, res)
	if want := name + ": pending, waiting for an approver (csrtui approve " + name + ")\n"; !strings.HasPrefix(res.stderr, want) {
		t.Errorf("stderr:\n%s", res.stderr)
	}
	if whoami := kubectl(t, cp, filepath.Join(dir, "kubeconfig"), "auth", "whoami"); !strings.Contains(whoami, "qa") {
		t.Errorf("the group is missing:\n%s", whoami)
	}
	issued := waitForCSR(t, clientFor(t, cp.Admin), name, "read", func(*certv1.CertificateSigningRequest) bool { return true })
	if c := condition(issued, certv1.CertificateApproved); c == nil || c.Reason != certs.ReasonApprove || c.Message != "ticket OPS-1412" {
		t.Errorf("Approved condition %+v", c)
	}
}

// The same request, approved by an admin in the console.
func TestRequestApprovedInTheConsole(t *testing.T) {
	cp := sharedControlPlane(t)
	name, user := "cli-hana-laptop", "cli-hana"
	userKubeconfig := requester(t, cp, user, name)
	dir := t.TempDir()

	req := cliStart(t, userKubeconfig, "request", "--cn", user, "--name", name, "--out", dir, "--wait", "1m")
	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText(name)
	term.focus(name)
	term.keys("a")
	term.waitForText("Approve this certificate signing request?", "CN="+user, "y approve")
	term.keys("y")
	checkIssuedFiles(t, cp, dir, name, user, req.wait(t))
	term.waitForText("Approved,Issued")
}

// Denied: request says who refused and why, exits 3, and leaves no file.
func TestRequestDeniedExitsThree(t *testing.T) {
	cp := sharedControlPlane(t)
	name, user := "cli-ivan-laptop", "cli-ivan"
	userKubeconfig := requester(t, cp, user, name)
	dir := t.TempDir()

	req := cliStart(t, userKubeconfig, "request", "--cn", user, "--name", name, "--out", dir, "--wait", "1m")
	waitCreated(t, cp, name)
	deny := cliRun(t, cp.AdminKubeconfig, "deny", name, "--message", "not on the team roster")
	if deny.code != 0 || deny.stdout != name+": denied\n" {
		t.Fatalf("csrtui deny: exit %d\n%s%s", deny.code, deny.stdout, deny.stderr)
	}
	res := req.wait(t)
	want := "csrtui: " + name + " was denied (CSRTUIDeny): not on the team roster\n"
	if res.code != 3 || res.stdout != "" || !strings.HasSuffix(res.stderr, want) {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}

// Still pending when --wait ends: exit 4, and the command that waits again,
// which then works.
func TestRequestTimesOutAndResumes(t *testing.T) {
	cp := sharedControlPlane(t)
	name, user := "cli-judy-laptop", "cli-judy"
	userKubeconfig := requester(t, cp, user, name)
	dir := t.TempDir()

	res := cliRun(t, userKubeconfig, "request", "--cn", user, "--name", name, "--out", dir, "--wait", "0")
	hint := "csrtui request --resume " + name + " --out " + dir
	if res.code != 4 || !strings.Contains(res.stderr, hint) {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if out := cliRun(t, cp.AdminKubeconfig, "approve", name); out.code != 0 {
		t.Fatalf("approve: exit %d %s", out.code, out.stderr)
	}
	args := append(strings.Fields(hint)[1:], "--wait", "1m")
	res = cliRun(t, userKubeconfig, args...)
	if res.code != 0 || res.stdout != filepath.Join(dir, name+".crt")+"\n"+filepath.Join(dir, "kubeconfig")+"\n" {
		t.Fatalf("resume: exit %d, stdout %q\n%s", res.code, res.stdout, res.stderr)
	}
	if whoami := kubectl(t, cp, filepath.Join(dir, "kubeconfig"), "auth", "whoami"); !strings.Contains(whoami, user) {
		t.Errorf("kubectl auth whoami:\n%s", whoami)
	}
}

// A critical finding: approve refuses without --force (exit 1, nothing
// written to the CSR), and approves with it.
func TestApproveRefusesCriticalWithoutForce(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	name := "cli-break-glass"
	createCSR(t, client, name, "example.com/ops-signer",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "ops", Organization: []string{"system:masters"}}},
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)

	res := cliRun(t, cp.AdminKubeconfig, "approve", name)
	// Two critical findings: system:masters, and what the cluster says such an
	// identity could do (asked as the console asks).
	if res.code != 1 || !strings.HasPrefix(res.stdout, name+": refused: critical finding powerful-identity: If approved, this identity could do everything (cluster-admin)") ||
		!strings.HasSuffix(res.stdout, " (and 1 more) (--force approves it anyway)\n") || res.stderr != "csrtui: 1 of 1 requests not approved\n" {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if csr := waitForCSR(t, client, name, "read", func(*certv1.CertificateSigningRequest) bool { return true }); len(csr.Status.Conditions) != 0 {
		t.Fatalf("the refused approval wrote %+v", csr.Status.Conditions)
	}

	res = cliRun(t, cp.AdminKubeconfig, "approve", name, "--force")
	if res.code != 0 || res.stdout != name+": approved despite critical finding powerful-identity (and 1 more)\n" {
		t.Fatalf("--force: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	waitForCSR(t, client, name, "approved", func(c *certv1.CertificateSigningRequest) bool { return condition(c, certv1.CertificateApproved) != nil })
}

// list -o json on CSRs of every kind follows the README's schema, and -o yaml
// is the same document.
func TestListJSONFollowsTheDocumentedSchema(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	createClientCSR(t, client, "cli-list-pending", "kim", "dev")
	createCSR(t, client, "cli-list-serving", certv1.KubeletServingSignerName,
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "system:node:n1", Organization: []string{"system:nodes"}}, DNSNames: []string{"n1"}},
		certv1.UsageDigitalSignature, certv1.UsageServerAuth)
	createCSR(t, client, "cli-list-hostile", certv1.KubeAPIServerClientSignerName,
		&x509.CertificateRequest{RawSubject: hostileSubject(t, []byte("evil\x9b31mRED"))}, certv1.UsageDigitalSignature, certv1.UsageClientAuth)
	createClientCSR(t, client, "cli-list-issued", "lou")
	kubectl(t, cp, "", "certificate", "approve", "cli-list-issued")
	waitForCSR(t, client, "cli-list-issued", "issued", func(c *certv1.CertificateSigningRequest) bool { return len(c.Status.Certificate) > 0 })
	createClientCSR(t, client, "cli-list-denied", "mo")
	kubectl(t, cp, "", "certificate", "deny", "cli-list-denied")

	res := cliRun(t, cp.AdminKubeconfig, "list", "-o", "json")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented, err := schema.Example(readme, "list -o json")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := schema.Problems([]byte(res.stdout), documented)
	if err != nil || len(problems) > 0 {
		t.Fatalf("list -o json does not follow the README (%v):\n%s", err, strings.Join(problems, "\n"))
	}

	var doc struct {
		APIVersion string `json:"apiVersion"`
		Items      []struct {
			Name    string `json:"name"`
			State   string `json:"state"`
			Risk    string `json:"risk"`
			Request *struct{ Subject struct{ CommonName string } }
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, it := range doc.Items {
		seen[it.Name] = it.State + " " + it.Risk
		if it.Name == "cli-list-hostile" && it.Request.Subject.CommonName != "evil\u009b31mRED" {
			t.Errorf("the raw CN is %q", it.Request.Subject.CommonName)
		}
	}
	// The admin created them all for others: other-identity (high) at least.
	for name, want := range map[string]string{
		"cli-list-pending": "Pending high", "cli-list-serving": "Pending critical", "cli-list-hostile": "Pending high",
		"cli-list-issued": "Issued high", "cli-list-denied": "Denied high",
	} {
		if seen[name] != want {
			t.Errorf("%s: %q, want %q", name, seen[name], want)
		}
	}
	if strings.ContainsRune(res.stdout, 0x9b) || strings.ContainsRune(res.stdout, 0x1b) {
		t.Error("a control character reached the output")
	}

	yamlRes := cliRun(t, cp.AdminKubeconfig, "list", "-o", "yaml")
	var fromJSON, fromYAML any
	if err := json.Unmarshal([]byte(res.stdout), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(yamlRes.stdout), &fromYAML); err != nil || yamlRes.code != 0 {
		t.Fatalf("exit %d: %v", yamlRes.code, err)
	}
	// The two commands ran at different times: compare what does not age.
	if len(fromJSON.(map[string]any)["items"].([]any)) != len(fromYAML.(map[string]any)["items"].([]any)) {
		t.Error("yaml and json list different requests")
	}
}

// check, as cron runs it: exit 1 while a request waits too long, 0 once it is
// decided. On its own control plane, so that no other test's requests count.
func TestCheckBacklog(t *testing.T) {
	cp := controlplane.StartForTest(t)
	client := clientFor(t, cp.Admin)
	if res := cliRun(t, cp.AdminKubeconfig, "check", "--max-pending-age", "1ms"); res.code != 0 || res.stdout != "" || res.stderr != "" {
		t.Fatalf("an empty cluster: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
	createClientCSR(t, client, "cli-waiting", "nick")

	res := cliRun(t, cp.AdminKubeconfig, "check", "--max-pending-age", "1ms", "-o", "json")
	var result certs.CheckResult
	if err := json.Unmarshal([]byte(res.stdout), &result); err != nil {
		t.Fatal(err)
	}
	if res.code != 1 || res.stderr != "csrtui: 1 pending request needs an admin\n" || len(result.Problems) != 1 ||
		result.Problems[0].Name != "cli-waiting" || !result.Problems[0].Stale {
		t.Fatalf("a stale request: exit %d %q\n%s", res.code, res.stderr, res.stdout)
	}

	if res := cliRun(t, cp.AdminKubeconfig, "deny", "cli-waiting"); res.code != 0 {
		t.Fatalf("deny: exit %d %s", res.code, res.stderr)
	}
	res = cliRun(t, cp.AdminKubeconfig, "check", "--max-pending-age", "1ms")
	if res.code != 0 || res.stdout != "" || res.stderr != "" {
		t.Fatalf("after the decision: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
}

// Bad input through the real binary: one line, exit code 2, nothing created
// and nothing written.
func TestCommandLineBadInput(t *testing.T) {
	cp := sharedControlPlane(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	command(t, dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile)
	out := t.TempDir()
	before := kubectl(t, cp, "", "get", "csr", "-o", "name")

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a key where a request goes", []string{"request", "--csr", keyFile, "--key", keyFile, "--out", out}, "holds a private key, not a certificate request"},
		{"out is a file", []string{"request", "--cn", "x", "--out", keyFile}, "is not a folder"},
		{"a missing folder", []string{"request", "--cn", "x", "--out", filepath.Join(dir, "nope")}, "does not exist"},
		{"an unknown flag", []string{"list", "--colour"}, "unknown flag: --colour"},
		{"an unreachable cluster", []string{"list", "--server", "https://127.0.0.1:1", "--request-timeout", "5s"}, "cannot reach https://127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := cliRun(t, cp.AdminKubeconfig, tc.args...)
			if res.code != 2 || res.stdout != "" || strings.Count(res.stderr, "\n") != 1 || !strings.Contains(res.stderr, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
	if after := kubectl(t, cp, "", "get", "csr", "-o", "name"); after != before {
		t.Errorf("requests were created:\n%s", after)
	}
}
