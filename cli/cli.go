// Package cli is csrtui's command line: request, list, describe, approve,
// deny, export, check and completion, the headless counterpart of the console
// in package ui. Each command follows kubectl's pattern (an Options value with
// Complete, Validate and Run), reads and writes the cluster only through the
// small interfaces declared here, and understands requests only through
// package certs. Text from the API reaches the terminal only through safe.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// Reader reads CSRs once, and what the findings need to know of the cluster.
// Errors are one line for the admin and unwrap to the apiserver's (NotFound, ...).
type Reader interface {
	Get(ctx context.Context, name string) (*certificatesv1.CertificateSigningRequest, error)
	List(ctx context.Context) ([]certificatesv1.CertificateSigningRequest, error)
	// Facts never fails: what may not be read is marked unknown.
	Facts(ctx context.Context) certs.ClusterFacts
}

// Decider writes approve/deny decisions through the approval subresource, on
// the object of that name only while it has the UID the decision was made on
// (else the error wraps certs.ErrReplaced). already is nil when the decision
// was written, and the decision found when the same one was already there.
type Decider interface {
	Approve(ctx context.Context, name, uid, message string) (already *certs.Decided, err error)
	Deny(ctx context.Context, name, uid, message string) (already *certs.Decided, err error)
}

// Inspector asks the cluster what an identity could do if a certificate for
// it were issued (SubjectAccessReviews). The error says when csrtui may not ask.
type Inspector interface {
	Capabilities(ctx context.Context, user string, groups []string) ([]certs.Capability, error)
}

// Requester creates a CSR and waits for its certificate.
type Requester interface {
	Create(ctx context.Context, csr *certificatesv1.CertificateSigningRequest) (*certificatesv1.CertificateSigningRequest, error)
	Get(ctx context.Context, name string) (*certificatesv1.CertificateSigningRequest, error)
	// WaitForCertificate returns once the CSR (that name with that UID) is
	// issued, denied or failed, calling seen with each version on the way;
	// when ctx ends first, the last version seen and ctx's error.
	WaitForCertificate(ctx context.Context, csr *certificatesv1.CertificateSigningRequest, seen func(*certificatesv1.CertificateSigningRequest)) (*certificatesv1.CertificateSigningRequest, error)
	// KubeconfigCluster is the cluster the connection goes to, for a kubeconfig.
	KubeconfigCluster() (certs.KubeconfigCluster, error)
}

// Cluster is a connection to one cluster: everything the commands use.
type Cluster interface {
	Reader
	Decider
	Inspector
	Requester
}

// Recorder keeps the record: one line for each approve, deny, export and
// request (certs.RecordEntry), in a local file that only grows.
type Recorder interface {
	// Check says, before a command does anything, why the record can't be
	// kept (its path a symbolic link, a folder, a folder that can't be made).
	Check() error
	// Record appends e, stamped with the time, the cluster and who acted.
	Record(ctx context.Context, e certs.RecordEntry) error
}

// Streams are where the commands write. Human output (a live status line,
// "wrote ..." notes, hints) appears only where the stream is a terminal.
type Streams struct {
	Out, ErrOut              io.Writer
	OutTerminal, ErrTerminal bool
}

// Deps is what the commands need from main.
type Deps struct {
	// Connect connects to the cluster kubectl's flags name; its errors are one
	// line naming the context and server.
	Connect func(ctx context.Context) (Cluster, error)
	Streams Streams
	Now     func() time.Time // time.Now when nil
	// ExportDir is the folder export writes to when -o is not given ("":
	// the working folder): the config file's export-dir. It is read when a
	// command runs, after the config file.
	ExportDir string
	// ReadOnly reports whether --readonly was given: the commands that write
	// to the cluster (approve, deny, request) refuse before connecting. It is
	// read when a command runs, after the flags are parsed; nil means false.
	ReadOnly func() bool
	// Recorder is the record the flags ask for, read when a command runs;
	// nil, or a nil Recorder, keeps none (--log=).
	Recorder func() (Recorder, error)
}

// recorder is the record kept, nil when none.
func (d *Deps) recorder() (Recorder, error) {
	if d.Recorder == nil {
		return nil, nil
	}
	return d.Recorder()
}

// checkRecord says, before a command acts, why its record can't be kept:
// nothing is done that the record would miss.
func (d *Deps) checkRecord() error {
	r, err := d.recorder()
	if err != nil || r == nil {
		return err
	}
	return r.Check()
}

