package certs

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// The record: what csrtui did, one JSON object per line (JSON Lines) in a
// local file that only grows. The cluster forgets a decided request within
// the hour (pkg/controller/certificates/cleaner) and can't revoke a
// certificate, so the record is where "which certificates did we issue, to
// whom, with which groups, until when?" keeps its answer.
//
// Every line is a RecordEntry of the output schema's apiVersion (csrtui/v1),
// documented in the README. Strings are the raw values from the API, written
// as JSON escapes outside printable ASCII (ASCIIJSON): a line holds no
// control character, so printing the file is safe, and a program reading it
// gets the values back exactly.

// KindRecordEntry is the kind of every line of the record.
const KindRecordEntry = "RecordEntry"

// RecordAction is what a line records.
type RecordAction string

// Actions. Issued is no action of the admin's: it is the certificate of an
// approval the console made, seen when the signer issued it, so that the
// record holds the certificate even when nobody exports it.
const (
	RecordApprove RecordAction = "approve"
	RecordDeny    RecordAction = "deny"
	RecordCreate  RecordAction = "create"
	RecordDelete  RecordAction = "delete"
	RecordExport  RecordAction = "export"
	RecordIssued  RecordAction = "issued"
)

// RecordOutcome is how the action ended.
type RecordOutcome string

// Outcomes. Already: the same decision was on the request already (another
// admin's), and nothing was written. Refused: the cluster or csrtui said no
// (forbidden, the opposite decision, a replaced request, a finding); Error:
// anything else (the apiserver unreachable, a file that can't be written).
// The entry's Detail says what.
const (
	OutcomeOK      RecordOutcome = "ok"
	OutcomeAlready RecordOutcome = "already"
	OutcomeRefused RecordOutcome = "refused"
	OutcomeError   RecordOutcome = "error"
)

// RecordEntry is one line of the record. Every field is always present:
// lists are [] when empty, and only subject (the request could not be
// decoded, or is not known) and certificate (none issued, or none known) may
// be null.
type RecordEntry struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Time       time.Time `json:"time"` // UTC
	// Where and who: the kubeconfig context, the server URL, and the admin
	// as the apiserver authenticated them.
	Context string      `json:"context"`
	Server  string      `json:"server"`
	Admin   RecordAdmin `json:"admin"`

	Action RecordAction `json:"action"`
	// The request acted on, as it was when the admin acted.
	Name      string          `json:"name"`
	UID       string          `json:"uid"`
	Signer    string          `json:"signer"`
	Requester RequesterRecord `json:"requester"`
	Subject   *SubjectRecord  `json:"subject"`
	Findings  []RecordFinding `json:"findings"`
	// Message is the one written on the condition (approve, deny).
	Message string `json:"message"`
	// Files are the files written (export, and request's certificate);
	// "-" is standard output.
	Files   []string      `json:"files"`
	Outcome RecordOutcome `json:"outcome"`
	Detail  string        `json:"detail"` // what was refused, the error, the decision found already made

	Certificate *RecordCertificate `json:"certificate"`
}

// RecordAdmin is who acted. Verified: the apiserver said so (a
// SelfSubjectReview); otherwise User is the kubeconfig's user name, Groups
// are unknown, and Error says why the apiserver could not be asked.
type RecordAdmin struct {
	User     string   `json:"user"`
	Groups   []string `json:"groups"`
	Verified bool     `json:"verified"`
	Error    string   `json:"error"`
}

// RecordFinding is a finding as the record keeps it: its id and severity.
type RecordFinding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
}

// RecordCertificate is an issued certificate, as the ledger of credentials
// needs it: what identifies it (serial, the SHA-256 fingerprint of its DER,
// as `openssl x509 -noout -fingerprint -sha256` prints it, after
// "sha256 Fingerprint="), how long it lasts, and whom it authenticates: a
// client certificate is the user of its CN in the groups of its O values
// (k8s.io/apiserver/pkg/authentication/request/x509/x509.go).
type RecordCertificate struct {
	Serial    string    `json:"serial"` // upper-case hex
	SHA256    string    `json:"sha256"` // upper-case hex bytes joined by colons
	Issuer    string    `json:"issuer"`
	NotBefore time.Time `json:"notBefore"`
	NotAfter  time.Time `json:"notAfter"`
	User      string    `json:"user"`
	Groups    []string  `json:"groups"`
	// Usages are its key usages and extended key usages, in Kubernetes'
	// words ("digital signature", "client auth").
	Usages []string `json:"usages"`
}

