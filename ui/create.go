package ui

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// createForm creates a CertificateSigningRequest from a user's request file:
// the manual flow's base64, YAML and kubectl create in one screen. The form
// asks for the file, the name, the signer, the usages and the lifetime; enter
// on the last field checks them, asks the apiserver for a dry run, and shows
// the request as it would be stored, with its findings, exactly as the
// approval would; y creates it. Bad input gets one line saying why, and
// nothing is created.
type createForm struct {
	form
	keys      *keyMap
	id        int // tells this form's messages from an earlier one's
	creator   Creator
	summarize func(*certificatesv1.CertificateSigningRequest) *certs.Summary
	taken     func(name string) bool // a request of that name is in the list
	height    int

	// The request, once read: from the file at readPath, or pasted.
	reqPEM   []byte
	parsed   *x509.CertificateRequest
	req      *certs.Request
	readPath string // the path read, "" when pasted
	pasted   bool
	reading  bool // a read is on its way
	seq      int  // of the last read or dry run asked for
	// review, once the file is read, goes on to the dry run.
	reviewAfterRead bool

	// typedPEM holds typed text that turned out to be PEM (a terminal that
	// pastes key by key): kept out of sight until its END line.
	typedPEM *strings.Builder

	previewing bool
	obj        *certificatesv1.CertificateSigningRequest // what y creates
	review     *certs.Summary                            // the dry run's answer, summarized: the review page

	problem certs.Text // why the last try was refused
}

// The form's fields, in order.
const (
	fieldFile = iota
	fieldName
	fieldSigner
	fieldUsages
	fieldLifetime
)

// defaultLifetime is what a new request asks for unless told otherwise: a
// day, the lifetime the long-lived finding accepts for client certificates.
const defaultLifetime = "24h"

func newCreateForm(keys *keyMap, id int, creator Creator, summarize func(*certificatesv1.CertificateSigningRequest) *certs.Summary,
	taken func(string) bool, seenSigners []string) *createForm {
	c := &createForm{form: form{keys: keys}, keys: keys, id: id, creator: creator, summarize: summarize, taken: taken}
	c.add("Request file", "path of the user's .csr (PEM), or paste it", completePath)
	c.add("Name", "from the request's CN, once read", nil)
	signers := certs.CreatableSigners(seenSigners)
	c.add("Signer", "", completeFrom(signers)).input.SetValue(certs.KubeAPIServerClientSignerName)
	c.add("Usages", "what the signer accepts, once read", completeLastWord(certs.UsageWords))
	c.add("Lifetime", "empty: the signer's default", nil).input.SetValue(defaultLifetime)
	return c
}

func (c *createForm) Init() tea.Cmd { return c.focused().input.Focus() }

func (c *createForm) SetSize(width, height int) {
	c.form.SetSize(width)
	c.height = height
}

// Messages for the form: they carry its id and the number of the try they
// answer, so an answer to an earlier try (or form) is dropped.
type (
	requestReadMsg struct {
		form, seq int
		path      string
		data      []byte
		err       error
	}
	previewMsg struct {
		form, seq int
		obj       *certificatesv1.CertificateSigningRequest
		err       error
	}
)

func (requestReadMsg) forDialog() {}
func (previewMsg) forDialog()     {}

func readRequestCmd(form, seq int, path string) tea.Cmd {
	return func() tea.Msg {
		data, err := readRequestFile(path)
		return requestReadMsg{form: form, seq: seq, path: path, data: data, err: err}
	}
}

// previewCmd asks the Creator for a dry run; like every call to the
// cluster, it is bounded by the Creator's own request timeout.
func previewCmd(cr Creator, form, seq int, obj *certificatesv1.CertificateSigningRequest) tea.Cmd {
	obj = obj.DeepCopy()
	return func() tea.Msg {
		out, err := cr.Preview(context.Background(), obj)
		return previewMsg{form: form, seq: seq, obj: out, err: err}
	}
}

