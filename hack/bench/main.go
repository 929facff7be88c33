// Command bench measures csrtui against `kubectl get csr` on a local control plane
// holding 10,000 certificate signing requests, and prints one table:
//
//	go run ./hack/bench          (make bench)
//
// Every figure is taken from the real, release-built program (CGO_ENABLED=0 -s -w -trimpath) in a
// real terminal (tmux), its screen timings from the trace csrtui writes when
// CSRTUI_TRACE is set (trace.go), and compared with kubectl in the same run. The go
// benchmarks of the decoder, the store and the console run too, unless -go-bench=false.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/csrtui/csrtui/e2e/controlplane"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type bench struct {
	cp          *controlplane.ControlPlane
	seeder      *seeder
	dir         string
	csrtui      string
	kubectlPath string
	total       int // requests in the cluster

	runs        int
	idle        time.Duration
	probes      int
	churnRounds int
	churnSize   int
	bulkSize    int
	seeded      time.Time // when the seeding ended
}

// cleanerSafe is how long after the seeding a step may end: the issued and
// denied requests seeded first are an hour old a little after that.
const cleanerSafe = 50 * time.Minute

func run() error {
	b := &bench{}
	flag.IntVar(&b.total, "csrs", 10000, "requests to seed (12 in 20 issued, 1 denied, 7 pending)")
	flag.IntVar(&b.runs, "runs", 5, "runs of each measurement")
	flag.DurationVar(&b.idle, "idle", time.Minute, "how long idle CPU is measured")
	flag.IntVar(&b.probes, "probes", 200, "requests created one by one to time their row")
	flag.IntVar(&b.churnRounds, "churn-rounds", 10, "rounds of creating and deleting requests")
	flag.IntVar(&b.churnSize, "churn-size", 1000, "requests created and deleted each round")
	flag.IntVar(&b.bulkSize, "bulk", 1000, "requests approved at once from the console")
	goBench := flag.Bool("go-bench", true, "also run the go benchmarks (decode, findings, snapshot, Update/View)")
	only := flag.String("only", "", "measure only these, comma-separated: start, idle (with memory and churn), latency, bulk, go")
	hold := flag.Bool("hold", false, "seed, print the KUBECONFIG to use, and keep the cluster until Ctrl+C instead of measuring (to profile by hand)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	began := time.Now()

	var err error
	if b.dir, err = os.MkdirTemp("", "csrtui-bench-"); err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(b.dir) }()

	b.csrtui = filepath.Join(b.dir, "csrtui")
	logf("building csrtui as released (CGO_ENABLED=0 -trimpath -ldflags '-s -w')")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", b.csrtui, ".")
	// As .goreleaser.yaml builds it: with cgo, a package that imports plugin
	// makes the linker keep every exported symbol, and the binary is larger.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	st, err := os.Stat(b.csrtui)
	if err != nil {
		return err
	}
	binaryMB := float64(st.Size()) / (1 << 20)

	logf("starting the control plane")
	b.cp, err = controlplane.Start(ctx, controlplane.Options{Dir: filepath.Join(b.dir, "cluster")})
	if err != nil {
		return err
	}
	defer func() { _ = b.cp.Stop() }()
	if b.kubectlPath, err = b.cp.KubectlPath(); err != nil {
		return err
	}
	if b.seeder, err = newSeeder(ctx, b.cp); err != nil {
		return err
	}
	logf("seeding %d requests", b.total)
	took, err := b.seeder.seed(ctx, b.total)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	b.seeded = time.Now()
	logf("seeded in %v (%.0f requests/s; the issued ones approved, then given a certificate signed by the cluster CA)",
		took.Round(100*time.Millisecond), float64(b.total)/took.Seconds())

	if *hold {
		fmt.Printf("export KUBECONFIG=%s\n", b.cp.AdminKubeconfig)
		fmt.Println("# to profile: go build -tags pprof -trimpath -ldflags '-s -w' -o csrtui-pprof . && CSRTUI_PPROF=127.0.0.1:6060 ./csrtui-pprof")
		<-ctx.Done()
		return nil
	}

	want := func(step string) bool {
		return *only == "" || slices.Contains(strings.Split(*only, ","), step)
	}
	var figs []*figure
	for _, step := range []struct {
		name string
		run  func(context.Context) ([]*figure, error)
	}{{"start", b.startup}, {"idle", b.idleAndChurn}, {"latency", b.latency}, {"bulk", b.bulk}} {
		if !want(step.name) {
			continue
		}
		f, err := step.run(ctx)
		if err != nil {
			return err
		}
		// kube-controller-manager's cleaner deletes issued and denied
		// requests an hour after their decision: 6,500 deletes in the middle
		// of a measurement, and a list no longer the one seeded.
		if since := time.Since(b.seeded); since > cleanerSafe {
			return fmt.Errorf("%v since the seeding after %s: the cluster's cleaner deletes decided requests an hour after their decision, so nothing after this is measured on the seeded list (measure fewer steps with -only)", since.Round(time.Second), step.name)
		}
		figs = append(figs, f...)
	}
	if err := b.cp.Stop(); err != nil {
		return err
	}

	keystroke := &figure{name: "keystroke Update+View p99, 200x60 (ms)", goal: 1, absolute: true}
	if *goBench && want("go") {
		p99, err := goBenchmarks(ctx, b.runs)
		if err != nil {
			return err
		}
		keystroke.csrtui = p99
	}
	figs = slices.Insert(figs, min(3, len(figs)), keystroke)
	if !want("bulk") {
		figs = append(figs, bulkFigure(b.bulkSize))
	}

	fmt.Printf("\n%d CSRs (%d issued, %d denied, %d pending), %d runs each; csrtui %.0f MB binary; %s\n\n",
		b.total, count(b.total, issued), count(b.total, denied), count(b.total, pending), b.runs, binaryMB, machine())
	printTable(os.Stdout, figs)
	logf("done in %v", time.Since(began).Round(time.Second))
	return nil
}

