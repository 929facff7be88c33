package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/csrtui/csrtui/certs"
)

// DescribeOptions are `csrtui describe`'s.
type DescribeOptions struct {
	Names  []string
	Policy certs.Policy

	deps *Deps
}

func newDescribeCommand(d *Deps) *cobra.Command {
	o := &DescribeOptions{Policy: certs.DefaultPolicy(), deps: d}
	cmd := &cobra.Command{
		Use:   "describe NAME...",
		Short: "Show certificate signing requests decoded, findings first",
		Long: `Show each named CertificateSigningRequest as the console's detail does: its risk
findings first, then the decoded request (every subject attribute, SANs, key,
signature, extensions), the spec, the conditions and the issued certificate.
Like kubectl describe, but decoded, and with control, bidi and invisible
characters escaped.`,
		Example: `  # Everything about one request
  csrtui describe jane-laptop

  # Several, as kubectl prints their names
  csrtui list --pending -o name | xargs csrtui describe`,
		Args:              someArgs("the name of at least one certificate signing request"),
		ValidArgsFunction: completeNames(d, nil),
		RunE:              runOptions(o),
	}
	AddPolicyFlags(cmd.Flags(), &o.Policy)
	return cmd
}

// Complete reads the names.
func (o *DescribeOptions) Complete(args []string) error {
	names, err := csrNames(args)
	o.Names = names
	return err
}

// Validate checks the thresholds.
func (o *DescribeOptions) Validate() error {
	return ValidatePolicy(o.Policy)
}

// Run describes each name; a name not found is reported on stderr and makes
// the exit code 1, the others are still described.
func (o *DescribeOptions) Run(ctx context.Context) error {
	c, err := o.deps.Connect(ctx)
	if err != nil {
		return err
	}
	facts := c.Facts(ctx)
	var missing []string
	for i, name := range o.Names {
		csr, err := c.Get(ctx, name)
		if apierrors.IsNotFound(err) {
			missing = append(missing, name)
			if _, werr := fmt.Fprintln(o.deps.Streams.ErrOut, "csrtui: "+ErrorLine(err)); werr != nil {
				return werr
			}
			continue
		}
		if err != nil {
			return err
		}
		if i > 0 {
			if _, err := io.WriteString(o.deps.Streams.Out, "\n"); err != nil {
				return err
			}
		}
		if err := describe(o.deps.Streams.Out, certs.Summarize(csr, o.Policy, facts), o.deps.now()); err != nil {
			return err
		}
	}
	switch {
	case len(missing) == 1 && len(o.Names) == 1:
		return withCode(ExitNotAsAsked, silent(errors.New("not found")))
	case len(missing) > 0:
		return withCode(ExitNotAsAsked, silent(fmt.Errorf("%d of %d requests not found", len(missing), len(o.Names))))
	}
	return nil
}

// describer writes "Label:  value" lines, every value through safe.
type describer struct {
	b   strings.Builder
	now time.Time
}

const describeLabelWidth = 20

// field writes a label and a raw value at an indent.
func (d *describer) field(indent int, label, value string) {
	if value == "" {
		value = "-"
	}
	d.line(indent, fmt.Sprintf("%-*s", max(describeLabelWidth-indent, len(label)+2), safe(label)+":")+safe(value))
}

// line writes text that is safe already.
func (d *describer) line(indent int, text string) {
	d.b.WriteString(strings.Repeat(" ", indent) + text + "\n")
}

// list starts a list of n entries under label: a heading, or, when there
// are none, a field that says so with none. It reports whether there are
// entries to write.
func (d *describer) list(indent int, label string, n int, none string) bool {
	if n == 0 {
		d.field(indent, label, none)
		return false
	}
	d.line(indent, safe(label)+":")
	return true
}

func (d *describer) when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	stamp := t.UTC().Format(time.RFC3339)
	if t.After(d.now) {
		return stamp + " (in " + certs.HumanDuration(t.Sub(d.now)) + ")"
	}
	return stamp + " (" + certs.Age(d.now, t) + " ago)"
}

func describe(w io.Writer, s *certs.Summary, now time.Time) error {
	d := &describer{now: now}
	d.field(0, "Name", s.Name)
	d.field(0, "UID", s.UID)
	d.field(0, "Created", d.when(s.Created))
	d.field(0, "Condition", s.Condition)
	d.field(0, "Risk", s.Risk().String())
	d.findings(s)
	d.request(s)
	d.spec(s)
	d.conditions(s)
	d.certificate(s)
	_, err := io.WriteString(w, d.b.String())
	return err
}

