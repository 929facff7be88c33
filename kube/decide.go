package kube

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/csrtui/csrtui/certs"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
)

// fieldManager names csrtui in the managed fields of what it writes.
const fieldManager = "csrtui"

// ErrReadOnly is wrapped by the error of every write a read-only client
// (WithReadOnly) refuses.
var ErrReadOnly = errors.New("csrtui runs read-only (--readonly)")

// Approve adds an Approved condition to the CSR through the approval
// subresource, as `kubectl certificate approve` does, with csrtui's reason and
// the admin's message. uid is the UID of the object the admin decided on: when
// the CSR called name now has another one, nothing is written and the error
// wraps certs.ErrReplaced.
//
// already is nil when csrtui wrote the decision, and the decision found on the
// object when it was approved already (by someone else, a moment before, say):
// nothing is written then. An error wraps certs.ErrAlreadyDecided when the CSR
// was denied or failed, and says who and when as far as the cluster records it.
func (c *Client) Approve(ctx context.Context, name, uid, message string) (already *certs.Decided, err error) {
	return c.decide(ctx, name, uid, certs.Approve, message)
}

// Deny adds a Denied condition, like Approve.
func (c *Client) Deny(ctx context.Context, name, uid, message string) (already *certs.Decided, err error) {
	return c.decide(ctx, name, uid, certs.Deny, message)
}

// decide reads the CSR, lets certs add the condition, and writes it, reading and
// trying again when someone else changed the CSR in between. The write carries
// the resourceVersion of the read, so the object decided on is the one whose UID
// was checked; a replaced object is refused without retrying. Two admins
// deciding at once: the second write conflicts, the second read finds the first
// decision, and nothing more is written.
func (c *Client) decide(ctx context.Context, name, uid string, d certs.Decision, message string) (*certs.Decided, error) {
	if c.readOnly {
		return nil, decisionError(name, d, "", ErrReadOnly)
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	csrs := c.Interface.CertificatesV1().CertificateSigningRequests()

	var (
		already *certs.Decided
		step    string // "get" or "update": which call an error came from
	)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		step = "get"
		csr, err := csrs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		out, changed, err := certs.ApplyDecision(csr, uid, d, message, time.Now())
		if errors.Is(err, certs.ErrAlreadyDecided) {
			if found := certs.DecisionOf(csr); found != nil {
				return &decidedError{err: err, what: found.Describe(time.Now())}
			}
		}
		if err != nil {
			return err
		}
		if !changed {
			already = certs.DecisionOf(csr)
			if already == nil {
				// Issued with no Approved condition: nothing says more.
				already = &certs.Decided{Type: "Issued"}
			}
			return nil
		}
		step = "update"
		if _, err := csrs.UpdateApproval(ctx, name, out, metav1.UpdateOptions{FieldManager: fieldManager}); err != nil {
			return err
		}
		already = nil
		return nil
	})
	if err != nil {
		return nil, decisionError(name, d, step, err)
	}
	return already, nil
}

// decidedError is certs' "already Denied" with what the cluster records of
// that decision: `certificate signing request "x" is already Denied: denied 3s
// ago (KubectlDeny): "not ours"`.
type decidedError struct {
	err  error // wraps certs.ErrAlreadyDecided
	what string
}

func (e *decidedError) Error() string { return fmt.Sprintf("%v: %s", e.err, e.what) }
func (e *decidedError) Unwrap() error { return e.err }
