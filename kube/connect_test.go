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

	"github.com/csrtui/csrtui/certs"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// stubAPI stands in for the apiserver behind a client's transport, for tests of
// what Connect builds that need no control plane. It answers /version; any other
// request it records, then fails at once or, with block, when its context ends.
type stubAPI struct {
	mu    sync.Mutex
	block bool
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
	block := s.block
	s.mu.Unlock()

	if req.URL.Path == "/version" {
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(strings.NewReader(`{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)),
			Request:    req,
		}, nil
	}
	if !block {
		return nil, errStub
	}
	<-req.Context().Done()
	return nil, req.Context().Err()
}

// blocks says whether requests wait for their context to end.
func (s *stubAPI) blocks() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.block
}

// setBlock sets whether requests wait for their context to end.
func (s *stubAPI) setBlock(block bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.block = block
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

// TestRequestTimeout checks that kubectl's --request-timeout, or the default
// without it, bounds every one-shot request the client makes, whatever context
// the caller passes.
func TestRequestTimeout(t *testing.T) {
	// calls are the one-shot requests, each made with ctx. The lookup of the
	// kubernetes Service returns no error: its failure only leaves the
	// Service's addresses out of the names.
	calls := map[string]func(ctx context.Context, c *Client) error{
		"Approve": func(ctx context.Context, c *Client) error {
			_, err := c.Approve(ctx, "some-csr", "some-uid", "")
			return err
		},
		"Deny": func(ctx context.Context, c *Client) error {
			_, err := c.Deny(ctx, "some-csr", "some-uid", "")
			return err
		},
		"Capabilities": func(ctx context.Context, c *Client) error {
			_, err := c.Capabilities(ctx, "someone", []string{"dev"})
			return err
		},
		// The console's export reads the request again for its certificate.
		"Get": func(ctx context.Context, c *Client) error {
			_, err := c.Get(ctx, "some-csr")
			return err
		},
		"SelfSubjectAccessReview": func(ctx context.Context, c *Client) error {
			_, err := c.selfAllowed(ctx, authorizationv1.ResourceAttributes{Verb: "list", Resource: "nodes"})
			return err
		},
		"kubernetes Service": func(ctx context.Context, c *Client) error {
			c.apiServerNames(ctx)
			return nil
		},
	}
	// check makes each call and asserts the deadline of every request it sent:
	// timeout from when the call began.
	check := func(t *testing.T, c *Client, api *stubAPI, ctx context.Context, timeout time.Duration) {
		t.Helper()
		for name, call := range calls {
			before := time.Now()
			err := call(ctx, c)
			after := time.Now()
			if api.blocks() && name != "kubernetes Service" && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s: err = %v, want the deadline exceeded", name, err)
			}
			sent := api.takeCalls()
			if len(sent) == 0 {
				t.Errorf("%s sent no request", name)
			}
			for _, r := range sent {
				if r.deadline.IsZero() {
					t.Errorf("%s: %s had no deadline", name, r.path)
				} else if r.deadline.Before(before.Add(timeout)) || r.deadline.After(after.Add(timeout)) {
					t.Errorf("%s: %s had %s left, want %s", name, r.path, r.deadline.Sub(before), timeout)
				}
			}
		}
	}

	t.Run("--request-timeout", func(t *testing.T) {
		const timeout = 100 * time.Millisecond
		before := time.Now()
		c, api := connectStub(t, "100ms", true)
		after := time.Now()
		sent := api.takeCalls()
		if len(sent) != 1 || sent[0].deadline.Before(before.Add(timeout)) || sent[0].deadline.After(after.Add(timeout)) {
			t.Errorf("the version check = %+v, want a deadline %s after Connect began", sent, timeout)
		}
		// Each request blocks until its context ends: the timeout ends it.
		check(t, c, api, t.Context(), timeout)
		// A caller's later deadline does not lift the request timeout.
		api.setBlock(false)
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		check(t, c, api, ctx, timeout)
	})

	t.Run("default", func(t *testing.T) {
		c, api := connectStub(t, "", false)
		api.takeCalls()
		check(t, c, api, t.Context(), defaultTimeout)
	})

	t.Run("NewClient", func(t *testing.T) {
		api := &stubAPI{}
		cs, err := kubernetes.NewForConfig(&rest.Config{
			Host:      "https://stub.invalid:6443",
			Transport: api,
		})
		if err != nil {
			t.Fatal(err)
		}
		check(t, NewClient(cs), api, t.Context(), defaultTimeout)
	})
}

func TestTimeoutErrorsSaySo(t *testing.T) {
	c, _ := connectStub(t, "50ms", true)
	// A decision that timed out may have been written all the same.
	_, err := c.Approve(t.Context(), "some-csr", "some-uid", "")
	if err == nil || !strings.Contains(err.Error(), "did not answer in time") || !strings.Contains(err.Error(), "may or may not have been made") {
		t.Errorf("Approve = %v, want it to say the apiserver did not answer in time, and the change may have been made", err)
	}
	// An access review changes nothing; nor does a read.
	_, err = c.Capabilities(t.Context(), "someone", nil)
	if err == nil || !strings.Contains(err.Error(), "did not answer in time") || strings.Contains(err.Error(), "change") {
		t.Errorf("Capabilities = %v, want it to say the apiserver did not answer in time, and nothing of a change", err)
	}
	_, err = c.Get(t.Context(), "some-csr")
	if err == nil || !strings.Contains(err.Error(), `could not read "some-csr"`) || !strings.Contains(err.Error(), "did not answer in time") || strings.Contains(err.Error(), "change") {
		t.Errorf("Get = %v, want it to name the request and say the apiserver did not answer in time", err)
	}
}

func TestWatchSaysWhyTheListFailed(t *testing.T) {
	c, _ := connectStub(t, "", false)
	_, err := c.Watch(t.Context(), certs.DefaultPolicy())
	if err == nil || !strings.Contains(err.Error(), "cannot list CertificateSigningRequests from https://stub.invalid:6443") || !strings.Contains(err.Error(), errStub.Error()) {
		t.Errorf("Watch = %v, want it to name the server and the failure", err)
	}
}
