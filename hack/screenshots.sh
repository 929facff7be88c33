#!/usr/bin/env bash
# Takes the README's pictures: runs the still demo (CSRTUI_DEMO_STILL, the same
# screens in every run) in a private tmux server, drives it as a person would,
# and writes each screen as tmux `capture-pane -e` output (text and colours) to
# DIR/<scene>.ansi: list, detail (of break-glass, the riskiest request) and
# approve (its approve dialog). `make screenshots` turns them into
# docs/img/<scene>.svg; e2e/screenshots_test.go checks that those still show
# what the console shows. Uses $CSRTUI_BIN, or builds csrtui.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: hack/screenshots.sh DIR}
mkdir -p "$out"
command -v tmux >/dev/null || { echo "missing tmux: install it (apt-get install tmux)" >&2; exit 1; }

bin=${CSRTUI_BIN:-}
if [ -z "$bin" ]; then
  bin="$(mktemp -d)/csrtui"
  ${GO:-go} build -o "$bin" .
fi

socket="csrtui-screenshots-$$"
tmux_() { tmux -L "$socket" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true' EXIT
# A fixed size, a minimal environment and a true-colour terminal, whoever runs it.
# No config file: the pictures show the default keys and colours.
tmux_ -f /dev/null new-session -d -s shot -x 120 -y 15 \
  env -i PATH="$PATH" HOME="$HOME" TERM=xterm-256color COLORTERM=truecolor LANG=C.UTF-8 \
  CSRTUI_DEMO_STILL=2026-05-04T12:00:00Z "$bin" --demo --config=
tmux_ set-option -t shot remain-on-exit on >/dev/null

# size ROWS: the terminal's height for the next picture, 120 columns wide.
size() { tmux_ resize-window -t shot -x 120 -y "$1"; }

# wait_for TEXT...: until the screen shows every TEXT and stays the same between
# two looks, so that a picture never catches a half-drawn frame. Fails after 30s.
wait_for() {
  local deadline=$((SECONDS + 30)) last="" now
  while :; do
    now=$(tmux_ capture-pane -p -t shot)
    local all=1 text
    for text in "$@"; do [[ $now == *"$text"* ]] || all=0; done
    if [ $all = 1 ] && [ "$now" = "$last" ]; then return 0; fi
    if [ $SECONDS -ge $deadline ]; then
      printf 'screenshots: timed out waiting for %s; screen:\n%s\n' "$*" "$now" >&2
      exit 1
    fi
    last=$now
    sleep 0.1
  done
}
shot() { tmux_ capture-pane -e -p -t shot >"$out/$1.ansi"; }

wait_for "break-glass" "bob-ops"
tmux_ send-keys -t shot g # the first row: break-glass, the newest
wait_for "> break-glass"
shot list

size 26
tmux_ send-keys -t shot Enter
wait_for "CSR break-glass" "Findings (4)" "lines 1-22 of" # with the access answers, at the new size
shot detail

tmux_ send-keys -t shot a
wait_for "A critical finding: type the CSR's name to approve it." # the answers are in
shot approve

tmux_ send-keys -t shot Escape
wait_for "Approval cancelled." # back on the detail: q now quits
tmux_ send-keys -t shot q