func (d *describer) findings(s *certs.Summary) {
	if len(s.Findings) == 0 {
		d.field(0, "Findings", "none")
		return
	}
	d.line(0, fmt.Sprintf("Findings (%d):", len(s.Findings)))
	for _, f := range s.Findings { // worst first
		d.line(2, fmt.Sprintf("%-10s", f.Severity.String())+safe(f.ID)+": "+safe(f.Title))
		if f.Detail != "" {
			d.line(12, safe(f.Detail))
		}
	}
}

func (d *describer) request(s *certs.Summary) {
	d.line(0, "Request:")
	r := s.Request
	if r == nil {
		d.field(2, "Undecodable", errText(s.RequestErr))
		return
	}
	if d.list(2, "Subject", len(r.Subject), "(empty)") {
		for _, a := range r.Subject {
			label := a.Name
			if a.Name == a.OID {
				label = "OID " + a.OID
			}
			d.field(4, label, a.Value)
		}
	}
	d.field(2, "User (CN)", r.CommonName)
	d.field(2, "Groups (O)", strings.Join(r.Organizations, ", "))
	sans := []struct {
		kind   string
		values []string
	}{{"DNS", r.DNSNames}, {"IP", r.IPAddresses}, {"Email", r.EmailAddresses}, {"URI", r.URIs}}
	n := 0
	for _, k := range sans {
		n += len(k.values)
	}
	if d.list(2, "SANs", n, "none") {
		for _, k := range sans {
			for _, v := range k.values {
				d.field(4, k.kind, v)
			}
		}
	}
	key := r.PublicKeyAlgorithm
	switch {
	case r.Curve != "":
		key += " " + r.Curve
	case r.KeyBits > 0:
		key += fmt.Sprintf(" %d bits", r.KeyBits)
	}
	d.field(2, "Public key", key)
	if r.SignatureErr == nil {
		d.field(2, "Signature", r.SignatureAlgorithm+" (verifies)")
	} else {
		d.field(2, "Signature", r.SignatureAlgorithm+" (does NOT verify: "+r.SignatureErr.Error()+")")
	}
	if !d.list(2, "Extensions", len(r.Extensions), "none requested") {
		return
	}
	for _, e := range r.Extensions {
		label := e.Name
		if e.Critical {
			label += " (critical)"
		}
		d.field(4, label, e.Value)
	}
}

func (d *describer) spec(s *certs.Summary) {
	d.line(0, "Spec:")
	d.field(2, "Signer", s.Signer)
	d.field(2, "Usages", strings.Join(s.Usages, ", "))
	requested := "not set (the signer's default)"
	if s.RequestedDuration > 0 {
		requested = certs.HumanDuration(s.RequestedDuration)
	}
	d.field(2, "Requested", requested)
	effective := "unknown"
	if s.EffectiveDuration > 0 {
		effective = certs.HumanDuration(s.EffectiveDuration)
	}
	d.field(2, "Effective", effective)
	d.field(2, "Requester", s.Username)
	d.field(2, "Requester UID", s.UserUID)
	d.field(2, "Requester groups", strings.Join(s.Groups, ", "))
	if d.list(2, "Extra", len(s.Extra), "none") {
		keys := make([]string, 0, len(s.Extra))
		for k := range s.Extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			d.field(4, k, strings.Join(s.Extra[k], ", "))
		}
	}
}

func (d *describer) conditions(s *certs.Summary) {
	if !d.list(0, "Conditions", len(s.Conditions), "none (pending)") {
		return
	}
	for _, c := range s.Conditions {
		head := c.Type
		if c.Status != "" && c.Status != "True" {
			head += "=" + c.Status
		}
		d.field(2, head, d.when(c.LastUpdate))
		d.field(4, "Reason", c.Reason)
		if c.Message != "" {
			d.field(4, "Message", c.Message)
		}
	}
}

func (d *describer) certificate(s *certs.Summary) {
	if s.Certificate == nil && s.CertificateErr == nil {
		return
	}
	d.line(0, "Certificate:")
	c := s.Certificate
	if c == nil {
		d.field(2, "Undecodable", errText(s.CertificateErr))
		return
	}
	d.field(2, "Serial", c.Serial)
	d.field(2, "Subject", c.Subject)
	d.field(2, "Issuer", c.Issuer)
	d.field(2, "Not before", d.when(c.NotBefore))
	d.field(2, "Not after", d.when(c.NotAfter))
	d.field(2, "SHA-256", c.SHA256)
	if c.KeyMatchesRequest {
		d.field(2, "Key", "the request's public key")
	} else {
		d.field(2, "Key", "NOT the request's public key")
	}
	if c.IsCA {
		d.field(2, "CA", "yes")
	}
	d.field(2, "Usages", strings.Join(c.Usages, ", "))
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}
