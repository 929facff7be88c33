package certs

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/charmbracelet/x/ansi"
	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestSummarizeFields(t *testing.T) {
	c := clientSpec()
	c.req.orgs = []string{"Dev", "ops"}
	c.req.cn = "Jane"
	c.username = "Jane"
	c.userUID = "u-1"
	c.extra = map[string]certificatesv1.ExtraValue{"scopes": {"a", "b"}}
	c.annots = map[string]string{"team": "blue"}
	c.request = c.req.pem(t)
	c.cert = issue(t, c.request, false)
	c.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
	obj := c.build(t)
	s := Summarize(obj, DefaultPolicy(), goodFacts())

	if s.Name != "jane" || s.UID != "4c4a3a4e-uid" || s.ResourceVersion != "42" || !s.Created.Equal(c.created) {
		t.Errorf("metadata: %q %q %q %v", s.Name, s.UID, s.ResourceVersion, s.Created)
	}
	if s.Signer != KubeAPIServerClientSignerName || s.Username != "Jane" || s.UserUID != "u-1" ||
		!slices.Equal(s.Groups, c.groups) || !slices.Equal(s.Usages, c.usages) ||
		!reflect.DeepEqual(s.Extra, map[string][]string{"scopes": {"a", "b"}}) || s.Annotations["team"] != "blue" {
		t.Errorf("spec: %+v", s)
	}
	if s.RequestedDuration != time.Hour || s.EffectiveDuration != time.Hour {
		t.Errorf("durations %v %v", s.RequestedDuration, s.EffectiveDuration)
	}
	if s.State != StateIssued || s.Condition != "Approved,Issued" || len(s.Conditions) != 1 ||
		s.Conditions[0].Type != "Approved" || s.Conditions[0].Status != "True" || s.Conditions[0].Message != "set by test" {
		t.Errorf("status: %v %q %+v", s.State, s.Condition, s.Conditions)
	}
	if s.Request == nil || s.RequestErr != nil || s.Request.CommonName != "Jane" {
		t.Errorf("request: %+v %v", s.Request, s.RequestErr)
	}
	if s.Certificate == nil || s.CertificateErr != nil || !s.Certificate.KeyMatchesRequest || !s.HasCertificate() ||
		s.CertificateSum != sha256.Sum256(obj.Status.Certificate) {
		t.Errorf("certificate: %+v %v %v", s.Certificate, s.CertificateErr, s.CertificateSum)
	}
	if s.Search != "\x00jane\x00jane\x00dev\x00ops" { // the name is lower case: Matches reads it
		t.Errorf("Search = %q", s.Search)
	}
	if len(s.Findings) == 0 || s.Findings[0].Severity != SeverityBlock || s.Findings[0].ID != FindingDecided {
		t.Errorf("findings: %+v", s.Findings)
	}

	// The summary owns its data, and holds none of the certificate's bytes:
	// editing it leaves the cached object alone. (Its groups and usages are
	// lists it shares with other summaries, never edited.)
	before := obj.DeepCopy()
	if &s.Groups[0] == &obj.Spec.Groups[0] {
		t.Error("the summary shares the object's groups")
	}
	s.Extra["scopes"][0] = "x"
	s.Annotations["team"] = "x"
	if !reflect.DeepEqual(obj, before) {
		t.Fatal("summary shares memory with the object")
	}
}

func TestSummarizeNeverMutates(t *testing.T) {
	for name, c := range map[string]csrSpec{
		"client": clientSpec(), "kubelet": kubeletClientSpec(), "serving": servingSpec(), "custom": customSpec(),
	} {
		t.Run(name, func(t *testing.T) {
			c.request = c.req.pem(t)
			c.cert = issue(t, c.request, false)
			c.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
			c.extra = map[string]certificatesv1.ExtraValue{"k": {"v"}}
			c.annots = map[string]string{"a": "b"}
			obj := c.build(t)
			before := obj.DeepCopy()
			_ = Summarize(obj, DefaultPolicy(), goodFacts())
			_ = Summarize(obj, DefaultPolicy(), ClusterFacts{})
			if !reflect.DeepEqual(obj, before) {
				t.Fatal("Summarize mutated its input")
			}
		})
	}
}

