"""Where a progress bar stands still (issue 13): seed a catalogue (forced) or export every work
of a seeded store to YAML, in this process, and print the longest gaps between two progress
calls with the stage and counts on each side, and whether each stage's reports only rise.

    python benchmarks/progress_gaps.py seed CATALOG DB
    python benchmarks/progress_gaps.py export CATALOG DB OUT.yaml

run.py measures the same gaps (the longest only) in fresh processes; this names them."""

from __future__ import annotations

import argparse
import itertools
import resource
import time
from pathlib import Path


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _print_gaps(start: float, end: float, calls: list[tuple[float, str, int, int]], shown: int = 8) -> None:
    times = [(start, "start", 0, 0), *calls, (end, "end", 0, 0)]
    gaps = sorted(((b[0] - a[0], a, b) for a, b in itertools.pairwise(times)), key=lambda g: -g[0])
    print(f"{end - start:.2f} s, {len(calls)} progress calls, peak {_peak_mib():.0f} MiB")
    for gap, a, b in gaps[:shown]:
        print(f"{gap:7.2f} s  after {a[1]} {a[2]:,}/{a[3]:,}  before {b[1]} {b[2]:,}/{b[3]:,}")
    stages: dict[str, list[tuple[float, str, int, int]]] = {}
    for call in calls:
        stages.setdefault(call[1], []).append(call)
    for stage, reports in stages.items():
        rising = all(a[2] <= b[2] for a, b in itertools.pairwise(reports))
        totals = sorted({r[3] for r in reports})
        print(f"  {stage}: {len(reports)} reports, rising {rising}, totals {totals[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("what", choices=("seed", "export"))
    parser.add_argument("catalog")
    parser.add_argument("db")
    parser.add_argument("out", nargs="?", help="the export's file (export only)")
    args = parser.parse_args()
    from catalog_tui.core.export_file import export_works
    from catalog_tui.core.library import Library

    calls: list[tuple[float, str, int, int]] = []
    if args.what == "seed":
        start = time.monotonic()
        library = Library.open(
            args.catalog, args.db, force=True,
            progress=lambda stage, done, total: calls.append((time.monotonic(), stage, done, total)),
        )  # fmt: skip
        end = time.monotonic()
    else:
        library = Library.open(args.catalog, args.db)
        print(f"opened ({'seeded' if library.report.seeded else 'not seeded'}), {_peak_mib():.0f} MiB")
        start = time.monotonic()
        export_works(
            library.catalog, None, Path(args.out), "yaml", overwrite=True,
            progress=lambda done, total: calls.append((time.monotonic(), "exporting", done, total)),
        )  # fmt: skip
        end = time.monotonic()
        Path(args.out).unlink()
    library.close()
    _print_gaps(start, end, calls)


if __name__ == "__main__":
    main()
