package certs

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Rules about whom the certificate would make its holder, and who asked for it.

func (l *linter) masters() {
	if l.req == nil || !issuesClientCerts(l.s.Signer, l.s.Usages) || !slices.Contains(l.req.Organizations, "system:masters") {
		return
	}
	why := ""
	switch l.s.Signer {
	case KubeAPIServerClientSignerName:
		why = " The CertificateSubjectRestriction admission plugin refuses this for " + KubeAPIServerClientSignerName +
			" at creation, so it is off on this cluster or was bypassed."
	case LegacyUnknownSignerName:
		why = " The legacy signer checks nothing."
	default:
		why = " No admission plugin guards custom signers."
	}
	if l.s.Signer != KubeAPIServerClientSignerName && !slices.ContainsFunc(l.s.Usages, isExtKeyUsageWord) {
		why += " spec.usages name no extended key usage, and a certificate without one is accepted for client " +
			"auth (crypto/x509/verify.go, k8s.io/apiserver/pkg/authentication/request/x509/x509.go)."
	}
	l.add(FindingMasters, SeverityCritical, "O=system:masters: the certificate would be cluster-admin beyond RBAC's reach",
		"Members of system:masters bypass authorization entirely, no RoleBinding grants or removes it, and a "+
			"client certificate can't be revoked: only rotating the cluster CA ends it "+
			"(plugin/pkg/admission/certificates/subjectrestriction/admission.go)."+why)
}

// systemGroups are the groups that already carry powers a requester should not
// be able to mint for itself.
func systemGroup(o string) bool {
	return o == "system:nodes" || o == "kubeadm:cluster-admins" ||
		strings.HasPrefix(o, "system:serviceaccounts") || strings.HasPrefix(o, "system:bootstrappers")
}

func (l *linter) systemIdentity() {
	if l.req == nil || !issuesClientCerts(l.s.Signer, l.s.Usages) {
		return
	}
	var what []string
	if strings.HasPrefix(l.req.CommonName, "system:") {
		what = append(what, "CN="+quote(l.req.CommonName))
	}
	for _, o := range l.req.Organizations {
		if systemGroup(o) {
			what = append(what, "O="+quote(o))
		}
	}
	l.addList(FindingSystemIdentity, SeverityCritical, "client certificate for a system identity: ", what, ", ",
		"Names starting with system: belong to Kubernetes components (kube-controller-manager, kube-scheduler, "+
			"nodes, service accounts) and come with their built-in roles; system:nodes is trusted by the Node "+
			"authorizer, system:bootstrappers may request node certificates, kubeadm:cluster-admins is bound to "+
			"cluster-admin by kubeadm (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, "+
			"cmd/kubeadm/app/constants/constants.go). A certificate can't be revoked.")
}

