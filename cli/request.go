package cli

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"github.com/csrtui/csrtui/certs"
)

// kubeconfigFile is the kubeconfig request writes into --out.
const kubeconfigFile = "kubeconfig"

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
		return err
	}
	return o.wait(ctx, c, r, csr)
}

// create makes or reads the key and the request, writes a new key, and
// creates the CSR.
func (o *RequestOptions) create(ctx context.Context) (*request, *certificatesv1.CertificateSigningRequest, Cluster, error) {
	r := &request{cn: o.CN, keyFile: o.KeyFile}
	var err error
	if o.KeyFile != "" {
		if r.key, err = readKey(o.KeyFile); err != nil {
			return nil, nil, nil, err
		}
	} else if r.key, err = certs.GenerateKey(certs.KeyType(o.KeyType)); err != nil {
		return nil, nil, nil, err
	}
	if r.keyPEM, err = certs.EncodePrivateKey(r.key); err != nil {
		return nil, nil, nil, err
	}

	var requestPEM []byte
	if o.CSRFile != "" {
		data, err := os.ReadFile(o.CSRFile)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--csr: %w", err)
		}
		pemReq, parsed, err := certs.ReadRequestFile(data)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--csr %s %w", o.CSRFile, err)
		}
		if !certs.SamePublicKey(r.key, parsed.RawSubjectPublicKeyInfo) {
			return nil, nil, nil, fmt.Errorf("--csr %s was not made from the key in --key %s", o.CSRFile, o.KeyFile)
		}
		requestPEM, r.cn = pemReq, parsed.Subject.CommonName
	} else if requestPEM, err = certs.NewRequest(r.key, o.CN, o.Orgs); err != nil {
		return nil, nil, nil, err
	}

	decoded, err := certs.ParseRequest(requestPEM)
	if err != nil {
		return nil, nil, nil, err
	}
	usages := certs.RequestUsages(o.Signer, r.key.Public())
	if why := certs.SignerCheck(o.Signer, decoded, usages); why != "" {
		return nil, nil, nil, UsageError(fmt.Errorf("%s would fail this request after approval: %s", o.Signer, why))
	}

	r.name = o.Name
	if r.name == "" {
		r.name = certs.DefaultRequestName(r.cn, utilrand.String(5))
	}
	if err := certs.CheckRequestName(r.name); err != nil {
		return nil, nil, nil, UsageError(err)
	}
	if o.KeyFile == "" {
		r.madeKey = true
		r.keyFile = o.keyPath(r.name)
	}
	r.resumeCmd = o.resumeCommand(r)
	targets := o.targets(r)
	if r.madeKey {
		targets = append(targets, r.keyFile)
	}
	c, err := o.connect(ctx, r, targets)
	if err != nil {
		return nil, nil, nil, err
	}
	if r.madeKey {
		if err := writeFiles([]file{{path: r.keyFile, data: r.keyPEM, mode: 0o600}}, o.Force); err != nil {
			return nil, nil, nil, err
		}
	}
	obj := &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: r.name},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request:    requestPEM,
			SignerName: o.Signer,
		},
	}
	for _, u := range usages {
		obj.Spec.Usages = append(obj.Spec.Usages, certificatesv1.KeyUsage(u))
	}
	if o.Duration > 0 {
		seconds := int32(o.Duration / time.Second)
		obj.Spec.ExpirationSeconds = &seconds
	}
	csr, err := c.Create(ctx, obj)
	switch {
	case err == nil:
		return r, csr, c, nil
	case !r.madeKey:
	case refused(err):
		// Nothing was created: the key is of no use.
		_ = os.Remove(r.keyFile)
	default:
		// The request may have been created (a timeout, a dropped
		// connection): keep its key for --resume.
		return nil, nil, nil, fmt.Errorf("%w; its key stays in %s for: %s", err, r.keyFile, r.resumeCmd)
	}
	return nil, nil, nil, err
}

// refused reports whether the apiserver answered a create with a refusal, so
// that nothing was created.
func refused(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsInvalid(err) ||
		apierrors.IsAlreadyExists(err) || apierrors.IsBadRequest(err) || apierrors.IsMethodNotSupported(err)
}

// resume reads the key and the CSR made earlier, and checks they belong
// together.
func (o *RequestOptions) resume(ctx context.Context) (*request, *certificatesv1.CertificateSigningRequest, Cluster, error) {
	r := &request{name: o.Resume, keyFile: o.KeyFile}
	if r.keyFile == "" {
		r.keyFile = o.keyPath(r.name)
		if _, err := os.Stat(r.keyFile); errors.Is(err, os.ErrNotExist) {
			return nil, nil, nil, fmt.Errorf("no key for %s: %s does not exist; pass the key the request was made from with --key", r.name, r.keyFile)
		}
	}
	var err error
	if r.key, err = readKey(r.keyFile); err != nil {
		return nil, nil, nil, err
	}
	if r.keyPEM, err = certs.EncodePrivateKey(r.key); err != nil {
		return nil, nil, nil, err
	}
	r.resumeCmd = o.resumeCommand(r)
	c, err := o.connect(ctx, r, o.targets(r))
	if err != nil {
		return nil, nil, nil, err
	}
	csr, err := c.Get(ctx, r.name)
	if err != nil {
		return nil, nil, nil, notFoundIsOne(err)
	}
	decoded, err := certs.ParseRequest(csr.Spec.Request)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", r.name, err)
	}
	if !certs.SamePublicKey(r.key, decoded.PublicKeyDER) {
		return nil, nil, nil, fmt.Errorf("%s was not made from the key in %s: it is someone else's request, or a new one of the same name", r.name, r.keyFile)
	}
	r.cn = decoded.CommonName
	return r, csr, c, nil
}

