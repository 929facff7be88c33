package cli

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"os"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"github.com/csrtui/csrtui/certs"
)

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
	r.recordCreate(ctx, o.deps, obj, csr, err)
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
		return r, nil, nil, fmt.Errorf("%w; its key stays in %s for: %s", err, r.keyFile, r.resumeCmd)
	}
	if apierrors.IsAlreadyExists(err) {
		return r, nil, nil, fmt.Errorf("%w, or if it is yours, wait for it with --resume %s", err, r.name)
	}
	return r, nil, nil, err // r: the record of the try
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
	if !decoded.ForKey(r.key) {
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

func (o *RequestOptions) resumeCommand(r *request) string {
	cmd := "csrtui request --resume " + r.name + " --out " + o.Out
	if !r.madeKey && o.KeyFile != "" {
		cmd += " --key " + o.KeyFile
	}
	return cmd
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
