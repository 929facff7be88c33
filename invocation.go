package main

import (
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// presentAs makes cmd name itself as the admin invoked it, and say which
// version it is. argv0 is the program's os.Args[0].
func presentAs(cmd *cobra.Command, argv0 string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	// Cobra's documented way for a kubectl plugin's help and usage lines.
	cmd.Annotations[cobra.CommandDisplayNameAnnotation] = displayName(argv0)
	info, _ := debug.ReadBuildInfo()
	cmd.Version = versionLine(version, commit, date, info)
	// cobra's own "NAME version VERSION", not SetVersionTemplate: executing a
	// text/template makes the linker keep every exported method of every type
	// it keeps (the template may call any of them), which doubled the binary.
}

// displayName is what the admin typed to run csrtui. kubectl runs
// `kubectl csrtui ARGS` as the program kubectl-csrtui found on PATH, with its
// path as argv[0] and ARGS verbatim (k8s.io/kubectl/pkg/cmd/cmd.go
// HandlePluginCommand); a kubectl-csr symlink makes `kubectl csr` the same.
// In a plugin's file name a dash separates words and an underscore stands for
// a dash (https://kubernetes.io/docs/tasks/extend-kubectl/kubectl-plugins/).
func displayName(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	plugin, ok := strings.CutPrefix(base, "kubectl-")
	if !ok || plugin == "" {
		return "csrtui"
	}
	return "kubectl " + strings.ReplaceAll(strings.ReplaceAll(plugin, "-", " "), "_", "-")
}
