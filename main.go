// Command csrtui is a terminal console for Kubernetes CertificateSigningRequests:
// every CSR live, the decoded request and its risks, approve, deny and export by
// keystroke; and the same as commands for scripts and for users (package cli).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/cli"
	"github.com/csrtui/csrtui/kube"
	"github.com/csrtui/csrtui/ui"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

// options are the command line, kubectl's connection flags included.
type options struct {
	kube     *genericclioptions.ConfigFlags
	demo     bool
	readOnly bool
	policy   certs.Policy

	// What the config file sets (config.go), besides flags' values.
	configPath string // --config: "" reads none
	exportDir  string // where exports go ("": the working folder)
	// log is the record's path (record.go): the config file's log, which a
	// --log flag bound to this field overrides. logSet says the file set it,
	// logChanged that --log did: "" then keeps none. Neither: the default.
	log        string
	logSet     bool
	logChanged func() bool
	mouse      bool
	keys       map[string][]string
	colors     map[string]ui.Color

	// commands is the record the commands keep, made once the flags are read.
	commands struct {
		once sync.Once
		rec  *recorder
		err  error
	}
}

// newOptions are the defaults, before the config file and the flags.
func newOptions() *options {
	return &options{kube: genericclioptions.NewConfigFlags(true), policy: certs.DefaultPolicy(), mouse: true}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	silenceClientGo()

	o := newOptions()
	cmd := newRootCommand(o, stdout, stderr)
	presentAs(cmd, os.Args[0])
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cmd.ExecuteContext(ctx)
	if err != nil && !cli.Silent(err) {
		// Errors carry text from the kubeconfig, the server and proxies:
		// cli.ErrorLine escapes it.
		_, _ = fmt.Fprintln(stderr, cmd.DisplayName()+": "+cli.ErrorLine(err))
	}
	return cli.ExitCode(err)
}

func newRootCommand(o *options, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "csrtui",
		Short: "A console for Kubernetes CertificateSigningRequests",
		Long: `csrtui shows every CertificateSigningRequest of a cluster live, decodes what each
one asks for, says what is risky, and approves, denies or exports by keystroke.

It connects like kubectl: the current kubeconfig context, or --kubeconfig, --context,
--as and the other kubectl connection flags. --demo runs without a cluster.

The subcommands do the same without a keyboard, for scripts and for users: request
a certificate for yourself, list, describe, approve, deny, export, check.`,
		Example: `  # The console, on the current context
  csrtui

  # The console without a cluster
  csrtui --demo

  # A client certificate and a kubeconfig for yourself
  csrtui request --cn jane --org dev --out ~/.kube/jane`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			return cli.UsageError(cobra.NoArgs(cmd, args))
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.runConsole(cmd.Context())
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cli.UsageError(fmt.Errorf("%w (see %s --help)", err, c.CommandPath()))
	})
	cmd.CompletionOptions.DisableDefaultCmd = true // cli has its own, with an example

	// kubectl's connection flags apply to every command, and so do --readonly
	// and --config.
	o.kube.AddFlags(cmd.PersistentFlags())
	cmd.PersistentFlags().BoolVar(&o.readOnly, "readonly", false,
		"write nothing to the cluster: approve, deny and request are disabled (export still writes local files)")
	cmd.PersistentFlags().StringVar(&o.log, "log", "",
		"the record: append a line for every approve, deny, create and export to this file (default $XDG_STATE_HOME/csrtui/"+recordFile+
			", or ~/.local/state/csrtui/"+recordFile+"; --log= keeps none)")
	o.logChanged = func() bool { return cmd.PersistentFlags().Changed("log") }
	cmd.PersistentFlags().StringVar(&o.configPath, "config", "",
		"the config file (default $XDG_CONFIG_HOME/csrtui/config.yaml; --config= reads none): thresholds, keys, colours, the export folder")
	f := cmd.Flags()
	f.BoolVar(&o.demo, "demo", false, "run against a built-in demo cluster (no cluster needed)")
	cli.AddPolicyFlags(f, &o.policy)
	f.DurationVar(&o.policy.IssueTimeout, "issue-timeout", o.policy.IssueTimeout,
		"how long an approved request may wait for its certificate before the console says why none came")

	deps := &cli.Deps{
		Connect: func(ctx context.Context) (cli.Cluster, error) {
			c, err := kube.Connect(ctx, o.kube, kube.WithUserAgentVersion(version), kube.WithReadOnly(o.readOnly))
			if err != nil {
				return nil, err
			}
			if rec, _ := o.commandRecorder(); rec != nil {
				rec.connected(c.Context, c.Server, c.User, c.WhoAmI)
			}
			return c, nil
		},
		ReadOnly: func() bool { return o.readOnly },
		Recorder: func() (cli.Recorder, error) {
			rec, err := o.commandRecorder()
			if rec == nil { // no typed nil in the interface
				return nil, err
			}
			return rec, nil
		},
		Streams: cli.Streams{
			Out: stdout, ErrOut: stderr,
			OutTerminal: isTerminal(stdout), ErrTerminal: isTerminal(stderr),
		},
	}
	// Every command reads the config file once its flags are parsed, but
	// help, which is where to find out how to fix it.
	cmd.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		// Help and shell completion read no settings: help is how to find
		// out what to fix, and completion runs in every new shell, which a
		// broken config file must not break.
		if c.Parent() == cmd && (c.Name() == "help" || c.Name() == "completion" ||
			c.Name() == cobra.ShellCompRequestCmd || c.Name() == cobra.ShellCompNoDescRequestCmd) {
			return nil
		}
		if err := o.loadConfig(c); err != nil {
			return err
		}
		deps.ExportDir = o.exportDir
		return nil
	}
	cmd.AddCommand(cli.Commands(deps, cmd)...)
	return cmd
}