// NewRecordEntry is the entry of action a on the request s, as s is now:
// its name, UID, signer, requester, subject and findings, and its certificate
// when it is issued. The caller adds the outcome (SetOutcome), the message and
// the files; the recorder adds the time, where and who.
func NewRecordEntry(a RecordAction, s *Summary) RecordEntry {
	e := RecordEntry{Action: a}
	if s == nil {
		return e
	}
	e.Name, e.UID, e.Signer = s.Name, s.UID, s.Signer
	e.Requester = RequesterRecord{Username: s.Username, UID: s.UserUID, Groups: orEmpty(s.Groups), Extra: make(map[string][]string, len(s.Extra))}
	for k, v := range s.Extra {
		e.Requester.Extra[k] = orEmpty(v)
	}
	if s.Request != nil {
		e.Subject = &decodedRequest(s.Request).Subject
	}
	e.Findings = RecordFindings(s.Findings)
	if s.State == StateIssued && s.Certificate != nil {
		// A certificate that does not parse is recorded as none: the
		// summary's CertificateErr already says why. So is one not decoded
		// yet (Unchecked): its line comes from the bytes, NewRecordCertificate.
		e.Certificate = s.Certificate.Record()
	}
	return e
}

// RecordFindings are findings as the record keeps them, worst first as
// given. Decided is left out: it restates the condition, and every issued
// certificate has it; so is unchecked, which says only that the request was
// not decoded yet.
func RecordFindings(fs []Finding) []RecordFinding {
	out := make([]RecordFinding, 0, len(fs))
	for _, f := range fs {
		if f.ID != FindingDecided && f.ID != FindingUnchecked {
			out = append(out, RecordFinding{ID: f.ID, Severity: f.Severity.String()})
		}
	}
	return out
}

// SetOutcome records how the action ended: err nil is ok, already the
// decision found made already (nothing written), said with its time;
// otherwise refused or error, as RecordOutcomeOf says, with the error's
// text.
func (e *RecordEntry) SetOutcome(already *Decided, err error) {
	switch {
	case err != nil:
		e.Outcome, e.Detail = RecordOutcomeOf(err), err.Error()
	case already != nil:
		e.Outcome, e.Detail = OutcomeAlready, already.DescribeAt()
	default:
		e.Outcome, e.Detail = OutcomeOK, ""
	}
}

// RecordOutcomeOf is refused for an error that is the cluster's or csrtui's
// answer (forbidden, the opposite decision already made, a replaced request,
// a name taken, a request validation refused), error for anything else.
func RecordOutcomeOf(err error) RecordOutcome {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrAlreadyDecided), errors.Is(err, ErrReplaced),
		apierrors.IsForbidden(err), apierrors.IsAlreadyExists(err), apierrors.IsInvalid(err), apierrors.IsNotFound(err):
		return OutcomeRefused
	}
	return OutcomeError
}

// Record is c as the record keeps it.
func (c *Certificate) Record() *RecordCertificate {
	return &RecordCertificate{
		Serial:    c.Serial,
		SHA256:    c.SHA256,
		Issuer:    c.Issuer,
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		User:      c.CommonName,
		Groups:    orEmpty(slices.Clone(c.Organizations)),
		Usages:    orEmpty(slices.Clone(c.Usages)),
	}
}

// NewRecordCertificate decodes the issued certificate (the first
// CERTIFICATE block) for the record: the first PEM block of any
// status.certificate the apiserver admitted, since it admits CERTIFICATE
// blocks only (pkg/apis/certificates/validation/validation.go
// validateCertificate), so the same certificate as ParseCertificate's.
func NewRecordCertificate(pemBytes []byte) (*RecordCertificate, error) {
	var block *pem.Block
	for rest := pemBytes; ; {
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM CERTIFICATE block")
		}
		if block.Type == "CERTIFICATE" {
			break
		}
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a valid X.509 certificate: %w", err)
	}
	return newCertificate(cert).Record(), nil
}

// Fingerprint is the SHA-256 of der as openssl prints it: upper-case hex
// bytes joined by colons, "3C:44:CE:...".
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return colonHex(sum[:])
}

