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
