package main

import (
	"path/filepath"
	"slices"
	"testing"
)

// A console the bench starts reads no config file of the user's and keeps
// its record in the bench's folder, not in the user's state folder.
func TestConsoleEnvKeepsOutOfTheUsersFolders(t *testing.T) {
	dir := t.TempDir()
	env := consoleEnv(dir)
	for _, want := range []string{"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")} {
		if !slices.Contains(env, want) {
			t.Errorf("%q not in %q", want, env)
		}
	}
}
