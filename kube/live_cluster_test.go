package kube

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"

	certificatesv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// holdApproval lets the first PUT to an approval subresource through only
// once every client holding it has sent its own: the clients read the same
// version, and write on it at once.
type holdApproval struct {
	next    http.RoundTripper
	arrived *sync.WaitGroup
	once    sync.Once
}

func (h *holdApproval) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && strings.HasSuffix(req.URL.Path, "/approval") {
		h.once.Do(func() {
			h.arrived.Done()
			h.arrived.Wait()
		})
	}
	return h.next.RoundTrip(req)
}

// racingClients are n admin clients whose first approval writes wait for
// each other.
func racingClients(t *testing.T, cp *controlplane.ControlPlane, n int) []*Client {
	t.Helper()
	arrived := &sync.WaitGroup{}
	arrived.Add(n)
	out := make([]*Client, n)
	for i := range out {
		cfg := rest.CopyConfig(cp.Admin)
		cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return &holdApproval{next: rt, arrived: arrived} })
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = NewClient(cs)
	}
	return out
}

// TestLiveOnControlPlane: what csrtui may do, asked before it tries; two
// admins deciding at once; and a list that lives through its apiserver going
// away and coming back on the same etcd. Its own control plane: the last
// subtest kills the apiserver.
func TestLiveOnControlPlane(t *testing.T) {
	cp := controlplane.StartForTest(t)
	ctx := t.Context()
	admin, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(flagsFor(cp.AdminKubeconfig))
	if err != nil {
		t.Fatal(err)
	}
	w := c.Start(ctx, certs.DefaultPolicy())

	create := func(t *testing.T, name, signer string) string {
		t.Helper()
		csr, err := controlplane.CreateCSR(ctx, admin, name, signer, requestPEM(t, name),
			[]certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth}, 3600)
		if err != nil {
			t.Fatal(err)
		}
		return string(csr.UID)
	}
	conditions := func(t *testing.T, name string) []certificatesv1.CertificateSigningRequestCondition {
		t.Helper()
		csr, err := admin.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return csr.Status.Conditions
	}

	t.Run("StartLoads", func(t *testing.T) {
		create(t, "live-first", certificatesv1.KubeAPIServerClientSignerName)
		waitSnapshot(t, w, "the first list", func(s []*certs.Summary) bool { return w.Loaded() && find(s, "live-first") != nil })
		if err := w.Err(); err != nil {
			t.Fatalf("Err = %v", err)
		}
	})

	// The answers of SelfSubjectAccessReviews, for users made from the
	// cluster CA, match what the apiserver then does.
	t.Run("Permissions", func(t *testing.T) {
		const one, two = "example.com/one", "example.com/two"
		signers := []string{certificatesv1.KubeAPIServerClientSignerName, one, two}
		perms, err := c.Permissions(ctx, signers)
		if err != nil {
			t.Fatal(err)
		}
		if len(perms.Answers) != len(certs.PermissionProbes(signers)) {
			t.Fatalf("%d answers", len(perms.Answers))
		}
		for _, p := range perms.Answers {
			if !p.Allowed {
				t.Errorf("the admin may not %s", p.Rule())
			}
		}

		readCSRs := rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}}
		viewer := grant(t, cp, admin, "live-viewer", readCSRs)
		vp, err := viewer.Permissions(ctx, signers)
		if err != nil {
			t.Fatal(err)
		}
		if got := vp.Decide(one); got != "needs update on certificatesigningrequests/approval" {
			t.Errorf("viewer: Decide = %q", got)
		}
		if m := vp.Missing(certs.PermListCSRs, certs.PermWatchCSRs); len(m) != 0 {
			t.Errorf("viewer may not %v", m)
		}
		if m := vp.Missing(certs.PermAccessReview, certs.PermListNodes, certs.PermListClusterRoleBindings, certs.PermCreateCSRs, certs.PermDeleteCSRs); len(m) != 5 {
			t.Errorf("viewer: missing %v, want all five", m)
		}

		approver := grant(t, cp, admin, "live-one-signer", readCSRs,
			rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests/approval"}},
			rbacv1.PolicyRule{Verbs: []string{"approve"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, ResourceNames: []string{one}})
		ap, err := approver.Permissions(ctx, signers)
		if err != nil {
			t.Fatal(err)
		}
		if got := ap.Decide(one); got != "" {
			t.Errorf("approver for %s: Decide = %q", one, got)
		}
		if got := ap.Decide(two); got != "needs approve on signers example.com/*" {
			t.Errorf("approver for %s: Decide(%s) = %q", one, two, got)
		}
		// What the answers promise is what happens.
		uidOne, uidTwo := create(t, "live-signer-one", one), create(t, "live-signer-two", two)
		if already, err := approver.Approve(ctx, "live-signer-one", uidOne, "ok"); err != nil || already != nil {
			t.Errorf("approve on %s: %v, %v", one, already, err)
		}
		_, err = approver.Approve(ctx, "live-signer-two", uidTwo, "ok")
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `approve on signers (group certificates.k8s.io) with resourceName "example.com/two" or "example.com/*"`) {
			t.Errorf("approve on %s: %v, want a 403 naming the rule", two, err)
		}
	})

	// Two clients approve the same request at the same moment: one writes,
	// the other finds it approved; one Approved condition.
	t.Run("TwoApprovalsAtOnce", func(t *testing.T) {
		uid := create(t, "live-race-approve", certificatesv1.KubeAPIServerClientSignerName)
		clients := racingClients(t, cp, 2)
		type result struct {
			already *certs.Decided
			err     error
		}
		results := make([]result, 2)
		var wg sync.WaitGroup
		for i, rc := range clients {
			wg.Go(func() {
				results[i].already, results[i].err = rc.Approve(ctx, "live-race-approve", uid, "mine")
			})
		}
		wg.Wait()
		wrote := 0
		for _, r := range results {
			switch {
			case r.err != nil:
				t.Errorf("Approve: %v", r.err)
			case r.already == nil:
				wrote++
			case r.already.Type != "Approved" || r.already.Reason != certs.ReasonApprove || r.already.Message != "mine":
				t.Errorf("already = %+v, want csrtui's approval", r.already)
			default:
				t.Logf("the second: already %s", r.already.Describe(time.Now()))
			}
		}
		if wrote != 1 {
			t.Errorf("%d clients wrote, want 1", wrote)
		}
		if conds := conditions(t, "live-race-approve"); len(conds) == 0 || countType(conds, certificatesv1.CertificateApproved) != 1 {
			t.Errorf("conditions %+v, want one Approved", conds)
		}
	})

	// One approves and one denies at once: one decision, and the other
	// error says which and with what.
	t.Run("ApproveAndDenyAtOnce", func(t *testing.T) {
		uid := create(t, "live-race-both", certificatesv1.KubeAPIServerClientSignerName)
		clients := racingClients(t, cp, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		wg.Go(func() { _, errs[0] = clients[0].Approve(ctx, "live-race-both", uid, "yes") })
		wg.Go(func() { _, errs[1] = clients[1].Deny(ctx, "live-race-both", uid, "no") })
		wg.Wait()
		conds := conditions(t, "live-race-both")
		approved, denied := countType(conds, certificatesv1.CertificateApproved), countType(conds, certificatesv1.CertificateDenied)
		if approved+denied != 1 {
			t.Fatalf("conditions %+v, want one decision", conds)
		}
		loser, want := errs[1], `is already Approved: approved`
		if denied == 1 {
			loser, want = errs[0], `is already Denied: denied`
		}
		if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(loser, certs.ErrAlreadyDecided) || !strings.Contains(loser.Error(), want) || !strings.Contains(loser.Error(), "(CSRTUI") {
			t.Errorf("errors %v / %v, want one saying %q and csrtui's reason", errs[0], errs[1], want)
		}
		t.Logf("the loser: %v", loser)
	})

	// Decided with kubectl: what the cluster records is kubectl's reason and
	// message, and when; no user, and no field manager.
	t.Run("DecidedWithKubectl", func(t *testing.T) {
		uid := create(t, "live-kubectl", certificatesv1.KubeAPIServerClientSignerName)
		if _, err := cp.Kubectl(ctx, "", "certificate", "approve", "live-kubectl"); err != nil {
			t.Fatal(err)
		}
		_, err := c.Deny(ctx, "live-kubectl", uid, "too late")
		t.Logf("deny after kubectl: %v", err)
		if !errors.Is(err, certs.ErrAlreadyDecided) || !strings.Contains(err.Error(), `is already Approved: approved`) ||
			!strings.Contains(err.Error(), `ago (KubectlApprove): "This CSR was approved by kubectl certificate approve."`) {
			t.Errorf("Deny = %v", err)
		}
		already, err := c.Approve(ctx, "live-kubectl", uid, "me too")
		if err != nil || already == nil || already.Reason != "KubectlApprove" {
			t.Errorf("Approve = %+v, %v", already, err)
		}
	})

	// Last: the apiserver is frozen, then killed. The list stays, the error
	// says reconnecting and since when; requests created and deleted through
	// a second apiserver on the same etcd meanwhile are right once the first
	// is back, with no duplicates.
	t.Run("ApiserverGoesAndComesBack", func(t *testing.T) {
		create(t, "live-will-go", certificatesv1.KubeAPIServerClientSignerName)
		waitSnapshot(t, w, "live-will-go", func(s []*certs.Summary) bool { return find(s, "live-will-go") != nil })
		before := len(w.Snapshot())

		if err := cp.FreezeAPIServer(); err != nil {
			t.Fatal(err)
		}
		// A frozen apiserver answers nothing: a decision fails within the
		// request timeout, and says so.
		frozen := *c
		frozen.timeout = time.Second
		start := time.Now()
		_, err := frozen.Approve(ctx, "live-will-go", "any", "")
		if err == nil || time.Since(start) > 10*time.Second || !strings.Contains(err.Error(), "did not answer in time") {
			t.Errorf("Approve on a frozen apiserver: %v after %v", err, time.Since(start))
		}
		if err := cp.KillAPIServer(); err != nil {
			t.Fatal(err)
		}
		waitSnapshot(t, w, "the outage seen", func([]*certs.Summary) bool { return w.Err() != nil })
		var p interface {
			Since() time.Time
			Retrying() bool
		}
		if err := w.Err(); !errors.As(err, &p) || !p.Retrying() || p.Since().IsZero() || !strings.Contains(err.Error(), cp.Server) {
			t.Fatalf("Err = %v", err)
		}
		t.Logf("Err: %v", w.Err())
		if len(w.Snapshot()) != before || !w.Loaded() {
			t.Fatal("the list changed while the apiserver was gone")
		}

		second, stop, err := cp.StartSecondAPIServer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		other, err := kubernetes.NewForConfig(second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := controlplane.CreateCSR(ctx, other, "live-made-meanwhile", certificatesv1.KubeAPIServerClientSignerName, requestPEM(t, "meanwhile"),
			[]certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth}, 3600); err != nil {
			t.Fatal(err)
		}
		if err := other.CertificatesV1().CertificateSigningRequests().Delete(ctx, "live-will-go", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		stop()

		rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if err := cp.RestartAPIServer(rctx); err != nil {
			t.Fatal(err)
		}
		s := waitSnapshot(t, w, "the list to converge", func(s []*certs.Summary) bool {
			return w.Err() == nil && find(s, "live-made-meanwhile") != nil && find(s, "live-will-go") == nil
		})
		seen := map[string]bool{}
		for _, x := range s {
			if seen[x.Name] {
				t.Errorf("%s is listed twice", x.Name)
			}
			seen[x.Name] = true
		}
		list, err := admin.CertificatesV1().CertificateSigningRequests().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != len(s) {
			t.Errorf("the list holds %d requests, the cluster %d", len(s), len(list.Items))
		}
	})
}

func countType(conds []certificatesv1.CertificateSigningRequestCondition, typ certificatesv1.RequestConditionType) int {
	n := 0
	for _, c := range conds {
		if c.Type == typ {
			n++
		}
	}
	return n
}
