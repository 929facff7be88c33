package kube

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

// A version delivered again (a relist, a watch resumed) changes nothing, nor
// does the deletion of a name never listed: the previous snapshot comes back
// as is.
func TestSnapshotIgnoresAVersionDeliveredAgain(t *testing.T) {
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
	first := waitSnapshot(t, w, "jane decoded", func(s []*certs.Summary) bool { return len(s) == 1 })
	if err := w.store.Update(csr.DeepCopy()); err != nil {
		t.Fatal(err)
	}
	if again := w.Snapshot(); &again[0] != &first[0] {
		t.Error("an unchanged request delivered again rebuilt the snapshot")
	}
	if err := w.store.Delete(&certificatesv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "never-seen"}}); err != nil {
		t.Fatal(err)
	}
	if again := w.Snapshot(); &again[0] != &first[0] {
		t.Error("the deletion of a request never listed rebuilt the snapshot")
	}
}

// The first snapshot lists every request at once from the fields that need no
// decoding, approval blocked; the decoders then replace each with its full
// summary, and a request changed meanwhile is decoded as it is now.
func TestSnapshotListsFirstThenDecodes(t *testing.T) {
	var objs []runtime.Object
	for i := range 50 {
		name := fmt.Sprintf("req-%02d", i)
		objs = append(objs, &certificatesv1.CertificateSigningRequest{
			ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), ResourceVersion: "1"},
			Spec: certificatesv1.CertificateSigningRequestSpec{
				Request: requestPEM(t, name), SignerName: certificatesv1.KubeAPIServerClientSignerName, Username: name,
				Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
			},
		})
	}
	cs := fake.NewClientset(objs...)
	w, err := NewClient(cs).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Decoded():
		t.Fatal("Decoded before the first snapshot")
	default:
	}
	select {
	case <-w.Listed():
	default:
		t.Fatal("Watch returned, and Listed is not closed")
	}
	first := w.Snapshot()
	if len(first) != len(objs) {
		t.Fatalf("first snapshot = %d requests, want %d", len(first), len(objs))
	}
	for _, s := range first {
		if !s.Unchecked || (len(s.Findings) != 1 || s.Findings[0].ID != certs.FindingUnchecked ||
			s.Findings[0].Severity != certs.SeverityBlock || s.Request != nil) {
			t.Fatalf("a glance at %s: %+v", s.Name, s)
		}
	}

	// req-07 changes (a new subject) while the decoders work.
	csrs := cs.CertificatesV1().CertificateSigningRequests()
	csr, err := csrs.Get(t.Context(), "req-07", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	csr.Spec.Request = requestPEM(t, "someone-else")
	csr.ResourceVersion = "2"
	if _, err := csrs.Update(t.Context(), csr, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	s := waitSnapshot(t, w, "every request decoded, req-07 as changed", func(s []*certs.Summary) bool {
		x := find(s, "req-07")
		return len(s) == len(objs) && x != nil && x.ResourceVersion == "2"
	})
	select {
	case <-w.Decoded():
	default:
		t.Error("every request decoded, and Decoded is not closed")
	}
	if !slices.IsSortedFunc(s, certs.Compare) {
		t.Error("the snapshot, edited in place as requests were decoded, is not in the list's order")
	}
	for _, x := range s {
		want := x.Name
		if x.Name == "req-07" {
			want = "someone-else"
		}
		if x.Request == nil || x.Request.CommonName != want || slices.ContainsFunc(x.Findings, func(f certs.Finding) bool {
			return f.ID == certs.FindingUnchecked
		}) {
			t.Errorf("%s decoded as %+v", x.Name, x)
		}
	}
}

// With no request at all there is nothing to decode.
func TestDecodedWithNoRequests(t *testing.T) {
	w, err := NewClient(fake.NewClientset()).Watch(t.Context(), certs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	w.Snapshot()
	select {
	case <-w.Decoded():
	case <-time.After(waitTimeout):
		t.Fatal("Decoded not closed for an empty list")
	}
}

// Edits made in place give the list a full sort gives.
func TestEditsMatchASort(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	summary := func(i int) *certs.Summary {
		return &certs.Summary{Name: fmt.Sprintf("csr-%03d", i), State: certs.State(i % 3), Created: base.Add(time.Duration(i%17) * time.Minute)}
	}
	var all []*certs.Summary
	for i := range 300 {
		all = append(all, summary(i))
	}
	sorted := slices.Clone(all)
	certs.Sort(sorted)
	ed := edits{}
	for i := 0; i < 300; i += 7 { // replaced
		ed.out = append(ed.out, all[i])
		all[i] = summary(i)
		all[i].State = certs.StateIssued
		ed.in = append(ed.in, all[i])
	}
	for i := 3; i < 300; i += 29 { // gone
		if i%7 != 0 {
			ed.out = append(ed.out, all[i])
		}
	}
	for i := 300; i < 310; i++ { // new
		ed.in = append(ed.in, summary(i))
	}
	got, ok := ed.apply(sorted, true)
	if !ok {
		t.Fatal("edits not applied")
	}
	want := slices.DeleteFunc(slices.Clone(all), func(s *certs.Summary) bool { return slices.Contains(ed.out, s) })
	want = append(want, ed.in[len(ed.in)-10:]...)
	certs.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("edited list differs from a sorted one")
	}
	if !slices.IsSortedFunc(sorted, certs.Compare) || len(sorted) != 300 {
		t.Error("apply changed the snapshot it was given")
	}
	if _, ok := (&edits{all: true}).apply(sorted, true); ok {
		t.Error("edits of every summary applied in place")
	}
}
