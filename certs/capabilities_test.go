package certs

import "testing"

func TestCapabilityProbes(t *testing.T) {
	type key struct{ verb, group, resource, sub string }
	want := []key{
		{"*", "*", "*", ""},
		{"get", "", "secrets", ""},
		{"list", "", "secrets", ""},
		{"create", "", "pods", ""},
		{"impersonate", "", "users", ""},
		{"impersonate", "", "groups", ""},
		{"update", "certificates.k8s.io", "certificatesigningrequests", "approval"},
		{"approve", "certificates.k8s.io", "signers", ""},
		{"escalate", "rbac.authorization.k8s.io", "clusterroles", ""},
		{"bind", "rbac.authorization.k8s.io", "clusterroles", ""},
	}
	got := map[key]bool{}
	for _, c := range CapabilityProbes() {
		if c.Label == "" || c.Allowed || c.Reason != "" {
			t.Errorf("probe %+v: needs a label and no answer", c)
		}
		got[key{c.Verb, c.Group, c.Resource, c.Subresource}] = true
	}
	for _, k := range want {
		if !got[k] {
			t.Errorf("missing probe %+v", k)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d probes, want %d", len(got), len(want))
	}
}
