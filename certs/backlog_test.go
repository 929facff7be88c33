package certs

import (
	"slices"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	"k8s.io/apimachinery/pkg/types"
)

// backlogCSR is a pending kubelet-client request of system:node:x for the
// subject CN=system:node:x, O=system:nodes, created at second sec.
func backlogCSR(name string, sec int) *Summary {
	return &Summary{
		Name: name, UID: "uid-" + name, Created: time.Unix(int64(1_800_000_000+sec), 0),
		Signer: certificatesv1.KubeAPIServerClientKubeletSignerName, Username: "system:node:x",
		State: StatePending,
		Request: &Request{
			CommonName: "system:node:x", Organizations: []string{"system:nodes"},
			Subject: []Attribute{{OID: "2.5.4.10", Name: "O", Value: "system:nodes"}, {OID: "2.5.4.3", Name: "CN", Value: "system:node:x"}},
		},
	}
}

// superseded lists the names BacklogOf finds superseded, each with its live
// request: "old>new".
func superseded(t *testing.T, list []*Summary) []string {
	t.Helper()
	b := BacklogOf(list)
	var out []string
	for _, s := range list {
		if l := b.SupersededBy(s); l != nil {
			out = append(out, s.Name+">"+l.Name)
			if !b.Superseded(s) {
				t.Errorf("%s: SupersededBy and Superseded disagree", s.Name)
			}
		}
	}
	if len(out) != b.Len() {
		t.Errorf("Len = %d, want %d", b.Len(), len(out))
	}
	all := 0
	for s, l := range b.All() {
		if b.SupersededBy(s) != l {
			t.Errorf("All yields %s with %s, SupersededBy says %v", s.Name, l.Name, b.SupersededBy(s))
		}
		all++
	}
	if all != b.Len() {
		t.Errorf("All yields %d, Len says %d", all, b.Len())
	}
	slices.Sort(out)
	return out
}

