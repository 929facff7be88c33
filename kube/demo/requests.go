package demo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"net"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// demoRequest describes a CSR a demo requester submits.
type demoRequest struct {
	name      string // a prefix when generated is set
	generated bool   // name gets a random suffix, like kubelets' node-csr-...
	cn        string
	orgs      []string
	t61CN     bool // encode the CN as a T61String, which Go reads as Latin-1
	dns       []string
	ips       []string
	keyBits   int // RSA modulus size; 0 means ECDSA P-256
	signer    string
	usages    []certificatesv1.KeyUsage
	lifetime  time.Duration // 0 leaves spec.expirationSeconds unset
	user      string        // the requester; defaults to the CN
	groups    []string

	// For the initial set only.
	age      time.Duration
	decision string // "", "AutoApproved", "KubectlApprove" or "KubectlDeny"
	message  string
}

var (
	clientUsages        = []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageKeyEncipherment, certificatesv1.UsageClientAuth}
	kubeletClientUsages = []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth}
	servingUsages       = []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageServerAuth}
	nodeGroups          = []string{"system:nodes", "system:authenticated"}
)

// initialRequests are in the cluster when the demo starts, in every state.
func initialRequests() []demoRequest {
	return []demoRequest{
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-1", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: kubeletClientUsages, groups: nodeGroups, age: 52 * time.Minute, decision: "AutoApproved",
			message: "Auto approving self kubelet client certificate after SubjectAccessReview."},
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-2", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: kubeletClientUsages, groups: nodeGroups, age: 47 * time.Minute, decision: "AutoApproved",
			message: "Auto approving self kubelet client certificate after SubjectAccessReview."},
		{name: "mallory-controller-manager", cn: "system:kube-controller-manager", signer: signerClient, usages: clientUsages,
			lifetime: 24 * time.Hour, user: "mallory", groups: []string{"dev", "system:authenticated"}, age: 38 * time.Minute,
			decision: "KubectlDeny", message: "not your identity"},
		{name: "dave-laptop", cn: "dave", orgs: []string{"dev"}, signer: signerClient, usages: clientUsages, lifetime: 8 * time.Hour,
			user: "dave", groups: []string{"dev", "system:authenticated"}, age: 31 * time.Minute, decision: "KubectlApprove", message: "ticket OPS-1412"},
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-2", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageServerAuth}, groups: nodeGroups,
			age: 26 * time.Minute, decision: "KubectlApprove", message: "approved by hand"},
		// A kubelet bootstrapping with a token that no one approves: it asks
		// again with a new key every so often, leaving a backlog.
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-3", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: kubeletClientUsages, user: "system:bootstrap:07401b", groups: []string{"system:bootstrappers", "system:authenticated"}, age: 44 * time.Minute},
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-3", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: kubeletClientUsages, user: "system:bootstrap:07401b", groups: []string{"system:bootstrappers", "system:authenticated"}, age: 29 * time.Minute},
		{name: "csr-demo-node-1-serving", cn: "system:node:demo-node-1", orgs: []string{"system:nodes"}, dns: []string{"demo-node-1"},
			ips: []string{"10.0.0.11"}, signer: signerKubeletServe, usages: servingUsages, groups: nodeGroups, age: 19 * time.Minute},
		{name: "alice-laptop", cn: "alice", orgs: []string{"dev"}, signer: signerClient, usages: clientUsages, lifetime: 24 * time.Hour,
			user: "alice", groups: []string{"dev", "system:authenticated"}, age: 12 * time.Minute},
		{name: "bob-ops", cn: "bob", orgs: []string{"ops:admins"}, signer: signerClient, usages: clientUsages, lifetime: 12 * time.Hour,
			user: "bob", groups: []string{"ops", "system:authenticated"}, age: 6 * time.Minute},
	}
}