// recorder is the record the flags ask for: --log's file, the config
// file's, the default one, or nil for none: --log= keeps none, and neither
// does the demo without --log, whose cluster is make-believe: what it issues
// belongs in no ledger, and the config file's log is the real one.
func (o *options) recorder(waitForIdentity bool) (*recorder, error) {
	path := o.log
	set := (o.logSet && !o.demo) || (o.logChanged != nil && o.logChanged())
	switch {
	case set && path == "":
		return nil, nil
	case set:
		home, err := expandHome(path)
		if err != nil {
			return nil, fmt.Errorf("--log %s: %w", path, err)
		}
		abs, err := filepath.Abs(home)
		if err != nil {
			return nil, fmt.Errorf("--log %s: %w", path, err)
		}
		path = abs
	case o.demo:
		return nil, nil
	default:
		var err error
		if path, err = defaultRecordPath(); err != nil {
			return nil, err
		}
	}
	return &recorder{path: path, waitForIdentity: waitForIdentity}, nil
}

// commandRecorder is the commands' record, made once.
func (o *options) commandRecorder() (*recorder, error) {
	o.commands.once.Do(func() { o.commands.rec, o.commands.err = o.recorder(true) })
	return o.commands.rec, o.commands.err
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// runConsole starts the informer and runs the console until the admin quits.
// Nothing waits for the network before the console shows: it says it is
// loading, then shows the list, or ends with the one error that kept the list
// from coming (unreachable, refused), which main prints as usual.
func (o *options) runConsole(ctx context.Context) error {
	if err := cli.ValidatePolicy(o.policy); err != nil {
		return err
	}
	if o.policy.IssueTimeout <= 0 {
		return cli.UsageError(errors.New("--issue-timeout must be > 0"))
	}
	// A record that can't be kept is said before the console starts, not
	// after the first approval.
	rec, err := o.recorder(false)
	if err == nil && rec != nil {
		err = rec.Check()
	}
	if err != nil {
		return err
	}

	var (
		client *kube.Client
		now    func() time.Time // nil: the real clock
	)
	if o.demo {
		client, now, err = startDemo(ctx)
	} else {
		// The kubeconfig only: the watcher checks that the server answers.
		client, err = kube.New(o.kube, kube.WithUserAgentVersion(version), kube.WithReadOnly(o.readOnly))
	}
	if err != nil {
		return err
	}

	watcher := client.Start(ctx, o.policy)
	cfg := o.consoleConfig()
	cfg.Source, cfg.Decider, cfg.Deleter, cfg.Inspector, cfg.Creator, cfg.Permissions = watcher, client, client, client, client, client
	cfg.Reader = client
	cfg.Cluster = ui.Cluster{Context: client.Context, Server: client.Server, User: client.User, Demo: client.Demo}
	cfg.Now = now
	if !client.Demo { // the demo's cluster is in this process: no kubeconfig reaches it
		cfg.Kubeconfigs = client
	}
	if rec != nil {
		rec.connected(client.Context, client.Server, client.User, client.WhoAmI)
		rec.askInBackground() // who the admin is, known before the first line
		cfg.Recorder = rec
	}
	go func() {
		// Once listed, the requests are decoded into the summaries that make
		// most of the heap from then on: collect when it grew by a quarter
		// rather than doubled (Go's default), which keeps the memory taken
		// near what is live, for a few milliseconds of CPU per collection.
		// The list itself is read at the default, which shows it sooner
		// (GOGC=25 from the start took 20% longer). A GOGC set by the user
		// stays as it is.
		select {
		case <-watcher.Listed():
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(decodePercent)
			}
		case <-ctx.Done():
			return
		}
		// Starting leaves garbage for tens of megabytes on a big cluster (the
		// list response, every request listed before it was decoded): give it
		// back to the system once, rather than keep it for a heap never that
		// big again. The pacer does that as it first comes to rest; from
		// then on a memory limit, not time, starts each collection (gc.go).
		select {
		case <-watcher.Decoded():
			startMemoryPacer(os.Getenv)
		case <-ctx.Done():
		}
	}()

	trace, err := startTrace()
	if err != nil {
		return err
	}
	defer trace.close()
	cfg.Source = trace.source(cfg.Source)
	if trace != nil {
		cfg.Trace = trace.event
	}
	model := ui.New(cfg)

	// Draw on the terminal even when stdout is piped, as gum does.
	out := os.Stdout
	if !term.IsTerminal(out.Fd()) {
		out = os.Stderr
	}
	_, err = ui.Run(ctx, trace.model(model), ui.Terminal{Out: out, Frames: trace.writer})
	// The list never came: that, not how the console closed, is the error.
	if startErr := model.Err(); startErr != nil && ctx.Err() == nil {
		return startErr
	}
	// Ctrl+C in the console, or SIGINT/SIGTERM to the process, is an ordinary way out.
	if errors.Is(err, tea.ErrInterrupted) || (errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil) {
		return nil
	}
	return err
}

// consoleConfig is what the command line and the config file tell the
// console; runConsole adds the cluster.
func (o *options) consoleConfig() ui.Config {
	return ui.Config{
		ReadOnly:  o.readOnly,
		Policy:    o.policy,
		Keys:      o.keys,
		Colors:    o.colors,
		ExportDir: o.exportDir,
		Mouse:     o.mouse,
	}
}

// silenceClientGo keeps client-go's logs and server warnings off the admin's
// terminal: the console owns the screen, and problems reach it as values.
func silenceClientGo() {
	klog.SetLogger(logr.Discard())
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
}
