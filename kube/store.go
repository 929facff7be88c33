package kube

import (
	"fmt"
	"sync"

	"github.com/csrtui/csrtui/certs"

	certificatesv1 "k8s.io/api/certificates/v1"
	"k8s.io/client-go/tools/cache"
)

// summaries is the store the Watcher's reflector fills, and its only cache
// of CSRs: each CSR the apiserver sends becomes its summary at once. A CSR
// not decoded yet is a glance (certs.Glance) and its object, spec.request and
// all, which the decoders need; once decoded, it is its summary alone. An
// informer would keep every object in its own cache besides (about 10 MB for
// 10,000 CSRs), for nothing csrtui reads: the decisions read the object
// again (Client.decide).
//
// Its keys are names: CSRs are cluster-scoped.
type summaries struct {
	policy   certs.Policy
	poke     func()        // called after a change
	listed   chan struct{} // closed once a whole list is in
	listOnce sync.Once

	mu     sync.Mutex
	byName map[string]*certs.Summary
	// objects are those of the glances in byName, for the decoders; nil
	// when every summary is decoded.
	objects map[string]*certificatesv1.CertificateSigningRequest
	// priors are, for glances in byName that are a new version of a request
	// decoded before, that decoded summary: the decoders take from it what
	// they need not decode again (certs.SummarizeSince).
	priors map[string]*certs.Summary
	// changed are the names changed since the last snapshot, each with the
	// summary that snapshot showed (nil for none). No snapshot, no changes
	// noted: the first one shows everything.
	changed map[string]*certs.Summary
	shown   bool // a snapshot was taken
	// room is the most summaries held since byName was made: a Go map keeps
	// the room it once needed.
	room int

	// kept, when set, is called with each object kept for the decoders:
	// tests follow them.
	kept func(*certificatesv1.CertificateSigningRequest)
}

func (s *summaries) init(p certs.Policy, poke func()) {
	s.policy, s.poke = p, poke
	s.listed = make(chan struct{})
}

// Add is the reflector's: a CSR was created.
func (s *summaries) Add(obj any) error { return s.put(obj) }

// Update is the reflector's: a CSR changed.
func (s *summaries) Update(obj any) error { return s.put(obj) }

// Delete is the reflector's: a CSR is gone.
func (s *summaries) Delete(obj any) error {
	name, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	gone := s.remove(name)
	s.fit()
	s.mu.Unlock()
	if gone {
		s.poke()
	}
	return nil
}

// Replace is the reflector's: list holds every CSR there is, after the
// initial list or a relist (a watch that expired, a reconnection). What it
// does not hold is gone; what it holds as held already is left alone.
func (s *summaries) Replace(list []any, _ string) error {
	s.mu.Lock()
	changed, err := s.replace(list)
	s.fit()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.listOnce.Do(func() { close(s.listed) })
	if changed {
		s.poke()
	}
	return nil
}

// replace is Replace's part under s.mu.
func (s *summaries) replace(list []any) (changed bool, err error) {
	// The first list, into an empty store, needs no account of what it holds.
	var listed map[string]struct{}
	if len(s.byName) > 0 {
		listed = make(map[string]struct{}, len(list))
	} else if s.byName == nil {
		s.byName = make(map[string]*certs.Summary, len(list))
	}
	for _, obj := range list {
		csr, ok := obj.(*certificatesv1.CertificateSigningRequest)
		if !ok {
			return changed, fmt.Errorf("not a CertificateSigningRequest: %T", obj)
		}
		if listed != nil {
			listed[csr.Name] = struct{}{}
		}
		if s.set(csr) {
			changed = true
		}
	}
	if listed == nil {
		return changed, nil
	}
	for name := range s.byName {
		if _, ok := listed[name]; !ok {
			s.remove(name)
			changed = true
		}
	}
	return changed, nil
}

// Resync is the reflector's, for a resync period, which csrtui does not set.
func (s *summaries) Resync() error { return nil }

// synced is closed once the store holds a whole list (startReflector).
func (s *summaries) synced() <-chan struct{} { return s.listed }

func (s *summaries) put(obj any) error {
	csr, ok := obj.(*certificatesv1.CertificateSigningRequest)
	if !ok {
		return fmt.Errorf("not a CertificateSigningRequest: %T", obj)
	}
	s.mu.Lock()
	changed := s.set(csr)
	s.mu.Unlock()
	if changed {
		s.poke()
	}
	return nil
}

// set makes csr the summary of its name, a glance, unless that version is
// the one held (a relist delivers every object again). s.mu is held.
func (s *summaries) set(csr *certificatesv1.CertificateSigningRequest) bool {
	old, ok := s.byName[csr.Name]
	if ok && old.UID == string(csr.UID) && old.ResourceVersion == csr.ResourceVersion {
		return false
	}
	// Kept until decoded, which reads no managed fields. The object is the
	// reflector's own, decoded for this store alone.
	csr.ManagedFields = nil
	s.note(csr.Name, old)
	switch {
	case ok && !old.Unchecked && old.UID == string(csr.UID):
		if s.priors == nil {
			s.priors = map[string]*certs.Summary{}
		}
		s.priors[csr.Name] = old
	case ok && old.Unchecked && old.UID == string(csr.UID):
		// A version not decoded yet: the prior before it, if any, stays.
	default:
		delete(s.priors, csr.Name)
	}
	if s.byName == nil {
		s.byName = map[string]*certs.Summary{}
	}
	if s.objects == nil {
		s.objects = map[string]*certificatesv1.CertificateSigningRequest{}
	}
	s.byName[csr.Name] = certs.Glance(csr, s.policy)
	s.objects[csr.Name] = csr
	if s.kept != nil {
		s.kept(csr)
	}
	return true
}

// remove forgets name. s.mu is held.
func (s *summaries) remove(name string) bool {
	old, ok := s.byName[name]
	if !ok {
		return false
	}
	s.note(name, old)
	delete(s.byName, name)
	s.decoded(name)
	return true
}

// decoded drops the object of name. s.mu is held. An empty map of objects,
// after the 10,000 of a first list, is let go.
func (s *summaries) decoded(name string) {
	delete(s.objects, name)
	if len(s.objects) == 0 {
		s.objects = nil
	}
	delete(s.priors, name)
	if len(s.priors) == 0 {
		s.priors = nil
	}
}

// note records that name changed, with the summary the last snapshot showed
// of it: byName's until the first change since. s.mu is held.
func (s *summaries) note(name string, old *certs.Summary) {
	if !s.shown {
		return
	}
	if s.changed == nil {
		s.changed = map[string]*certs.Summary{}
	}
	if _, ok := s.changed[name]; !ok {
		s.changed[name] = old
	}
}

// minRoom is the size of byName below which a map's spare room is not worth
// a rebuild.
const minRoom = 1024

// fit makes byName anew once it holds under a quarter of what it once did:
// when the cleaner deletes a burst of 10,000 requests an hour after they were
// issued, say. s.mu is held.
func (s *summaries) fit() {
	s.room = max(s.room, len(s.byName))
	if s.room <= minRoom || len(s.byName) >= s.room/4 {
		return
	}
	fresh := make(map[string]*certs.Summary, len(s.byName))
	for k, v := range s.byName {
		fresh[k] = v
	}
	s.byName, s.room = fresh, len(fresh)
}

// len is how many CSRs are held.
func (s *summaries) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byName)
}

// undecoded is how many objects are held, for their decoders.
func (s *summaries) undecoded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.objects)
}
