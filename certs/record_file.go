package certs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The record's file is only ever appended to: opened O_APPEND, never
// truncated, never replaced. Each line goes out in one write(2), so lines
// of two csrtui instances appending at once never mix (POSIX: with
// O_APPEND, the seek to the end and the write are one atomic step). It is
// created 0600 in a folder created 0700: it names who holds which
// credentials. A symbolic link or anything but a regular file at its path
// is refused: csrtui never appends to a file it did not mean to.

// ErrRecordOthersWrite is wrapped by the error for a record file that
// anyone may write to (mode o+w): its lines could have been forged, and a
// ledger nobody can trust is worse than none. As ssh does with a key
// others can write, csrtui refuses it until its mode is mended.
var ErrRecordOthersWrite = errors.New("anyone may write to it: chmod o-w it")

// ErrRecordNotAFile is wrapped by the error for a path that is not a
// regular file: a symbolic link, a folder, a pipe, a device.
var ErrRecordNotAFile = errors.New("csrtui appends only to a regular file")

// CheckRecordFile makes sure path can take the record: its folder made
// (0700) when missing, the file created (0600) when missing, and a regular
// file. Nothing is written.
func CheckRecordFile(path string) error {
	f, err := openRecord(path)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	return nil
}

// AppendRecord appends line, one line of the record ending in its only
// newline (MarshalRecordLine), to the file at path, in one write, and waits
// until it is on disk. A file whose last line was cut short (no newline)
// gets a newline first, in the same write, so that the new line stays
// whole.
func AppendRecord(path string, line []byte) error {
	if len(line) == 0 || bytes.IndexByte(line, '\n') != len(line)-1 {
		return fmt.Errorf("record %s: not one line", path)
	}
	f, err := openRecord(path)
	if err != nil {
		return err
	}
	if !endsInNewline(path, f) {
		line = append([]byte{'\n'}, line...)
	}
	n, err := f.Write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	return nil
}

// openRecord opens the record for appending, creating it and its folder
// when missing, and refuses anything but a regular file.
func openRecord(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("record %s: %w", path, err)
	}
	// Said first, in words: the open below refuses a link too (O_NOFOLLOW)
	// should one appear in between, with a terser error.
	if fi, err := os.Lstat(path); err == nil {
		if err := recordFileKind(path, fi); err != nil {
			return nil, err
		}
	}
	// O_NONBLOCK: a pipe that appeared at the path does not hold the open
	// until a reader comes; the Stat below refuses it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|noFollow|nonBlock, 0o600)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = recordFileKind(path, fi)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// recordFileKind says why fi, the file at path, can't hold the record.
func recordFileKind(path string, fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		return fmt.Errorf("record %s is a symbolic link: %w", path, ErrRecordNotAFile)
	case m.IsDir():
		return fmt.Errorf("record %s is a folder: %w", path, ErrRecordNotAFile)
	case !m.IsRegular():
		return fmt.Errorf("record %s is a pipe, a device or a socket: %w", path, ErrRecordNotAFile)
	case m.Perm()&0o002 != 0:
		return fmt.Errorf("record %s (mode %04o): %w", path, m.Perm(), ErrRecordOthersWrite)
	}
	return nil
}

// endsInNewline reports whether the file w, open at path, is empty or ends
// in a newline. It reads through a second descriptor (w is write-only), the
// same file; when it can't tell, it says yes, and the line is written as it
// is.
func endsInNewline(path string, w *os.File) bool {
	wi, err := w.Stat()
	if err != nil || wi.Size() == 0 {
		return true
	}
	r, err := os.OpenFile(path, os.O_RDONLY|noFollow|nonBlock, 0)
	if err != nil {
		return true
	}
	defer func() { _ = r.Close() }()
	ri, err := r.Stat()
	if err != nil || !os.SameFile(wi, ri) || ri.Size() == 0 {
		return true
	}
	last := make([]byte, 1)
	if _, err := r.ReadAt(last, ri.Size()-1); err != nil {
		return true
	}
	return last[0] == '\n'
}
