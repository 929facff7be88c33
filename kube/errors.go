package kube

// What csrtui tells the admin when a request fails is worded here, and only
// here: one line that names what failed, where, and what to do or which
// permission is missing. Errors stay unwrappable (errors.Is, apierrors) behind
// their words.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/csrtui/csrtui/certs"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/clientcmd"
)

// actionError is a one-line message for an admin that still unwraps to the
// error behind it, so callers can test it with errors.Is and apierrors.
type actionError struct {
	msg string
	err error
}

func (e *actionError) Error() string { return e.msg }
func (e *actionError) Unwrap() error { return e.err }

// contextNotFound says the kubeconfig has no context of that name.
func contextNotFound(contextName string) error {
	return fmt.Errorf("context %q is not in the kubeconfig: list the contexts with `kubectl config get-contexts` and pass one with --context", contextName)
}

// configError explains why no client configuration could be built.
func configError(contextName string, rawErr, err error) error {
	switch {
	case clientcmd.IsContextNotFound(err):
		return contextNotFound(contextName)
	case clientcmd.IsEmptyConfig(err):
		return errors.New("no kubeconfig found and not running inside a cluster: set KUBECONFIG or pass --kubeconfig")
	case rawErr != nil:
		return fmt.Errorf("cannot load the kubeconfig: %s", errOneLine(rawErr))
	case contextName == "":
		return fmt.Errorf("cannot use the kubeconfig: %s", errOneLine(err))
	default:
		return fmt.Errorf("context %q: cannot use the kubeconfig: %s", contextName, errOneLine(err))
	}
}

// connectError explains why the reachability check failed, naming the context and
// the server, and what to try.
func connectError(contextName, server string, timeout time.Duration, err error) error {
	where := fmt.Sprintf("%s (context %q)", server, contextName)
	var (
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		recordErr  tls.RecordHeaderError
		dnsErr     *net.DNSError
		netErr     net.Error
		status     apierrors.APIStatus
		statusCode = 0
	)
	if errors.As(err, &status) {
		statusCode = int(status.Status().Code)
	}
	switch {
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("%s rejected the credentials (401 Unauthorized): log in again or refresh the token of this context", where)
	case apierrors.IsForbidden(err):
		return fmt.Errorf("%s answered 403 Forbidden to a version check: %s", where, errOneLine(err))
	case errors.As(err, &unknownCA):
		return fmt.Errorf("TLS error talking to %s: the server's certificate is signed by an unknown authority; check certificate-authority-data in the kubeconfig", where)
	case errors.As(err, &hostname):
		return fmt.Errorf("TLS error talking to %s: the server's certificate is not valid for this host (%s); check the server address in the kubeconfig", where, errOneLine(hostname))
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS error talking to %s: %s", where, errOneLine(invalid))
	case errors.As(err, &recordErr):
		return fmt.Errorf("TLS error talking to %s: the server does not speak HTTPS; check the server address in the kubeconfig", where)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%s did not answer within %s: check the network, VPN or proxy, or raise --request-timeout", where, timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot reach %s: connection refused; is the cluster running, and is this the right context?", where)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot reach %s: cannot resolve %q; check the server address or your DNS/VPN", where, dnsErr.Name)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("connecting to %s: interrupted", where)
	case statusCode != 0:
		return fmt.Errorf("%s answered %d to a version check: %s", where, statusCode, errOneLine(err))
	default:
		return fmt.Errorf("cannot reach %s: %s", where, errOneLine(err))
	}
}

// listError explains why the initial list of CSRs from server failed.
func listError(ctx context.Context, server string, err error) error {
	switch {
	case apierrors.IsForbidden(err):
		return &actionError{
			msg: fmt.Sprintf("may not list or watch CertificateSigningRequests: csrtui needs get, list and watch on certificatesigningrequests (group certificates.k8s.io); the server said: %s", errOneLine(err)),
			err: err,
		}
	case apierrors.IsUnauthorized(err):
		return &actionError{msg: fmt.Sprintf("%s rejected the credentials (401 Unauthorized): log in again or refresh the token", apiserver(server)), err: err}
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		return &actionError{msg: fmt.Sprintf("cannot list CertificateSigningRequests from %s: %s", apiserver(server), errOneLine(err)), err: err}
	}
}

// connError is why the live list is out of date: it says since when, and
// whether retrying alone may mend it (ui reads both through the methods).
type connError struct {
	actionError
	since    time.Time
	retrying bool
}

// Since is when the problem began.
func (e *connError) Since() time.Time { return e.since }

// Retrying is false when the apiserver answers but refuses csrtui (the
// credentials, the permission to list or watch): the watch keeps trying,
// but only someone acting (a new login, a restored binding) mends that.
func (e *connError) Retrying() bool { return e.retrying }