// clusterAdmin flags a client certificate whose user or groups hold power equal
// to cluster-admin's through RBAC (ClusterFacts.Admins).
//
// A client certificate authenticates as its CN, in the groups of its O values
// (k8s.io/apiserver/pkg/authentication/request/x509/x509.go
// CommonNameUserConversion), plus system:authenticated, which the apiserver adds
// to every authenticated user (k8s.io/apiserver/pkg/authentication/group
// AuthenticatedGroupAdder). RBAC matches a User subject by that name, a Group
// subject by one of those groups, and a ServiceAccount subject by the username
// system:serviceaccount:<namespace>:<name>, whatever credential carried it
// (k8s.io/kubernetes pkg/registry/rbac/validation/rule.go appliesToUser): to RBAC,
// a certificate with such a CN is that service account.
func (l *linter) clusterAdmin() {
	if l.req == nil || !issuesClientCerts(l.s.Signer, l.s.Usages) {
		return
	}
	const how = "A client certificate authenticates as its CN, with its O values and system:authenticated as " +
		"groups (k8s.io/apiserver/pkg/authentication/request/x509/x509.go); RBAC matches User subjects by " +
		"that name, Group subjects by those groups and ServiceAccount subjects by the name " +
		"system:serviceaccount:<namespace>:<name> (plugin/pkg/auth/authorizer/rbac, " +
		"pkg/registry/rbac/validation/rule.go appliesToUser)."
	if !l.f.AdminsKnown {
		l.add(FindingClusterAdmin, SeverityMedium, "can't check whether the CN or O groups hold cluster-admin power: "+orUnknown(l.f.AdminsErr),
			how+" csrtui reads ClusterRoles and ClusterRoleBindings to find who holds power equal to "+
				"cluster-admin's and could not here, so this check was not made.")
		return
	}
	var hits, paths []string
	look := func(what string, s RBACSubject) {
		ps := l.f.Admins[s]
		if len(ps) == 0 {
			return
		}
		hit := what + " by " + ps[0].String()
		if len(ps) > 1 {
			hit += " and " + itoa(len(ps)-1) + " more"
		}
		hits = append(hits, hit)
		for _, p := range ps {
			paths = append(paths, s.String()+": "+p.String())
		}
	}
	if cn := l.req.CommonName; cn != "" {
		look("CN "+quote(cn), RBACSubject{Kind: rbacv1.UserKind, Name: cn})
		if sa, ok := serviceAccountUser(cn); ok {
			look("CN "+quote(cn)+" ("+sa.String()+")", sa)
		}
	}
	seen := make(map[string]bool)
	for _, o := range l.req.Organizations {
		// system:masters has its own, stronger finding.
		if o != "system:masters" && !seen[o] {
			seen[o] = true
			look("O "+quote(o), RBACSubject{Kind: rbacv1.GroupKind, Name: o})
		}
	}
	if !seen["system:authenticated"] {
		look(`group "system:authenticated", which every certificate has,`, RBACSubject{Kind: rbacv1.GroupKind, Name: "system:authenticated"})
	}
	if len(hits) == 0 {
		if l.f.AdminsErr != "" {
			l.add(FindingClusterAdmin, SeverityLow, "only ClusterRoleBindings were checked for cluster-admin power: "+l.f.AdminsErr,
				how+" A RoleBinding in kube-system, or in a namespace whose service account is an admin, "+
					"also reaches cluster-admin; csrtui could not read RoleBindings and Roles here.")
		}
		return
	}
	l.addList(FindingClusterAdmin, SeverityCritical, "cluster-admin power through RBAC: ", hits, "; ",
		how+" These bindings give it power equal to cluster-admin's: "+strings.Join(paths, "; ")+
			". A RoleBinding counts in kube-system, and in a namespace holding a service account that is "+
			"an admin itself, since power there lets one act as that namespace's service accounts "+
			"(https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks). "+
			"The certificate can't be revoked: removing the bindings, or rotating the cluster CA, is the only way back.")
}

func (l *linter) wrongRequester() {
	if l.req == nil || (l.s.Signer != KubeAPIServerClientKubeletSignerName && l.s.Signer != KubeletServingSignerName) {
		return
	}
	var why []string
	if l.s.Username != l.req.CommonName {
		why = append(why, "requester "+quote(l.s.Username)+" is not the CN "+quote(l.req.CommonName))
	}
	if !strings.HasPrefix(l.s.Username, "system:node:") {
		why = append(why, "requester is not a node (system:node:<name>)")
	}
	if !slices.Contains(l.s.Groups, "system:nodes") {
		why = append(why, "requester's groups lack system:nodes")
	}
	if len(why) == 0 {
		return
	}
	detail := "A node should request certificates for itself only; the NodeRestriction admission plugin " +
		"(plugin/pkg/admission/noderestriction/admission.go) enforces CN=system:node:<that node> for node " +
		"requesters, and the automatic approver only covers a node renewing its own client certificate " +
		"(pkg/controller/certificates/approver/sarapprove.go)."
	if l.s.Signer == KubeAPIServerClientKubeletSignerName && strings.HasPrefix(l.s.Username, "system:bootstrap:") {
		detail += " A bootstrap token requester (system:bootstrap:<id>) is how a new node asks for its first " +
			"client certificate: expected only when that node is joining now."
	}
	l.add(FindingWrongRequester, SeverityHigh, "node certificate not requested by that node: "+strings.Join(why, "; "), detail)
}

func (l *linter) otherIdentity() {
	if l.req == nil {
		return
	}
	client := l.s.Signer == KubeAPIServerClientSignerName || (l.s.Signer == LegacyUnknownSignerName && issuesClientCerts(l.s.Signer, l.s.Usages))
	if !client || l.s.Username == l.req.CommonName {
		return
	}
	l.add(FindingOtherIdentity, SeverityHigh, "requester "+quote(l.s.Username)+" asks for a certificate as "+quote(l.req.CommonName),
		"The CN becomes the username of whoever holds the key (k8s.io/apiserver/pkg/authentication/request/x509/x509.go). "+
			"Expected when an admin requests a certificate for someone else; otherwise someone is minting an "+
			"identity that is not their own.")
}
