package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/csrtui/csrtui/certs"
)

// defaultApproveMessage is recorded on an Approved condition without --message,
// as the console records it.
const defaultApproveMessage = "Approved with csrtui."

// DecideOptions are `csrtui approve`'s and `csrtui deny`'s.
type DecideOptions struct {
	Decision certs.Decision
	Names    []string
	Message  string
	Force    bool // approve despite critical findings (never block ones)
	Policy   certs.Policy

	deps *Deps
}

func newDecideCommand(d *Deps, decision certs.Decision) *cobra.Command {
	o := &DecideOptions{Decision: decision, Policy: certs.DefaultPolicy(), deps: d}
	cmd := &cobra.Command{
		Use:   "approve NAME...",
		Short: "Approve certificate signing requests that have no blocking or critical finding",
		Long: `Approve each named CertificateSigningRequest, as the console does: read it,
decode it and check its findings, then approve exactly the object that was read
(its UID), through the approval subresource, with csrtui's reason.

A request with a block finding (undecodable, already decided, one the signer
would only fail) is never approved. One with a critical finding (system:masters,
a system identity, kubelet SANs that are not the node's, ...) is approved only
with --force. One result line per request; the exit code is 0 only when every
request ends approved.`,
		Example: `  # Approve one request
  csrtui approve jane-laptop --message "ticket OPS-1412"

  # Approve every pending request that has no critical finding
  csrtui list --pending -o name | xargs csrtui approve

  # Approve a request with a critical finding, knowingly
  csrtui approve break-glass --force --message "incident 4711"`,
		Args:              someArgs("the name of at least one certificate signing request"),
		ValidArgsFunction: completeNames(d, func(s certs.State) bool { return s == certs.StatePending }),
		RunE:              runOptions(o),
	}
	f := cmd.Flags()
	if decision == certs.Deny {
		cmd.Use = "deny NAME..."
		cmd.Short = "Deny certificate signing requests"
		cmd.Long = `Deny each named CertificateSigningRequest, as the console does: read it, then deny
exactly the object that was read (its UID), through the approval subresource,
with csrtui's reason and your message, which the requester sees. A decision is
final: an approved request can't be denied. One result line per request; the
exit code is 0 only when every request ends denied.`
		cmd.Example = `  # Deny with a reason the requester will read
  csrtui deny mallory-admin --message "not your identity"`
		f.StringVar(&o.Message, "message", "", "why, for the requester (shown by kubectl describe csr and csrtui request)")
	} else {
		f.StringVar(&o.Message, "message", defaultApproveMessage, "recorded on the Approved condition")
		f.BoolVar(&o.Force, "force", false, "approve despite critical findings (block findings are never approved)")
		AddPolicyFlags(f, &o.Policy)
	}
	return cmd
}

// Complete reads the names.
func (o *DecideOptions) Complete(args []string) error {
	names, err := csrNames(args)
	o.Names = names
	return err
}

// Validate checks the message and the thresholds, and that csrtui may write.
func (o *DecideOptions) Validate() error {
	verb := "approve"
	if o.Decision == certs.Deny {
		verb = "deny"
	}
	if err := o.deps.refuseWrite(verb); err != nil {
		return err
	}
	if err := checkMessage(o.Message); err != nil {
		return err
	}
	if err := ValidatePolicy(o.Policy); err != nil {
		return err
	}
	return o.deps.checkRecord()
}

// checkMessage refuses a message that would reach other people's terminals
// with control or invisible characters in it, or that is too long, as the
// console does.
func checkMessage(m string) error {
	if err := certs.CheckMessage(m); err != nil {
		return UsageError(fmt.Errorf("--message: %w", err))
	}
	return nil
}

// Run decides each name in turn and prints one line per name.
func (o *DecideOptions) Run(ctx context.Context) error {
	c, err := o.deps.Connect(ctx)
	if err != nil {
		return err
	}
	var facts certs.ClusterFacts
	if o.Decision == certs.Approve {
		facts = c.Facts(ctx)
	}
	notDone, notRecordedN := 0, 0
	var recordErr error
	var b strings.Builder
	for _, name := range o.Names {
		result, done, entry := o.decide(ctx, c, facts, name)
		if !done {
			notDone++
		}
		b.WriteString(safe(name) + ": " + safe(result))
		if err := o.deps.record(ctx, entry); err != nil {
			// The line says what happened in the cluster, and that the
			// record missed it.
			b.WriteString(" (not recorded: " + safe(err.Error()) + ")")
			notRecordedN++
			recordErr = err
		}
		b.WriteString("\n")
		// Each line as soon as it is known: a slow cluster shows progress.
		if _, err := fmt.Fprint(o.deps.Streams.Out, b.String()); err != nil {
			return err
		}
		b.Reset()
	}
	if recordErr != nil {
		return notRecorded(fmt.Sprintf("%d of %d results above are as they say", notRecordedN, len(o.Names)), recordErr)
	}
	if notDone > 0 {
		return withCode(ExitNotAsAsked, fmt.Errorf("%d of %d requests not %s", notDone, len(o.Names), o.done()))
	}
	return nil
}

