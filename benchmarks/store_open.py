"""Issue 13, the store: launch → list visible in a real terminal, and the app's peak memory, for
large catalogues against the bundled one, launches alternating in one run.

    python benchmarks/store_open.py --runs 3 --catalog /tmp/c100k.yaml [--catalog /tmp/c1m.yaml]

Each catalogue is seeded once, untimed, into its own temporary store (a catalogue over the
loader's size limit gets $CATALOG_TUI_MAX_CATALOG_MIB raised for this), and launched once untimed
(the file cache; the list's first row is learnt). Then every run launches `catalog-tui --lang en`
on each catalogue in turn (the order rotating run by run) in a private tmux server (see
terminal.py): from just before `tmux new-session` to the first screen read showing the list's
first row. The app's peak resident memory is its VmHWM (/proc/PID/status, what ru_maxrss reports)
read once the list is visible and the app idle (warm() done). Ratios are taken run by run,
against the bundled catalogue's launch of the same run.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from terminal import COUNT_APP, PYTHON, ROOT, Pane, first_row, settle, wait_for, wait_idle


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def launch(command: list[str], ready: str) -> tuple[float, float, float]:
    """(seconds from launch to the list's first row on screen, peak RSS in MiB once idle, the
    app's CPU seconds when the list was seen)."""
    start = time.monotonic()
    pane = Pane(command)
    try:
        visible, _ = wait_for(pane, lambda screen: ready in screen, timeout=600)
        cpu = pane.cpu()
        wait_idle(pane, timeout=300)
        return visible - start, peak_rss_mib(pane.pid), cpu
    finally:
        pane.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--catalog", type=Path, action="append", default=[], help="a large catalogue (repeatable)"
    )
    parser.add_argument("--keep", type=Path, help="keep the stores in this folder (a rerun seeds nothing)")
    args = parser.parse_args()
    if args.keep:
        work = args.keep.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="catalog-store-bench-"))
        atexit.register(shutil.rmtree, work, ignore_errors=True)
    os.chdir(ROOT)
    os.environ.pop("TMUX", None)
    os.environ["CATALOG_TUI_MAX_CATALOG_MIB"] = "4096"  # the million-work file is over the default
    names = ["bundled", *(path.name for path in args.catalog)]
    commands: dict[str, list[str]] = {}
    for name, path in zip(names, [None, *args.catalog], strict=True):
        command = [PYTHON, "-m", "catalog_tui", "--lang", "en", "--db", str(work / name / "store.json")]
        if path is not None:
            command[3:3] = ["--catalog", str(path.resolve())]
        subprocess.run([*command, "seed"], check=True, capture_output=True)  # untimed
        commands[name] = command
    ready: dict[str, str] = {}
    for name, command in commands.items():
        warm = Pane(command)
        try:
            _, _, screen = settle(warm, lambda s: COUNT_APP.search(s) is not None and "Title" in s, 600)
            ready[name] = first_row(screen)
        finally:
            warm.close()
    load_start = os.getloadavg()
    rows: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for run in range(args.runs):
        order = names[run % len(names) :] + names[: run % len(names)]
        for name in order:
            rows[name].append(launch(commands[name], ready[name]))
            print(f"run {run + 1} {name}: {rows[name][-1]}", file=sys.stderr)
    report = {"runs": args.runs, "load_start": load_start, "load_end": os.getloadavg(), "figures": {}}
    for name in names:
        visible = [row[0] for row in rows[name]]
        ratios = [v / b[0] for v, b in zip(visible, rows["bundled"], strict=True)]
        report["figures"][name] = {
            "list_visible_s": _summary(visible),
            "ratio_to_bundled": _summary(ratios),
            "peak_rss_mib": _summary([row[1] for row in rows[name]]),
            "cpu_at_list_visible_s": _summary([row[2] for row in rows[name]]),
        }
    print(json.dumps(report, indent=2))


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


if __name__ == "__main__":
    main()
