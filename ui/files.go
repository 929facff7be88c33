package ui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/csrtui/csrtui/certs"
)

// The files the console reads: a request the admin points at, and the
// folders tab completes from. Both are paths typed by a person, so they are
// read with care: only a regular file, only so much of it, and never in a
// way that waits (a named pipe such as /dev/stdin would block an open).

// readRequestFile reads at most certs.MaxRequestFile bytes of the regular
// file at path (a leading ~/ is the home folder). Its errors say what the
// path, as typed, is instead.
func readRequestFile(path string) ([]byte, error) {
	typed := strings.TrimSpace(path)
	abs, err := expandPath(path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", typed)
		}
		return nil, err
	}
	if err := regularFile(typed, fi); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the path have become a pipe since the Stat, the
	// open does not wait for a writer; the Stat of the open file says so.
	f, err := os.OpenFile(abs, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regularFile(typed, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, certs.MaxRequestFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > certs.MaxRequestFile {
		return nil, fmt.Errorf("%s is over %d KiB: a certificate request is a few KiB, so this is not one", typed, certs.MaxRequestFile>>10)
	}
	return data, nil
}

// regularFile says why fi, the file at path, is not a file to read.
func regularFile(path string, fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return fmt.Errorf("%s is a folder: give the request file in it", path)
	case !m.IsRegular():
		return fmt.Errorf("%s is not a regular file (a pipe, a device or a socket): give the request file", path)
	case fi.Size() > certs.MaxRequestFile:
		return fmt.Errorf("%s is %d bytes: a certificate request is a few KiB, so this is not one", path, fi.Size())
	}
	return nil
}

// maxListed bounds how many names of a folder tab looks at.
const maxListed = 4096

// completePath completes a typed path as a shell does: to the longest
// prefix the names that match share, a "/" after a folder; the candidates
// are the matching names. Hidden names match only a typed ".". A name the
// input could not hold as it is (control or invisible characters) is never
// put in it: the candidates show it escaped.
func completePath(value string) (string, []string) {
	dirPart, prefix := "", value
	if i := strings.LastIndex(value, "/"); i >= 0 {
		dirPart, prefix = value[:i+1], value[i+1:]
	}
	lookup := dirPart
	switch {
	case lookup == "":
		lookup = "."
	case lookup == "~/" || strings.HasPrefix(lookup, "~/"):
		home, err := os.UserHomeDir()
		if err != nil {
			return value, nil
		}
		lookup = filepath.Join(home, strings.TrimPrefix(lookup, "~/"))
	}
	d, err := os.Open(lookup)
	if err != nil {
		return value, nil
	}
	entries, _ := d.ReadDir(maxListed)
	_ = d.Close()
	var shown, usable []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(prefix, ".")) {
			continue
		}
		if e.IsDir() || (e.Type()&fs.ModeSymlink != 0 && isDir(filepath.Join(lookup, name))) {
			name += "/"
		}
		shown = append(shown, name)
		if certs.Sanitize(name).String() == name {
			usable = append(usable, name)
		}
	}
	slices.Sort(shown)
	if len(usable) == 0 {
		return value, shown
	}
	return dirPart + commonPrefix(usable), shown
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// completeFrom completes value from a list of words, as completePath does
// from a folder.
func completeFrom(words []string) completer {
	return func(value string) (string, []string) {
		var match []string
		for _, w := range words {
			if strings.HasPrefix(w, value) {
				match = append(match, w)
			}
		}
		if len(match) == 0 {
			return value, nil
		}
		return commonPrefix(match), match
	}
}

// completeLastWord completes the last of comma-separated words.
func completeLastWord(words []string) completer {
	inner := completeFrom(words)
	return func(value string) (string, []string) {
		head, last := "", value
		if i := strings.LastIndex(value, ","); i >= 0 {
			head, last = value[:i+1]+" ", strings.TrimLeft(value[i+1:], " ")
		}
		done, match := inner(last)
		return head + done, match
	}
}

// commonPrefix is the longest prefix of whole characters all words share.
func commonPrefix(words []string) string {
	common := words[0]
	for _, w := range words[1:] {
		for !strings.HasPrefix(w, common) {
			common = common[:len(common)-1]
		}
	}
	for !utf8.ValidString(common) {
		common = common[:len(common)-1]
	}
	return common
}
