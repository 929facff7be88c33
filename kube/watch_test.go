package kube

import (
	"testing"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// An informer stores an object before its handler marks it: a full rebuild can
// read a CSR whose mark comes later. That late mark changes nothing, and the
// previous snapshot comes back as is.
func TestSnapshotIgnoresALateMarkOfAnUnchangedRequest(t *testing.T) {
	csr := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "jane", UID: "uid-1", ResourceVersion: "7"},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request: requestPEM(t, "jane"), SignerName: certificatesv1.KubeAPIServerClientSignerName,
			Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
		},
	}
	w, err := NewClient(fake.NewClientset(csr)).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	first := w.Snapshot()
	if len(first) != 1 {
		t.Fatalf("snapshot = %d requests, want 1", len(first))
	}
	w.mark(csr)
	if again := w.Snapshot(); &again[0] != &first[0] {
		t.Error("a late mark of an unchanged request rebuilt the snapshot")
	}
	// A mark of a request that is gone still counts.
	w.mark(&certificatesv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "never-seen"}})
	if again := w.Snapshot(); &again[0] != &first[0] {
		t.Error("a mark of a request never listed rebuilt the snapshot")
	}
}
