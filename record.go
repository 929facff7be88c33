package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/csrtui/csrtui/certs"
)

// recordFile is the record's file name in csrtui's state folder.
const recordFile = "decisions.jsonl"

// defaultRecordPath is where the record is kept without --log: in the
// user's state folder, $XDG_STATE_HOME, or ~/.local/state when that is not
// set or not an absolute path (the XDG Base Directory Specification).
func defaultRecordPath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "csrtui", recordFile), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the record (%w): --log FILE names one, --log= keeps none", err)
	}
	return filepath.Join(home, ".local", "state", "csrtui", recordFile), nil
}

// recorder keeps the record for the console and the commands: it stamps
// each entry with the time, where csrtui is connected and who the admin
// is, and appends it (certs.AppendRecord); it reads the record back for the
// console's L. It is the ui's and the cli's Recorder.
type recorder struct {
	path string
	now  func() time.Time
	// waitForIdentity: a command asks who the admin is before its first
	// line, and waits for the answer; the console asks once it starts and
	// never waits, recording the kubeconfig's user meanwhile.
	waitForIdentity bool

	mu      sync.Mutex
	context string
	server  string
	user    string // the kubeconfig's, until the apiserver says
	whoami  func(context.Context) (string, []string, error)
	admin   *certs.RecordAdmin // once the apiserver said
	lastErr string             // why it could not say, the last time it was asked
	asking  bool               // the console's question is on its way
	asked   bool               // a command's question was asked: once is enough
}

