package controlplane

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"
)

// An apiserver that goes away and comes back, for the tests of a client that
// must live through it: frozen (it keeps its connections and answers nothing,
// as a hung server does), killed (its connections close, its port refuses),
// started again on the same port and etcd. A second apiserver on the same etcd
// changes the cluster while the first is down.

// apiserver is the running kube-apiserver serving Server.
func (c *ControlPlane) apiserver() (int, *process, error) {
	for i, p := range c.procs {
		if p.name == "kube-apiserver" {
			return i, p, nil
		}
	}
	return 0, nil, errors.New("no kube-apiserver in this control plane")
}

// FreezeAPIServer stops kube-apiserver with SIGSTOP: its port still accepts
// connections and its open connections stay up, but nothing is answered.
func (c *ControlPlane) FreezeAPIServer() error {
	_, p, err := c.apiserver()
	if err != nil {
		return err
	}
	return freezeGroup(p.cmd.Process)
}

// KillAPIServer kills kube-apiserver with SIGKILL, frozen or not, and returns
// once it has exited: its connections are closed and its port refuses.
func (c *ControlPlane) KillAPIServer() error {
	_, p, err := c.apiserver()
	if err != nil {
		return err
	}
	signalGroup(p.cmd.Process, true)
	<-p.exited
	return nil
}

// RestartAPIServer starts kube-apiserver again after KillAPIServer, on the
// same port, etcd and certificates, and waits until /readyz is ok. Its output
// goes to a log file of its own in Dir.
func (c *ControlPlane) RestartAPIServer(ctx context.Context) error {
	i, p, err := c.apiserver()
	if err != nil {
		return err
	}
	select {
	case <-p.exited:
	default:
		return errors.New("kube-apiserver is still running: KillAPIServer first")
	}
	port, err := serverPort(c.Server)
	if err != nil {
		return err
	}
	np, err := c.startAPIServer(ctx, port)
	if err != nil {
		return err
	}
	c.procs[i] = np
	return nil
}

// StartSecondAPIServer starts another kube-apiserver on the control plane's
// etcd, on a port of its own, and returns the admin's configuration for it and
// a func that stops it (Stop stops it too).
func (c *ControlPlane) StartSecondAPIServer(ctx context.Context) (*rest.Config, func(), error) {
	ports, err := freePorts(1)
	if err != nil {
		return nil, nil, err
	}
	p, err := c.startAPIServer(ctx, ports[0])
	if err != nil {
		return nil, nil, err
	}
	c.procs = append(c.procs, p)
	cfg := rest.CopyConfig(c.Admin)
	cfg.Host = "https://127.0.0.1:" + strconv.Itoa(ports[0])
	return cfg, func() { p.stop(10 * time.Second) }, nil
}

// startAPIServer starts a kube-apiserver on port and waits until /readyz is
// ok; on error nothing is left running.
func (c *ControlPlane) startAPIServer(ctx context.Context, port int) (*process, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}
	c.restarts++
	log := filepath.Join(c.Dir, fmt.Sprintf("kube-apiserver-%d.log", c.restarts))
	p, err := startProcess("kube-apiserver", filepath.Join(c.binDir, "kube-apiserver"), log, c.logs, c.apiserverArgs(port)...)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := c.adminTLS()
	if err != nil {
		p.stop(10 * time.Second)
		return nil, err
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	defer client.CloseIdleConnections()
	if err := waitHTTP(ctx, p, client, "https://127.0.0.1:"+strconv.Itoa(port)+"/readyz"); err != nil {
		p.stop(10 * time.Second)
		return nil, err
	}
	return p, nil
}

// serverPort is the port of an https://127.0.0.1:PORT server URL.
func serverPort(server string) (int, error) {
	i := strings.LastIndex(server, ":")
	if i < 0 {
		return 0, fmt.Errorf("no port in %s", server)
	}
	return strconv.Atoi(server[i+1:])
}