// Update takes keys, pastes, and the answers to its own questions.
func (c *createForm) Update(msg tea.Msg) (outcome, tea.Cmd) {
	switch msg := msg.(type) {
	case requestReadMsg:
		if msg.form != c.id || msg.seq != c.seq || !c.reading {
			return nil, nil
		}
		c.reading = false
		if msg.err != nil {
			c.reviewAfterRead = false
			return nil, c.refuse(fieldFile, certs.Sanitize(msg.err.Error()))
		}
		return c.take(msg.data, msg.path)
	case previewMsg:
		if msg.form != c.id || msg.seq != c.seq || !c.previewing {
			return nil, nil
		}
		c.previewing = false
		if msg.err != nil {
			c.problem = certs.Concat(lit("Not created: "), certs.Sanitize(msg.err.Error()))
			return nil, nil
		}
		c.review = c.summarize(msg.obj)
		return nil, nil
	case tea.PasteMsg:
		return c.paste(msg.Content)
	case tea.KeyPressMsg:
		return c.key(msg)
	}
	return nil, nil
}

func (c *createForm) key(k tea.KeyPressMsg) (outcome, tea.Cmd) {
	if c.typedPEM != nil {
		return c.typePEM(k)
	}
	if c.review != nil {
		switch {
		case key.Matches(k, c.keys.CreateIt) && !c.refused():
			return createOutcome{obj: c.obj}, nil
		case key.Matches(k, c.keys.BackToForm):
			c.review = nil
			return nil, c.focused().input.Focus()
		}
		return nil, nil
	}
	switch {
	case key.Matches(k, c.keys.Cancel):
		return cancelOutcome{note: lit("Nothing was created.")}, nil
	case c.previewing:
		return nil, nil // the apiserver is answering: keys wait
	case key.Matches(k, c.keys.Complete):
		c.completeFocused()
		return nil, nil
	case key.Matches(k, c.keys.FormReview) && c.focus == len(c.fields)-1:
		return nil, c.tryReview()
	case key.Matches(k, c.keys.FormNext):
		return nil, tea.Batch(c.leaveField(), c.focusOn(c.focus+1))
	}
	if key.Matches(k, c.keys.NextField, c.keys.PrevField) {
		leave := c.leaveField()
		cmd, _ := c.moveKey(k)
		return nil, tea.Batch(leave, cmd)
	}
	cmd := c.typeInto(k)
	c.problem = certs.Text{}
	if c.focus == fieldFile {
		c.pasted = false
		if v := c.value(fieldFile); certs.LooksLikePEM(v) {
			// PEM typed key by key: from here on, nothing typed is shown.
			c.typedPEM = &strings.Builder{}
			c.typedPEM.WriteString(c.fields[fieldFile].input.Value())
			c.fields[fieldFile].input.SetValue("")
		}
	}
	return nil, cmd
}

// typePEM collects PEM typed key by key until its END line, then takes it as
// a paste. Esc drops it.
func (c *createForm) typePEM(k tea.KeyPressMsg) (outcome, tea.Cmd) {
	switch {
	case key.Matches(k, c.keys.Cancel):
		c.typedPEM = nil
		c.problem = lit("The typed text was dropped, never shown.")
		return nil, nil
	case k.Code == tea.KeyEnter:
		c.typedPEM.WriteString("\n")
	case k.Text != "":
		c.typedPEM.WriteString(k.Text)
	}
	text := c.typedPEM.String()
	switch {
	case len(text) > certs.MaxRequestFile:
		c.typedPEM = nil
		return nil, c.refuse(fieldFile, lit("The typed text is too long for a certificate request: it was dropped, never shown."))
	case pemEnded(text):
		c.typedPEM = nil
		return c.paste(text)
	}
	return nil, nil
}

// pemEnded reports whether text ends with a whole END line.
func pemEnded(text string) bool {
	t := strings.TrimRight(text, "\r\n ")
	i := strings.LastIndex(t, "-----END ")
	return i >= 0 && strings.HasSuffix(t, "-----") && len(t) > i+len("-----END -----")
}

