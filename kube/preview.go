package kube

import (
	"context"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Preview asks the apiserver to create csr without storing it (dryRun=All):
// authorization, admission (CertificateSubjectRestriction, say) and
// validation run as for a real create, and the answer is the object as it
// would be stored, spec.username, groups, uid and extra filled in from the
// caller's credentials (pkg/registry/certificates/certificates/strategy.go
// PrepareForCreate). It needs create on certificatesigningrequests, as Create
// does.
func (c *Client) Preview(ctx context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	out, err := c.Interface.CertificatesV1().CertificateSigningRequests().Create(ctx, csr,
		metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: fieldManager})
	if err != nil {
		return nil, previewError(csr.Name, err)
	}
	return out, nil
}

// previewError explains why the dry run refused csr name, as createError does.
func previewError(name string, err error) error {
	return createError(name, err)
}