func TestSummarizeOddObjects(t *testing.T) {
	s := Summarize(nil, DefaultPolicy(), ClusterFacts{})
	if s == nil || s.RequestErr == nil || findingByID(s.Findings, FindingUnparsable) == nil {
		t.Fatalf("nil object: %+v", s)
	}
	s = Summarize(&certificatesv1.CertificateSigningRequest{}, Policy{}, ClusterFacts{})
	if s.RequestErr == nil || s.Condition != "Pending" {
		t.Fatalf("empty object: %+v", s)
	}
	c := clientSpec()
	c.exp = -5
	c.cert = []byte("garbage")
	s = Summarize(c.build(t), DefaultPolicy(), goodFacts())
	if s.RequestedDuration != 0 || s.CertificateErr == nil || s.Certificate != nil {
		t.Fatalf("odd values: %v %v", s.RequestedDuration, s.CertificateErr)
	}
	if s.RequestErr != nil || s.Request == nil {
		t.Fatalf("a bad certificate must not hide a good request: %v", s.RequestErr)
	}
}

func TestSort(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	list := []*Summary{
		{Name: "old-approved", State: StateApproved, Created: at(1)},
		{Name: "new-denied", State: StateDenied, Created: at(9)},
		{Name: "old-pending", State: StatePending, Created: at(2)},
		{Name: "b-new-pending", State: StatePending, Created: at(8)},
		{Name: "a-new-pending", State: StatePending, Created: at(8)},
		{Name: "mid-issued", State: StateIssued, Created: at(5)},
	}
	Sort(list)
	var got []string
	for _, s := range list {
		got = append(got, s.Name)
	}
	want := []string{"a-new-pending", "b-new-pending", "old-pending", "new-denied", "mid-issued", "old-approved"}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %q, want %q", got, want)
	}
}

