package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

// detailModel shows one CSR, decoded, as scrollable lines. Lines are built in
// Update (when the CSR, the size, the capabilities or the clock change), and
// View only slices them.
type detailModel struct {
	s     *certs.Summary
	lost  loss // the object shown is no longer in the cluster
	lines []string
	// changes are the lines holding a time, and when it shows another text.
	changes []timeChange

	offset        int
	width, height int
}

func (d *detailModel) SetSize(w, h int) {
	d.width, d.height = w, h
	d.clamp()
}

// loss is what became of the object a detail shows.
type loss int

const (
	lossNone     loss = iota
	lossGone          // deleted or cleaned up
	lossReplaced      // deleted, and its name taken by another request
)

// show sets the CSR; a different CSR starts at the top.
func (d *detailModel) show(s *certs.Summary) {
	if d.s == nil || s == nil || d.s.UID != s.UID {
		d.offset = 0
	}
	d.s = s
	d.lost = lossNone
}

// follow keeps the detail on its object, by UID: a new version is shown; a
// request that took its name is not, and the detail says what became of it.
func (d *detailModel) follow(l *listModel) {
	if cur := l.byUID(d.s.UID); cur != nil {
		d.s, d.lost = cur, lossNone
		return
	}
	d.lost = lossGone
	if l.byName(d.s.Name) != nil {
		d.lost = lossReplaced
	}
}

// rebuild lays the detail out again; live is the request that supersedes the
// one shown, nil when none does.
func (d *detailModel) rebuild(st *styles, now time.Time, findings []certs.Finding, caps *capState, askCaps bool, live *certs.Summary) {
	d.changes = nil
	if d.s == nil || d.width <= 0 {
		d.lines = nil
		return
	}
	w := detailWriter{st: st, width: d.width, now: now}
	w.summary(d.s, d.lost, findings, caps, askCaps, live)
	w.placeTimes(0) // none is left unplaced; if one were, it would count anywhere
	d.lines, d.changes = w.lines, w.changes
	d.clamp()
}

// timeChange is when a time written on lines first to last shows another text.
type timeChange struct {
	first, last int
	at          time.Time
}

// changesIn is how long until a time in view changes its text (0: none will).
func (d *detailModel) changesIn(now time.Time) time.Duration {
	var next time.Duration
	for _, c := range d.changes {
		if c.last < d.offset || c.first >= d.offset+d.height {
			continue // scrolled out of view
		}
		if in := max(c.at.Sub(now), time.Millisecond); next == 0 || in < next {
			next = in
		}
	}
	return next
}

func (d *detailModel) scroll(delta int) {
	d.offset += delta
	d.clamp()
}

func (d *detailModel) clamp() {
	d.offset = min(d.offset, max(len(d.lines)-d.height, 0))
	d.offset = max(d.offset, 0)
}

func (d *detailModel) View() string {
	if d.height <= 0 {
		return ""
	}
	end := min(d.offset+d.height, len(d.lines))
	if d.offset >= end {
		return ""
	}
	return strings.Join(d.lines[d.offset:end], "\n")
}

// scrollInfo says where in the detail the view is, for the help line.
func (d *detailModel) scrollInfo() string {
	if len(d.lines) <= d.height {
		return ""
	}
	return fmt.Sprintf("lines %d-%d of %d", d.offset+1, min(d.offset+d.height, len(d.lines)), len(d.lines))
}

// detailWriter lays out the detail text: sections, label/value fields and
// wrapped paragraphs.
type detailWriter struct {
	st    *styles
	width int
	now   time.Time
	lines []string
	// changes are when the times written change their text; pending, those
	// of the field being written, until it places them on its lines.
	changes []timeChange
	pending []time.Duration
}

// soonest notes that the text of the field being written changes in d (0:
// never).
func (w *detailWriter) soonest(d time.Duration) {
	if d > 0 {
		w.pending = append(w.pending, d)
	}
}

// placeTimes puts the times of the field just written, from line first on.
func (w *detailWriter) placeTimes(first int) {
	for _, d := range w.pending {
		w.changes = append(w.changes, timeChange{first: first, last: max(len(w.lines)-1, first), at: w.now.Add(d)})
	}
	w.pending = w.pending[:0]
}

// The times of the detail, written as field values: each notes when its
// text changes.