// paste takes pasted text: into the focused field when it is a value; as the
// request itself when it is PEM in the file field; dropped, unseen, when it
// is PEM anywhere else or a private key.
func (c *createForm) paste(text string) (outcome, tea.Cmd) {
	if c.review != nil || c.previewing {
		return nil, nil
	}
	if !certs.LooksLikePEM(text) {
		cmd := c.typeInto(tea.PasteMsg{Content: text})
		c.problem = certs.Text{}
		return nil, cmd
	}
	if c.focus != fieldFile {
		return nil, c.refuse(c.focus, lit("That paste was PEM, not a "+strings.ToLower(c.focused().label)+": it was dropped, never shown."))
	}
	c.fields[fieldFile].input.SetValue("")
	return c.take([]byte(text), "")
}

// take reads the request in data (from the file at path, or pasted when
// path is ""), and fills in the defaults it implies.
func (c *createForm) take(data []byte, path string) (outcome, tea.Cmd) {
	pemReq, parsed, err := certs.RequestFile(data)
	if err == nil {
		c.req, err = certs.ParseRequest(pemReq)
	}
	if err != nil {
		c.reqPEM, c.parsed, c.req, c.readPath, c.pasted = nil, nil, nil, "", false
		c.reviewAfterRead = false
		// The errors say what the data holds: "holds a private key, not ...".
		what := lit("The paste ")
		if path != "" {
			what = certs.Concat(certs.Sanitize(path), lit(" "))
		}
		return nil, c.refuse(fieldFile, certs.Concat(what, certs.Sanitize(err.Error())))
	}
	c.reqPEM, c.parsed, c.readPath, c.pasted = pemReq, parsed, path, path == ""
	c.problem = certs.Text{}
	c.setDefault(fieldName, certs.FreeRequestName(c.req.CommonName, c.taken))
	c.defaultUsages()
	if c.reviewAfterRead {
		c.reviewAfterRead = false
		return nil, c.tryReview()
	}
	if c.focus == fieldFile {
		return nil, c.focusOn(fieldName)
	}
	return nil, nil
}

// defaultUsages are what the signer accepts for the request's key.
func (c *createForm) defaultUsages() {
	if c.parsed == nil {
		return
	}
	c.setDefault(fieldUsages, strings.Join(certs.RequestUsages(c.value(fieldSigner), c.parsed.PublicKey), ", "))
}

// leaveField acts on the field the focus leaves: a new path is read, and a
// new signer changes the default usages.
func (c *createForm) leaveField() tea.Cmd {
	switch c.focus {
	case fieldFile:
		return c.readIfChanged()
	case fieldSigner:
		c.defaultUsages()
	}
	return nil
}

// readIfChanged starts reading the file field's path, unless it was read.
func (c *createForm) readIfChanged() tea.Cmd {
	path := c.value(fieldFile)
	if path == "" || (path == c.readPath && c.reqPEM != nil) {
		return nil
	}
	c.seq++
	c.reading = true
	return readRequestCmd(c.id, c.seq, path)
}

// refuse says, on one line under the form, why the value of field i is
// refused, and puts the focus there.
func (c *createForm) refuse(i int, why certs.Text) tea.Cmd {
	c.problem = why
	return c.focusOn(i)
}

