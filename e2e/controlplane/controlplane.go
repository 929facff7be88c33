// Package controlplane starts a real etcd, kube-apiserver and kube-controller-manager
// (with its CSR signer) on 127.0.0.1, for tests and for a local cluster to try csrtui on.
//
// The binaries come from hack/build-k8s.sh (`make binaries`): the folder named by
// $CSRTUI_K8S_BIN, or else the one the script builds (or finds in its cache) when first
// asked, so `go test ./...` needs nothing set. Each control plane has its own ports, its
// own folder and its own CA, which is the apiserver's client CA and the
// controller-manager's signing CA, so the certificates it issues log in to it.
package controlplane

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/csrtui/csrtui/certs"
)

// EnvBinDir names the folder holding etcd, kube-apiserver, kube-controller-manager
// and kubectl (built by hack/build-k8s.sh). When it is unset, Binaries runs the script.
const EnvBinDir = "CSRTUI_K8S_BIN"

// AdminUser is the admin kubeconfig's user, in group system:masters.
const AdminUser = "kubernetes-admin"

// serviceIP is the first address of --service-cluster-ip-range, the `kubernetes`
// Service's ClusterIP.
const (
	serviceRange = "10.0.0.0/24"
	serviceIP    = "10.0.0.1"
)

// Options configure Start. The zero value is valid.
type Options struct {
	BinDir string    // default: Binaries(ctx); an error (never a skip) when they are missing or can't be built
	Dir    string    // default: a fresh temp dir, removed by Stop; if set, it must be empty and is kept
	Logs   io.Writer // also receives the processes' output, which always goes to files in Dir
	// SigningDuration is kube-controller-manager's --cluster-signing-duration (default 8760h).
	SigningDuration string
	// SkipSignerWait returns as soon as /readyz is ok, before the controller-manager has
	// issued a first certificate. Approved requests are still issued, a little later.
	SkipSignerWait bool
}

// ControlPlane is a running etcd + kube-apiserver + kube-controller-manager.
type ControlPlane struct {
	Dir             string
	Server          string // https://127.0.0.1:PORT
	AdminKubeconfig string // path; user kubernetes-admin in system:masters
	CAFile          string // the cluster CA, also the client CA and the signing CA
	CAPEM           []byte
	CA              *x509.Certificate
	Admin           *rest.Config

	// ReadyIn is how long Start took until /readyz was ok; SignerReadyIn until the
	// controller-manager issued a first certificate (zero with SkipSignerWait).
	ReadyIn, SignerReadyIn time.Duration

	binDir  string
	ownsDir bool
	ca      *authority
	procs   []*process // in start order

	stopOnce sync.Once
	stopErr  error
}

// startTimeout bounds Start when its context has no deadline. kube-apiserver is ready in
// about 3 s on an idle machine; a loaded 2-core CI runner can take many times that.
const startTimeout = 2 * time.Minute

// Start starts a control plane and waits until /readyz is ok and (unless
// SkipSignerWait) the signer issues certificates. ctx bounds the start only: the processes
// run until Stop. On error nothing is left running.
func Start(ctx context.Context, opts Options) (*ControlPlane, error) {
	binDir, err := findBinaries(ctx, opts.BinDir)
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}
	c := &ControlPlane{binDir: binDir, Dir: opts.Dir}
	if c.Dir == "" {
		if c.Dir, err = os.MkdirTemp("", "csrtui-controlplane-"); err != nil {
			return nil, err
		}
		c.ownsDir = true
	} else if err := emptyDir(c.Dir); err != nil {
		return nil, err
	}
	var logs io.Writer
	if opts.Logs != nil {
		logs = &syncWriter{w: opts.Logs}
	}
	begin := time.Now()
	// A port chosen free can be taken by someone else before our process binds it: then
	// start again on other ports.
	for attempt := 1; ; attempt++ {
		err = c.start(ctx, opts, logs, begin)
		if err == nil {
			return c, nil
		}
		c.stopProcesses()
		if !addrInUse(err) || attempt == 3 || ctx.Err() != nil {
			break
		}
	}
	if c.ownsDir {
		_ = os.RemoveAll(c.Dir)
	}
	return nil, fmt.Errorf("start control plane in %s: %w", c.Dir, err)
}

