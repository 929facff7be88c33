#!/usr/bin/env bash
# Every check csrtui has, in the order that fails fastest. `make test` runs it, and so
# does CI. Any missing tool or binary is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
step() { printf '\n== %s\n' "$*"; }

step "prerequisites"
for tool in openssl tmux; do
  command -v "$tool" >/dev/null || { echo "missing $tool: install it (apt-get install $tool)" >&2; exit 1; }
done

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './hack/k8s/*'))
if [ -n "$unformatted" ]; then echo "not gofmt-ed:" >&2; echo "$unformatted" >&2; exit 1; fi

step "go vet"
$GO vet ./...

step "golangci-lint"
make --no-print-directory lint

step "goreleaser check"
make --no-print-directory release-check

step "control-plane binaries"
CSRTUI_K8S_BIN=$(bash hack/build-k8s.sh)
export CSRTUI_K8S_BIN
ls "$CSRTUI_K8S_BIN"

step "release snapshot (linux/amd64), krew manifest"
make --no-print-directory release-snapshot

step "go test"
# The e2e tests drive the real binary: build it once, where they look for it.
CSRTUI_BIN="$(mktemp -d)/csrtui"
export CSRTUI_BIN
$GO build -o "$CSRTUI_BIN" .
$GO test -count=1 -timeout=20m ./...
