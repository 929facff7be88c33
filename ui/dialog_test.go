package ui

import (
	"bytes"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/csrtui/csrtui/certs"
)

// opened readies d as Model.open does, without a model.
func opened(t *testing.T, d dialog) dialog {
	t.Helper()
	st := newStyles(newTheme(true, nil), true, false)
	d.SetStyles(&st)
	d.SetSize(60, 20)
	d.Init()
	return d
}

// answer sends keys (named as keyPress names them) to d one by one and
// returns the outcome of the last; every earlier key must leave d open.
func answer(t *testing.T, d dialog, keys ...string) outcome {
	t.Helper()
	var out outcome
	for i, k := range keys {
		if out != nil {
			t.Fatalf("%q ended the dialog before %q with %#v", keys[i-1], k, out)
		}
		out, _ = d.Update(keyPress(k))
	}
	return out
}

func typeInto(d dialog, s string) {
	for _, r := range s {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func summaryNamed(t *testing.T, name string) *certs.Summary {
	t.Helper()
	for _, s := range testSummaries() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no fixture %s", name)
	return nil
}

func TestConfirmOutcomes(t *testing.T) {
	keys := defaultKeyMap()
	approve := decideOutcome{decision: certs.Approve, name: "csr-alice", uid: "uid-csr-alice", message: approveMessage}
	cancel := cancelOutcome{note: approvalCancelled}

	// A plain request: y approves, n and esc cancel, nothing else ends it.
	alice := summaryNamed(t, "csr-alice")
	for _, c := range []struct {
		keys []string
		want outcome
	}{
		{[]string{"y"}, approve},
		{[]string{"Y"}, approve},
		{[]string{"enter", "a", "d", "q", "y"}, approve},
		{[]string{"n"}, cancel},
		{[]string{"N"}, cancel},
		{[]string{"esc"}, cancel},
	} {
		if got := answer(t, opened(t, newConfirm(alice, &keys)), c.keys...); got != c.want {
			t.Errorf("%v: %#v, want %#v", c.keys, got, c.want)
		}
	}

	// A critical finding: only enter after the exact name approves.
	masters := summaryNamed(t, "csr-masters")
	c := opened(t, newConfirm(masters, &keys)).(*confirmDialog)
	if out := answer(t, c, "y", "enter"); out != nil || !c.mismatch {
		t.Fatalf("y then enter: %#v, mismatch %v", out, c.mismatch)
	}
	if out, _ := c.Update(tea.PasteMsg{Content: "-no"}); out != nil || c.mismatch {
		t.Fatalf("a paste ended the dialog (%#v) or kept the mismatch", out)
	}
	if out := answer(t, c, "enter"); out != nil {
		t.Fatalf("a wrong name approved: %#v", out)
	}
	c = opened(t, newConfirm(masters, &keys)).(*confirmDialog)
	typeInto(c, "csr-masters")
	want := decideOutcome{decision: certs.Approve, name: "csr-masters", uid: "uid-csr-masters", message: approveMessage}
	if out := answer(t, c, "enter"); out != want {
		t.Fatalf("the typed name: %#v, want %#v", out, want)
	}
	if out := answer(t, opened(t, newConfirm(masters, &keys)), "n", "esc"); out != cancel {
		t.Fatalf("esc: %#v", out)
	}

	// A name with control characters can't be typed: its escaped form is accepted.
	odd := *masters
	odd.Name = "csr-\x1b[2J"
	c = opened(t, newConfirm(&odd, &keys)).(*confirmDialog)
	c.Update(tea.PasteMsg{Content: certs.Sanitize(odd.Name).String()})
	if out, ok := answer(t, c, "enter").(decideOutcome); !ok || out.name != odd.Name {
		t.Fatalf("the escaped name: %#v", out)
	}

	// A block finding: nothing approves; esc or n closes quietly; d denies instead.
	node := summaryNamed(t, "csr-node-x")
	for _, k := range []string{"esc", "n", "N"} {
		if out := answer(t, opened(t, newConfirm(node, &keys)), "y", "enter", k); out != (cancelOutcome{}) {
			t.Errorf("%s: %#v", k, out)
		}
	}
	if out := answer(t, opened(t, newConfirm(node, &keys)), "d"); out != (startOutcome{act: actDeny, s: node}) {
		t.Fatalf("d: %#v", out)
	}
}

// exportPrompt is the export dialog for s, which must have a certificate,
// once it has read it again from a cluster that holds it as listed.
func exportPrompt(t *testing.T, s *certs.Summary, keys *keyMap) *promptDialog {
	t.Helper()
	p := newExportPrompt(s, keys, "", 1)
	if out, _ := p.Update(readAnswer(1, s)); out != nil || p.read.reading() {
		t.Fatalf("the read of %s: %#v", s.Name, out)
	}
	return p
}

// readAnswer answers the read of the dialog id: s, as listed, with its
// certificate.
func readAnswer(id int, s *certs.Summary) certificateReadMsg {
	return certificateReadMsg{id: id, csr: &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, UID: types.UID(s.UID)},
		Status:     certificatesv1.CertificateSigningRequestStatus{Certificate: issuedPEM(s)},
	}}
}

