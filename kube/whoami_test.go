package kube

import (
	"slices"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestWhoAmI(t *testing.T) {
	cs := fake.NewClientset()
	cs.PrependReactor("create", "selfsubjectreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, &authenticationv1.SelfSubjectReview{Status: authenticationv1.SelfSubjectReviewStatus{
			UserInfo: authenticationv1.UserInfo{Username: "kubernetes-admin", Groups: []string{"kubeadm:cluster-admins", "system:authenticated"}},
		}}, nil
	})
	user, groups, err := NewClient(cs).WhoAmI(t.Context())
	if err != nil || user != "kubernetes-admin" || !slices.Equal(groups, []string{"kubeadm:cluster-admins", "system:authenticated"}) {
		t.Errorf("%q %q %v", user, groups, err)
	}

	cs = fake.NewClientset()
	cs.PrependReactor("create", "selfsubjectreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewServiceUnavailable("etcd is gone")
	})
	if _, _, err := NewClient(cs).WhoAmI(t.Context()); !apierrors.IsServiceUnavailable(err) || !strings.HasPrefix(err.Error(), "could not ask the apiserver who csrtui is: ") {
		t.Errorf("unavailable: %v", err)
	}

	// An answer with no user is no answer.
	cs = fake.NewClientset()
	cs.PrependReactor("create", "selfsubjectreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, &authenticationv1.SelfSubjectReview{}, nil
	})
	if _, _, err := NewClient(cs).WhoAmI(t.Context()); err == nil || !strings.Contains(err.Error(), "named no user") {
		t.Errorf("no user: %v", err)
	}
}