func count(n int, o outcome) int {
	c := 0
	for i := range n {
		if outcomeOf(i) == o {
			c++
		}
	}
	return c
}

// startup times the start to the full list on screen, against kubectl get csr to its
// last line, one after the other.
func (b *bench) startup(ctx context.Context) ([]*figure, error) {
	f := &figure{name: "start to full list on screen (s)", goal: 0.25}
	for r := range b.runs {
		k, err := b.kubectlList(b.total)
		if err != nil {
			return nil, err
		}
		c, err := b.startConsole(ctx, "")
		if err != nil {
			return nil, err
		}
		e, err := c.waitEvent(ctx, "the list", time.Minute, func(e traceEvent) bool { return e.kind == "list" })
		c.stop()
		if err != nil {
			return nil, err
		}
		if e.arg != strconv.Itoa(b.total) {
			return nil, fmt.Errorf("the first list held %s requests, want %d", e.arg, b.total)
		}
		s := e.at.Sub(c.started)
		logf("start %d: csrtui %v, kubectl %v", r+1, s.Round(time.Millisecond), k.Round(time.Millisecond))
		f.csrtui = append(f.csrtui, s.Seconds())
		f.kubectl = append(f.kubectl, k.Seconds())
	}
	return []*figure{f}, nil
}

// idleAndChurn runs b.runs consoles and as many `kubectl get csr --watch` side by side:
// their CPU over b.idle with nothing changing and their memory then, and then their
// memory over rounds of requests created and deleted.
func (b *bench) idleAndChurn(ctx context.Context) ([]*figure, error) {
	var (
		cs []*console
		ws []*watcher
	)
	defer func() {
		for _, c := range cs {
			c.stop()
		}
		for _, w := range ws {
			w.stop()
		}
	}()
	for range b.runs {
		c, err := b.startConsole(ctx, "")
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
		w, err := b.startWatcher()
		if err != nil {
			return nil, err
		}
		ws = append(ws, w)
	}
	for _, c := range cs {
		if _, err := c.waitEvent(ctx, "the list", time.Minute, func(e traceEvent) bool { return e.kind == "list" }); err != nil {
			return nil, err
		}
	}
	for _, w := range ws {
		if err := waitUntil(ctx, time.Minute, func() (bool, error) { return w.count() >= b.total, nil }); err != nil {
			return nil, fmt.Errorf("kubectl get csr --watch printed %d requests: %w", w.count(), err)
		}
	}
	pids := make([]int, 0, 2*b.runs)
	for i := range cs {
		pids = append(pids, cs[i].pid, ws[i].pid())
	}
	// Whatever the start left to do is done first: decoding, and what follows
	// the list for tens of seconds on 10,000 requests (the access reviews of
	// the requesters, the findings they change, the collections after).
	if err := settleFor(ctx, pids, quietBeforeIdle, 0.001); err != nil {
		return nil, err
	}

	logf("measuring idle CPU over %v", b.idle)
	before := make([]time.Duration, len(pids))
	for i, pid := range pids {
		var err error
		if before[i], err = cpuTime(pid); err != nil {
			return nil, err
		}
	}
	select {
	case <-time.After(b.idle):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	cpu := &figure{name: "CPU while idle, over " + b.idle.String() + " (% of a core)", goal: 0.1, absolute: true}
	mem := &figure{name: fmt.Sprintf("RSS with %d listed (MB)", b.total), goal: 60, absolute: true}
	for i, pid := range pids {
		after, err := cpuTime(pid)
		if err != nil {
			return nil, err
		}
		m, err := rss(pid)
		if err != nil {
			return nil, err
		}
		pct := 100 * (after - before[i]).Seconds() / b.idle.Seconds()
		if i%2 == 0 {
			cpu.csrtui, mem.csrtui = append(cpu.csrtui, pct), append(mem.csrtui, float64(m)/(1<<20))
		} else {
			cpu.kubectl, mem.kubectl = append(cpu.kubectl, pct), append(mem.kubectl, float64(m)/(1<<20))
		}
	}

	growth := &figure{name: fmt.Sprintf("RSS after %d rounds of +/-%d, over round 1", b.churnRounds, b.churnSize), goal: 1.05, absolute: true}
	first := make([]int64, len(pids))
	labels := map[string]string{"bench": "churn"}
	for round := 1; round <= b.churnRounds; round++ {
		marks := make([]int, len(cs))
		for i, c := range cs {
			marks[i] = len(c.trace())
		}
		err := parallel(ctx, b.churnSize, func(ctx context.Context, i int) error {
			_, err := b.seeder.create(ctx, i+3, fmt.Sprintf("churn-%02d-%04d", round, i), "", labels) // pending kinds
			return err
		})
		if err != nil {
			return nil, err
		}
		if err := b.waitRows(ctx, cs, marks, b.total+b.churnSize); err != nil {
			return nil, err
		}
		err = b.seeder.admin.CertificatesV1().CertificateSigningRequests().DeleteCollection(ctx,
			metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "bench=churn"})
		if err != nil {
			return nil, err
		}
		if err := b.waitRows(ctx, cs, marks, b.total); err != nil {
			return nil, err
		}
		// Read at rest, as the RSS with 10,000 listed is: what a process
		// keeps, not where its collector happened to be half a second after
		// the deletes (that moved the figure by 5% from run to run).
		if err := settleFor(ctx, pids, atRest, 0.01); err != nil {
			return nil, err
		}
		var now []string
		for i, pid := range pids {
			m, err := rss(pid)
			if err != nil {
				return nil, err
			}
			if round == 1 {
				first[i] = m
			}
			if round == b.churnRounds {
				ratio := float64(m) / float64(first[i])
				if i%2 == 0 {
					growth.csrtui = append(growth.csrtui, ratio)
				} else {
					growth.kubectl = append(growth.kubectl, ratio)
				}
			}
			if i%2 == 0 {
				now = append(now, fmt.Sprintf("%.0f", float64(m)/(1<<20)))
			}
		}
		logf("churn round %d: csrtui RSS %s MB", round, strings.Join(now, " "))
	}
	return []*figure{mem, cpu, growth}, nil
}

