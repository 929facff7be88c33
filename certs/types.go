// Package certs understands CertificateSigningRequests: it decodes requests and
// certificates, derives kubectl's status words, computes risk findings, sanitizes
// untrusted text for a terminal and writes export files. It is pure: bytes and API
// objects in, values out; the only I/O is the files it is asked to write.
package certs

import (
	"crypto/sha256"
	"time"
)

// Severity orders findings; a higher value is worse.
type Severity int

// Severities, mildest first. SeverityNone means "no finding".
const (
	SeverityNone Severity = iota
	SeverityInfo
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
	SeverityBlock
)

// Finding is one risk an admin should see before approving.
type Finding struct {
	ID       string   // stable rule id, e.g. "masters"
	Severity Severity // how bad
	Title    string   // one line, raw values only through Sanitize when shown
	Detail   string   // why it matters and where the rule comes from
}

// State is where a CSR is in its life.
type State int

// States. Issued means approved and a certificate is present.
const (
	StatePending State = iota
	StateApproved
	StateIssued
	StateDenied
	StateFailed
)

// Attribute is one subject attribute, in the order the request holds them,
// repeated ones and unknown OIDs included.
type Attribute struct {
	OID   string // dotted form
	Name  string // short name (CN, O, OU, ...) or the dotted OID when unknown
	Value string // raw, never shown without Sanitize
}

// Extension is one extension the request asks for.
type Extension struct {
	OID      string
	Name     string // e.g. "basicConstraints", or the dotted OID when unknown
	Critical bool
	Value    string // human summary, e.g. "CA:true" or "digital signature, key encipherment"
}

// Request is a decoded PKCS#10 certificate request. All strings are raw.
type Request struct {
	Subject        []Attribute
	CommonName     string   // what Go, and so the apiserver, takes as the username (the last CN)
	Organizations  []string // the groups
	DNSNames       []string
	IPAddresses    []string
	EmailAddresses []string
	URIs           []string

	PublicKeyAlgorithm string // "RSA", "ECDSA", "Ed25519" or "unknown"
	KeyBits            int    // RSA modulus bits or the curve's size
	Curve              string // "P-256", ... for ECDSA
	SignatureAlgorithm string // e.g. "SHA256-RSA"
	SignatureErr       error  // nil when the signature verifies

	Extensions            []Extension
	RequestedCA           bool     // basicConstraints CA:true asked for
	RequestedKeyUsages    []string // Kubernetes usage words where they map, e.g. "digital signature"
	RequestedExtKeyUsages []string // e.g. "client auth", "server auth"

	// PublicKeySHA256 is the SHA-256 of the DER SubjectPublicKeyInfo: all it
	// is for is telling whether a certificate or a private key is for the same
	// key (ForKey), and a hash does that in less than a tenth of an RSA key's
	// bytes.
	PublicKeySHA256 [sha256.Size]byte

	// BytesBeforePEM counts the non-space bytes before the PEM block that
	// decoded, malformed blocks before it included: pem.Decode, and so the
	// apiserver, skips them, but a human reading the raw text sees them.
	BytesBeforePEM int
}

// Certificate is the decoded certificate of an issued CSR.
type Certificate struct {
	Serial            string   // hex
	Subject           string   // raw
	CommonName        string   // raw: the user a client certificate authenticates
	Organizations     []string // raw: its groups
	Issuer            string   // raw
	NotBefore         time.Time
	NotAfter          time.Time
	SHA256            string // colon-separated upper-case hex fingerprint of the DER
	KeyMatchesRequest bool   // public key equals the request's
	IsCA              bool
	Usages            []string
}

// Condition is one status condition of a CSR. Strings are raw.
type Condition struct {
	Type       string
	Status     string
	Reason     string
	Message    string
	LastUpdate time.Time
}

// Policy holds the thresholds a team tunes, and what the cluster's signer is set to.
type Policy struct {
	MaxClientDuration      time.Duration // longest client-cert lifetime accepted without a finding
	MinRSABits             int           // smallest RSA key accepted without a finding
	ClusterSigningDuration time.Duration // kube-controller-manager --cluster-signing-duration
	// IssueTimeout is how long an approved request may wait for its
	// certificate before csrtui says why it may never come (NotIssued).
	IssueTimeout time.Duration
}

// DefaultPolicy is what csrtui uses unless told otherwise.
func DefaultPolicy() Policy {
	return Policy{
		MaxClientDuration:      24 * time.Hour,
		MinRSABits:             2048,
		ClusterSigningDuration: 365 * 24 * time.Hour,
		IssueTimeout:           30 * time.Second,
	}
}

// ClusterFacts are what the cluster itself says, for the rules that need it.
// A fact the admin may not read is marked unknown, and the rule says so.
type ClusterFacts struct {
	NodesKnown    bool
	NodeAddresses map[string][]string // node name -> its .status.addresses values
	NodesErr      string              // why nodes are unknown

	// Admins are the users, groups and service accounts RBAC gives power
	// equal to cluster-admin's, each with the bindings that grant it
	// (ClusterAdmins says which count). AdminsKnown means ClusterRoles and
	// ClusterRoleBindings were read; AdminsErr says why they weren't, or, when
	// they were, which part is missing (RoleBindings that could not be read).
	AdminsKnown bool
	Admins      map[RBACSubject][]AdminPath
	AdminsErr   string

	APIServerNames []string // names and IPs that mean "the apiserver": kubernetes, its ClusterIP, ...
}

// Summary is one CSR, decoded and linted, as everything above kube/ sees it.
// Built once per resourceVersion and never mutated afterwards: share it by pointer.
type Summary struct {
	Name            string
	UID             string
	ResourceVersion string
	Created         time.Time

	Signer   string
	Username string
	UserUID  string
	Groups   []string
	Extra    map[string][]string
	Usages   []string

	RequestedDuration time.Duration // 0 when spec.expirationSeconds is unset
	EffectiveDuration time.Duration // what the signer will actually give (pkg/controller/certificates/signer/signer.go duration)

	State      State
	Condition  string // kubectl's words: Pending, Approved, Approved,Issued, Denied, Failed, ...
	Conditions []Condition

	Request    *Request // nil when RequestErr is set
	RequestErr error

	// CertificateSum is all the summary keeps of status.certificate's
	// bytes: their SHA-256, zero when there are none (HasCertificate).
	// Whoever writes the certificate reads the request again, and writes
	// it only when its sum is this one (the certificate the admin saw).
	CertificateSum CertificateSum
	Certificate    *Certificate // nil when none or CertificateErr
	CertificateErr error

	Findings []Finding // worst first

	// Unchecked marks a summary from Glance: Request, Certificate and their
	// errors are not known yet, and Findings holds FindingUnchecked only.
	Unchecked bool

	// requestSum is a hash of spec.request's bytes (SummarizeSince). It
	// fills room the struct had spare: a summary takes no more memory.
	requestSum uint64

	Annotations map[string]string

	// Search is the lower-cased text the list filter matches: name, requester,
	// subject CN and O, each after a NUL. A name in lower case already is
	// left out, and Search starts with the NUL: Matches reads Name itself.
	// Built once by Summarize.
	Search string
}

// Capability is one question "could this identity do X?" asked of the cluster.
type Capability struct {
	Label       string // what it means, e.g. "read secrets cluster-wide"
	Verb        string
	Group       string
	Resource    string
	Subresource string
	Allowed     bool   // filled by kube
	Reason      string // from the SubjectAccessReview, raw
}
