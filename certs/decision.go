package certs

import (
	"errors"
	"fmt"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Decision is approve or deny.
type Decision int

// The two decisions an admin can make.
const (
	Approve Decision = iota
	Deny
)

func (d Decision) String() string {
	if d == Deny {
		return "Deny"
	}
	return "Approve"
}

// Reasons csrtui writes on the conditions it adds, so an audit can tell its
// decisions from kubectl's (KubectlApprove/KubectlDeny) and controllers'.
const (
	ReasonApprove = "CSRTUIApprove"
	ReasonDeny    = "CSRTUIDeny"
)

// ErrAlreadyDecided is wrapped by ApplyDecision's error when the opposite decision
// (or Failed) is already on the CSR: `certificate signing request "N" is already Denied`.
var ErrAlreadyDecided = errors.New("already decided")

// alreadyDecidedError carries kubectl's exact wording while matching
// ErrAlreadyDecided with errors.Is.
type alreadyDecidedError struct {
	name string
	cond certificatesv1.RequestConditionType
}

func (e *alreadyDecidedError) Error() string {
	// Same text as addConditionIfNeeded in k8s.io/kubectl/pkg/cmd/certificates/certificates.go.
	return fmt.Sprintf("certificate signing request %q is already %s", e.name, e.cond)
}

func (e *alreadyDecidedError) Unwrap() error { return ErrAlreadyDecided }

// ErrReplaced is wrapped by ApplyDecision's error when the object of that name
// is not the one the admin decided on: CSR names are reused (a pending request
// is deleted after 24 hours, and anyone who may create CSRs may create one of a
// free name), so a decision is bound to the UID the admin saw. A CSR's spec is
// immutable (pkg/registry/certificates/certificates/strategy.go keeps it on
// update), so its UID pins the request bytes.
var ErrReplaced = errors.New("replaced by a different request")

// ErrChanged is wrapped by the error of a write bound to the version of a
// request the admin saw (a delete of a superseded request) when the request,
// still the same one, changed since: decided meanwhile, most likely. Nothing
// was written; the list shows what it is now.
var ErrChanged = errors.New("changed since it was listed")

type replacedError struct{ name string }

func (e *replacedError) Error() string {
	return fmt.Sprintf("%q was replaced by a different request since you opened it; look again", e.name)
}

func (e *replacedError) Unwrap() error { return ErrReplaced }

// ApplyDecision returns a copy of csr with the decision's condition appended
// (kubectl certificate approve/deny's semantics). changed is false when the same
// decision is already there (a no-op). It never mutates csr.
//
// uid is the UID of the object the admin read and decided on: when csr has
// another one, the error wraps ErrReplaced and nothing is decided. An empty
// uid is refused too: a decision on "whatever is called this now" is what the
// UID prevents.
//
// Like kubectl (k8s.io/kubectl/pkg/cmd/certificates/certificates.go), the
// opposite decision is an error; unlike kubectl, a Failed condition also blocks
// approval, because the apiserver never removes conditions and the signer
// ignores failed requests (pkg/controller/certificates/signer/signer.go).
func ApplyDecision(csr *certificatesv1.CertificateSigningRequest, uid string, d Decision, message string, now time.Time) (out *certificatesv1.CertificateSigningRequest, changed bool, err error) {
	if csr == nil {
		return nil, false, errors.New("no certificate signing request")
	}
	if uid == "" {
		return nil, false, fmt.Errorf("no UID for %q: a decision names the object it was made on", csr.Name)
	}
	if string(csr.UID) != uid {
		return nil, false, &replacedError{name: csr.Name}
	}
	var want certificatesv1.RequestConditionType
	var reason string
	switch d {
	case Approve:
		want, reason = certificatesv1.CertificateApproved, ReasonApprove
	case Deny:
		want, reason = certificatesv1.CertificateDenied, ReasonDeny
	default:
		return nil, false, fmt.Errorf("unknown decision %d", int(d))
	}

	state, _ := StatusOf(csr)
	noop, err := CheckDecision(csr.Name, state, d)
	if err != nil {
		return nil, false, err
	}
	out = csr.DeepCopy()
	if noop {
		return out, false, nil
	}
	out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type:           want,
		Status:         corev1.ConditionTrue,
		Reason:         reason,
		Message:        message,
		LastUpdateTime: metav1.NewTime(now),
	})
	return out, true, nil
}

// CheckDecision applies kubectl's rules (k8s.io/kubectl/pkg/cmd/certificates/certificates.go)
// to a CSR in state s: noop when the decision is already made, an error wrapping
// ErrAlreadyDecided when the opposite one, or Failed, is final. ApplyDecision and
// the console's keys both ask it, so a refusal reads the same wherever it comes from.
func CheckDecision(name string, s State, d Decision) (noop bool, err error) {
	switch d {
	case Approve:
		switch s {
		case StateApproved, StateIssued:
			return true, nil
		case StateDenied:
			return false, &alreadyDecidedError{name: name, cond: certificatesv1.CertificateDenied}
		case StateFailed:
			return false, &alreadyDecidedError{name: name, cond: certificatesv1.CertificateFailed}
		}
	case Deny:
		switch s {
		case StateDenied:
			return true, nil
		case StateApproved, StateIssued, StateFailed:
			// The signer fails only approved requests, so Failed means Approved too:
			// kubectl, which looks for the opposite condition, says Approved.
			return false, &alreadyDecidedError{name: name, cond: certificatesv1.CertificateApproved}
		}
	default:
		return false, fmt.Errorf("unknown decision %d", int(d))
	}
	return false, nil
}