// waitRows waits until every console, after the trace line marks[i], drew a list of n.
func (b *bench) waitRows(ctx context.Context, cs []*console, marks []int, n int) error {
	for i, c := range cs {
		err := waitUntil(ctx, 2*time.Minute, func() (bool, error) {
			t := c.trace()
			for _, e := range t[min(marks[i], len(t)):] {
				if e.kind == "rows" && e.arg == strconv.Itoa(n) {
					marks[i] = len(t)
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("waiting for a list of %d: %w", n, err)
		}
	}
	return nil
}

// quietBeforeIdle is how long every process must have used under 0.1% of a
// core before idle CPU is measured.
const quietBeforeIdle = 10 * time.Second

// atRest is how long every process must have used under 1% of a core before
// memory after a round of churn is read, or a bulk run starts: the console's
// start, or a round's work, is done (a console frees what it can 5 s after
// its last collection, gc.go). Under 0.1% would wait on the console redrawing
// a row whose age changed, once a minute for each second the visible rows
// were created in: with five consoles, some 10 s are never that quiet.
const atRest = 8 * time.Second

// settleFor waits until none of pids used more than share of a core over the
// last quiet, for up to 3 minutes (then it says so, and returns).
func settleFor(ctx context.Context, pids []int, quiet time.Duration, share float64) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ok, err := calm(ctx, pids, quiet, share)
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			logf("not under %.1f%% of a core for %v within 3 minutes: measuring anyway", 100*share, quiet)
			return nil
		}
	}
}

// settle waits until none of pids used more than 1% of a core over half a
// second, for up to a minute (then it fails).
func settle(ctx context.Context, pids []int) error {
	return waitUntil(ctx, time.Minute, func() (bool, error) {
		return calm(ctx, pids, 500*time.Millisecond, 0.01)
	})
}

// calm reports whether none of pids used more than share of a core over the
// next quiet.
func calm(ctx context.Context, pids []int, quiet time.Duration, share float64) (bool, error) {
	before := make([]time.Duration, len(pids))
	for i, pid := range pids {
		t, err := cpuTime(pid)
		if err != nil {
			return false, err
		}
		before[i] = t
	}
	if err := sleep(ctx, quiet); err != nil {
		return false, err
	}
	for i, pid := range pids {
		t, err := cpuTime(pid)
		if err != nil {
			return false, err
		}
		if float64(t-before[i]) > share*float64(quiet) {
			return false, nil
		}
	}
	return true, nil
}

