package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// bulkFigure is the bulk approval's row of the table.
func bulkFigure(n int) *figure {
	return &figure{name: fmt.Sprintf("bulk approve of %s marked, keypress to all Approved (s)", thousands(n)), goal: 5, absolute: true}
}

// bulkKinds are the kinds of the mix (seeder.request) whose requests have no
// critical or block finding: kubelet client certificates and people's, which
// a bulk approval takes with one y.
var bulkKinds = []int{0, 1, 2, 3, 7, 8}

// bulk times a bulk approval in the console, as an admin makes it: b.bulkSize
// new pending requests, narrowed to with the filter, marked with *, approved
// with A and y; from the trace's bulk-start (the console handled y) to its
// bulk-done (the first frame after the last answer), every request then
// checked Approved in the cluster. There is no kubectl column: `kubectl
// certificate approve` of 1,000 names takes minutes (its client sends five
// requests a second), which would make the benchmark an hour long.
func (b *bench) bulk(ctx context.Context) ([]*figure, error) {
	f := bulkFigure(b.bulkSize)
	csrs := b.seeder.admin.CertificatesV1().CertificateSigningRequests()
	for r := range b.runs {
		prefix := fmt.Sprintf("bulk-%d-", r)
		labels := map[string]string{"bench": "bulk"}
		names, err := b.createPending(ctx, prefix, b.bulkSize, labels)
		if err != nil {
			return nil, err
		}
		c, err := b.startConsole(ctx, "")
		if err != nil {
			return nil, err
		}
		took, err := b.approveInConsole(ctx, c, prefix)
		c.stop()
		if err != nil {
			return nil, err
		}
		if err := b.allApproved(ctx, names); err != nil {
			return nil, err
		}

		logf("bulk %d: csrtui %v for %d", r+1, took.Round(time.Millisecond), b.bulkSize)
		f.csrtui = append(f.csrtui, took.Seconds())
		if err := csrs.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "bench=bulk"}); err != nil {
			return nil, err
		}
	}
	return []*figure{f}, nil
}

// createPending creates n pending requests named prefix and a number, of the
// kinds a bulk approval takes, and returns their names. Each carries its name
// in its subject: a thousand requests of a few hundred requesters would
// otherwise repeat each other, and a bulk approval leaves the superseded
// ones out.
func (b *bench) createPending(ctx context.Context, prefix string, n int, labels map[string]string) ([]string, error) {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	err := parallel(ctx, n, func(ctx context.Context, i int) error {
		_, err := b.seeder.create(ctx, bulkKinds[i%len(bulkKinds)]+10*i, names[i], names[i], labels)
		return err
	})
	return names, err
}

// approveInConsole marks the requests named prefix... in c and approves them,
// and returns the time from the key to the end of the run, as csrtui traced it.
func (b *bench) approveInConsole(ctx context.Context, c *console, prefix string) (time.Duration, error) {
	if _, err := c.waitEvent(ctx, "the list", time.Minute, func(e traceEvent) bool { return e.kind == "list" }); err != nil {
		return 0, err
	}
	// The console's start is done first (the decoding of 11,000 requests,
	// the access reviews of their requesters): the run is timed on its own,
	// as an admin who read the dialog starts it, not racing the start,
	// which has its own row.
	if err := settleFor(ctx, []int{c.pid}, atRest, 0.01); err != nil {
		return 0, err
	}
	if err := c.keys("/"); err != nil {
		return 0, err
	}
	if err := c.typeText(prefix); err != nil {
		return 0, err
	}
	if err := c.keys("Enter"); err != nil {
		return 0, err
	}
	// * marks them all at once; A's dialog follows the list as the requests are
	// decoded, until y approves every one.
	if err := c.keys("*", "A"); err != nil {
		return 0, err
	}
	ready := "y approves " + thousands(b.bulkSize) + "."
	if err := c.waitScreen(ctx, "every marked request decoded", time.Minute, func(s string) bool { return strings.Contains(s, ready) }); err != nil {
		return 0, err
	}
	// A y pressed within a second of the last request becoming ready only
	// asks to look again (nobody could have read the dialog yet): then y
	// again, as an admin would. The time runs from the y that starts the run.
	if err := c.keys("y"); err != nil {
		return 0, err
	}
	again := false
	if err := c.waitScreen(ctx, "the run to start", time.Minute, func(s string) bool {
		again = strings.Contains(s, "look again, then y")
		return again || strings.Contains(s, "at a time. esc stops") || strings.Contains(s, " of "+thousands(b.bulkSize)+" requests")
	}); err != nil {
		return 0, err
	}
	if again {
		if err := c.keys("y"); err != nil {
			return 0, err
		}
	}
	start, err := c.waitEvent(ctx, "the run to start", time.Minute, func(e traceEvent) bool { return e.kind == "bulk-start" })
	if err != nil {
		return 0, err
	}
	done, err := c.waitEvent(ctx, "the run to end", 5*time.Minute, func(e traceEvent) bool { return e.kind == "bulk-done" })
	if err != nil {
		return 0, err
	}
	if start.arg != strconv.Itoa(b.bulkSize) || done.arg != strconv.Itoa(b.bulkSize) {
		return 0, fmt.Errorf("the run started %s requests and approved %s, want %d; last screen:\n%s", start.arg, done.arg, b.bulkSize, c.screen())
	}
	return done.at.Sub(start.at), nil
}

// allApproved checks that each request named is Approved, once.
func (b *bench) allApproved(ctx context.Context, names []string) error {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	list, err := b.seeder.admin.CertificatesV1().CertificateSigningRequests().List(ctx, metav1.ListOptions{LabelSelector: "bench=bulk"})
	if err != nil {
		return err
	}
	approved := 0
	for _, csr := range list.Items {
		if !want[csr.Name] {
			continue
		}
		n := 0
		for _, c := range csr.Status.Conditions {
			if c.Type == certv1.CertificateApproved {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%s has %d Approved conditions, want 1", csr.Name, n)
		}
		approved++
	}
	if approved != len(names) {
		return fmt.Errorf("%d of %d requests approved", approved, len(names))
	}
	return nil
}

// keys sends tmux key names to the console.
func (c *console) keys(keys ...string) error {
	return c.tmux(append([]string{"send-keys", "-t", "bench"}, keys...)...)
}

// typeText sends text literally.
func (c *console) typeText(text string) error {
	return c.tmux("send-keys", "-t", "bench", "-l", text)
}

func (c *console) tmux(args ...string) error {
	if out, err := exec.Command("tmux", append([]string{"-L", c.socket}, args...)...).CombinedOutput(); err != nil {
		return fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// waitScreen waits until the screen satisfies cond, looked at every 100 ms.
func (c *console) waitScreen(ctx context.Context, what string, timeout time.Duration, cond func(string) bool) error {
	deadline := time.Now().Add(timeout)
	for {
		if !alive(c.pid) {
			return fmt.Errorf("csrtui exited; last screen:\n%s", c.screen())
		}
		if cond(c.screen()) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for %s: timed out; screen:\n%s", what, c.screen())
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// thousands writes n with a comma every three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