func (w *detailWriter) timeText(t time.Time) certs.Text {
	if !t.IsZero() {
		if t.After(w.now) { // "in" certs.HumanDuration
			w.soonest(humanChangesIn(t.Sub(w.now)))
		} else {
			w.soonest(ageChangesIn(w.now, t))
		}
	}
	return timeText(w.now, t)
}

func (w *detailWriter) age(t time.Time) string {
	w.soonest(ageChangesIn(w.now, t))
	return age(w.now, t)
}

func (w *detailWriter) until(t time.Time) string {
	w.soonest(untilChangesIn(w.now, t))
	return until(w.now, t)
}

// left is how long until t, to the second under an hour (certs.HumanDuration).
func (w *detailWriter) left(t time.Time) string {
	d := t.Sub(w.now)
	w.soonest(humanChangesIn(d))
	return certs.HumanDuration(d)
}

const labelWidth = 16

func (w *detailWriter) blank() { w.lines = append(w.lines, "") }

func (w *detailWriter) section(title certs.Text) {
	if len(w.lines) > 0 {
		w.blank()
	}
	w.lines = append(w.lines, w.st.drawnAs(true, clip(title, w.width)))
}

// line writes one line of text in a style, cut to the width.
func (w *detailWriter) line(indent int, st lipgloss.Style, t certs.Text) {
	w.lines = append(w.lines, strings.Repeat(" ", indent)+st.Render(clip(t, w.width-indent)))
}

// field writes "label  value", wrapping the value under itself.
func (w *detailWriter) field(indent int, label, value certs.Text) {
	defer w.placeTimes(len(w.lines))
	lw := max(labelWidth-indent, certs.Width(label)+1)
	vw := w.width - indent - lw
	prefix := strings.Repeat(" ", indent) + w.st.drawnAs(false, fit(label, certs.Width(label), lw))
	if vw < 8 { // too narrow for columns: value on its own lines
		w.lines = append(w.lines, strings.Repeat(" ", indent)+w.st.drawnAs(false, clip(label, w.width-indent)))
		w.para(indent+2, value)
		return
	}
	if value.String() == "" {
		value = lit("-")
	}
	pad := strings.Repeat(" ", indent+lw)
	for i, l := range wrap(value, vw) {
		if i == 0 {
			w.lines = append(w.lines, prefix+l)
		} else {
			w.lines = append(w.lines, pad+l)
		}
	}
}

// styledField is field for a value that carries its own style and fits.
func (w *detailWriter) styledField(indent int, label certs.Text, styled string) {
	lw := max(labelWidth-indent, certs.Width(label)+1)
	w.lines = append(w.lines, strings.Repeat(" ", indent)+w.st.drawnAs(false, fit(label, certs.Width(label), lw))+styled)
}

// para writes wrapped text at an indent.
func (w *detailWriter) para(indent int, text certs.Text) {
	pad := strings.Repeat(" ", indent)
	for _, l := range wrap(text, max(w.width-indent, 8)) {
		w.lines = append(w.lines, pad+l)
	}
}

func (w *detailWriter) summary(s *certs.Summary, lost loss, findings []certs.Finding, caps *capState, askCaps bool, live *certs.Summary) {
	w.line(0, w.st.title, certs.Concat(lit("CSR "), certs.Sanitize(s.Name)))
	switch lost {
	case lossGone:
		w.line(0, w.st.bad, lit("This CSR is no longer in the cluster (deleted or cleaned up)."))
	case lossReplaced:
		for _, l := range wrap(lit("Replaced by a new request of the same name: this is the old one, gone. Open the new one from the list to act on it."), w.width) {
			w.lines = append(w.lines, w.st.bad.Render(l))
		}
	}
	cond := certs.Sanitize(s.Condition)
	if s.Condition == "" {
		cond = lit("-")
	}
	w.field(0, lit("Condition"), cond)
	if live != nil {
		w.field(0, lit("Superseded"), certs.Concat(lit("by "), quoted(live.Name),
			lit(", a newer request of the same requester for the same subject and SANs: the requester waits for that one, not this")))
	}
	w.field(0, lit("Created"), w.timeText(s.Created))
	w.lifecycle(s)

	w.findings(findings)
	w.request(s)
	w.spec(s)
	w.conditions(s)
	w.certificate(s)
	if askCaps {
		w.capabilities(s, caps)
	}
}

