package certs

import (
	"encoding/asn1"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
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

func TestInternListSharesEqualLists(t *testing.T) {
	a := internList([]string{"system:nodes", "system:authenticated"})
	b := internList([]string{"system:nodes", "system:authenticated"})
	if !slices.Equal(a, []string{"system:nodes", "system:authenticated"}) || &a[0] != &b[0] {
		t.Fatalf("%q and %q are not one list", a, b)
	}
	if cap(a) != len(a) {
		t.Errorf("capacity %d: an append would write into the shared list", cap(a))
	}
	if internList(nil) != nil || internList([]string{}) != nil {
		t.Error("an empty list is not nil")
	}
	// Lists whose strings joined would read the same stay apart.
	for _, l := range [][]string{{"a\x00b"}, {"a", "b"}, {"ab"}, {"a", "", "b"}, {"\x01a", "b"}, {"", "a", "b"}} {
		if got := internList(l); !slices.Equal(got, l) {
			t.Errorf("internList(%q) = %q", l, got)
		}
	}
	long := slices.Repeat([]string{"g"}, 100)
	if got := internList(long); !slices.Equal(got, long) {
		t.Errorf("a long list came back as %q", got)
	}
	big := []string{strings.Repeat("x", 1000)}
	if got := internList(big); !slices.Equal(got, big) {
		t.Error("a long string came back changed")
	}
}

// The lists shared are those summaries hold: the others leave the table.
func TestSharedListsForgetWhatNothingHolds(t *testing.T) {
	before := stringLists.size()
	held := internList([]string{"team-held", "system:authenticated"})
	for i := range 1000 {
		l := []string{"team-" + strconv.Itoa(i)}
		if got := internList(l); !slices.Equal(got, l) {
			t.Fatalf("internList(%q) = %q", l, got)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); stringLists.size() > before+1; {
		if time.Now().After(deadline) {
			t.Fatalf("%d lists kept of the 1,001 made, one of them held", stringLists.size()-before)
		}
		runtime.GC()
		runtime.Gosched()
	}
	if again := internList([]string{"team-held", "system:authenticated"}); &again[0] != &held[0] {
		t.Error("the list held is no longer shared")
	}
	runtime.KeepAlive(held)
}

func TestEqualRequestsShareWhatRepeats(t *testing.T) {
	spec := servingSpec()
	spec.exp = 0 // long-lived, besides what the serving request has
	spec.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateDenied}
	a := Summarize(spec.build(t), DefaultPolicy(), ClusterFacts{})
	b := Summarize(spec.build(t), DefaultPolicy(), ClusterFacts{})
	if len(a.Findings) < 2 || &a.Findings[0] != &b.Findings[0] {
		t.Fatalf("findings not shared: %+v", a.Findings)
	}
	// So do the conditions, and the subject, names and extensions of a
	// node's requests.
	if len(a.Conditions) != 1 || &a.Conditions[0] != &b.Conditions[0] {
		t.Errorf("conditions not shared: %+v", a.Conditions)
	}
	if ra, rb := a.Request, b.Request; ra == rb || len(ra.Subject) == 0 || len(ra.Extensions) == 0 || len(ra.DNSNames) == 0 ||
		&ra.Subject[0] != &rb.Subject[0] || &ra.Extensions[0] != &rb.Extensions[0] || &ra.DNSNames[0] != &rb.DNSNames[0] {
		t.Errorf("subject, names or extensions not shared: %+v %+v %q", ra.Subject, ra.Extensions, ra.DNSNames)
	}
	if cap(a.Findings) != len(a.Findings) {
		t.Errorf("capacity %d: an append would write into the shared list", cap(a.Findings))
	}
	// Findings that differ in any part are never taken for one another.
	want := slices.Clone(a.Findings)
	for i := range want {
		for _, edit := range []func(f *Finding){
			func(f *Finding) { f.Title += "." },
			func(f *Finding) { f.Detail += "." },
			func(f *Finding) { f.Severity-- },
			func(f *Finding) { f.ID += "." },
		} {
			other := slices.Clone(want)
			edit(&other[i])
			if got := internFindings(slices.Clone(other)); !slices.Equal(got, other) {
				t.Fatalf("internFindings(%+v) = %+v", other, got)
			}
		}
	}
	if !slices.Equal(a.Findings, want) {
		t.Fatalf("the shared findings changed: %+v", a.Findings)
	}
}
