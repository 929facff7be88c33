package kube

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"

	authorizationv1 "k8s.io/api/authorization/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// TestOnControlPlane runs csrtui's cluster code against a real etcd,
// kube-apiserver and kube-controller-manager: one control plane, shared by the
// subtests, which run in order (the last one stops it).
func TestOnControlPlane(t *testing.T) {
	cp := controlplane.StartForTest(t)
	ctx := t.Context()
	admin, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Connect(ctx, flagsFor(cp.AdminKubeconfig))
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}

	create := func(t *testing.T, name, cn string, orgs ...string) (uid string) {
		t.Helper()
		csr, err := controlplane.CreateCSR(ctx, admin, name, certificatesv1.KubeAPIServerClientSignerName,
			requestPEM(t, cn, orgs...), []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth}, 3600)
		if err != nil {
			t.Fatal(err)
		}
		return string(csr.UID)
	}
	state := func(name string, want certs.State) func([]*certs.Summary) bool {
		return func(s []*certs.Summary) bool {
			x := find(s, name)
			return x != nil && x.State == want
		}
	}

	t.Run("Connect", func(t *testing.T) {
		if c.Server != cp.Server || c.Context != "csrtui" || c.User != controlplane.AdminUser || c.Demo {
			t.Errorf("header = %q %q %q %v; want the admin kubeconfig's", c.Context, c.Server, c.User, c.Demo)
		}
		raw, err := clientcmd.LoadFromFile(cp.AdminKubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		// A kubeconfig that does not trust the cluster CA, and one whose
		// credentials the apiserver does not know.
		untrusting := raw.DeepCopy()
		for _, cl := range untrusting.Clusters {
			cl.CertificateAuthorityData = nil
		}
		stranger := raw.DeepCopy()
		for _, u := range stranger.AuthInfos {
			*u = clientcmdapi.AuthInfo{Token: "not-a-token"}
		}
		for name, tc := range map[string]struct {
			cfg  *clientcmdapi.Config
			want string
		}{
			"tls": {untrusting, "unknown authority"},
			"401": {stranger, "401 Unauthorized"},
		} {
			p := filepath.Join(dir, name)
			if err := clientcmd.WriteToFile(*tc.cfg, p); err != nil {
				t.Fatal(err)
			}
			_, err := Connect(ctx, flagsFor(p))
			t.Logf("%s: %v", name, err)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), cp.Server) || !strings.Contains(err.Error(), `"csrtui"`) {
				t.Errorf("%s: Connect = %v, want %q naming the server and context", name, err, tc.want)
			}
		}
	})

	t.Run("WatchSeesCreatedRequests", func(t *testing.T) {
		for _, n := range []string{"watch-a", "watch-b", "watch-c"} {
			create(t, n, n, "dev")
		}
		s := waitSnapshot(t, w, "the three requests", func(s []*certs.Summary) bool {
			return find(s, "watch-a") != nil && find(s, "watch-b") != nil && find(s, "watch-c") != nil
		})
		x := find(s, "watch-b")
		if x.Request == nil || x.Request.CommonName != "watch-b" || x.Condition != "Pending" || x.Username != controlplane.AdminUser {
			t.Errorf("watch-b = %+v", x)
		}
		// Nothing changed: the same slice comes back.
		if again := w.Snapshot(); len(again) != len(s) || &again[0] != &s[0] {
			t.Error("an unchanged Snapshot rebuilt the slice")
		}
		if err := admin.CertificatesV1().CertificateSigningRequests().Delete(ctx, "watch-c", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitSnapshot(t, w, "watch-c gone", func(s []*certs.Summary) bool { return find(s, "watch-c") == nil })
	})

	t.Run("ApproveIsIssued", func(t *testing.T) {
		uid := create(t, "approve-me", "approve-me")
		already, err := c.Approve(ctx, "approve-me", uid, "ticket 42")
		if err != nil || already != nil {
			t.Fatalf("Approve = %v, %v", already, err)
		}
		s := waitSnapshot(t, w, "approve-me issued", state("approve-me", certs.StateIssued))
		x := find(s, "approve-me")
		if x.Condition != "Approved,Issued" || x.Certificate == nil || !x.Certificate.KeyMatchesRequest {
			t.Errorf("approve-me = %q %+v", x.Condition, x.Certificate)
		}
		got := x.Conditions[0]
		if got.Reason != certs.ReasonApprove || got.Message != "ticket 42" {
			t.Errorf("condition = %+v", got)
		}

		already, err = c.Approve(ctx, "approve-me", uid, "again")
		if err != nil || already == nil || already.Type != "Approved" || already.Message != "ticket 42" || already.Reason != certs.ReasonApprove {
			t.Errorf("second Approve = %+v, %v; want a no-op that finds csrtui's approval", already, err)
		}
		_, err = c.Deny(ctx, "approve-me", uid, "")
		if !errors.Is(err, certs.ErrAlreadyDecided) || !strings.Contains(err.Error(), "already Approved") {
			t.Errorf("Deny of an approved request = %v, want ErrAlreadyDecided", err)
		}
	})

	t.Run("Deny", func(t *testing.T) {
		uid := create(t, "deny-me", "deny-me")
		already, err := c.Deny(ctx, "deny-me", uid, "not yours")
		if err != nil || already != nil {
			t.Fatalf("Deny = %v, %v", already, err)
		}
		waitSnapshot(t, w, "deny-me denied", state("deny-me", certs.StateDenied))
		csr, err := admin.CertificatesV1().CertificateSigningRequests().Get(ctx, "deny-me", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := csr.Status.Conditions[0]; got.Type != certificatesv1.CertificateDenied || got.Reason != certs.ReasonDeny || got.Message != "not yours" {
			t.Errorf("condition = %+v", got)
		}
		if _, err := c.Approve(ctx, "deny-me", uid, ""); !errors.Is(err, certs.ErrAlreadyDecided) {
			t.Errorf("Approve of a denied request = %v, want ErrAlreadyDecided", err)
		}
	})

	// CSR names are reused: a decision made on one object must never land on
	// another that took its name.
	t.Run("ReplacedIsRefused", func(t *testing.T) {
		seen := create(t, "replace-me", "jane")
		csrs := admin.CertificatesV1().CertificateSigningRequests()
		if err := csrs.Delete(ctx, "replace-me", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		now := create(t, "replace-me", "jane", "admins")
		for _, d := range []func(context.Context, string, string, string) (*certs.Decided, error){c.Approve, c.Deny} {
			already, err := d(ctx, "replace-me", seen, "decided on the first one")
			if already != nil || !errors.Is(err, certs.ErrReplaced) || !strings.Contains(err.Error(), `"replace-me" was replaced by a different request`) {
				t.Errorf("decision on the replaced object = %v, %v; want ErrReplaced, said so", already, err)
			}
		}
		csr, err := csrs.Get(ctx, "replace-me", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(csr.UID) != now || len(csr.Status.Conditions) != 0 {
			t.Errorf("the new object was decided on: uid %s, conditions %+v", csr.UID, csr.Status.Conditions)
		}
	})

	t.Run("DeleteOnlyTheObjectSeen", func(t *testing.T) {
		csrs := admin.CertificatesV1().CertificateSigningRequests()
		seen := create(t, "delete-me", "jane")
		if err := csrs.Delete(ctx, "delete-me", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		now := create(t, "delete-me", "jane")
		gone, err := c.Delete(ctx, "delete-me", seen, "")
		t.Logf("delete of the replaced object: %v", err)
		if gone || !errors.Is(err, certs.ErrReplaced) || !strings.Contains(err.Error(), "nothing was deleted") {
			t.Errorf("Delete of the replaced object = %v, %v; want ErrReplaced, said so", gone, err)
		}
		if csr, err := csrs.Get(ctx, "delete-me", metav1.GetOptions{}); err != nil || string(csr.UID) != now {
			t.Fatalf("the new request: %v, %v; want it kept", csr, err)
		}
		if gone, err := c.Delete(ctx, "delete-me", now, ""); gone || err != nil {
			t.Errorf("Delete of the object seen = %v, %v; want it deleted", gone, err)
		}
		if _, err := csrs.Get(ctx, "delete-me", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("after Delete: %v, want not found", err)
		}
		if gone, err := c.Delete(ctx, "delete-me", now, ""); !gone || err != nil {
			t.Errorf("Delete again = %v, %v; want gone already", gone, err)
		}
	})

	// A superseded request decided by someone else after csrtui listed it
	// is not deleted: the delete is bound to the version listed too. (A
	// denial: an approval would go on changing as the signer issues.)
	t.Run("DeleteOnlyTheVersionSeen", func(t *testing.T) {
		csrs := admin.CertificatesV1().CertificateSigningRequests()
		uid := create(t, "changed-me", "jane")
		seen, err := csrs.Get(ctx, "changed-me", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Deny(ctx, "changed-me", uid, "meanwhile"); err != nil {
			t.Fatal(err)
		}
		gone, err := c.Delete(ctx, "changed-me", uid, seen.ResourceVersion)
		t.Logf("delete of the version listed: %v", err)
		if gone || !errors.Is(err, certs.ErrChanged) || !strings.Contains(err.Error(), `"changed-me" changed since csrtui listed it (now Denied)`) ||
			!strings.Contains(err.Error(), "nothing was deleted") {
			t.Errorf("Delete of a request changed since = %v, %v; want ErrChanged, said so", gone, err)
		}
		cur, err := csrs.Get(ctx, "changed-me", metav1.GetOptions{})
		if err != nil || string(cur.UID) != uid {
			t.Fatalf("the request: %v, %v; want it kept", cur, err)
		}
		if gone, err := c.Delete(ctx, "changed-me", uid, cur.ResourceVersion); gone || err != nil {
			t.Errorf("Delete of the version now = %v, %v; want it deleted", gone, err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		_, err := c.Approve(ctx, "no-such-request", "some-uid", "")
		if !apierrors.IsNotFound(err) || !strings.Contains(err.Error(), "no longer exists") {
			t.Errorf("Approve = %v, want not found, said so", err)
		}
	})

	t.Run("Forbidden", func(t *testing.T) {
		target := create(t, "forbidden-target", "forbidden-target")
		waitSnapshot(t, w, "forbidden-target", func(s []*certs.Summary) bool { return find(s, "forbidden-target") != nil })

		// nobody may do nothing.
		nobody := userClient(t, cp, "nobody")
		_, err := nobody.Approve(ctx, "forbidden-target", target, "")
		t.Logf("nobody approves: %v", err)
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "get on certificatesigningrequests") {
			t.Errorf("nobody: Approve = %v, want 403 naming get", err)
		}
		if _, err := nobody.Watch(ctx, certs.DefaultPolicy()); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "list and watch on certificatesigningrequests") {
			t.Errorf("nobody: Watch = %v, want 403 naming list and watch", err)
		}
		if _, err := nobody.Capabilities(ctx, "someone", nil); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "subjectaccessreviews") {
			t.Errorf("nobody: Capabilities = %v, want 403 naming subjectaccessreviews", err)
		}

		// reader may read and write approvals, but approve for no signer.
		reader := grant(t, cp, admin, "reader",
			rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}},
			rbacv1.PolicyRule{Verbs: []string{"update"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests/approval"}})
		_, err = reader.Approve(ctx, "forbidden-target", target, "")
		t.Logf("reader approves: %v", err)
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `approve on signers`) || !strings.Contains(err.Error(), `"kubernetes.io/kube-apiserver-client"`) {
			t.Errorf("reader: Approve = %v, want 403 naming approve on the signer", err)
		}
		// The CertificateApproval admission plugin guards every write to the
		// approval subresource: denying needs the signer permission too.
		if _, err := reader.Deny(ctx, "forbidden-target", target, "by reader"); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `approve on signers`) {
			t.Errorf("reader: Deny = %v, want 403 naming approve on the signer", err)
		}
		// The reader can watch, but not nodes nor bindings: those facts are unknown.
		rctx, stop := context.WithCancel(ctx)
		rw, err := reader.Watch(rctx, certs.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if f := rw.facts.current(); f.NodesKnown || f.NodesErr != "no permission to list nodes" || f.AdminsKnown || f.AdminsErr != "no permission to list clusterroles" {
			t.Errorf("reader's facts = %+v", f)
		}
		// Its requests say the check was not made.
		target3 := create(t, "forbidden-target-3", "forbidden-target-3")
		s := waitSnapshot(t, rw, "forbidden-target-3", func(s []*certs.Summary) bool { return find(s, "forbidden-target-3") != nil })
		if f := findingOf(find(s, "forbidden-target-3"), certs.FindingClusterAdmin); f == nil || f.Severity != certs.SeverityMedium || !strings.Contains(f.Title, "no permission to list clusterroles") {
			t.Errorf("reader sees %s with cluster-admin finding %+v, want medium, unknown", target3, f)
		}
		stop()

		// getter may read but not write approvals.
		getter := grant(t, cp, admin, "getter",
			rbacv1.PolicyRule{Verbs: []string{"get"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}})
		target2 := create(t, "forbidden-target-2", "forbidden-target-2")
		_, err = getter.Approve(ctx, "forbidden-target-2", target2, "")
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "update on certificatesigningrequests/approval") {
			t.Errorf("getter: Approve = %v, want 403 naming the approval subresource", err)
		}
	})

	t.Run("Capabilities", func(t *testing.T) {
		caps, err := c.Capabilities(ctx, "mallory", []string{"system:masters"})
		if err != nil {
			t.Fatal(err)
		}
		if len(caps) != len(certs.CapabilityProbes()) {
			t.Fatalf("%d answers for %d probes", len(caps), len(certs.CapabilityProbes()))
		}
		for _, p := range caps {
			if !p.Allowed {
				t.Errorf("system:masters may not %s %s", p.Verb, p.Resource)
			}
		}
		caps, err = c.Capabilities(ctx, "nobody-at-all", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range caps {
			if p.Allowed {
				t.Errorf("a nobody may %s %s (%s)", p.Verb, p.Resource, p.Reason)
			}
		}
	})

	t.Run("Facts", func(t *testing.T) {
		if f := w.facts.current(); !f.NodesKnown || !f.AdminsKnown || f.AdminsErr != "" || f.Admins[group("system:masters")] == nil {
			t.Errorf("admin's facts = %+v", f)
		}
		names := w.facts.current().APIServerNames
		for _, want := range []string{"kubernetes.default.svc", "127.0.0.1", "10.0.0.1"} {
			if !contains(names, want) {
				t.Errorf("APIServerNames %v lack %s", names, want)
			}
		}
		if _, err := controlplane.CreateNode(ctx, admin, "node-a", corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "192.0.2.10"}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "ops-admins"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "ops"}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		// A change of facts makes the next Snapshot look at every request again.
		waitSnapshot(t, w, "the new node and binding in the facts", func([]*certs.Summary) bool {
			f := w.known
			return contains(f.NodeAddresses["node-a"], "192.0.2.10") && f.Admins[group("ops")] != nil
		})
	})

	// Every path to cluster-admin, read from the rules: a user bound to
	// cluster-admin, a group bound to a home-made ClusterRole of "*" on "*", a
	// service account bound to cluster-admin, a RoleBinding in kube-system; and
	// a RoleBinding in a namespace that counts once one of its service accounts
	// is an admin.
	t.Run("ClusterAdminsAreCritical", func(t *testing.T) {
		rbac := admin.RbacV1()
		if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		star := rbacv1.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}
		for _, r := range []*rbacv1.ClusterRole{
			{ObjectMeta: metav1.ObjectMeta{Name: "home-made-god"}, Rules: []rbacv1.PolicyRule{star}},
			{ObjectMeta: metav1.ObjectMeta{Name: "sa-impersonator"}, Rules: []rbacv1.PolicyRule{
				{Verbs: []string{"impersonate"}, APIGroups: []string{""}, Resources: []string{"serviceaccounts"}},
			}},
		} {
			if _, err := rbac.ClusterRoles().Create(ctx, r, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := rbac.Roles("kube-system").Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "local-god"}, Rules: []rbacv1.PolicyRule{star}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, b := range []*rbacv1.ClusterRoleBinding{
			clusterRoleBinding("root-alice", "cluster-admin", rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "root-alice"}),
			clusterRoleBinding("gods", "home-made-god", rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "gods"}),
			clusterRoleBinding("ops-deployer", "cluster-admin", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "ops", Name: "deployer"}),
		} {
			if _, err := rbac.ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range []*rbacv1.RoleBinding{
			roleBinding("kube-system", "kate", "Role", "local-god", "kate"),
			roleBinding("team-a", "tom", "ClusterRole", "sa-impersonator", "tom"),
		} {
			if _, err := rbac.RoleBindings(b.Namespace).Create(ctx, b, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		create(t, "admin-user", "root-alice")
		create(t, "admin-group", "someone", "dev", "gods")
		create(t, "admin-sa", "system:serviceaccount:ops:deployer")
		create(t, "admin-kube-system", "kate")
		create(t, "team-lead", "tom")

		critical := func(s []*certs.Summary, name, title string) bool {
			f := findingOf(find(s, name), certs.FindingClusterAdmin)
			return f != nil && f.Severity == certs.SeverityCritical && strings.Contains(f.Title, title)
		}
		s := waitSnapshot(t, w, "the critical findings", func(s []*certs.Summary) bool {
			return critical(s, "admin-user", `CN "root-alice" by ClusterRoleBinding root-alice -> ClusterRole cluster-admin (* on *)`) &&
				critical(s, "admin-group", `O "gods" by ClusterRoleBinding gods -> ClusterRole home-made-god (* on *)`) &&
				critical(s, "admin-sa", `CN "system:serviceaccount:ops:deployer" (ServiceAccount ops:deployer) by ClusterRoleBinding ops-deployer`) &&
				critical(s, "admin-kube-system", `CN "kate" by RoleBinding kube-system/kate -> Role local-god (* on * in kube-system)`) &&
				find(s, "team-lead") != nil
		})
		if f := findingOf(find(s, "team-lead"), certs.FindingClusterAdmin); f != nil {
			t.Errorf("a namespace admin of team-a is flagged: %+v", f)
		}

		// team-a's deployer becomes an admin: acting as it is now cluster-admin.
		if _, err := rbac.ClusterRoleBindings().Create(ctx, clusterRoleBinding("team-a-deployer", "cluster-admin",
			rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "team-a", Name: "deployer"}), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitSnapshot(t, w, "team-lead critical", func(s []*certs.Summary) bool {
			return critical(s, "team-lead", `CN "tom" by RoleBinding team-a/tom -> ClusterRole sa-impersonator (impersonate on serviceaccounts in team-a, as ServiceAccount team-a:deployer)`)
		})

		// An admin who may read ClusterRoles and ClusterRoleBindings but not
		// RoleBindings sees the cluster-wide paths only, and is told so.
		partial := grant(t, cp, admin, "rbac-partial",
			rbacv1.PolicyRule{Verbs: []string{"list", "watch"}, APIGroups: []string{rbacv1.GroupName}, Resources: []string{"clusterroles", "clusterrolebindings"}},
			rbacv1.PolicyRule{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}})
		pctx, stop := context.WithCancel(ctx)
		defer stop()
		pw, err := partial.Watch(pctx, certs.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		f := pw.facts.current()
		if !f.AdminsKnown || f.AdminsErr != "no permission to list rolebindings" || f.Admins[user("root-alice")] == nil || f.Admins[user("kate")] != nil {
			t.Errorf("partial facts: known %v, err %q, admins %v", f.AdminsKnown, f.AdminsErr, f.Admins)
		}
	})

	// The one-shot reads of the command line, after Facts changed the facts.
	t.Run("OneShot", func(t *testing.T) {
		uid := create(t, "oneshot-kim", "kim")
		got, err := c.Get(ctx, "oneshot-kim")
		if err != nil || string(got.UID) != uid {
			t.Fatalf("Get: %v, %v", got, err)
		}
		if _, err := c.Get(ctx, "oneshot-nobody"); !apierrors.IsNotFound(err) {
			t.Errorf("Get a missing name: %v", err)
		}
		items, err := c.List(ctx)
		if err != nil || !slicesContainName(items, "oneshot-kim") {
			t.Fatalf("List: %d items, %v", len(items), err)
		}
		f := c.Facts(ctx)
		if !f.NodesKnown || !contains(f.NodeAddresses["node-a"], "192.0.2.10") || f.Admins[group("ops")] == nil || !contains(f.APIServerNames, "10.0.0.1") {
			t.Errorf("Facts = %+v", f)
		}
		kc, err := c.KubeconfigCluster()
		if err != nil || kc.Server != cp.Server || string(kc.CAData) != string(cp.CAPEM) || kc.Name != "csrtui" {
			t.Errorf("KubeconfigCluster = %+v, %v", kc, err)
		}
	})

	// A requester allowed to create CSRs, and to get and watch one name only:
	// the watch names it in its field selector, so RBAC's resourceNames apply.
	t.Run("RequestWithTheNarrowestRules", func(t *testing.T) {
		name := "narrow-lee"
		csrs := []string{"certificatesigningrequests"}
		requester := grant(t, cp, admin, "lee",
			rbacv1.PolicyRule{APIGroups: []string{certificatesv1.GroupName}, Resources: csrs, Verbs: []string{"create"}},
			rbacv1.PolicyRule{APIGroups: []string{certificatesv1.GroupName}, Resources: csrs, ResourceNames: []string{name}, Verbs: []string{"get", "watch"}})
		newCSR := func(name string) *certificatesv1.CertificateSigningRequest {
			return &certificatesv1.CertificateSigningRequest{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: certificatesv1.CertificateSigningRequestSpec{
					Request: requestPEM(t, "lee"), SignerName: certificatesv1.KubeAPIServerClientSignerName,
					Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
				},
			}
		}
		created, err := requester.Create(ctx, newCSR(name))
		if err != nil {
			t.Fatal(err)
		}
		if created.Spec.Username != "lee" || created.UID == "" {
			t.Fatalf("created %+v", created.ObjectMeta)
		}
		var seen []string
		done := make(chan error, 1)
		var issued *certificatesv1.CertificateSigningRequest
		go func() {
			var err error
			issued, err = requester.WaitForCertificate(ctx, created, func(x *certificatesv1.CertificateSigningRequest) {
				_, words := certs.StatusOf(x)
				seen = append(seen, words)
			})
			done <- err
		}()
		if _, err := c.Approve(ctx, name, string(created.UID), "ok"); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(waitTimeout):
			t.Fatal("no certificate")
		}
		if len(issued.Status.Certificate) == 0 || len(seen) != 1 || seen[0] != "Approved" {
			t.Fatalf("issued %d bytes, saw %q", len(issued.Status.Certificate), seen)
		}
		if got, err := requester.Get(ctx, name); err != nil || got.UID != created.UID {
			t.Fatalf("Get its own: %v", err)
		}

		// Any other name: the watch is refused, and the error says what is missing.
		other, err := requester.Create(ctx, newCSR("narrow-lee-2"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = requester.WaitForCertificate(ctx, other, nil)
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "may not watch") {
			t.Fatalf("watching another name: %v", err)
		}
	})

	// The dry run: the object as it would be stored, with its requester, and
	// nothing stored; what admission or RBAC refuse is refused as by a create.
	t.Run("Preview", func(t *testing.T) {
		newCSR := func(name, cn string, orgs ...string) *certificatesv1.CertificateSigningRequest {
			return &certificatesv1.CertificateSigningRequest{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: certificatesv1.CertificateSigningRequestSpec{
					Request: requestPEM(t, cn, orgs...), SignerName: certificatesv1.KubeAPIServerClientSignerName,
					Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
				},
			}
		}
		out, err := c.Preview(ctx, newCSR("preview-pat", "pat"))
		if err != nil {
			t.Fatal(err)
		}
		if out.Spec.Username != controlplane.AdminUser || !contains(out.Spec.Groups, "system:authenticated") {
			t.Fatalf("the dry run's requester: %q %q", out.Spec.Username, out.Spec.Groups)
		}
		if _, err := c.Get(ctx, "preview-pat"); !apierrors.IsNotFound(err) {
			t.Fatalf("the dry run stored something: %v", err)
		}
		s := w.Summarize(out)
		if s.Username != controlplane.AdminUser || findingOf(s, certs.FindingOtherIdentity) == nil {
			t.Fatalf("summarized: %q, findings %+v", s.Username, s.Findings)
		}
		create(t, "preview-taken", "pat")
		if _, err := c.Preview(ctx, newCSR("preview-taken", "pat")); !apierrors.IsAlreadyExists(err) || !strings.Contains(err.Error(), "choose another name") {
			t.Fatalf("a taken name: %v", err)
		}
		if _, err := c.Preview(ctx, newCSR("preview-root", "root", "system:masters")); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "system:masters") {
			t.Fatalf("admission: %v", err)
		}
		nobody := userClient(t, cp, "preview-nobody")
		if _, err := nobody.Preview(ctx, newCSR("preview-nobody", "nobody")); !apierrors.IsForbidden(err) ||
			!strings.Contains(err.Error(), "csrtui needs create on certificatesigningrequests") {
			t.Fatalf("no create: %v", err)
		}
	})

	// Once decoded, a CSR is its summary alone: nothing holds on to the
	// object it was listed or watched as, issued ones included (their summary
	// shares the certificate's bytes, not the object). Each object kept for
	// the decoders is followed with a weak pointer, which a GC clears once
	// nothing else points to the object.
	t.Run("DecodedKeepsNoObject", func(t *testing.T) {
		const listed, watched = 200, 20
		var issued []string
		for i := range listed {
			name := fmt.Sprintf("hold-%03d", i)
			uid := create(t, name, name)
			if i%10 == 0 {
				if _, err := c.Approve(ctx, name, uid, ""); err != nil {
					t.Fatal(err)
				}
				issued = append(issued, name)
			}
		}
		waitSnapshot(t, w, "the approved ones issued", func(s []*certs.Summary) bool {
			for _, name := range issued {
				if x := find(s, name); x == nil || x.State != certs.StateIssued {
					return false
				}
			}
			return true
		})

		var mu sync.Mutex
		var kept []weak.Pointer[certificatesv1.CertificateSigningRequest]
		hw := c.newWatcher(certs.DefaultPolicy())
		hw.store.kept = func(csr *certificatesv1.CertificateSigningRequest) {
			mu.Lock()
			kept = append(kept, weak.Make(csr))
			mu.Unlock()
		}
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if err := hw.start(wctx, c); err != nil {
			t.Fatal(err)
		}
		for i := range watched {
			create(t, fmt.Sprintf("hold-late-%02d", i), "late")
		}
		s := waitSnapshot(t, hw, "every request decoded", func(s []*certs.Summary) bool {
			return find(s, "hold-000") != nil && find(s, fmt.Sprintf("hold-late-%02d", watched-1)) != nil
		})
		select {
		case <-hw.Decoded():
		default:
			t.Fatal("every request decoded, and Decoded is not closed")
		}
		if x := find(s, issued[0]); x == nil || x.Certificate == nil || !x.HasCertificate() {
			t.Fatalf("%s decoded as %+v", issued[0], x)
		}
		if n := hw.store.undecoded(); n != 0 {
			t.Errorf("%d objects held for the decoders with every request decoded", n)
		}

		runtime.GC()
		mu.Lock()
		alive := 0
		for _, p := range kept {
			if p.Value() != nil {
				alive++
			}
		}
		n := len(kept)
		mu.Unlock()
		if n < listed+watched {
			t.Fatalf("%d objects kept for the decoders, want at least the %d made here", n, listed+watched)
		}
		if alive != 0 {
			t.Errorf("%d of the %d objects decoded are still held", alive, n)
		}
		t.Logf("%d objects decoded; %d summaries", n, len(s))
		runtime.KeepAlive(s)
		runtime.KeepAlive(hw)
	})

	// Last: it stops the control plane.
	t.Run("ErrWhenTheServerGoes", func(t *testing.T) {
		if err := w.Err(); err != nil {
			t.Fatalf("healthy watch: Err = %v", err)
		}
		if err := cp.Stop(); err != nil {
			t.Fatal(err)
		}
		waitSnapshot(t, w, "a connection error", func([]*certs.Summary) bool { return w.Err() != nil })
		t.Logf("Err: %v", w.Err())
		if msg := w.Err().Error(); !strings.Contains(msg, cp.Server) || strings.Contains(msg, "\n") {
			t.Errorf("Err = %q, want one line naming the server", msg)
		}
	})
}

func TestConnectErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, cfg *clientcmdapi.Config) string {
		p := filepath.Join(dir, name)
		if err := clientcmd.WriteToFile(*cfg, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	kubeconfig := func(server string) *clientcmdapi.Config {
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: server}
		cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
		cfg.Contexts["lab"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
		cfg.CurrentContext = "lab"
		return cfg
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("clusters: [this is not: a kubeconfig"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreachable := write("unreachable", kubeconfig("https://127.0.0.1:1"))

	for _, tc := range []struct {
		name    string
		flags   *genericclioptions.ConfigFlags
		want    []string
		notWant string
	}{
		{name: "unreachable", flags: flagsFor(unreachable), want: []string{`"lab"`, "https://127.0.0.1:1", "connection refused"}},
		{name: "garbage", flags: flagsFor(garbage), want: []string{"cannot load the kubeconfig"}},
		{name: "missing file", flags: flagsFor(filepath.Join(dir, "nope")), want: []string{"kubeconfig", "nope"}},
		{name: "no such context", flags: withContext(flagsFor(unreachable), "prod"), want: []string{`context "prod" is not in the kubeconfig`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
			defer cancel()
			_, err := Connect(ctx, tc.flags)
			t.Logf("%v", err)
			if err == nil {
				t.Fatal("Connect succeeded")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

// flagsFor are kubectl's flags with --kubeconfig set, as main builds them.
func flagsFor(kubeconfig string) *genericclioptions.ConfigFlags {
	f := genericclioptions.NewConfigFlags(true)
	f.KubeConfig = &kubeconfig
	return f
}

func withContext(f *genericclioptions.ConfigFlags, name string) *genericclioptions.ConfigFlags {
	f.Context = &name
	return f
}

// userClient is a client for a new user with a certificate from the cluster CA.
func userClient(t *testing.T, cp *controlplane.ControlPlane, name string, groups ...string) *Client {
	t.Helper()
	_, cfg, err := cp.MintUser(name, groups...)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(rest.CopyConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(cs)
	c.Server = cp.Server
	return c
}

// grant gives user a ClusterRole with rules and returns a client for the user,
// once the apiserver's authorizer applies the first rule.
func grant(t *testing.T, cp *controlplane.ControlPlane, admin kubernetes.Interface, user string, rules ...rbacv1.PolicyRule) *Client {
	t.Helper()
	ctx := t.Context()
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: user}, Rules: rules}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: user},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c := userClient(t, cp, user)
	r := rules[0]
	attrs := authorizationv1.ResourceAttributes{Verb: r.Verbs[0], Group: r.APIGroups[0]}
	attrs.Resource, attrs.Subresource, _ = strings.Cut(r.Resources[0], "/")
	if len(r.ResourceNames) > 0 {
		attrs.Name = r.ResourceNames[0]
	}
	err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, waitTimeout, true, func(ctx context.Context) (bool, error) {
		return c.selfAllowed(ctx, attrs)
	})
	if err != nil {
		t.Fatalf("RBAC for %s not in effect: %v", user, err)
	}
	return c
}

func clusterRoleBinding(name, role string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   subjects,
	}
}

func roleBinding(ns, name, kind, role, user string) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}},
	}
}

func user(name string) certs.RBACSubject { return certs.RBACSubject{Kind: rbacv1.UserKind, Name: name} }
func group(name string) certs.RBACSubject {
	return certs.RBACSubject{Kind: rbacv1.GroupKind, Name: name}
}

func findingOf(s *certs.Summary, id string) *certs.Finding {
	if s == nil {
		return nil
	}
	for i := range s.Findings {
		if s.Findings[i].ID == id {
			return &s.Findings[i]
		}
	}
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func slicesContainName(items []certificatesv1.CertificateSigningRequest, name string) bool {
	for _, x := range items {
		if x.Name == name {
			return true
		}
	}
	return false
}
