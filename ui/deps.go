package ui

import (
	"context"

	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// Source is the live list of CSRs, already decoded, linted and sorted.
// Changed receives a value (capacity 1, so bursts coalesce) whenever Snapshot
// or Err would return something new. Summaries are shared and must not be mutated.
// Err says what keeps the list from being live (the apiserver unreachable, say),
// nil when it is.
type Source interface {
	Snapshot() []*certs.Summary
	Changed() <-chan struct{}
	Err() error
	// Summarize decodes and lints a CSR that is not in the list (one about
	// to be created) as the list's are: the same policy and cluster facts.
	Summarize(csr *certificatesv1.CertificateSigningRequest) *certs.Summary
}

// Decider writes approve/deny decisions through the approval subresource, on
// the object with that name only while it still has the UID the admin saw
// (else the error wraps certs.ErrReplaced). changed is false when the same
// decision was already there (a no-op).
// Errors carry a message an admin can act on (403 with the missing permission,
// conflict, not found, timeout, already decided).
type Decider interface {
	Approve(ctx context.Context, name, uid, message string) (changed bool, err error)
	Deny(ctx context.Context, name, uid, message string) (changed bool, err error)
}

// Creator creates CSRs for the admin. Preview asks the apiserver to create
// one without storing it (a dry run: authorization, admission and validation
// all run) and returns it as it would be stored, the requester filled in from
// the admin's credentials; Create stores it. Errors are one line an admin can
// act on: the name taken, a 403 naming the missing permission, what
// validation refused.
type Creator interface {
	Preview(ctx context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error)
	Create(ctx context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error)
}

// Kubeconfigs says which cluster a kubeconfig handed to a user names: the
// one csrtui is connected to (server, CA, TLS server name). The error says
// why there is none to name.
type Kubeconfigs interface {
	KubeconfigCluster() (certs.KubeconfigCluster, error)
}

// Inspector asks the cluster what an identity could do if a certificate for it
// were issued (SubjectAccessReviews). The error says when the admin may not ask.
type Inspector interface {
	Capabilities(ctx context.Context, user string, groups []string) ([]certs.Capability, error)
}

// Cluster names where csrtui is connected, for the header.
type Cluster struct {
	Context string
	Server  string
	User    string
	Demo    bool
}
