//go:build pprof

package main

import (
	"net"
	"net/http"
	_ "net/http/pprof" // the handlers, on http.DefaultServeMux
	"os"
)

// pprofEnv, in a build with -tags pprof, names the address where csrtui serves
// net/http/pprof while it runs: `go build -tags pprof -trimpath -ldflags '-s -w'`,
// then CSRTUI_PPROF=127.0.0.1:6060 csrtui, and `go tool pprof
// http://127.0.0.1:6060/debug/pprof/heap`. Releases are built without the tag, so
// they neither link the profiler nor read the variable.
const pprofEnv = "CSRTUI_PPROF"

func init() {
	addr := os.Getenv(pprofEnv)
	if addr == "" {
		return
	}
	// Listen before the console takes the screen, so that a taken address is
	// an error on the terminal rather than a silent profiler-less run.
	l, err := net.Listen("tcp", addr)
	if err != nil {
		panic(pprofEnv + ": " + err.Error())
	}
	go func() { _ = http.Serve(l, nil) }() //nolint:gosec // a local profiling endpoint, built only with -tags pprof
}
