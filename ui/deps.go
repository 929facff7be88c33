package ui

import (
	"context"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/csrtui/csrtui/certs"
)

// Source is the live list of CSRs, already decoded, linted and sorted.
// Changed receives a value (capacity 1, so bursts coalesce) whenever Snapshot,
// Loaded or Err would return something new. Summaries are shared and must not
// be mutated.
type Source interface {
	Snapshot() []*certs.Summary
	Changed() <-chan struct{}
	// Loaded reports whether the first list is in. Until then Snapshot is
	// empty and the console says it is loading; an Err then is final: the
	// console ends with it.
	Loaded() bool
	// Err says what keeps the list from being live (the apiserver
	// unreachable, say), nil when it is; the list keeps its last content
	// meanwhile. When the error has the methods of connProblem, they say since
	// when, and whether retrying alone may mend it.
	Err() error
	// Summarize decodes and lints a CSR that is not in the list (one about
	// to be created) as the list's are: the same policy and cluster facts.
	Summarize(csr *certificatesv1.CertificateSigningRequest) *certs.Summary
}

// connProblem is what a Source's Err may also say.
type connProblem interface {
	// Since is when the problem began.
	Since() time.Time
	// Retrying is false when the apiserver answers but refuses (credentials,
	// permission): the list stays stale until someone acts.
	Retrying() bool
}

// Decider writes approve/deny decisions through the approval subresource, on
// the object with that name only while it still has the UID the admin saw
// (else the error wraps certs.ErrReplaced). already is nil when the decision
// was written, and the decision found on the object when the same one was
// there already (another admin's, a moment before): nothing is written then.
// Errors carry a message an admin can act on (403 with the missing permission,
// conflict, not found, timeout, already decided the other way, and by what).
type Decider interface {
	Approve(ctx context.Context, name, uid, message string) (already *certs.Decided, err error)
	Deny(ctx context.Context, name, uid, message string) (already *certs.Decided, err error)
}

// Deleter deletes the request called name, only while it has uid: the
// apiserver checks the UID in the same write, so a request created again
// under that name is never deleted (the error then wraps certs.ErrReplaced).
// gone is true when there was no request of that name. Errors carry a
// message an admin can act on, like the Decider's.
type Deleter interface {
	Delete(ctx context.Context, name, uid, rv string) (gone bool, err error)
}

// Reader reads the request called name as the cluster holds it now: the
// export and kubeconfig dialogs read it again for its certificate, which
// the console does not keep (certread.go). The Reader bounds the call with
// the request timeout. Errors carry a message an admin can act on: one that
// the apiserver answered unwraps to its status (404: no request of that
// name; 403, naming get on certificatesigningrequests).
type Reader interface {
	Get(ctx context.Context, name string) (*certificatesv1.CertificateSigningRequest, error)
}

// A Decider's or Deleter's error that the apiserver answered unwraps to its
// status (k8s.io/apimachinery/pkg/api/errors.APIStatus): a bulk run tells a
// 403 and a 404 apart by its code.
type apiStatus interface {
	Status() metav1.Status
}

// PermissionChecker asks the cluster what csrtui's own identity may do
// (SelfSubjectAccessReviews): certs.PermissionProbes for these signers. The
// error says why it could not ask.
type PermissionChecker interface {
	Permissions(ctx context.Context, signers []string) (certs.Permissions, error)
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

// Recorder keeps the record: one line for each approve, deny, create,
// delete and export the admin makes, and one for the certificate of an
// approval once the signer issued it (certs.RecordEntry). The console calls
// it from commands, never from Update.
type Recorder interface {
	// Record appends e, stamped with the time, the cluster and who acted.
	// The error says why the line was not written.
	Record(ctx context.Context, e certs.RecordEntry) error
	// Read reads the record back: its end, when it is long, and from the
	// rest the lines of certificates still valid at now.
	Read(now time.Time) (certs.RecordLog, error)
	// Path is the record's file, for the admin.
	Path() string
}

// Cluster names where csrtui is connected, for the header.
type Cluster struct {
	Context string
	Server  string
	User    string
	Demo    bool
}
