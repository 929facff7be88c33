package ui

import (
	"context"

	"github.com/csrtui/csrtui/certs"
)

// Every approve and deny the console writes, alone or in bulk, goes through
// decideOne: the one place that performs a decision, records it, and says
// what came of both, so that a decision is kept in the record the same way
// whichever key made it.

// decisionRequest is one decision to write: on the request called name, only
// while it has uid.
type decisionRequest struct {
	decision certs.Decision
	name     string // raw
	uid      string
	message  string // recorded on the condition
}

// decisionResult is what came of a decision, and of its line in the record.
type decisionResult struct {
	decisionRequest
	already   *certs.Decided // the same decision was there already: nothing was written
	err       error
	recordErr error // the record missed it
}

// decideOne writes r through d, then appends entry, the line of the decision
// but for its outcome, when rec keeps a record: right after, so the line
// follows the decision. It adds no deadline: the Decider bounds each call
// with the request timeout.
func decideOne(ctx context.Context, d Decider, rec Recorder, r decisionRequest, entry certs.RecordEntry) decisionResult {
	var res decisionResult
	res.decisionRequest = r
	if r.decision == certs.Approve {
		res.already, res.err = d.Approve(ctx, r.name, r.uid, r.message)
	} else {
		res.already, res.err = d.Deny(ctx, r.name, r.uid, r.message)
	}
	res.recordErr = recordResult(ctx, rec, entry, res.already, res.err)
	return res
}

// deleteOne deletes the request name while it has uid and is at rv through
// del, then appends entry, the line of the delete but for its outcome, when
// rec keeps a record. gone is true when there was no request of that name.
func deleteOne(ctx context.Context, del Deleter, rec Recorder, name, uid, rv string, entry certs.RecordEntry) (gone bool, err, recordErr error) {
	gone, err = del.Delete(ctx, name, uid, rv)
	if rec == nil {
		return gone, err, nil
	}
	entry.SetOutcome(nil, err)
	if gone {
		entry.Outcome, entry.Detail = certs.OutcomeAlready, "no request of that name: gone already"
	}
	return gone, err, rec.Record(ctx, entry)
}
