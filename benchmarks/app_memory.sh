#!/bin/bash
# Peak resident memory of catalog-tui in a real terminal (tmux): open CATALOG with the store DB,
# wait WAIT seconds (the warm-up after the list), four searches with cursor moves, then VmHWM.
#   bash benchmarks/app_memory.sh CATALOG DB [WAIT]
catalog=$1 db=$2 wait=${3:-15}
cd "$(dirname "$0")/.."
P=${PYTHON:-$PWD/.venv/bin/python}
session=catalog-tui-memory-$$
tmux new-session -d -s "$session" -x 120 -y 36 \
  "PYTHONPATH='$PWD' exec '$P' -m catalog_tui --catalog '$catalog' --db '$db'"
sleep "$wait"
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
for query in qing 苏东坡 故乡 Hello; do
  tmux send-keys -t "$session" /
  tmux send-keys -t "$session" -l "$query"
  sleep 2
  tmux send-keys -t "$session" escape down down down down down down
  sleep 1
  tmux send-keys -t "$session" / C-u escape
  sleep 1
done
grep -E "VmHWM|VmRSS" "/proc/$pid/status"
tmux kill-session -t "$session"
