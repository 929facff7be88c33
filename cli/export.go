package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/csrtui/csrtui/certs"
)

// ExportOptions are `csrtui export`'s.
type ExportOptions struct {
	Name       string
	Output     string // a file, or "-" for stdout
	Kubeconfig string // also write a kubeconfig here
	KeyPath    string // the client-key path the kubeconfig names
	Force      bool

	deps *Deps
}

func newExportCommand(d *Deps) *cobra.Command {
	o := &ExportOptions{deps: d}
	cmd := &cobra.Command{
		Use:   "export NAME",
		Short: "Write the issued certificate of a request, and a kubeconfig for it",
		Long: `Write the certificate issued for a CertificateSigningRequest as PEM: only the
certificates themselves, re-encoded from their DER, so text a signer put around
them never reaches the file. Files are written atomically and never over an
existing file without --force.

With --write-kubeconfig, also write a kubeconfig for the certificate's user
(mode 0600): the current context's cluster (server, CA, TLS server name), the
certificate embedded, and the user's key as a path (--key-path, by default
<CN>.key next to the kubeconfig), since the key never leaves its owner. Only
for kubernetes.io/kube-apiserver-client certificates: the others don't log in
to the apiserver as a user.`,
		Example: `  # The certificate, to ./jane-laptop.crt
  csrtui export jane-laptop

  # To stdout
  csrtui export jane-laptop -o - | openssl x509 -noout -text

  # And a kubeconfig for jane, whose key is ~/.kube/jane.key on her machine
  csrtui export jane-laptop --write-kubeconfig jane.kubeconfig --key-path ~/.kube/jane.key`,
		Args:              oneArg("name of a certificate signing request"),
		ValidArgsFunction: completeNames(d, func(s certs.State) bool { return s == certs.StateIssued }),
		RunE:              runOptions(o),
	}
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", "", "where to write the certificate: a file, or - for stdout (default NAME.crt in the config file's export-dir, else in the working folder)")
	f.StringVar(&o.Kubeconfig, "write-kubeconfig", "", "also write a kubeconfig for the certificate's user to this file")
	f.StringVar(&o.KeyPath, "key-path", "", "the user's key file, as the kubeconfig names it (default <CN>.key; relative paths are relative to the kubeconfig)")
	f.BoolVar(&o.Force, "force", false, "replace existing files")
	return cmd
}

// Complete reads the name and sets the default file.
func (o *ExportOptions) Complete(args []string) error {
	names, err := csrNames(args)
	if err != nil {
		return err
	}
	o.Name = names[0]
	if o.Output == "" {
		// Names from the cluster are never paths as they are.
		o.Output = certs.SafeFileName(o.Name) + ".crt"
		if o.deps.ExportDir != "" {
			o.Output = filepath.Join(o.deps.ExportDir, o.Output)
		}
	}
	return nil
}

// Validate checks the flags and that nothing would be overwritten.
func (o *ExportOptions) Validate() error {
	if o.KeyPath != "" && o.Kubeconfig == "" {
		return usagef("--key-path names the key in a kubeconfig: pass --write-kubeconfig too")
	}
	if o.Kubeconfig != "" && o.Kubeconfig == o.Output {
		return usagef("--write-kubeconfig and -o name the same file")
	}
	var files []string
	if o.Output != "-" {
		files = append(files, o.Output)
	}
	if o.Kubeconfig != "" {
		files = append(files, o.Kubeconfig)
	}
	if err := checkTargets(files, o.Force); err != nil {
		return err
	}
	return o.deps.checkRecord()
}

// Run reads the CSR, writes the files, and records the export.
func (o *ExportOptions) Run(ctx context.Context) error {
	c, err := o.deps.Connect(ctx)
	if err != nil {
		return err
	}
	entry := certs.RecordEntry{Action: certs.RecordExport, Name: o.Name}
	err = o.export(ctx, c, &entry)
	entry.SetOutcome(nil, err)
	if ExitCode(err) == ExitNotAsAsked {
		entry.Outcome = certs.OutcomeRefused // no such request, no certificate
	}
	if rerr := o.deps.record(ctx, entry); rerr != nil {
		if err != nil {
			return fmt.Errorf("%w; and the record was not written: %w", err, rerr)
		}
		return notRecorded(fmt.Sprintf("wrote the certificate of \"%s\"", safe(o.Name)), rerr)
	}
	return err
}

// export reads the CSR and writes the files; entry becomes the record's
// line of it, but for the outcome.
func (o *ExportOptions) export(ctx context.Context, c Cluster, entry *certs.RecordEntry) error {
	csr, err := c.Get(ctx, o.Name)
	if err != nil {
		return notFoundIsOne(err)
	}
	s := certs.Summarize(csr, certs.DefaultPolicy(), certs.ClusterFacts{})
	*entry = certs.NewRecordEntry(certs.RecordExport, s)
	if s.State != certs.StateIssued {
		return withCode(ExitNotAsAsked, fmt.Errorf("\"%s\" has no certificate: it is %s", s.Name, s.Condition))
	}
	pem, err := certs.CertificateFile(csr.Status.Certificate)
	if err != nil {
		return withCode(ExitNotAsAsked, fmt.Errorf("\"%s\": %w", s.Name, err))
	}

	files := []file{}
	if o.Output != "-" {
		files = append(files, file{path: o.Output, data: pem, mode: 0o644})
	}
	if o.Kubeconfig != "" {
		kc, err := o.kubeconfig(c, s, pem)
		if err != nil {
			return err
		}
		files = append(files, file{path: o.Kubeconfig, data: kc, mode: 0o600})
	}
	if err := writeFiles(files, o.Force); err != nil {
		return err
	}
	for _, f := range files {
		entry.Files = append(entry.Files, absPath(f.path))
	}
	if o.Output == "-" {
		entry.Files = append(entry.Files, "-")
		if _, err := o.deps.Streams.Out.Write(pem); err != nil {
			return err
		}
		return nil
	}
	for _, f := range files {
		if _, err := fmt.Fprintln(o.deps.Streams.Out, safe(f.path)); err != nil {
			return err
		}
	}
	return nil
}

// kubeconfig builds the kubeconfig for an issued client certificate.
func (o *ExportOptions) kubeconfig(c Requester, s *certs.Summary, pem []byte) ([]byte, error) {
	if s.Signer != certs.KubeAPIServerClientSignerName {
		return nil, withCode(ExitNotAsAsked, fmt.Errorf("no kubeconfig for \"%s\": a certificate of signer \"%s\" does not log in to the apiserver as a user; only %s ones do",
			s.Name, s.Signer, certs.KubeAPIServerClientSignerName))
	}
	if s.Certificate == nil {
		return nil, withCode(ExitNotAsAsked, fmt.Errorf("no kubeconfig for \"%s\": %w", s.Name, s.CertificateErr))
	}
	cluster, err := c.KubeconfigCluster()
	if err != nil {
		return nil, err
	}
	cn := ""
	if s.Request != nil {
		cn = s.Request.CommonName
	}
	keyPath := o.KeyPath
	if keyPath == "" {
		keyPath = certs.SafeFileName(cn) + ".key"
	}
	// The user's name is shown by kubectl config get-contexts: never raw.
	return certs.Kubeconfig(cluster, certs.KubeconfigUser{Name: safe(cn), CertificatePEM: pem, KeyPath: keyPath})
}

// notFoundIsOne gives a read error its exit code: a name not found is an
// answer (1), anything else means the command could not run (2).
func notFoundIsOne(err error) error {
	if apierrors.IsNotFound(err) {
		return withCode(ExitNotAsAsked, err)
	}
	return err
}
