package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// promptDialog asks for one line of text: a deny reason, an export path. The
// constructors below say what it asks and what enter does with the answer.
type promptDialog struct {
	dialogInput
	keys    *keyMap
	title   certs.Text
	text    certs.Text                  // what the answer is for
	list    []certs.Text                // facts the answer applies to, one line each
	more    string                      // after "… N more" when the list is cut: ", all written"
	submit  key.Binding                 // enter, named after what it does
	check   func(answer string) error   // why an answer is refused (nil: none is)
	done    func(answer string) outcome // what enter asks of the console
	b       *binding                    // what it acts on, nil when nothing
	problem certs.Text                  // why the last answer was refused
	// read is the certificate the export writes, read again when it opens
	// (certread.go); nil for the other prompts.
	read *certificateRead
}

func (p *promptDialog) bound() *binding { return p.b }

func newPrompt(keys *keyMap, title, text certs.Text, submit key.Binding, done func(string) outcome) *promptDialog {
	return &promptDialog{dialogInput: newDialogInput(), keys: keys, title: title, text: text, submit: submit, done: done}
}

// newDenyPrompt asks why s is denied; the reason is optional, and one the
// requester could be fooled by is refused before it is sent.
func newDenyPrompt(s *certs.Summary, keys *keyMap) *promptDialog {
	name, uid := s.Name, s.UID
	p := newPrompt(keys, certs.Concat(lit("Deny "), certs.Sanitize(name)),
		lit("The reason is recorded on the CSR's Denied condition, for the requester to read."),
		keys.SubmitDeny, func(reason string) outcome {
			return decideOutcome{decision: certs.Deny, name: name, uid: uid, message: strings.TrimSpace(reason)}
		})
	p.check = func(reason string) error { return certs.CheckMessage(strings.TrimSpace(reason)) }
	p.b = &binding{name: name, uid: uid, kind: bindObject, undone: "denied", decides: s.State == certs.StatePending}
	p.input.Placeholder = "reason (optional)"
	return p
}

// newExportPrompt asks where to write the certificate of s, offering a file
// named after it in dir (the working folder when ""). It reads the
// certificate again first (readCertificateCmd, answered to id): until it is
// read, enter writes nothing. When status.certificate holds several
// certificates it says how many and lists their subjects; the file written
// is exactly those.
func newExportPrompt(s *certs.Summary, keys *keyMap, dir string, id int) *promptDialog {
	name, uid := s.Name, s.UID
	p := newPrompt(keys, certs.Concat(lit("Export the certificate of "), certs.Sanitize(name)),
		certs.Concat(lit("Reading the certificate of "), quoted(name), lit(" from the cluster, to write the one shown…")),
		keys.SubmitWrite, nil)
	p.read = &certificateRead{id: id}
	p.done = func(path string) outcome {
		file := p.read.file
		return writeOutcome{fileWrite: fileWrite{name: name, uid: uid, what: certs.Concat(lit("the certificate of "), quoted(name)), path: path, data: file, mode: 0o644, certificate: file}}
	}
	p.b = &binding{name: name, uid: uid, kind: bindCertificate, sum: s.CertificateSum, undone: "written"}
	p.input.SetValue(offeredPath(dir, certs.SafeFileName(name)+".crt"))
	p.input.CursorEnd()
	return p
}

// certificateRead takes the answer to the export's read: what the file
// holds, once it is the certificate shown.
func (p *promptDialog) certificateRead(msg certificateReadMsg) outcome {
	if out := p.read.take(msg, p.b); out != nil || p.read.reading() {
		return out
	}
	p.text = lit("Write the PEM certificate to:")
	if n := len(p.read.subjects); n > 1 {
		p.text = lit(fmt.Sprintf("status.certificate holds %d certificates, all written to the file:", n))
		p.more = ", all written"
		for i, sub := range p.read.subjects {
			p.list = append(p.list, certs.Concat(lit(fmt.Sprintf("%2d  ", i+1)), certs.Sanitize(sub)))
		}
	}
	p.problem = certs.Text{}
	return nil
}

