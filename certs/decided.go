package certs

import (
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// Decided is a decision already on a request, as far as the cluster records
// it: the condition its writer set, with the writer's reason (by convention it
// names the tool: KubectlApprove, CSRTUIApprove, AutoApproved for
// kube-controller-manager's approver), message and time. The cluster records
// no user: only the apiserver's audit log says who sent the request. Nor, on
// a v1.37 apiserver, a field manager: a request's managedFields stay empty
// through creation and decisions alike.
type Decided struct {
	Type    string // Approved, Denied or Failed
	Reason  string // raw
	Message string // raw
	At      time.Time
}

// DecisionOf is the decision on csr: its Denied or Approved condition (Failed
// when only that), nil while it is pending. The time is the condition's
// lastUpdateTime, which the writer sets and the apiserver fills in when it is
// missing (pkg/registry/certificates/certificates/strategy.go,
// populateConditionTimestamps).
func DecisionOf(csr *certificatesv1.CertificateSigningRequest) *Decided {
	if csr == nil {
		return nil
	}
	conds := make([]Condition, 0, len(csr.Status.Conditions))
	for _, c := range csr.Status.Conditions {
		conds = append(conds, Condition{Type: string(c.Type), Reason: c.Reason, Message: c.Message, LastUpdate: c.LastUpdateTime.Time})
	}
	return decisionIn(conds)
}

// Decision is the decision on s, as DecisionOf says it.
func (s *Summary) Decision() *Decided { return decisionIn(s.Conditions) }

// decisionIn is the Denied condition among conds, else the Approved, else
// the Failed one: kubectl's order for the status words (StatusOf).
func decisionIn(conds []Condition) *Decided {
	for _, want := range []certificatesv1.RequestConditionType{certificatesv1.CertificateDenied, certificatesv1.CertificateApproved, certificatesv1.CertificateFailed} {
		for _, c := range conds {
			if c.Type == string(want) {
				return &Decided{Type: c.Type, Reason: c.Reason, Message: c.Message, At: c.LastUpdate}
			}
		}
	}
	return nil
}

// Describe says what was decided, when and why, from what the cluster
// records: `denied 3s ago (KubectlDeny): "not on the roster"`. Raw: show it
// through Sanitize.
func (d Decided) Describe(now time.Time) string {
	return d.describe(now, false)
}

// DescribeAt is Describe with the time as it is, for a record read later:
// `denied at 2026-11-28T09:11:29Z (KubectlDeny): "not on the roster"`.
func (d Decided) DescribeAt() string {
	return d.describe(time.Time{}, true)
}

func (d Decided) describe(now time.Time, absolute bool) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(d.Type))
	if absolute && !d.At.IsZero() {
		b.WriteString(" at " + d.At.UTC().Format(time.RFC3339))
	} else if !d.At.IsZero() {
		// The writer's clock set the time: a little ahead of ours is now.
		switch ago := now.Sub(d.At); {
		case ago >= 0:
			b.WriteString(" " + HumanDuration(ago) + " ago")
		case ago > -time.Minute:
			b.WriteString(" just now")
		default:
			b.WriteString(" at " + d.At.UTC().Format(time.RFC3339))
		}
	}
	if d.Reason != "" {
		b.WriteString(" (" + d.Reason + ")")
	}
	if d.Message != "" {
		b.WriteString(`: "` + d.Message + `"`)
	}
	return b.String()
}