// lifecycle says how long the signer took, and when the cluster deletes s.
func (w *detailWriter) lifecycle(s *certs.Summary) {
	if s.State == certs.StateIssued {
		if d, ok := s.TimeToIssue(); ok {
			w.field(0, lit("Issued"), lit(certs.HumanDuration(d)+" after approval"))
		} else {
			w.field(0, lit("Issued"), lit("unknown time after approval: the cluster records no time of issue, and only kube-controller-manager's signers date their certificates in a known way"))
		}
	}
	c, ok := s.Cleanup()
	if !ok {
		return
	}
	var text string
	if c.At.After(w.now) {
		text = "in " + w.until(c.At) + ", " + c.Why + "; the cleaner looks hourly"
	} else {
		text = "due " + w.age(c.At) + " ago, " + c.Why + ": at the cleaner's next hourly look"
	}
	if s.State == certs.StateIssued && c.At.After(w.now) {
		text += ": export before"
	}
	w.field(0, lit("Deleted"), lit(text))
}

// findings lists the findings, worst first.
func (w *detailWriter) findings(fs []certs.Finding) {
	if len(fs) == 0 {
		w.section(lit("Findings"))
		w.para(2, lit("None."))
		return
	}
	w.section(lit(fmt.Sprintf("Findings (%d)", len(fs))))
	fs = append([]certs.Finding(nil), fs...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
	for _, f := range fs {
		label := severityLabel(f.Severity)
		title := certs.Sanitize(f.Title)
		if f.ID != "" {
			title = certs.Concat(title, lit(" ["), certs.Sanitize(f.ID), lit("]"))
		}
		tw := max(w.width-2-9, 8)
		for i, l := range wrap(title, tw) {
			if i == 0 {
				w.lines = append(w.lines, "  "+w.st.severity[f.Severity].Render(fit(label, certs.Width(label), 9))+l)
			} else {
				w.lines = append(w.lines, strings.Repeat(" ", 11)+l)
			}
		}
		if f.Detail != "" {
			w.para(11, certs.Sanitize(f.Detail))
		}
	}
}

// undecodable says that something from the API can't be decoded, and why.
func (w *detailWriter) undecodable(what string, err error) {
	why := lit("unknown error")
	if err != nil {
		why = certs.Sanitize(err.Error())
	}
	w.line(2, w.st.bad, lit(what))
	w.para(4, why)
}

func (w *detailWriter) request(s *certs.Summary) {
	w.section(lit("Request"))
	r := s.Request
	if s.Unchecked {
		w.line(2, w.st.muted, lit("Not decoded yet: it will show in a moment."))
		return
	}
	if r == nil {
		w.undecodable("The request can't be decoded:", s.RequestErr)
		return
	}
	if len(r.Subject) == 0 {
		w.field(2, lit("Subject"), lit("(empty)"))
	} else {
		w.line(2, w.st.label, lit("Subject"))
		for _, a := range r.Subject {
			label := certs.Sanitize(a.Name)
			if a.Name != a.OID && a.OID != "" && !knownAttribute(a.Name) {
				label = certs.Concat(label, lit(" ("), certs.Sanitize(a.OID), lit(")"))
			}
			w.field(4, label, certs.Sanitize(a.Value))
		}
		w.field(4, lit("→ user"), certs.Sanitize(r.CommonName))
		w.field(4, lit("→ groups"), joinSanitized(r.Organizations, ", "))
	}
	sans := []struct {
		kind   string
		values []string
	}{{"DNS", r.DNSNames}, {"IP", r.IPAddresses}, {"Email", r.EmailAddresses}, {"URI", r.URIs}}
	n := 0
	for _, k := range sans {
		n += len(k.values)
	}
	if n == 0 {
		w.field(2, lit("SANs"), lit("none"))
	} else {
		w.line(2, w.st.label, lit("SANs"))
		for _, k := range sans {
			for _, v := range k.values {
				w.field(4, lit(k.kind), certs.Sanitize(v))
			}
		}
	}
	key := certs.Sanitize(r.PublicKeyAlgorithm)
	switch {
	case r.Curve != "":
		key = certs.Concat(key, lit(" "), certs.Sanitize(r.Curve))
	case r.KeyBits > 0:
		key = certs.Concat(key, lit(fmt.Sprintf(" %d bits", r.KeyBits)))
	}
	w.field(2, lit("Public key"), key)
	sig := certs.Sanitize(r.SignatureAlgorithm)
	if r.SignatureErr == nil {
		w.field(2, lit("Signature"), certs.Concat(sig, lit(" (verifies)")))
	} else {
		w.field(2, lit("Signature"), certs.Concat(sig, lit(" (does NOT verify: "), certs.Sanitize(r.SignatureErr.Error()), lit(")")))
	}
	if len(r.Extensions) == 0 {
		w.field(2, lit("Extensions"), lit("none requested"))
		return
	}
	w.line(2, w.st.label, lit("Extensions"))
	for _, e := range r.Extensions {
		label := certs.Sanitize(e.Name)
		if e.Critical {
			label = certs.Concat(label, lit(" (critical)"))
		}
		w.field(4, label, certs.Sanitize(e.Value))
	}
}

func knownAttribute(name string) bool {
	switch name {
	case "CN", "O", "OU", "C", "L", "ST", "STREET", "POSTALCODE", "SERIALNUMBER", "UID", "DC", "E", "emailAddress":
		return true
	}
	return false
}

func (w *detailWriter) spec(s *certs.Summary) {
	w.section(lit("Spec"))
	w.field(2, lit("Signer"), certs.Sanitize(s.Signer))
	w.field(2, lit("Usages"), joinSanitized(s.Usages, ", "))
	req := lit("not set (the signer's default)")
	if s.RequestedDuration > 0 {
		req = lit(certs.HumanDuration(s.RequestedDuration))
	}
	w.field(2, lit("Requested"), req)
	eff := lit("unknown")
	if s.EffectiveDuration > 0 {
		eff = lit(certs.HumanDuration(s.EffectiveDuration))
	}
	w.field(2, lit("Effective"), eff)
	w.field(2, lit("Username"), certs.Sanitize(s.Username))
	w.field(2, lit("UID"), certs.Sanitize(s.UserUID))
	w.field(2, lit("Groups"), joinSanitized(s.Groups, ", "))
	if len(s.Extra) == 0 {
		w.field(2, lit("Extra"), lit("none"))
		return
	}
	keys := make([]string, 0, len(s.Extra))
	for k := range s.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.line(2, w.st.label, lit("Extra"))
	for _, k := range keys {
		w.field(4, certs.Sanitize(k), joinSanitized(s.Extra[k], ", "))
	}
}

func (w *detailWriter) conditions(s *certs.Summary) {
	w.section(lit("Conditions"))
	if len(s.Conditions) == 0 {
		w.para(2, lit("None: the request is pending."))
		return
	}
	for _, c := range s.Conditions {
		head := certs.Sanitize(c.Type)
		if c.Status != "" && c.Status != "True" {
			head = certs.Concat(head, lit("="), certs.Sanitize(c.Status))
		}
		w.field(2, head, w.timeText(c.LastUpdate))
		w.field(4, lit("Reason"), certs.Sanitize(c.Reason))
		if c.Message != "" {
			w.field(4, lit("Message"), certs.Sanitize(c.Message))
		}
	}
}

func (w *detailWriter) certificate(s *certs.Summary) {
	if s.Certificate == nil && s.CertificateErr == nil && !s.HasCertificate() {
		return
	}
	w.section(lit("Certificate"))
	c := s.Certificate
	if s.Unchecked {
		w.line(2, w.st.muted, lit("Not decoded yet: it will show in a moment."))
		return
	}
	if c == nil {
		w.undecodable("The certificate can't be decoded:", s.CertificateErr)
		return
	}
	w.field(2, lit("Serial"), certs.Sanitize(c.Serial))
	w.field(2, lit("Subject"), certs.Sanitize(c.Subject))
	w.field(2, lit("Issuer"), certs.Sanitize(c.Issuer))
	w.field(2, lit("Not before"), w.timeText(c.NotBefore))
	after := c.NotAfter.UTC().Format("2006-01-02 15:04:05Z")
	if c.NotAfter.After(w.now) {
		after += " (" + w.left(c.NotAfter) + " left)"
	} else {
		after += " (expired " + w.age(c.NotAfter) + " ago)"
	}
	w.field(2, lit("Not after"), lit(after))
	w.field(2, lit("SHA-256"), certs.Sanitize(c.SHA256))
	if c.KeyMatchesRequest {
		w.styledField(2, lit("Key matches"), paint(w.st.good, lit("yes, the request's public key")))
	} else {
		w.styledField(2, lit("Key matches"), paint(w.st.bad, lit("NO: not the request's public key")))
	}
	if c.IsCA {
		w.styledField(2, lit("CA"), paint(w.st.bad, lit("yes")))
	}
	if len(c.Usages) > 0 {
		w.field(2, lit("Usages"), joinSanitized(c.Usages, ", "))
	}
}
