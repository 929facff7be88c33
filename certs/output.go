package certs

import (
	"maps"
	"slices"
	"time"
)

// csrtui's machine-readable output (`csrtui list -o json|yaml`, `csrtui check
// -o json`): a stable schema, documented in the README, versioned by
// OutputAPIVersion. Strings are the raw values from the API: whoever prints
// them escapes them for the format. Every field is always present: lists are
// [] and maps {} when empty, and only "request" and "certificate" may be null.

// OutputAPIVersion is the apiVersion of every output document.
const OutputAPIVersion = "csrtui/v1"

// Output kinds.
const (
	KindRequestList = "CertificateSigningRequestList"
	KindCheckResult = "CheckResult"
)

// RequestList is `list -o json`.
type RequestList struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Items      []RequestRecord `json:"items"`
}

// RequestRecord is one CSR, decoded and linted.
type RequestRecord struct {
	Name             string             `json:"name"`
	UID              string             `json:"uid"`
	Created          time.Time          `json:"created"`
	Signer           string             `json:"signer"`
	Condition        string             `json:"condition"` // kubectl's words: Pending, Approved,Issued, ...
	State            string             `json:"state"`     // Pending, Approved, Issued, Denied or Failed
	Requester        RequesterRecord    `json:"requester"`
	Usages           []string           `json:"usages"`
	Lifetime         LifetimeRecord     `json:"lifetime"`
	Request          *DecodedRequest    `json:"request"` // null when it can't be decoded
	RequestError     string             `json:"requestError"`
	Conditions       []ConditionRecord  `json:"conditions"`
	Certificate      *CertificateRecord `json:"certificate"` // null until issued, or when it can't be decoded
	CertificateError string             `json:"certificateError"`
	Risk             string             `json:"risk"` // the worst finding's severity, "decided" aside; "none"
	Findings         []FindingRecord    `json:"findings"`
	Annotations      map[string]string  `json:"annotations"`
	// SupersededBy names the newer pending request of the same signer and
	// requester that repeats this one (Backlog), "" when none does.
	SupersededBy string `json:"supersededBy"`
}

// RequesterRecord is who created the CSR, as the apiserver recorded it.
type RequesterRecord struct {
	Username string              `json:"username"`
	UID      string              `json:"uid"`
	Groups   []string            `json:"groups"`
	Extra    map[string][]string `json:"extra"`
}

// LifetimeRecord is how long the certificate will live, in seconds:
// requested is spec.expirationSeconds (0 when unset), effective what the signer
// will really give (0 when unknown: a signer csrtui can't predict).
type LifetimeRecord struct {
	RequestedSeconds int64 `json:"requestedSeconds"`
	EffectiveSeconds int64 `json:"effectiveSeconds"`
}

// DecodedRequest is spec.request, decoded.
type DecodedRequest struct {
	Subject    SubjectRecord     `json:"subject"`
	SANs       SANRecord         `json:"sans"`
	PublicKey  PublicKeyRecord   `json:"publicKey"`
	Signature  SignatureRecord   `json:"signature"`
	Extensions []ExtensionRecord `json:"extensions"`
}

// SubjectRecord is the request's subject: the CN (the last one, as the
// apiserver reads it), the O values, and every attribute in order.
type SubjectRecord struct {
	CommonName    string            `json:"commonName"`
	Organizations []string          `json:"organizations"`
	Attributes    []AttributeRecord `json:"attributes"`
}