// record appends e to the record, when one is kept.
func (d *Deps) record(ctx context.Context, e certs.RecordEntry) error {
	r, err := d.recorder()
	if err != nil || r == nil {
		return err
	}
	return r.Record(ctx, e)
}

// notRecorded is the error of a command whose action happened (what it
// did, in done) but whose record was not written: exit code 2.
func notRecorded(done string, err error) error {
	return notRecordedError{withCode(ExitError, fmt.Errorf("%s, but the record was not written: %w", done, err))}
}

// notRecordedError is notRecorded's: a command that meets two says one.
type notRecordedError struct{ error }

func (e notRecordedError) Unwrap() error { return e.error }

// refuseWrite is the error of a command that would write to the cluster
// under --readonly: what is disabled, and how to run it.
func (d *Deps) refuseWrite(what string) error {
	if d.ReadOnly == nil || !d.ReadOnly() {
		return nil
	}
	return usagef("--readonly: %s writes to the cluster; run it without --readonly", what)
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Commands are csrtui's subcommands, for the root command to add. completion
// generates scripts for root.
func Commands(d *Deps, root *cobra.Command) []*cobra.Command {
	return []*cobra.Command{
		newRequestCommand(d),
		newListCommand(d),
		newDescribeCommand(d),
		newDecideCommand(d, certs.Approve),
		newDecideCommand(d, certs.Deny),
		newExportCommand(d),
		newCheckCommand(d),
		newCompletionCommand(d, root),
	}
}

// options are a command's, in kubectl's pattern: Complete takes in the
// arguments and fills in defaults, Validate checks the whole, Run does the work.
type options interface {
	Complete(args []string) error
	Validate() error
	Run(ctx context.Context) error
}

// runOptions is the RunE of a command with options o.
func runOptions(o options) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := o.Complete(args); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		return o.Run(cmd.Context())
	}
}

// AddPolicyFlags adds the risk thresholds every command that shows findings
// takes, the console included.
func AddPolicyFlags(f *pflag.FlagSet, p *certs.Policy) {
	f.DurationVar(&p.MaxClientDuration, "max-client-duration", p.MaxClientDuration,
		"longest client-certificate lifetime accepted without a finding")
	f.IntVar(&p.MinRSABits, "min-rsa-bits", p.MinRSABits,
		"smallest RSA key accepted without a finding")
	f.DurationVar(&p.ClusterSigningDuration, "cluster-signing-duration", p.ClusterSigningDuration,
		"the cluster's kube-controller-manager --cluster-signing-duration (the longest certificate it issues)")
}

// ValidatePolicy says which threshold is out of range, as a usage error.
func ValidatePolicy(p certs.Policy) error {
	if p.MinRSABits < 0 || p.MaxClientDuration <= 0 || p.ClusterSigningDuration <= 0 {
		return UsageError(errors.New("--min-rsa-bits must be >= 0, and --max-client-duration and --cluster-signing-duration > 0"))
	}
	return nil
}

// safeText is how text from the API, from files and from errors reaches a
// terminal in this package, tables and lines alike: controls, bidi and
// invisible characters escaped (CVE-2021-25743). JSON and YAML escape instead.
func safeText(s string) certs.Text { return certs.Sanitize(s) }

// safe is safeText as the string written out.
func safe(s string) string { return safeText(s).String() }

// resourcePrefixes are the forms kubectl accepts before a CSR's name, and
// prints with -o name: CSR names can't hold a "/", so they are never part of one.
var resourcePrefixes = []string{
	nameResource,
	"certificatesigningrequests.certificates.k8s.io/",
	"certificatesigningrequest/",
	"certificatesigningrequests/",
	"csr/",
}

// csrNames takes command-line arguments as CSR names: kubectl's prefixed forms
// stripped, duplicates dropped, order kept.
func csrNames(args []string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, a := range args {
		for _, p := range resourcePrefixes {
			if strings.HasPrefix(a, p) {
				a = strings.TrimPrefix(a, p)
				break
			}
		}
		if a == "" {
			return nil, UsageError(errors.New("an empty name was given"))
		}
		if !seen[a] {
			seen[a] = true
			names = append(names, a)
		}
	}
	return names, nil
}

// outputFormats validates -o.
func checkOutput(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return UsageError(errors.New("-o " + format + " is not an output format here: use one of " + strings.Join(allowed, ", ")))
}
