package certs

// CapabilityProbes is the short list of things worth asking about a client
// certificate's identity before approving it, with Allowed unset. Each is a
// well-known path to cluster-admin or to other identities' secrets (see the
// Kubernetes "RBAC good practices" page, "Privilege escalation risks").
func CapabilityProbes() []Capability {
	return []Capability{
		{Label: "do everything (cluster-admin)", Verb: "*", Group: "*", Resource: "*"},
		{Label: "read secrets cluster-wide", Verb: "get", Resource: "secrets"},
		{Label: "list secrets cluster-wide", Verb: "list", Resource: "secrets"},
		{Label: "create pods (and so run as any service account)", Verb: "create", Resource: "pods"},
		{Label: "impersonate users", Verb: "impersonate", Resource: "users"},
		{Label: "impersonate groups", Verb: "impersonate", Resource: "groups"},
		{Label: "approve certificate requests", Verb: "update", Group: "certificates.k8s.io", Resource: "certificatesigningrequests", Subresource: "approval"},
		{Label: "approve for any signer", Verb: "approve", Group: "certificates.k8s.io", Resource: "signers"},
		{Label: "grant permissions it lacks (escalate cluster roles)", Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"},
		{Label: "bind cluster roles", Verb: "bind", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"},
	}
}

// FindingPowerfulIdentity is the finding the cluster's own answers raise: the
// identity a certificate names could already take over the cluster.
const FindingPowerfulIdentity = "powerful-identity"

// CapabilityFindings turns the answers to CapabilityProbes into findings: one
// critical finding when the identity could do everything, escalate or bind
// roles, impersonate, or approve requests for any signer, each of which leads
// to every permission in the cluster; none otherwise.
func CapabilityFindings(caps []Capability) []Finding {
	var found []string
	for _, c := range caps {
		if c.Allowed && powerful(c) {
			found = append(found, c.Label)
		}
	}
	if len(found) == 0 {
		return nil
	}
	l := &linter{}
	l.addList(FindingPowerfulIdentity, SeverityCritical, "If approved, this identity could ", found, "; ",
		"The cluster answered SubjectAccessReviews for the user and groups the certificate names. Each of "+
			"these leads to every permission: impersonation acts as anyone, system:masters included; escalate "+
			"and bind grant what the holder lacks (pkg/registry/rbac/escalation_check.go); approving for any "+
			"signer mints any identity. A client certificate can't be revoked: it keeps this power until it expires.")
	return l.out
}

// powerful reports whether a capability is one of the paths to cluster-admin
// CapabilityFindings names.
func powerful(c Capability) bool {
	switch c.Verb {
	case "*":
		return c.Resource == "*"
	case "escalate", "bind", "impersonate":
		return true
	case "approve":
		return c.Group == "certificates.k8s.io" && c.Resource == "signers"
	}
	return false
}

// MayAuthenticate reports whether a certificate issued for this signer and
// these usages could authenticate to the apiserver, so that what its identity
// could do is worth asking before approving: the signers that issue client
// certificates, and any request for client auth.
func MayAuthenticate(signer string, usages []string) bool {
	return issuesClientCerts(signer, usages) || clientUsage(signer, usages, nil) // custom signers are covered by issuesClientCerts
}
