package demo

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/csrtui/csrtui/certs"
)

// demoCA is the demo cluster's certificate authority, in memory.
type demoCA struct {
	cert *x509.Certificate
	pem  []byte
	key  crypto.Signer
}

func newDemoCA(now time.Time) (*demoCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "csrtui-demo-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &demoCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// Built-in signers (pkg/apis/certificates/types.go upstream).
const (
	signerClient        = certificatesv1.KubeAPIServerClientSignerName
	signerKubeletClient = certificatesv1.KubeAPIServerClientKubeletSignerName
	signerKubeletServe  = certificatesv1.KubeletServingSignerName
	signerLegacy        = "kubernetes.io/legacy-unknown"
)

// demoSigningDuration is the demo's --cluster-signing-duration.
const demoSigningDuration = 365 * 24 * time.Hour

// sign issues a certificate for req the way kube-controller-manager's signer
// does (pkg/controller/certificates/signer and authority upstream): the CSR's
// own extensions are dropped, usages come from the spec, the certificate is
// never a CA, and the lifetime is the requested one within [10m, signing
// duration] and never past the CA's expiry.
func (ca *demoCA) sign(req *x509.CertificateRequest, spec certificatesv1.CertificateSigningRequestSpec, now time.Time) ([]byte, error) {
	ttl := demoSigningDuration
	if spec.ExpirationSeconds != nil {
		ttl = min(time.Duration(*spec.ExpirationSeconds)*time.Second, ttl)
		ttl = max(ttl, 10*time.Minute)
	}
	notBefore := now.Add(-5 * time.Minute) // upstream backdates for clock skew
	notAfter := notBefore.Add(ttl)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               req.Subject,
		DNSNames:              req.DNSNames,
		IPAddresses:           req.IPAddresses,
		EmailAddresses:        req.EmailAddresses,
		URIs:                  req.URIs,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
	}
	for _, u := range spec.Usages {
		switch u {
		case certificatesv1.UsageDigitalSignature:
			tmpl.KeyUsage |= x509.KeyUsageDigitalSignature
		case certificatesv1.UsageKeyEncipherment:
			tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
		case certificatesv1.UsageClientAuth:
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		case certificatesv1.UsageServerAuth:
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		case certificatesv1.UsageCodeSigning:
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageCodeSigning)
		case certificatesv1.UsageEmailProtection:
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageEmailProtection)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, req.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// parseDemoRequest decodes spec.request.
func parseDemoRequest(data []byte) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return nil, errors.New("PEM block type must be CERTIFICATE REQUEST")
	}
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, err
	}
	return req, req.CheckSignature()
}

// signerCheck is what kube-controller-manager's signer verifies after approval
// (pkg/apis/certificates/helpers.go upstream), roughly: a failure turns the CSR
// Failed with reason SignerValidationFailure.
func signerCheck(signer string, req *x509.CertificateRequest, usages []certificatesv1.KeyUsage) error {
	has := func(u ...certificatesv1.KeyUsage) bool {
		return len(usages) == len(u) && !slices.ContainsFunc(usages, func(x certificatesv1.KeyUsage) bool { return !slices.Contains(u, x) })
	}
	nodeSubject := func() error {
		if !slices.Equal(req.Subject.Organization, []string{"system:nodes"}) {
			return errors.New("subject organization is not system:nodes")
		}
		if !strings.HasPrefix(req.Subject.CommonName, "system:node:") {
			return errors.New(`subject common name does not begin with "system:node:"`)
		}
		return nil
	}
	switch signer {
	case signerClient:
		if !slices.Contains(usages, certificatesv1.UsageClientAuth) {
			return errors.New("missing required usage: client auth")
		}
		for _, u := range usages {
			if u != certificatesv1.UsageDigitalSignature && u != certificatesv1.UsageKeyEncipherment && u != certificatesv1.UsageClientAuth {
				return fmt.Errorf("usage not allowed: %s", u)
			}
		}
	case signerKubeletClient:
		if err := nodeSubject(); err != nil {
			return err
		}
		if len(req.DNSNames) > 0 || len(req.IPAddresses) > 0 || len(req.EmailAddresses) > 0 || len(req.URIs) > 0 {
			return errors.New("subjectAltNames are not allowed")
		}
		if !has(certificatesv1.UsageDigitalSignature, certificatesv1.UsageKeyEncipherment, certificatesv1.UsageClientAuth) &&
			!has(certificatesv1.UsageDigitalSignature, certificatesv1.UsageClientAuth) {
			return errors.New("usages must be digital signature, client auth and optionally key encipherment")
		}
	case signerKubeletServe:
		if err := nodeSubject(); err != nil {
			return err
		}
		if len(req.DNSNames) == 0 && len(req.IPAddresses) == 0 {
			return errors.New("DNS or IP subjectAltName is required")
		}
		if len(req.EmailAddresses) > 0 || len(req.URIs) > 0 {
			return errors.New("email and URI subjectAltNames are not allowed")
		}
		if !has(certificatesv1.UsageDigitalSignature, certificatesv1.UsageKeyEncipherment, certificatesv1.UsageServerAuth) &&
			!has(certificatesv1.UsageDigitalSignature, certificatesv1.UsageServerAuth) {
			return errors.New("usages must be digital signature, server auth and optionally key encipherment")
		}
	}
	return nil
}

