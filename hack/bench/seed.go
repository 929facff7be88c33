package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

// The mix a large cluster holds, as issue 12 sets it: of every 20 requests, 12 issued
// (each with a certificate), 1 denied and 7 pending; from 300 kubelets (client and
// serving certificates, named csr-xxxxx as kubelets do), 40 people (client
// certificates, RSA or ECDSA) and 5 CI service accounts (a custom signer).
const (
	nodes  = 300
	people = 40
	robots = 5
)

type outcome int

const (
	pending outcome = iota
	issued
	denied
)

func outcomeOf(i int) outcome {
	switch r := i % 20; {
	case r < 12:
		return issued
	case r == 12:
		return denied
	}
	return pending
}

// seeder creates requests as their requesters (impersonated by the admin).
type seeder struct {
	cp      *controlplane.ControlPlane
	admin   kubernetes.Interface
	as      map[string]kubernetes.Interface // by requester
	rsaKeys []crypto.Signer                 // RSA keys take long to make: people share a few
}

func newSeeder(ctx context.Context, cp *controlplane.ControlPlane) (*seeder, error) {
	cfg := rest.CopyConfig(cp.Admin)
	cfg.QPS, cfg.Burst = 5000, 5000
	admin, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	s := &seeder{cp: cp, admin: admin, as: map[string]kubernetes.Interface{}}
	for i := range nodes {
		if err := s.impersonate(cfg, nodeUser(i), "system:nodes"); err != nil {
			return nil, err
		}
	}
	for i := range people {
		if err := s.impersonate(cfg, person(i), "dev"); err != nil {
			return nil, err
		}
	}
	for i := range robots {
		if err := s.impersonate(cfg, robot(i), "system:serviceaccounts", "system:serviceaccounts:ci"); err != nil {
			return nil, err
		}
	}
	for range 8 {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		s.rsaKeys = append(s.rsaKeys, k)
	}
	// Everyone may ask for a certificate, nothing more.
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "bench:requester"}, Rules: []rbacv1.PolicyRule{{
		APIGroups: []string{certv1.GroupName}, Resources: []string{"certificatesigningrequests"}, Verbs: []string{"create"},
	}}}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "bench:requester"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "system:authenticated"}},
	}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *seeder) impersonate(cfg *rest.Config, user string, groups ...string) error {
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	cs, err := kubernetes.NewForConfig(c)
	s.as[user] = cs
	return err
}

func nodeUser(i int) string { return fmt.Sprintf("system:node:node-%03d", i) }
func person(i int) string   { return fmt.Sprintf("user-%02d", i) }
func robot(i int) string    { return fmt.Sprintf("system:serviceaccount:ci:robot-%d", i) }

// request is the i-th request of the mix: who asks, for what.
// A tag, when not empty, goes into the subject as its OU: requests of one
// requester then differ, and none supersedes another.
func (s *seeder) request(i int, name, tag string, labels map[string]string) (requester string, csr *certv1.CertificateSigningRequest, err error) {
	csr = &certv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if name == "" {
		csr.GenerateName = "csr-"
	}
	var (
		key  crypto.Signer
		tmpl x509.CertificateRequest
	)
	switch k := i % 10; {
	case k < 7: // kubelets: client and serving
		n := i % nodes
		requester = nodeUser(n)
		tmpl.Subject = pkix.Name{CommonName: requester, Organization: []string{"system:nodes"}}
		if k < 4 {
			csr.Spec.SignerName = certv1.KubeAPIServerClientKubeletSignerName
			csr.Spec.Usages = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageClientAuth}
		} else {
			csr.Spec.SignerName = certv1.KubeletServingSignerName
			csr.Spec.Usages = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageKeyEncipherment, certv1.UsageServerAuth}
			tmpl.DNSNames = []string{fmt.Sprintf("node-%03d", n)}
			tmpl.IPAddresses = []net.IP{net.IPv4(10, 1, byte(n/250), byte(n%250+1))}
		}
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case k < 9: // people
		requester = person(i % people)
		tmpl.Subject = pkix.Name{CommonName: requester, Organization: []string{fmt.Sprintf("team-%d", i%7)}}
		csr.Spec.SignerName = certv1.KubeAPIServerClientSignerName
		csr.Spec.Usages = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageKeyEncipherment, certv1.UsageClientAuth}
		seconds := int32(86400)
		csr.Spec.ExpirationSeconds = &seconds
		if k == 8 {
			key = s.rsaKeys[i%len(s.rsaKeys)]
		} else {
			key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		}
	default: // CI robots, through a signer of their own
		requester = robot(i % robots)
		tmpl.Subject = pkix.Name{CommonName: fmt.Sprintf("build-%d", i)}
		tmpl.DNSNames = []string{fmt.Sprintf("build-%d.ci.example.com", i)}
		csr.Spec.SignerName = "example.com/ci"
		csr.Spec.Usages = []certv1.KeyUsage{certv1.UsageDigitalSignature, certv1.UsageServerAuth}
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return "", nil, err
	}
	if tag != "" {
		tmpl.Subject.OrganizationalUnit = []string{tag}
	}
	csr.Spec.Request, err = controlplane.CSRPEM(key, &tmpl)
	return requester, csr, err
}

// create sends the i-th request of the mix as its requester.
func (s *seeder) create(ctx context.Context, i int, name, tag string, labels map[string]string) (*certv1.CertificateSigningRequest, error) {
	requester, csr, err := s.request(i, name, tag, labels)
	if err != nil {
		return nil, err
	}
	return s.as[requester].CertificatesV1().CertificateSigningRequests().Create(ctx, csr, metav1.CreateOptions{})
}

// seed creates n requests of the mix and decides them as outcomeOf says, 16 at a time.
func (s *seeder) seed(ctx context.Context, n int) (time.Duration, error) {
	start := time.Now()
	err := parallel(ctx, n, func(ctx context.Context, i int) error {
		csr, err := s.create(ctx, i, "", "", nil)
		if err != nil {
			return err
		}
		switch outcomeOf(i) {
		case issued:
			return s.cp.Issue(ctx, s.admin, csr, "BenchApprove", "issued for the benchmark")
		case denied:
			return controlplane.Deny(ctx, s.admin, csr.Name, "BenchDeny", "denied for the benchmark")
		}
		return nil
	})
	return time.Since(start), err
}

// parallel runs f for 0..n-1, 16 at a time, and returns the first error.
func parallel(ctx context.Context, n int, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
