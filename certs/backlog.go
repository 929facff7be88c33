package certs

import (
	"iter"
	"slices"
)

// The backlog of a requester that was not answered in time. A kubelet asks
// for its certificate, waits for that one request only (15 minutes,
// certificateWaitTimeout), and when no certificate has come submits a new
// request with a new key (k8s.io/client-go/util/certificate/certificate_manager.go:
// rotateCerts makes a key and a CSR on every attempt, retried with backoff).
// A node whose requests went unanswered for a while so leaves a trail of
// pending requests behind the one it waits for: approving one of those issues
// a certificate for a key the node has thrown away.

// Backlog says which pending requests a newer request of the same requester
// repeats. The zero value holds none.
type Backlog struct {
	// superseded maps a superseded request to the live request that
	// repeats it. Summaries are never mutated, so their pointers are keys.
	superseded map[*Summary]*Summary
}

// BacklogOf groups the pending requests of list by signer and requester
// (spec.username): the newest request of each group is live, and each older
// one whose subject and SANs it repeats exactly is superseded by it.
//
// Creation times have whole seconds, so requests created in the same second
// as the newest are all live: nothing says which of them came last. A request
// not decoded yet (Unchecked) or that can't be decoded repeats nothing and is
// never superseded: its subject is unknown.
func BacklogOf(list []*Summary) Backlog {
	// Two passes over the pending requests, the second without a lookup: it
	// runs on every snapshot of a list that may hold thousands.
	type group struct {
		newest int64      // Unix seconds of the newest request
		live   []*Summary // created in that second: one, unless several were
		n      int
	}
	type member struct {
		s *Summary
		g *group
	}
	groups := map[groupKey]*group{}
	pending := make([]member, 0, len(list)/2) // enough for most lists: one allocation
	for _, s := range list {
		if s.State != StatePending {
			continue
		}
		k := groupKey{signer: s.Signer, requester: s.Username}
		g := groups[k]
		sec := s.Created.Unix()
		switch {
		case g == nil:
			g = &group{newest: sec, live: []*Summary{s}}
			groups[k] = g
		case sec > g.newest:
			g.newest, g.live = sec, append(g.live[:0], s)
		case sec == g.newest:
			g.live = append(g.live, s)
		}
		g.n++
		pending = append(pending, member{s, g})
	}
	var b Backlog
	for _, m := range pending {
		g := m.g
		if g.n < 2 || m.s.Created.Unix() == g.newest {
			continue
		}
		for _, live := range g.live {
			if repeats(live, m.s) {
				if b.superseded == nil { // at most every request but one per group
					b.superseded = make(map[*Summary]*Summary, len(pending)-len(groups))
				}
				b.superseded[m.s] = live
				break
			}
		}
	}
	return b
}

type groupKey struct{ signer, requester string }

// SupersededBy is the live request that repeats s, nil when s is not
// superseded. s is one of the summaries BacklogOf was given.
func (b Backlog) SupersededBy(s *Summary) *Summary {
	if s == nil || b.superseded == nil {
		return nil
	}
	return b.superseded[s]
}

// Superseded reports whether a newer request repeats s.
func (b Backlog) Superseded(s *Summary) bool { return b.SupersededBy(s) != nil }

// ConditionSuperseded is what the console and `csrtui list` show in the
// CONDITION column of a superseded request.
const ConditionSuperseded = "superseded"

// Condition is s's CONDITION cell: kubectl's words, or ConditionSuperseded.
func (b Backlog) Condition(s *Summary) string {
	if b.Superseded(s) {
		return ConditionSuperseded
	}
	return s.Condition
}

// All yields each superseded request with the live request that repeats it,
// in no particular order.
func (b Backlog) All() iter.Seq2[*Summary, *Summary] {
	return func(yield func(*Summary, *Summary) bool) {
		for s, live := range b.superseded {
			if !yield(s, live) {
				return
			}
		}
	}
}

// Len is how many requests are superseded.
func (b Backlog) Len() int { return len(b.superseded) }

// repeats reports whether newer asks for exactly what older asked for: the
// same subject, attribute by attribute in order, and the same SANs of each
// kind, in any order. Requests that are not decoded repeat nothing.
func repeats(newer, older *Summary) bool {
	a, b := newer.Request, older.Request
	if newer.Unchecked || older.Unchecked || a == nil || b == nil {
		return false
	}
	return slices.Equal(a.Subject, b.Subject) &&
		sameValues(a.DNSNames, b.DNSNames) && sameValues(a.IPAddresses, b.IPAddresses) &&
		sameValues(a.EmailAddresses, b.EmailAddresses) && sameValues(a.URIs, b.URIs)
}

// sameValues reports whether a and b hold the same values, in any order.
func sameValues(a, b []string) bool {
	if len(a) == len(b) && slices.Equal(a, b) {
		return true
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
