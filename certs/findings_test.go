package certs

import (
	"strings"
	"testing"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestCleanRequestsHaveNoFindings(t *testing.T) {
	for name, c := range map[string]csrSpec{
		"client":          clientSpec(),
		"kubelet client":  kubeletClientSpec(),
		"kubelet serving": servingSpec(),
	} {
		t.Run(name, func(t *testing.T) {
			s := Summarize(c.build(t), DefaultPolicy(), goodFacts())
			if len(s.Findings) != 0 {
				t.Fatalf("want no findings, got %+v", s.Findings)
			}
		})
	}
	t.Run("custom", func(t *testing.T) {
		s := Summarize(customSpec().build(t), DefaultPolicy(), goodFacts())
		if len(s.Findings) != 1 || s.Findings[0].ID != FindingCustomSigner || s.Findings[0].Severity != SeverityInfo {
			t.Fatalf("want only custom-signer info, got %+v", s.Findings)
		}
	})
}

type ruleCase struct {
	name  string
	spec  func(t *testing.T) csrSpec
	facts func(f *ClusterFacts)
	pol   func(p *Policy)
	fire  bool
	sev   Severity // checked when fire
	title string   // substring of the title, checked when fire
}

func runRuleCases(t *testing.T, id string, cases []ruleCase) {
	t.Helper()
	var fired, quiet int
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := goodFacts()
			if tc.facts != nil {
				tc.facts(&f)
			}
			p := DefaultPolicy()
			if tc.pol != nil {
				tc.pol(&p)
			}
			s := Summarize(tc.spec(t).build(t), p, f)
			got := findingByID(s.Findings, id)
			switch {
			case tc.fire && got == nil:
				t.Fatalf("%s did not fire; findings: %+v", id, s.Findings)
			case !tc.fire && got != nil:
				t.Fatalf("%s fired: %+v", id, *got)
			case tc.fire:
				if got.Severity != tc.sev {
					t.Errorf("severity = %v, want %v (%s)", got.Severity, tc.sev, got.Title)
				}
				if !strings.Contains(got.Title, tc.title) {
					t.Errorf("title %q does not contain %q", got.Title, tc.title)
				}
				if !strings.Contains(got.Detail, "/") && !strings.Contains(got.Detail, "KEP") {
					t.Errorf("detail should explain and name its source: %q", got.Detail)
				}
			}
		})
		if tc.fire {
			fired++
		} else {
			quiet++
		}
	}
	if fired == 0 || quiet == 0 {
		t.Errorf("rule %s needs cases that fire (%d) and that don't (%d)", id, fired, quiet)
	}
}

func with(base func() csrSpec, edit func(c *csrSpec)) func(t *testing.T) csrSpec {
	return func(t *testing.T) csrSpec {
		c := base()
		edit(&c)
		return c
	}
}

func same(base func() csrSpec) func(t *testing.T) csrSpec {
	return func(t *testing.T) csrSpec { return base() }
}

func TestRuleUnparsable(t *testing.T) {
	runRuleCases(t, FindingUnparsable, []ruleCase{
		{name: "private key PEM", fire: true, sev: SeverityBlock, title: `PEM block is "RSA PRIVATE KEY"`,
			spec: with(clientSpec, func(c *csrSpec) { c.request = pemOf("RSA PRIVATE KEY", []byte{1, 2, 3}) })},
		{name: "no PEM at all", fire: true, sev: SeverityBlock, title: "no PEM block",
			spec: with(clientSpec, func(c *csrSpec) { c.request = []byte("hello") })},
		{name: "garbage DER", fire: true, sev: SeverityBlock, title: "not a valid PKCS#10 request",
			spec: with(clientSpec, func(c *csrSpec) { c.request = pemOf("CERTIFICATE REQUEST", []byte{0x30, 0x03, 1, 2, 3}) })},
		{name: "broken signature", fire: true, sev: SeverityBlock, title: "signature does not verify",
			spec: func(t *testing.T) csrSpec { c := clientSpec(); c.request = brokenSignatureCSR(t); return c }},
		{name: "unknown key algorithm", fire: true, sev: SeverityBlock, title: "signature does not verify",
			spec: func(t *testing.T) csrSpec { c := clientSpec(); c.request = unknownKeyCSR(t); return c }},
		{name: "valid", spec: same(clientSpec)},
	})
}