// watchError explains why the live list of CSRs from server is out of date,
// since when.
func watchError(server string, err error, since time.Time) error {
	e := &connError{since: since, retrying: !refused(err)}
	e.err = err
	switch {
	case apierrors.IsForbidden(err):
		e.msg = fmt.Sprintf("%s refuses the watch: csrtui needs list and watch on certificatesigningrequests (group certificates.k8s.io); the server said: %s", apiserver(server), errOneLine(err))
	case apierrors.IsUnauthorized(err):
		e.msg = fmt.Sprintf("%s rejected the credentials (401 Unauthorized): log in again or refresh the token", apiserver(server))
	default:
		// The reason first: the header may cut the line.
		e.msg = fmt.Sprintf("%s (no updates from %s)", reason(err), apiserver(server))
	}
	return e
}

// refused reports whether the apiserver answered and said no for a reason
// that waiting does not change: a 4xx other than a timeout or too many
// requests. Everything else (no answer, 5xx, 429) passes.
func refused(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return false
	}
	code := status.Status().Code
	return code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests
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
	case errors.Is(err, certs.ErrAlreadyDecided), errors.Is(err, certs.ErrReplaced):
		return err
	case errors.Is(err, ErrReadOnly):
		msg = fmt.Sprintf("%v: %s %q is disabled", err, verb, name)
	case apierrors.IsForbidden(err):
		msg = fmt.Sprintf("may not %s %q: %s", verb, name, missingPermission(step, err))
	case apierrors.IsNotFound(err):
		msg = fmt.Sprintf("certificate signing request %q no longer exists: it was deleted (the cleaner removes decided requests after an hour)", name)
	case apierrors.IsConflict(err):
		msg = fmt.Sprintf("certificate signing request %q kept changing while csrtui wrote the decision; look at it again and retry", name)
	case apierrors.IsInvalid(err):
		msg = fmt.Sprintf("the apiserver refused to %s %q: %s", verb, name, errOneLine(err))
	case timedOut(err):
		msg = fmt.Sprintf("could not %s %q: %s (the change may or may not have been made: the list will show it)", verb, name, describe(err))
	case unreachable(err):
		msg = fmt.Sprintf("could not %s %q: the apiserver can't be reached: %s", verb, name, reason(err))
	default:
		msg = fmt.Sprintf("could not %s %q: %s", verb, name, describe(err))
	}
	return &actionError{msg: msg, err: err}
}

