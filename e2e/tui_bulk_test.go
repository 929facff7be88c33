package e2e

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/certs"
)

// 1,000 pending requests bulk-approved from the console: marked with the
// filter and *, approved with A and y. Among them a critical request and a
// blocked one are left alone; every other one gets exactly one Approved
// condition, csrtui's.
func TestConsoleBulkApprove(t *testing.T) {
	cp := sharedControlPlane(t)
	client := clientFor(t, cp.Admin)
	csrs := client.CertificatesV1().CertificateSigningRequests()
	labels := map[string]string{"e2e": "bulk-approve"}
	t.Cleanup(func() {
		_ = csrs.DeleteCollection(context.Background(), metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "e2e=bulk-approve"})
	})

	const n = 1000
	var objs []*certv1.CertificateSigningRequest
	for i := range n - 2 {
		name := fmt.Sprintf("tui-bulk-%04d", i)
		objs = append(objs, newCSR(t, name, "example.com/bulk",
			&x509.CertificateRequest{Subject: pkix.Name{CommonName: name, Organization: []string{"bulk"}}}, labels,
			certv1.UsageDigitalSignature, certv1.UsageClientAuth))
	}
	critical := newCSR(t, "tui-bulk-critical", "example.com/bulk",
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "ops", Organization: []string{"system:masters"}}}, labels,
		certv1.UsageDigitalSignature, certv1.UsageClientAuth)
	// The kubelet client signer refuses server auth: approval would only fail.
	blocked := newCSR(t, "tui-bulk-block", certv1.KubeAPIServerClientKubeletSignerName,
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "system:node:tui-bulk", Organization: []string{"system:nodes"}}}, labels,
		certv1.UsageDigitalSignature, certv1.UsageClientAuth, certv1.UsageServerAuth)
	objs = append(objs, critical, blocked)
	createAll(t, client, objs)

	dir := t.TempDir()
	log := filepath.Join(dir, "decisions.jsonl")
	term := startTerminal(t, 120, 40, dir, []string{"KUBECONFIG=" + cp.AdminKubeconfig}, csrtuiBinary(t), "--log", log)
	term.waitForText("tui-bulk-")
	term.keys("/")
	term.typeText("tui-bulk-")
	term.keys("Enter")
	term.waitForText("filter: tui-bulk-")
	term.keys("*")
	term.waitForText("1,000 marked")
	term.keys("A")
	// Each request decoded, the plan is whole: the blocked and the critical
	// ones left out, every other one approved with one y.
	term.waitForText("Approve 1,000 marked requests?", "y approves 998.",
		`1 left out, a block finding: "tui-bulk-block": signer-reject`, "1 critical request: left out unless you type each name")
	began := time.Now()
	term.confirmBulk()
	term.waitForText("Approved 998 of 1,000 requests", "998  approved", "2  refused by finding")
	t.Logf("998 approved and recorded in %v", time.Since(began).Round(time.Millisecond))

	list, err := csrs.List(t.Context(), metav1.ListOptions{LabelSelector: "e2e=bulk-approve"})
	if err != nil {
		t.Fatal(err)
	}
	approved := 0
	for _, csr := range list.Items {
		var conds []certv1.CertificateSigningRequestCondition
		for _, c := range csr.Status.Conditions {
			if c.Type == certv1.CertificateApproved || c.Type == certv1.CertificateDenied {
				conds = append(conds, c)
			}
		}
		switch csr.Name {
		case critical.Name, blocked.Name:
			if len(csr.Status.Conditions) != 0 {
				t.Errorf("%s was decided: %+v", csr.Name, csr.Status.Conditions)
			}
		default:
			if len(conds) != 1 || conds[0].Type != certv1.CertificateApproved || conds[0].Reason != certs.ReasonApprove {
				t.Errorf("%s: conditions %+v, want one Approved by csrtui", csr.Name, csr.Status.Conditions)
				continue
			}
			approved++
		}
	}
	if approved != n-2 || len(list.Items) != n {
		t.Fatalf("%d of %d requests approved, want %d", approved, len(list.Items), n-2)
	}
	// Each approval is in the record, as a single one would be; what was left
	// out is not.
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]int{}
	for _, e := range certs.ParseRecord(data, false).Entries {
		if e.Action == certs.RecordApprove {
			if e.Outcome != certs.OutcomeOK || e.Message == "" || e.UID == "" {
				t.Errorf("record line %+v", e)
			}
			recorded[e.Name]++
		}
	}
	if len(recorded) != n-2 || recorded[critical.Name] != 0 || recorded[blocked.Name] != 0 {
		t.Errorf("the record holds %d approvals, want the %d made", len(recorded), n-2)
	}
	for name, c := range recorded {
		if c != 1 {
			t.Errorf("%s is recorded %d times", name, c)
		}
	}
	// What was left out is still marked, for another look.
	term.keys("Escape")
	term.waitForText("2 marked", "Bulk approve: 998 approved, 2 refused by finding.")
}

