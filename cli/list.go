package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/csrtui/csrtui/certs"
)

// ListOptions are `csrtui list`'s.
type ListOptions struct {
	Output   string
	Pending  bool
	Signer   string
	Findings string // a severity: only CSRs whose risk reaches it
	Policy   certs.Policy

	minRisk certs.Severity
	deps    *Deps
}

func newListCommand(d *Deps) *cobra.Command {
	o := &ListOptions{Output: outTable, Policy: certs.DefaultPolicy(), deps: d}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List certificate signing requests, decoded, with their worst finding",
		Long: `List every CertificateSigningRequest with the console's columns, the worst risk
finding and its id. Pending requests come first, newest first.

Tables escape control, bidi and invisible characters; -o json and -o yaml carry
the raw values (the decoded subject, SANs, usages, lifetime, conditions,
certificate and every finding) in the documented csrtui/v1 schema, with every
character outside printable ASCII written as an escape.`,
		Example: `  # What is waiting for a decision
  csrtui list --pending

  # Pending requests with a critical finding, as names for another command
  csrtui list --pending --findings critical -o name

  # Everything, decoded, for a program
  csrtui list -o json | jq '.items[] | select(.risk == "high") | .name'`,
		Args: noArgs,
		RunE: runOptions(o),
	}
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", o.Output, "output format: table, wide, json, yaml or name")
	f.BoolVar(&o.Pending, "pending", false, "only requests that wait for a decision")
	f.StringVar(&o.Signer, "signer", "", "only requests for this signer")
	f.StringVar(&o.Findings, "findings", "", "only requests whose worst finding is at least this severe: "+strings.Join(certs.Severities()[1:], ", "))
	AddPolicyFlags(f, &o.Policy)
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{outTable, outWide, outJSON, outYAML, outName}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("findings", cobra.FixedCompletions(certs.Severities()[1:], cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Complete reads the severity (noArgs has refused any arguments).
func (o *ListOptions) Complete(_ []string) error {
	if o.Findings != "" {
		sev, ok := certs.ParseSeverity(o.Findings)
		if !ok {
			return usagef("--findings %s is not a severity: use one of %s", o.Findings, strings.Join(certs.Severities()[1:], ", "))
		}
		o.minRisk = sev
	}
	return nil
}

// Validate checks the flags.
func (o *ListOptions) Validate() error {
	if err := checkOutput(o.Output, outTable, outWide, outJSON, outYAML, outName); err != nil {
		return err
	}
	return ValidatePolicy(o.Policy)
}

// Run lists.
func (o *ListOptions) Run(ctx context.Context) error {
	list, err := summaries(ctx, o.deps, o.Policy)
	if err != nil {
		return err
	}
	// Superseded among every request, before the flags leave some out.
	backlog := certs.BacklogOf(list)
	shown := list[:0]
	for _, s := range list {
		switch {
		case o.Pending && s.State != certs.StatePending:
		case o.Signer != "" && s.Signer != o.Signer:
		case o.minRisk > certs.SeverityNone && s.Risk() < o.minRisk:
		default:
			shown = append(shown, s)
		}
	}
	return printSummaries(o.deps, o.Output, shown, backlog)
}

// summaries connects, then reads and decodes every CSR, with the cluster's
// facts, sorted as the console shows them.
func summaries(ctx context.Context, d *Deps, p certs.Policy) ([]*certs.Summary, error) {
	c, err := d.Connect(ctx)
	if err != nil {
		return nil, err
	}
	items, err := c.List(ctx)
	if err != nil {
		return nil, err
	}
	facts := c.Facts(ctx)
	out := make([]*certs.Summary, len(items))
	for i := range items {
		out[i] = certs.Summarize(&items[i], p, facts)
	}
	certs.Sort(out)
	return out, nil
}

// printSummaries writes summaries in an output format; b is the backlog of
// the whole list they come from.
func printSummaries(d *Deps, format string, list []*certs.Summary, b certs.Backlog) error {
	w := d.Streams.Out
	switch format {
	case outJSON, outYAML:
		return writeDocument(w, format, certs.NewRequestList(list, b))
	case outName:
		return writeNames(w, list, func(s *certs.Summary) string { return s.Name })
	}
	if len(list) == 0 {
		if d.Streams.ErrTerminal {
			_, err := fmt.Fprintln(d.Streams.ErrOut, "No certificate signing requests found.")
			return err
		}
		return nil
	}
	wide := format == outWide
	header := certs.TableColumns
	if wide {
		header = certs.WideColumns
	}
	now := d.now()
	rows := make([][]string, len(list))
	for i, s := range list {
		rows[i] = certs.TableRow(s, now, wide, b)
	}
	return printTable(w, header, rows)
}

// noArgs refuses arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got \"%s\" (see %s --help)", cmd.CommandPath(), args[0], cmd.CommandPath())
	}
	return nil
}

// someArgs wants at least one argument.
func someArgs(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("%s needs %s (see %s --help)", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

// oneArg wants exactly one argument.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s needs exactly one %s, got %d (see %s --help)", cmd.CommandPath(), what, len(args), cmd.CommandPath())
		}
		return nil
	}
}