func (c *ControlPlane) start(ctx context.Context, opts Options, logs io.Writer, begin time.Time) error {
	c.procs = nil
	pki := filepath.Join(c.Dir, "pki")
	etcdData := filepath.Join(c.Dir, "etcd")
	for _, d := range []string{pki, etcdData} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	c.Server = "https://127.0.0.1:" + strconv.Itoa(ports[2])

	if err := c.writePKI(pki); err != nil {
		return fmt.Errorf("write certificates: %w", err)
	}

	etcd, err := c.run("etcd", logs,
		"--name=default",
		"--data-dir="+etcdData,
		"--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		"--unsafe-no-fsync=true",
		"--log-level=warn",
	)
	if err != nil {
		return err
	}
	if err := waitHTTP(ctx, etcd, &http.Client{Timeout: 2 * time.Second}, etcdURL+"/health"); err != nil {
		return err
	}

	pkiFile := func(name string) string { return filepath.Join(pki, name) }
	apiserver, err := c.run("kube-apiserver", logs,
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(ports[2]),
		"--cert-dir="+pki,
		"--tls-cert-file="+pkiFile("apiserver.crt"),
		"--tls-private-key-file="+pkiFile("apiserver.key"),
		"--client-ca-file="+c.CAFile,
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+pkiFile("sa.pub"),
		"--service-account-signing-key-file="+pkiFile("sa.key"),
		"--authorization-mode=Node,RBAC",
		// NodeRestriction is what a real cluster runs: a node may only request
		// certificates for itself.
		"--enable-admission-plugins=NodeRestriction",
		"--service-cluster-ip-range="+serviceRange,
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	)
	if err != nil {
		return err
	}
	tlsConfig, err := c.adminTLS()
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	defer client.CloseIdleConnections()
	if err := waitHTTP(ctx, apiserver, client, c.Server+"/readyz"); err != nil {
		return err
	}
	c.ReadyIn = time.Since(begin)

	kcm, err := c.run("kube-controller-manager", logs, c.controllerManagerArgs(opts, pki)...)
	if err != nil {
		return err
	}
	if opts.SkipSignerWait {
		return nil
	}
	if err := c.waitSigner(ctx, kcm); err != nil {
		return err
	}
	c.SignerReadyIn = time.Since(begin)
	return nil
}

func (c *ControlPlane) controllerManagerArgs(opts Options, pki string) []string {
	args := []string{
		"--kubeconfig=" + filepath.Join(pki, "controller-manager.kubeconfig"),
		"--controllers=csrsigning,csrapproving,csrcleaner",
		"--cluster-signing-cert-file=" + c.CAFile,
		"--cluster-signing-key-file=" + filepath.Join(pki, "ca.key"),
		"--use-service-account-credentials=true",
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=0", // no serving at all: nothing to bind, nothing to collide
	}
	if opts.SigningDuration != "" {
		args = append(args, "--cluster-signing-duration="+opts.SigningDuration)
	}
	return args
}

// writePKI writes the CA, the apiserver's serving certificate, the service-account key
// pair and the admin and controller-manager kubeconfigs.
func (c *ControlPlane) writePKI(dir string) error {
	ca, err := newAuthority()
	if err != nil {
		return err
	}
	c.ca, c.CA, c.CAPEM = ca, ca.cert, ca.pem
	c.CAFile = filepath.Join(dir, "ca.crt")
	caKey, err := certs.EncodePrivateKey(ca.key)
	if err != nil {
		return err
	}
	servingCert, servingKey, err := ca.serving()
	if err != nil {
		return err
	}
	saKey, err := certs.GenerateKey(certs.KeyECDSA)
	if err != nil {
		return err
	}
	saKeyPEM, err := certs.EncodePrivateKey(saKey)
	if err != nil {
		return err
	}
	saPub, err := publicKeyPEM(saKey.Public())
	if err != nil {
		return err
	}
	adminCert, adminKey, err := ca.client(AdminUser, "system:masters")
	if err != nil {
		return err
	}
	admin, err := kubeconfig(c.Server, ca.pem, adminCert, adminKey, AdminUser)
	if err != nil {
		return err
	}
	kcmCert, kcmKey, err := ca.client("system:kube-controller-manager")
	if err != nil {
		return err
	}
	kcm, err := kubeconfig(c.Server, ca.pem, kcmCert, kcmKey, "system:kube-controller-manager")
	if err != nil {
		return err
	}
	if err := writeFiles(dir, map[string][]byte{
		"ca.crt":                        ca.pem,
		"ca.key":                        caKey,
		"apiserver.crt":                 servingCert,
		"apiserver.key":                 servingKey,
		"sa.key":                        saKeyPEM,
		"sa.pub":                        saPub,
		"controller-manager.kubeconfig": kcm,
	}); err != nil {
		return err
	}
	c.AdminKubeconfig = filepath.Join(c.Dir, "admin.kubeconfig")
	if err := os.WriteFile(c.AdminKubeconfig, admin, 0o600); err != nil {
		return err
	}
	c.Admin = restConfig(c.Server, ca.pem, adminCert, adminKey)
	return nil
}

func (c *ControlPlane) adminTLS() (*tls.Config, error) {
	pair, err := tls.X509KeyPair(c.Admin.CertData, c.Admin.KeyData)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(c.CA)
	return &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// run starts one of the binaries, its output in Dir/<name>.log.
func (c *ControlPlane) run(name string, logs io.Writer, args ...string) (*process, error) {
	p, err := startProcess(name, filepath.Join(c.binDir, name), filepath.Join(c.Dir, name+".log"), logs, args...)
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, p)
	return p, nil
}