// latency creates b.probes requests one by one and times each from the create call
// to its row on csrtui's screen and to its line from kubectl get csr --watch. Each is
// deleted once both showed it, so that the newest row stays on the first screen.
func (b *bench) latency(ctx context.Context) ([]*figure, error) {
	f := &figure{name: fmt.Sprintf("CSR created -> its row on screen, p99 of %d (ms)", b.probes), goal: 150, absolute: true}
	for r := range b.runs {
		prefix := fmt.Sprintf("probe-%d-", r)
		c, err := b.startConsole(ctx, prefix)
		if err != nil {
			return nil, err
		}
		w, err := b.startWatcher()
		if err != nil {
			c.stop()
			return nil, err
		}
		ct, kt, err := b.probe(ctx, c, w, prefix)
		c.stop()
		w.stop()
		if err != nil {
			return nil, err
		}
		logf("latency %d: csrtui p99 %.0f ms (median %.0f), kubectl --watch p99 %.0f ms (median %.0f)", r+1,
			p99(ct), median(ct), p99(kt), median(kt))
		f.csrtui = append(f.csrtui, p99(ct))
		f.kubectl = append(f.kubectl, p99(kt))
	}
	return []*figure{f}, nil
}

func (b *bench) probe(ctx context.Context, c *console, w *watcher, prefix string) (csrtui, kubectl []float64, err error) {
	if _, err := c.waitEvent(ctx, "the list", time.Minute, func(e traceEvent) bool { return e.kind == "list" }); err != nil {
		return nil, nil, err
	}
	if err := waitUntil(ctx, time.Minute, func() (bool, error) { return w.count() >= b.total, nil }); err != nil {
		return nil, nil, err
	}
	if err := settle(ctx, []int{c.pid, w.pid()}); err != nil {
		return nil, nil, err
	}
	csrs := b.seeder.admin.CertificatesV1().CertificateSigningRequests()
	labels := map[string]string{"bench": "probe"}
	for i := range b.probes {
		name := fmt.Sprintf("%s%03d", prefix, i)
		sent := time.Now()
		if _, err := b.seeder.create(ctx, 3, name, "", labels); err != nil {
			return nil, nil, err
		}
		e, err := c.waitEvent(ctx, name, 10*time.Second, func(e traceEvent) bool { return e.kind == "row" && e.arg == name })
		if err != nil {
			return nil, nil, err
		}
		var seen time.Time
		if err := waitUntil(ctx, 10*time.Second, func() (bool, error) {
			var ok bool
			seen, ok = w.seenAt(name)
			return ok, nil
		}); err != nil {
			return nil, nil, fmt.Errorf("kubectl --watch never printed %s: %w", name, err)
		}
		csrtui = append(csrtui, float64(e.at.Sub(sent).Microseconds())/1000)
		kubectl = append(kubectl, float64(seen.Sub(sent).Microseconds())/1000)
		if err := csrs.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			return nil, nil, err
		}
		// Requests arrive at no fixed pace.
		time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
	}
	return csrtui, kubectl, nil
}

// goBenchmarks runs the go benchmarks, prints their output and returns the p99 of a
// keystroke's Update+View at 200x60 of each run.
func goBenchmarks(ctx context.Context, runs int) ([]float64, error) {
	logf("go benchmarks")
	cmd := exec.CommandContext(ctx, "go", "test", "-run=^$", "-bench=.", "-benchmem", "-benchtime=200ms",
		"-count="+strconv.Itoa(runs), "./certs/", "./ui/")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	fmt.Print(string(out))
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w", err)
	}
	kcmd := exec.CommandContext(ctx, "go", "test", "-short", "-run=^$", "-bench=Snapshot10k", "-benchmem", "-benchtime=1x",
		"-count="+strconv.Itoa(runs), "./kube/")
	kcmd.Stdout, kcmd.Stderr = os.Stdout, os.Stderr
	if err := kcmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench ./kube/: %w", err)
	}
	var p99s []float64
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "BenchmarkKeystroke10k/200x60") {
			continue
		}
		f := strings.Fields(line)
		for i := 1; i < len(f); i++ {
			if f[i] == "p99-ns" {
				v, err := strconv.ParseFloat(f[i-1], 64)
				if err != nil {
					return nil, err
				}
				p99s = append(p99s, v/1e6)
			}
		}
	}
	if len(p99s) == 0 {
		return nil, fmt.Errorf("no p99-ns from BenchmarkKeystroke10k/200x60")
	}
	return p99s, nil
}

// machine names what the figures came from.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(string(data))
		if len(f) > 1 {
			if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
				mem = fmt.Sprintf(", %.0f GB RAM", kb/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%d vCPUs (%s)%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
