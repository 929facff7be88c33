package kube

import (
	"errors"

	"github.com/csrtui/csrtui/certs"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// currentCluster is the kubeconfig's cluster entry for the context (or the
// --cluster flag), when there is one: in-cluster configuration has none.
func currentCluster(flags *genericclioptions.ConfigFlags, raw clientcmdapi.Config, contextName string) (string, *clientcmdapi.Cluster) {
	name := ""
	if kc, ok := raw.Contexts[contextName]; ok && kc != nil {
		name = kc.Cluster
	}
	if flags.ClusterName != nil && *flags.ClusterName != "" {
		name = *flags.ClusterName
	}
	if cl, ok := raw.Clusters[name]; ok && cl != nil {
		return name, cl.DeepCopy()
	}
	return name, nil
}

// KubeconfigCluster is the cluster csrtui is connected to, as a kubeconfig for
// a new certificate should name it: the server, CA and TLS server name the
// connection uses (kubectl's flags included), the kubeconfig's name for it and
// its proxy.
func (c *Client) KubeconfigCluster() (certs.KubeconfigCluster, error) {
	if c.rest == nil {
		return certs.KubeconfigCluster{}, errors.New("no kubeconfig cluster: this client was not built from a kubeconfig")
	}
	cfg := rest.CopyConfig(c.rest)
	// The CA may be a file (certificate-authority, --certificate-authority, the
	// in-cluster service account's): a kubeconfig handed to someone else embeds it.
	if err := rest.LoadTLSFiles(cfg); err != nil {
		return certs.KubeconfigCluster{}, configError(c.Context, nil, err)
	}
	out := certs.KubeconfigCluster{
		Name:                  c.clusterName,
		Server:                cfg.Host,
		CAData:                cfg.CAData,
		TLSServerName:         cfg.ServerName,
		InsecureSkipTLSVerify: cfg.Insecure,
	}
	if c.cluster != nil {
		out.ProxyURL = c.cluster.ProxyURL
	}
	if out.Name == "" {
		out.Name = c.Context
	}
	return out, nil
}
