#!/usr/bin/env bash
# End-to-end: the dashboard as a person sees it, in tmux, at 120x35 and 80x24.
# Starts `data demo`, waits for the panes, opens help, moves to history, rolls
# back the newest deployment that can be undone by keyboard, checks that the
# history (on screen and in the database) shows the rollback, quits, and checks
# that the terminal left the alternate screen. Then Ctrl-C on `data` alone.
# Prints each check, and ends with `N passed, N failed`.
#
#   bash test/e2e/dashboard.sh        (needs tmux and a build: npx tsc -p .)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$REPO/dist/cli.js"
passed=0
failed=0
work=$(mktemp -d)
session=""

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
screen() { tmux capture-pane -p -t "$session"; }
alternate_on() { tmux display-message -p -t "$session" '#{alternate_on}'; }
keys() { tmux send-keys -t "$session" "$@"; }

# Waits until the screen contains the text (a fixed string); polls, never sleeps blind.
wait_for() {
  local text=$1 seconds=${2:-30} deadline=$((SECONDS + ${2:-30}))
  while [ $SECONDS -lt $deadline ]; do
    if screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.1
  done
  echo "   (waited ${seconds}s for \"$text\"; the screen was:)"
  screen | sed 's/^/   | /'
  return 1
}

check() { # check "what" command...
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

cleanup() {
  [ -n "$session" ] && tmux kill-session -t "$session" 2>/dev/null
  [ -f "$work/demo/data.config.yaml" ] && node "$CLI" --config "$work/demo/data.config.yaml" local stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v tmux >/dev/null; then
  echo "tmux is not installed: apt-get install tmux"
  echo "0 passed, 1 failed"
  exit 1
fi
[ -f "$CLI" ] || { echo "no build at $CLI: run npx tsc -p . first"; echo "0 passed, 1 failed"; exit 1; }

# Presses r on history rows from the top until one opens the rollback screen.
rollback_newest_undoable() {
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    keys r
    if wait_for "Roll back local" 2 >/dev/null; then return 0; fi
    keys j
  done
  return 1
}

run_at() {
  local columns=$1 rows=$2
  session="data-e2e-$$-${columns}x${rows}"
  local panes="1 Environments" history="2 History · local"
  tmux new-session -d -s "$session" -x "$columns" -y "$rows" \
    "cd '$work' && TERM=xterm-256color node '$CLI' demo --dir '$work/demo'; echo DATA-EXIT=\$?; sleep 600"
  tmux set-option -t "$session" escape-time 0 >/dev/null
  echo "# ${columns}x${rows}"
  check "${columns}x${rows}: data demo opens the dashboard with its panes" wait_for "$panes" 180
  check "${columns}x${rows}: the dashboard is on the alternate screen" test "$(alternate_on)" = 1
  if [ "$columns" -ge 120 ]; then
    check "${columns}x${rows}: 2x2 grid (environments beside history, timeline beside performance)" \
      bash -c "tmux capture-pane -p -t '$session' | grep -q '1 Environments.*2 History' && tmux capture-pane -p -t '$session' | grep -q '3 Diff timeline.*4 Performance'"
  else
    check "${columns}x${rows}: one column with the focused pane expanded" wait_for "[1 Environments]" 5
  fi
  keys '?'
  check "${columns}x${rows}: ? opens the help" wait_for "Keys" 5
  keys Escape
  check "${columns}x${rows}: Esc closes it" wait_for "refreshed" 5
  keys 2
  check "${columns}x${rows}: 2 moves to the history" wait_for "$history" 5
  if rollback_newest_undoable; then
    ok "${columns}x${rows}: r opens the rollback screen on the newest deployment that can be undone"
    wait_for "undo deployment(s) #" 20 >/dev/null
    local target
    target=$(screen | grep -oE 'undo deployment\(s\) #[0-9]+' | grep -oE '[0-9]+$')
    check "${columns}x${rows}: it names exactly what will be undone (#$target and its down files)" bash -c "tmux capture-pane -p -t '$session' | grep -q '.down.sql'"
    keys Enter
    check "${columns}x${rows}: Enter runs the rollback and shows the result" wait_for "✓ rollback #" 30
    local id
    id=$(screen | grep -oE '✓ rollback #[0-9]+' | grep -oE '[0-9]+$')
    keys Escape
    check "${columns}x${rows}: the history shows rollback #$id" bash -c "for i in \$(seq 50); do tmux capture-pane -p -t '$session' | grep -qE '#$id +[0-9.-]+ +rollback +succeeded' && exit 0; sleep 0.1; done; exit 1"
    local recorded
    recorded=$(node "$CLI" --config "$work/demo/data.config.yaml" history local --json --limit 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const d=(j.deployments??j)[0];console.log(d.id+" "+d.kind+" "+d.status)})')
    check "${columns}x${rows}: the database records it (data history: $recorded)" test "$recorded" = "$id rollback succeeded"
  else
    not_ok "${columns}x${rows}: r opens the rollback screen on the newest deployment that can be undone"
  fi
  keys q
  check "${columns}x${rows}: q quits with exit code 0" wait_for "DATA-EXIT=0" 10
  check "${columns}x${rows}: the terminal left the alternate screen" test "$(alternate_on)" = 0
  check "${columns}x${rows}: no dashboard is left on the normal screen" bash -c "! tmux capture-pane -p -t '$session' | grep -qF '$panes'"
  tmux kill-session -t "$session"
  session=""
}

run_at 120 35
run_at 80 24

# Ctrl-C on `data` alone inside the project, with CI=true in the shell: a person at a
# terminal still gets the live dashboard (Ink would otherwise draw only the last frame, at exit).
session="data-e2e-$$-ctrlc"
tmux new-session -d -s "$session" -x 100 -y 30 "cd '$work/demo' && CI=true node '$CLI'; echo DATA-EXIT=\$?; sleep 600"
echo "# data alone with CI=true, then Ctrl-C"
check "data alone in a project opens the dashboard, live even with CI=true" wait_for "1 Environments" 60
keys C-c
check "Ctrl-C quits" wait_for "DATA-EXIT=" 10
check "Ctrl-C leaves the alternate screen" test "$(alternate_on)" = 0
tmux kill-session -t "$session"
session=""

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
