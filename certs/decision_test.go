package certs

import (
	"errors"
	"reflect"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestApplyDecision(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	const (
		A = certificatesv1.CertificateApproved
		D = certificatesv1.CertificateDenied
		F = certificatesv1.CertificateFailed
	)
	for _, tc := range []struct {
		name    string
		conds   []certificatesv1.RequestConditionType
		d       Decision
		changed bool
		err     string
	}{
		{"approve pending", nil, Approve, true, ""},
		{"deny pending", nil, Deny, true, ""},
		{"approve approved", []certificatesv1.RequestConditionType{A}, Approve, false, ""},
		{"deny denied", []certificatesv1.RequestConditionType{D}, Deny, false, ""},
		{"approve denied", []certificatesv1.RequestConditionType{D}, Approve, false, `certificate signing request "jane" is already Denied`},
		{"deny approved", []certificatesv1.RequestConditionType{A}, Deny, false, `certificate signing request "jane" is already Approved`},
		{"approve failed", []certificatesv1.RequestConditionType{A, F}, Approve, false, `certificate signing request "jane" is already Failed`},
		{"deny approved and failed", []certificatesv1.RequestConditionType{A, F}, Deny, false, `certificate signing request "jane" is already Approved`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clientSpec()
			c.request = []byte("r")
			c.conds = tc.conds
			in := c.build(t)
			before := in.DeepCopy()
			out, changed, err := ApplyDecision(in, string(in.UID), tc.d, "typed by the admin", now)
			if !reflect.DeepEqual(in, before) {
				t.Fatal("input mutated")
			}
			if tc.err != "" {
				if err == nil || err.Error() != tc.err || !errors.Is(err, ErrAlreadyDecided) {
					t.Fatalf("err = %v, want %q wrapping ErrAlreadyDecided", err, tc.err)
				}
				if out != nil || changed {
					t.Fatalf("want no result with an error, got changed=%v", changed)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if changed != tc.changed {
				t.Fatalf("changed = %v, want %v", changed, tc.changed)
			}
			if out == in {
				t.Fatal("returned the input pointer")
			}
			if !changed {
				if !reflect.DeepEqual(out, in) {
					t.Fatal("no-op changed the copy")
				}
				return
			}
			if len(out.Status.Conditions) != len(in.Status.Conditions)+1 {
				t.Fatalf("conditions: %+v", out.Status.Conditions)
			}
			got := out.Status.Conditions[len(out.Status.Conditions)-1]
			wantType, wantReason := A, ReasonApprove
			if tc.d == Deny {
				wantType, wantReason = D, ReasonDeny
			}
			if got.Type != wantType || got.Status != corev1.ConditionTrue || got.Reason != wantReason ||
				got.Message != "typed by the admin" || !got.LastUpdateTime.Time.Equal(now) {
				t.Fatalf("condition = %+v", got)
			}
			out.Status.Conditions[0].Reason = "edited"
			if len(in.Status.Conditions) > 0 && in.Status.Conditions[0].Reason == "edited" {
				t.Fatal("copy shares conditions with the input")
			}
		})
	}
	if _, _, err := ApplyDecision(nil, "u", Approve, "", now); err == nil {
		t.Error("nil CSR accepted")
	}
	one := &certificatesv1.CertificateSigningRequest{}
	one.Name, one.UID = "jane", "uid-1"
	if _, _, err := ApplyDecision(one, "uid-1", Decision(7), "", now); err == nil {
		t.Error("unknown decision accepted")
	}
}

// A decision names the object it was made on: another object of the same
// name is refused, and so is a decision that names no object.
func TestApplyDecisionIsBoundToTheUID(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	c := clientSpec()
	c.request = []byte("r")
	in := c.build(t)
	for _, d := range []Decision{Approve, Deny} {
		out, changed, err := ApplyDecision(in, "uid-of-an-older-object", d, "", now)
		if out != nil || changed || !errors.Is(err, ErrReplaced) || errors.Is(err, ErrAlreadyDecided) ||
			err.Error() != `"`+in.Name+`" was replaced by a different request since you opened it; look again` {
			t.Errorf("%v on another UID = %v, %v, %v; want ErrReplaced", d, out, changed, err)
		}
		if out, changed, err := ApplyDecision(in, "", d, "", now); out != nil || changed || err == nil || errors.Is(err, ErrReplaced) {
			t.Errorf("%v with no UID = %v, %v, %v; want refused", d, out, changed, err)
		}
	}
}

func TestReasons(t *testing.T) {
	if ReasonApprove != "CSRTUIApprove" || ReasonDeny != "CSRTUIDeny" {
		t.Fatal("reasons changed: audits rely on them")
	}
}

func TestCheckDecision(t *testing.T) {
	for _, tc := range []struct {
		state   State
		d       Decision
		noop    bool
		refusal string // "" when the decision may be made
	}{
		{StatePending, Approve, false, ""},
		{StatePending, Deny, false, ""},
		{StateApproved, Approve, true, ""},
		{StateIssued, Approve, true, ""},
		{StateDenied, Approve, false, `certificate signing request "n" is already Denied`},
		{StateFailed, Approve, false, `certificate signing request "n" is already Failed`},
		{StateDenied, Deny, true, ""},
		{StateApproved, Deny, false, `certificate signing request "n" is already Approved`},
		{StateIssued, Deny, false, `certificate signing request "n" is already Approved`},
		{StateFailed, Deny, false, `certificate signing request "n" is already Approved`},
	} {
		noop, err := CheckDecision("n", tc.state, tc.d)
		if noop != tc.noop {
			t.Errorf("%v on %v: noop = %v", tc.d, tc.state, noop)
		}
		switch {
		case tc.refusal == "" && err != nil:
			t.Errorf("%v on %v: unexpected refusal %v", tc.d, tc.state, err)
		case tc.refusal != "" && (err == nil || err.Error() != tc.refusal || !errors.Is(err, ErrAlreadyDecided)):
			t.Errorf("%v on %v: err = %v, want %q wrapping ErrAlreadyDecided", tc.d, tc.state, err, tc.refusal)
		}
	}
}
