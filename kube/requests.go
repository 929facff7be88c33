package kube

import (
	"sync"

	certificatesv1 "k8s.io/api/certificates/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
)

// requests holds the spec.request of CSRs the informer delivered, from the
// informer's transform, which takes it out of the object before the cache
// stores it, until a snapshot hands it to the decoders. Once decoded, a
// request is kept as its summary only: 10,000 listed requests are not also
// kept as PEM for as long as they are listed (4.8 MB of a 44 MB heap). The
// request of a CSR never changes under its UID (the apiserver keeps the spec
// on update: pkg/registry/certificates/certificates/strategy.go), and the
// decisions read the object again (Client.decide), so nothing else needs it.
//
// It holds one version per name, the one delivered last: a newer version
// replaces it before the cache does. A version leaves when a snapshot takes it
// for the decoders, when a snapshot finds that version decoded already (a
// relist delivers every object again), or when the deletion of its CSR is
// handled.
type requests struct {
	mu sync.Mutex
	m  map[string]request
}

type request struct {
	uid types.UID
	rv  string
	pem []byte
}

// transform is the CSR informer's transform: it drops the managed fields, and
// moves spec.request out of the object into r, an empty one too (Summarize
// says what is wrong with it). client-go runs it once on each object it
// receives, before the object reaches the cache or any handler; should it run
// again on an object (client-go allows that in setups csrtui does not use), the
// request held for that version stays as it is.
func (r *requests) transform(obj any) (any, error) {
	obj, _ = dropManagedFields(obj)
	csr, ok := obj.(*certificatesv1.CertificateSigningRequest)
	if !ok {
		return obj, nil
	}
	r.mu.Lock()
	if q, held := r.m[csr.Name]; !held || q.uid != csr.UID || q.rv != csr.ResourceVersion {
		if r.m == nil {
			r.m = map[string]request{}
		}
		r.m[csr.Name] = request{uid: csr.UID, rv: csr.ResourceVersion, pem: csr.Spec.Request}
	}
	r.mu.Unlock()
	csr.Spec.Request = nil
	return csr, nil
}

// take returns the request of csr as delivered, and forgets it. ok is false
// when the version held is another one (a newer version is on its way to the
// cache) or none is.
func (r *requests) take(csr *certificatesv1.CertificateSigningRequest) (pem []byte, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	q, held := r.m[csr.Name]
	if !held || q.uid != csr.UID || q.rv != csr.ResourceVersion {
		return nil, false
	}
	r.delete(csr.Name)
	return q.pem, true
}

// forget drops the request held for csr's version, if that is the one held.
func (r *requests) forget(csr *certificatesv1.CertificateSigningRequest) {
	r.mu.Lock()
	if q, ok := r.m[csr.Name]; ok && q.uid == csr.UID && q.rv == csr.ResourceVersion {
		r.delete(csr.Name)
	}
	r.mu.Unlock()
}

// deleted is the delete handler's part: whatever version of that CSR is held
// goes, as its UID will never come back.
func (r *requests) deleted(obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	csr, ok := obj.(*certificatesv1.CertificateSigningRequest)
	if !ok {
		return
	}
	r.mu.Lock()
	if q, ok := r.m[csr.Name]; ok && q.uid == csr.UID {
		r.delete(csr.Name)
	}
	r.mu.Unlock()
}

// delete forgets the request held for name. r.mu is held. A Go map keeps the
// room it once needed: an empty one, after the 10,000 requests of a first list,
// is let go.
func (r *requests) delete(name string) {
	delete(r.m, name)
	if len(r.m) == 0 {
		r.m = nil
	}
}

// len is how many requests are held.
func (r *requests) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}
