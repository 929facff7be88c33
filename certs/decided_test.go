package certs

import (
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDecisionOf(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	csr := &certificatesv1.CertificateSigningRequest{}
	if DecisionOf(csr) != nil || DecisionOf(nil) != nil {
		t.Fatal("a pending request has a decision")
	}
	csr.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{
		{Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue, Reason: "KubectlApprove", Message: "ok", LastUpdateTime: metav1.NewTime(now.Add(-3 * time.Second))},
		{Type: certificatesv1.CertificateFailed, Status: corev1.ConditionTrue, Reason: "SignerValidationFailure", LastUpdateTime: metav1.NewTime(now)},
	}
	d := DecisionOf(csr)
	if d == nil || d.Type != "Approved" || d.Reason != "KubectlApprove" || d.Message != "ok" {
		t.Fatalf("DecisionOf = %+v", d)
	}
	if got := d.Describe(now); got != `approved 3s ago (KubectlApprove): "ok"` {
		t.Errorf("Describe = %q", got)
	}

	// Denied wins, as kubectl's status words say.
	csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: certificatesv1.CertificateDenied, Status: corev1.ConditionTrue, LastUpdateTime: metav1.NewTime(now.Add(-2 * time.Hour)),
	})
	if got := DecisionOf(csr).Describe(now); got != "denied 2h ago" {
		t.Errorf("Describe = %q", got)
	}

	for at, want := range map[time.Time]string{
		now.Add(20 * time.Second): "approved just now",
		now.Add(2 * time.Hour):    "approved at 2026-05-01T14:00:00Z",
		{}:                        "approved",
	} {
		if got := (Decided{Type: "Approved", At: at}).Describe(now); got != want {
			t.Errorf("at %v: Describe = %q, want %q", at, got, want)
		}
	}
}

func TestSummaryDecision(t *testing.T) {
	s := &Summary{}
	if s.Decision() != nil {
		t.Fatal("a pending summary has a decision")
	}
	s.Conditions = []Condition{{Type: "Approved", Reason: "AutoApproved"}, {Type: "Failed"}}
	if d := s.Decision(); d == nil || d.Type != "Approved" || d.Reason != "AutoApproved" {
		t.Fatalf("Decision = %+v", d)
	}
}
