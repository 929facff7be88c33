package kube

import (
	"context"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// One-shot reads, for the commands that run once and exit (csrtui list,
// describe, approve, check), and for the console's exports, which read a
// request again for its certificate: no informer, each call bounded by the
// request timeout.

// Get reads the CSR called name. Its error says when there is none (it
// unwraps to the apiserver's NotFound), csrtui may not read it, or the
// apiserver did not answer in time.
func (c *Client) Get(ctx context.Context, name string) (*certificatesv1.CertificateSigningRequest, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	csr, err := c.Interface.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, getError(name, err)
	}
	return csr, nil
}

// List reads every CSR in one LIST.
func (c *Client) List(ctx context.Context) ([]certificatesv1.CertificateSigningRequest, error) {
	lctx, cancel := c.bound(ctx)
	defer cancel()
	list, err := c.Interface.CertificatesV1().CertificateSigningRequests().List(lctx, metav1.ListOptions{})
	if err != nil {
		return nil, listError(ctx, c.Server, err)
	}
	return list.Items, nil
}

// Facts reads once what the findings need to know of the cluster, from the
// same sources as Watch (the nodes, the groups bound to cluster-admin, the
// apiserver's names), as far as csrtui's identity may read them: what it may
// not read is marked unknown, and the findings that need it say so.
func (c *Client) Facts(ctx context.Context) certs.ClusterFacts {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the informers startFacts started
	return c.startFacts(ctx, func() {}).current()
}
