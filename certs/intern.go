package certs

import (
	"encoding/asn1"
	"hash/maphash"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unique"
	"unsafe"
	"weak"
)

// A console holds a summary of every CSR in the cluster, and most of what
// they say repeats from one to the next: the signer, the requester and its
// groups, the usages, the conditions, the issuer. The functions here let
// summaries share one copy of what repeats.

// intern returns the one copy of s that every summary shares. The copies live
// in the runtime's table of unique values, which forgets a value once nothing
// holds it: a cluster can't make it grow beyond the summaries it is asked to
// keep.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// internList returns a list of the same strings as ss that summaries holding
// the same list share: a requester's groups, a request's usages. Its strings
// are interned. A shared list is never modified: callers must not change it
// (nor append to it in place: its capacity is its length).
func internList(ss []string) []string { return stringLists.intern(ss, internEach) }

// internSubject is internList for a request's subject, which a node's, or a
// user's, requests repeat.
func internSubject(as []Attribute) []Attribute { return subjectLists.intern(as, slices.Clone) }

// internExtensions is internList for a request's extensions: a kind of
// requester, or a node, asks for the same ones.
func internExtensions(es []Extension) []Extension { return extensionLists.intern(es, slices.Clone) }

// internConditions is internList for a CSR's conditions: a signer or an
// approver that decides many at once gives the same words at the same second.
func internConditions(cs []Condition) []Condition { return conditionLists.intern(cs, slices.Clone) }

// internFindings is internList for findings: the findings of a kind of
// request repeat from one CSR to the next.
func internFindings(fs []Finding) []Finding {
	return findingLists.intern(fs, func(fs []Finding) []Finding {
		// Titles repeat in lists that differ; details are mostly constants.
		out := slices.Clone(fs)
		for i := range out {
			out[i].Title = intern(out[i].Title)
		}
		return out
	})
}

var sharedSeed = maphash.MakeSeed()

// sharedLists holds the lists that summaries share, by hash. Like the unique
// package's table, it holds them weakly: a list leaves it once no summary
// holds it, so a cluster can't make it grow beyond the summaries kept.
type sharedLists[T comparable] struct {
	mu sync.Mutex
	m  map[uint64]sharedList[T]
}

// sharedList is a shared list, found from its first element.
type sharedList[T any] struct {
	first weak.Pointer[T]
	len   int
}

var (
	stringLists    sharedLists[string]
	subjectLists   sharedLists[Attribute]
	extensionLists sharedLists[Extension]
	conditionLists sharedLists[Condition]
	findingLists   sharedLists[Finding]
)

// intern returns the list held equal to l, else keeps and returns own(l), a
// copy of l (l may have room to spare, or be the caller's), whose capacity it
// cuts to its length: an append to a shared list must copy it.
func (t *sharedLists[T]) intern(l []T, own func([]T) []T) []T {
	if len(l) == 0 {
		return nil
	}
	var hash maphash.Hash
	hash.SetSeed(sharedSeed)
	for _, x := range l {
		maphash.WriteComparable(&hash, x) // as a map hashes its keys: equal lists hash alike
	}
	h := hash.Sum64()
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.m[h]; ok {
		// While its first element is alive, so is the whole list: they are
		// one allocation, of e.len elements.
		if p := e.first.Value(); p != nil {
			if kept := unsafe.Slice(p, e.len); slices.Equal(kept, l) {
				return kept
			}
		}
	}
	l = slices.Clip(own(l))
	if t.m == nil {
		t.m = map[uint64]sharedList[T]{}
	}
	t.m[h] = sharedList[T]{weak.Make(&l[0]), len(l)}
	runtime.AddCleanup(&l[0], t.forget, h)
	return l
}

// forget drops the list held under h if nothing holds it any more.
func (t *sharedLists[T]) forget(h uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.m[h]; ok && e.first.Value() == nil {
		delete(t.m, h)
	}
}

// size is how many lists t holds.
func (t *sharedLists[T]) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// internEach is a copy of ss whose strings are interned; nil when ss is empty.
func internEach(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = intern(s)
	}
	return out
}

// knownOIDs are the dotted forms of the OIDs csrtui names (subject attributes,
// extensions, extended key usages), parsed once so that oidString needs no
// allocation for them: a request holds several.
var knownOIDs = func() []knownOID {
	var dotted []string
	dotted = slices.AppendSeq(dotted, maps.Keys(attributeNames))
	dotted = slices.AppendSeq(dotted, maps.Keys(extensionNames))
	for _, e := range extKeyUsages {
		dotted = append(dotted, e.oid)
	}
	out := make([]knownOID, len(dotted))
	for i, d := range dotted {
		out[i] = knownOID{mustParseOID(d), d}
	}
	return out
}()

type knownOID struct {
	oid    asn1.ObjectIdentifier
	dotted string
}

func mustParseOID(dotted string) asn1.ObjectIdentifier {
	var oid asn1.ObjectIdentifier
	for p := range strings.SplitSeq(dotted, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			panic("certs: bad OID " + dotted)
		}
		oid = append(oid, n)
	}
	return oid
}

// oidString is id in dotted form, as id.String() writes it.
func oidString(id asn1.ObjectIdentifier) string {
	for _, k := range knownOIDs {
		if id.Equal(k.oid) {
			return k.dotted
		}
	}
	return id.String()
}
