package kube

import (
	"context"
	"time"

	"github.com/csrtui/csrtui/certs"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
)

// fieldManager names csrtui in the managed fields of what it writes.
const fieldManager = "csrtui"

// Approve adds an Approved condition to the CSR through the approval
// subresource, as `kubectl certificate approve` does, with csrtui's reason and
// the admin's message. uid is the UID of the object the admin decided on: when
// the CSR called name now has another one, nothing is written and the error
// wraps certs.ErrReplaced. changed is false when it was already approved. An
// error wraps certs.ErrAlreadyDecided when the CSR was denied or failed.
func (c *Client) Approve(ctx context.Context, name, uid, message string) (changed bool, err error) {
	return c.decide(ctx, name, uid, certs.Approve, message)
}

// Deny adds a Denied condition, like Approve.
func (c *Client) Deny(ctx context.Context, name, uid, message string) (changed bool, err error) {
	return c.decide(ctx, name, uid, certs.Deny, message)
}

// decide reads the CSR, lets certs add the condition, and writes it, reading and
// trying again when someone else changed the CSR in between. The write carries
// the resourceVersion of the read, so the object decided on is the one whose UID
// was checked; a replaced object is refused without retrying.
func (c *Client) decide(ctx context.Context, name, uid string, d certs.Decision, message string) (bool, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	csrs := c.Interface.CertificatesV1().CertificateSigningRequests()

	var (
		changed bool
		step    string // "get" or "update": which call an error came from
	)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		step = "get"
		csr, err := csrs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		out, ch, err := certs.ApplyDecision(csr, uid, d, message, time.Now())
		if err != nil || !ch {
			changed = false
			return err
		}
		step = "update"
		if _, err := csrs.UpdateApproval(ctx, name, out, metav1.UpdateOptions{FieldManager: fieldManager}); err != nil {
			return err
		}
		changed = true
		return nil
	})
	if err != nil {
		return false, decisionError(name, d, step, err)
	}
	return changed, nil
}
