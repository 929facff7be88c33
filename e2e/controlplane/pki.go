package controlplane

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/csrtui/csrtui/certs"
)

// The CA outlives any certificate its signer issues (--cluster-signing-duration defaults
// to a year, and issued certificates never outlive the CA).
const (
	caLifetime   = 10 * 365 * 24 * time.Hour
	certLifetime = 365 * 24 * time.Hour
)

// authority is the cluster CA: the apiserver's client CA and the controller-manager's
// signing CA, so certificates the cluster issues log in to it.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
}

func newAuthority() (*authority, error) {
	cert, key, err := certs.NewCA("csrtui-ca", time.Now(), caLifetime)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key, pem: pemBlock("CERTIFICATE", cert.Raw)}, nil
}

// issue returns a new key and a certificate for it, as PEM.
func (a *authority) issue(tmpl *x509.Certificate) (certPEM, keyPEM []byte, err error) {
	key, err := certs.GenerateKey(certs.KeyECDSA)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = now.Add(-time.Hour)
	tmpl.NotAfter = now.Add(certLifetime)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, key.Public(), a.key)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = certs.EncodePrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pemBlock("CERTIFICATE", der), keyPEM, nil
}

// client issues a client certificate that authenticates as user name in groups.
func (a *authority) client(name string, groups ...string) (certPEM, keyPEM []byte, err error) {
	return a.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: name, Organization: groups},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// serving issues kube-apiserver's serving certificate, valid for the names a client inside
// or outside the cluster may use.
func (a *authority) serving() (certPEM, keyPEM []byte, err error) {
	return a.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.ParseIP(serviceIP)},
	})
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func publicKeyPEM(key crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, err
	}
	return pemBlock("PUBLIC KEY", der), nil
}

// writeFiles writes each name (relative to dir) with its content, private to the owner.
func writeFiles(dir string, files map[string][]byte) error {
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// kubeconfig returns a kubeconfig with everything embedded, for server and one user.
func kubeconfig(server string, caPEM, certPEM, keyPEM []byte, user string) ([]byte, error) {
	const cluster = "csrtui"
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[cluster] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: certPEM, ClientKeyData: keyPEM}
	ctxName := cluster
	if user != AdminUser {
		ctxName = user + "@" + cluster
	}
	cfg.Contexts[ctxName] = &clientcmdapi.Context{Cluster: cluster, AuthInfo: user}
	cfg.CurrentContext = ctxName
	return clientcmd.Write(*cfg)
}

func restConfig(server string, caPEM, certPEM, keyPEM []byte) *rest.Config {
	return &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   caPEM,
			CertData: certPEM,
			KeyData:  keyPEM,
		},
		// Tests create objects in bursts; client-side throttling would only slow them.
		QPS:   100,
		Burst: 200,
	}
}

// MintUser writes a kubeconfig for a user with a client certificate signed by the
// cluster CA (CN=name, O=groups), and returns its path and a rest.Config for it. The user
// has no permissions beyond what RBAC grants name or groups.
func (c *ControlPlane) MintUser(name string, groups ...string) (kubeconfigPath string, cfg *rest.Config, err error) {
	certPEM, keyPEM, err := c.ca.client(name, groups...)
	if err != nil {
		return "", nil, err
	}
	kc, err := kubeconfig(c.Server, c.CAPEM, certPEM, keyPEM, name)
	if err != nil {
		return "", nil, err
	}
	dir := filepath.Join(c.Dir, "users")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp(dir, fileSafe(name)+"-*.kubeconfig")
	if err != nil {
		return "", nil, err
	}
	if _, err := f.Write(kc); err != nil {
		_ = f.Close()
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	return f.Name(), restConfig(c.Server, c.CAPEM, certPEM, keyPEM), nil
}

const fileNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-."

// fileSafe keeps letters, digits, '-' and '.' of a user name, for use in a file name.
func fileSafe(name string) string {
	b := []byte(name)
	for i, r := range b {
		if !strings.ContainsRune(fileNameChars, rune(r)) {
			b[i] = '_'
		}
	}
	if len(b) == 0 || len(b) > 64 {
		return fmt.Sprintf("user%d", len(b))
	}
	return string(b)
}
