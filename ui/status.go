package ui

import (
	"strings"
	"time"

	"github.com/csrtui/csrtui/certs"
)

type statusKind int

const (
	statusNone statusKind = iota
	statusInfo
	statusOK
	statusErr
)

// status is the one-line outcome of the last action.
type status struct {
	kind statusKind
	text certs.Text
}

// maxStatusLines keeps a long error from pushing the list off the screen; on
// a short terminal (below shortTerminal lines) one line is all it gets, so
// that a dialog still fits above it.
const (
	maxStatusLines = 3
	shortTerminal  = 16
)

// lines wraps the text to the width, at most maxLines.
func (s status) lines(width, maxLines int) []string {
	if s.kind == statusNone || width <= 0 {
		return nil
	}
	return cutLines(s.text, width, maxLines)
}

func (s status) View(st *styles, width, maxLines int) string {
	style := st.statusInfo
	switch s.kind {
	case statusNone:
		return ""
	case statusOK:
		style = st.statusOK
	case statusErr:
		style = st.statusErr
	}
	ls := s.lines(width, maxLines)
	for i, l := range ls {
		ls[i] = style.Render(l)
	}
	return strings.Join(ls, "\n")
}

func infoStatus(text certs.Text) status { return status{kind: statusInfo, text: text} }
func okStatus(text certs.Text) status   { return status{kind: statusOK, text: text} }
func errStatus(text certs.Text) status  { return status{kind: statusErr, text: text} }

// decisionStatus says what an approve or deny did. The Decider's errors are
// already worded for the admin (403 with the missing permission, conflict,
// not found, timeout, already decided and by what): they are shown as they
// are, after which action failed. A decision found already made is said as
// the cluster records it: "was already approved 3s ago (KubectlApprove)".
func decisionStatus(msg decisionMsg, now time.Time) status {
	name := certs.Sanitize(msg.name)
	verb, done, word := "deny", "Denied", "denied"
	if msg.decision == certs.Approve {
		verb, done, word = "approve", "Approved", "approved"
	}
	switch {
	case msg.err != nil:
		return errStatus(certs.Concat(lit("Could not "+verb+" "), name, lit(": "), certs.Sanitize(msg.err.Error())))
	case msg.already != nil && msg.already.Type != "":
		return infoStatus(certs.Concat(name, lit(" was already "), certs.Sanitize(msg.already.Describe(now)), lit(": nothing was written.")))
	case msg.already != nil:
		return infoStatus(certs.Concat(name, lit(" was already "+word+": nothing to do.")))
	default:
		return okStatus(certs.Concat(lit(done+" "), name, lit(".")))
	}
}

// exportStatus says where a file was written, or why not; for a kubeconfig,
// where the user's key must go for it to work.
func exportStatus(msg exportMsg) status {
	if msg.err != nil {
		return errStatus(certs.Concat(lit("Could not write "), msg.what, lit(": "), certs.Sanitize(msg.err.Error())))
	}
	done := certs.Concat(lit("Wrote "), msg.what, lit(" to "), certs.Sanitize(msg.path))
	if msg.keyPath == "" {
		return okStatus(done)
	}
	return okStatus(certs.Concat(done, lit(" (mode 0600). Put the user's key at "), certs.Sanitize(keyLocation(msg.path, msg.keyPath)),
		lit(", then: kubectl --kubeconfig "), certs.Sanitize(msg.path), lit(" auth whoami")))
}

// noCertificateText says why a CSR has no certificate to export.
func noCertificateText(s *certs.Summary) certs.Text {
	name := certs.Sanitize(s.Name)
	says := func(parts ...certs.Text) certs.Text { return certs.Concat(append([]certs.Text{name}, parts...)...) }
	switch s.State {
	case certs.StatePending:
		return says(lit(" is pending: there is no certificate until it is approved and signed."))
	case certs.StateDenied:
		return says(lit(" was denied: no certificate will be issued."))
	case certs.StateFailed:
		var why certs.Text
		for _, c := range s.Conditions {
			if c.Type == "Failed" {
				why = certs.Sanitize(c.Reason)
				if c.Message != "" {
					why = certs.Concat(why, lit(": "), certs.Sanitize(c.Message))
				}
			}
		}
		if why.String() != "" {
			return says(lit(" failed, so there is no certificate ("), why, lit(")."))
		}
		return says(lit(" failed: the signer refused it, so there is no certificate."))
	case certs.StateApproved:
		return says(lit(" is approved, but no signer has issued a certificate yet (signer "), certs.Sanitize(s.Signer), lit(")."))
	default:
		if s.CertificateErr != nil {
			return says(lit(": the certificate can't be read: "), certs.Sanitize(s.CertificateErr.Error()))
		}
		return says(lit(" has no certificate."))
	}
}
