package certs

import (
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// A request's life after it is decided: how long the signer took, and when
// the cluster forgets it.

// The periods of kube-controller-manager's CSR cleaner
// (pkg/controller/certificates/cleaner/cleaner.go, v1.37): approvedExpiration,
// deniedExpiration, pendingExpiration and its pollingInterval.
const (
	cleanIssued  = time.Hour      // an issued request, from its Approved condition
	cleanDecided = time.Hour      // a denied or failed request, from that condition
	cleanPending = 24 * time.Hour // a request with no condition, from its creation; an approved one never issued, from approval

	// CleanerInterval is how often the cleaner looks: a request goes at its
	// first look after its time has come, up to this much later.
	CleanerInterval = time.Hour
)

// Cleanup is when kube-controller-manager's cleaner deletes a request, and
// by which rule.
type Cleanup struct {
	At  time.Time // from when the cleaner deletes it (at its next hourly look)
	Why string    // the rule, e.g. "1h after approval (issued)"
}

// Cleanup says from when kube-controller-manager's cleaner deletes s, by the
// earliest rule of pkg/controller/certificates/cleaner/cleaner.go (v1.37) that
// applies: an issued request 1 h after its Approved condition, or when its
// certificate expires if sooner; a denied or failed one 1 h after that
// condition; one with no condition at all 24 h after it was created; an
// approved one never issued 24 h after approval. Every time is the
// condition's lastUpdateTime (which the apiserver fills in when a client
// leaves it out, pkg/registry/certificates/certificates/strategy.go) or the
// creation time; a zero time never counts, as upstream. ok is false when no
// rule will ever apply (a condition of another type alone, say): the request
// stays until someone deletes it.
func (s *Summary) Cleanup() (c Cleanup, ok bool) {
	consider := func(at time.Time, why string) {
		if !at.IsZero() && (!ok || at.Before(c.At)) {
			c, ok = Cleanup{At: at, Why: why}, true
		}
	}
	issued := s.HasCertificate()
	approved, hasApproved := s.conditionTime(certificatesv1.CertificateApproved)
	if len(s.Conditions) == 0 && !s.Created.IsZero() {
		consider(s.Created.Add(cleanPending), "24h after creation (pending)")
	}
	if hasApproved && issued {
		if !approved.IsZero() {
			consider(approved.Add(cleanIssued), "1h after approval (issued)")
		}
		// isIssuedExpired: the certificate's notAfter, whatever the approval time.
		if s.Certificate != nil {
			consider(s.Certificate.NotAfter, "when its certificate expires")
		}
	}
	if t, has := s.conditionTime(certificatesv1.CertificateDenied); has && !t.IsZero() {
		consider(t.Add(cleanDecided), "1h after denial")
	}
	if t, has := s.conditionTime(certificatesv1.CertificateFailed); has && !t.IsZero() {
		consider(t.Add(cleanDecided), "1h after failing")
	}
	if hasApproved && !issued && !approved.IsZero() {
		consider(approved.Add(cleanPending), "24h after approval (never issued)")
	}
	return c, ok
}

// conditionTime is the lastUpdateTime of the condition of type typ, and
// whether there is one. The apiserver admits each type once
// (pkg/apis/certificates/validation/validation.go).
func (s *Summary) conditionTime(typ certificatesv1.RequestConditionType) (time.Time, bool) {
	if c := s.condition(typ); c != nil {
		return c.LastUpdate, true
	}
	return time.Time{}, false
}

func (s *Summary) condition(typ certificatesv1.RequestConditionType) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == string(typ) {
			return &s.Conditions[i]
		}
	}
	return nil
}

// ApprovedAt is when s was approved: its Approved condition's
// lastUpdateTime, and false when it has none.
func (s *Summary) ApprovedAt() (time.Time, bool) {
	t, ok := s.conditionTime(certificatesv1.CertificateApproved)
	return t, ok && !t.IsZero()
}

// signerBackdate is how far before signing kube-controller-manager's signers
// date a certificate's notBefore, for clock skew
// (pkg/controller/certificates/signer/signer.go sign: Backdate, applied in
// pkg/controller/certificates/authority/policies.go).
const signerBackdate = 5 * time.Minute

// TimeToIssue is how long the signer took to issue s after it was approved.
// The cluster records no time of issue: status.certificate carries none, and
// no condition marks it. What it does record is the Approved condition's
// lastUpdateTime and the certificate's notBefore, which kube-controller-manager
// sets 5 minutes before it signs; both are whole seconds, so the answer is
// good to a second. ok is false when s is not issued, has no approval time,
// or its signer is not one of kube-controller-manager's: another signer
// chooses its own notBefore, so nothing says when it signed.
func (s *Summary) TimeToIssue() (time.Duration, bool) {
	approved, ok := s.ApprovedAt()
	if !ok || s.State != StateIssued || s.Certificate == nil || !IsBuiltinSigner(s.Signer) {
		return 0, false
	}
	return max(s.Certificate.NotBefore.Add(signerBackdate).Sub(approved), 0), true
}