// MarshalRecordLine is e as one line of the record, newline included:
// apiVersion and kind set, empty lists as [], every character outside
// printable ASCII escaped.
func MarshalRecordLine(e RecordEntry) ([]byte, error) {
	e.APIVersion, e.Kind = OutputAPIVersion, KindRecordEntry
	e.Time = e.Time.UTC()
	e.Admin.Groups = orEmpty(e.Admin.Groups)
	e.Requester.Groups = orEmpty(e.Requester.Groups)
	if e.Requester.Extra == nil {
		e.Requester.Extra = map[string][]string{}
	}
	if e.Findings == nil {
		e.Findings = []RecordFinding{}
	}
	e.Files = orEmpty(e.Files)
	if c := e.Certificate; c != nil {
		cc := *c
		cc.Groups, cc.Usages = orEmpty(cc.Groups), orEmpty(cc.Usages)
		e.Certificate = &cc
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil { // Encode ends with the newline
		return nil, err
	}
	return ASCIIJSON(buf.Bytes()), nil
}

// RecordLog is the record as read back: its readable entries in the file's
// order (oldest first), and what could not be read.
type RecordLog struct {
	Entries []RecordEntry
	// Unreadable counts the lines that are not a csrtui/v1 RecordEntry:
	// garbage, a line cut short, another program's.
	Unreadable int
	// Cut is true when only the end of the file was read whole: older
	// lines are not in Entries.
	Cut bool
	// Earlier are the older lines, when Cut, that StillValid needs: those
	// of certificates still valid when the record was read, trimmed to
	// what StillValid uses (StillValidLine). A long record must not hide
	// who still holds what because newer lines pushed it out of Entries.
	Earlier []RecordEntry
}

// Credentials are the lines StillValid reads: Earlier, then Entries.
func (l RecordLog) Credentials() []RecordEntry {
	if len(l.Earlier) == 0 {
		return l.Entries
	}
	return slices.Concat(l.Earlier, l.Entries)
}

// StillValidLine is e as StillValid needs it (its action, name, UID, time,
// findings and certificate), and whether StillValid counts it at now: it
// records a certificate that has not expired.
func StillValidLine(e RecordEntry, now time.Time) (RecordEntry, bool) {
	c := e.Certificate
	if c == nil || c.SHA256 == "" || !c.NotAfter.After(now) {
		return RecordEntry{}, false
	}
	return RecordEntry{
		APIVersion: e.APIVersion, Kind: e.Kind, Time: e.Time, Action: e.Action,
		Name: e.Name, UID: e.UID, Findings: e.Findings, Certificate: c,
	}, true
}

// MaxRecordRead is how much of the end of the record is read back, so that
// a huge file can't exhaust memory: some tens of thousands of lines.
const MaxRecordRead = 8 << 20

// ParseRecord reads the lines of data, the record or its end. cut says
// data starts somewhere in the file, not at its start: what comes before
// the first newline is the end of a line not read whole, and is dropped.
func ParseRecord(data []byte, cut bool) RecordLog {
	log := RecordLog{Cut: cut}
	if cut {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return log
		}
		data = data[i+1:]
	}
	for len(data) > 0 {
		line, rest, found := bytes.Cut(data, []byte{'\n'})
		data = rest
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, ok := ParseRecordLine(line)
		if !ok || !found { // a last line with no newline was cut short
			log.Unreadable++
			continue
		}
		log.Entries = append(log.Entries, e)
	}
	return log
}

// ParseRecordLine reads one line of the record, its newline left out; ok
// is false when it is not a csrtui/v1 RecordEntry.
func ParseRecordLine(line []byte) (RecordEntry, bool) {
	var e RecordEntry
	if err := json.Unmarshal(line, &e); err != nil {
		return e, false
	}
	if e.APIVersion != OutputAPIVersion || e.Kind != KindRecordEntry || e.Action == "" {
		return e, false
	}
	return e, true
}

// ValidCredential is a certificate the record says was issued and that has
// not expired: the first entry that recorded it, and how bad it is to hold.
type ValidCredential struct {
	Certificate RecordCertificate
	Entry       RecordEntry // the first line that recorded it
	// Severity is the worst of the findings recorded with it (decided
	// aside) and of its own identity: critical when it puts its holder in
	// system:masters.
	Severity Severity
	// Why names the findings of that severity.
	Why []string
}

// CredentialGroup is every valid certificate of one group (an O value), or
// of none ("" Group: certificates without O).
type CredentialGroup struct {
	Group       string
	Severity    Severity          // the worst of its credentials'
	Until       time.Time         // the last not-after among them
	Credentials []ValidCredential // worst first, then by user, then by not-after, last first
}

