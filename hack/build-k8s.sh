#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager and kubectl (so that tests run a client
# of the server's version) from the modules pinned in hack/k8s/go.mod, into a cache folder
# keyed by everything that determines the binaries. Prints the folder on stdout. Rebuilds only
# when the key changes; builds into a temporary folder and renames it into place, so a
# half-built folder is never used. Builds are serialized by a lock in the cache folder, so
# test binaries run in parallel (go test ./...) build once between them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mod="$here/k8s"
version=v1.37.2

key=$( { cat "$mod/go.mod" "$mod/go.sum" "$0"; go version; go env GOOS GOARCH; } | sha256sum | cut -c1-16)
cache="${CSRTUI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/csrtui}/k8s"
out="$cache/$key"

bins="etcd kube-apiserver kube-controller-manager kubectl"
complete() { for b in $bins; do [ -x "$1/$b" ] || return 1; done; }

if complete "$out"; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache"
# flock(1) is util-linux; without it, concurrent runs each build and the rename below keeps
# the result whole.
if command -v flock >/dev/null; then
  exec 9>"$cache/.lock"
  if ! flock -n 9; then
    echo "waiting for another build of the control-plane binaries (lock $cache/.lock)" >&2
    flock 9
  fi
  if complete "$out"; then
    echo "$out"
    exit 0
  fi
fi

tmp=$(mktemp -d "$cache/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitTreeState=clean"
done

echo "building control-plane binaries $version into $out" >&2
start=$(date +%s)
(cd "$mod" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  go.etcd.io/etcd/server/v3 \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kubectl)
mv "$tmp/server" "$tmp/etcd"
chmod 755 "$tmp"
echo "built in $(( $(date +%s) - start ))s" >&2

# Another build may have finished first; either result is the same.
if ! mv -T "$tmp" "$out" 2>/dev/null; then
  complete "$out" || { echo "could not install binaries into $out" >&2; exit 1; }
fi
trap - EXIT
echo "$out"