// connected tells the recorder where csrtui is connected, as whom by the
// kubeconfig, and how to ask the apiserver who that is.
func (r *recorder) connected(contextName, server, user string, whoami func(context.Context) (string, []string, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.context, r.server, r.user, r.whoami = contextName, server, user, whoami
	r.admin, r.lastErr, r.asked = nil, "", false
}

// Path is the record's file.
func (r *recorder) Path() string { return r.path }

// Check says why the record can't be kept at its path, before anything is
// done: a symbolic link, a folder, a folder that can't be made.
func (r *recorder) Check() error {
	if err := certs.CheckRecordFile(r.path); err != nil {
		return fmt.Errorf("can't keep the record: %w (--log FILE names another file, --log= keeps none)", err)
	}
	return nil
}

// Record appends e, stamped, as one line.
func (r *recorder) Record(ctx context.Context, e certs.RecordEntry) error {
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	e.Time = now()
	e.Context, e.Server, e.Admin = r.stamp(ctx)
	line, err := certs.MarshalRecordLine(e)
	if err != nil {
		return err
	}
	return certs.AppendRecord(r.path, line)
}

// stamp is where csrtui is connected and who the admin is, as far as the
// apiserver has said. Until it has, the admin is the kubeconfig's user,
// marked unverified, with why.
func (r *recorder) stamp(ctx context.Context) (contextName, server string, admin certs.RecordAdmin) {
	if r.waitForIdentity {
		r.mu.Lock()
		first := !r.asked
		r.asked = true
		r.mu.Unlock()
		if first {
			r.ask(ctx)
		}
	} else {
		r.askInBackground()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.admin != nil {
		return r.context, r.server, *r.admin
	}
	why := r.lastErr
	if why == "" {
		why = "the apiserver has not said yet"
	}
	return r.context, r.server, certs.RecordAdmin{User: r.user, Error: "identity unknown: " + why}
}

// ask asks the apiserver who the admin is, unless it has said already.
func (r *recorder) ask(ctx context.Context) {
	r.mu.Lock()
	whoami := r.whoami
	if r.admin != nil || whoami == nil {
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	user, groups, err := whoami(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.lastErr = err.Error()
		return
	}
	r.admin = &certs.RecordAdmin{User: user, Groups: groups, Verified: true}
}

// askInBackground asks, unless the apiserver has said or is being asked;
// the channel closes once the answer is in (nil: nothing asked).
func (r *recorder) askInBackground() <-chan struct{} {
	r.mu.Lock()
	if r.admin != nil || r.whoami == nil || r.asking {
		r.mu.Unlock()
		return nil
	}
	r.asking = true
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.ask(context.Background()) // bounded by the client's request timeout
		r.mu.Lock()
		r.asking = false
		r.mu.Unlock()
	}()
	return done
}

// Read reads the record back: at most its last certs.MaxRecordRead bytes
// whole, and from the rest the lines of certificates still valid at now.
// No file yet is an empty record.
func (r *recorder) Read(now time.Time) (certs.RecordLog, error) {
	return readRecord(r.path, certs.MaxRecordRead, now)
}

// readRecord reads the last limit bytes of the record at path whole, and
// scans what comes before them for the lines of certificates still valid
// at now, keeping those alone: memory stays bounded by limit and by the
// certificates still valid, however long the file. A line longer than
// limit is counted unreadable, never held.
func readRecord(path string, limit int64, now time.Time) (certs.RecordLog, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return certs.RecordLog{}, nil
	case err != nil:
		return certs.RecordLog{}, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return certs.RecordLog{}, fmt.Errorf("record %s is a symbolic link: %w", path, certs.ErrRecordNotAFile)
	case !fi.Mode().IsRegular():
		return certs.RecordLog{}, fmt.Errorf("record %s is a folder, a pipe, a device or a socket: %w", path, certs.ErrRecordNotAFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return certs.RecordLog{}, err
	}
	defer func() { _ = f.Close() }()
	if fi, err = f.Stat(); err != nil {
		return certs.RecordLog{}, err
	}
	if !fi.Mode().IsRegular() {
		return certs.RecordLog{}, fmt.Errorf("record %s is a folder, a pipe, a device or a socket: %w", path, certs.ErrRecordNotAFile)
	}
	// The file may grow while it is read: only what was there.
	size := fi.Size()
	tail := max(size-limit, 0)
	// From the byte before the end read whole: ParseRecord drops what comes
	// before the first newline, which is then that byte alone when the cut
	// falls between two lines.
	from := max(tail-1, 0)
	data := make([]byte, size-from)
	if _, err := f.ReadAt(data, from); err != nil && !errors.Is(err, io.EOF) {
		return certs.RecordLog{}, err
	}
	log := certs.ParseRecord(data, tail > 0)
	if tail > 0 {
		// The lines that start before the end read whole; the one the cut
		// falls in is read here, whole, and ParseRecord dropped its end.
		earlier, unreadable, err := scanEarlier(io.NewSectionReader(f, 0, size), tail, limit, now)
		if err != nil {
			return certs.RecordLog{}, err
		}
		log.Earlier, log.Unreadable = earlier, log.Unreadable+unreadable
	}
	return log, nil
}

// scanEarlier reads the lines of r that start before end, and keeps those of
// certificates still valid at now (certs.StillValidLine); it counts the
// lines it can't read, those longer than maxLine among them.
func scanEarlier(r io.Reader, end, maxLine int64, now time.Time) (kept []certs.RecordEntry, unreadable int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for at := int64(0); at < end; {
		line, n, whole, err := readLine(br, maxLine)
		if n == 0 {
			return kept, unreadable, nil
		}
		at += n
		switch {
		case err != nil && !errors.Is(err, io.EOF):
			return nil, 0, err
		case len(bytes.TrimSpace(line)) == 0 && whole:
		case !whole:
			unreadable++
		default:
			if e, ok := certs.ParseRecordLine(line); !ok {
				unreadable++
			} else if e, ok := certs.StillValidLine(e, now); ok {
				kept = append(kept, e)
			}
		}
	}
	return kept, unreadable, nil
}

// readLine reads a line of br, n bytes with its newline; whole is false
// when it was longer than maxLine (then line is nil: it is skipped, not
// held), or ended without a newline, cut short.
func readLine(br *bufio.Reader, maxLine int64) (line []byte, n int64, whole bool, err error) {
	long := false
	for {
		frag, err := br.ReadSlice('\n')
		n += int64(len(frag))
		if !long && int64(len(line)+len(frag)) > maxLine+1 {
			long, line = true, nil
		}
		if !long {
			line = append(line, frag...)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			ended := err == nil // a newline, not the end of the file
			return bytes.TrimSuffix(line, []byte{'\n'}), n, ended && !long, err
		}
	}
}
