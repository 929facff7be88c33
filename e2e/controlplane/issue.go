package controlplane

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Sign returns a certificate (PEM) for csr, signed by the cluster CA the way
// kube-controller-manager's signer makes one (pkg/controller/certificates/signer):
// the request's subject, SANs and key; usages from spec.usages; never a CA; the
// requested lifetime, else a year. It does not look at the signer name.
func (c *ControlPlane) Sign(csr *certv1.CertificateSigningRequest) ([]byte, error) {
	block, _ := pem.Decode(csr.Spec.Request)
	if block == nil {
		return nil, errors.New("no PEM block in spec.request")
	}
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, err
	}
	lifetime := certLifetime
	if e := csr.Spec.ExpirationSeconds; e != nil {
		lifetime = min(lifetime, time.Duration(*e)*time.Second)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               req.Subject,
		DNSNames:              req.DNSNames,
		IPAddresses:           req.IPAddresses,
		EmailAddresses:        req.EmailAddresses,
		URIs:                  req.URIs,
		NotBefore:             now.Add(-5 * time.Minute),
		NotAfter:              now.Add(lifetime),
		BasicConstraintsValid: true,
	}
	for _, u := range csr.Spec.Usages {
		switch u {
		case certv1.UsageDigitalSignature:
			tmpl.KeyUsage |= x509.KeyUsageDigitalSignature
		case certv1.UsageKeyEncipherment:
			tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
		case certv1.UsageClientAuth:
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		case certv1.UsageServerAuth:
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.ca.cert, req.PublicKey, c.ca.key)
	if err != nil {
		return nil, err
	}
	return pemBlock("CERTIFICATE", der), nil
}

// Issue approves csr and writes a certificate from Sign into its status, without
// waiting for kube-controller-manager's signer: thousands of requests are issued in
// seconds this way. When the signer serves csr's signer name it may write its own
// certificate first; Issue then keeps that one. Either way csr ends Approved with a
// certificate.
func (c *ControlPlane) Issue(ctx context.Context, client kubernetes.Interface, csr *certv1.CertificateSigningRequest, reason, message string) error {
	csrs := client.CertificatesV1().CertificateSigningRequests()
	approved := csr.DeepCopy()
	approved.Status.Conditions = append(approved.Status.Conditions, certv1.CertificateSigningRequestCondition{
		Type: certv1.CertificateApproved, Status: "True", Reason: reason, Message: message, LastUpdateTime: metav1.Now(),
	})
	got, err := csrs.UpdateApproval(ctx, csr.Name, approved, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("approve %s: %w", csr.Name, err)
	}
	cert, err := c.Sign(got)
	if err != nil {
		return fmt.Errorf("sign %s: %w", csr.Name, err)
	}
	for {
		if len(got.Status.Certificate) > 0 {
			return nil // the cluster's signer was first
		}
		got.Status.Certificate = cert
		_, err := csrs.UpdateStatus(ctx, got, metav1.UpdateOptions{})
		if !apierrors.IsConflict(err) {
			if err != nil {
				return fmt.Errorf("write the certificate of %s: %w", csr.Name, err)
			}
			return nil
		}
		if got, err = csrs.Get(ctx, csr.Name, metav1.GetOptions{}); err != nil {
			return err
		}
	}
}
