// Package kube is where csrtui talks to the apiserver: it builds the client from
// kubectl's flags, keeps a live, decoded list of CertificateSigningRequests from a
// watch, writes approve/deny decisions, and asks the cluster what an identity may
// do. It returns plain values and errors written for an admin, and knows nothing of
// the screen.
package kube

import (
	"context"
	"net/url"
	"runtime/debug"
	"time"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// defaultTimeout bounds the reachability check and every one-shot request when
// kubectl's --request-timeout is not set.
const defaultTimeout = 10 * time.Second

// Client is a connection to one cluster, or to the in-process demo.
type Client struct {
	Interface kubernetes.Interface

	// Where csrtui is connected, for the header: the kubeconfig context, the
	// server URL and the kubeconfig user (or impersonated user).
	Context, Server, User string
	// Demo marks a client of the in-process demo cluster (package
	// kube/demo), whose Server names no host.
	Demo bool

	// timeout is kubectl's --request-timeout; zero, when it is not set, means
	// defaultTimeout. See bound.
	timeout time.Duration
	// streamList fills the CSR list with a streaming watch-list rather than
	// one LIST; off, see Watch.
	streamList bool
	// readOnly refuses every write before it is sent (WithReadOnly).
	readOnly bool

	// rest and cluster are what Connect built the client from, for the
	// kubeconfigs csrtui writes (KubeconfigCluster); unset for NewClient's.
	rest        *rest.Config
	cluster     *clientcmdapi.Cluster
	clusterName string
}

// An Option configures Connect.
type Option func(*connectOptions)

type connectOptions struct {
	userAgentVersion string
	readOnly         bool
}

// WithReadOnly makes the client refuse every write to the cluster (approve,
// deny, create) before anything is sent: its errors wrap ErrReadOnly. Reads,
// watches and access reviews still go out.
func WithReadOnly(readOnly bool) Option {
	return func(o *connectOptions) { o.readOnly = readOnly }
}

// WithUserAgentVersion names csrtui's version in the User-Agent header
// ("csrtui/<version>"). Without it, or with "", the module version from the build
// information is used (go install ...@v1.2.3), else "dev".
func WithUserAgentVersion(v string) Option {
	return func(o *connectOptions) { o.userAgentVersion = v }
}

// NewClient wraps a clientset built elsewhere: the demo's, a test's. Its one-shot
// requests are bounded by the default request timeout.
func NewClient(cs kubernetes.Interface) *Client {
	return &Client{Interface: cs}
}

// Connect builds a client from kubectl's connection flags (KUBECONFIG, --context,
// --as, in-cluster, ...) and checks once, within the request timeout, that the
// server answers and accepts the credentials. Its errors are one line naming the
// context and server and what to do.
func Connect(ctx context.Context, flags *genericclioptions.ConfigFlags, opts ...Option) (*Client, error) {
	c, err := New(flags, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.Ping(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// New builds a client from kubectl's connection flags as Connect does, without
// a word to the server: the console starts at once, and its Source says when
// the server can't be reached (Start). Its errors say what is wrong with the
// kubeconfig or the flags.
func New(flags *genericclioptions.ConfigFlags, opts ...Option) (*Client, error) {
	var o connectOptions
	for _, opt := range opts {
		opt(&o)
	}
	loader := flags.ToRawKubeConfigLoader()
	raw, rawErr := loader.RawConfig()
	contextName := currentContext(flags, raw)

	if _, ok := raw.Contexts[contextName]; rawErr == nil && contextName != "" && !ok {
		return nil, contextNotFound(contextName)
	}
	cfg, err := flags.ToRESTConfig()
	if err != nil {
		return nil, configError(contextName, rawErr, err)
	}
	cfg = rest.CopyConfig(cfg)

	// The watches are long requests: an HTTP client timeout would cut
	// them every few seconds. The client bounds one-shot calls instead (bound).
	timeout := cfg.Timeout
	cfg.Timeout = 0
	// Built-in types speak protobuf: smaller on the wire and faster to decode
	// than JSON, which matters for the initial list of thousands of CSRs.
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	// No client-side rate limit: csrtui bounds what it sends itself (a bulk
	// decision keeps a few requests in flight, a capability table asks a few
	// access reviews at once), and the apiserver's API Priority and Fairness
	// (on by default since 1.20) shares the server among its clients. A token
	// bucket would only queue a bulk approval of 1,000 requests, two calls
	// each, for 40 seconds at kubectl's 50 QPS. A negative QPS turns it off
	// (rest.RESTClientFor).
	cfg.QPS = -1
	cfg.UserAgent = "csrtui/" + userAgentVersion(o.userAgentVersion)

	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, configError(contextName, nil, err)
	}
	c := &Client{
		Interface: cs,
		Context:   contextName,
		Server:    cfg.Host,
		User:      currentUser(flags, raw, contextName),
		timeout:   timeout,
		readOnly:  o.readOnly,
		rest:      cfg,
	}
	c.clusterName, c.cluster = currentCluster(flags, raw, contextName)
	if c.Context == "" {
		c.Context = "in-cluster"
	}
	return c, nil
}

// Ping checks once, within the request timeout, that the server answers and
// accepts the credentials. Its error is one line naming the context and server
// and what to do.
func (c *Client) Ping(ctx context.Context) error {
	checkCtx, cancel := c.bound(ctx)
	defer cancel()
	if _, err := c.Interface.Discovery().RESTClient().Get().AbsPath("/version").DoRaw(checkCtx); err != nil {
		return connectError(c.Context, c.Server, c.requestTimeout(), err)
	}
	return nil
}

// ReadOnly reports whether the client refuses every write (WithReadOnly).
func (c *Client) ReadOnly() bool { return c.readOnly }

// currentContext is the context kubectl would use with these flags.
func currentContext(flags *genericclioptions.ConfigFlags, raw clientcmdapi.Config) string {
	if flags.Context != nil && *flags.Context != "" {
		return *flags.Context
	}
	return raw.CurrentContext
}

// currentUser is who the header says csrtui acts as: the impersonated user when
// --as is set, else the kubeconfig user of the context.
func currentUser(flags *genericclioptions.ConfigFlags, raw clientcmdapi.Config, contextName string) string {
	if flags.Impersonate != nil && *flags.Impersonate != "" {
		return *flags.Impersonate
	}
	if flags.AuthInfoName != nil && *flags.AuthInfoName != "" {
		return *flags.AuthInfoName
	}
	if kc, ok := raw.Contexts[contextName]; ok && kc != nil {
		return kc.AuthInfo
	}
	if contextName == "" {
		return "service account"
	}
	return ""
}

// serverHost is the host part of the server URL, for the names that mean "the
// apiserver".
func serverHost(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// userAgentVersion is csrtui's version for the User-Agent: v when set.
func userAgentVersion(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// requestTimeout is how long a one-shot request may take: kubectl's
// --request-timeout when set, else defaultTimeout.
func (c *Client) requestTimeout() time.Duration {
	if c.timeout > 0 {
		return c.timeout
	}
	return defaultTimeout
}

// bound gives ctx the request timeout. Every one-shot request csrtui makes (the
// reachability check, a decision, an access review, a lookup for the findings)
// goes through it, so callers pass their context as it is; a deadline of the
// caller's that comes sooner still applies.
func (c *Client) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.requestTimeout())
}