func TestPromptOutcomes(t *testing.T) {
	keys := defaultKeyMap()
	masters := summaryNamed(t, "csr-masters")
	p := opened(t, newDenyPrompt(masters, &keys))
	typeInto(p, "  y n q ")
	want := decideOutcome{decision: certs.Deny, name: "csr-masters", uid: "uid-csr-masters", message: "y n q"}
	if out := answer(t, p, "enter"); out != want {
		t.Fatalf("deny: %#v, want %#v", out, want)
	}
	if out := answer(t, opened(t, newDenyPrompt(masters, &keys)), "esc"); out != (cancelOutcome{}) {
		t.Fatalf("esc: %#v", out)
	}

	web := summaryNamed(t, "csr-web-1")
	p = opened(t, exportPrompt(t, web, &keys))
	out, ok := answer(t, p, "enter").(writeOutcome)
	if !ok || out.name != "csr-web-1" || out.path != "./csr-web-1.crt" || !bytes.Equal(out.data, issuedPEM(web)) || out.overwrite {
		t.Fatalf("export: %#v", out)
	}
	p = opened(t, exportPrompt(t, web, &keys))
	p.Update(tea.PasteMsg{Content: "x"})
	if out, _ := answer(t, p, "enter").(writeOutcome); out.path != "./csr-web-1.crtx" {
		t.Fatalf("a paste is not typed: %q", out.path)
	}
	if out := answer(t, opened(t, exportPrompt(t, web, &keys)), "esc"); out != (cancelOutcome{}) {
		t.Fatalf("esc: %#v", out)
	}
}

func TestOverwriteOutcomes(t *testing.T) {
	keys := defaultKeyMap()
	pem := []byte("pem")
	w := fileWrite{name: "csr-web-1", what: lit(`the certificate of "csr-web-1"`), path: "/tmp/x.crt", data: pem, mode: 0o644}
	out, ok := answer(t, opened(t, newOverwrite(w, &keys)), "enter", "q", "y").(writeOutcome)
	if !ok || out.name != w.name || out.path != w.path || !bytes.Equal(out.data, pem) || out.mode != w.mode || !out.overwrite {
		t.Fatalf("y: %#v", out)
	}
	for _, k := range []string{"n", "esc"} {
		c, ok := answer(t, opened(t, newOverwrite(w, &keys)), k).(cancelOutcome)
		if !ok || !strings.Contains(c.note.String(), "/tmp/x.crt was left alone") {
			t.Fatalf("%s: %#v", k, c)
		}
	}
}

// Each dialog lists the keys it takes, with their words, for the help bar,
// and does not draw them again inside its box.
func TestDialogKeysAreInTheHelpBarOnly(t *testing.T) {
	keys := defaultKeyMap()
	cases := []struct {
		name string
		d    dialog
		want string
	}{
		{"confirm", newConfirm(summaryNamed(t, "csr-alice"), &keys), "y approve, n/esc cancel"},
		{"confirm-critical", newConfirm(summaryNamed(t, "csr-masters"), &keys), "enter approve, esc cancel"},
		{"confirm-blocked", newConfirm(summaryNamed(t, "csr-node-x"), &keys), "esc close, d deny"},
		{"deny", newDenyPrompt(summaryNamed(t, "csr-masters"), &keys), "enter deny, esc cancel"},
		{"export", exportPrompt(t, summaryNamed(t, "csr-web-1"), &keys), "enter write, esc cancel"},
		{"overwrite", newOverwrite(fileWrite{name: "csr-web-1", path: "/tmp/x.crt"}, &keys), "y overwrite, n/esc cancel"},
	}
	for _, c := range cases {
		d := opened(t, c.d)
		if got := helpText(d.ShortHelp()); got != c.want {
			t.Errorf("%s: help %q, want %q", c.name, got, c.want)
		}
		if full := d.FullHelp(); len(full) != 1 || helpText(full[0]) != c.want {
			t.Errorf("%s: full help %v", c.name, full)
		}
		view := ansiStrip(d.View())
		for _, b := range d.ShortHelp() {
			if h := b.Help(); strings.Contains(view, h.Key+" "+h.Desc) {
				t.Errorf("%s draws %q in its box:\n%s", c.name, h.Key+" "+h.Desc, view)
			}
		}
	}
}

