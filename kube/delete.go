package kube

import (
	"context"

	"github.com/csrtui/csrtui/certs"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Delete deletes the CSR called name while it is still the object the admin
// saw, with that uid and, when rv is set, at that resourceVersion: the
// apiserver checks both in the same write (delete preconditions), so neither
// a request created again under that name nor one decided since it was
// listed is deleted. The error then wraps certs.ErrReplaced or
// certs.ErrChanged. gone is true when there was no request of that name:
// nothing was deleted, nothing needed to be.
func (c *Client) Delete(ctx context.Context, name, uid, rv string) (gone bool, err error) {
	if c.readOnly {
		return false, deleteError(name, ErrReadOnly)
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	u := types.UID(uid)
	pre := &metav1.Preconditions{UID: &u}
	if rv != "" {
		pre.ResourceVersion = &rv
	}
	csrs := c.Interface.CertificatesV1().CertificateSigningRequests()
	err = csrs.Delete(ctx, name, metav1.DeleteOptions{Preconditions: pre})
	switch {
	case err == nil:
		return false, nil
	case apierrors.IsNotFound(err):
		return true, nil
	case apierrors.IsConflict(err) && rv != "":
		// The apiserver says which precondition failed only in prose: read
		// the request to tell a new one of that name from a change to this one.
		cur, gerr := csrs.Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(gerr):
			return true, nil
		case gerr == nil && cur.UID == u:
			_, now := certs.StatusOf(cur)
			return false, changedError(name, now, err)
		}
	}
	return false, deleteError(name, err)
}
