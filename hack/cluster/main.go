// Command cluster runs a local Kubernetes control plane (etcd, kube-apiserver,
// kube-controller-manager with its CSR signer) in the foreground, to try csrtui on.
//
//	go run ./hack/cluster --seed
//
// It prints the `export KUBECONFIG=...` line to use it; Ctrl+C stops it. With --seed it
// creates realistic certificate signing requests first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

func run() error {
	seed := flag.Bool("seed", false, "create users, nodes and certificate signing requests to look at")
	dir := flag.String("dir", "", "folder for certificates, data and logs, kept on exit (default: a temporary one, removed on exit)")
	kubeconfigOut := flag.String("kubeconfig-out", defaultKubeconfigPath(), "where to write the admin kubeconfig")
	bulk := flag.Int("bulk", 0, "also create this many pending client-certificate requests (a large cluster)")
	signingDuration := flag.String("signing-duration", "", "the signer's longest certificate lifetime (kube-controller-manager's --cluster-signing-duration; default 8760h)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: %s [flags]\n\nRuns etcd, kube-apiserver and kube-controller-manager on 127.0.0.1 until Ctrl+C.\nThe binaries come from $%s, or else from hack/build-k8s.sh (make binaries).\n\n", os.Args[0], controlplane.EnvBinDir)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Fprintln(os.Stderr, "starting etcd, kube-apiserver and kube-controller-manager...")
	cp, err := controlplane.Start(ctx, controlplane.Options{Dir: *dir, SigningDuration: *signingDuration})
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}
	defer func() {
		fmt.Fprintln(os.Stderr, "stopping...")
		if err := cp.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "cluster: stop:", err)
		}
	}()

	if err := writeKubeconfig(cp.AdminKubeconfig, *kubeconfigOut); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "ready at %s in %v (apiserver ready after %v)\nfiles and logs: %s\n",
		cp.Server, cp.SignerReadyIn.Round(100*time.Millisecond), cp.ReadyIn.Round(100*time.Millisecond), cp.Dir)

	if *seed {
		summary, err := seedCluster(ctx, cp)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		fmt.Fprint(os.Stderr, summary)
	}

	if *bulk > 0 {
		took, err := seedBulk(ctx, cp, *bulk)
		if err != nil {
			return fmt.Errorf("bulk seed: %w", err)
		}
		fmt.Fprintf(os.Stderr, "created %d pending requests in %v\n", *bulk, took.Round(100*time.Millisecond))
	}

	fmt.Fprintf(os.Stderr, "\nTo use it (as %s, in system:masters):\n\n", controlplane.AdminUser)
	fmt.Printf("export KUBECONFIG=%s\n", *kubeconfigOut)
	fmt.Fprintf(os.Stderr, "\nthen `go run .` (csrtui) or kubectl get csr. Ctrl+C stops the cluster.\n")

	<-ctx.Done()
	stop() // a second Ctrl+C ends this at once; the kernel still stops the children
	return nil
}

// defaultKubeconfigPath is stable across runs, so one exported KUBECONFIG keeps working.
func defaultKubeconfigPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "csrtui", "cluster", "kubeconfig")
}

func writeKubeconfig(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}
