package certs

import (
	"encoding/asn1"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unique"
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
// (nor append to it in place: its capacity is its length). Lists longer than
// the usual few are copied, not shared.
func internList(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	size := 0
	for _, s := range ss {
		size += len(s)
	}
	if len(ss) > maxListLen || size > maxListBytes {
		return internEach(ss)
	}
	var h maphash.Hash
	h.SetSeed(sharedSeed)
	for _, s := range ss {
		writeString(&h, s)
	}
	return stringLists.share(h.Sum64(), ss, internEach)
}

// internFindings returns a list of the same findings as fs that summaries
// with the same findings share: the findings of a kind of request repeat from
// one CSR to the next. Like internList's, the list is never to be modified.
func internFindings(fs []Finding) []Finding {
	if len(fs) == 0 {
		return nil
	}
	size := 0
	for _, f := range fs {
		size += len(f.Title) + len(f.Detail)
	}
	if len(fs) > maxListLen || size > maxFindingsBytes {
		return fs
	}
	var h maphash.Hash
	h.SetSeed(sharedSeed)
	for _, f := range fs {
		writeString(&h, f.ID)
		maphash.WriteComparable(&h, f.Severity)
		writeString(&h, f.Title)
		writeString(&h, f.Detail)
	}
	return findingLists.share(h.Sum64(), fs, func(fs []Finding) []Finding {
		// A copy, as fs was grown by appends and has room to spare. Titles
		// repeat in lists that differ; details are mostly constants.
		out := make([]Finding, len(fs))
		for i, f := range fs {
			f.Title = intern(f.Title)
			out[i] = f
		}
		return out
	})
}

// writeString writes s and its length: no two lists hash alike for being
// joined alike.
func writeString(h *maphash.Hash, s string) {
	maphash.WriteComparable(h, len(s))
	h.WriteString(s)
}

var sharedSeed = maphash.MakeSeed()

// sharedLists holds the lists that summaries share, by hash. It holds at most
// maxLists, each small (maxListLen, maxListBytes, maxFindingsBytes: at most
// about 100 KiB of lists of strings, and 1 MiB of findings, mostly constant
// text that takes no memory of its own), and starts over when full: a
// cluster whose lists all differ can't make it grow, and lists that stop
// repeating leave it.
type sharedLists[T comparable] struct {
	mu sync.Mutex
	m  map[uint64][]T
}

var (
	stringLists  sharedLists[string]
	findingLists sharedLists[Finding]
)

const (
	maxLists         = 256
	maxListLen       = 8    // elements of a shared list: groups, usages, findings
	maxListBytes     = 256  // bytes of a shared list of strings
	maxFindingsBytes = 4096 // bytes of titles and details of a shared list of findings (mostly constants)
)

// share returns the list held under h if it equals l, else keeps and returns
// own(l), a list equal to l that it may keep.
func (t *sharedLists[T]) share(h uint64, l []T, own func([]T) []T) []T {
	t.mu.Lock()
	defer t.mu.Unlock()
	if kept, ok := t.m[h]; ok && slices.Equal(kept, l) {
		return kept
	}
	l = own(l)
	if t.m == nil || len(t.m) >= maxLists {
		t.m = make(map[uint64][]T, maxLists)
	}
	t.m[h] = l
	return l
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
