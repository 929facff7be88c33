package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// kubeconfigFile is the kubeconfig request writes into --out.
const kubeconfigFile = "kubeconfig"

// targets are the files the issued certificate goes into.
func (o *RequestOptions) targets(r *request) []string {
	return []string{o.certificatePath(r.name), o.kubeconfigPath()}
}

// certificatePath, keyPath and kubeconfigPath are the files request writes
// into --out for the request of that name (the key only when it makes one).
func (o *RequestOptions) certificatePath(name string) string {
	return filepath.Join(o.Out, name+".crt")
}

func (o *RequestOptions) keyPath(name string) string {
	return filepath.Join(o.Out, name+".key")
}

func (o *RequestOptions) kubeconfigPath() string {
	return filepath.Join(o.Out, kubeconfigFile)
}

// write writes the certificate and the kubeconfig, once the certificate is
// checked to be for the key.
func (o *RequestOptions) write(ctx context.Context, r *request, csr *certificatesv1.CertificateSigningRequest) error {
	certPEM, err := certs.CertificateFile(csr.Status.Certificate)
	if err != nil {
		return fmt.Errorf("%s: %w", r.name, err)
	}
	if err := certs.CheckCertificateKey(certPEM, r.key); err != nil {
		return fmt.Errorf("%s: %w; nothing written", r.name, err)
	}
	kc, err := certs.Kubeconfig(r.cluster, certs.KubeconfigUser{
		// Shown by kubectl config get-contexts: never raw.
		Name:           safe(r.cn),
		CertificatePEM: certPEM,
		KeyPEM:         r.keyPEM,
	})
	if err != nil {
		return err
	}
	crt, kubeconfig := o.certificatePath(r.name), o.kubeconfigPath()
	if err := writeFiles([]file{{path: crt, data: certPEM, mode: 0o644}, {path: kubeconfig, data: kc, mode: 0o600}}, o.Force); err != nil {
		return fmt.Errorf("%w; the certificate is issued: write it again with: %s", err, r.resumeCmd)
	}
	written := []string{crt}
	if r.madeKey {
		written = append(written, r.keyFile)
	}
	written = append(written, kubeconfig)
	entry := certs.NewRecordEntry(certs.RecordIssued, certs.Summarize(csr, certs.DefaultPolicy(), certs.ClusterFacts{}))
	entry.SetOutcome(nil, nil)
	for _, w := range written {
		entry.Files = append(entry.Files, absPath(w))
	}
	recordErr := o.deps.record(ctx, entry)
	var b strings.Builder
	for _, w := range written {
		b.WriteString(safe(w) + "\n")
	}
	if _, err := fmt.Fprint(o.deps.Streams.Out, b.String()); err != nil {
		return err
	}
	if recordErr != nil {
		return notRecorded(fmt.Sprintf("%s is issued and written", safe(r.name)), recordErr)
	}
	if o.deps.Streams.ErrTerminal {
		_, _ = fmt.Fprintf(o.deps.Streams.ErrOut, "%s: issued. Try it: kubectl --kubeconfig %s auth whoami\n", safe(r.name), safe(kubeconfig))
	}
	return nil
}
