package kube

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Delete deletes the CSR called name while it is still the object the admin
// saw, with that uid: the apiserver checks the UID in the same write (a
// delete precondition), so a request created again under that name is never
// deleted; the error then wraps certs.ErrReplaced. gone is true when there
// was no request of that name: nothing was deleted, nothing needed to be.
func (c *Client) Delete(ctx context.Context, name, uid string) (gone bool, err error) {
	if c.readOnly {
		return false, deleteError(name, ErrReadOnly)
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	u := types.UID(uid)
	err = c.Interface.CertificatesV1().CertificateSigningRequests().Delete(ctx, name,
		metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &u}})
	switch {
	case err == nil:
		return false, nil
	case apierrors.IsNotFound(err):
		return true, nil
	}
	return false, deleteError(name, err)
}
