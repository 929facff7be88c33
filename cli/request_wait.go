package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/csrtui/csrtui/certs"
)

// wait waits for the decision and the certificate, then writes the files.
func (o *RequestOptions) wait(ctx context.Context, c Cluster, r *request, csr *certificatesv1.CertificateSigningRequest) error {
	streams := o.deps.Streams
	p := newProgress(streams.ErrOut, streams.ErrTerminal, o.deps.now)
	defer p.finish()
	p.set(stateText(r.name, csr))

	final := csr
	var err error
	if o.Wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, o.Wait)
		final, err = c.WaitForCertificate(wctx, csr, func(x *certificatesv1.CertificateSigningRequest) {
			p.set(stateText(r.name, x))
		})
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			// The watch failed: the request is still there, unless it was deleted.
			if apierrors.IsNotFound(err) {
				return withCode(ExitNotAsAsked, err)
			}
			return fmt.Errorf("%w; wait again with: %s", err, r.resumeCmd)
		}
	}
	p.finish()

	state, _ := certs.StatusOf(final)
	switch state {
	case certs.StateIssued:
		return o.write(ctx, r, final)
	case certs.StateDenied, certs.StateFailed:
		if r.madeKey {
			// The key was made for this request alone and is of no use now.
			_ = os.Remove(r.keyFile)
		}
		return withCode(ExitDenied, errors.New(decisionText(r.name, final, state)))
	}
	still := "still pending"
	if state == certs.StateApproved {
		still = "approved but not issued yet (is a signer running for " + final.Spec.SignerName + "?)"
	}
	switch {
	case ctx.Err() != nil:
		return withCode(ExitInterrupted, fmt.Errorf("interrupted: %s is %s; wait again with: %s", r.name, still, r.resumeCmd))
	case o.Wait == 0:
		return withCode(ExitTimeout, fmt.Errorf("%s is %s; wait for it with: %s", r.name, still, r.resumeCmd))
	}
	return withCode(ExitTimeout, fmt.Errorf("%s is %s after %s; wait again with: %s", r.name, still, o.Wait, r.resumeCmd))
}

// stateText is the progress line for csr.
func stateText(name string, csr *certificatesv1.CertificateSigningRequest) string {
	switch state, _ := certs.StatusOf(csr); state {
	case certs.StateApproved:
		return safe(name) + ": approved, waiting for the signer"
	case certs.StatePending:
		return safe(name) + ": pending, waiting for an approver (csrtui approve " + safe(name) + ")"
	default:
		return safe(name) + ": " + strings.ToLower(state.String())
	}
}

// decisionText says who refused and why: the condition's reason and message.
func decisionText(name string, csr *certificatesv1.CertificateSigningRequest, state certs.State) string {
	typ, verb := certificatesv1.CertificateDenied, "was denied"
	if state == certs.StateFailed {
		typ, verb = certificatesv1.CertificateFailed, "failed"
	}
	for _, c := range csr.Status.Conditions {
		if c.Type != typ {
			continue
		}
		text := name + " " + verb
		if c.Reason != "" {
			text += " (" + c.Reason + ")"
		}
		if c.Message != "" {
			text += ": " + c.Message
		}
		return text
	}
	return name + " " + verb
}