// tryReview checks every field and, when all are good, asks the apiserver
// for a dry run of the request.
func (c *createForm) tryReview() tea.Cmd {
	c.problem = certs.Text{}
	if c.value(fieldFile) == "" && !c.pasted {
		return c.refuse(fieldFile, lit("Give the path of the user's certificate request (made with e.g. openssl req -new), or paste it."))
	}
	if !c.pasted {
		if cmd := c.readIfChanged(); cmd != nil || c.reading {
			c.reviewAfterRead = true
			return cmd
		}
	}
	if c.req == nil {
		return c.refuse(fieldFile, lit("The request could not be read: give another file."))
	}
	name, signer := c.value(fieldName), c.value(fieldSigner)
	if err := certs.CheckRequestName(name); err != nil {
		return c.refuse(fieldName, certs.Sanitize(err.Error()))
	}
	if c.taken(name) {
		return c.refuse(fieldName, certs.Concat(lit("A request named "), quoted(name), lit(" is in the list already: choose another name.")))
	}
	if err := certs.CheckCreateSigner(signer); err != nil {
		return c.refuse(fieldSigner, certs.Sanitize(err.Error()))
	}
	usages, err := certs.ParseUsages(c.value(fieldUsages))
	if err != nil {
		return c.refuse(fieldUsages, certs.Sanitize(err.Error()))
	}
	lifetime, err := certs.ParseLifetime(c.value(fieldLifetime))
	if err != nil {
		return c.refuse(fieldLifetime, certs.Sanitize(err.Error()))
	}
	if why := certs.SignerCheck(signer, c.req, usages); why != "" {
		return c.refuse(fieldUsages, certs.Concat(certs.Sanitize(signer), lit(" would fail it after approval: "), certs.Sanitize(why)))
	}
	c.obj = certs.NewRequestObject(name, c.reqPEM, signer, usages, lifetime)
	c.seq++
	c.previewing = true
	return previewCmd(c.creator, c.id, c.seq, c.obj)
}

// refused reports whether the review refuses to create: a block finding,
// or a terminal too small to show the whole request.
func (c *createForm) refused() bool {
	_, fits := c.reviewLayout()
	return !fits || slices.ContainsFunc(c.review.Findings, func(f certs.Finding) bool { return f.Severity == certs.SeverityBlock })
}

func (c *createForm) ShortHelp() []key.Binding {
	switch {
	case c.typedPEM != nil || c.previewing:
		return []key.Binding{c.keys.Cancel}
	case c.review != nil && c.refused():
		return []key.Binding{c.keys.BackToForm}
	case c.review != nil:
		return []key.Binding{c.keys.CreateIt, c.keys.BackToForm}
	}
	enter := c.keys.FormNext
	if c.focus == len(c.fields)-1 {
		enter = c.keys.FormReview
	}
	return append(c.fieldKeys(), enter, c.keys.Cancel)
}

func (c *createForm) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// View is the form, or the review of what the dry run returned.
func (c *createForm) View() string {
	if c.review != nil {
		return c.reviewView()
	}
	title := []string{c.st.boxTitle.Render(clip(lit("New certificate signing request"), c.width))}
	intro := wrap(lit("The user's request, made with their own key (e.g. openssl req -new): the key never leaves them."), c.width)
	var about []string
	switch {
	case c.typedPEM != nil:
		about = []string{c.st.muted.Render(clip(lit("Reading typed PEM, not shown, until its END line (esc drops it)…"), c.width))}
	case c.reading:
		about = []string{c.st.muted.Render(clip(lit("Reading the file…"), c.width))}
	case c.previewing:
		about = []string{c.st.muted.Render(clip(lit("Asking the apiserver for a dry run…"), c.width))}
	case c.req != nil:
		about = cutLines(c.requestText(), c.width, 2)
	}
	var problem []string
	for _, l := range cutLines(c.problem, c.width, 3) {
		problem = append(problem, c.st.bad.Render(l))
	}
	if c.problem.String() == "" {
		problem = nil
	}
	fields := c.lines()
	if 1+len(intro)+len(fields)+len(about)+len(problem)+4 > c.height {
		intro = nil // the fields come first on a short terminal
	}
	return stack(c.height, title, intro, fields, about, problem)
}

// requestText says what the request read holds.
func (c *createForm) requestText() certs.Text {
	src := lit("pasted")
	if !c.pasted {
		src = certs.Sanitize(c.readPath)
	}
	key := certs.Sanitize(c.req.PublicKeyAlgorithm)
	switch {
	case c.req.Curve != "":
		key = certs.Concat(key, lit(" "), certs.Sanitize(c.req.Curve))
	case c.req.KeyBits > 0:
		key = certs.Concat(key, lit(fmt.Sprintf(" %d bits", c.req.KeyBits)))
	}
	return certs.Concat(src, lit(": "), subjectLine(c.req), lit(", "), key, lit(", signature verifies"))
}

