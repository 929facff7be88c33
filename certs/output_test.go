package certs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestNewRequestRecord(t *testing.T) {
	spec := clientSpec()
	spec.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
	spec.req.dns = []string{"jane.example.com"}
	spec.extra = map[string]certificatesv1.ExtraValue{"scopes": {"a", "b"}}
	spec.annots = map[string]string{"team": "dev"}
	obj := spec.build(t)
	obj.Status.Certificate = issue(t, obj.Spec.Request, false)
	s := Summarize(obj, DefaultPolicy(), goodFacts())
	r := NewRequestRecord(s)

	if r.Name != "jane" || r.UID != "4c4a3a4e-uid" || r.Signer != KubeAPIServerClientSignerName || r.State != "Issued" || r.Condition != "Approved,Issued" {
		t.Errorf("identity: %+v", r)
	}
	if r.Requester.Username != "jane" || r.Requester.Extra["scopes"][1] != "b" || r.Annotations["team"] != "dev" {
		t.Errorf("requester: %+v, annotations %v", r.Requester, r.Annotations)
	}
	if r.Lifetime != (LifetimeRecord{RequestedSeconds: 3600, EffectiveSeconds: 3600}) {
		t.Errorf("lifetime: %+v", r.Lifetime)
	}
	q := r.Request
	if q == nil || q.Subject.CommonName != "jane" || q.Subject.Organizations[0] != "dev" || len(q.Subject.Attributes) != 2 ||
		q.SANs.DNS[0] != "jane.example.com" || q.PublicKey != (PublicKeyRecord{Algorithm: "ECDSA", Bits: 256, Curve: "P-256"}) ||
		!q.Signature.Verifies {
		t.Errorf("request: %+v", q)
	}
	if c := r.Certificate; c == nil || !c.KeyMatchesRequest || c.NotAfter.Location() != time.UTC {
		t.Errorf("certificate: %+v", c)
	}
	if len(r.Conditions) != 1 || r.Conditions[0].Type != "Approved" || r.Conditions[0].LastUpdateTime != nil {
		t.Errorf("conditions: %+v", r.Conditions)
	}
	if len(r.Findings) == 0 || r.Findings[0].ID != FindingDecided || r.Findings[0].Severity != "block" || r.Findings[0].Message == "" || r.Risk != "none" {
		t.Errorf("findings: %+v, risk %s", r.Findings, r.Risk)
	}
}

// Only "request" and "certificate" may be null: every list is [] and every
// map {}, so that a program never has to tell missing from empty.
func TestRequestRecordHasNoNullsButTheDocumentedOnes(t *testing.T) {
	spec := clientSpec()
	spec.request = []byte("junk")
	spec.groups = nil
	spec.usages = nil
	list := NewRequestList([]*Summary{Summarize(spec.build(t), DefaultPolicy(), ClusterFacts{})}, Backlog{})
	data, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range doc.Items[0] {
		if v == nil && k != "request" && k != "certificate" {
			t.Errorf("%s is null", k)
		}
	}
	if !strings.Contains(string(data), `"requestError":"spec.request: no PEM block found`) || !strings.Contains(string(data), `"groups":[]`) {
		t.Errorf("JSON:\n%s", data)
	}
	if list.APIVersion != "csrtui/v1" || list.Kind != "CertificateSigningRequestList" {
		t.Errorf("list header %s %s", list.APIVersion, list.Kind)
	}
}

func TestRecordCarriesErrors(t *testing.T) {
	s := &Summary{RequestErr: errors.New("bad request"), CertificateErr: errors.New("bad cert")}
	r := NewRequestRecord(s)
	if r.RequestError != "bad request" || r.CertificateError != "bad cert" || r.Request != nil || r.Certificate != nil {
		t.Errorf("%+v", r)
	}
}

func TestParseSeverity(t *testing.T) {
	words := Severities()
	if words[0] != "none" || words[len(words)-1] != "block" || len(words) != int(SeverityBlock)+1 {
		t.Fatalf("Severities() = %v", words)
	}
	for i, w := range words {
		if s, ok := ParseSeverity(w); !ok || s != Severity(i) {
			t.Errorf("ParseSeverity(%q) = %v, %v", w, s, ok)
		}
	}
	if _, ok := ParseSeverity("High"); ok {
		t.Error("ParseSeverity is case-sensitive, as the words are documented")
	}
}
