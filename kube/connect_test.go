package kube

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// stubAPI stands in for the apiserver behind a client's transport, for tests of
// what Connect builds that need no control plane. It answers /version; any other
// request it records, then fails at once or, with block, when its context ends.
type stubAPI struct {
	block bool

	mu    sync.Mutex
	calls []stubCall
}

// stubCall is one request the stub saw.
type stubCall struct {
	path      string
	userAgent string
	deadline  time.Time // zero when the request had none
}

var errStub = errors.New("stub apiserver: no answer")

func (s *stubAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	call := stubCall{path: req.URL.Path, userAgent: req.UserAgent()}
	call.deadline, _ = req.Context().Deadline()
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()

	if req.URL.Path == "/version" {
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(strings.NewReader(`{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)),
			Request:    req,
		}, nil
	}
	if !s.block {
		return nil, errStub
	}
	<-req.Context().Done()
	return nil, req.Context().Err()
}

// takeCalls returns the requests seen since the last call.
func (s *stubAPI) takeCalls() []stubCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls := s.calls
	s.calls = nil
	return calls
}

// connectStub connects, through kubectl's flags as main passes them, to a
// kubeconfig whose server is a stubAPI. timeout is --request-timeout ("" for
// unset).
func connectStub(t *testing.T, timeout string, block bool, opts ...Option) (*Client, *stubAPI) {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://stub.invalid:6443"}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
	cfg.Contexts["stub"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "stub"
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, p); err != nil {
		t.Fatal(err)
	}

	api := &stubAPI{block: block}
	flags := flagsFor(p)
	if timeout != "" {
		flags.Timeout = &timeout
	}
	flags.WrapConfigFn = func(c *rest.Config) *rest.Config {
		c.Wrap(func(http.RoundTripper) http.RoundTripper { return api })
		return c
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	c, err := Connect(ctx, flags, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func TestConnectUserAgent(t *testing.T) {
	_, api := connectStub(t, "", false, WithUserAgentVersion("v1.2.3"))
	calls := api.takeCalls()
	if len(calls) != 1 || calls[0].path != "/version" {
		t.Fatalf("Connect sent %+v, want one /version check", calls)
	}
	if got := calls[0].userAgent; got != "csrtui/v1.2.3" {
		t.Errorf("User-Agent = %q, want csrtui/v1.2.3", got)
	}
}