// subjectLine is a request's subject as attribute=value pairs.
func subjectLine(r *certs.Request) certs.Text {
	parts := make([]certs.Text, 0, len(r.Subject))
	for _, a := range r.Subject {
		parts = append(parts, certs.Concat(certs.Sanitize(a.Name), lit("="), certs.Sanitize(a.Value)))
	}
	if len(parts) == 0 {
		return lit("empty subject")
	}
	return certs.Join(parts, lit(", "))
}

// reviewLayout lays the review out as the approval lays out a request, with
// the usages asked for; fits is false when it does not fit.
func (c *createForm) reviewLayout() (lines []string, fits bool) {
	var blocked []certs.Finding
	for _, f := range c.review.Findings {
		if f.Severity == certs.SeverityBlock {
			blocked = append(blocked, f)
		}
	}
	for _, tight := range []struct {
		blanks       bool
		findingLines int
	}{{true, 2}, {false, 2}, {false, 1}} {
		d := &dialogLines{st: c.st, width: c.width, blanks: tight.blanks, findingLines: tight.findingLines}
		d.request(lit("Create this certificate signing request?"), c.review, c.review.Findings, len(blocked) > 0, func() {
			d.value("Usages", joinSanitized(c.review.Usages, ", "))
		})
		if len(blocked) > 0 {
			d.refusal(lit("Creating is refused:"), blocked)
		} else {
			d.part()
			for _, l := range cutLines(lit("The apiserver admitted it in a dry run: y creates it, with you as its requester."), c.width, 2) {
				d.lines = append(d.lines, c.st.good.Render(l))
			}
		}
		lines = d.lines
		if len(lines) <= c.height {
			return lines, c.width-valueIndent >= minValueWidth
		}
	}
	return lines, false
}

func (c *createForm) reviewView() string {
	lines, fits := c.reviewLayout()
	if !fits {
		return stack(c.height,
			[]string{c.st.bad.Render(clip(lit("Enlarge the terminal to create."), c.width))},
			cutLines(lit("The whole request does not fit: creating is refused. esc goes back to the form."), c.width, 3))
	}
	return stack(c.height, lines)
}

// createOutcome creates the request the review showed.
type createOutcome struct {
	obj *certificatesv1.CertificateSigningRequest
}

func (createOutcome) isOutcome() {}

// createdMsg is the outcome of creating a request, and of its line in the
// record.
type createdMsg struct {
	name      string // raw
	err       error
	recordErr error // the record missed it
}

// createCmd creates obj, then records it when rec keeps a record: the
// request as the apiserver stored it (its UID, its requester), summarized
// as the list's are, or as it was sent when it was not created.
func createCmd(cr Creator, rec Recorder, summarize func(*certificatesv1.CertificateSigningRequest) *certs.Summary, obj *certificatesv1.CertificateSigningRequest) tea.Cmd {
	obj = obj.DeepCopy()
	return func() tea.Msg {
		ctx := context.Background()
		created, err := cr.Create(ctx, obj)
		msg := createdMsg{name: obj.Name, err: err}
		if rec != nil {
			if created == nil {
				created = obj
			}
			msg.recordErr = recordResult(ctx, rec, certs.NewRecordEntry(certs.RecordCreate, summarize(created)), nil, err)
		}
		return msg
	}
}

// createdStatus says what creating did, and what comes next.
func createdStatus(msg createdMsg) status {
	name := certs.Sanitize(msg.name)
	if msg.err != nil {
		return errStatus(certs.Concat(lit("Not created: "), certs.Sanitize(msg.err.Error())))
	}
	return okStatus(certs.Concat(lit("Created "), name, lit(": it is pending, with you as its requester.")))
}