func TestBacklog(t *testing.T) {
	with := func(s *Summary, edit func(*Summary)) *Summary { edit(s); return s }
	cases := []struct {
		name string
		list []*Summary
		want []string
	}{
		{"one request is live", []*Summary{backlogCSR("a", 0)}, nil},
		{"the newest is live, older repeats are superseded",
			[]*Summary{backlogCSR("a", 0), backlogCSR("b", 900), backlogCSR("c", 1800)},
			[]string{"a>c", "b>c"}},
		{"order in the list does not matter",
			[]*Summary{backlogCSR("c", 1800), backlogCSR("a", 0), backlogCSR("b", 900)},
			[]string{"a>c", "b>c"}},
		{"created in the same second as the newest: both live",
			[]*Summary{backlogCSR("a", 0), backlogCSR("b", 900), backlogCSR("c", 900)},
			[]string{"a>b"}},
		{"a tie within the second, not older by a whole one",
			[]*Summary{backlogCSR("a", 0), with(backlogCSR("b", 0), func(s *Summary) { s.Created = s.Created.Add(999 * time.Millisecond) })},
			nil},
		{"the newest with other SANs repeats nothing",
			[]*Summary{
				with(backlogCSR("a", 0), func(s *Summary) { s.Request.DNSNames = []string{"x.example"} }),
				with(backlogCSR("b", 60), func(s *Summary) { s.Request.DNSNames = []string{"x.example", "y.example"} }),
			},
			nil},
		{"SANs in another order repeat",
			[]*Summary{
				with(backlogCSR("a", 0), func(s *Summary) { s.Request.IPAddresses = []string{"10.0.0.2", "10.0.0.1"} }),
				with(backlogCSR("b", 60), func(s *Summary) { s.Request.IPAddresses = []string{"10.0.0.1", "10.0.0.2"} }),
			},
			[]string{"a>b"}},
		{"each kind of SAN counts",
			[]*Summary{
				with(backlogCSR("a", 0), func(s *Summary) { s.Request.URIs = []string{"spiffe://x"} }),
				with(backlogCSR("b", 60), func(s *Summary) { s.Request.EmailAddresses = []string{"spiffe://x"} }),
			},
			nil},
		{"another subject is not repeated, even between two older ones",
			[]*Summary{
				with(backlogCSR("a", 0), func(s *Summary) { s.Request.Subject = s.Request.Subject[1:] }),
				with(backlogCSR("b", 30), func(s *Summary) { s.Request.Subject = s.Request.Subject[1:] }),
				backlogCSR("c", 60),
			},
			nil},
		{"the subject's attributes in another order differ",
			[]*Summary{
				with(backlogCSR("a", 0), func(s *Summary) { s.Request.Subject = []Attribute{s.Request.Subject[1], s.Request.Subject[0]} }),
				backlogCSR("b", 60),
			},
			nil},
		{"another requester is another group",
			[]*Summary{with(backlogCSR("a", 0), func(s *Summary) { s.Username = "system:bootstrap:abcdef" }), backlogCSR("b", 60)},
			nil},
		{"another signer is another group",
			[]*Summary{with(backlogCSR("a", 0), func(s *Summary) { s.Signer = KubeletServingSignerName }), backlogCSR("b", 60)},
			nil},
		{"only pending requests count: an approved newer one supersedes nothing",
			[]*Summary{backlogCSR("a", 0), backlogCSR("b", 30), with(backlogCSR("c", 60), func(s *Summary) { s.State = StateIssued })},
			[]string{"a>b"}},
		{"a request not decoded yet is never superseded",
			[]*Summary{with(backlogCSR("a", 0), func(s *Summary) { s.Unchecked = true }), backlogCSR("b", 60)},
			nil},
		{"nor supersedes while it is the newest",
			[]*Summary{backlogCSR("a", 0), with(backlogCSR("b", 60), func(s *Summary) { s.Unchecked = true })},
			nil},
		{"an undecodable newest repeats nothing",
			[]*Summary{backlogCSR("a", 0), with(backlogCSR("b", 60), func(s *Summary) { s.Request = nil })},
			nil},
		{"groups are judged apart",
			[]*Summary{
				backlogCSR("a", 0), backlogCSR("b", 60),
				with(backlogCSR("c", 0), func(s *Summary) { s.Username = "system:node:y" }),
				with(backlogCSR("d", 120), func(s *Summary) { s.Username = "system:node:y" }),
			},
			[]string{"a>b", "c>d"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := superseded(t, c.list); !slices.Equal(got, c.want) {
				t.Errorf("superseded = %q, want %q", got, c.want)
			}
		})
	}
}

// Requests as the apiserver stores them, decoded: the subjects parsed from
// two requests for the same node are equal, another node's are not.
func TestBacklogOfDecodedRequests(t *testing.T) {
	older, newer, other := kubeletClientSpec(), kubeletClientSpec(), kubeletClientSpec()
	older.name, newer.name, other.name = "csr-old", "csr-new", "csr-other"
	older.created = newer.created.Add(-20 * time.Minute)
	other.req.cn, other.username = "system:node:other", "system:node:n1" // asked by n1 all the same
	other.created = newer.created.Add(-10 * time.Minute)
	var list []*Summary
	for _, c := range []csrSpec{older, newer, other} {
		obj := c.build(t)
		obj.UID = types.UID("uid-" + c.name)
		list = append(list, Summarize(obj, DefaultPolicy(), goodFacts()))
	}
	if got := superseded(t, list); !slices.Equal(got, []string{"csr-old>csr-new"}) {
		t.Errorf("superseded = %q, want csr-old by csr-new only (csr-other asks for another subject)", got)
	}
	var zero Backlog
	if zero.Superseded(list[0]) || zero.SupersededBy(nil) != nil || zero.Len() != 0 {
		t.Error("the zero Backlog holds something")
	}
}
