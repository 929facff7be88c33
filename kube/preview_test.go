package kube

import (
	"errors"
	"slices"
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// Preview is a create with dryRun=All, and says what the apiserver refused
// in words for a console: a taken name just needs another.
func TestPreviewAsksForADryRun(t *testing.T) {
	cs := fake.NewClientset()
	var dryRun []string
	cs.PrependReactor("create", "certificatesigningrequests", func(a k8stesting.Action) (bool, runtime.Object, error) {
		dryRun = a.(k8stesting.CreateActionImpl).GetCreateOptions().DryRun
		return true, nil, apierrors.NewAlreadyExists(certificatesv1.Resource("certificatesigningrequests"), "jane")
	})
	_, err := NewClient(cs).Preview(t.Context(), watchedCSR("jane", "", ""))
	if !slices.Equal(dryRun, []string{metav1.DryRunAll}) {
		t.Fatalf("dryRun = %q", dryRun)
	}
	if !apierrors.IsAlreadyExists(err) || err.Error() != `a certificate signing request named "jane" already exists: choose another name` {
		t.Fatalf("error %v", err)
	}

	cs = fake.NewClientset()
	cs.PrependReactor("create", "certificatesigningrequests", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(certificatesv1.Resource("certificatesigningrequests"), "", errors.New("no"))
	})
	if _, err := NewClient(cs).Preview(t.Context(), watchedCSR("jane", "", "")); !apierrors.IsForbidden(err) ||
		!strings.Contains(err.Error(), "csrtui needs create on certificatesigningrequests") {
		t.Fatalf("forbidden: %v", err)
	}
}
