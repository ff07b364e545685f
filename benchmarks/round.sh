#!/bin/bash
# One round of the issue 11 and 13 figures, in order, each logged to OUT (run it on a quiet machine;
# run nothing else meanwhile). Catalogues: benchmarks/generate.py --seed 1 --long-texts --works
# 10000 / 100000 -o C10K / C100K, and --works 1000000 -o C1M.
#   bash benchmarks/round.sh C10K C100K C1M OUT
set -u
C10K=$1 C100K=$2 C1M=$3 OUT=$4
cd "$(dirname "$0")/.."
P=${PYTHON:-.venv/bin/python}
export PYTHONPATH=$PWD
mkdir -p "$OUT/s100k" "$OUT/s1m"
stamp() { echo "== $(date +%T) $* | load $(cut -d' ' -f1-3 /proc/loadavg)"; }
$P -m compileall -q catalog_tui benchmarks  # as after pip install (PYTHONDONTWRITEBYTECODE may be set)
stamp seed-100k; $P benchmarks/progress_gaps.py seed "$C100K" "$OUT/s100k/store.json" > "$OUT/gaps100k.txt" 2>&1
stamp seed-1m; $P benchmarks/progress_gaps.py seed "$C1M" "$OUT/s1m/store.json" > "$OUT/gaps1m.txt" 2>&1
stamp term-bundled-a; $P benchmarks/terminal.py --runs 7 > "$OUT/term-bundled-a.txt" 2>&1
stamp term-100k; $P benchmarks/terminal.py --catalog "$C100K" --db "$OUT/s100k/store.json" --runs 5 > "$OUT/term-100k.txt" 2>&1
stamp term-1m; $P benchmarks/terminal.py --catalog "$C1M" --db "$OUT/s1m/store.json" --runs 3 > "$OUT/term-1m.txt" 2>&1
stamp term-bundled-b; $P benchmarks/terminal.py --runs 5 > "$OUT/term-bundled-b.txt" 2>&1
stamp engine-1m; $P benchmarks/drivers.py engine --catalog "$C1M" --db "$OUT/s1m/store.json" --rounds 5 > "$OUT/engine1m.jsonl" 2>&1
stamp run-100k; $P benchmarks/run.py --catalog "$C100K" --only seed engine first-query export --repeat 3 > "$OUT/run100k.txt" 2>&1
stamp run-10k; $P benchmarks/run.py --catalog "$C10K" --only seed engine first-query export --repeat 3 > "$OUT/run10k.txt" 2>&1
stamp memory-100k; bash benchmarks/app_memory.sh "$C100K" "$OUT/s100k/store.json" 12 > "$OUT/mem100k.txt" 2>&1
stamp memory-1m; bash benchmarks/app_memory.sh "$C1M" "$OUT/s1m/store.json" 25 > "$OUT/mem1m.txt" 2>&1
stamp done
