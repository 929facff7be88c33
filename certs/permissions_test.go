package certs

import (
	"slices"
	"testing"
)

// answered answers PermissionProbes(signers), refusing the rules in refused.
func answered(signers []string, refused ...string) Permissions {
	ps := PermissionProbes(signers)
	for i := range ps {
		ps[i].Allowed = !slices.Contains(refused, ps[i].Rule())
	}
	return Permissions{Answers: ps}
}

func TestPermissionProbesAskEachSignerAndItsDomainOnce(t *testing.T) {
	var names []string
	for _, p := range PermissionProbes([]string{"kubernetes.io/kube-apiserver-client", "kubernetes.io/kubelet-serving", "example.com/x"}) {
		if p.Resource == "signers" {
			names = append(names, p.Name)
		}
	}
	want := []string{"example.com/*", "example.com/x", "kubernetes.io/*", "kubernetes.io/kube-apiserver-client", "kubernetes.io/kubelet-serving"}
	if !slices.Equal(names, want) {
		t.Fatalf("approve asked on %v, want %v", names, want)
	}
}

func TestDecide(t *testing.T) {
	const signer = "example.com/x"
	for _, tc := range []struct {
		name    string
		perms   Permissions
		want    string
		detail  string
		missing int
	}{
		{"nothing known refuses nothing", Permissions{}, "", "", 0},
		{"all allowed", answered([]string{signer}), "", "", 0},
		{"the wildcard is enough", answered([]string{signer}, "approve on signers example.com/x"), "", "", 0},
		{"the exact name is enough", answered([]string{signer}, "approve on signers example.com/*"), "", "", 0},
		{"neither", answered([]string{signer}, "approve on signers example.com/x", "approve on signers example.com/*"),
			"needs approve on signers example.com/*",
			"csrtui's identity needs approve on signers example.com/* or example.com/x (API group certificates.k8s.io): the CertificateApproval admission plugin checks both, for approvals and denials alike", 0},
		{"no approval subresource", answered([]string{signer}, "update on certificatesigningrequests/approval"),
			"needs update on certificatesigningrequests/approval",
			"csrtui's identity needs update on certificatesigningrequests/approval (API group certificates.k8s.io)", 1},
		{"a signer not asked about", answered([]string{"kubernetes.io/kubelet-serving"}, "approve on signers kubernetes.io/*", "approve on signers kubernetes.io/kubelet-serving"), "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.perms.Decide(signer); got != tc.want {
				t.Errorf("Decide = %q, want %q", got, tc.want)
			}
			if got := tc.perms.DecideDetail(signer); got != tc.detail {
				t.Errorf("DecideDetail = %q, want %q", got, tc.detail)
			}
			if got := len(tc.perms.Missing(PermApproval, PermGetCSRs)); got != tc.missing {
				t.Errorf("Missing = %d, want %d", got, tc.missing)
			}
		})
	}
}

func TestPermissionRule(t *testing.T) {
	for p, want := range map[Permission]string{
		PermApproval:          "update on certificatesigningrequests/approval",
		approveOn("a.io/*"):   "approve on signers a.io/*",
		PermListNodes:         "list on nodes",
		PermAccessReview:      "create on subjectaccessreviews",
		PermListClusterRoles:  "list on clusterroles",
		approveOn("a.io/x/y"): "approve on signers a.io/x/y",
	} {
		if got := p.Rule(); got != want {
			t.Errorf("%+v: Rule = %q, want %q", p, got, want)
		}
	}
	if got := signerWildcard("a.io/x/y"); got != "a.io/*" {
		t.Errorf("signerWildcard = %q", got)
	}
}
