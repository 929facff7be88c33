package kube_test

import (
	"github.com/csrtui/csrtui/cli"
	"github.com/csrtui/csrtui/kube"
	"github.com/csrtui/csrtui/ui"
)

// The console's and the command line's interfaces, satisfied by what kube returns.
var (
	_ ui.Source    = (*kube.Watcher)(nil)
	_ ui.Decider   = (*kube.Client)(nil)
	_ ui.Inspector = (*kube.Client)(nil)
	_ cli.Cluster  = (*kube.Client)(nil)
)
