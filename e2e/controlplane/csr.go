package controlplane

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// Helpers for tests and for seeding a cluster. They are the plain API calls anyone would
// make, kept apart from csrtui's own code so that tests never set up with what they test.

// CSRPEM returns a PEM "CERTIFICATE REQUEST" for key and tmpl (subject, SANs).
func CSRPEM(key crypto.Signer, tmpl *x509.CertificateRequest) ([]byte, error) {
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, err
	}
	return pemBlock("CERTIFICATE REQUEST", der), nil
}

// CreateCSR creates a CertificateSigningRequest named name (a generated name when name
// ends with '-') for signer, asking for usages. expirationSeconds 0 leaves it unset.
func CreateCSR(ctx context.Context, client kubernetes.Interface, name, signer string, requestPEM []byte,
	usages []certv1.KeyUsage, expirationSeconds int32) (*certv1.CertificateSigningRequest, error) {
	csr := &certv1.CertificateSigningRequest{
		Spec: certv1.CertificateSigningRequestSpec{
			Request:    requestPEM,
			SignerName: signer,
			Usages:     usages,
		},
	}
	if name != "" && name[len(name)-1] == '-' {
		csr.GenerateName = name
	} else {
		csr.Name = name
	}
	if expirationSeconds > 0 {
		csr.Spec.ExpirationSeconds = &expirationSeconds
	}
	return client.CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{})
}

// Approve approves the request name the way `kubectl certificate approve` does.
func Approve(ctx context.Context, client kubernetes.Interface, name, reason, message string) error {
	return decide(ctx, client, name, certv1.CertificateApproved, reason, message)
}

// Deny denies the request name the way `kubectl certificate deny` does.
func Deny(ctx context.Context, client kubernetes.Interface, name, reason, message string) error {
	return decide(ctx, client, name, certv1.CertificateDenied, reason, message)
}

func decide(ctx context.Context, client kubernetes.Interface, name string, typ certv1.RequestConditionType, reason, message string) error {
	csrs := client.CertificatesV1().CertificateSigningRequests()
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		csr, err := csrs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		csr.Status.Conditions = append(csr.Status.Conditions, certv1.CertificateSigningRequestCondition{
			Type:           typ,
			Status:         corev1.ConditionTrue,
			Reason:         reason,
			Message:        message,
			LastUpdateTime: metav1.Now(),
		})
		_, err = csrs.UpdateApproval(ctx, name, csr, metav1.UpdateOptions{})
		return err
	})
}

// WaitForCertificate waits until the request name has a certificate and returns it (PEM),
// or fails as soon as the request is Denied or Failed.
func WaitForCertificate(ctx context.Context, client kubernetes.Interface, name string) ([]byte, error) {
	var cert []byte
	err := wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		csr, err := client.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range csr.Status.Conditions {
			if c.Type == certv1.CertificateDenied || c.Type == certv1.CertificateFailed {
				return false, fmt.Errorf("request %s is %s: %s: %s", name, c.Type, c.Reason, c.Message)
			}
		}
		cert = csr.Status.Certificate
		return len(cert) > 0, nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for the certificate of %s: %w", name, err)
	}
	return cert, nil
}

// CreateNode creates a Node with addresses in its status, as a kubelet would report them,
// so that checks on kubelet serving requests have something to compare with.
func CreateNode(ctx context.Context, client kubernetes.Interface, name string, addresses ...corev1.NodeAddress) (*corev1.Node, error) {
	node, err := client.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	node.Status.Addresses = addresses
	return client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
}

// probeSigner has a throwaway request approved and issued, then deletes it.
func probeSigner(ctx context.Context, client kubernetes.Interface) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	req, err := CSRPEM(key, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "csrtui-signer-probe"}})
	if err != nil {
		return err
	}
	csr, err := CreateCSR(ctx, client, "csrtui-signer-probe-", certv1.KubeAPIServerClientSignerName, req,
		[]certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageClientAuth}, 600)
	if err != nil {
		return err
	}
	if err := Approve(ctx, client, csr.Name, "ControlPlaneStart", "checks that the signer runs"); err != nil {
		return err
	}
	if _, err := WaitForCertificate(ctx, client, csr.Name); err != nil {
		return err
	}
	return client.CertificatesV1().CertificateSigningRequests().Delete(ctx, csr.Name, metav1.DeleteOptions{})
}
