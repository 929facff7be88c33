package main

import "testing"

func TestDisplayName(t *testing.T) {
	for argv0, want := range map[string]string{
		"csrtui":                              "csrtui",
		"/usr/local/bin/csrtui":               "csrtui",
		"./csrtui-renamed":                    "csrtui",
		"/home/jane/.krew/bin/kubectl-csrtui": "kubectl csrtui",
		"kubectl-csr":                         "kubectl csr",
		"kubectl-csrtui.exe":                  "kubectl csrtui",
		"kubectl-csr_tui":                     "kubectl csr-tui",
		"kubectl-":                            "csrtui",
	} {
		if got := displayName(argv0); got != want {
			t.Errorf("displayName(%q) = %q, want %q", argv0, got, want)
		}
	}
}