// StillValid groups the certificates the record holds that have not
// expired at now by group, worst first: who still holds system:masters, and
// until when, comes before anything else. A certificate recorded several
// times (approved, issued, exported) counts once, by fingerprint, with the
// findings of every line that recorded it. A certificate in several groups
// is in each.
func StillValid(entries []RecordEntry, now time.Time) []CredentialGroup {
	var (
		order []string
		byFP  = map[string]*ValidCredential{}
	)
	for _, e := range entries {
		if _, ok := StillValidLine(e, now); !ok {
			continue
		}
		c := e.Certificate
		v := byFP[c.SHA256]
		if v == nil {
			v = &ValidCredential{Certificate: *c, Entry: e}
			byFP[c.SHA256] = v
			order = append(order, c.SHA256)
			for _, id := range holderFindings(*c) {
				v.worsen(SeverityCritical, id)
			}
		}
		for _, f := range e.Findings {
			if sev, ok := ParseSeverity(f.Severity); ok && f.ID != FindingDecided && f.ID != FindingUnchecked {
				v.worsen(sev, f.ID)
			}
		}
	}

	groups := map[string]*CredentialGroup{}
	var names []string
	add := func(name string, v *ValidCredential) {
		g := groups[name]
		if g == nil {
			g = &CredentialGroup{Group: name}
			groups[name] = g
			names = append(names, name)
		}
		g.Credentials = append(g.Credentials, *v)
		g.Severity = max(g.Severity, v.Severity)
		if v.Certificate.NotAfter.After(g.Until) {
			g.Until = v.Certificate.NotAfter
		}
	}
	for _, fp := range order {
		v := byFP[fp]
		if len(v.Certificate.Groups) == 0 {
			add("", v)
		}
		seen := map[string]bool{}
		for _, g := range v.Certificate.Groups {
			if !seen[g] {
				seen[g] = true
				add(g, v)
			}
		}
	}
	out := make([]CredentialGroup, 0, len(names))
	for _, n := range names {
		g := groups[n]
		slices.SortStableFunc(g.Credentials, func(a, b ValidCredential) int {
			switch {
			case a.Severity != b.Severity:
				return int(b.Severity) - int(a.Severity)
			case a.Certificate.User != b.Certificate.User:
				if a.Certificate.User < b.Certificate.User {
					return -1
				}
				return 1
			}
			return b.Certificate.NotAfter.Compare(a.Certificate.NotAfter)
		})
		out = append(out, *g)
	}
	slices.SortStableFunc(out, func(a, b CredentialGroup) int {
		switch {
		case a.Severity != b.Severity:
			return int(b.Severity) - int(a.Severity)
		case (a.Group == systemMasters) != (b.Group == systemMasters): // who holds system:masters first
			if a.Group == systemMasters {
				return -1
			}
			return 1
		case (a.Group == "") != (b.Group == ""): // certificates without a group last
			if a.Group == "" {
				return 1
			}
			return -1
		case a.Group < b.Group:
			return -1
		case a.Group > b.Group:
			return 1
		}
		return 0
	})
	return out
}

// systemMasters is the group the apiserver lets past authorization
// (k8s.io/apiserver/pkg/authentication/user.SystemPrivilegedGroup).
const systemMasters = "system:masters"

// worsen raises v's severity to sev, naming why.
func (v *ValidCredential) worsen(sev Severity, id string) {
	switch {
	case sev > v.Severity:
		v.Severity, v.Why = sev, []string{id}
	case sev == v.Severity && sev != SeverityNone && !slices.Contains(v.Why, id):
		v.Why = append(v.Why, id)
	}
}

// holderFindings are the findings a certificate earns by whom it
// authenticates, whatever was recorded with it: system:masters (the masters
// finding) when it can authenticate a client, which it can with the client
// auth usage, or with no extended key usage at all (crypto/x509/verify.go,
// k8s.io/apiserver/pkg/authentication/request/x509/x509.go).
func holderFindings(c RecordCertificate) []string {
	if !slices.Contains(c.Groups, systemMasters) {
		return nil
	}
	// Usages that are not key usages are extended key usages: words, or
	// the OIDs of those Kubernetes has no word for.
	anyEKU := slices.ContainsFunc(c.Usages, func(u string) bool { return !slices.Contains(keyUsageWords, u) })
	if !anyEKU || slices.Contains(c.Usages, string(certificatesv1.UsageClientAuth)) || slices.Contains(c.Usages, string(certificatesv1.UsageAny)) {
		return []string{FindingMasters}
	}
	return nil
}
