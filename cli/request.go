package cli

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// RequestOptions are `csrtui request`'s.
type RequestOptions struct {
	CN       string
	Orgs     []string
	Signer   string
	Duration time.Duration
	KeyFile  string // the user's key (renewal), else one is generated
	KeyType  string
	CSRFile  string // a request made elsewhere (openssl req), from KeyFile's key
	Name     string
	Wait     time.Duration
	Out      string
	Force    bool
	Resume   string

	deps *Deps
}

func newRequestCommand(d *Deps) *cobra.Command {
	o := &RequestOptions{
		Signer:   certs.KubeAPIServerClientSignerName,
		Duration: 24 * time.Hour,
		KeyType:  string(certs.KeyECDSA),
		Wait:     10 * time.Minute,
		deps:     d,
	}
	cmd := &cobra.Command{
		Use:   "request --cn NAME --out DIR",
		Short: "Ask the cluster for a client certificate and wait for it: key, certificate, kubeconfig",
		Long: `Ask the cluster for a certificate, for yourself: csrtui makes a private key (or
uses yours), builds the certificate request, creates the CertificateSigningRequest
with the usages the signer accepts, and waits until an approver decides.

Once issued, it writes into --out: NAME.crt, NAME.key (mode 0600, only when it
made the key) and kubeconfig (mode 0600: the current context's cluster, the new
certificate and the key embedded, its context current). The key is written
before the request is created, so a request never outlives its key, and is never
sent anywhere. Files are written atomically and never over existing ones without
--force.

On a terminal a status line shows what it waits for; piped, a plain line per
change. Denied or failed: the approver's reason and message, exit code 3. Still
waiting when --wait ends: exit code 4, and the command that waits again
(--resume NAME).

The requester needs create on certificatesigningrequests, and watch on the
request's name (get too, for --resume); see the README.`,
		Example: `  # A day-long certificate for jane in group dev, waiting up to 10 minutes
  csrtui request --cn jane --org dev --out ~/.kube/jane

  # Renewal: the same key, a new certificate
  csrtui request --cn jane --org dev --key ~/.kube/jane/jane-x7k2p.key --out ~/.kube/jane-new

  # A request made with openssl, from its key
  csrtui request --csr jane.csr --key jane.key --out .

  # Still pending after --wait: wait again
  csrtui request --resume jane-x7k2p --out ~/.kube/jane`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.CN, "cn", "", "the certificate's common name: the user name it logs in as")
	f.StringArrayVar(&o.Orgs, "org", nil, "an organization: a group the user is in (repeat for more)")
	f.StringVar(&o.Signer, "signer", o.Signer, "the signer to ask")
	f.DurationVar(&o.Duration, "duration", o.Duration, "the lifetime to ask for (at least 10m; 0 leaves it to the signer)")
	f.StringVar(&o.KeyFile, "key", "", "use this private key (PEM) instead of making one: renewal")
	f.StringVar(&o.KeyType, "key-type", o.KeyType, "the key to make: ecdsa (P-256) or rsa (3072 bits)")
	f.StringVar(&o.CSRFile, "csr", "", "send this PEM certificate request instead of building one; --key must be its key")
	f.StringVar(&o.Name, "name", "", "the request's name (default: the common name and a random suffix)")
	f.DurationVar(&o.Wait, "wait", o.Wait, "how long to wait for the certificate (0: don't wait)")
	f.StringVar(&o.Out, "out", "", "the folder to write the key, certificate and kubeconfig into (required)")
	f.BoolVar(&o.Force, "force", false, "replace existing files")
	f.StringVar(&o.Resume, "resume", "", "wait again for the request of this name, made earlier with --out (and --key)")
	_ = cmd.RegisterFlagCompletionFunc("key-type", cobra.FixedCompletions([]string{string(certs.KeyECDSA), string(certs.KeyRSA)}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("out")
	return cmd
}

// Validate checks the flags together, and --out.
func (o *RequestOptions) Validate(cmd *cobra.Command) error {
	if o.Out == "" {
		return usagef("--out is required: the folder to write the certificate, key and kubeconfig into")
	}
	if o.Resume == "" {
		// --resume only waits for a request made earlier.
		if err := o.deps.refuseWrite("request (it creates a CertificateSigningRequest)"); err != nil {
			return err
		}
	}
	if o.Resume != "" {
		for _, f := range []string{"cn", "org", "signer", "duration", "key-type", "csr", "name"} {
			if cmd.Flags().Changed(f) {
				return usagef("--resume waits for a request made earlier: --%s can't change it", f)
			}
		}
		if err := certs.CheckRequestName(o.Resume); err != nil {
			return UsageError(fmt.Errorf("--resume: %w", err))
		}
	} else {
		switch {
		case o.CSRFile != "" && o.KeyFile == "":
			return usagef("--csr needs --key, the private key the request was made from: the kubeconfig needs it")
		case o.CSRFile != "" && (o.CN != "" || len(o.Orgs) > 0):
			return usagef("--csr sends that request as it is: --cn and --org can't change it")
		case o.CSRFile == "" && o.CN == "":
			return usagef("--cn is required: the user name the certificate logs in as")
		case o.KeyFile != "" && cmd.Flags().Changed("key-type"):
			return usagef("--key-type makes a new key: with --key there is none to make")
		case o.KeyType != string(certs.KeyECDSA) && o.KeyType != string(certs.KeyRSA):
			return usagef("--key-type %s: want %s or %s", o.KeyType, certs.KeyECDSA, certs.KeyRSA)
		case o.Signer == certs.LegacyUnknownSignerName:
			return usagef("%s can't be requested through certificates.k8s.io/v1", certs.LegacyUnknownSignerName)
		case o.Signer == "":
			return usagef("--signer can't be empty")
		}
		if err := certs.CheckRequestLifetime(o.Duration); err != nil {
			return UsageError(fmt.Errorf("--duration: %w", err))
		}
		if o.Name != "" {
			if err := certs.CheckRequestName(o.Name); err != nil {
				return UsageError(fmt.Errorf("--name: %w", err))
			}
		}
	}
	if o.Wait < 0 {
		return usagef("--wait must be 0 (don't wait) or more")
	}
	if err := o.deps.checkRecord(); err != nil {
		return err
	}
	fi, err := os.Stat(o.Out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("--out %s does not exist: create the folder first", o.Out)
	case err != nil:
		return fmt.Errorf("--out: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("--out %s is not a folder", o.Out)
	}
	return nil
}

// request is one request under way: what was read or made, and where it goes.
type request struct {
	name      string
	cn        string
	key       crypto.Signer
	keyPEM    []byte // PKCS#8, for the kubeconfig
	keyFile   string // where the key is: --key, or the file request writes
	madeKey   bool   // the key was made by this run, and written to keyFile
	resumeCmd string // the command that waits again
	cluster   certs.KubeconfigCluster
	// notRecorded is why the record missed a line of this run (the
	// request's creation), for the command to fail with at its end.
	notRecorded error
}

// recordCreate records the creation of obj: the request as created, or as
// sent when err says why not.
func (r *request) recordCreate(ctx context.Context, d *Deps, obj, created *certificatesv1.CertificateSigningRequest, err error) {
	if created == nil {
		created = obj
	}
	entry := certs.NewRecordEntry(certs.RecordCreate, certs.Summarize(created, certs.DefaultPolicy(), certs.ClusterFacts{}))
	entry.SetOutcome(nil, err)
	if rerr := d.record(ctx, entry); rerr != nil {
		r.notRecorded = rerr
	}
}

// Run asks for the certificate and waits for it.
func (o *RequestOptions) Run(ctx context.Context) error {
	var (
		r   *request
		csr *certificatesv1.CertificateSigningRequest
		c   Cluster
		err error
	)
	if o.Resume != "" {
		r, csr, c, err = o.resume(ctx)
	} else {
		r, csr, c, err = o.create(ctx)
	}
	if err != nil {
		if r != nil && r.notRecorded != nil {
			return fmt.Errorf("%w; and the record was not written: %w", err, r.notRecorded)
		}
		return err
	}
	err = o.wait(ctx, c, r, csr)
	var later notRecordedError
	switch {
	case r.notRecorded == nil, errors.As(err, &later): // the record failed again: said once
		return err
	case err != nil:
		return fmt.Errorf("%w; and the record of its creation was not written: %w", err, r.notRecorded)
	}
	return notRecorded(fmt.Sprintf("created %s", safe(r.name)), r.notRecorded)
}