// runSigner is the demo's kube-controller-manager: it auto-approves well-formed
// kubelet client requests from their own node (as the csrapproving controller
// does) and signs approved requests of the built-in signers. Custom signers are
// left alone, so their approved requests wait for a certificate forever, as in
// a cluster without their controller.
func (d *demo) runSigner(ctx context.Context) error {
	factory := informers.NewSharedInformerFactory(d.cs, 0)
	inf := factory.Certificates().V1().CertificateSigningRequests()
	lister := inf.Lister()
	queue := workqueue.NewTyped[string]()
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			queue.Add(key)
		}
	}
	if _, err := inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	go func() {
		<-ctx.Done()
		queue.ShutDown()
		factory.Shutdown()
	}()
	go func() {
		for {
			name, quit := queue.Get()
			if quit {
				return
			}
			if csr, err := lister.Get(name); err == nil {
				d.handle(ctx, csr)
			}
			queue.Done(name)
		}
	}()
	return nil
}

// handle moves one CSR along: auto-approval, then signing.
func (d *demo) handle(ctx context.Context, csr *certificatesv1.CertificateSigningRequest) {
	switch state, _ := certs.StatusOf(csr); state {
	case certs.StateDenied, certs.StateFailed, certs.StateIssued:
		return
	case certs.StatePending:
		if csr.Spec.SignerName != signerKubeletClient {
			return
		}
		req, err := parseDemoRequest(csr.Spec.Request)
		if err != nil || signerCheck(signerKubeletClient, req, csr.Spec.Usages) != nil || csr.Spec.Username != req.Subject.CommonName {
			return
		}
		out := csr.DeepCopy()
		out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
			Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue,
			Reason: "AutoApproved", Message: "Auto approving self kubelet client certificate after SubjectAccessReview.",
			LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now(),
		})
		_, _ = d.cs.CertificatesV1().CertificateSigningRequests().UpdateApproval(ctx, out.Name, out, metav1.UpdateOptions{FieldManager: "certificatesigningrequest-approving-controller"})
	default:
		switch csr.Spec.SignerName {
		case signerClient, signerKubeletClient, signerKubeletServe, signerLegacy:
		default:
			return
		}
		out := csr.DeepCopy()
		req, err := parseDemoRequest(csr.Spec.Request)
		if err == nil {
			err = signerCheck(csr.Spec.SignerName, req, csr.Spec.Usages)
		}
		var cert []byte
		if err == nil {
			cert, err = d.ca.sign(req, csr.Spec, time.Now())
		}
		if err != nil {
			out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
				Type: certificatesv1.CertificateFailed, Status: corev1.ConditionTrue,
				Reason: "SignerValidationFailure", Message: err.Error(),
				LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now(),
			})
		} else {
			out.Status.Certificate = cert
		}
		_, _ = d.cs.CertificatesV1().CertificateSigningRequests().UpdateStatus(ctx, out, metav1.UpdateOptions{FieldManager: "csrsigning-controller"})
	}
}
