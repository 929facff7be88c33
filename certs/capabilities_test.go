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

func TestCapabilityFindings(t *testing.T) {
	answered := func(allowed ...string) []Capability {
		caps := CapabilityProbes()
		for i := range caps {
			for _, a := range allowed {
				if caps[i].Verb+" "+caps[i].Resource == a {
					caps[i].Allowed = true
				}
			}
		}
		return caps
	}
	if got := CapabilityFindings(nil); got != nil {
		t.Fatalf("no answers: %+v", got)
	}
	// Powerful probes the cluster says no to, and harmful but bounded ones it
	// allows, are not this finding.
	if got := CapabilityFindings(answered("get secrets", "list secrets", "create pods", "update certificatesigningrequests")); got != nil {
		t.Fatalf("nothing powerful allowed: %+v", got)
	}
	for allowed, label := range map[string]string{
		"* *":                   "do everything (cluster-admin)",
		"escalate clusterroles": "grant permissions it lacks (escalate cluster roles)",
		"bind clusterroles":     "bind cluster roles",
		"impersonate users":     "impersonate users",
		"impersonate groups":    "impersonate groups",
		"approve signers":       "approve for any signer",
	} {
		got := CapabilityFindings(answered(allowed, "get secrets"))
		if len(got) != 1 || got[0].ID != FindingPowerfulIdentity || got[0].Severity != SeverityCritical ||
			got[0].Title != "If approved, this identity could "+label || got[0].Detail == "" {
			t.Errorf("%s allowed: %+v", allowed, got)
		}
	}
	got := CapabilityFindings(answered("* *", "bind clusterroles"))
	if len(got) != 1 || got[0].Title != "If approved, this identity could do everything (cluster-admin); bind cluster roles" {
		t.Fatalf("two allowed: %+v", got)
	}
}

func TestMayAuthenticate(t *testing.T) {
	for _, c := range []struct {
		signer string
		usages []string
		want   bool
	}{
		{KubeAPIServerClientSignerName, []string{"digital signature"}, true},
		{KubeAPIServerClientKubeletSignerName, []string{"client auth"}, true},
		{KubeletServingSignerName, []string{"server auth"}, false},
		{LegacyUnknownSignerName, []string{"client auth"}, true},
		{"example.com/x", []string{"digital signature"}, true}, // its controller decides what it issues
	} {
		if got := MayAuthenticate(c.signer, c.usages); got != c.want {
			t.Errorf("MayAuthenticate(%s, %v) = %v", c.signer, c.usages, got)
		}
	}
}
