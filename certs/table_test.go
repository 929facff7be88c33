package certs

import (
	"slices"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func TestTableRow(t *testing.T) {
	now := time.Date(2026, 1, 2, 5, 4, 5, 0, time.UTC) // two hours after clientSpec's creation
	clean := Summarize(clientSpec().build(t), DefaultPolicy(), goodFacts())
	if got, want := TableRow(clean, now, false, Backlog{}), []string{
		"jane", "2h", KubeAPIServerClientSignerName, "jane", "jane O=dev", "1h", "Pending", "-", "-",
	}; !slices.Equal(got, want) {
		t.Errorf("clean row\n got %q\nwant %q", got, want)
	}

	masters := clientSpec()
	masters.signer, masters.exp = "example.com/ops", 0
	masters.req.orgs = []string{"system:masters", "dev"} // DER sorts the SET: dev comes first
	masters.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
	s := Summarize(masters.build(t), DefaultPolicy(), goodFacts())
	row := TableRow(s, now, true, Backlog{})
	if len(row) != len(WideColumns) || len(TableRow(s, now, false, Backlog{})) != len(TableColumns) {
		t.Fatalf("%d cells for %d wide columns", len(row), len(WideColumns))
	}
	// The decided finding restates the condition: the risk is the request's own.
	if want := []string{
		"jane", "2h", "example.com/ops", "jane", "jane O=dev,system:masters", "-", "Approved", "critical", FindingMasters,
		"-", FindingMasters + "," + FindingCustomSigner, "4c4a3a4e-uid",
	}; !slices.Equal(row, want) {
		t.Errorf("wide row\n got %q\nwant %q", row, want)
	}

	broken := clientSpec()
	broken.request = []byte("junk")
	if got := TableRow(Summarize(broken.build(t), DefaultPolicy(), goodFacts()), now, false, Backlog{}); got[4] != "(undecodable)" || got[7] != "block" || got[8] != FindingUnparsable {
		t.Errorf("undecodable row %q", got)
	}
	empty := clientSpec()
	empty.req.cn, empty.req.orgs = "", nil
	if got := SubjectLine(Summarize(empty.build(t), DefaultPolicy(), goodFacts())); got != `""` {
		t.Errorf("empty CN: %q", got)
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0: "0s", 45 * time.Second: "45s", 5 * time.Minute: "5m", 3 * time.Hour: "3h",
		12 * 24 * time.Hour: "12d", 800 * 24 * time.Hour: "2y", -500 * time.Millisecond: "0s", -time.Minute: "<invalid>",
	} {
		if got := Age(now, now.Add(-d)); got != want {
			t.Errorf("Age(%s) = %q, want %q", d, got, want)
		}
	}
	if Age(now, time.Time{}) != "<unknown>" {
		t.Error("zero time")
	}
}

// A superseded request says so in CONDITION and names its live request in
// the output document; the live one and every other request are as they were.
func TestSupersededInTheListOutput(t *testing.T) {
	now := time.Unix(1_800_003_600, 0)
	old, live := backlogCSR("csr-old", 0), backlogCSR("csr-live", 60)
	other := backlogCSR("csr-other", 0)
	other.Username = "system:node:y"
	list := []*Summary{live, old, other}
	for _, s := range list {
		s.Condition = "Pending"
	}
	b := BacklogOf(list)
	var conds []string
	for _, s := range list {
		conds = append(conds, TableRow(s, now, false, b)[6])
	}
	if want := []string{"Pending", ConditionSuperseded, "Pending"}; !slices.Equal(conds, want) {
		t.Errorf("CONDITION cells %q, want %q", conds, want)
	}
	doc := NewRequestList(list, b)
	var by []string
	for _, r := range doc.Items {
		by = append(by, r.SupersededBy)
		if r.Condition != "Pending" {
			t.Errorf("%s: condition %q: kubectl's words stay in the document", r.Name, r.Condition)
		}
	}
	if want := []string{"", "csr-live", ""}; !slices.Equal(by, want) {
		t.Errorf("supersededBy %q, want %q", by, want)
	}
}
