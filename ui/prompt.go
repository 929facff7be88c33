package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// promptDialog asks for one line of text: a deny reason, an export path. The
// constructors below say what it asks and what enter does with the answer.
type promptDialog struct {
	dialogInput
	keys   *keyMap
	title  certs.Text
	text   certs.Text                  // what the answer is for
	submit key.Binding                 // enter, named after what it does
	done   func(answer string) outcome // what enter asks of the console
	b      *binding                    // what it acts on, nil when nothing
}

func (p *promptDialog) bound() *binding { return p.b }

func newPrompt(keys *keyMap, title, text certs.Text, submit key.Binding, done func(string) outcome) *promptDialog {
	return &promptDialog{dialogInput: newDialogInput(), keys: keys, title: title, text: text, submit: submit, done: done}
}

// newDenyPrompt asks why s is denied; the reason is optional.
func newDenyPrompt(s *certs.Summary, keys *keyMap) *promptDialog {
	name, uid := s.Name, s.UID
	p := newPrompt(keys, certs.Concat(lit("Deny "), certs.Sanitize(name)),
		lit("The reason is recorded on the CSR's Denied condition, for the requester to read."),
		keys.SubmitDeny, func(reason string) outcome {
			return decideOutcome{decision: certs.Deny, name: name, uid: uid, message: strings.TrimSpace(reason)}
		})
	p.b = &binding{name: name, uid: uid, kind: bindObject, undone: "denied"}
	p.input.Placeholder = "reason (optional)"
	return p
}

// newExportPrompt asks where to write the certificate of s, offering a file
// named after it in the working directory.
func newExportPrompt(s *certs.Summary, keys *keyMap) *promptDialog {
	name, pem := s.Name, s.CertificatePEM
	p := newPrompt(keys, certs.Concat(lit("Export the certificate of "), certs.Sanitize(name)), lit("Write the PEM certificate to:"),
		keys.SubmitWrite, func(path string) outcome {
			return writeOutcome{name: name, path: path, pem: pem}
		})
	p.b = &binding{name: name, uid: s.UID, kind: bindCertificate, certificate: pem, undone: "written"}
	p.input.SetValue("./" + certs.SafeFileName(name) + ".crt")
	p.input.CursorEnd()
	return p
}

func (p *promptDialog) Init() tea.Cmd { return p.input.Focus() }

// Update hands the answer over on enter and gives up on esc; anything else
// is typed.
func (p *promptDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.Cancel):
			return cancelOutcome{}, nil
		case key.Matches(k, p.submit):
			return p.done(p.input.Value()), nil
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return nil, cmd
}

func (p *promptDialog) ShortHelp() []key.Binding  { return []key.Binding{p.submit, p.keys.Cancel} }
func (p *promptDialog) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// View is the title and the answer on one line each, and what the answer
// is for in the lines left.
func (p *promptDialog) View() string {
	title := []string{p.st.boxTitle.Render(cutLine(p.title, p.width))}
	input := []string{p.input.View()}
	text := wrap(p.text, p.width)
	if room := p.height - 2; len(text)+2+2 > p.height { // no room for blank lines
		text = cutLines(p.text, p.width, max(room, 1))
	}
	return stack(p.height, title, text, input)
}
