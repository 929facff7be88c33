package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/csrtui/csrtui/certs"
)

// newCompletionCommand generates shell completion scripts for root with
// cobra's generator; they complete commands, flags and, from the cluster, CSR
// names.
func newCompletionCommand(d *Deps, root *cobra.Command) *cobra.Command {
	shells := []string{"bash", "zsh", "fish", "powershell"}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the completion script for a shell: commands, flags, and the names of the
cluster's certificate signing requests (pending ones for approve and deny,
issued ones for export).`,
		Example: `  # bash, for this shell
  source <(csrtui completion bash)

  # bash, for every shell (Linux)
  csrtui completion bash > /etc/bash_completion.d/csrtui

  # zsh
  csrtui completion zsh > "${fpath[1]}/_csrtui"

  # fish
  csrtui completion fish > ~/.config/fish/completions/csrtui.fish

  # PowerShell
  csrtui completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: shells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%s needs one shell: bash, zsh, fish or powershell (see %s --help)", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		DisableFlagsInUseLine: true,
		RunE: func(_ *cobra.Command, args []string) error {
			return writeCompletion(d.Streams.Out, root, args[0])
		},
	}
}

func writeCompletion(w io.Writer, root *cobra.Command, shell string) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	default:
		return usagef("no completion for \"%s\": use bash, zsh, fish or powershell", shell)
	}
}

// completeNames completes CSR names from the cluster, those in a state keep
// accepts (all when keep is nil). Names a shell could be fooled by (controls,
// invisible characters) are left out: type them.
func completeNames(d *Deps, keep func(certs.State) bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		c, err := d.Connect(cmd.Context())
		if err != nil {
			cobra.CompDebugln(fmt.Sprintf("csrtui: %s", ErrorLine(err)), false)
			return nil, cobra.ShellCompDirectiveError
		}
		items, err := c.List(cmd.Context())
		if err != nil {
			cobra.CompDebugln(fmt.Sprintf("csrtui: %s", ErrorLine(err)), false)
			return nil, cobra.ShellCompDirectiveError
		}
		var names []cobra.Completion
		for i := range items {
			name := items[i].Name
			if safe(name) != name {
				continue
			}
			if state, _ := certs.StatusOf(&items[i]); keep != nil && !keep(state) {
				continue
			}
			names = append(names, name)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