func helpText(bs []key.Binding) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Help().Key + " " + b.Help().Desc
	}
	return strings.Join(parts, ", ")
}

func TestFilterOutcomes(t *testing.T) {
	keys := defaultKeyMap()
	f := newFilter(&keys)
	f.start("no")
	for _, c := range []struct {
		key  string
		want filterOutcome
	}{{"d", filterTyped}, {"j", filterTyped}, {"up", filterUp}, {"down", filterDown}} {
		if out, _ := f.Update(keyPress(c.key)); out != c.want || !f.active {
			t.Fatalf("%s: %v, active %v", c.key, out, f.active)
		}
	}
	if f.Value() != "nodj" {
		t.Fatalf("value %q", f.Value())
	}
	if out, _ := f.Update(keyPress("enter")); out != filterKept || f.active || f.Value() != "nodj" {
		t.Fatalf("enter: %v, active %v, value %q", out, f.active, f.Value())
	}
	f.start("node")
	if out, _ := f.Update(keyPress("esc")); out != filterCleared || f.active || f.Value() != "" {
		t.Fatalf("esc: %v, active %v, value %q", out, f.active, f.Value())
	}
}

// stubDialog is a dialog the console has never heard of: q ends it with a
// note, and it counts the keys it was given.
type stubDialog struct {
	keys  key.Binding
	got   []string
	width int
}

func (d *stubDialog) ShortHelp() []key.Binding  { return []key.Binding{d.keys} }
func (d *stubDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
func (d *stubDialog) Init() tea.Cmd             { return nil }
func (d *stubDialog) View() string              { return "stub dialog" }
func (d *stubDialog) SetSize(w, _ int)          { d.width = w }
func (d *stubDialog) SetStyles(*styles)         {}
func (d *stubDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		d.got = append(d.got, k.String())
		if key.Matches(k, d.keys) {
			return cancelOutcome{note: lit("stub done")}, nil
		}
	}
	return nil, nil
}

// A new dialog needs nothing of the console but the interface: it gets every
// key but ctrl+c, its keys are the help bar, and its outcome closes it.
func TestAnyDialogIsRouted(t *testing.T) {
	h := newHarness(t, 80, 24, testSummaries())
	d := &stubDialog{keys: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "finish"))}
	h.m.open(d)
	if d.width != dialogInner(80) {
		t.Fatalf("open did not size the dialog: %d", d.width)
	}
	for _, k := range []string{"q", "?", "j", "a", "esc"} {
		if cmd := h.press(k); cmd != nil {
			t.Fatalf("%s over a dialog returned %T", k, cmd())
		}
	}
	if strings.Join(d.got, " ") != "q ? j a esc" || h.m.fullHelp || h.selected() != "csr-alice" {
		t.Fatalf("keys the dialog got: %v (full help %v, selected %s)", d.got, h.m.fullHelp, h.selected())
	}
	screen := h.view()
	if !strings.Contains(screen, "stub dialog") || !strings.HasSuffix(screen, "x finish") {
		t.Fatalf("the dialog or its keys are not on screen:\n%s", screen)
	}
	if msg := h.press("ctrl+c")(); msg != (tea.InterruptMsg{}) {
		t.Fatalf("ctrl+c over a dialog returned %T", msg)
	}
	h.press("x")
	if h.m.dialog != nil {
		t.Fatal("the outcome did not close the dialog")
	}
	h.wantStatus(statusInfo, "stub done")
	h.wantState(stateList)
}

// placeDialog lays a box out as lipgloss.Place does, space for space.
func TestPlaceDialogIsPlace(t *testing.T) {
	boxes := []string{
		"",
		"x",
		"╭──╮\n│ab│\n╰──╯",
		"a\nlonger line\nmid",
		"wide 界界 chars\nand \x1b[1mbold\x1b[0m text\n",
		"odd\nodder\nx",
	}
	for _, box := range boxes {
		for _, size := range [][2]int{{40, 10}, {41, 3}, {5, 2}, {11, 1}, {3, 8}, {0, 4}, {40, 0}} {
			w, h := size[0], size[1]
			want := box
			if lines := strings.Split(box, "\n"); len(lines) > h {
				want = strings.Join(lines[:h], "\n")
			}
			want = lipgloss.Place(w, h, lipgloss.Center, lipgloss.Top, want)
			if got := placeDialog(w, h, box); got != want {
				t.Errorf("%dx%d, box %q:\n got %q\nwant %q", w, h, box, got, want)
			}
		}
	}
}
