package certs

import (
	certificatesv1 "k8s.io/api/certificates/v1"
)

// StatusOf returns the CSR's state and kubectl's words for its CONDITION
// column. The words follow extractCSRStatus in kubernetes
// pkg/printers/internalversion/printers.go exactly: Denied, else Approved,
// else Pending; then ",Failed" and ",Issued". Like kubectl it looks at the
// condition types only: the apiserver admits these three only with status True.
func StatusOf(csr *certificatesv1.CertificateSigningRequest) (State, string) {
	if csr == nil {
		return StatePending, "Pending"
	}
	var approved, denied, failed bool
	for _, c := range csr.Status.Conditions {
		switch c.Type {
		case certificatesv1.CertificateApproved:
			approved = true
		case certificatesv1.CertificateDenied:
			denied = true
		case certificatesv1.CertificateFailed:
			failed = true
		}
	}
	issued := len(csr.Status.Certificate) > 0

	decision := 0 // Pending
	switch {
	case denied:
		decision = 2
	case approved:
		decision = 1
	}
	words := conditionWords[decision][b2i(failed)][b2i(issued)]

	// The state answers "what can still happen": a denial or a failure is final
	// even if a certificate somehow sits next to it.
	state := StatePending
	switch {
	case denied:
		state = StateDenied
	case failed:
		state = StateFailed
	case issued:
		state = StateIssued
	case approved:
		state = StateApproved
	}
	return state, words
}

// conditionWords are StatusOf's words by decision (pending, approved,
// denied), failed and issued, written out so that every summary shares them.
var conditionWords = [3][2][2]string{
	{{"Pending", "Pending,Issued"}, {"Pending,Failed", "Pending,Failed,Issued"}},
	{{"Approved", "Approved,Issued"}, {"Approved,Failed", "Approved,Failed,Issued"}},
	{{"Denied", "Denied,Issued"}, {"Denied,Failed", "Denied,Failed,Issued"}},
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s Severity) String() string {
	switch s {
	case SeverityNone:
		return "none"
	case SeverityInfo:
		return "info"
	case SeverityLow:
		return "low"
	case SeverityMedium:
		return "medium"
	case SeverityHigh:
		return "high"
	case SeverityCritical:
		return "critical"
	case SeverityBlock:
		return "block"
	default:
		return "Severity(" + itoa(int(s)) + ")"
	}
}

func (s State) String() string {
	switch s {
	case StatePending:
		return "Pending"
	case StateApproved:
		return "Approved"
	case StateIssued:
		return "Issued"
	case StateDenied:
		return "Denied"
	case StateFailed:
		return "Failed"
	default:
		return "State(" + itoa(int(s)) + ")"
	}
}
