package kube

import (
	"context"
	"errors"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// Create creates csr and returns it as the apiserver stored it (with its UID
// and resourceVersion, from which WaitForCertificate watches).
func (c *Client) Create(ctx context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	out, err := c.Interface.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{FieldManager: fieldManager})
	if err != nil {
		return nil, createError(csr.Name, err)
	}
	return out, nil
}

// Finished reports whether nothing more will happen to csr: it has a
// certificate, or it was denied, or it failed.
func Finished(csr *certificatesv1.CertificateSigningRequest) bool {
	state, _ := certs.StatusOf(csr)
	return state == certs.StateIssued || state == certs.StateDenied || state == certs.StateFailed
}

// WaitForCertificate watches the CSR csr (its name, and only while it has
// csr's UID) from csr's resourceVersion until it is Finished, and returns that
// version. seen is called with each newer version on the way (approved, say).
// When ctx ends first it returns the last version it saw with ctx's error.
//
// It needs nothing but watch on that one name: the watch names it in a field
// selector, so RBAC resourceNames apply (the apiserver takes metadata.name from
// it, k8s.io/apiserver/pkg/endpoints/request/requestinfo.go). A dropped
// connection is reopened from the last resourceVersion seen, so no change is
// missed.
func (c *Client) WaitForCertificate(ctx context.Context, csr *certificatesv1.CertificateSigningRequest, seen func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error) {
	if Finished(csr) {
		return csr, nil
	}
	csrs := c.Interface.CertificatesV1().CertificateSigningRequests()
	selector := fields.OneTermEqualSelector("metadata.name", csr.Name).String()
	w, err := watchtools.NewRetryWatcherWithContext(ctx, csr.ResourceVersion, &cache.ListWatch{
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = selector
			return csrs.Watch(ctx, o)
		},
	})
	if err != nil {
		return csr, waitError(csr.Name, err)
	}
	defer w.Stop()

	last := csr
	for {
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok {
				if ctx.Err() != nil {
					return last, ctx.Err()
				}
				return last, waitError(csr.Name, errors.New("the watch ended"))
			}
			switch ev.Type {
			case watch.Error:
				return last, waitError(csr.Name, apierrors.FromObject(ev.Object))
			case watch.Deleted:
				return last, waitError(csr.Name, apierrors.NewNotFound(certificatesv1.Resource("certificatesigningrequests"), csr.Name))
			}
			obj, ok := ev.Object.(*certificatesv1.CertificateSigningRequest)
			if !ok || obj.Name != csr.Name {
				continue
			}
			if obj.UID != csr.UID {
				return last, waitError(csr.Name, errReplacedWhileWaiting)
			}
			last = obj
			if Finished(obj) {
				return obj, nil
			}
			if seen != nil {
				seen(obj)
			}
		}
	}
}
