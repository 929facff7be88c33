package kube

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

var (
	benchOnce sync.Once
	benchCSRs []k8sruntime.Object
)

// csrs10k are 10,000 CSRs as a busy cluster would hold them: distinct names,
// UIDs and resource versions, a mix of signers and states, with managed fields.
func csrs10k(b *testing.B) []k8sruntime.Object {
	benchOnce.Do(func() {
		const distinctRequests = 50
		pems := make([][]byte, distinctRequests)
		for i := range pems {
			pems[i] = requestPEM(b, fmt.Sprintf("user-%d", i), "dev")
		}
		created := time.Now().Add(-time.Hour)
		for i := range 10000 {
			csr := &certificatesv1.CertificateSigningRequest{
				ObjectMeta: metav1.ObjectMeta{
					Name:              fmt.Sprintf("csr-%05d", i),
					UID:               types.UID(fmt.Sprintf("uid-%05d", i)),
					ResourceVersion:   strconv.Itoa(1000 + i),
					CreationTimestamp: metav1.NewTime(created.Add(time.Duration(i) * time.Second)),
					ManagedFields: []metav1.ManagedFieldsEntry{{
						Manager: "kubectl-create", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "certificates.k8s.io/v1",
						FieldsType: "FieldsV1", FieldsV1: fieldsV1(`{"f:spec":{"f:request":{},"f:signerName":{},"f:usages":{}}}`),
					}},
				},
				Spec: certificatesv1.CertificateSigningRequestSpec{
					Request:    pems[i%distinctRequests],
					SignerName: certificatesv1.KubeAPIServerClientSignerName,
					Usages:     []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageKeyEncipherment, certificatesv1.UsageClientAuth},
					Username:   fmt.Sprintf("user-%d", i%distinctRequests),
					Groups:     []string{"dev", "system:authenticated"},
				},
			}
			if i%3 == 0 {
				csr.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{
					Type: certificatesv1.CertificateDenied, Status: "True", Reason: "KubectlDeny",
				}}
			}
			benchCSRs = append(benchCSRs, csr)
		}
	})
	return benchCSRs
}

// BenchmarkSnapshot10k measures the informer path csrtui runs on a cluster with
// 10,000 CSRs: the initial list into the informer store and the first Snapshot
// (every request decoded and linted), then a Snapshot after one CSR changed.
// It reports the heap in use after GC with the 10,000 summaries alive.
func BenchmarkSnapshot10k(b *testing.B) {
	objs := csrs10k(b)

	b.Run("first", func(b *testing.B) {
		var synced, snapshot time.Duration
		for b.Loop() {
			b.StopTimer()
			cs := fake.NewClientset(objs...)
			ctx, cancel := context.WithCancel(b.Context())
			b.StartTimer()
			start := time.Now()
			w, err := NewClient(cs).Watch(ctx, certs.DefaultPolicy())
			if err != nil {
				b.Fatal(err)
			}
			synced += time.Since(start)
			start = time.Now()
			if n := len(w.Snapshot()); n != len(objs) {
				b.Fatalf("snapshot has %d CSRs, want %d", n, len(objs))
			}
			snapshot += time.Since(start)
			b.StopTimer()
			cancel()
			b.StartTimer()
		}
		// Where the time goes: filling the informer, then decoding every request.
		b.ReportMetric(float64(synced.Milliseconds())/float64(b.N), "sync-ms/op")
		b.ReportMetric(float64(snapshot.Milliseconds())/float64(b.N), "snapshot-ms/op")
	})

	b.Run("after-1-change", func(b *testing.B) {
		cs := fake.NewClientset(objs...)
		before := heapInUse()
		w, err := NewClient(cs).Watch(b.Context(), certs.DefaultPolicy())
		if err != nil {
			b.Fatal(err)
		}
		w.Snapshot()
		after := heapInUse()
		csrs := cs.CertificatesV1().CertificateSigningRequests()
		csr, err := csrs.Get(b.Context(), "csr-00001", metav1.GetOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rv := 100000
		for b.Loop() {
			b.StopTimer()
			rv++
			csr.ResourceVersion = strconv.Itoa(rv)
			if _, err := csrs.Update(b.Context(), csr, metav1.UpdateOptions{}); err != nil {
				b.Fatal(err)
			}
			want := csr.ResourceVersion
			b.StartTimer()
			waitSnapshot(b, w, "the change", func(s []*certs.Summary) bool {
				x := find(s, "csr-00001")
				return x != nil && x.ResourceVersion == want
			})
		}
		// The fake apiserver's own copies are in the heap too: the difference
		// is what csrtui holds (informer store, summaries, snapshot).
		b.ReportMetric(float64(after)/(1<<20), "heap-MB")
		b.ReportMetric(float64(after-before)/(1<<20), "watcher-heap-MB")
	})

	b.Run("unchanged", func(b *testing.B) {
		cs := fake.NewClientset(objs...)
		w, err := NewClient(cs).Watch(b.Context(), certs.DefaultPolicy())
		if err != nil {
			b.Fatal(err)
		}
		w.Snapshot()
		for b.Loop() {
			w.Snapshot()
		}
	})
}

func fieldsV1(raw string) *metav1.FieldsV1 {
	f := &metav1.FieldsV1{}
	f.SetRawString(raw)
	return f
}

// heapInUse is the heap in use after a GC.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
