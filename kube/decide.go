package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/csrtui/csrtui/certs"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
)

// fieldManager names csrtui in the managed fields of what it writes.
const fieldManager = "csrtui"

// Approve adds an Approved condition to the CSR through the approval
// subresource, as `kubectl certificate approve` does, with csrtui's reason and
// the admin's message. changed is false when it was already approved. An error
// wraps certs.ErrAlreadyDecided when the CSR was denied or failed.
func (c *Client) Approve(ctx context.Context, name, message string) (changed bool, err error) {
	return c.decide(ctx, name, certs.Approve, message)
}

// Deny adds a Denied condition, like Approve.
func (c *Client) Deny(ctx context.Context, name, message string) (changed bool, err error) {
	return c.decide(ctx, name, certs.Deny, message)
}

// decide reads the CSR, lets certs add the condition, and writes it, reading and
// trying again when someone else changed the CSR in between.
func (c *Client) decide(ctx context.Context, name string, d certs.Decision, message string) (bool, error) {
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
		out, ch, err := certs.ApplyDecision(csr, d, message, time.Now())
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

// decisionError turns a failed decision into one line an admin can act on. It
// unwraps to the original error.
func decisionError(name string, d certs.Decision, step string, err error) error {
	verb := "approve"
	if d == certs.Deny {
		verb = "deny"
	}
	var msg string
	switch {
	case errors.Is(err, certs.ErrAlreadyDecided):
		return err
	case apierrors.IsForbidden(err):
		msg = fmt.Sprintf("may not %s %q: %s", verb, name, missingPermission(step, err))
	case apierrors.IsNotFound(err):
		msg = fmt.Sprintf("certificate signing request %q no longer exists: it was deleted (the cleaner removes decided requests after an hour)", name)
	case apierrors.IsConflict(err):
		msg = fmt.Sprintf("certificate signing request %q kept changing while csrtui wrote the decision; look at it again and retry", name)
	case apierrors.IsInvalid(err):
		msg = fmt.Sprintf("the apiserver refused to %s %q: %s", verb, name, errOneLine(err))
	default:
		msg = fmt.Sprintf("could not %s %q: %s", verb, name, describe(err))
	}
	return &actionError{msg: msg, err: err}
}

// missingPermission names what a 403 on a decision lacks, from the call that
// failed and the server's words.
func missingPermission(step string, err error) string {
	text := errOneLine(err)
	switch {
	case step == "get":
		return "csrtui needs get on certificatesigningrequests (group certificates.k8s.io)"
	case strings.Contains(text, "signerName"):
		// The CertificateApproval admission plugin:
		// user not permitted to approve requests with signerName "S".
		signer := ""
		if i := strings.Index(text, `signerName "`); i >= 0 {
			signer = text[i+len(`signerName "`):]
			signer, _, _ = strings.Cut(signer, `"`)
		}
		if signer == "" {
			return "csrtui needs approve on signers (group certificates.k8s.io) for this signer"
		}
		domain, _, _ := strings.Cut(signer, "/")
		return fmt.Sprintf("csrtui needs approve on signers (group certificates.k8s.io) with resourceName %q or %q", signer, domain+"/*")
	default:
		return "csrtui needs update on certificatesigningrequests/approval (group certificates.k8s.io)"
	}
}

// describe says what went wrong with a request in a few words.
func describe(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), apierrors.IsTimeout(err), apierrors.IsServerTimeout(err):
		return "the apiserver did not answer in time (the change may or may not have been made: the list will show it)"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case apierrors.IsTooManyRequests(err):
		return "the apiserver is overloaded (429); try again shortly"
	default:
		return errOneLine(err)
	}
}
