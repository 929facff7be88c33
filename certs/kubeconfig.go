package certs

import (
	"errors"

	"k8s.io/apimachinery/pkg/runtime"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	clientcmdlatest "k8s.io/client-go/tools/clientcmd/api/latest"
)

// KubeconfigCluster is the cluster a kubeconfig points at: the current
// context's, as the client that asked for the certificate reached it.
type KubeconfigCluster struct {
	Name                  string // the kubeconfig's name for it
	Server                string // https://host:port
	CAData                []byte // PEM; empty means the system's roots
	TLSServerName         string
	InsecureSkipTLSVerify bool
	ProxyURL              string
}

// KubeconfigUser is the identity a kubeconfig logs in as: a client
// certificate, and its key either embedded (KeyPEM) or as a path (KeyPath),
// for when the key never leaves its owner's machine.
type KubeconfigUser struct {
	Name           string // shown by `kubectl config get-contexts`: never raw text from the API
	CertificatePEM []byte
	KeyPEM         []byte
	KeyPath        string
}

// Kubeconfig returns a kubeconfig (YAML) with one cluster, one user and one
// context "<user>@<cluster>", set as the current context.
func Kubeconfig(c KubeconfigCluster, u KubeconfigUser) ([]byte, error) {
	switch {
	case c.Server == "":
		return nil, errors.New("kubeconfig: the cluster has no server address")
	case u.Name == "" || len(u.CertificatePEM) == 0:
		return nil, errors.New("kubeconfig: the user needs a name and a certificate")
	case (len(u.KeyPEM) == 0) == (u.KeyPath == ""):
		return nil, errors.New("kubeconfig: the user needs either the key or its path")
	}
	cluster := c.Name
	if cluster == "" {
		cluster = "cluster"
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[cluster] = &clientcmdapi.Cluster{
		Server:                   c.Server,
		CertificateAuthorityData: c.CAData,
		TLSServerName:            c.TLSServerName,
		InsecureSkipTLSVerify:    c.InsecureSkipTLSVerify,
		ProxyURL:                 c.ProxyURL,
	}
	cfg.AuthInfos[u.Name] = &clientcmdapi.AuthInfo{
		ClientCertificateData: u.CertificatePEM,
		ClientKeyData:         u.KeyPEM,
		ClientKey:             u.KeyPath,
	}
	name := u.Name + "@" + cluster
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: cluster, AuthInfo: u.Name}
	cfg.CurrentContext = name
	// What clientcmd.Write does, without linking the loader and its auth plugins.
	return runtime.Encode(clientcmdlatest.Codec, cfg)
}
