package cli

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	"sigs.k8s.io/yaml"

	"github.com/csrtui/csrtui/e2e/schema"
)

func TestListTable(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t))
	out, errOut, code := run(t, deps(f), "list")
	want := `NAME             AGE   SIGNER                                REQUESTOR   SUBJECT                DURATION   CONDITION         RISK       FINDING
jane-laptop      5m    kubernetes.io/kube-apiserver-client   jane        jane O=dev             1h         Pending           -          -
break-glass      2h    example.com/ops                       ops         ops O=system:masters   1h         Pending           critical   masters
erin-dashboard   3h    kubernetes.io/kube-apiserver-client   erin        erin O=dev             1h         Approved,Issued   -          -
`
	if out != want || errOut != "" || code != 0 {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	if !strings.Contains(f.callLog(), "facts") {
		t.Error("list did not read the cluster's facts: its findings would differ from the console's")
	}
}

func TestListFilters(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--pending", "-o", "name"}, "certificatesigningrequest.certificates.k8s.io/jane-laptop\ncertificatesigningrequest.certificates.k8s.io/break-glass\n"},
		{[]string{"--signer", "example.com/ops", "-o", "name"}, "certificatesigningrequest.certificates.k8s.io/break-glass\n"},
		{[]string{"--findings", "critical", "-o", "name"}, "certificatesigningrequest.certificates.k8s.io/break-glass\n"},
		{[]string{"--findings", "block", "-o", "name"}, ""},
	} {
		out, _, code := run(t, deps(f), append([]string{"list"}, tc.args...)...)
		if out != tc.want || code != 0 {
			t.Errorf("list %v: exit %d\n%s", tc.args, code, out)
		}
	}
}

