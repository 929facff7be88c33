package certs

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// Summarize decodes and lints one CSR. It never mutates csr and never panics,
// whatever the object holds: csr is a shared informer cache object, so
// everything kept is copied.
func Summarize(csr *certificatesv1.CertificateSigningRequest, p Policy, f ClusterFacts) *Summary {
	if csr == nil {
		s := &Summary{Condition: "Pending", RequestErr: errors.New("no certificate signing request")}
		s.Findings = findings(s, p, f)
		return s
	}
	s := &Summary{
		Name:            csr.Name,
		UID:             string(csr.UID),
		ResourceVersion: csr.ResourceVersion,
		Created:         csr.CreationTimestamp.Time,
		Signer:          csr.Spec.SignerName,
		Username:        csr.Spec.Username,
		UserUID:         csr.Spec.UID,
		Groups:          cloneStrings(csr.Spec.Groups),
		Annotations:     maps.Clone(csr.Annotations),
	}
	if len(csr.Spec.Extra) > 0 {
		s.Extra = make(map[string][]string, len(csr.Spec.Extra))
		for k, v := range csr.Spec.Extra {
			s.Extra[k] = cloneStrings(v)
		}
	}
	if len(csr.Spec.Usages) > 0 {
		s.Usages = make([]string, len(csr.Spec.Usages))
		for i, u := range csr.Spec.Usages {
			s.Usages[i] = string(u)
		}
	}
	if e := csr.Spec.ExpirationSeconds; e != nil && *e > 0 {
		s.RequestedDuration = time.Duration(*e) * time.Second
	}
	s.EffectiveDuration = effectiveDuration(s.Signer, s.RequestedDuration, p)
	s.State, s.Condition = StatusOf(csr)
	if len(csr.Status.Conditions) > 0 {
		s.Conditions = make([]Condition, len(csr.Status.Conditions))
		for i, c := range csr.Status.Conditions {
			s.Conditions[i] = Condition{
				Type:       string(c.Type),
				Status:     string(c.Status),
				Reason:     c.Reason,
				Message:    c.Message,
				LastUpdate: c.LastUpdateTime.Time,
			}
		}
	}
	s.Request, s.RequestErr = ParseRequest(csr.Spec.Request)
	if len(csr.Status.Certificate) > 0 {
		s.CertificatePEM = bytes.Clone(csr.Status.Certificate)
		s.Certificate, s.CertificateErr = ParseCertificate(s.CertificatePEM, s.Request)
	}
	s.Findings = findings(s, p, f)
	s.Search = searchText(s)
	return s
}

// searchText joins what the filter matches, lower-cased once here so that
// Matches needs no allocation per keystroke and row. Fields are separated by a
// NUL so a filter can't match across two of them.
func searchText(s *Summary) string {
	var b strings.Builder
	b.WriteString(s.Name)
	b.WriteByte(0)
	b.WriteString(s.Username)
	if s.Request != nil {
		b.WriteByte(0)
		b.WriteString(s.Request.CommonName)
		for _, o := range s.Request.Organizations {
			b.WriteByte(0)
			b.WriteString(o)
		}
	}
	return strings.ToLower(b.String())
}

// Sort orders summaries as the list shows them: pending first, then newest first
// within each group, then by name.
//
// It runs on every refresh of up to 10,000 rows, so the keys are copied into
// one compact slice first: comparing them then touches contiguous memory
// instead of chasing a pointer into each summary.
func Sort(s []*Summary) {
	if len(s) < 2 {
		return
	}
	keys := make([]sortKey, len(s))
	for i, x := range s {
		keys[i] = sortKey{sec: x.Created.Unix(), nsec: int32(x.Created.Nanosecond()), pending: x.State == StatePending, s: x}
	}
	slices.SortFunc(keys, compareKeys)
	for i := range keys {
		s[i] = keys[i].s
	}
}

type sortKey struct {
	sec     int64
	nsec    int32
	pending bool
	s       *Summary
}

func compareKeys(a, b sortKey) int {
	if a.pending != b.pending {
		if a.pending {
			return -1
		}
		return 1
	}
	if a.sec != b.sec {
		if a.sec > b.sec {
			return -1
		}
		return 1
	}
	if a.nsec != b.nsec {
		if a.nsec > b.nsec {
			return -1
		}
		return 1
	}
	return strings.Compare(a.s.Name, b.s.Name)
}

// Risk is the worst severity of what the request itself asks for: every finding
// but FindingDecided, which only restates the CSR's condition. The list shows it, so
// that an issued certificate keeps the marker of the risk it was approved with.
func (s *Summary) Risk() Severity {
	for _, f := range s.Findings { // worst first
		if f.ID != FindingDecided {
			return f.Severity
		}
	}
	return SeverityNone
}

// Matches reports whether the summary matches a filter typed by the admin
// (case-insensitive substring of name, requester, subject CN and O). An
// already lower-cased filter costs no allocation.
func (s *Summary) Matches(filter string) bool {
	if filter == "" {
		return true
	}
	if strings.IndexByte(filter, 0) >= 0 {
		return false // NUL separates fields in Search; no real name holds one
	}
	return strings.Contains(s.Search, strings.ToLower(filter))
}
