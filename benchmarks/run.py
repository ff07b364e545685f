"""Measure every figure of issue #4 in one command, against its targets.

    python benchmarks/run.py [--catalog FILE] [--works N] [--repeat R] [--json]
    python benchmarks/run.py --source DIR --revision REV --json-out run1.json   # e.g. a `git archive` export
    python benchmarks/run.py --combine run1.json run2.json run3.json            # Markdown for BENCHMARKS.md

Without --catalog it generates a synthetic catalogue of N works (default 100,000) in a temporary
folder. Every measurement runs in a fresh interpreter (benchmarks/drivers.py) with its own
temporary store: $CATALOG_TUI_DB always points into that folder, so the user's data is never
touched. Noisy figures run R times (default 3) and show the median and the range; progress goes
to stderr, the table (or with --json the JSON) to stdout. Exit status: 0 when every target is met,
3 when one is missed, 1 when a measurement failed to run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRIVERS = HERE / "drivers.py"
TARGET_WORKS = 100_000  # the targets are stated for this size
STEPS = (
    "imports",
    "bundled",
    "seed",
    "first-frame",
    "engine",
    "first-query",
    "pilot",
    "tinydb",
    "tables",
    "export",
)


# --- results -------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One line of the report: a measured value (median of samples), its target and verdict."""

    key: str
    label: str
    samples: list[float]
    unit: str  # "s", "ms", "MiB", "x"
    target: str = ""
    limit: float | None = None  # pass when median <= limit
    note: str = ""
    kind: str = "target"  # "target", "part" (a breakdown) or "baseline"

    @property
    def median(self) -> float:
        values = [v for v in self.samples if not math.isnan(v)]
        return statistics.median(values) if values else math.nan

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return ""
        if math.isnan(self.median):
            return "ERROR"
        return "pass" if self.median <= self.limit else "FAIL"

    def shown(self) -> str:
        values = [v for v in self.samples if not math.isnan(v)]
        if not values:
            return "error"
        text = _fmt(self.median, self.unit)
        if len(values) > 1:
            text += f" [{_fmt(min(values), self.unit, bare=True)}–{_fmt(max(values), self.unit, bare=True)}]"
        return text

    def miss(self) -> str:
        if self.verdict != "FAIL" or self.limit is None:
            return ""
        ratio = self.median / self.limit
        return f"{ratio:.2f}× the target" if ratio < 1.1 else f"{ratio:.1f}× the target"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(median=self.median, verdict=self.verdict)
        return data


def _fmt(value: float, unit: str, *, bare: bool = False) -> str:
    if math.isnan(value):
        return "nan"
    if unit == "s":
        text = f"{value:.2f}" if value < 100 else f"{value:.0f}"
    elif unit == "ms":
        text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    elif unit == "x":
        text = f"{value:.2f}"
    else:
        text = f"{value:.0f}"
    if bare:
        return text
    return f"{text}×" if unit == "x" else f"{text} {unit}"


@dataclass
class Report:
    machine: dict[str, Any]
    catalog: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def table(self) -> str:
        header = ("figure", "measured: median [range]", "target", "result")
        rows = [header]
        for f in self.figures:
            label = f"  {f.label}" if f.kind == "part" else f.label
            verdict = f.verdict + (f" ({f.miss()})" if f.miss() else "")
            rows.append((label, f.shown(), f.target, verdict or ("baseline" if f.kind == "baseline" else "")))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        lines = []
        for n, row in enumerate(rows):
            lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --- running drivers -----------------------------------------------------------------------------