// laterRequests arrive while the demo runs, the risky ones early.
func laterRequests() []demoRequest {
	return []demoRequest{
		{name: "break-glass", cn: "break-glass", orgs: []string{"system:masters"}, signer: "example.com/internal-ca", usages: clientUsages,
			lifetime: 90 * 24 * time.Hour, user: "eve", groups: []string{"dev", "system:authenticated"}},
		{name: "deploy-bot", cn: "\x1b]0;you have been pwned\adeploy-bot", orgs: []string{"ci"}, signer: signerClient, usages: clientUsages,
			lifetime: time.Hour, user: "ci-runner", groups: []string{"ci", "system:authenticated"}},
		{name: "csr-demo-node-1-serving-2", cn: "system:node:demo-node-1", orgs: []string{"system:nodes"},
			dns: []string{"demo-node-1", "kubernetes.default.svc"}, ips: []string{"10.0.0.11", "10.0.0.99"},
			signer: signerKubeletServe, usages: servingUsages, groups: nodeGroups},
		{name: "legacy-app", cn: "legacy-app", orgs: []string{"apps"}, keyBits: 1024, signer: signerClient, usages: clientUsages,
			lifetime: 24 * time.Hour, user: "legacy-app", groups: []string{"apps", "system:authenticated"}},
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-2", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: kubeletClientUsages, groups: nodeGroups},
		{name: "ci-deployer", cn: "ci-deployer", orgs: []string{"ci"}, signer: signerClient, usages: clientUsages,
			user: "ci-deployer", groups: []string{"ci", "system:authenticated"}},
		{name: "build-bot", cn: "build-bot\u009b31m", t61CN: true, orgs: []string{"ci"}, signer: signerClient, usages: clientUsages,
			lifetime: time.Hour, user: "ci-runner", groups: []string{"ci", "system:authenticated"}},
		{name: "carol-workstation", cn: "carol", orgs: []string{"dev"}, signer: signerClient, usages: clientUsages, lifetime: 8 * time.Hour,
			user: "carol", groups: []string{"dev", "system:authenticated"}},
		{name: "node-csr-", generated: true, cn: "system:node:demo-node-3", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: kubeletClientUsages, user: "system:bootstrap:07401b", groups: []string{"system:bootstrappers", "system:authenticated"}},
		{name: "metrics-agent", cn: "system:node:demo-node-2", orgs: []string{"system:nodes"}, signer: signerKubeletClient,
			usages: []certificatesv1.KeyUsage{certificatesv1.UsageDigitalSignature, certificatesv1.UsageServerAuth},
			user:   "system:node:demo-node-2", groups: nodeGroups},
	}
}

// build makes the CSR object, with a fresh key. uid is the requester's UID,
// as an authenticator would have told the apiserver.
func (r demoRequest) build(uid string) (*certificatesv1.CertificateSigningRequest, error) {
	var key crypto.Signer
	var err error
	if r.keyBits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, r.keyBits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	tmpl := &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: r.cn, Organization: r.orgs},
		DNSNames: r.dns,
	}
	for _, ip := range r.ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	if r.t61CN {
		if tmpl.RawSubject, err = t61Subject(r.cn, r.orgs); err != nil {
			return nil, err
		}
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, err
	}
	csr := &certificatesv1.CertificateSigningRequest{
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
			SignerName: r.signer,
			Usages:     r.usages,
			Username:   r.user,
			Groups:     r.groups,
			UID:        uid,
		},
	}
	if csr.Spec.Username == "" {
		csr.Spec.Username = r.cn
	}
	if r.generated {
		csr.GenerateName = r.name
	} else {
		csr.Name = r.name
	}
	if r.lifetime > 0 {
		secs := int32(r.lifetime / time.Second)
		csr.Spec.ExpirationSeconds = &secs
	}
	return csr, nil
}

// t61Subject encodes a subject whose CN is a T61String holding cn's runes as
// Latin-1 bytes: Go decodes T61String as Latin-1, so C1 controls such as 0x9B
// (CSI) pass through into the CN.
func t61Subject(cn string, orgs []string) ([]byte, error) {
	var latin1 []byte
	for _, r := range cn {
		latin1 = append(latin1, byte(r))
	}
	oidCN := asn1.ObjectIdentifier{2, 5, 4, 3}
	oidO := asn1.ObjectIdentifier{2, 5, 4, 10}
	var rdns pkix.RDNSequence
	for _, o := range orgs {
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{Type: oidO, Value: o}})
	}
	rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{
		Type:  oidCN,
		Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagT61String, Bytes: latin1},
	}})
	return asn1.Marshal(rdns)
}
