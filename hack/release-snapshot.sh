#!/usr/bin/env bash
# A release of linux/amd64 only, CI's check that .goreleaser.yaml builds and packs
# what it should: goreleaser's snapshot into dist/, with the real config but one
# target; the version the binaries report (so the -X names are right); krew's
# validation of the plugin manifest goreleaser wrote; and krew installing the
# kubectl-csrtui archive by that manifest, for a real kubectl to run as
# `kubectl csrtui`. `make release-snapshot` runs it with the pinned versions;
# kubectl is $CSRTUI_K8S_BIN/kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
: "${GORELEASER_VERSION:?set by the Makefile}" "${KREW_VERSION:?set by the Makefile}" "${CSRTUI_K8S_BIN:?a folder holding kubectl}"
fail() { echo "release-snapshot: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The config as it is, but for its one targets line.
sed 's/^\(    targets: \)\[.*\]$/\1[linux_amd64]/' .goreleaser.yaml >"$tmp/goreleaser.yaml"
[ "$(grep -c '^    targets: \[linux_amd64\]$' "$tmp/goreleaser.yaml")" = 1 ] ||
  fail ".goreleaser.yaml has no one-line 'targets: [...]' to narrow to linux_amd64"
$GO run "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION" release --snapshot --clean --config "$tmp/goreleaser.yaml"

version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)
[ -n "$version" ] || fail "no version in dist/metadata.json"
for bin in csrtui kubectl-csrtui; do
  got=$("dist/${bin}_linux_amd64_v1/$bin" --version)
  [[ $got == *" v$version (commit "*", built "* ]] || fail "$bin --version says '$got', want v$version, a commit and a date"
done

# The goal is under 45 MB. Anything that executes a text/template (cobra's
# SetVersionTemplate did) makes the linker keep every exported method of every
# type it keeps, which once doubled it to 78 MB.
size=$(stat -c %s dist/csrtui_linux_amd64_v1/csrtui)
echo "release-snapshot: csrtui for linux/amd64 is $size bytes"
[ "$size" -lt 45000000 ] || fail "csrtui for linux/amd64 is $size bytes, over the 45 MB goal"

manifest=dist/krew/csrtui.yaml
$GO run "sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION" -skip-install -manifest "$manifest"
# validate-krew-manifest would install from the release's URL, which a snapshot
# doesn't have: install from the archive itself, as `krew install --archive` does.
GOBIN="$tmp/bin" $GO install "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION"
mv "$tmp/bin/krew" "$tmp/bin/kubectl-krew"
ln -s "$CSRTUI_K8S_BIN/kubectl" "$tmp/bin/kubectl"
export KREW_ROOT="$tmp/krew" PATH="$tmp/krew/bin:$tmp/bin:$PATH"
kubectl krew install --manifest="$manifest" --archive="dist/kubectl-csrtui_${version}_linux_amd64.tar.gz" </dev/null
got=$(kubectl csrtui --version)
[[ $got == "kubectl csrtui version v$version "* ]] || fail "kubectl csrtui --version says '$got' after krew installed it"
echo "release-snapshot: dist/ holds a linux/amd64 release; krew installed it and kubectl runs it: $got"