// AttributeRecord is one subject attribute.
type AttributeRecord struct {
	OID   string `json:"oid"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SANRecord is the subject alternative names, by kind.
type SANRecord struct {
	DNS   []string `json:"dns"`
	IP    []string `json:"ip"`
	Email []string `json:"email"`
	URI   []string `json:"uri"`
}

// PublicKeyRecord describes the request's key.
type PublicKeyRecord struct {
	Algorithm string `json:"algorithm"` // RSA, ECDSA, Ed25519 or unknown
	Bits      int    `json:"bits"`
	Curve     string `json:"curve"` // "" unless ECDSA
}

// SignatureRecord is the request's signature and whether it verifies.
type SignatureRecord struct {
	Algorithm string `json:"algorithm"`
	Verifies  bool   `json:"verifies"`
	Error     string `json:"error"`
}

// ExtensionRecord is one extension the request asks for.
type ExtensionRecord struct {
	OID      string `json:"oid"`
	Name     string `json:"name"`
	Critical bool   `json:"critical"`
	Value    string `json:"value"`
}

// ConditionRecord is one status condition.
type ConditionRecord struct {
	Type           string     `json:"type"`
	Status         string     `json:"status"`
	Reason         string     `json:"reason"`
	Message        string     `json:"message"`
	LastUpdateTime *time.Time `json:"lastUpdateTime"` // null when not set
}

// CertificateRecord is the issued certificate, decoded.
type CertificateRecord struct {
	Serial            string    `json:"serial"`
	Subject           string    `json:"subject"`
	Issuer            string    `json:"issuer"`
	NotBefore         time.Time `json:"notBefore"`
	NotAfter          time.Time `json:"notAfter"`
	SHA256            string    `json:"sha256"`
	KeyMatchesRequest bool      `json:"keyMatchesRequest"`
	IsCA              bool      `json:"isCA"`
	Usages            []string  `json:"usages"`
}

// FindingRecord is one finding: its stable id, its severity, the one-line
// message and the detail that says why and where the rule comes from.
type FindingRecord struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Detail   string `json:"detail"`
}

// NewRequestList is the output document for summaries, in their order; b is
// the backlog of the whole list they come from.
func NewRequestList(list []*Summary, b Backlog) RequestList {
	out := RequestList{APIVersion: OutputAPIVersion, Kind: KindRequestList, Items: make([]RequestRecord, 0, len(list))}
	for _, s := range list {
		r := NewRequestRecord(s)
		if live := b.SupersededBy(s); live != nil {
			r.SupersededBy = live.Name
		}
		out.Items = append(out.Items, r)
	}
	return out
}

// NewRequestRecord is the output record of one summary.
func NewRequestRecord(s *Summary) RequestRecord {
	r := RequestRecord{
		Name:      s.Name,
		UID:       s.UID,
		Created:   s.Created.UTC(),
		Signer:    s.Signer,
		Condition: s.Condition,
		State:     s.State.String(),
		Requester: RequesterRecord{
			Username: s.Username,
			UID:      s.UserUID,
			Groups:   orEmpty(s.Groups),
			Extra:    make(map[string][]string, len(s.Extra)),
		},
		Usages: orEmpty(s.Usages),
		Lifetime: LifetimeRecord{
			RequestedSeconds: int64(s.RequestedDuration / time.Second),
			EffectiveSeconds: int64(s.EffectiveDuration / time.Second),
		},
		Conditions:  make([]ConditionRecord, 0, len(s.Conditions)),
		Risk:        s.Risk().String(),
		Findings:    make([]FindingRecord, 0, len(s.Findings)),
		Annotations: maps.Clone(s.Annotations),
	}
	if r.Annotations == nil {
		r.Annotations = map[string]string{}
	}
	for k, v := range s.Extra {
		r.Requester.Extra[k] = orEmpty(v)
	}
	if s.RequestErr != nil {
		r.RequestError = s.RequestErr.Error()
	}
	if q := s.Request; q != nil {
		r.Request = decodedRequest(q)
	}
	for _, c := range s.Conditions {
		cr := ConditionRecord{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message}
		if !c.LastUpdate.IsZero() {
			t := c.LastUpdate.UTC()
			cr.LastUpdateTime = &t
		}
		r.Conditions = append(r.Conditions, cr)
	}
	if s.CertificateErr != nil {
		r.CertificateError = s.CertificateErr.Error()
	}
	if c := s.Certificate; c != nil {
		r.Certificate = &CertificateRecord{
			Serial:            c.Serial,
			Subject:           c.Subject,
			Issuer:            c.Issuer,
			NotBefore:         c.NotBefore.UTC(),
			NotAfter:          c.NotAfter.UTC(),
			SHA256:            c.SHA256,
			KeyMatchesRequest: c.KeyMatchesRequest,
			IsCA:              c.IsCA,
			Usages:            orEmpty(c.Usages),
		}
	}
	for _, f := range s.Findings {
		r.Findings = append(r.Findings, FindingRecord{ID: f.ID, Severity: f.Severity.String(), Message: f.Title, Detail: f.Detail})
	}
	return r
}

func decodedRequest(q *Request) *DecodedRequest {
	d := &DecodedRequest{
		Subject: SubjectRecord{
			CommonName:    q.CommonName,
			Organizations: orEmpty(q.Organizations),
			Attributes:    make([]AttributeRecord, 0, len(q.Subject)),
		},
		SANs: SANRecord{
			DNS:   orEmpty(q.DNSNames),
			IP:    orEmpty(q.IPAddresses),
			Email: orEmpty(q.EmailAddresses),
			URI:   orEmpty(q.URIs),
		},
		PublicKey:  PublicKeyRecord{Algorithm: q.PublicKeyAlgorithm, Bits: q.KeyBits, Curve: q.Curve},
		Signature:  SignatureRecord{Algorithm: q.SignatureAlgorithm, Verifies: q.SignatureErr == nil},
		Extensions: make([]ExtensionRecord, 0, len(q.Extensions)),
	}
	if q.SignatureErr != nil {
		d.Signature.Error = q.SignatureErr.Error()
	}
	for _, a := range q.Subject {
		d.Subject.Attributes = append(d.Subject.Attributes, AttributeRecord(a))
	}
	for _, e := range q.Extensions {
		d.Extensions = append(d.Extensions, ExtensionRecord(e))
	}
	return d
}

// orEmpty is s, or an empty (not nil) slice, so that it is [] in JSON.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// CheckResult is `check -o json`: the CSRs that need an admin.
type CheckResult struct {
	APIVersion           string        `json:"apiVersion"`
	Kind                 string        `json:"kind"`
	MaxPendingAgeSeconds int64         `json:"maxPendingAgeSeconds"` // 0: not checked
	FailOn               string        `json:"failOn"`               // a severity, or "none": not checked
	Problems             []CheckRecord `json:"problems"`
}

// CheckRecord is one pending CSR that check reports: waiting too long, risky,
// or both.
type CheckRecord struct {
	Name           string          `json:"name"`
	UID            string          `json:"uid"`
	Created        time.Time       `json:"created"`
	PendingSeconds int64           `json:"pendingSeconds"`
	Stale          bool            `json:"stale"` // pending longer than maxPendingAgeSeconds
	Risk           string          `json:"risk"`
	Risky          bool            `json:"risky"`    // risk at or above failOn
	Findings       []FindingRecord `json:"findings"` // those at or above failOn
}

// Severities lists every severity's word, mildest first, "none" included.
func Severities() []string {
	out := make([]string, 0, int(SeverityBlock)+1)
	for s := SeverityNone; s <= SeverityBlock; s++ {
		out = append(out, s.String())
	}
	return out
}

// ParseSeverity reads a severity's word, as Severity.String writes it.
func ParseSeverity(word string) (Severity, bool) {
	for s := SeverityNone; s <= SeverityBlock; s++ {
		if s.String() == word {
			return s, true
		}
	}
	return SeverityNone, false
}
