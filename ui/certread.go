package ui

import (
	"context"
	"errors"
	"net/http"

	tea "charm.land/bubbletea/v2"
	certificatesv1 "k8s.io/api/certificates/v1"

	"github.com/csrtui/csrtui/certs"
)

// The console holds no certificate: a summary keeps what it decoded of one
// and the SHA-256 of status.certificate (certs.Summary.CertificateSum), not
// the bytes, which would be 4 MB of its heap with 6,000 issued requests
// listed. So the dialogs that write a certificate (e, K) read the request
// again (Reader) when they open, and take what they read only when it is
// what the admin was shown: the same object (UID), and the same
// status.certificate, every byte (its SHA-256).
//
// They read on open rather than on enter: the export shows every
// certificate the file will hold (a signer may add any after the issued
// one) before the admin answers, a read that fails says so before a path
// is typed, and enter then writes at once what was shown, with no call to
// the cluster between the answer and the file. The read is a command, so
// keys and snapshots go on meanwhile; the dialog says it is reading, and
// enter writes nothing until it has read. The Reader bounds the read with
// the request timeout.
//
// An answer that is not the certificate shown (another object under the
// name, another certificate, none, or an error) closes the dialog for a
// notice, as a drift does (binding.go), with one line on the status line;
// nothing is written.

// certificateRead is what a dialog read of the certificate it writes.
type certificateRead struct {
	id       int      // the dialog's: an answer to another dialog is dropped
	file     []byte   // the certificate file (certs.ExportCertificates); nil until read
	subjects []string // of each certificate in file, in order, raw
}

// certificateReadMsg answers the read of the dialog id.
type certificateReadMsg struct {
	id  int
	csr *certificatesv1.CertificateSigningRequest
	err error
}

func (certificateReadMsg) forDialog() {}

// reading reports whether the certificate is still on its way.
func (c *certificateRead) reading() bool { return c.file == nil }

// readCertificateCmd reads the request called name again for the dialog id.
func readCertificateCmd(r Reader, id int, name string) tea.Cmd {
	return func() tea.Msg {
		csr, err := r.Get(context.Background(), name)
		return certificateReadMsg{id: id, csr: csr, err: err}
	}
}

// take takes the answer to c's read: nil when it is the certificate b
// showed, which c then holds; else the notice that takes the dialog's place.
// An answer to another dialog, or a second one, is dropped (nil).
func (c *certificateRead) take(msg certificateReadMsg, b *binding) outcome {
	if msg.id != c.id || !c.reading() {
		return nil
	}
	file, subjects, why := checkRead(msg, b)
	switch {
	case msg.err != nil && why.String() != "":
		return noticeOutcome{b: b, title: "Not written", why: why}
	case why.String() != "":
		return noticeOutcome{b: b, why: why}
	}
	c.file, c.subjects = file, subjects
	return nil
}

// checkRead is the certificate file of the request msg read, and its
// subjects, when it is the certificate b showed; else why it is not.
func checkRead(msg certificateReadMsg, b *binding) (file []byte, subjects []string, why certs.Text) {
	name := quoted(b.name)
	var st apiStatus
	switch {
	case msg.err != nil && errors.As(msg.err, &st) && st.Status().Code == http.StatusNotFound:
		return nil, nil, certs.Concat(name, lit(" is gone (deleted, or cleaned up by the cluster) since you opened it."))
	case msg.err != nil:
		// The Reader's words name the request: a 403 names the rule, a
		// timeout says so.
		return nil, nil, certs.Concat(lit("Nothing written: "), certs.Sanitize(msg.err.Error()))
	case msg.csr == nil:
		return nil, nil, certs.Concat(lit("The cluster said nothing of "), name, lit(" when asked for its certificate."))
	case string(msg.csr.UID) != b.uid:
		return nil, nil, certs.Concat(name, lit(" was replaced by a different request since you opened it; look again."))
	case certs.SumCertificate(msg.csr.Status.Certificate) != b.sum:
		return nil, nil, certs.Concat(lit("The certificate of "), name,
			lit(" is not the one shown (its SHA-256 differs): look again."))
	}
	file, subjects, err := certs.ExportCertificates(msg.csr.Status.Certificate)
	if err != nil {
		return nil, nil, certs.Concat(name, lit(": the certificate can't be exported: "), certs.Sanitize(err.Error()))
	}
	return file, subjects, certs.Text{}
}