func TestMatches(t *testing.T) {
	for _, tc := range []struct{ name, username, cn, org string }{
		{"CSR-Jane", "Admin", "jane", "Platform"},
		{"csr-jane", "admin", "jane", "Platform"},
		{"csr-jane", "admin", "Jane", "platform"},
		{"csr-jane", "admin", "jane", "platform"},
		{"csr-jane", "admin", "jane", "plätform"},
		{"csr-jane", "admin", "jane", "PLÄTFORM"},
	} {
		c := clientSpec()
		c.name, c.username, c.req.cn, c.req.orgs = tc.name, tc.username, tc.cn, []string{"ops", tc.org}
		s := Summarize(c.build(t), DefaultPolicy(), goodFacts())
		plat := strings.EqualFold(tc.org, "platform")
		for filter, want := range map[string]bool{
			"": true, "csr-jane": true, "CSR-JANE": true, "admin": true, "jane": true, "platform": plat,
			"PLAT": plat, "pläT": !plat, "bob": false, "jane\x00admin": false, "admin\x00": false,
			"digital": false, "ops": true, "e-a": false, "nja": false,
		} {
			if got := s.Matches(filter); got != want {
				t.Errorf("%+v: Matches(%q) = %v, want %v", tc, filter, got, want)
			}
		}
		if n := testing.AllocsPerRun(100, func() { _ = s.Matches("platform") }); n != 0 {
			t.Errorf("%+v: Matches with a lower-case filter allocates %v times", tc, n)
		}
		// A lower-case name is left out of Search, so that the requester's
		// other CSRs share it.
		c.name += "-2"
		other := Summarize(c.build(t), DefaultPolicy(), goodFacts())
		if shared := unsafe.StringData(s.Search) == unsafe.StringData(other.Search); shared != (tc.name == "csr-jane") {
			t.Errorf("%+v: Search %q shared with the next CSR: %v", tc, s.Search, shared)
		}
	}
	// A glance matches on its name and requester alone.
	g := Glance(clientSpec().build(t), DefaultPolicy())
	if !g.Matches("JAN") || g.Matches("dev") {
		t.Errorf("glance matches %q", g.Search)
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add(reqSpec{cn: "jane", dns: []string{"a"}, ips: []string{"10.0.0.1"}}.pem(f))
	f.Add(sha1CSR(f))
	f.Add(unknownKeyCSR(f))
	f.Add(brokenSignatureCSR(f))
	f.Add(reqSpec{rawSubject: t61Subject(f, []byte("x\x9b"))}.pem(f))
	f.Add([]byte("junk\n" + string(pemOf("CERTIFICATE REQUEST", []byte{0x30, 0}))))
	f.Add(pemOf("RSA PRIVATE KEY", []byte{1}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRequest(data)
		if (r == nil) == (err == nil) {
			t.Fatalf("want exactly one of request and error: %v %v", r, err)
		}
		if err != nil {
			assertSafe(t, Sanitize(err.Error()).String())
			return
		}
		for _, a := range r.Subject {
			assertSafe(t, Sanitize(a.Value).String())
		}
	})
}

func FuzzSummarize(f *testing.F) {
	f.Add("jane", KubeAPIServerClientSignerName, "jane", "system:authenticated", "client auth", int32(3600), uint8(0),
		reqSpec{cn: "jane", orgs: []string{"dev"}}.pem(f), []byte(nil))
	f.Add("n", KubeletServingSignerName, "system:node:n1", "system:nodes", "digital signature,server auth", int32(0), uint8(5),
		reqSpec{cn: "system:node:n1", orgs: []string{"system:nodes"}, dns: []string{"*.x"}, ips: []string{"127.0.0.1"}}.pem(f), []byte("x"))
	f.Add("\x1b]0;t\x07", "example.com/x", "\u202e", "system:masters", "", int32(-1), uint8(7), sha1CSR(f), issue(f, reqSpec{cn: "c"}.pem(f), true))
	f.Fuzz(func(t *testing.T, name, signer, username, group, usages string, exp int32, conds uint8, request, cert []byte) {
		obj := &certificatesv1.CertificateSigningRequest{}
		obj.Name = name
		obj.Annotations = map[string]string{name: username}
		obj.Spec = certificatesv1.CertificateSigningRequestSpec{
			Request: request, SignerName: signer, Username: username, Groups: []string{group},
			Extra: map[string]certificatesv1.ExtraValue{group: {name}},
		}
		for i := 0; i < len(usages); {
			j := i
			for j < len(usages) && usages[j] != ',' {
				j++
			}
			obj.Spec.Usages = append(obj.Spec.Usages, certificatesv1.KeyUsage(usages[i:j]))
			i = j + 1
		}
		if conds&8 == 0 {
			obj.Spec.ExpirationSeconds = &exp
		}
		for i, typ := range []certificatesv1.RequestConditionType{"Approved", "Denied", "Failed"} {
			if conds&(1<<i) != 0 {
				obj.Status.Conditions = append(obj.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{Type: typ, Message: name})
			}
		}
		obj.Status.Certificate = cert
		facts := goodFacts()
		if conds&16 != 0 {
			facts = ClusterFacts{}
		}
		before := obj.DeepCopy()
		s := Summarize(obj, DefaultPolicy(), facts)
		if !reflect.DeepEqual(obj, before) {
			t.Fatal("Summarize mutated its input")
		}
		if (s.Request == nil) == (s.RequestErr == nil) {
			t.Fatalf("request %v and error %v", s.Request, s.RequestErr)
		}
		for i, f := range s.Findings {
			if f.ID == "" || f.Title == "" || f.Detail == "" || f.Severity <= SeverityNone || f.Severity > SeverityBlock {
				t.Fatalf("bad finding %+v", f)
			}
			if i > 0 && s.Findings[i-1].Severity < f.Severity {
				t.Fatalf("findings not worst first")
			}
			assertSafe(t, Sanitize(f.Title).String())
		}
		if (s.State != StatePending) != (findingByID(s.Findings, FindingDecided) != nil) {
			t.Fatalf("decided finding and state %v disagree", s.State)
		}
		_ = fmt.Sprint(s.Condition)
	})
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;x\x07", "\u009b", "\u202e", "\ufeff", "\xff\xfe", `\`, "日本", "\u200d\U000e0041",
		"build-bot\u1160", "\u3164\uffa0\u115f", "a\u00a0b\u3000", "\u2764\ufe0f", "\u2800", "\ue000\U0010fffd", "\ufdd0\uffff", "\u0378",
		"e\u0301\u0302\u0303\u0304", "\u0301x", "\u0915\u094d\u0937\u093f", "\U0001f1eb\U0001f1f7", "\U0001f44d\U0001f3fd", "\u1100\u1161\u11a8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s).String()
		assertSafe(t, out)
		if back := unsanitize(t, out); back != s {
			t.Fatalf("escaping is ambiguous: %q -> %q -> %q", s, out, back)
		}
		if indexHostile(s, sanitizeStops) == len(s) && out != s {
			t.Fatalf("clean input changed: %q -> %q", s, out)
		}
		// The control-chars finding fires exactly when Sanitize escapes more than backslashes.
		if hasHostile(s, false) != (out != strings.ReplaceAll(s, `\`, `\\`)) {
			t.Fatalf("the control-chars finding and Sanitize disagree on %q (-> %q)", s, out)
		}
		// Grapheme-aware terminals and those adding up wcwidths give the text the same cells.
		if g, w := Width(Text{out}), ansi.StringWidthWc(out); g != w {
			t.Fatalf("Width(%q) = %d, but a terminal adding up wcwidths takes %d cells", out, g, w)
		}
		for _, c := range []int{0, 1, 5, 20} {
			if w := Width(Truncate(Text{out}, c)); w > c {
				t.Fatalf("Truncate(%q, %d) is %d cells", out, c, w)
			}
		}
	})
}

// unsanitize reverses Sanitize: it proves the escaping is unambiguous.
func unsanitize(t *testing.T, s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b = append(b, s[i])
			continue
		}
		i++
		if i >= len(s) {
			t.Fatalf("dangling backslash in %q", s)
		}
		n := 0
		switch s[i] {
		case '\\':
			b = append(b, '\\')
		case 't':
			b = append(b, '\t')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			t.Fatalf("unknown escape %q in %q", s[i], s)
		}
		if n == 0 {
			continue
		}
		if i+n >= len(s) {
			t.Fatalf("short escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
		if err != nil {
			t.Fatalf("bad escape in %q: %v", s, err)
		}
		if n == 2 {
			b = append(b, byte(v))
		} else {
			b = utf8.AppendRune(b, rune(v))
		}
		i += n
	}
	return string(b)
}

func TestRiskIgnoresTheDecision(t *testing.T) {
	for _, tc := range []struct {
		name     string
		findings []Finding
		want     Severity
	}{
		{"none", nil, SeverityNone},
		{"only decided", []Finding{{ID: FindingDecided, Severity: SeverityBlock}}, SeverityNone},
		{"decided then critical", []Finding{{ID: FindingDecided, Severity: SeverityBlock}, {ID: FindingMasters, Severity: SeverityCritical}}, SeverityCritical},
		{"signer-reject stays", []Finding{{ID: FindingSignerReject, Severity: SeverityBlock}, {ID: FindingDecided, Severity: SeverityBlock}}, SeverityBlock},
	} {
		s := &Summary{Findings: tc.findings}
		if got := s.Risk(); got != tc.want {
			t.Errorf("%s: Risk() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A glance has every field that needs no decoding, as Summarize has it, and
// nothing it would have to decode; its one finding blocks approval.
func TestGlance(t *testing.T) {
	c := clientSpec()
	c.request = c.req.pem(t)
	c.cert = issue(t, c.request, false)
	c.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
	obj := c.build(t)
	full := Summarize(obj, DefaultPolicy(), goodFacts())
	g := Glance(obj, DefaultPolicy())

	if !g.Unchecked || full.Unchecked {
		t.Fatalf("Unchecked: glance %v, summary %v", g.Unchecked, full.Unchecked)
	}
	if g.Request != nil || g.RequestErr != nil || g.Certificate != nil || g.CertificateErr != nil {
		t.Errorf("a glance decoded something: %+v", g)
	}
	if len(g.Findings) != 1 || g.Findings[0].ID != FindingUnchecked || g.Findings[0].Severity != SeverityBlock {
		t.Errorf("glance findings = %+v, want %s only, blocking", g.Findings, FindingUnchecked)
	}
	// Everything else is the summary's.
	want := *full
	want.Request, want.Certificate, want.Findings, want.Unchecked = nil, nil, g.Findings, true
	want.Search = "\x00" + full.Username // no subject, and the name apart
	if !reflect.DeepEqual(*g, want) {
		t.Errorf("glance\n %+v\nwant\n %+v", *g, want)
	}
}

// Relint takes the findings again against new facts without decoding again.
func TestRelint(t *testing.T) {
	obj := with(clientSpec, func(c *csrSpec) { c.req.orgs = []string{"platform-admins"} })(t).build(t)
	facts := goodFacts()
	delete(facts.Admins, RBACSubject{Kind: "Group", Name: "platform-admins"})
	s := Summarize(obj, DefaultPolicy(), facts)
	if findingByID(s.Findings, FindingClusterAdmin) != nil {
		t.Fatal("cluster-admin finding without the binding")
	}
	r := Relint(s, DefaultPolicy(), goodFacts())
	if findingByID(r.Findings, FindingClusterAdmin) == nil {
		t.Errorf("Relint with the binding: no %s finding in %+v", FindingClusterAdmin, r.Findings)
	}
	if r.Request != s.Request || findingByID(s.Findings, FindingClusterAdmin) != nil {
		t.Error("Relint decoded again or changed the summary it was given")
	}
	if g := Glance(obj, DefaultPolicy()); Relint(g, DefaultPolicy(), goodFacts()) != g {
		t.Error("Relint of a glance is not the glance")
	}
}

// TestSummarizeSinceReusesOnlyTheSameBytes: a new version of a request takes
// what its prior summary decoded of the same bytes, and decodes anything else.
func TestSummarizeSinceReusesOnlyTheSameBytes(t *testing.T) {
	p, f := DefaultPolicy(), goodFacts()
	v1 := clientSpec().build(t)
	prior := Summarize(v1, p, f)
	if prior.Request == nil {
		t.Fatalf("the request did not decode: %v", prior.RequestErr)
	}

	approved := v1.DeepCopy()
	approved.ResourceVersion = "43"
	approved.Status.Conditions = []certificatesv1.CertificateSigningRequestCondition{{Type: certificatesv1.CertificateApproved, Status: "True", Reason: "Test"}}
	s := SummarizeSince(approved, prior, p, f)
	if s.Request != prior.Request {
		t.Error("the same request's bytes were decoded again")
	}
	sameAsSummarize(t, s, Summarize(approved, p, f))

	issued := approved.DeepCopy()
	issued.ResourceVersion = "44"
	issued.Status.Certificate = issuedAt(t, v1.Spec.Request, lifeNow.Add(-time.Hour), lifeNow.Add(time.Hour))
	withCert := SummarizeSince(issued, s, p, f)
	if withCert.Request != prior.Request || withCert.Certificate == nil {
		t.Fatalf("issued: request reused %v, certificate %v (%v)", withCert.Request == prior.Request, withCert.Certificate, withCert.CertificateErr)
	}
	sameAsSummarize(t, withCert, Summarize(issued, p, f))
	again := issued.DeepCopy()
	again.ResourceVersion = "45"
	if got := SummarizeSince(again, withCert, p, f); got.Certificate != withCert.Certificate {
		t.Error("the same certificate was parsed again")
	}

	// What the same UID and the same hash don't vouch for is decoded anew.
	other := clientSpec()
	other.req.cn = "mallory"
	swapped := approved.DeepCopy()
	swapped.Spec.Request = other.build(t).Spec.Request
	replaced := approved.DeepCopy()
	replaced.UID = "another-uid"
	for _, c := range []struct {
		what  string
		csr   *certificatesv1.CertificateSigningRequest
		prior *Summary
	}{
		{"other bytes under the same UID", swapped, prior},
		{"another UID", replaced, prior},
		{"an unchecked prior", approved, Glance(v1, p)},
		{"no prior", approved, nil},
	} {
		got := SummarizeSince(c.csr, c.prior, p, f)
		if got.Request == prior.Request {
			t.Errorf("%s: the prior's request was taken", c.what)
		}
		sameAsSummarize(t, got, Summarize(c.csr, p, f))
	}
	if got := SummarizeSince(swapped, prior, p, f); got.Request == nil || got.Request.CommonName != "mallory" {
		t.Errorf("other bytes under the same UID show %+v, want mallory's request", got.Request)
	}
}

// sameAsSummarize fails unless got says what want, Summarize's, says.
func sameAsSummarize(t *testing.T, got, want *Summary) {
	t.Helper()
	if !reflect.DeepEqual(got.Request, want.Request) || !reflect.DeepEqual(got.Certificate, want.Certificate) ||
		!reflect.DeepEqual(got.Findings, want.Findings) || got.Condition != want.Condition || got.Search != want.Search {
		t.Errorf("summary differs from Summarize's:\n got %+v\nwant %+v", got, want)
	}
}