// unreachable reports whether a request never got an answer: refused, reset,
// no route, a name that does not resolve.
func unreachable(err error) bool {
	var (
		opErr  *net.OpError
		dnsErr *net.DNSError
	)
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.As(err, &opErr) || errors.As(err, &dnsErr)
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

// deleteError turns a failed delete into one line an admin can act on. A
// failed UID precondition (409) means the name now holds another request: it
// unwraps to certs.ErrReplaced.
func deleteError(name string, err error) error {
	var msg string
	switch {
	case errors.Is(err, ErrReadOnly):
		msg = fmt.Sprintf("%v: deleting %q is disabled", err, name)
	case apierrors.IsConflict(err):
		return &actionError{
			msg: fmt.Sprintf("%q was replaced by a different request of the same name since csrtui listed it: nothing was deleted", name),
			err: fmt.Errorf("%w: %w", certs.ErrReplaced, err),
		}
	case apierrors.IsForbidden(err):
		msg = fmt.Sprintf("may not delete %q: csrtui needs delete on certificatesigningrequests (group certificates.k8s.io)", name)
	case timedOut(err):
		msg = fmt.Sprintf("could not delete %q: %s (it may or may not be deleted: the list will show it)", name, describe(err))
	case unreachable(err):
		msg = fmt.Sprintf("could not delete %q: the apiserver can't be reached: %s", name, reason(err))
	default:
		msg = fmt.Sprintf("could not delete %q: %s", name, describe(err))
	}
	return &actionError{msg: msg, err: err}
}

// changedError is a delete refused because the request, still the one the
// admin saw, changed since it was listed: it is now in state now (kubectl's
// words). It unwraps to certs.ErrChanged.
func changedError(name, now string, err error) error {
	return &actionError{
		msg: fmt.Sprintf("%q changed since csrtui listed it (now %s): nothing was deleted", name, now),
		err: fmt.Errorf("%w: %w", certs.ErrChanged, err),
	}
}

// accessCheckError explains why an access review on resource could not be asked.
func accessCheckError(resource string, err error) error {
	if apierrors.IsForbidden(err) {
		return &actionError{
			msg: fmt.Sprintf("may not ask the cluster what an identity could do: csrtui needs create on %s (group authorization.k8s.io)", resource),
			err: err,
		}
	}
	return &actionError{msg: "access review failed: " + describe(err), err: err}
}

// permissionsError explains why csrtui could not ask what it may do itself.
// Every authenticated user may create SelfSubjectAccessReviews (the
// system:basic-user role), so this is seldom a 403.
func permissionsError(err error) error {
	return &actionError{msg: "could not ask the apiserver what csrtui may do: " + describe(err), err: err}
}

// getError explains why the CSR name could not be read.
func getError(name string, err error) error {
	var msg string
	switch {
	case apierrors.IsNotFound(err):
		msg = fmt.Sprintf("certificate signing request %q not found", name)
	case apierrors.IsForbidden(err):
		msg = fmt.Sprintf("may not read %q: csrtui needs get on certificatesigningrequests (group certificates.k8s.io)", name)
	default:
		msg = fmt.Sprintf("could not read %q: %s", name, describe(err))
	}
	return &actionError{msg: msg, err: err}
}

// createError explains why the CSR name could not be created.
func createError(name string, err error) error {
	var msg string
	switch {
	case errors.Is(err, ErrReadOnly):
		msg = fmt.Sprintf("%v: creating %q is disabled", err, name)
	case apierrors.IsAlreadyExists(err):
		msg = fmt.Sprintf("a certificate signing request named %q already exists: choose another name", name)
	case apierrors.IsForbidden(err):
		msg = "may not create certificate signing requests: csrtui needs create on certificatesigningrequests (group certificates.k8s.io); the server said: " + errOneLine(err)
	case apierrors.IsInvalid(err):
		msg = fmt.Sprintf("the apiserver refused the request %q: %s", name, errOneLine(err))
	case timedOut(err):
		msg = fmt.Sprintf("could not create %q: %s (it may or may not exist now)", name, describe(err))
	default:
		msg = fmt.Sprintf("could not create %q: %s", name, describe(err))
	}
	return &actionError{msg: msg, err: err}
}

// errReplacedWhileWaiting is what waitError words when the CSR waited for was
// deleted and created again under the same name.
var errReplacedWhileWaiting = errors.New("replaced by a different request of the same name")

// waitError explains why waiting for the certificate of name stopped.
func waitError(name string, err error) error {
	var msg string
	switch {
	case apierrors.IsNotFound(err):
		msg = fmt.Sprintf("certificate signing request %q was deleted before it was issued", name)
	case errors.Is(err, errReplacedWhileWaiting):
		msg = fmt.Sprintf("certificate signing request %q was deleted and replaced by a different request of the same name before it was issued", name)
	case apierrors.IsForbidden(err):
		msg = fmt.Sprintf("may not watch %q: csrtui needs watch on certificatesigningrequests (group certificates.k8s.io), which may be limited to this name", name)
	case apierrors.IsGone(err), apierrors.IsResourceExpired(err):
		msg = fmt.Sprintf("lost track of %q: the apiserver no longer has its history", name)
	default:
		msg = fmt.Sprintf("stopped waiting for %q: %s", name, reason(err))
	}
	return &actionError{msg: msg, err: err}
}

// Why a fact the findings use (the nodes, the RBAC roles and bindings) is unknown.

func factCheckError(resource string, err error) string {
	return fmt.Sprintf("cannot check access to %s: %s", resource, errOneLine(err))
}

func factForbidden(verb, resource string) string {
	return fmt.Sprintf("no permission to %s %s", verb, resource)
}

func factListError(resource string, err error) string {
	return fmt.Sprintf("cannot list %s: %s", resource, errOneLine(err))
}

// describe says what went wrong with a request in a few words.
func describe(err error) string {
	switch {
	case timedOut(err):
		return "the apiserver did not answer in time"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case apierrors.IsTooManyRequests(err):
		return "the apiserver is overloaded (429); try again shortly"
	default:
		return errOneLine(err)
	}
}

// timedOut reports whether a request ran out of time, on either side.
func timedOut(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err)
}

// reason says in a few words why a request failed, without the URL client-go
// puts in front of transport errors.
func reason(err error) string {
	var (
		urlErr *url.Error
		netErr net.Error
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case apierrors.IsUnauthorized(err):
		return "the credentials were rejected (401 Unauthorized)"
	case apierrors.IsForbidden(err):
		return "forbidden: " + errOneLine(err)
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.As(err, &urlErr):
		return errOneLine(urlErr.Err)
	default:
		return errOneLine(err)
	}
}

// apiserver names the server for a message: its URL, or "the apiserver".
func apiserver(server string) string {
	if server == "" {
		return "the apiserver"
	}
	return server
}

// errOneLine keeps an error to its first line: some client errors carry a
// response body.
func errOneLine(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}
