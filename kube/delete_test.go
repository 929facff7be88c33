package kube

import (
	"errors"
	"strings"
	"testing"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// Delete names the object by its UID in the request itself, so that the
// apiserver, not a read before, refuses a request created again under the name.
func TestDeleteSendsTheUIDAsAPrecondition(t *testing.T) {
	cs := fake.NewClientset(watchedCSR("old-1", "uid-1", "7"))
	c := NewClient(cs)
	gone, err := c.Delete(t.Context(), "old-1", "uid-1", "7")
	if err != nil || gone {
		t.Fatalf("Delete = %v, %v; want it deleted", gone, err)
	}
	var sent []k8stesting.DeleteActionImpl
	for _, a := range cs.Actions() {
		if d, ok := a.(k8stesting.DeleteActionImpl); ok {
			sent = append(sent, d)
		}
	}
	if len(sent) != 1 || len(cs.Actions()) != 1 {
		t.Fatalf("actions %v: want one delete and nothing else", cs.Actions())
	}
	p := sent[0].DeleteOptions.Preconditions
	if sent[0].Name != "old-1" || p == nil || p.UID == nil || *p.UID != "uid-1" || p.ResourceVersion == nil || *p.ResourceVersion != "7" {
		t.Fatalf("delete sent %+v, want old-1 with the preconditions UID uid-1 and resourceVersion 7", sent[0])
	}

	// Not there: already gone, nothing to say.
	if gone, err := c.Delete(t.Context(), "old-1", "uid-1", "7"); err != nil || !gone {
		t.Errorf("Delete of a request not there = %v, %v; want gone", gone, err)
	}
}

func TestDeleteErrors(t *testing.T) {
	refuse := func(err error) *Client {
		cs := fake.NewClientset(watchedCSR("old-1", "uid-1", "7"))
		cs.PrependReactor("delete", "certificatesigningrequests", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, err
		})
		return NewClient(cs)
	}
	gr := certificatesv1.Resource("certificatesigningrequests")
	for _, tc := range []struct {
		name     string
		c        *Client
		is       func(error) bool
		contains string
	}{
		{"the UID precondition failed", refuse(apierrors.NewConflict(gr, "old-1",
			errors.New("Precondition failed: UID in precondition: uid-1, UID in object meta: uid-2"))),
			func(err error) bool { return errors.Is(err, certs.ErrReplaced) && apierrors.IsConflict(err) },
			`"old-1" was replaced by a different request of the same name since csrtui listed it: nothing was deleted`},
		{"forbidden", refuse(apierrors.NewForbidden(gr, "old-1", errors.New("no"))), apierrors.IsForbidden,
			"csrtui needs delete on certificatesigningrequests (group certificates.k8s.io)"},
		{"read-only", &Client{Interface: fake.NewClientset(), readOnly: true},
			func(err error) bool { return errors.Is(err, ErrReadOnly) }, `deleting "old-1" is disabled`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gone, err := tc.c.Delete(t.Context(), "old-1", "uid-1", "")
			if gone || err == nil || !tc.is(err) || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("Delete = %v, %v; want an error saying %q", gone, err, tc.contains)
			}
		})
	}
}
