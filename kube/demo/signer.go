package demo

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
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
	cert, key, err := certs.NewCA("csrtui-demo-ca", now, 10*365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	return &demoCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})}, nil
}

// The built-in signers the demo's requests name.
const (
	signerClient        = certs.KubeAPIServerClientSignerName
	signerKubeletClient = certs.KubeAPIServerClientKubeletSignerName
	signerKubeletServe  = certs.KubeletServingSignerName
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

// signerCheck is what kube-controller-manager's signer verifies after approval:
// a failure turns the CSR Failed with reason SignerValidationFailure, with
// exactly the message the signer-reject finding predicts.
func signerCheck(spec certificatesv1.CertificateSigningRequestSpec) error {
	req, err := certs.ParseRequest(spec.Request)
	if err != nil {
		return err
	}
	usages := make([]string, len(spec.Usages))
	for i, u := range spec.Usages {
		usages[i] = string(u)
	}
	if msg := certs.SignerCheck(spec.SignerName, req, usages); msg != "" {
		return errors.New(msg)
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
		if err != nil || signerCheck(csr.Spec) != nil || csr.Spec.Username != req.Subject.CommonName {
			return
		}
		out := csr.DeepCopy()
		out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
			Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue,
			Reason: "AutoApproved", Message: "Auto approving self kubelet client certificate after SubjectAccessReview.",
			LastUpdateTime: metav1.NewTime(d.now()), LastTransitionTime: metav1.NewTime(d.now()),
		})
		_, _ = d.cs.CertificatesV1().CertificateSigningRequests().UpdateApproval(ctx, out.Name, out, metav1.UpdateOptions{FieldManager: "certificatesigningrequest-approving-controller"})
	default:
		if !certs.IsBuiltinSigner(csr.Spec.SignerName) {
			return
		}
		out := csr.DeepCopy()
		req, err := parseDemoRequest(csr.Spec.Request)
		if err == nil {
			err = signerCheck(csr.Spec)
		}
		var cert []byte
		if err == nil {
			cert, err = d.ca.sign(req, csr.Spec, d.now())
		}
		if err != nil {
			out.Status.Conditions = append(out.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
				Type: certificatesv1.CertificateFailed, Status: corev1.ConditionTrue,
				Reason: "SignerValidationFailure", Message: err.Error(),
				LastUpdateTime: metav1.NewTime(d.now()), LastTransitionTime: metav1.NewTime(d.now()),
			})
		} else {
			out.Status.Certificate = cert
		}
		_, _ = d.cs.CertificatesV1().CertificateSigningRequests().UpdateStatus(ctx, out, metav1.UpdateOptions{FieldManager: "csrsigning-controller"})
	}
}