// newBulkDenyPrompt asks one reason for denying every request of plan p that
// csrtui may deny; the list shows them by signer and requester, and what is
// left out.
func newBulkDenyPrompt(plan *bulkPlan, keys *keyMap) *promptDialog {
	n := plan.count[planReady]
	text := lit("The reason is recorded on the Denied condition of each, for the requesters to read.")
	if left := len(plan.items) - n; left > 0 {
		text = certs.Concat(text, lit(" "+plural(left, "request")+" left out: csrtui may not deny them."))
	}
	p := newPrompt(keys, lit("Deny "+plural(n, "marked request")), text, keys.SubmitDeny, func(reason string) outcome {
		if n == 0 {
			return cancelOutcome{note: lit("Nothing was denied: csrtui may deny none of the marked requests.")}
		}
		return plan.outcome(strings.TrimSpace(reason), nil)
	})
	p.check = func(reason string) error { return certs.CheckMessage(strings.TrimSpace(reason)) }
	p.more = " groups"
	for _, g := range plan.groups {
		line := certs.Concat(lit(fmt.Sprintf("%6s  ", thousands(len(g.items)))), signerForms(g.signer)[1], lit(" · "), certs.Sanitize(g.requester))
		for _, it := range g.items {
			if it.kind == planLeftOut {
				line = certs.Concat(line, lit("  (left out: "), it.why, lit(")"))
				break
			}
		}
		p.list = append(p.list, line)
	}
	p.input.Placeholder = "reason (optional)"
	return p
}

func (p *promptDialog) Init() tea.Cmd { return p.input.Focus() }

// Update hands the answer over on enter, unless it is refused, and gives up
// on esc; anything else is typed.
func (p *promptDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	if r, ok := msg.(certificateReadMsg); ok {
		if p.read == nil {
			return nil, nil
		}
		return p.certificateRead(r), nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.Cancel):
			return cancelOutcome{}, nil
		case key.Matches(k, p.submit) && p.read != nil && p.read.reading():
			p.problem = lit("Still reading the certificate from the cluster: nothing is written until it is read.")
			return nil, nil
		case key.Matches(k, p.submit):
			if p.check != nil {
				if err := p.check(p.input.Value()); err != nil {
					p.problem = certs.Concat(lit("Not sent: "), certs.Sanitize(err.Error()))
					return nil, nil
				}
			}
			return p.done(p.input.Value()), nil
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.problem = certs.Text{}
	return nil, cmd
}

func (p *promptDialog) ShortHelp() []key.Binding  { return []key.Binding{p.submit, p.keys.Cancel} }
func (p *promptDialog) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// View is the title, the answer and why it was refused, and what the answer
// is for and applies to in the lines left: the list before the text, and
// every line of the list but the last it has room for.
func (p *promptDialog) View() string {
	w := p.width
	title := []string{p.st.boxTitle.Render(cutLine(p.title, w))}
	input := []string{p.input.View()}
	var problem []string
	if p.problem.String() != "" {
		for _, l := range cutLines(p.problem, w, 2) {
			problem = append(problem, p.st.bad.Render(l))
		}
	}
	text := wrap(p.text, w)
	n := 1 + len(text) + len(p.list) + 1 + len(problem)
	if n+3 <= p.height { // room for blank lines too
		return stack(p.height, title, append(text, p.listLines(len(p.list))...), input, problem)
	}
	room := p.height - 2 - len(problem) // for the text and the list
	if len(text)+len(p.list) > room {
		text = cutLines(p.text, w, max(min(len(text), room-len(p.list)), 1))
	}
	return stack(p.height, title, append(text, p.listLines(room-len(text))...), input, problem)
}

// listLines is the list in at most n lines, the last saying how many more
// there are when they do not all fit.
func (p *promptDialog) listLines(n int) []string {
	if len(p.list) == 0 || n <= 0 {
		return nil
	}
	var lines []string
	for i, t := range p.list {
		if i == n-1 && n < len(p.list) {
			lines = append(lines, cutLine(lit(fmt.Sprintf("    … %d more%s", len(p.list)-i, p.more)), p.width))
			break
		}
		lines = append(lines, cutLine(t, p.width))
	}
	return lines
}

// offeredPath is where a dialog offers to write file: in dir, or in the
// working folder, written so that it reads as relative, when dir is "" or ".".
func offeredPath(dir, file string) string {
	if dir == "" || filepath.Clean(dir) == "." {
		return "./" + file
	}
	return filepath.Join(dir, file)
}