class Runner:
    def __init__(self, work_dir: Path, timeout: float, source: Path) -> None:
        self.work_dir = work_dir
        self.timeout = timeout
        self.source = source
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(source) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["CATALOG_TUI_BENCH_SOURCE"] = str(source)
        # Compiled modules are cached (as after `pip install`), but outside the source tree.
        env["PYTHONPYCACHEPREFIX"] = str(work_dir / "pycache")
        # Never the user's store, even if a driver forgot its --db.
        env["CATALOG_TUI_DB"] = str(work_dir / "env-default-store.json")
        env["TMPDIR"] = str(work_dir)
        env.pop("TEXTUAL", None)  # no devtools or debug features
        self.env = env
        self.last_cpu = math.nan  # CPU seconds (user + system) of the last driver

    def run(self, *args: str, timeout: float | None = None) -> tuple[float, list[dict[str, Any]]]:
        """Start a driver; returns the monotonic time it was started and its JSON events."""
        command = [sys.executable, *args]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        try:
            done = subprocess.run(
                command,
                cwd=self.work_dir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout or self.timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as expired:
            raise DriverError(f"{' '.join(args[:2])}: no answer within {expired.timeout:.0f} s") from None
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        events = []
        for line in done.stdout.splitlines():
            if line.startswith("{"):
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        if done.returncode != 0:
            raise DriverError(f"{' '.join(args[:2])} exited {done.returncode}:\n{tail}")
        if tail and not any(e.get("event") in ("done", "opened") or len(e) > 2 for e in events):
            say(f"  {' '.join(args[:2])} printed on stderr:\n{tail}")
        return started, events

    def driver(
        self, mode: str, *args: str, timeout: float | None = None
    ) -> tuple[float, list[dict[str, Any]]]:
        return self.run(str(DRIVERS), mode, *args, timeout=timeout)


class DriverError(RuntimeError):
    pass


def _event(events: Iterable[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((e for e in events if e.get("event") == name), None)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 400 values is the 396th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


# --- the machine ---------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {}
    from importlib import metadata

    for package in ("textual", "rich", "tinydb", "PyYAML", "pypinyin", "OpenCC", "orjson"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    try:
        import yaml

        versions["libyaml"] = "yes" if yaml.__with_libyaml__ else "no"
    except ImportError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "load_average_at_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


# --- measurements --------------------------------------------------------------------------------


def measure_imports(runner: Runner, report: Report, repeat: int) -> None:
    say("import times")
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    for module, label in (
        ("textual.app", "import textual.app"),
        ("catalog_tui.app", "import catalog_tui.app"),
    ):
        runner.run("-c", code.format(module))  # warm-up: fills the bytecode cache
        samples = []
        for _ in range(repeat):
            done = subprocess.run(
                [sys.executable, "-c", code.format(module)],
                cwd=runner.work_dir,
                env=runner.env,
                capture_output=True,
                text=True,
                check=True,
            )
            samples.append(float(done.stdout.strip().splitlines()[-1]))
        report.add(Figure(f"import_{module}", label, samples, "s", kind="baseline"))


@dataclass
class AppRuns:
    bare: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    usable: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    opening: list[float] = field(default_factory=list)  # Library.open in the loading worker
    showing: list[float] = field(default_factory=list)  # from opened to the results painted


def first_frame_runs(runner: Runner, catalog: Path, db: Path, repeat: int, *, with_bare: bool) -> AppRuns:
    """Alternate bare and catalog-tui runs so drift in the machine's load hits both alike."""
    runs = AppRuns()
    bare, first, usable, rss = runs.bare, runs.first, runs.usable, runs.rss
    for n in range(repeat):
        if with_bare:
            started, events = runner.driver("bare-app")
            frame = _event(events, "first_frame")
            bare.append(frame["t"] - started if frame else math.nan)
        started, events = runner.driver("app", "--catalog", str(catalog), "--db", str(db))
        frame, ready, done = _event(events, "first_frame"), _event(events, "usable"), _event(events, "done")
        if ready is None:
            say(f"  the browser never showed its results: {events}")
        first.append(frame["t"] - started if frame else math.nan)
        usable.append(ready["t"] - started if ready else math.nan)
        rss.append(done["max_rss_mib"] if done else math.nan)
        start, end = _event(events, "open_start"), _event(events, "open_end")
        if start and end:
            runs.opening.append(end["t"] - start["t"])
            runs.showing.append(ready["t"] - end["t"] if ready else math.nan)
        say(
            f"  run {n + 1}/{repeat}: "
            + (f"bare {bare[-1]:.2f} s, " if with_bare else "")
            + f"first frame {first[-1]:.2f} s ({frame and frame.get('screen')}), usable {usable[-1]:.2f} s"
        )
    return runs


def measure_bundled_first_frame(runner: Runner, report: Report, repeat: int) -> None:
    say("first frame: bare Textual app vs catalog-tui on the bundled catalogue (seeded store)")
    db = runner.work_dir / "bundled" / "store.json"
    bundled = runner.source / "catalog.yaml"
    runner.driver("bare-app")  # warm-ups: bytecode cache, page cache, and seeding the store
    runner.driver("app", "--catalog", str(bundled), "--db", str(db))
    runs = first_frame_runs(runner, bundled, db, repeat, with_bare=True)
    bare, first, usable = runs.bare, runs.first, runs.usable
    report.add(Figure("bare_first_frame", "first frame, bare Textual app", bare, "s", kind="baseline"))
    report.add(Figure("bundled_first_frame", "first frame, bundled catalogue", first, "s"))
    ratios = [f / b for f, b in zip(first, bare, strict=True)]
    report.add(
        Figure(
            "bundled_first_frame_ratio",
            "  … as a ratio to the bare app (paired runs)",
            ratios,
            "x",
            "≤ 1.25× bare",
            1.25,
        )
    )
    report.add(Figure("bundled_usable", "search usable, bundled catalogue", usable, "s", kind="baseline"))


def _stages(events: dict[str, Any]) -> dict[str, float]:
    """Seconds per seeding phase, from the progress callback's first call of each stage."""
    calls = events["progress"]
    firsts: dict[str, float] = {}
    for call in calls:
        firsts.setdefault(call["stage"], call["t"])
    order = sorted(firsts.items(), key=lambda item: item[1])
    parts: dict[str, float] = {"start-up and imports": events["imported"] - events["started"]}
    if order:
        parts["before the first progress call"] = order[0][1] - events["imported"]
    for (stage, begin), (_, end) in zip(order, [*order[1:], ("end", events["t"])], strict=True):
        parts[stage] = end - begin
    return parts


def _peak_by_stage(events: dict[str, Any]) -> dict[str, float]:
    """Peak memory (MiB) reached by the end of each stage (ru_maxrss is a high-water mark)."""
    peaks: dict[str, float] = {}
    calls = events["progress"]
    for call, following in zip(calls, [*calls[1:], None], strict=True):
        peaks[call["stage"]] = following["rss"] if following else events["max_rss_mib"]
    return peaks


def _longest_stall(events: dict[str, Any]) -> float:
    times = [events["imported"], *(c["t"] for c in events["progress"]), events["t"]]
    return max((b - a for a, b in itertools.pairwise(times)), default=math.nan)


def measure_seed(runner: Runner, report: Report, catalog: Path, db: Path, works: int, repeat: int) -> None:
    say(f"seeding {works:,} works from YAML (fresh process, force=True) × {repeat}")
    walls, rss, stalls, updates, cpus = [], [], [], [], []
    parts: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    scans: list[float] = []
    scan_cpus: list[float] = []
    for n in range(repeat):
        # The baseline first, each run: a bare libyaml event scan of the same file (issue 13).
        scan_started, events = runner.driver("scan", "--catalog", str(catalog), timeout=900)
        scanned = _event(events, "scanned")
        if scanned is None:
            raise DriverError("scan: no result")
        scans.append(scanned["t"] - scan_started)
        scan_cpus.append(runner.last_cpu)
        started, events = runner.driver("seed", "--catalog", str(catalog), "--db", str(db), timeout=900)
        opened = _event(events, "opened")
        if opened is None:
            raise DriverError("seed: no result")
        walls.append(opened["t"] - started)
        cpus.append(runner.last_cpu)
        rss.append(opened["max_rss_mib"])
        stalls.append(_longest_stall(opened))
        updates.append(len(opened["progress"]))
        for name, seconds in _stages(opened).items():
            parts.setdefault(name, []).append(seconds)
        peaks = _peak_by_stage(opened)
        say(
            f"  run {n + 1}/{repeat}: {walls[-1]:.1f} s (bare scan {scans[-1]:.1f} s), "
            f"peak {rss[-1]:.0f} MiB, longest stall {stalls[-1]:.1f} s"
        )
    report.add(
        Figure("seed_wall", f"seed {works:,} works from YAML (process wall time)", walls, "s", "≤ 15 s", 15.0)
    )
    report.add(
        Figure(
            "seed_scan",
            "↳ bare libyaml event scan of the same file (process wall time)",
            scans,
            "s",
            kind="baseline",
            note="read, decode, CSafeLoader.get_event() until the end, nothing built",
        )
    )
    report.add(
        Figure(
            "seed_scan_ratio",
            "↳ seed ÷ bare event scan (paired runs)",
            [wall / scan for wall, scan in zip(walls, scans, strict=True)],
            "x",
            "≤ 2×",
            2.0,
        )
    )
    report.add(
        Figure(
            "seed_scan_cpu_ratio",
            "↳ the same in CPU time (user + system; steadier on a busy machine)",
            [cpu / scan for cpu, scan in zip(cpus, scan_cpus, strict=True)],
            "x",
            kind="part",
            note=f"bare scan CPU time {statistics.median(scan_cpus):.2f} s",
        )
    )
    report.add(
        Figure(
            "seed_cpu",
            "CPU time of the seeding process (user + system)",
            cpus,
            "s",
            kind="part",
            note="wall time well above CPU time means the machine was busy with other work",
        )
    )
    labels = {
        "start-up and imports": "interpreter start-up and imports",
        "before the first progress call": "store open, catalogue hash (before the first progress call)",
        "reading catalogue": "loader: read, decode, pre-check and parse the YAML",
        "checking catalogue": "checks and building the Catalog",
        "preparing search data": "derive: folded text, pinyin syllables, sort keys",
        "writing index": "snapshot: saved index, columns and search tables",
        "writing store": "snapshot: the works' rows, streamed atomic write",
        "indexing": "SearchIndex build (postings, orders, groups)",
    }
    for name, samples in parts.items():
        report.add(Figure(f"seed_part_{name}", labels.get(name, name), samples, "s", kind="part"))
    report.add(
        Figure(
            "seed_progress_stall",
            "longest time the seeding progress bar stands still",
            stalls,
            "s",
            "≤ 1 s",
            1.0,
            note=f"{statistics.median(updates):.0f} progress updates per seed",
        )
    )
    report.add(
        Figure(
            "seed_peak_rss",
            f"peak memory, seeding {works:,} works",
            rss,
            "MiB",
            "≤ 500 MiB",
            500.0,
            note="high-water mark by the end of each stage (last run): "
            + ", ".join(f"{stage} {mib:.0f} MiB" for stage, mib in peaks.items()),
        )
    )


def measure_big_first_frame(
    runner: Runner, report: Report, catalog: Path, db: Path, works: int, repeat: int
) -> None:
    say(f"first frame and search usable with {works:,} works, store already seeded × {repeat}")
    runs = first_frame_runs(runner, catalog, db, repeat, with_bare=False)
    say(f"  opening the seeded store without Textual, split into parts × {repeat}")
    parts: dict[str, list[float]] = {}
    for _ in range(repeat):
        _, events = runner.driver("open", "--catalog", str(catalog), "--db", str(db))
        opened = _event(events, "opened")
        if opened is None:
            raise DriverError("open: no result")
        for name, seconds in _stages(opened).items():
            parts.setdefault(name, []).append(seconds)
    labels = {
        "start-up and imports": "(no Textual) interpreter start-up and core imports",
        "before the first progress call": "(no Textual) store open, catalogue hash",
        "reading store": "(no Textual) read snapshot: orjson, rows, saved index",
        "indexing": "(no Textual) SearchIndex build (only without a saved index)",
    }
    report.add(
        Figure(
            "big_first_frame", f"first frame, {works:,} works, seeded store", runs.first, "s", "≤ 1.0 s", 1.0
        )
    )
    report.add(
        Figure(
            "big_usable", f"search usable, {works:,} works, seeded store", runs.usable, "s", "≤ 2.0 s", 2.0
        )
    )
    report.add(
        Figure("app_open", "Library.open in the loading worker (in the app)", runs.opening, "s", kind="part")
    )
    for name, samples in parts.items():
        report.add(Figure(f"open_part_{name}", labels.get(name, name), samples, "s", kind="part"))
    report.add(
        Figure("app_show", "from the library opened to its results painted", runs.showing, "s", kind="part")
    )
    report.add(
        Figure(
            "app_peak_rss",
            f"peak memory, app with {works:,} works loaded",
            runs.rss,
            "MiB",
            "≤ 500 MiB",
            500.0,
        )
    )


def measure_engine(runner: Runner, report: Report, catalog: Path, db: Path, repeat: int) -> None:
    rounds = max(10, 3 * repeat)
    say(f"search engine per keystroke: the fixed query mix × {rounds} rounds")
    _, events = runner.driver("engine", "--catalog", str(catalog), "--db", str(db), "--rounds", str(rounds))
    result = _event(events, "engine")
    if result is None:
        raise DriverError("engine: no result")
    samples: dict[str, list[float]] = result["samples"]
    every = [s * 1000 for values in samples.values() for s in values]
    per_round = [
        [samples[q][r] * 1000 for q in samples] for r in range(rounds)
    ]  # per-round medians and p99s give the range
    medians = [statistics.median(values) for values in per_round]
    report.add(
        Figure(
            "engine_median",
            f"search engine per keystroke, median ({len(samples)} queries × {rounds})",
            [statistics.median(every)],
            "ms",
            "≤ 5 ms",
            5.0,
            note=f"per-round medians {min(medians):.1f}–{max(medians):.1f} ms",
        )
    )
    report.add(
        Figure(
            "engine_p99",
            "search engine per keystroke, p99",
            [_percentile(every, 0.99)],
            "ms",
            "≤ 15 ms",
            15.0,
            note=f"max {max(every):.1f} ms",
        )
    )
    pairs: dict[str, list[float]] = result.get("pairs") or {}
    if pairs:
        every_pair = [s * 1000 for values in pairs.values() for s in values]
        report.add(
            Figure(
                "engine_pairs_median",
                f"two-character common hanzi words, median ({len(pairs)} words × {rounds})",
                [statistics.median(every_pair)],
                "ms",
                "≤ 5 ms",
                5.0,
            )
        )
        report.add(
            Figure(
                "engine_pairs_p99",
                "two-character common hanzi words, p99",
                [_percentile(every_pair, 0.99)],
                "ms",
                "≤ 15 ms",
                15.0,
                note=f"max {max(every_pair):.1f} ms; slowest "
                + ", ".join(
                    f"{q} {statistics.median(pairs[q]) * 1000:.1f} ms ({result['counts'][q]:,})"
                    for q in sorted(pairs, key=lambda q: statistics.median(pairs[q]), reverse=True)[:3]
                ),
            )
        )
    cold = result["cold"]
    warm = {q: statistics.median(samples[q]) for q in cold if q in samples}
    report.add(
        Figure(
            "engine_cold",
            "first pinyin query in a fresh process (one-off warm-up)",
            [cold["sudongpo"] * 1000],
            "ms",
            kind="part",
            note=", ".join(
                f"{q}: {s * 1000:.0f} ms cold, {warm.get(q, math.nan) * 1000:.0f} ms warm"
                for q, s in cold.items()
            ),
        )
    )
    slowest = sorted(samples, key=lambda q: statistics.median(samples[q]), reverse=True)
    report.details["engine_per_query_ms"] = {
        q: {
            "median": statistics.median(samples[q]) * 1000,
            "max": max(samples[q]) * 1000,
            "results": result["counts"][q],
        }
        for q in slowest
    }


# The first query after warm() is compared with the mix's warm median (issue 13): one query per
# fresh process, over queries spread across the mix, so one heavy query does not stand for all.
FIRST_QUERIES: tuple[str, ...] = (
    "sudongpo", "苏东坡", "故乡", "qing", "青春", "cf", "Hello", "type:micro-drama", "青春 | 故乡",
)  # fmt: skip


def measure_first_query(runner: Runner, report: Report, catalog: Path, db: Path, repeat: int) -> None:
    say(
        f"first query of a process: 青春 without warm() × {repeat}; after warm(), each of "
        f"{len(FIRST_QUERIES)} queries first in its own process × {repeat}"
    )
    cold: list[dict[str, Any]] = []
    warm: list[dict[str, Any]] = []
    for _ in range(repeat):
        for query, warmed in (("青春", False), *((q, True) for q in FIRST_QUERIES)):
            _, events = runner.driver(
                "first-query", "--catalog", str(catalog), "--db", str(db), "--query", query,
                *(["--warm"] if warmed else []),
            )  # fmt: skip
            result = _event(events, "first_query")
            if result is None:
                raise DriverError("first-query: no result")
            (warm if warmed else cold).append(result)
    report.add(
        Figure(
            "first_query_cold",
            "first query of a process (青春), without warm()",
            [r["first"] * 1000 for r in cold],
            "ms",
            kind="part",
            note=f"the same query again: {statistics.median(r['again'] * 1000 for r in cold):.1f} ms",
        )
    )
    report.add(
        Figure(
            "first_query_warm",
            f"first query after engine.warm(), {len(FIRST_QUERIES)} queries of the mix, one per process",
            [r["first"] * 1000 for r in warm],
            "ms",
            kind="target",
            target="≤ the mix's median",
            note=f"each query again in the same process: median {statistics.median(r['again'] * 1000 for r in warm):.1f} ms; "
            f"first ÷ again, median {statistics.median(r['first'] / r['again'] for r in warm):.2f}×; "
            f"warm() took {statistics.median(r['warm'] * 1000 for r in warm):.0f} ms",
        )
    )


def measure_export(runner: Runner, report: Report, catalog: Path, db: Path, repeat: int) -> None:
    say(
        f"export every work to YAML vs a bare yaml.dump(CSafeDumper) of the same data × {repeat}, alternating"
    )
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "bare": []}
    for _ in range(repeat):
        for kind in ("ours", "bare"):
            _, events = runner.driver(
                "export", "--catalog", str(catalog), "--db", str(db), "--kind", kind, timeout=1800
            )
            result = _event(events, "export")
            if result is None:
                raise DriverError("export: no result")
            runs[kind].append(result)
    ours, bare = runs["ours"], runs["bare"]
    report.add(Figure("export_yaml", "export every work to YAML (streamed, with progress)",
                      [r["seconds"] for r in ours], "s",
                      note=f"{ours[0]['bytes'] / 2**20:.0f} MiB written; {ours[0]['progress_calls']} progress calls, "
                      f"longest between two {statistics.median(r['longest_stall'] for r in ours):.2f} s"))  # fmt: skip
    report.add(Figure("export_bare", "↳ bare yaml.dump(Dumper=CSafeDumper) of the same data, to a file",
                      [r["seconds"] for r in bare], "s", kind="baseline",
                      note="its data built before the clock starts; ours builds the works and rows as it goes"))  # fmt: skip
    report.add(Figure("export_ratio", "↳ export ÷ bare CSafeDumper (paired runs)",
                      [o["seconds"] / b["seconds"] for o, b in zip(ours, bare, strict=True)], "x",
                      "≤ 1.2×", 1.2))  # fmt: skip
    report.add(Figure("export_peak", "peak resident memory during the export",
                      [r["peak_mib"] for r in ours], "MiB", "≤ 300 MiB", 300.0,
                      note=f"of which before the export (the opened library) "
                      f"{statistics.median(r['rss_before_mib'] for r in ours):.0f} MiB; the bare dump peaks at "
                      f"{statistics.median(r['peak_mib'] for r in bare):.0f} MiB with its data built"))  # fmt: skip


def measure_pilot(runner: Runner, report: Report, catalog: Path, db: Path, repeat: int) -> None:
    say(f"keystroke → results on screen (Pilot, 120×40) × {repeat}")
    medians, p90s, searches, changed_medians, runs = [], [], [], [], []
    for n in range(repeat):
        _, events = runner.driver("pilot", "--catalog", str(catalog), "--db", str(db), timeout=900)
        result = _event(events, "pilot")
        if result is None or "keystrokes" not in result:
            raise DriverError(f"pilot: {result and result.get('error')}")
        keys = result["keystrokes"]
        latencies = [k["latency"] * 1000 for k in keys]
        medians.append(statistics.median(latencies))
        p90s.append(_percentile(latencies, 0.9))
        searches.append(statistics.median(k["search_done"] * 1000 for k in keys))
        changed = [k["latency"] * 1000 for k in keys if k["changed"]]
        changed_medians.append(statistics.median(changed) if changed else math.nan)
        runs.append(keys)
        say(
            f"  run {n + 1}/{repeat}: median {medians[-1]:.0f} ms, p90 {p90s[-1]:.0f} ms over {len(keys)} keys"
        )
    count = len(runs[0]) if runs else 0
    report.add(
        Figure(
            "pilot_median",
            f"keystroke → results on screen, median of {count} keys",
            medians,
            "ms",
            "≤ 50 ms",
            50.0,
        )
    )
    report.add(Figure("pilot_p90", "keystroke → results on screen, p90", p90s, "ms", kind="part"))
    report.add(
        Figure(
            "pilot_changed_median",
            "keystroke → results on screen, median of keys that changed the results",
            changed_medians,
            "ms",
            kind="part",
        )
    )
    report.add(
        Figure(
            "pilot_search_done",
            "keystroke → search worker done (debounce 30 ms + search + hand-off)",
            searches,
            "ms",
            kind="part",
        )
    )
    report.details["pilot_keystrokes"] = runs


def measure_tinydb(runner: Runner, report: Report, catalog: Path, db: Path, repeat: int) -> None:
    say("baseline: TinyDB Query search vs the engine (equivalent hanzi title queries)")
    _, events = runner.driver(
        "tinydb", "--catalog", str(catalog), "--db", str(db), "--rounds", str(repeat), timeout=900
    )
    result = _event(events, "tinydb")
    if result is None:
        raise DriverError("tinydb: no result")
    queries = result["queries"]
    for name, label in (
        ("tinydb_file", "TinyDB Query().title.search, JSONStorage (reads the file per search)"),
        ("tinydb_memory", "TinyDB Query().title.search, CachingMiddleware (in memory)"),
    ):
        report.add(
            Figure(
                f"baseline_{name}",
                label,
                [queries[q][name] * 1000 for q in queries],
                "ms",
                kind="baseline",
                note="one sample per query: " + ", ".join(queries),
            )
        )
    engine = [queries[q]["engine"] * 1000 for q in queries]
    report.add(
        Figure(
            "baseline_engine", "the engine, same queries (all fields + pinyin)", engine, "ms", kind="baseline"
        )
    )
    ratios = [queries[q]["tinydb_memory"] / max(queries[q]["engine"], 1e-9) for q in queries]
    report.add(Figure("baseline_tinydb_ratio", "  … TinyDB in memory ÷ engine", ratios, "x", kind="baseline"))
    report.details["tinydb"] = result


def measure_tables(
    runner: Runner, report: Report, catalog: Path, db: Path, works: int, datatable_rows: list[int]
) -> None:
    say(
        f"baseline: DataTable add_rows ({', '.join(f'{n:,}' for n in datatable_rows)}) vs WorksTable positions"
    )
    args = [
        "tables",
        "--catalog",
        str(catalog),
        "--db",
        str(db),
        "--datatable-rows",
        *map(str, datatable_rows),
    ]
    _, events = runner.driver(*args, timeout=1800)
    result = _event(events, "tables")
    if result is None:
        raise DriverError("tables: no result")
    for key, value in result.items():
        if key.startswith("datatable_"):
            rows = int(key.split("_")[1])
            note = ""
            if rows < works and not math.isnan(value):
                note = f"not measured at {works:,}; linear extrapolation ≈ {value * works / rows:.0f} s"
            report.add(
                Figure(
                    f"baseline_{key}",
                    f"DataTable: add_rows({rows:,}) until painted",
                    [value * 1000],
                    "ms",
                    kind="baseline",
                    note=note,
                )
            )
        elif key.startswith("workstable_"):
            _, order, rows = key.split("_")
            report.add(
                Figure(
                    f"baseline_{key}",
                    f"WorksTable: positions = {int(rows):,} ({order} order) until painted",
                    [value * 1000],
                    "ms",
                    kind="baseline",
                )
            )
    report.details["tables"] = result


# --- the whole run -------------------------------------------------------------------------------


def combine(reports: list[dict[str, Any]]) -> str:
    """A Markdown table over several runs: the median of the runs' medians, and their range."""
    lines = [
        f"| figure | median of {len(reports)} runs | range over runs | target | result |",
        "|---|---|---|---|---|",
    ]
    keys: list[str] = []
    for report in reports:
        keys += [f["key"] for f in report["figures"] if f["key"] not in keys]
    for key in keys:
        found = [f for report in reports for f in report["figures"] if f["key"] == key]
        first = found[0]
        values = [f["median"] for f in found if f["median"] is not None and not math.isnan(f["median"])]
        figure = Figure(key, first["label"], values, first["unit"], first["target"], first["limit"])
        figure.kind = first["kind"]
        shown = _fmt(figure.median, figure.unit) if values else "error"
        spread = (
            f"{_fmt(min(values), figure.unit, bare=True)}–{_fmt(max(values), figure.unit, bare=True)}"
            if len(values) > 1
            else ""
        )
        verdict = figure.verdict + (f" ({figure.miss()})" if figure.miss() else "")
        if not verdict:
            verdict = "baseline" if figure.kind == "baseline" else ""
        label = first["label"].strip()
        label = (
            f"↳ {label.lstrip('… ')}" if first["kind"] == "part" or first["label"].startswith("  ") else label
        )
        lines.append(f"| {label} | {shown} | {spread} | {figure.target} | {verdict} |")
    return "\n".join(lines)


def _revision(source: Path) -> str:
    """The checkout's commit, and whether its package has uncommitted changes (read-only git)."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(source), "status", "--porcelain", "--", "catalog_tui"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}{' + uncommitted changes in catalog_tui/' if dirty else ''}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--catalog", type=Path, help="measure this catalogue instead of a generated one")
    parser.add_argument("--works", type=int, default=TARGET_WORKS, help="works to generate (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--long-texts", action="store_true", help="generate richer works (generate.py --long-texts)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each noisy measurement (default 3)")
    parser.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    parser.add_argument("--json-out", type=Path, metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: print a Markdown table combining earlier --json-out reports (median, range)",
    )
    parser.add_argument(
        "--datatable-rows",
        type=int,
        nargs="+",
        default=[10_000],
        metavar="N",
        help="DataTable baseline sizes (default 10000; 100000 takes minutes)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT,
        help="the catalog-tui source tree to measure (default: this checkout), e.g. a `git archive` export",
    )
    parser.add_argument("--revision", help="what --source is, for the report (default: asked of git)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=STEPS,
        help="run only these measurements",
    )
    args = parser.parse_args(argv)
    if args.combine:
        print(combine([json.loads(path.read_text(encoding="utf-8")) for path in args.combine]))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    work_dir = Path(args.keep or tempfile.mkdtemp(prefix="catalog-tui-bench-")).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    source = args.source.resolve()
    if not (source / "catalog_tui" / "app.py").is_file():
        parser.error(f"--source {source}: no catalog_tui package there")
    runner = Runner(work_dir, timeout=600, source=source)
    started = time.monotonic()
    try:
        if args.catalog:
            catalog = args.catalog.resolve()
            say(f"catalogue {catalog}")
            generated: dict[str, Any] = {}
        else:
            catalog = work_dir / f"catalog-{args.works}{'-long' if args.long_texts else ''}.yaml"
            say(f"generating {args.works:,} works (seed {args.seed}) into {catalog}")
            begin = time.monotonic()
            runner.run(
                str(HERE / "generate.py"),
                "--works",
                str(args.works),
                "--seed",
                str(args.seed),
                "-o",
                str(catalog),
                *(["--long-texts"] if args.long_texts else []),
            )
            generated = {
                "works": args.works,
                "seed": args.seed,
                "long_texts": args.long_texts,
                "seconds": time.monotonic() - begin,
            }
        db = work_dir / "big" / "store.json"
        works = args.works if generated else 0
        chosen = set(args.only or STEPS)
        if chosen - {"imports", "bundled"}:
            # Untimed: seeds the store the later steps open, warms the page and bytecode caches,
            # and counts the works of a given catalogue.
            say("seeding the store once (untimed warm-up)")
            _, events = runner.driver("seed", "--catalog", str(catalog), "--db", str(db), timeout=900)
            opened = _event(events, "opened")
            works = opened["works"] if opened else works
        report = Report(
            {**machine_info(), "source": str(source), "revision": args.revision or _revision(source)},
            {"path": str(catalog), "works": works, "mib": catalog.stat().st_size / 2**20, **generated},
        )
        steps: list[tuple[str, Callable[[], None]]] = [
            ("imports", lambda: measure_imports(runner, report, args.repeat)),
            ("bundled", lambda: measure_bundled_first_frame(runner, report, args.repeat)),
            ("seed", lambda: measure_seed(runner, report, catalog, db, works, args.repeat)),
            ("first-frame", lambda: measure_big_first_frame(runner, report, catalog, db, works, args.repeat)),
            ("engine", lambda: measure_engine(runner, report, catalog, db, args.repeat)),
            ("first-query", lambda: measure_first_query(runner, report, catalog, db, args.repeat)),
            ("pilot", lambda: measure_pilot(runner, report, catalog, db, args.repeat)),
            ("tinydb", lambda: measure_tinydb(runner, report, catalog, db, args.repeat)),
            ("tables", lambda: measure_tables(runner, report, catalog, db, works, args.datatable_rows)),
            ("export", lambda: measure_export(runner, report, catalog, db, args.repeat)),
        ]
        for name, step in steps:
            if name not in chosen:
                continue
            try:
                step()
            except DriverError as error:
                report.errors.append(f"{name}: {error}")
                say(f"  {name} failed: {error}")
        report.machine["load_average_at_end"] = os.getloadavg()
        report.machine["seconds"] = time.monotonic() - started
    finally:
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)

    data = {
        "machine": report.machine,
        "catalog": report.catalog,
        "figures": [f.as_json() for f in report.figures],
        "details": report.details,
        "errors": report.errors,
    }
    if args.json_out:
        args.json_out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        m = report.machine
        print(f"catalog-tui benchmarks: {report.catalog['works']:,} works ({report.catalog['mib']:.1f} MiB)")
        print(f"source: {m['source']} ({m['revision']})")
        print(
            f"machine: {m['cpus']} CPUs, {m['cpu_model']}, Python {m['python']}, textual {m['packages']['textual']}"
        )
        load = m["load_average_at_start"]
        print(
            f"load average at start {load[0]:.2f}, at end {m['load_average_at_end'][0]:.2f}; took {m['seconds']:.0f} s"
        )
        print()
        print(report.table())
        notes = [f"- {f.label.strip()}: {f.note}" for f in report.figures if f.note]
        if notes:
            print("\nnotes:\n" + "\n".join(notes))
        if report.details.get("engine_per_query_ms"):
            print("\nslowest queries (median ms, results):")
            for query, info in list(report.details["engine_per_query_ms"].items())[:8]:
                print(f"  {query!r:<32} {info['median']:7.1f} ms  {info['results']:>7,}")
        if report.errors:
            print("\nerrors:\n" + "\n".join(report.errors))
    failed = [f for f in report.figures if f.verdict in ("FAIL", "ERROR")]
    return 1 if report.errors else (0 if not failed else 3)


if __name__ == "__main__":
    sys.exit(main())
