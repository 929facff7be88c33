package main

import (
	"fmt"
	"runtime/debug"
	"time"

	"golang.org/x/mod/module"
)

// The release sets these, as it sets version (.goreleaser.yaml):
// -ldflags "-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>".
var (
	commit string
	date   string
)

// versionLine says which csrtui this is. A release says what it was given at
// link time. Any other build says what the go command recorded in the binary:
// `go install github.com/csrtui/csrtui@v1.2.3` records the module version, a
// build from a git checkout the revision and its commit time (vcs.revision,
// vcs.time), and an install of an untagged commit a pseudo-version that holds
// both (https://go.dev/ref/mod#pseudo-versions).
func versionLine(version, commit, date string, info *debug.BuildInfo) string {
	if version != "dev" {
		return describe(version, commit, "built", date)
	}
	if info == nil {
		return describe(version, "", "", "")
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		version = v
	}
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			date = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if commit == "" && module.IsPseudoVersion(version) {
		commit, _ = module.PseudoVersionRev(version)
		if t, err := module.PseudoVersionTime(version); err == nil {
			date = t.UTC().Format(time.RFC3339)
		}
	}
	if modified {
		commit += " with uncommitted changes"
	}
	return describe(version, commit, "committed", date)
}

// describe is "v1.2.3 (commit abc, built 2026-05-04T12:00:00Z)", saying
// which of the commit and date are unknown.
func describe(version, commit, dated, date string) string {
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		return fmt.Sprintf("%s (commit %s, date unknown)", version, commit)
	}
	return fmt.Sprintf("%s (commit %s, %s %s)", version, commit, dated, date)
}
