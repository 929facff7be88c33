package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxFileName keeps names well under the 255-byte limit of common file
// systems, leaving room for an extension such as ".crt" and a temp suffix.
const maxFileName = 128

// windowsReserved are device names Windows refuses as file names, whatever the extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SafeFileName turns a CSR name into a safe file base name (no separators, no
// leading dot, no controls); never empty.
//
// The apiserver barely constrains CSR names (no "/", "%", "." or "..":
// k8s.io/apimachinery/pkg/api/validation/path ValidatePathSegmentName), so a
// name may hold controls, backslashes or look-alike Unicode. Everything but
// ASCII letters, digits, '.', '_' and '-' becomes '_'. A name that had to be
// cut keeps a short hash of the original so two long names stay apart.
func SafeFileName(name string) string {
	var b strings.Builder
	b.Grow(min(len(name), maxFileName))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > maxFileName {
		sum := sha256.Sum256([]byte(name))
		out = out[:maxFileName-9] + "-" + hex.EncodeToString(sum[:4])
	}
	// A leading '.' hides the file (and "." / ".." are the folders themselves);
	// a leading '-' reads as a flag to the next command the admin types.
	if out != "" && (out[0] == '.' || out[0] == '-') {
		out = "_" + out[1:]
	}
	// Windows drops trailing dots, so "a." and "a" would be the same file.
	if strings.HasSuffix(out, ".") {
		out = out[:len(out)-1] + "_"
	}
	if out == "" {
		return "csr"
	}
	stem := out
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if windowsReserved[strings.ToUpper(stem)] {
		out = "_" + out
	}
	return out
}

// CertificateFile turns a CSR's status.certificate into the text of a .crt file:
// every CERTIFICATE block, checked to parse, re-encoded from its DER. The field is
// written by whoever may update the status subresource (a custom signer, say), so
// anything else it holds (text around the blocks, PEM headers, other block types)
// stays out of a file the admin may later print on a terminal.
func CertificateFile(status []byte) ([]byte, error) {
	file, _, err := ExportCertificates(status)
	return file, err
}

// ExportCertificates is CertificateFile that also says what the file holds:
// the subject of each certificate in it, in order (raw, for Sanitize). The
// issued certificate comes first; a signer may add intermediates after it
// (k8s.io/api certificates/v1 types.go, status.certificate), or anything else
// that parses as a certificate, so an admin is shown every subject before the
// file is written.
func ExportCertificates(status []byte) (file []byte, subjects []string, err error) {
	for rest := status; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("status.certificate holds a certificate that does not parse: %w", err)
		}
		file = append(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: block.Bytes})...)
		subjects = append(subjects, cert.Subject.String())
	}
	if len(file) == 0 {
		return nil, nil, errors.New("status.certificate holds no PEM CERTIFICATE block")
	}
	return file, subjects, nil
}

// ErrIsFolder is returned (wrapped) by WriteFile when the path names a folder.
var ErrIsFolder = errors.New("that is a folder: give a file name")

// ErrFileExists is returned (wrapped) by WriteFile when the file exists and
// overwrite is false. It also matches fs.ErrExist.
var ErrFileExists = fmt.Errorf("file already exists: %w", fs.ErrExist)

// WriteFile writes data to path atomically (temp file in the same folder, then
// rename) with mode perm. An existing file is left alone unless overwrite is true.
//
// Without overwrite the final step is a hard link, which fails if the name
// exists: a file created between the admin's answer and the write is never
// clobbered. Where hard links aren't supported it falls back to O_EXCL.
func WriteFile(path string, data []byte, perm os.FileMode, overwrite bool) (err error) {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write %s: folder %s does not exist", path, dir)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("write %s: %s is not a folder", path, dir)
	}
	// Checked before the file exists is: "replace it?" is no question for a
	// folder (a home directory typed as ~, say).
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("write %s: %w", path, ErrIsFolder)
	}
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("write %s: %w", path, ErrFileExists)
		}
	}

	tmp, err := os.CreateTemp(dir, "."+SafeFileName(filepath.Base(path))+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		// The temp file never outlives the call: renamed, linked or removed.
		if rmErr := os.Remove(tmpName); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) && err == nil {
			err = fmt.Errorf("write %s: removing temp file: %w", path, rmErr)
		}
	}()
	if err := writeSyncClose(tmp, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}

	if overwrite {
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write %s: %w", path, ErrFileExists)
		}
		if err := writeExclusive(path, data, perm); err != nil {
			return err
		}
	}
	syncDir(dir)
	return nil
}

func writeSyncClose(f *os.File, data []byte, perm os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		// CreateTemp makes 0600 files; Chmod sets the mode exactly, umask aside.
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeExclusive is the fallback for file systems without hard links: O_EXCL
// still guarantees an existing file is never touched, at the cost of a
// partially written file if the machine dies mid-write.
func writeExclusive(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write %s: %w", path, ErrFileExists)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeSyncClose(f, data, perm); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// syncDir makes the new directory entry durable. It is best effort: some
// platforms can't open or sync a directory, and the data itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