// createAll creates objs, 16 at a time.
func createAll(t *testing.T, client kubernetes.Interface, objs []*certv1.CertificateSigningRequest) {
	t.Helper()
	csrs := client.CertificatesV1().CertificateSigningRequests()
	work := make(chan *certv1.CertificateSigningRequest)
	errs := make(chan error, len(objs))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for obj := range work {
				if _, err := csrs.Create(t.Context(), obj, metav1.CreateOptions{}); err != nil {
					errs <- fmt.Errorf("create %s: %w", obj.Name, err)
				}
			}
		})
	}
	for _, obj := range objs {
		work <- obj
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// A kubelet that was not answered in time asks again, with a new key, and
// waits for its newest request only. The console groups them: the older ones
// are superseded, hidden in the pending-and-live view, and x deletes them;
// the live one, and another node's, stay.
func TestConsoleDeletesSupersededKubeletRequests(t *testing.T) {
	cp := sharedControlPlane(t)
	admin := clientFor(t, cp.Admin)
	csrs := admin.CertificatesV1().CertificateSigningRequests()
	asNode := func(node string) kubernetes.Interface {
		cfg := rest.CopyConfig(cp.Admin)
		cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:node:" + node, Groups: []string{"system:nodes", "system:authenticated"}}
		return clientFor(t, cfg)
	}
	// Gone at the end: the tests after this one share the cluster, and its
	// rows would take room in their lists.
	labels := map[string]string{"e2e": "backlog"}
	t.Cleanup(func() {
		_ = csrs.DeleteCollection(context.Background(), metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "e2e=backlog"})
	})
	kubelet := func(client kubernetes.Interface, name, node string) *certv1.CertificateSigningRequest {
		obj := newCSR(t, name, certv1.KubeAPIServerClientKubeletSignerName,
			&x509.CertificateRequest{Subject: pkix.Name{CommonName: "system:node:" + node, Organization: []string{"system:nodes"}}}, labels,
			certv1.UsageDigitalSignature, certv1.UsageClientAuth)
		created, err := client.CertificatesV1().CertificateSigningRequests().Create(t.Context(), obj, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if created.Spec.Username != "system:node:"+node {
			t.Fatalf("%s was requested by %q", name, created.Spec.Username)
		}
		return created
	}
	node := asNode("tui-backlog")
	var last *certv1.CertificateSigningRequest
	for i := 1; i <= 3; i++ {
		if last != nil {
			// Creation times have whole seconds, and requests of the same
			// second are all live: the next one comes a second later, as a
			// kubelet's retries do (minutes later).
			err := wait.PollUntilContextTimeout(t.Context(), 20*time.Millisecond, waitTimeout, true, func(context.Context) (bool, error) {
				return time.Now().Unix() > last.CreationTimestamp.Unix(), nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		last = kubelet(node, fmt.Sprintf("tui-backlog-%d", i), "tui-backlog")
	}
	kubelet(asNode("tui-backlog-other"), "tui-backlog-other", "tui-backlog-other")

	term := console(t, cp, t.TempDir(), 120, 40)
	term.waitForText("tui-backlog-3")
	term.focus("tui-backlog")
	rowSays := func(s, name, what string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, name+" ") {
				return strings.Contains(l, " "+what)
			}
		}
		return false
	}
	term.waitFor("two superseded requests and their live one", func(s string) bool {
		return rowSays(s, "tui-backlog-1", "superseded") && rowSays(s, "tui-backlog-2", "superseded") &&
			rowSays(s, "tui-backlog-3", "Pending") && rowSays(s, "tui-backlog-other", "Pending")
	})
	term.keys("Tab", "Tab")
	term.waitFor("the pending and live view", func(s string) bool {
		return strings.Contains(s, "showing pending and live") && !strings.Contains(s, "tui-backlog-1 ") &&
			!strings.Contains(s, "tui-backlog-2 ") && strings.Contains(s, "tui-backlog-3 ")
	})
	term.keys("Tab")
	term.waitForText("showing all", "x delete 2 superseded")
	term.keys("x")
	term.waitForText("Delete 2 superseded requests?", "2  kubelet-client · system:node:tui-backlog  live: tui-backlog-3", "y deletes 2.")
	term.confirmBulk()
	term.waitForText("Deleted 2 of 2 requests", "2  deleted")

	for _, name := range []string{"tui-backlog-1", "tui-backlog-2"} {
		if _, err := csrs.Get(t.Context(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s: %v, want it deleted", name, err)
		}
	}
	for _, name := range []string{"tui-backlog-3", "tui-backlog-other"} {
		csr, err := csrs.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil || len(csr.Status.Conditions) != 0 {
			t.Errorf("%s: %v, %+v; want it kept, pending", name, err, csr)
		}
	}
	term.keys("Escape")
	term.waitFor("the deleted rows to go", func(s string) bool {
		return !strings.Contains(s, "tui-backlog-1 ") && !strings.Contains(s, "tui-backlog-2 ") && strings.Contains(s, "tui-backlog-3 ")
	})
}

// bulkRunning matches a bulk run's dialog, running or done.
var bulkRunning = regexp.MustCompile(`at a time\. esc stops|(Approved|Denied|Deleted) [0-9,]+ of [0-9,]+ requests`)

// confirmBulk presses y in a bulk dialog, as an admin
// does: a y pressed within a second of the last request becoming ready only
// asks to look again (nobody could have read the dialog yet), and then y
// again starts the run.
func (term *terminal) confirmBulk() {
	term.t.Helper()
	term.keys("y")
	screen := term.waitFor("the run to start, or the dialog to ask to look again", func(s string) bool {
		return strings.Contains(s, "look again, then y") || bulkRunning.MatchString(s)
	})
	if strings.Contains(screen, "look again, then y") {
		term.keys("y")
	}
}