// connect checks that the targets can be written, then connects and reads the
// cluster r's kubeconfig will name: before anything is created or waited for,
// the files must be possible.
func (o *RequestOptions) connect(ctx context.Context, r *request, targets []string) (Cluster, error) {
	if err := checkTargets(targets, o.Force); err != nil {
		return nil, err
	}
	c, err := o.deps.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if r.cluster, err = c.KubeconfigCluster(); err != nil {
		return nil, err
	}
	return c, nil
}

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

func (o *RequestOptions) resumeCommand(r *request) string {
	cmd := "csrtui request --resume " + r.name + " --out " + o.Out
	if !r.madeKey && o.KeyFile != "" {
		cmd += " --key " + o.KeyFile
	}
	return cmd
}

// wait waits for the decision and the certificate, then writes the files.
func (o *RequestOptions) wait(ctx context.Context, c Cluster, r *request, csr *certificatesv1.CertificateSigningRequest) error {
	streams := o.deps.Streams
	p := newProgress(streams.ErrOut, streams.ErrTerminal, o.deps.now)
	defer p.finish()
	p.set(stateText(r.name, csr))

	final := csr
	var err error
	if o.Wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, o.Wait)
		final, err = c.WaitForCertificate(wctx, csr, func(x *certificatesv1.CertificateSigningRequest) {
			p.set(stateText(r.name, x))
		})
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			// The watch failed: the request is still there, unless it was deleted.
			if apierrors.IsNotFound(err) {
				return withCode(ExitNotAsAsked, err)
			}
			return fmt.Errorf("%w; wait again with: %s", err, r.resumeCmd)
		}
	}
	p.finish()

	state, _ := certs.StatusOf(final)
	switch state {
	case certs.StateIssued:
		return o.write(r, final)
	case certs.StateDenied, certs.StateFailed:
		if r.madeKey {
			// The key was made for this request alone and is of no use now.
			_ = os.Remove(r.keyFile)
		}
		return withCode(ExitDenied, errors.New(decisionText(r.name, final, state)))
	}
	still := "still pending"
	if state == certs.StateApproved {
		still = "approved but not issued yet (is a signer running for " + final.Spec.SignerName + "?)"
	}
	switch {
	case ctx.Err() != nil:
		return withCode(ExitInterrupted, fmt.Errorf("interrupted: %s is %s; wait again with: %s", r.name, still, r.resumeCmd))
	case o.Wait == 0:
		return withCode(ExitTimeout, fmt.Errorf("%s is %s; wait for it with: %s", r.name, still, r.resumeCmd))
	}
	return withCode(ExitTimeout, fmt.Errorf("%s is %s after %s; wait again with: %s", r.name, still, o.Wait, r.resumeCmd))
}

// stateText is the progress line for csr.
func stateText(name string, csr *certificatesv1.CertificateSigningRequest) string {
	switch state, _ := certs.StatusOf(csr); state {
	case certs.StateApproved:
		return safe(name) + ": approved, waiting for the signer"
	case certs.StatePending:
		return safe(name) + ": pending, waiting for an approver (csrtui approve " + safe(name) + ")"
	default:
		return safe(name) + ": " + strings.ToLower(state.String())
	}
}

// decisionText says who refused and why: the condition's reason and message.
func decisionText(name string, csr *certificatesv1.CertificateSigningRequest, state certs.State) string {
	typ, verb := certificatesv1.CertificateDenied, "was denied"
	if state == certs.StateFailed {
		typ, verb = certificatesv1.CertificateFailed, "failed"
	}
	for _, c := range csr.Status.Conditions {
		if c.Type != typ {
			continue
		}
		text := name + " " + verb
		if c.Reason != "" {
			text += " (" + c.Reason + ")"
		}
		if c.Message != "" {
			text += ": " + c.Message
		}
		return text
	}
	return name + " " + verb
}

// write writes the certificate and the kubeconfig, once the certificate is
// checked to be for the key.
func (o *RequestOptions) write(r *request, csr *certificatesv1.CertificateSigningRequest) error {
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
	var b strings.Builder
	for _, w := range written {
		b.WriteString(safe(w) + "\n")
	}
	if _, err := fmt.Fprint(o.deps.Streams.Out, b.String()); err != nil {
		return err
	}
	if o.deps.Streams.ErrTerminal {
		_, _ = fmt.Fprintf(o.deps.Streams.ErrOut, "%s: issued. Try it: kubectl --kubeconfig %s auth whoami\n", safe(r.name), safe(kubeconfig))
	}
	return nil
}

// readKey reads a private key file; its errors never quote the file.
func readKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	key, err := certs.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("--key %s %w", path, err)
	}
	return key, nil
}
