package certs

import (
	"encoding/asn1"
	"testing"
)

func TestOIDStringIsDotted(t *testing.T) {
	ids := []asn1.ObjectIdentifier{{2, 5, 4}, {2, 5, 4, 3, 1}, {1, 2, 3, 4, 5, 6, 7}, {2, 5, 4, 33}}
	for _, k := range knownOIDs {
		ids = append(ids, k.oid)
	}
	for _, id := range ids {
		if got, want := oidString(id), id.String(); got != want {
			t.Errorf("oidString(%v) = %q, want %q", []int(id), got, want)
		}
	}
}