func TestRuleDecided(t *testing.T) {
	cond := func(types ...certificatesv1.RequestConditionType) func(c *csrSpec) {
		return func(c *csrSpec) { c.conds = types }
	}
	runRuleCases(t, FindingDecided, []ruleCase{
		{name: "approved", fire: true, sev: SeverityBlock, title: "already Approved",
			spec: with(clientSpec, cond(certificatesv1.CertificateApproved))},
		{name: "denied", fire: true, sev: SeverityBlock, title: "already Denied",
			spec: with(clientSpec, cond(certificatesv1.CertificateDenied))},
		{name: "failed", fire: true, sev: SeverityBlock, title: "already Approved,Failed",
			spec: with(clientSpec, cond(certificatesv1.CertificateApproved, certificatesv1.CertificateFailed))},
		{name: "issued", fire: true, sev: SeverityBlock, title: "already Approved,Issued",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.request = c.req.pem(t)
				c.cert = issue(t, c.request, false)
				c.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
				return c
			}},
		{name: "pending", spec: same(clientSpec)},
	})
}

func TestRulePEMJunk(t *testing.T) {
	runRuleCases(t, FindingPEMJunk, []ruleCase{
		{name: "text before the block", fire: true, sev: SeverityLow, title: "bytes of text before the PEM block",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.request = append([]byte("Subject: totally harmless\n"), c.req.pem(t)...)
				return c
			}},
		{name: "a malformed block before the real one", fire: true, sev: SeverityLow, title: "bytes of text before the PEM block",
			spec: func(t *testing.T) csrSpec {
				c := clientSpec()
				c.request = append([]byte(decoyBlock), c.req.pem(t)...)
				return c
			}},
		{name: "whitespace only", spec: func(t *testing.T) csrSpec {
			c := clientSpec()
			c.request = append([]byte("\n  \n"), c.req.pem(t)...)
			return c
		}},
	})
}

func TestFindingsWorstFirst(t *testing.T) {
	c := clientSpec()
	c.signer = LegacyUnknownSignerName
	c.exp = 0
	c.username = "admin"
	c.req.orgs = []string{"system:masters"}
	c.req.key = keyP224()
	s := Summarize(c.build(t), DefaultPolicy(), goodFacts())
	if len(s.Findings) < 4 {
		t.Fatalf("want several findings, got %+v", s.Findings)
	}
	for i := 1; i < len(s.Findings); i++ {
		if s.Findings[i-1].Severity < s.Findings[i].Severity {
			t.Fatalf("not worst first at %d: %v then %v", i, s.Findings[i-1].Severity, s.Findings[i].Severity)
		}
	}
	if s.Findings[0].Severity != SeverityCritical || s.Findings[0].ID != FindingMasters {
		t.Fatalf("first = %s (%v)", s.Findings[0].ID, s.Findings[0].Severity)
	}
}

// A long requester-chosen value can't fill a title: it is cut after 48
// characters, visibly and with the count, outside the quotes.
func TestQuoteCutsLongValues(t *testing.T) {
	if got := quote("jane"); got != `"jane"` {
		t.Errorf("quote(jane) = %s", got)
	}
	exact := strings.Repeat("é", maxQuoted)
	if got := quote(exact); got != `"`+exact+`"` {
		t.Errorf("a value of exactly %d characters was cut: %s", maxQuoted, got)
	}
	long := "tui-spoof-laptop" + strings.Repeat(" ", 80) + "Subject    CN=kim, O=dev"
	got := quote(long)
	want := `"tui-spoof-laptop` + strings.Repeat(" ", maxQuoted-len("tui-spoof-laptop")) + `"… (72 more characters)`
	if got != want {
		t.Errorf("quote(long) = %q, want %q", got, want)
	}
	if strings.Contains(got, "CN=kim") {
		t.Error("the cut part reached the title")
	}
}
