package certs

import (
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// FindingNotIssued says why an approved request has no certificate. Unlike
// the findings Summarize makes, it depends on the clock (how long since
// approval) and on the other requests in the list (whether the signer issues
// anything at all), so it is not part of a Summary, which is built once per
// version of one object: whoever shows findings asks NotIssued at the time it
// shows them.
const FindingNotIssued = "not-issued"

// Issuers are the signers that issued a certificate for some request of a
// list: what the cluster shows of which signers are at work.
type Issuers struct {
	signers map[string]bool
}

// IssuersOf looks through a list once.
func IssuersOf(ss []*Summary) Issuers {
	is := Issuers{signers: map[string]bool{}}
	for _, s := range ss {
		if s.State == StateIssued {
			is.signers[s.Signer] = true
		}
	}
	return is
}

// Issued reports whether some request of signer in the list has a certificate.
func (is Issuers) Issued(signer string) bool { return is.signers[signer] }

// perSignerFlags are kube-controller-manager's flags for one signer's CA,
// used instead of --cluster-signing-cert-file as soon as any of them is set
// (cmd/kube-controller-manager/app/options/csrsigningcontroller.go,
// cmd/kube-controller-manager/app/certificates.go).
var perSignerFlags = map[string]string{
	KubeAPIServerClientSignerName:        "--cluster-signing-kube-apiserver-client-cert-file",
	KubeAPIServerClientKubeletSignerName: "--cluster-signing-kubelet-client-cert-file",
	KubeletServingSignerName:             "--cluster-signing-kubelet-serving-cert-file",
	LegacyUnknownSignerName:              "--cluster-signing-legacy-unknown-cert-file",
}

// NotIssued says why s has no certificate, as far as the cluster can tell:
// at once when s failed (the Failed condition's reason and message), and once
// p.IssueTimeout has passed since approval when it is approved and still
// waits. Before that it returns nil and when it will have something to say
// (due); due is zero when it never will (s is pending, denied or issued).
func NotIssued(s *Summary, issuers Issuers, p Policy, now time.Time) (f *Finding, due time.Time) {
	switch s.State {
	case StateFailed:
		return failedFinding(s), time.Time{}
	case StateApproved:
	default:
		return nil, time.Time{}
	}
	approved, ok := s.ApprovedAt()
	if !ok {
		approved = s.Created
	}
	due = approved.Add(p.IssueTimeout)
	if now.Before(due) {
		return nil, due
	}
	waited := "no certificate " + HumanDuration(now.Sub(approved).Truncate(time.Second)) + " after approval: "
	const cleaned = " Approved requests never issued are deleted 24 h after approval " +
		"(pkg/controller/certificates/cleaner/cleaner.go)."
	sig := s.Signer
	switch {
	case !strings.HasPrefix(sig, "kubernetes.io/"):
		return &Finding{ID: FindingNotIssued, Severity: SeverityHigh,
			Title: waited + "only the controller of " + quote(sig) + " can issue it",
			Detail: "kube-controller-manager signs only the kubernetes.io signers it serves " +
				"(pkg/controller/certificates/signer/signer.go); a request for " + sig + " waits for that signer's own " +
				"controller, which must be running, allowed to update certificatesigningrequests/status, and willing to " +
				"sign this request. Ask whoever runs it, and look at its log." + cleaned}, time.Time{}
	case !IsBuiltinSigner(sig):
		return &Finding{ID: FindingNotIssued, Severity: SeverityHigh,
			Title: waited + "no controller serves " + quote(sig) + ", so none ever will",
			Detail: "kube-controller-manager serves only kube-apiserver-client, kube-apiserver-client-kubelet, " +
				"kubelet-serving and legacy-unknown (pkg/controller/certificates/signer/signer.go), and other " +
				"kubernetes.io names are reserved for Kubernetes. Create a new request for a signer that exists." + cleaned}, time.Time{}
	case !issuers.Issued(sig):
		return &Finding{ID: FindingNotIssued, Severity: SeverityHigh,
			Title: waited + "no " + sig + " request in the list has a certificate: kube-controller-manager may have no CA for it",
			Detail: "kube-controller-manager's csrsigning controller signs " + sig + " only when it runs with " +
				"--cluster-signing-cert-file and --cluster-signing-key-file, or, once any per-signer file is set, with " +
				perSignerFlags[sig] + " and its key file; without them it logs \"Skipping CSR signer controller\" " +
				"and signs nothing (cmd/kube-controller-manager/app/certificates.go). It may also be disabled " +
				"(--controllers), or kube-controller-manager may not be running. Issued requests stay in the list " +
				"only an hour, so an empty list is a hint, not proof." + cleaned}, time.Time{}
	default:
		return &Finding{ID: FindingNotIssued, Severity: SeverityHigh,
			Title: waited + "kube-controller-manager issues other " + sig + " requests, but not this one yet",
			Detail: "Other requests of this signer have certificates, so its signing controller runs " +
				"(pkg/controller/certificates/signer/signer.go). It may be behind or restarting, or failing to " +
				"sign this one without marking it Failed (an expired CA: \"the signer has expired\", " +
				"pkg/controller/certificates/authority/policies.go): kube-controller-manager's log says why." + cleaned}, time.Time{}
	}
}

// failedFinding gives the Failed condition's reason and message.
func failedFinding(s *Summary) *Finding {
	why := "no reason given"
	if c := s.condition(certificatesv1.CertificateFailed); c != nil {
		why = orUnknown(c.Reason)
		if c.Message != "" {
			why += ": " + c.Message
		}
	}
	return &Finding{ID: FindingNotIssued, Severity: SeverityHigh,
		Title: "no certificate: the signer marked it Failed (" + why + ")",
		Detail: "A signer that refuses an approved request adds a Failed condition and issues nothing; " +
			"kube-controller-manager's does so with reason SignerValidationFailure when the request breaks " +
			"its signer's rules (pkg/controller/certificates/signer/signer.go). The condition can never be " +
			"removed and the signer ignores failed requests: create a new request that follows the rules. " +
			"Failed requests are deleted 1 h after they failed (pkg/controller/certificates/cleaner/cleaner.go)."}
}
