package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestSignerForms(t *testing.T) {
	for signer, want := range map[string][3]string{
		"kubernetes.io/kube-apiserver-client":         {"kubernetes.io/kube-apiserver-client", "kube-apiserver-client", "client"},
		"kubernetes.io/kube-apiserver-client-kubelet": {"kubernetes.io/kube-apiserver-client-kubelet", "kube-apiserver-client-kubelet", "kubelet-client"},
		"kubernetes.io/kubelet-serving":               {"kubernetes.io/kubelet-serving", "kubelet-serving", "kubelet-serving"},
		"kubernetes.io/legacy-unknown":                {"kubernetes.io/legacy-unknown", "legacy-unknown", "legacy-unknown"},
		// Not built in: the domain stays, so it can't pass for one that is.
		"kubernetes.io/nobody":                {"kubernetes.io/nobody", "kubernetes.io/nobody", "kubernetes.io/nobody"},
		"example.com/kube-apiserver-client":   {"example.com/kube-apiserver-client", "example.com/kube-apiserver-client", "example.com/kube-apiserver-client"},
		"kubernetes.io/kubelet-serving\x1b[m": {`kubernetes.io/kubelet-serving\x1b[m`, `kubernetes.io/kubelet-serving\x1b[m`, `kubernetes.io/kubelet-serving\x1b[m`},
	} {
		forms := signerForms(signer)
		if got := [3]string{forms[0].String(), forms[1].String(), forms[2].String()}; got != want {
			t.Errorf("signerForms(%q) = %q, want %q", signer, got, want)
		}
	}
}

func TestCutLine(t *testing.T) {
	long := "jane-laptop" + strings.Repeat(" ", 80) + "Subject    CN=jane, O=dev" + strings.Repeat("x", 1400)
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven cells", 10, "eleven…+6"},
		{long, 63, "jane-laptop" + strings.Repeat(" ", 28) + " … 1,477 more characters"},
		// The long tail would leave less than half the line to the text.
		{"a" + strings.Repeat("b", 40), 40, "a" + strings.Repeat("b", 35) + "…+5"},
		{"ab", 1, "…"},
		{"日本語のテキスト", 9, "日本語…+5"},
	} {
		got := cutLine(lit(c.s), c.w)
		if got != c.want || ansi.StringWidth(got) > c.w {
			t.Errorf("cutLine(%.20q, %d) = %q (%d cells), want %q", c.s, c.w, got, ansi.StringWidth(got), c.want)
		}
	}
	if got := cutLine(lit("x"+strings.Repeat("y", 60)), 50); got != "x"+strings.Repeat("y", 28)+" … 32 more characters" {
		t.Errorf("one more: %q", got)
	}
	if got := longTail(1); got != " … 1 more character" {
		t.Errorf("longTail(1) = %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1480: "1,480", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCutLines(t *testing.T) {
	title := "The kubelet client signer rejects usage server auth: approval would only produce Failed"
	got := cutLines(lit(title), 30, 2)
	want := []string{"The kubelet client signer", "rejects usage server auth:…+35"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("cutLines = %q, want %q", got, want)
	}
	if got := cutLines(lit(title), 60, 2); len(got) != 2 || got[0] != "The kubelet client signer rejects usage server auth:" || got[1] != "approval would only produce Failed" {
		t.Fatalf("two lines that fit: %q", got)
	}
	if got := cutLines(lit("fits on one"), 30, 2); len(got) != 1 {
		t.Fatalf("%q", got)
	}
	if got := cutLines(lit(strings.Repeat("x", 100)), 30, 2); len(got) != 2 || got[0] != strings.Repeat("x", 30) || got[1] != strings.Repeat("x", 26)+"…+44" {
		t.Fatalf("no spaces: %q", got)
	}
}
