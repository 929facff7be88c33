package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// seedBulk creates n pending client-certificate requests, each with a key of its own,
// to see how csrtui (and kubectl) behave on a large cluster.
func seedBulk(ctx context.Context, cp *controlplane.ControlPlane, n int) (time.Duration, error) {
	cfg := rest.CopyConfig(cp.Admin)
	cfg.QPS, cfg.Burst = 2000, 2000
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		firstErr error
		errOnce  sync.Once
	)
	usages := []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageClientAuth}
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > n || ctx.Err() != nil {
					return
				}
				err := createBulk(ctx, client, i, usages)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return time.Since(start), firstErr
}

func createBulk(ctx context.Context, client kubernetes.Interface, i int, usages []certv1.KeyUsage) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	user := fmt.Sprintf("user-%05d", i)
	req, err := controlplane.CSRPEM(key, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: user, Organization: []string{fmt.Sprintf("team-%02d", i%40)}},
	})
	if err != nil {
		return err
	}
	_, err = controlplane.CreateCSR(ctx, client, "bulk-"+user, certv1.KubeAPIServerClientSignerName, req, usages, 3600*8)
	if err != nil {
		return fmt.Errorf("create bulk-%s: %w", user, err)
	}
	return nil
}
