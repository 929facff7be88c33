package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/csrtui/csrtui/certs"
)

// Files csrtui writes (certificates, keys, kubeconfigs) are never
// half-written: every target is checked before anything is asked of the
// cluster, each file is written atomically (certs.WriteFile), and when one of
// several can't be written, those this run created are removed.

// file is one file to write.
type file struct {
	path string
	data []byte
	mode os.FileMode
}

// checkTargets says, before anything is asked of the cluster, why files can't
// be written: a missing folder, a folder where a file should be, an existing
// file without force.
func checkTargets(paths []string, force bool) error {
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return fmt.Errorf("%s is a folder: name a file", p)
		case err == nil && !force:
			return existsError(p)
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("cannot write %s: %w", p, err)
		}
		dir := filepath.Dir(p)
		di, err := os.Stat(dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("cannot write %s: folder %s does not exist", p, dir)
		case err != nil:
			return fmt.Errorf("cannot write %s: %w", p, err)
		case !di.IsDir():
			return fmt.Errorf("cannot write %s: %s is not a folder", p, dir)
		}
	}
	return nil
}

// writeFiles writes every file atomically, or none: when one fails, those
// this call created are removed again (one it replaced stays replaced).
func writeFiles(files []file, force bool) error {
	var created []string
	for _, f := range files {
		_, statErr := os.Lstat(f.path)
		if err := certs.WriteFile(f.path, f.data, f.mode, force); err != nil {
			for _, p := range created {
				_ = os.Remove(p)
			}
			if errors.Is(err, certs.ErrFileExists) {
				return existsError(f.path)
			}
			return err
		}
		if errors.Is(statErr, os.ErrNotExist) {
			created = append(created, f.path)
		}
	}
	return nil
}

// existsError says that a file is there, and how to replace it.
func existsError(path string) error {
	return fmt.Errorf("%s exists: pass --force to replace it", path)
}

// absPath is path made absolute, for the record: a relative path says
// nothing once the folder it was relative to is forgotten.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
