//go:build !pprof

package main

import "runtime"

// A release keeps no heap profile: nothing in it can read one. Sampling an
// allocation in every 512 KiB (Go's default) costs a table of the stacks
// seen, 1.5 to 2 MB of the RSS of a console holding 10,000 requests, for
// nothing. A build with -tags pprof (pprof.go) keeps the default.
func init() { runtime.MemProfileRate = 0 }