// decide reads one CSR, decides whether it may be approved or denied, writes
// the decision on the object read, and says what happened: the result line
// (raw), whether the CSR ended as asked, and the record's line of it.
func (o *DecideOptions) decide(ctx context.Context, c Cluster, facts certs.ClusterFacts, name string) (string, bool, certs.RecordEntry) {
	action := certs.RecordApprove
	if o.Decision == certs.Deny {
		action = certs.RecordDeny
	}
	entry := certs.RecordEntry{Action: action, Name: name, Message: o.Message}
	refuse := func(why string) (string, bool, certs.RecordEntry) {
		entry.Outcome, entry.Detail = certs.OutcomeRefused, why
		return "refused: " + why, false, entry
	}
	fail := func(err error) (string, bool, certs.RecordEntry) {
		entry.SetOutcome(nil, err)
		return failure(err), false, entry
	}

	csr, err := c.Get(ctx, name)
	if err != nil {
		return fail(err)
	}
	s := certs.Summarize(csr, o.Policy, facts)
	entry = certs.NewRecordEntry(action, s)
	entry.Message = o.Message
	noop, err := certs.CheckDecision(s.Name, s.State, o.Decision)
	switch {
	case err != nil:
		if found := certs.DecisionOf(csr); found != nil {
			return refuse(err.Error() + ": " + found.Describe(o.deps.now()))
		}
		return refuse(err.Error())
	case noop:
		found := certs.DecisionOf(csr)
		entry.SetOutcome(orSame(found, o.Decision), nil)
		return o.alreadyLine(found), true, entry
	}

	forced := ""
	if o.Decision == certs.Approve {
		findings := s.Findings
		if f, n := worst(findings, certs.SeverityBlock); n > 0 {
			return refuse(fmt.Sprintf("block finding %s: %s%s", f.ID, f.Title, more(n)))
		}
		// As the console does: ask what the identity could do, and refuse
		// without --force when the cluster can't say.
		if s.Request != nil && certs.MayAuthenticate(s.Signer, s.Usages) {
			caps, err := c.Capabilities(ctx, s.Request.CommonName, s.Request.Organizations)
			switch {
			case err != nil && !o.Force:
				return refuse("the cluster could not say what this identity could do: " + err.Error() + " (--force approves it anyway)")
			case err != nil:
				forced = " without knowing what this identity could do"
			default:
				findings = append(certs.CapabilityFindings(caps), findings...)
				entry.Findings = certs.RecordFindings(findings)
			}
		}
		if f, n := worst(findings, certs.SeverityCritical); n > 0 {
			if !o.Force {
				return refuse(fmt.Sprintf("critical finding %s: %s%s (--force approves it anyway)", f.ID, f.Title, more(n)))
			}
			forced = " despite critical finding " + f.ID + more(n) + forced
		}
	}

	decide := c.Approve
	if o.Decision == certs.Deny {
		decide = c.Deny
	}
	already, err := decide(ctx, s.Name, s.UID, o.Message)
	switch {
	case err != nil:
		return fail(err)
	case already != nil:
		// Someone decided the same a moment before (kube read it back).
		entry.SetOutcome(already, nil)
		return o.alreadyLine(already), true, entry
	default:
		entry.SetOutcome(nil, nil)
		entry.Detail = strings.TrimPrefix(forced, " ")
		return o.done() + forced, true, entry
	}
}

// orSame is found, or the decision d itself when the cluster records none
// (issued with no Approved condition): the outcome is "already" either way.
func orSame(found *certs.Decided, d certs.Decision) *certs.Decided {
	if found != nil {
		return found
	}
	if d == certs.Deny {
		return &certs.Decided{Type: "Denied"}
	}
	return &certs.Decided{Type: "Approved"}
}

// done is what a request ends as when it ends as asked: "approved" or "denied".
func (o *DecideOptions) done() string {
	if o.Decision == certs.Deny {
		return "denied"
	}
	return "approved"
}

// alreadyLine says the decision was there already, and what the cluster
// records of it: "already approved 3s ago (KubectlApprove)".
func (o *DecideOptions) alreadyLine(found *certs.Decided) string {
	if found == nil || found.Type == "" {
		return "already " + o.done()
	}
	return "already " + found.Describe(o.deps.now())
}

// failure words a failed read or decision for a result line.
func failure(err error) string {
	switch {
	case errors.Is(err, certs.ErrReplaced), errors.Is(err, certs.ErrAlreadyDecided):
		return "refused: " + err.Error()
	case apierrors.IsNotFound(err):
		return "gone: " + err.Error()
	case apierrors.IsForbidden(err):
		return "forbidden: " + err.Error()
	default:
		return "error: " + err.Error()
	}
}

// worst returns the first finding of exactly sev and how many there are.
func worst(findings []certs.Finding, sev certs.Severity) (certs.Finding, int) {
	var first certs.Finding
	n := 0
	for _, f := range findings {
		if f.Severity == sev {
			if n == 0 {
				first = f
			}
			n++
		}
	}
	return first, n
}

func more(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (and %d more)", n-1)
}
