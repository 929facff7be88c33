package certs

import (
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestStatusOfEveryCombination(t *testing.T) {
	const (
		A = certificatesv1.CertificateApproved
		D = certificatesv1.CertificateDenied
		F = certificatesv1.CertificateFailed
	)
	// Words as `kubectl get csr` prints them (pkg/printers/internalversion/printers.go).
	for _, tc := range []struct {
		conds  []certificatesv1.RequestConditionType
		issued bool
		words  string
		state  State
	}{
		{nil, false, "Pending", StatePending},
		{nil, true, "Pending,Issued", StateIssued},
		{[]certificatesv1.RequestConditionType{F}, false, "Pending,Failed", StateFailed},
		{[]certificatesv1.RequestConditionType{F}, true, "Pending,Failed,Issued", StateFailed},
		{[]certificatesv1.RequestConditionType{A}, false, "Approved", StateApproved},
		{[]certificatesv1.RequestConditionType{A}, true, "Approved,Issued", StateIssued},
		{[]certificatesv1.RequestConditionType{A, F}, false, "Approved,Failed", StateFailed},
		{[]certificatesv1.RequestConditionType{A, F}, true, "Approved,Failed,Issued", StateFailed},
		{[]certificatesv1.RequestConditionType{D}, false, "Denied", StateDenied},
		{[]certificatesv1.RequestConditionType{D}, true, "Denied,Issued", StateDenied},
		{[]certificatesv1.RequestConditionType{D, F}, false, "Denied,Failed", StateDenied},
		{[]certificatesv1.RequestConditionType{D, F}, true, "Denied,Failed,Issued", StateDenied},
		{[]certificatesv1.RequestConditionType{A, D}, false, "Denied", StateDenied},
		{[]certificatesv1.RequestConditionType{D, A}, true, "Denied,Issued", StateDenied},
		{[]certificatesv1.RequestConditionType{F, A, D}, false, "Denied,Failed", StateDenied},
		{[]certificatesv1.RequestConditionType{A, D, F}, true, "Denied,Failed,Issued", StateDenied},
		{[]certificatesv1.RequestConditionType{"SomethingElse"}, false, "Pending", StatePending},
	} {
		c := clientSpec()
		c.request = []byte("unused")
		c.conds = tc.conds
		if tc.issued {
			c.cert = []byte("x")
		}
		state, words := StatusOf(c.build(t))
		if words != tc.words || state != tc.state {
			t.Errorf("%v issued=%v: got %s/%v, want %s/%v", tc.conds, tc.issued, words, state, tc.words, tc.state)
		}
	}
	if s, w := StatusOf(nil); s != StatePending || w != "Pending" {
		t.Errorf("nil: %v %s", s, w)
	}
}

func TestStrings(t *testing.T) {
	want := map[Severity]string{SeverityNone: "none", SeverityInfo: "info", SeverityLow: "low", SeverityMedium: "medium",
		SeverityHigh: "high", SeverityCritical: "critical", SeverityBlock: "block", Severity(99): "Severity(99)"}
	for s, w := range want {
		if s.String() != w {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), w)
		}
	}
	states := map[State]string{StatePending: "Pending", StateApproved: "Approved", StateIssued: "Issued",
		StateDenied: "Denied", StateFailed: "Failed", State(-1): "State(-1)"}
	for s, w := range states {
		if s.String() != w {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), w)
		}
	}
}
