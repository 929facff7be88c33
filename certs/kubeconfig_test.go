package certs

import (
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
)

func TestKubeconfig(t *testing.T) {
	cert := issue(t, reqSpec{cn: "jane"}.pem(t), false)
	key := must(EncodePrivateKey(keyP256()))
	cluster := KubeconfigCluster{
		Name: "prod", Server: "https://api.example.com:6443", CAData: []byte("CA PEM"),
		TLSServerName: "api.internal", ProxyURL: "socks5://proxy:1080",
	}

	data, err := Kubeconfig(cluster, KubeconfigUser{Name: "jane", CertificatePEM: cert, KeyPEM: key})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.Load(data)
	if err != nil {
		t.Fatalf("kubectl's loader refuses it: %v\n%s", err, data)
	}
	if cfg.CurrentContext != "jane@prod" {
		t.Fatalf("current context %q", cfg.CurrentContext)
	}
	ctx := cfg.Contexts["jane@prod"]
	c, u := cfg.Clusters["prod"], cfg.AuthInfos["jane"]
	if ctx == nil || ctx.Cluster != "prod" || ctx.AuthInfo != "jane" || c == nil || u == nil {
		t.Fatalf("config = %+v", cfg)
	}
	if c.Server != cluster.Server || string(c.CertificateAuthorityData) != "CA PEM" || c.TLSServerName != "api.internal" || c.ProxyURL != cluster.ProxyURL {
		t.Fatalf("cluster = %+v", c)
	}
	if string(u.ClientCertificateData) != string(cert) || string(u.ClientKeyData) != string(key) || u.ClientKey != "" {
		t.Fatalf("user = %+v", u)
	}
	if len(cfg.Clusters) != 1 || len(cfg.AuthInfos) != 1 || len(cfg.Contexts) != 1 {
		t.Fatalf("more than one entry: %+v", cfg)
	}

	// The key as a path, for a user whose key never left their machine.
	data, err = Kubeconfig(KubeconfigCluster{Server: "https://10.0.0.1"}, KubeconfigUser{Name: "jane", CertificatePEM: cert, KeyPath: "jane.key"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "client-key: jane.key") || strings.Contains(string(data), "client-key-data") {
		t.Fatalf("key path:\n%s", data)
	}
	if cfg := must(clientcmd.Load(data)); cfg.CurrentContext != "jane@cluster" {
		t.Fatalf("an unnamed cluster: %q", cfg.CurrentContext)
	}
}

func TestKubeconfigRefusesWhatCannotWork(t *testing.T) {
	cert := []byte("cert")
	for name, tc := range map[string]struct {
		c KubeconfigCluster
		u KubeconfigUser
	}{
		"no server":        {KubeconfigCluster{}, KubeconfigUser{Name: "j", CertificatePEM: cert, KeyPath: "k"}},
		"no certificate":   {KubeconfigCluster{Server: "s"}, KubeconfigUser{Name: "j", KeyPath: "k"}},
		"no name":          {KubeconfigCluster{Server: "s"}, KubeconfigUser{CertificatePEM: cert, KeyPath: "k"}},
		"no key":           {KubeconfigCluster{Server: "s"}, KubeconfigUser{Name: "j", CertificatePEM: cert}},
		"key and key path": {KubeconfigCluster{Server: "s"}, KubeconfigUser{Name: "j", CertificatePEM: cert, KeyPath: "k", KeyPEM: []byte("k")}},
	} {
		if _, err := Kubeconfig(tc.c, tc.u); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
