package certs

import (
	"errors"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// Summarize decodes and lints one CSR. It never mutates csr and never panics,
// whatever the object holds: csr is a shared informer cache object. What the
// summary keeps is copied. Of the certificate it keeps no bytes (6,000
// issued requests hold about 4 MB of them, which nothing on screen reads):
// what it decodes (Certificate), and their SHA-256 (CertificateSum), against
// which whoever writes the certificate checks the one it reads again.
func Summarize(csr *certificatesv1.CertificateSigningRequest, p Policy, f ClusterFacts) *Summary {
	if csr == nil {
		s := &Summary{Condition: "Pending", RequestErr: errors.New("no certificate signing request")}
		s.Findings = findings(s, p, f)
		return s
	}
	return SummarizeSince(csr, nil, p, f)
}

// SummarizeSince is Summarize, for a new version of the request prior
// summarized: what prior decoded of the same bytes is taken as it is, not
// decoded again. A request's spec can't change once created (the
// apiserver's strategy keeps the old spec on every update:
// pkg/registry/certificates/certificates/strategy.go), so each decision and
// issuance brings a new version of bytes already checked: approving a
// thousand requests would otherwise check a thousand signatures again, and
// parse a thousand certificates twice. Bytes are the same when the UID is and
// their hashes are (a 64-bit hash seeded at random when csrtui starts, which
// nobody can aim a collision at); anything else is decoded anew. A nil or
// Unchecked prior is no help.
func SummarizeSince(csr *certificatesv1.CertificateSigningRequest, prior *Summary, p Policy, f ClusterFacts) *Summary {
	if csr == nil {
		return Summarize(nil, p, f)
	}
	s := glance(csr, p)
	same := prior != nil && !prior.Unchecked && prior.UID == s.UID && prior.requestSum == s.requestSum
	if same {
		s.Request, s.RequestErr = prior.Request, prior.RequestErr
	} else {
		s.Request, s.RequestErr = ParseRequest(csr.Spec.Request)
	}
	if len(csr.Status.Certificate) > 0 {
		if same && prior.CertificateSum == s.CertificateSum {
			s.Certificate, s.CertificateErr = prior.Certificate, prior.CertificateErr
		} else {
			s.Certificate, s.CertificateErr = ParseCertificate(csr.Status.Certificate, s.Request)
		}
	}
	s.Findings = findings(s, p, f)
	s.Search = searchText(s)
	return s
}

// Glance summarizes csr from the fields that need no decoding: enough for its
// row, at a small fraction of Summarize's cost (no parsing, no signature
// check), so that thousands of rows can show at once and be decoded after.
// The summary is Unchecked: its request and certificate are not decoded, and
// its one finding, FindingUnchecked, blocks approval until Summarize replaces
// it. Like Summarize, it copies what it keeps, and keeps of the certificate
// its CertificateSum alone.
func Glance(csr *certificatesv1.CertificateSigningRequest, p Policy) *Summary {
	if csr == nil {
		return Summarize(nil, p, ClusterFacts{})
	}
	s := glance(csr, p)
	s.Unchecked = true
	s.Findings = uncheckedFindings
	s.Search = searchText(s)
	return s
}

// Relint returns s with its findings taken again against other facts or
// policy: the decoded request and certificate are kept, so nothing is parsed
// again. An Unchecked summary is returned as it is.
func Relint(s *Summary, p Policy, f ClusterFacts) *Summary {
	if s.Unchecked {
		return s
	}
	c := *s
	c.EffectiveDuration = effectiveDuration(c.Signer, c.RequestedDuration, p)
	c.Findings = findings(&c, p, f)
	return &c
}

// uncheckedFindings are an Unchecked summary's findings, shared by all.
var uncheckedFindings = []Finding{{
	ID: FindingUnchecked, Severity: SeverityBlock, Title: "not decoded yet: the request and its signature are being checked",
	Detail: "csrtui lists requests from the fields it can read at once and decodes each request (its subject, " +
		"key and signature) and certificate right after. Until then nothing about this request is known, " +
		"so it can't be approved.",
}}

// glance copies the fields of csr that need no decoding.
func glance(csr *certificatesv1.CertificateSigningRequest, p Policy) *Summary {
	s := &Summary{
		Name:            csr.Name,
		UID:             string(csr.UID),
		ResourceVersion: csr.ResourceVersion,
		Created:         csr.CreationTimestamp.Time,
		Signer:          intern(csr.Spec.SignerName),
		Username:        intern(csr.Spec.Username),
		UserUID:         intern(csr.Spec.UID),
		Groups:          internList(csr.Spec.Groups),
		Annotations:     maps.Clone(csr.Annotations),
	}
	if len(csr.Spec.Extra) > 0 {
		s.Extra = make(map[string][]string, len(csr.Spec.Extra))
		for k, v := range csr.Spec.Extra {
			s.Extra[k] = cloneStrings(v)
		}
	}
	if len(csr.Spec.Usages) > 0 {
		usages := make([]string, len(csr.Spec.Usages))
		for i, u := range csr.Spec.Usages {
			usages[i] = string(u)
		}
		s.Usages = internList(usages)
	}
	if e := csr.Spec.ExpirationSeconds; e != nil && *e > 0 {
		s.RequestedDuration = time.Duration(*e) * time.Second
	}
	s.EffectiveDuration = effectiveDuration(s.Signer, s.RequestedDuration, p)
	s.State, s.Condition = StatusOf(csr)
	if len(csr.Status.Conditions) > 0 {
		conds := make([]Condition, len(csr.Status.Conditions))
		for i, c := range csr.Status.Conditions {
			conds[i] = Condition{
				Type:       intern(string(c.Type)),
				Status:     intern(string(c.Status)),
				Reason:     intern(c.Reason),
				Message:    intern(c.Message),
				LastUpdate: c.LastUpdateTime.Time,
			}
		}
		s.Conditions = internConditions(conds)
	}
	// About 1 µs for a 1 KB certificate: the SHA-256 is taken once, here,
	// so that a row can be exported before it is decoded.
	s.CertificateSum = SumCertificate(csr.Status.Certificate)
	s.requestSum = maphash.Bytes(requestSeed, csr.Spec.Request)
	return s
}

// requestSeed seeds requestSum's hash, at random for each run of csrtui.
var requestSeed = maphash.MakeSeed()

// searchText joins what the filter matches, lower-cased once here so that
// Matches needs no allocation per keystroke and row. Each field follows a NUL,
// so a filter can't match across two of them. A name in lower case already,
// as nearly all are, is left out: Matches reads Name itself, and what remains
// is the same for all a requester's CSRs, which share one copy of it.
func searchText(s *Summary) string {
	nameApart := isLower(s.Name)
	n := 1 + len(s.Username)
	if !nameApart {
		n += len(s.Name)
	}
	if s.Request != nil {
		n += 1 + len(s.Request.CommonName)
		for _, o := range s.Request.Organizations {
			n += 1 + len(o)
		}
	}
	var b strings.Builder
	b.Grow(n)
	if !nameApart {
		b.WriteString(s.Name)
	}
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
	text := strings.ToLower(b.String())
	if nameApart {
		return intern(text)
	}
	return text
}

// isLower reports whether s is its own lower case.
func isLower(s string) bool { return strings.ToLower(s) == s }

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
		keys[i] = keyOf(x)
	}
	slices.SortFunc(keys, compareKeys)
	for i := range keys {
		s[i] = keys[i].s
	}
}

// Compare orders two summaries as Sort does, for a search in a sorted list.
func Compare(a, b *Summary) int { return compareKeys(keyOf(a), keyOf(b)) }

func keyOf(x *Summary) sortKey {
	return sortKey{sec: x.Created.Unix(), nsec: int32(x.Created.Nanosecond()), pending: x.State == StatePending, s: x}
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
	filter = strings.ToLower(filter)
	if s.Search != "" && s.Search[0] == 0 && strings.Contains(s.Name, filter) {
		return true // the name is lower case, and not in Search (searchText)
	}
	return strings.Contains(s.Search, filter)
}
