package kube

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/clientcmd"
)

// configError explains why no client configuration could be built.
func configError(contextName string, rawErr, err error) error {
	switch {
	case clientcmd.IsContextNotFound(err):
		return fmt.Errorf("context %q is not in the kubeconfig: list the contexts with `kubectl config get-contexts` and pass one with --context", contextName)
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
