package certs

import (
	"slices"
	"strings"
)

// Permission is one thing csrtui's own identity may or may not do, asked of
// the apiserver as a SelfSubjectAccessReview: every authorizer the cluster
// runs (RBAC, Node, webhooks) answers it as it would answer the real request.
type Permission struct {
	Verb        string
	Group       string
	Resource    string
	Subresource string
	Name        string // a resourceName, for approve on signers
	Allowed     bool   // filled by kube
	Reason      string // the authorizer's reason or evaluation error, raw
}

// Rule words the permission as a rule grants it: "approve on signers
// example.com/*", "update on certificatesigningrequests/approval".
func (p Permission) Rule() string {
	res := p.Resource
	if p.Subresource != "" {
		res += "/" + p.Subresource
	}
	if p.Name != "" {
		res += " " + p.Name
	}
	return p.Verb + " on " + res
}

// API groups of the permissions below.
const (
	groupCertificates  = "certificates.k8s.io"
	groupAuthorization = "authorization.k8s.io"
	groupRBAC          = "rbac.authorization.k8s.io"
)

// The permissions csrtui asks about itself (PermissionProbes), besides
// approve on each signer.
var (
	PermGetCSRs      = Permission{Verb: "get", Group: groupCertificates, Resource: "certificatesigningrequests"}
	PermListCSRs     = Permission{Verb: "list", Group: groupCertificates, Resource: "certificatesigningrequests"}
	PermWatchCSRs    = Permission{Verb: "watch", Group: groupCertificates, Resource: "certificatesigningrequests"}
	PermApproval     = Permission{Verb: "update", Group: groupCertificates, Resource: "certificatesigningrequests", Subresource: "approval"}
	PermCreateCSRs   = Permission{Verb: "create", Group: groupCertificates, Resource: "certificatesigningrequests"}
	PermDeleteCSRs   = Permission{Verb: "delete", Group: groupCertificates, Resource: "certificatesigningrequests"}
	PermAccessReview = Permission{Verb: "create", Group: groupAuthorization, Resource: "subjectaccessreviews"}
	PermListNodes    = Permission{Verb: "list", Resource: "nodes"}

	PermListClusterRoles        = Permission{Verb: "list", Group: groupRBAC, Resource: "clusterroles"}
	PermListClusterRoleBindings = Permission{Verb: "list", Group: groupRBAC, Resource: "clusterrolebindings"}
	PermListRoles               = Permission{Verb: "list", Group: groupRBAC, Resource: "roles"}
	PermListRoleBindings        = Permission{Verb: "list", Group: groupRBAC, Resource: "rolebindings"}
)

// approveOn is approve on signers name.
func approveOn(name string) Permission {
	return Permission{Verb: "approve", Group: groupCertificates, Resource: "signers", Name: name}
}

// signerWildcard is what grants approve on every signer of signer's domain:
// "example.com/*" for "example.com/x". The CertificateApproval admission plugin
// asks for the exact signer name, then for this
// (pkg/certauthorization/certauthorization.go, IsAuthorizedForSignerName).
func signerWildcard(signer string) string {
	domain, _, _ := strings.Cut(signer, "/")
	return domain + "/*"
}

// PermissionProbes is what csrtui asks about itself, with Allowed unset: what
// the console needs to list and watch requests, decide, create and delete
// them, ask what an identity could do, and read the facts the findings use;
// and, for each signer, approve on its exact name and on its domain's
// wildcard, either of which lets an approval through.
func PermissionProbes(signers []string) []Permission {
	ps := []Permission{
		PermGetCSRs, PermListCSRs, PermWatchCSRs, PermApproval, PermCreateCSRs, PermDeleteCSRs,
		PermAccessReview, PermListNodes,
		PermListClusterRoles, PermListClusterRoleBindings, PermListRoles, PermListRoleBindings,
	}
	var names []string
	for _, s := range signers {
		names = append(names, s, signerWildcard(s))
	}
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		ps = append(ps, approveOn(n))
	}
	return ps
}

// Permissions are the answers to PermissionProbes. The zero value knows
// nothing, and so refuses nothing.
type Permissions struct {
	Answers []Permission
}

// answer is what was answered about p, and whether it was asked.
func (ps Permissions) answer(p Permission) (Permission, bool) {
	for _, a := range ps.Answers {
		if a.Verb == p.Verb && a.Group == p.Group && a.Resource == p.Resource && a.Subresource == p.Subresource && a.Name == p.Name {
			return a, true
		}
	}
	return Permission{}, false
}

// Missing returns those of want that were asked and refused; what was not
// asked is not held against anyone.
func (ps Permissions) Missing(want ...Permission) []Permission {
	var out []Permission
	for _, p := range want {
		if a, ok := ps.answer(p); ok && !a.Allowed {
			out = append(out, a)
		}
	}
	return out
}

// Decide says what csrtui's identity lacks to approve or deny a request for
// signer, "" when nothing known is missing. Both decisions need the same: read
// the request (csrtui reads it before writing), update its approval
// subresource (RBAC), and approve on the signer, by its name or its domain's
// wildcard (the CertificateApproval admission plugin checks every write to
// approval, denials included: plugin/pkg/admission/certificates/approval/admission.go).
// Signers never asked about are not held against anyone.
func (ps Permissions) Decide(signer string) string {
	if m := ps.Missing(PermGetCSRs, PermApproval); len(m) > 0 {
		return "needs " + m[0].Rule()
	}
	exact, ok1 := ps.answer(approveOn(signer))
	wild, ok2 := ps.answer(approveOn(signerWildcard(signer)))
	if ok1 && ok2 && !exact.Allowed && !wild.Allowed {
		return "needs " + wild.Rule()
	}
	return ""
}

// DecideDetail is Decide in full, for a dialog or the status line: which rule
// would grant what is missing, with its API group.
func (ps Permissions) DecideDetail(signer string) string {
	if m := ps.Missing(PermGetCSRs, PermApproval); len(m) > 0 {
		return "csrtui's identity needs " + m[0].Rule() + " (API group " + m[0].Group + ")"
	}
	if ps.Decide(signer) == "" {
		return ""
	}
	return "csrtui's identity needs approve on signers " + signerWildcard(signer) + " or " + signer +
		" (API group " + groupCertificates + "): the CertificateApproval admission plugin checks both, for approvals and denials alike"
}
