package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/csrtui/csrtui/certs"
)

// CheckOptions are `csrtui check`'s.
type CheckOptions struct {
	MaxPendingAge time.Duration // 0: don't check ages
	FailOn        string        // a severity, or "none": don't check findings
	Output        string
	Policy        certs.Policy

	failOn certs.Severity
	deps   *Deps
}

func newCheckCommand(d *Deps) *cobra.Command {
	o := &CheckOptions{MaxPendingAge: time.Hour, FailOn: certs.SeverityHigh.String(), Output: outTable, Policy: certs.DefaultPolicy(), deps: d}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Exit 1 when pending requests wait too long or carry risky findings (for cron and alerts)",
		Long: `Look at the pending CertificateSigningRequests and report those that have waited
longer than --max-pending-age, and those whose worst finding is at least
--fail-on. Exit code 0 when there are none, 1 when there are some, 2 when the
check could not be made. Decided requests are never reported: they need no one.

On a terminal, a clean result says so; piped, it prints nothing, as cron likes.`,
		Example: `  # Every 10 minutes from cron: mail when someone waits, or asks for something risky
  */10 * * * *  csrtui check --max-pending-age 30m --fail-on high

  # Only the backlog
  csrtui check --fail-on none

  # For an alerting pipeline
  csrtui check -o json`,
		Args: noArgs,
		RunE: runOptions(o),
	}
	f := cmd.Flags()
	f.DurationVar(&o.MaxPendingAge, "max-pending-age", o.MaxPendingAge, "report requests pending longer than this (0: don't)")
	f.StringVar(&o.FailOn, "fail-on", o.FailOn, "report requests whose worst finding is at least this severe: "+strings.Join(certs.Severities(), ", ")+" (none: don't)")
	f.StringVarP(&o.Output, "output", "o", o.Output, "output format: table, json, yaml or name")
	AddPolicyFlags(f, &o.Policy)
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(certs.Severities(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{outTable, outJSON, outYAML, outName}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Complete reads the severity (noArgs has refused any arguments).
func (o *CheckOptions) Complete(_ []string) error {
	sev, ok := certs.ParseSeverity(o.FailOn)
	if !ok {
		return usagef("--fail-on %s is not a severity: use one of %s", o.FailOn, strings.Join(certs.Severities(), ", "))
	}
	o.failOn = sev
	return nil
}

// Validate checks the flags.
func (o *CheckOptions) Validate() error {
	if o.MaxPendingAge < 0 {
		return usagef("--max-pending-age must be 0 (don't check) or more")
	}
	if err := checkOutput(o.Output, outTable, outJSON, outYAML, outName); err != nil {
		return err
	}
	return ValidatePolicy(o.Policy)
}

// Run checks.
func (o *CheckOptions) Run(ctx context.Context) error {
	list, err := summaries(ctx, o.deps, o.Policy)
	if err != nil {
		return err
	}
	now := o.deps.now()
	res := certs.CheckResult{
		APIVersion:           certs.OutputAPIVersion,
		Kind:                 certs.KindCheckResult,
		MaxPendingAgeSeconds: int64(o.MaxPendingAge / time.Second),
		FailOn:               o.FailOn,
		Problems:             []certs.CheckRecord{},
	}
	for _, s := range list {
		if s.State != certs.StatePending {
			continue
		}
		age := now.Sub(s.Created)
		r := certs.CheckRecord{
			Name:           s.Name,
			UID:            s.UID,
			Created:        s.Created.UTC(),
			PendingSeconds: int64(max(age, 0) / time.Second),
			Stale:          o.MaxPendingAge > 0 && age > o.MaxPendingAge,
			Risk:           s.Risk().String(),
			Risky:          o.failOn > certs.SeverityNone && s.Risk() >= o.failOn,
			Findings:       []certs.FindingRecord{},
		}
		if r.Risky {
			for _, f := range s.Findings {
				if f.Severity >= o.failOn && f.ID != certs.FindingDecided {
					r.Findings = append(r.Findings, certs.FindingRecord{ID: f.ID, Severity: f.Severity.String(), Message: f.Title, Detail: f.Detail})
				}
			}
		}
		if r.Stale || r.Risky {
			res.Problems = append(res.Problems, r)
		}
	}
	if err := o.print(res); err != nil {
		return err
	}
	if n := len(res.Problems); n > 0 {
		return withCode(ExitNotAsAsked, fmt.Errorf("%d pending %s %s an admin", n, plural(n, "request", "requests"), plural(n, "needs", "need")))
	}
	return nil
}

func (o *CheckOptions) print(res certs.CheckResult) error {
	w := o.deps.Streams.Out
	switch o.Output {
	case outJSON, outYAML:
		return writeDocument(w, o.Output, res)
	case outName:
		return writeNames(w, res.Problems, func(p certs.CheckRecord) string { return p.Name })
	}
	if len(res.Problems) == 0 {
		if !o.deps.Streams.OutTerminal {
			return nil
		}
		_, err := fmt.Fprintln(w, "OK: "+o.criteria()+".")
		return err
	}
	rows := make([][]string, len(res.Problems))
	for i, p := range res.Problems {
		var why []string
		if p.Stale {
			why = append(why, "pending longer than "+certs.HumanDuration(o.MaxPendingAge))
		}
		for _, f := range p.Findings {
			why = append(why, f.Severity+" "+f.ID+": "+f.Message)
		}
		risk := p.Risk
		if risk == certs.SeverityNone.String() {
			risk = "-" // as list shows it
		}
		rows[i] = []string{p.Name, certs.HumanDuration(time.Duration(p.PendingSeconds) * time.Second), risk, strings.Join(why, "; ")}
	}
	return printTable(w, []string{"NAME", "PENDING", "RISK", "WHY"}, rows)
}

// criteria says what a clean check means.
func (o *CheckOptions) criteria() string {
	var parts []string
	if o.MaxPendingAge > 0 {
		parts = append(parts, "no request pending longer than "+certs.HumanDuration(o.MaxPendingAge))
	}
	if o.failOn > certs.SeverityNone {
		parts = append(parts, "no pending request with a "+o.failOn.String()+" finding or worse")
	}
	if len(parts) == 0 {
		return "nothing to check (--max-pending-age 0 and --fail-on none)"
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
