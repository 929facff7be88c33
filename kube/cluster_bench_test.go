package kube

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/e2e/controlplane"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// BenchmarkInitialSync10k compares the two ways an informer can fill its cache
// from a real apiserver holding 10,000 CSRs: one LIST (what Watch does) and a
// streaming watch-list. Only the fill is timed, not the decoding.
//
// It runs on a real apiserver (`make bench`, or go test ./kube/ -run '^$' -bench InitialSync).
func BenchmarkInitialSync10k(b *testing.B) {
	cp := controlplane.StartForTest(b)
	ctx := b.Context()
	cfg := rest.CopyConfig(cp.Admin)
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	admin, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		b.Fatal(err)
	}
	request := requestPEM(b, "bench", "dev")
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for worker := range 16 {
		wg.Go(func() {
			for i := worker; i < 10000; i += 16 {
				_, err := admin.CertificatesV1().CertificateSigningRequests().Create(ctx, &certificatesv1.CertificateSigningRequest{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bench-%05d", i)},
					Spec: certificatesv1.CertificateSigningRequestSpec{
						Request: request, SignerName: "example.com/bench",
						Usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth},
					},
				}, metav1.CreateOptions{})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	b.Logf("created 10,000 CSRs in %s", time.Since(start))

	c, err := Connect(ctx, flagsFor(cp.AdminKubeconfig))
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name   string
		stream bool
	}{{"list", false}, {"watch-list", true}} {
		b.Run(mode.name, func(b *testing.B) {
			c.streamList = mode.stream
			for b.Loop() {
				ctx, cancel := context.WithCancel(ctx)
				w, err := c.Watch(ctx, certs.DefaultPolicy())
				if err != nil {
					b.Fatal(err)
				}
				if n := w.store.len(); n < 10000 {
					b.Fatalf("%d CSRs in the store", n)
				}
				cancel()
			}
		})
	}
}
