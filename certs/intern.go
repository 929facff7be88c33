package certs

import (
	"encoding/asn1"
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
// the same list share: a requester's groups, a request's usages. A list is
// shared, never modified: callers must not change it (nor append to it; its
// capacity is its length, so an append copies it). Lists too long to be
// typical, and lists first seen once lists holds maxLists, are copied (their
// strings still shared): so lists stays small whatever the cluster holds.
func internList(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	if len(ss) > maxListLen {
		return internEach(ss)
	}
	// The key is each string after its length, so that no two lists share one.
	var buf [maxListKey]byte
	key := buf[:0]
	for _, s := range ss {
		if len(key)+1+len(s) > len(buf) {
			return internEach(ss)
		}
		key = append(key, byte(len(s)))
		key = append(key, s...)
	}
	lists.Lock()
	defer lists.Unlock()
	if l, ok := lists.m[string(key)]; ok {
		return l
	}
	l := internEach(ss)
	if len(lists.m) < maxLists {
		lists.m[string(key)] = l
	}
	return l
}

// lists are the lists internList shares, by key.
var lists = struct {
	sync.Mutex
	m map[string][]string
}{m: map[string][]string{}}

// lists holds at most maxLists lists of at most maxListLen strings whose
// key is at most maxListKey bytes: under 128 KiB.
const (
	maxLists   = 256
	maxListLen = 8   // strings in a list: the usual few groups or usages
	maxListKey = 160 // bytes of a list's key
)

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