// waitHTTP waits until url answers 200, p exits (an error with its log) or ctx ends.
func waitHTTP(ctx context.Context, p *process, client *http.Client, url string) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s: %s: %s", url, resp.Status, body)
		}
		last = err
		select {
		case <-p.exited:
			return p.exitError()
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (last: %w); last lines of %s:\n%s",
				p.name, ctx.Err(), last, p.logPath, tail(p.logPath, 25))
		case <-tick.C:
		}
	}
}

// waitSigner has the controller-manager issue one certificate, so that a test approving a
// request right after Start does not race the signer's start.
func (c *ControlPlane) waitSigner(ctx context.Context, kcm *process) error {
	client, err := kubernetes.NewForConfig(c.Admin)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-kcm.exited:
			cancel(kcm.exitError())
		case <-ctx.Done():
		}
	}()
	if err := probeSigner(ctx, client); err != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return cause
		}
		return fmt.Errorf("signer not ready: %w; last lines of %s:\n%s", err, kcm.logPath, tail(kcm.logPath, 25))
	}
	return nil
}

// Stop stops every process (TERM, wait, KILL) and removes Dir when Start made it. It is
// safe to call more than once.
func (c *ControlPlane) Stop() error {
	c.stopOnce.Do(func() {
		c.stopProcesses()
		if c.ownsDir {
			c.stopErr = os.RemoveAll(c.Dir)
		}
	})
	return c.stopErr
}

// stopProcesses stops the controller-manager and the apiserver together, then etcd,
// which they need to shut down cleanly.
func (c *ControlPlane) stopProcesses() {
	const grace = 10 * time.Second
	var wg sync.WaitGroup
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		if p.name == "etcd" {
			wg.Wait()
			p.stop(grace)
			continue
		}
		wg.Go(func() { p.stop(grace) })
	}
	wg.Wait()
}

// PIDs returns the process ID of each running binary, by name.
func (c *ControlPlane) PIDs() map[string]int {
	m := make(map[string]int, len(c.procs))
	for _, p := range c.procs {
		m[p.name] = p.cmd.Process.Pid
	}
	return m
}

// StartForTest starts one for t and stops it in t.Cleanup; it calls t.Fatal
// (never t.Skip) when it can't. When t fails, the end of each process's log is logged.
// With -short it skips t (see SkipIfShort).
func StartForTest(t testing.TB) *ControlPlane {
	t.Helper()
	SkipIfShort(t)
	c, err := Start(t.Context(), Options{BinDir: BinariesForTest(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range c.procs {
				t.Logf("last lines of %s:\n%s", p.logPath, tail(p.logPath, 15))
			}
		}
		if err := c.Stop(); err != nil {
			t.Errorf("stop control plane: %v", err)
		}
	})
	return c
}

// Client returns a clientset for the admin.
func (c *ControlPlane) Client() (kubernetes.Interface, error) {
	return kubernetes.NewForConfig(c.Admin)
}

// KubectlPath returns the kubectl to run: the one built with the server (in the binaries
// folder), else the first on PATH.
func (c *ControlPlane) KubectlPath() (string, error) {
	p := filepath.Join(c.binDir, "kubectl")
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p, nil
	}
	p, err := exec.LookPath("kubectl")
	if err != nil {
		return "", fmt.Errorf("no kubectl in $%s (%s) nor on PATH: run `make binaries`", EnvBinDir, c.binDir)
	}
	return p, nil
}

// Kubectl runs kubectl as the user of kubeconfig (the admin when empty) and returns its
// standard output; an error carries its standard error.
func (c *ControlPlane) Kubectl(ctx context.Context, kubeconfig string, args ...string) (string, error) {
	bin, err := c.KubectlPath()
	if err != nil {
		return "", err
	}
	if kubeconfig == "" {
		kubeconfig = c.AdminKubeconfig
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	// Exactly this cluster, no preferences from ~/.kube/kuberc, nothing written to ~/.kube.
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "KUBERC=off",
		"KUBECACHEDIR="+filepath.Join(c.Dir, "kubectl-cache"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// SkipIfShort skips t under `go test -short`: a control plane takes seconds to start and,
// on a machine without the binaries yet, minutes to build.
func SkipIfShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a real control plane: run without -short (or make test)")
	}
}

// emptyDir creates dir or checks that it is empty: a control plane never reuses another's
// data, which a new CA could not read.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("control plane folder %s is not empty", dir)
	}
	return nil
}

// freePorts returns n distinct ports free on 127.0.0.1, holding them all until it has
// them all.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer func() { _ = l.Close() }()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
