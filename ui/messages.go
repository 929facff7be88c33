package ui

import "github.com/csrtui/csrtui/certs"

// Messages the model sends itself. Each carries values, never the model.

// dialogMsg is a message for the open dialog: the answer to a question it
// asked (a file read, a dry run). The dialog checks it is its own.
type dialogMsg interface{ forDialog() }

type (
	// snapshotMsg carries a new sorted list of CSRs from the Source.
	snapshotMsg struct {
		summaries []*certs.Summary
		loading   bool  // !Source.Loaded at the time of the snapshot
		err       error // Source.Err at the time of the snapshot
		// waited: no change was waiting when the console listened (not a
		// burst: listenAfterPause).
		waited bool
	}

	// listenMsg ends the pause after a snapshot: the model waits for the
	// Source's next change again.
	listenMsg struct{}

	// tickMsg re-renders the relative times on screen. gen ties it to the
	// tick that was scheduled last, so a superseded tick is ignored.
	tickMsg struct {
		gen int
	}

	// decisionMsg is the outcome of an approve or deny, and of its line in
	// the record.
	decisionMsg struct {
		decisionResult
	}

	// recordedMsg says whether a line of the record the console wrote on
	// its own was written: the certificate of an approval, once issued.
	recordedMsg struct {
		what certs.Text // whose line it is
		err  error
	}

	// recordReadMsg carries the record, read back for L. gen ties it to
	// the read asked last.
	recordReadMsg struct {
		gen int
		log certs.RecordLog
		err error
	}

	// permissionsMsg answers what csrtui's own identity may do, for signers.
	permissionsMsg struct {
		signers []string
		perms   certs.Permissions
		err     error
	}

	// permissionsTickMsg asks the cluster again what csrtui may do. gen ties
	// it to the timer scheduled last.
	permissionsTickMsg struct {
		gen int
	}

	// capabilitiesMsg answers "what could this identity do" for one CSR.
	capabilitiesMsg struct {
		uid  string
		caps []certs.Capability
		err  error
	}

	// inspectMsg fires after the cursor rests on a CSR in the side panel, so
	// that scrolling through the list does not ask the cluster about every row.
	inspectMsg struct {
		uid string
	}

	// exportMsg is the outcome of writing a file.
	exportMsg struct {
		fileWrite // its path is the absolute path tried
		err       error
		exists    bool  // the file exists and overwrite was not asked for
		recordErr error // the record missed it
	}
)