// A request a newer one of the same requester repeats is superseded, in the
// table and in the document; filtering the newer one out changes nothing.
func TestListSuperseded(t *testing.T) {
	older := fixture{name: "jane-old", user: "jane", cn: "jane", orgs: []string{"dev"}, age: 40 * time.Minute, lifetime: time.Hour}.build(t)
	f := newFakeCluster(janeLaptop(t), older, breakGlass(t))
	out, _, code := run(t, deps(f), "list", "--findings", "critical", "-o", "json")
	if code != 0 || !strings.Contains(out, `"name": "break-glass"`) || !strings.Contains(out, `"supersededBy": ""`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	out, _, code = run(t, deps(f), "list", "--pending", "-o", "json")
	var doc struct {
		Items []struct{ Name, SupersededBy, Condition string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	got := map[string]string{}
	for _, it := range doc.Items {
		got[it.Name] = it.SupersededBy + "|" + it.Condition
	}
	if want := map[string]string{"jane-laptop": "|Pending", "jane-old": "jane-laptop|Pending", "break-glass": "|Pending"}; !reflect.DeepEqual(got, want) {
		t.Errorf("supersededBy|condition = %v, want %v", got, want)
	}
	out, _, _ = run(t, deps(f), "list", "--signer", "kubernetes.io/kube-apiserver-client")
	if !regexp.MustCompile(`(?m)^jane-old .* superseded +- +-$`).MatchString(out) || !regexp.MustCompile(`(?m)^jane-laptop .* Pending `).MatchString(out) {
		t.Errorf("table:\n%s", out)
	}
}

func TestListWide(t *testing.T) {
	out, _, code := run(t, deps(newFakeCluster(breakGlass(t))), "list", "-o", "wide")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 ||
		!regexp.MustCompile(`EFFECTIVE +FINDINGS +UID$`).MatchString(lines[0]) ||
		!regexp.MustCompile(`critical +masters +1h +masters,custom-signer +uid-break-glass$`).MatchString(lines[1]) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestListEmpty(t *testing.T) {
	d := deps(newFakeCluster())
	if out, errOut, code := run(t, d, "list"); out != "" || errOut != "" || code != 0 {
		t.Errorf("piped: %q %q %d", out, errOut, code)
	}
	d = deps(newFakeCluster())
	d.Streams.ErrTerminal = true
	if out, errOut, code := run(t, d, "list"); out != "" || errOut != "No certificate signing requests found.\n" || code != 0 {
		t.Errorf("on a terminal: %q %q %d", out, errOut, code)
	}
	if out, _, code := run(t, deps(newFakeCluster()), "list", "-o", "json"); code != 0 || !strings.Contains(out, `"items": []`) {
		t.Errorf("json: %s", out)
	}
}

// hostile is a CSR whose name and subject carry terminal escapes and bidi
// overrides.
func hostile(t *testing.T) *certificatesv1.CertificateSigningRequest {
	return fixture{name: "evil\x1b]0;pwned\x07\u202e", user: "mallory\u009b31m", cn: "evil\x1b[2J", age: time.Minute, lifetime: time.Hour}.build(t)
}

func TestListEscapesWhatTheAPISays(t *testing.T) {
	f := newFakeCluster(hostile(t))
	for _, format := range []string{"table", "wide", "name", "json", "yaml"} {
		out, _, code := run(t, deps(f), "list", "-o", format)
		if code != 0 {
			t.Fatalf("-o %s: exit %d", format, code)
		}
		for _, r := range out {
			if r != '\n' && (r < 0x20 || r > 0x7e) {
				t.Fatalf("-o %s: %U reached the output:\n%s", format, r, out)
			}
		}
		switch format {
		case "table", "wide", "name":
			if !strings.Contains(out, `evil\x1b]0;pwned\x07\u202e`) || (format != "name" && !strings.Contains(out, `mallory\u009b31m`)) {
				t.Errorf("-o %s:\n%s", format, out)
			}
		}
	}

	// JSON and YAML escape, but the values are raw: a program reads the real name.
	out, _, _ := run(t, deps(f), "list", "-o", "json")
	var doc struct {
		Items []struct {
			Name      string `json:"name"`
			Requester struct{ Username string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Items[0].Name != "evil\x1b]0;pwned\x07\u202e" || doc.Items[0].Requester.Username != "mallory\u009b31m" {
		t.Errorf("json values %q %q", doc.Items[0].Name, doc.Items[0].Requester.Username)
	}
}

// -o yaml is the same document as -o json.
func TestListYAMLIsTheJSONDocument(t *testing.T) {
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t), hostile(t))
	jsonOut, _, _ := run(t, deps(f), "list", "-o", "json")
	yamlOut, _, code := run(t, deps(f), "list", "-o", "yaml")
	if code != 0 {
		t.Fatal(code)
	}
	var fromJSON, fromYAML any
	if err := json.Unmarshal([]byte(jsonOut), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(yamlOut), &fromYAML); err != nil {
		t.Fatalf("%v\n%s", err, yamlOut)
	}
	if !reflect.DeepEqual(fromJSON, fromYAML) {
		t.Fatalf("yaml differs from json:\n%s", yamlOut)
	}
	if !strings.HasPrefix(yamlOut, "apiVersion: csrtui/v1\nkind: CertificateSigningRequestList\nitems:\n- name: ") {
		t.Errorf("yaml starts:\n%s", yamlOut[:200])
	}
}

// The README documents the JSON schema with an example document: every field
// the output has is documented, and every documented field is in the output.
func TestListJSONMatchesTheREADME(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented, err := schema.Example(readme, "list -o json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeCluster(janeLaptop(t), breakGlass(t), erinIssued(t), hostile(t))
	out, _, code := run(t, deps(f), "list", "-o", "json")
	if code != 0 {
		t.Fatal(code)
	}
	problems := func() []string {
		p, err := schema.Problems([]byte(out), documented)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("list -o json does not match the README:\n%s", strings.Join(p, "\n"))
	}

	// The check can fail: a field of another type, a field the example lacks.
	item := documented.(map[string]any)["items"].([]any)[0].(map[string]any)
	item["state"] = 3.0
	if p := problems(); len(p) != 4 || p[0] != ".items[0].state: string, documented as float64" {
		t.Errorf("a field of another type gives %q", p)
	}
	delete(item, "risk")
	if p := problems(); len(p) != 4 || !strings.HasPrefix(p[0], ".items[0]: fields [annotations") {
		t.Errorf("a missing field gives %q", p)
	}
}
