package certs

import (
	"encoding/asn1"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// A console holds a summary of every CSR in the cluster, and most of what
// they say repeats from one to the next. The functions here let summaries
// share the copies of what repeats.

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
