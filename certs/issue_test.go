package certs

import (
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNotIssued(t *testing.T) {
	approved := lifeNow.Add(-time.Minute)
	p := DefaultPolicy()
	approvedFor := func(signer string) func(t *testing.T) *Summary {
		return func(t *testing.T) *Summary {
			c := clientSpec()
			c.signer = signer
			return summarizeWith(t, c, condAt{certificatesv1.CertificateApproved, approved})
		}
	}
	issuedFor := func(t *testing.T, signer string) *Summary {
		c := clientSpec()
		c.name, c.signer = "other", signer
		c.request = c.req.pem(t)
		c.cert = issuedAt(t, c.request, approved, lifeNow.Add(time.Hour))
		return summarizeWith(t, c, condAt{certificatesv1.CertificateApproved, approved})
	}
	cases := []struct {
		name   string
		s      func(t *testing.T) *Summary
		others func(t *testing.T) []*Summary
		now    time.Time
		title  string // "" when no finding
		due    time.Time
	}{
		{name: "custom signer: its own controller",
			s: approvedFor("example.com/ca"), now: lifeNow,
			title: `no certificate 1m after approval: only the controller of "example.com/ca" can issue it`},
		{name: "before the threshold: nothing yet, and when",
			s: approvedFor("example.com/ca"), now: approved.Add(29 * time.Second),
			due: approved.Add(30 * time.Second)},
		{name: "right at the threshold",
			s: approvedFor("example.com/ca"), now: approved.Add(30 * time.Second),
			title: "no certificate 30s after approval"},
		{name: "an unserved kubernetes.io name: never",
			s: approvedFor("kubernetes.io/nobody"), now: lifeNow,
			title: `no controller serves "kubernetes.io/nobody", so none ever will`},
		{name: "a built-in signer that issued nothing in the list: no CA",
			s: approvedFor(KubeAPIServerClientSignerName), now: lifeNow,
			others: func(t *testing.T) []*Summary { return []*Summary{issuedFor(t, KubeletServingSignerName)} },
			title:  "no kubernetes.io/kube-apiserver-client request in the list has a certificate: kube-controller-manager may have no CA for it"},
		{name: "legacy-unknown is served by kube-controller-manager when it has a CA",
			s: approvedFor(LegacyUnknownSignerName), now: lifeNow,
			title: "kube-controller-manager may have no CA for it"},
		{name: "a built-in signer that issues others",
			s: approvedFor(KubeAPIServerClientSignerName), now: lifeNow,
			others: func(t *testing.T) []*Summary { return []*Summary{issuedFor(t, KubeAPIServerClientSignerName)} },
			title:  "kube-controller-manager issues other kubernetes.io/kube-apiserver-client requests, but not this one yet"},
		{name: "failed: at once, with the reason and message",
			s: func(t *testing.T) *Summary {
				obj := clientSpec().build(t)
				obj.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{
					{Type: certificatesv1.CertificateApproved, Status: "True", LastUpdateTime: metav1.NewTime(lifeNow)},
					{Type: certificatesv1.CertificateFailed, Status: "True", Reason: "SignerValidationFailure",
						Message: "invalid usage for client certificate: server auth", LastUpdateTime: metav1.NewTime(lifeNow)},
				}
				return Summarize(obj, p, goodFacts())
			},
			now:   lifeNow,
			title: "no certificate: the signer marked it Failed (SignerValidationFailure: invalid usage for client certificate: server auth)"},
		{name: "pending: nothing, ever",
			s: func(t *testing.T) *Summary { return summarizeWith(t, clientSpec()) }, now: lifeNow},
		{name: "denied: nothing, ever",
			s: func(t *testing.T) *Summary {
				return summarizeWith(t, clientSpec(), condAt{certificatesv1.CertificateDenied, approved})
			}, now: lifeNow},
		{name: "issued: nothing, ever",
			s: func(t *testing.T) *Summary { return issuedFor(t, KubeAPIServerClientSignerName) }, now: lifeNow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s(t)
			list := []*Summary{s}
			if tc.others != nil {
				list = append(list, tc.others(t)...)
			}
			f, due := NotIssued(s, IssuersOf(list), p, tc.now)
			switch {
			case tc.title == "" && f != nil:
				t.Fatalf("want no finding, got %+v", *f)
			case tc.title != "" && f == nil:
				t.Fatalf("want a finding saying %q, got none (due %v)", tc.title, due)
			case f != nil:
				if f.ID != FindingNotIssued || f.Severity != SeverityHigh {
					t.Errorf("finding %s/%v, want %s/high", f.ID, f.Severity, FindingNotIssued)
				}
				if !strings.Contains(f.Title, tc.title) {
					t.Errorf("title %q does not say %q", f.Title, tc.title)
				}
				if !strings.Contains(f.Detail, "pkg/controller/certificates/") {
					t.Errorf("detail names no source: %q", f.Detail)
				}
			}
			if !due.Equal(tc.due) {
				t.Errorf("due %v, want %v", due, tc.due)
			}
		})
	}
}

func TestNotIssuedLegacyUnknownNamesItsOwnFlag(t *testing.T) {
	c := clientSpec()
	c.signer = LegacyUnknownSignerName
	s := summarizeWith(t, c, condAt{certificatesv1.CertificateApproved, lifeNow.Add(-time.Hour)})
	f, _ := NotIssued(s, IssuersOf(nil), DefaultPolicy(), lifeNow)
	if f == nil || !strings.Contains(f.Detail, "--cluster-signing-legacy-unknown-cert-file") || !strings.Contains(f.Detail, "--cluster-signing-cert-file") {
		t.Fatalf("want both of kube-controller-manager's ways to a legacy-unknown CA, got %+v", f)
	}
}
