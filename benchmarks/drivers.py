"""Child-process drivers for benchmarks/run.py: each mode runs in a fresh interpreter and prints
one JSON object per line on stdout (events carry `time.monotonic()`, which on Linux is the
system-wide CLOCK_MONOTONIC, so the parent can subtract the moment it started the process).

    python benchmarks/drivers.py MODE [ARGS...]

Modes: bare-app, app, seed, scan, open, engine, pilot, tinydb, tables, export. They use the package's public
objects and change nothing in it; the hooks a benchmark needs live in this process only: a thin
subclass of CatalogApp overriding `App._display` (called with each composed frame, the moment a
real terminal would be written), `Library.open` wrapped to time the loading worker, the engine's
`search` wrapped on its instance, and a watcher on `WorksTable.positions`.
"""

from __future__ import annotations

import time

STARTED = time.monotonic()  # as early as possible: imports below count in the figures

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import importlib.abc  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

# The source tree to measure: this checkout, or another one (run.py --source) given by the parent.
ROOT = Path(os.environ.get("CATALOG_TUI_BENCH_SOURCE") or Path(__file__).resolve().parent.parent)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

W = TypeVar("W")

# Queries that simulate typing: prefixes of pinyin and initials, hanzi as an IME commits them,
# mixed hanzi and initials, field filters, negation, OR and a phrase. Fixed, so runs compare.
QUERY_MIX: tuple[str, ...] = (
    "s", "su", "sud", "sudo", "sudon", "sudong", "sudongp", "sudongpo",
    "苏", "苏东", "苏东坡",
    "故", "故乡",
    "n", "nh", "nhs", "nhsd", "nhsdp",
    "g", "gx",
    "苏d", "苏dp",
    "q", "qing", "qingchun", "青春",
    "changan", "长安", "chongfeng", "重逢", "cf",
    "hometown", "Hello",
    "type:micro-drama",
    "campaign:旅行",
    "channel:卫视 year:2020..2024",
    "-type:documentary 青春",
    "青春 | 故乡",
    "theme:非遗 year:2024",
    '"你好"',
    "-campaign:旅行 shanhe",
)  # fmt: skip

# Two-character hanzi words whose characters are both common (issue 13): each character alone is
# in thousands of works, so checking the candidates one by one was the engine's slowest path.
PAIR_QUERIES: tuple[str, ...] = (
    "青春", "故乡", "传统", "文化", "年轻", "故事", "观众", "家庭", "乡村", "时光",
    "少年", "长安", "中国", "创作", "追逐", "梦想", "城市", "古镇", "传承", "力量",
)  # fmt: skip

# Hanzi queries that TinyDB can answer too (a regex over the title), for the baseline ratio.
TINYDB_QUERIES: tuple[str, ...] = ("苏", "故乡", "青春", "苏东坡", "长安")

# Keystrokes for the Pilot figure: (key to press, or text an IME commits; the query after it).
KEYSTROKES: tuple[tuple[str, str], ...] = (
    *((c, "sudongpo"[: i + 1]) for i, c in enumerate("sudongpo")),
    ("ctrl+u", ""),
    *((c, "nhsdp"[: i + 1]) for i, c in enumerate("nhsdp")),
    ("ctrl+u", ""),
    ("=苏东坡", "苏东坡"),
    ("ctrl+u", ""),
    *((c, "qingchun"[: i + 1]) for i, c in enumerate("qingchun")),
)


_APP_CSS = str(ROOT / "catalog_tui" / "app.tcss")


def emit(**fields: Any) -> None:
    # One write(2) per event, straight to the descriptor: the loading worker and the UI thread
    # emit at nearly the same moment, and print() through Textual's stdout capture can interleave.
    line = (json.dumps(fields, ensure_ascii=False) + "\n").encode("utf-8")
    os.write(1, line)


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --- first frame -------------------------------------------------------------------------------------


def run_bare_app(args: argparse.Namespace) -> None:
    """A bare Textual app: one label. Its first frame is the floor for any Textual app here."""
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        seen = False

        def compose(self) -> ComposeResult:
            yield Label("Hello")

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if renderable is not None and not self._batch_count and not self.seen:
                self.seen = True
                emit(event="first_frame", t=time.monotonic(), screen=type(screen).__name__)
                self.exit()

    Bare().run(headless=True, size=(120, 40))
    emit(event="done", t=time.monotonic(), max_rss_mib=max_rss_mib())


def run_app(args: argparse.Namespace) -> None:
    """catalog-tui itself: first frame (the first screen painted) and "search usable" (the browser
    painted with its first results, which for the empty query is every work)."""
    # Only what `catalog-tui` itself imports before its first frame: the browser screen and the
    # core are imported after it (by the app, and here to time Library.open), as in real use.
    from catalog_tui.app import CatalogApp

    class Probe(CatalogApp):
        CSS_PATH = _APP_CSS  # relative paths resolve beside the subclass's module
        first_seen = False
        usable_seen = False

        def on_mount(self) -> None:
            # Textual also calls CatalogApp.on_mount (handlers run for every class in the MRO),
            # so no super() call here: that would open the library twice.
            self.set_timer(args.timeout, self._give_up)

        def _give_up(self) -> None:
            emit(event="timeout", t=time.monotonic())
            self.exit()

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if renderable is None or self._batch_count:
                return
            now = time.monotonic()
            if not self.first_seen:
                self.first_seen = True
                emit(event="first_frame", t=now, screen=type(screen).__name__)
            # No DOM queries here: this runs inside the compositor's refresh. The screen pushes
            # `matches` into the visible WorksTable synchronously, so a frame composed after the
            # first search shows the results.
            library = self.library
            if (
                type(screen).__name__ == "MainScreen"
                and library is not None
                and not self.usable_seen
                and len(screen.matches) == len(library.index)
            ):
                self.usable_seen = True
                emit(event="usable", t=now, works=len(library.index))
                self.exit()

    _time_library_open()
    app = Probe(catalog_path=args.catalog, db_path=args.db)
    app.run(headless=True, size=(120, 40))
    emit(event="done", t=time.monotonic(), max_rss_mib=max_rss_mib())


def _time_library_open() -> None:
    """Diagnostics: when the loading worker's Library.open starts and ends. The wrapper goes in
    as the worker first imports the core (an import hook), so nothing is imported earlier than
    `catalog-tui` itself would import it."""

    def wrap(library_class: Any) -> None:
        original_open = library_class.open.__func__

        def timed_open(cls: Any, *a: Any, **k: Any) -> Any:
            emit(event="open_start", t=time.monotonic())
            library = original_open(cls, *a, **k)
            emit(event="open_end", t=time.monotonic(), max_rss_mib=max_rss_mib())
            return library

        library_class.open = classmethod(timed_open)

    class AfterImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
            if name != "catalog_tui.core.library":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run_module = spec.loader.exec_module  # type: ignore[union-attr]

            def exec_module(module: Any) -> None:
                run_module(module)
                wrap(module.Library)

            spec.loader.exec_module = exec_module  # type: ignore[union-attr]
            return spec

    sys.meta_path.insert(0, AfterImport())


# --- seeding and opening the store ---------------------------------------------------------------


def _stage_recorder() -> tuple[Callable[[str, int, int], None], list[dict[str, Any]]]:
    """A progress callback that keeps every call's time, so the parent can split the stages and
    measure the longest time the progress bar stood still."""
    calls: list[dict[str, Any]] = []

    def progress(stage: str, done: int, total: int) -> None:
        calls.append(
            {"stage": stage, "done": done, "total": total, "t": time.monotonic(), "rss": max_rss_mib()}
        )

    return progress, calls


def run_seed(args: argparse.Namespace, *, force: bool = True) -> None:
    from catalog_tui.core.library import Library

    imported = time.monotonic()
    progress, calls = _stage_recorder()
    library = Library.open(args.catalog, args.db, force=force, progress=progress)
    opened = time.monotonic()
    works = len(library.index)
    reason = library.report.reason
    library.close()
    emit(
        event="opened",
        started=STARTED,
        imported=imported,
        t=opened,
        works=works,
        reason=reason,
        progress=calls,
        max_rss_mib=max_rss_mib(),
    )


def run_scan(args: argparse.Namespace) -> None:
    """The baseline of issue 13: a bare libyaml event scan of the catalogue (read, decode, every
    parse event fetched and dropped), in a fresh process as a seed runs."""
    import yaml

    imported = time.monotonic()
    text = Path(args.catalog).read_bytes().decode("utf-8")
    parser = yaml.CSafeLoader(text)
    events = 0
    try:
        while parser.check_event():
            parser.get_event()
            events += 1
    finally:
        parser.dispose()
    emit(event="scanned", started=STARTED, imported=imported, t=time.monotonic(), events=events)


# --- the search engine ---------------------------------------------------------------------------


def run_engine(args: argparse.Namespace) -> None:
    from catalog_tui.core.library import Library
    from catalog_tui.core.search import pinyin_pattern

    library = Library.open(args.catalog, args.db)
    engine = library.engine
    # The first query of a process pays one-off costs (pypinyin's dictionaries on first use).
    cold: dict[str, float] = {}
    for query in ("苏东坡", "sudongpo"):
        start = time.perf_counter()
        engine.search(query)
        cold[query] = time.perf_counter() - start
    samples: dict[str, list[float]] = {query: [] for query in QUERY_MIX}
    pairs: dict[str, list[float]] = {query: [] for query in PAIR_QUERIES}
    counts: dict[str, int] = {}
    for _ in range(args.rounds):
        pinyin_pattern.cache_clear()  # each round types the queries afresh
        for mix, queries in ((samples, QUERY_MIX), (pairs, PAIR_QUERIES)):
            for query in queries:
                start = time.perf_counter()
                result = engine.search(query)
                mix[query].append(time.perf_counter() - start)
                counts[query] = len(result)
    library.close()
    emit(event="engine", cold=cold, samples=samples, pairs=pairs, counts=counts, works=len(library.index))


def run_first_query(args: argparse.Namespace) -> None:
    """The first query of a fresh process, with or without SearchEngine.warm() before it (as the
    app may call it in a worker at start-up), then the same query again."""
    from catalog_tui.core.library import Library

    library = Library.open(args.catalog, args.db)
    engine = library.engine
    warm = math.nan
    if args.warm and hasattr(engine, "warm"):  # (older sources have none: measured cold)
        start = time.perf_counter()
        engine.warm()
        warm = time.perf_counter() - start
    times = []
    for _ in range(2):
        start = time.perf_counter()
        engine.search(args.query)
        times.append(time.perf_counter() - start)
    library.close()
    emit(event="first_query", warm=warm, first=times[0], again=times[1])


def _reset_peak_rss() -> float:
    """Start a new peak (Linux: clear_refs 5 resets VmHWM); the resident MiB now."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mib("VmRSS")


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return math.nan


def run_export(args: argparse.Namespace) -> None:
    """Export every work to YAML (`--kind ours`: export_works, streamed, with progress) or dump the
    same data with a bare `yaml.dump(..., Dumper=yaml.CSafeDumper)` to a file (`--kind bare`: the
    data is built before the clock starts). Time, and peak memory during the export alone."""
    import yaml

    from catalog_tui.core import export
    from catalog_tui.core.export_file import export_works
    from catalog_tui.core.library import Library

    library = Library.open(args.catalog, args.db)
    catalog = library.catalog
    out = Path(args.work_dir) / f"export-{args.kind}.yaml"
    calls: list[float] = []
    if args.kind == "bare":
        data = export.catalogue_data(catalog, export.selection(catalog, "works"))
        before = _reset_peak_rss()
        start = time.perf_counter()
        with open(out, "w", encoding="utf-8") as stream:
            yaml.dump(data, stream, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)
        seconds = time.perf_counter() - start
    else:
        before = _reset_peak_rss()
        start = time.perf_counter()
        export_works(
            catalog,
            None,
            out,
            "yaml",
            overwrite=True,
            progress=lambda d, t: calls.append(time.perf_counter()),
        )
        seconds = time.perf_counter() - start
    peak = _status_mib("VmHWM")
    stall = max(
        (b - a for a, b in zip([start, *calls], [*calls, start + seconds], strict=True)), default=seconds
    )
    emit(
        event="export",
        kind=args.kind,
        seconds=seconds,
        rss_before_mib=before,
        peak_mib=peak,
        bytes=out.stat().st_size,
        progress_calls=len(calls),
        longest_stall=stall,
        works=len(catalog.works),
    )
    out.unlink()
    library.close()


def run_tinydb(args: argparse.Namespace) -> None:
    """Baseline: TinyDB's own Query search over the same works, in a plain TinyDB file."""
    import re

    from tinydb import Query, TinyDB
    from tinydb.middlewares import CachingMiddleware
    from tinydb.storages import JSONStorage

    from catalog_tui.core.library import Library

    library = Library.open(args.catalog, args.db)
    engine = library.engine
    rows = [work.to_dict() for work in library.catalog.works]
    path = Path(args.work_dir) / "tinydb-baseline.json"
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    with TinyDB(path, storage=JSONStorage) as db:
        db.table("works").insert_multiple(rows)
    insert_seconds = time.perf_counter() - start
    out: dict[str, Any] = {"insert_s": insert_seconds, "file_mib": path.stat().st_size / 2**20}
    per_query: dict[str, dict[str, Any]] = {}
    with (
        TinyDB(path, storage=JSONStorage) as plain,
        TinyDB(path, storage=CachingMiddleware(JSONStorage)) as cached,
    ):
        cached.table("works").all()  # load once: the cached variant then searches in memory
        for query in TINYDB_QUERIES:
            condition = Query().title.search(re.escape(query))
            timing: dict[str, Any] = {}
            for name, db in (("tinydb_file", plain), ("tinydb_memory", cached)):
                table = db.table("works")
                times = []
                for _ in range(args.rounds):
                    table.clear_cache()  # TinyDB caches query results per table
                    begin = time.perf_counter()
                    found = table.search(condition)
                    times.append(time.perf_counter() - begin)
                timing[name] = statistics.median(times)
                timing[f"{name}_hits"] = len(found)
            times = []
            for _ in range(max(args.rounds, 5)):
                begin = time.perf_counter()
                result = engine.search(query)
                times.append(time.perf_counter() - begin)
            timing["engine"] = statistics.median(times)
            timing["engine_hits"] = len(result)
            per_query[query] = timing
    out["queries"] = per_query
    path.unlink(missing_ok=True)
    library.close()
    emit(event="tinydb", **out)


# --- the TUI ---------------------------------------------------------------------------------------


class _FrameClock:
    """Times of composed frames, recorded by an App's _display hook."""

    def __init__(self) -> None:
        self.frames: list[float] = []

    def mark(self, renderable: Any, batching: int) -> None:
        if renderable is not None and not batching:
            self.frames.append(time.monotonic())

    async def frame_after(self, moment: float, timeout: float = 10.0) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.frames and self.frames[-1] >= moment:
                return next(f for f in self.frames if f >= moment)
            await asyncio.sleep(0.0005)
        return None


async def _mounted(screen: Any, selector: str, kind: type[W], deadline: float) -> W:
    """The widget once the screen has composed it (a pushed screen mounts a little later)."""
    from textual.css.query import NoMatches

    while True:
        try:
            return screen.query_one(selector, kind)  # type: ignore[no-any-return]
        except NoMatches:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.01)


def run_pilot(args: argparse.Namespace) -> None:
    """Keystroke → results on screen: press a key in the search field; the latency ends with the
    first frame composed after the WorksTable received the new results (or, when the results did
    not change, when the debounced search finished). Times come from hooks, not from polling:
    the engine's search (wrapped on the instance), a watcher on WorksTable.positions, and frames."""
    from textual.widgets import Input

    from catalog_tui.app import CatalogApp
    from catalog_tui.screens.main import MainScreen
    from catalog_tui.widgets.works_table import WorksTable

    clock = _FrameClock()

    class Probe(CatalogApp):
        CSS_PATH = _APP_CSS

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            clock.mark(renderable, self._batch_count)

    async def scenario() -> dict[str, Any]:
        app = Probe(catalog_path=args.catalog, db_path=args.db)
        records: list[dict[str, Any]] = []
        searches: list[tuple[float, str, list[int]]] = []
        listed: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            deadline = time.monotonic() + args.timeout
            while not isinstance(app.screen, MainScreen) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            screen = app.screen
            if not isinstance(screen, MainScreen):
                return {"error": "the browser never opened"}
            table = await _mounted(screen, "#works-all", WorksTable, deadline)
            while len(table.positions) != len(screen.library.index) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            engine = screen.library.engine
            search_original = engine.search

            def timed_search(query: str = "", **options: Any) -> Any:
                result = search_original(query, **options)
                searches.append((time.monotonic(), query, result.positions))
                return result

            engine.search = timed_search  # type: ignore[method-assign]
            screen.watch(table, "positions", lambda: listed.append(time.monotonic()), init=False)
            await pilot.pause(0.2)
            await pilot.press("slash")
            search = screen.query_one("#search-input", Input)
            for key, expected in KEYSTROKES:
                before = list(screen.matches)
                start = time.monotonic()
                if key.startswith("="):  # an IME commits hanzi as text, not as key presses
                    search.insert_text_at_cursor(key[1:])
                else:
                    await pilot.press(key)
                limit = time.monotonic() + 30
                while time.monotonic() < limit:
                    found = [(t, p) for t, q, p in searches if t >= start and q == expected]
                    if found:
                        break
                    await asyncio.sleep(0.0005)
                else:
                    return {"error": f"no search for {expected!r} within 30 s"}
                searched, positions = found[0]
                changed = positions != before
                shown = searched
                if changed:
                    while not any(t >= searched for t in listed) and time.monotonic() < limit:
                        await asyncio.sleep(0.0005)
                    given = next((t for t in listed if t >= searched), math.nan)
                    shown = await clock.frame_after(given) or math.nan
                records.append(
                    {
                        "key": key,
                        "query": expected,
                        "latency": shown - start,
                        "search_done": searched - start,
                        "results": len(positions),
                        "changed": changed,
                    }
                )
                await asyncio.sleep(0.15)  # a typist's pause: nothing queued from the last key
        return {"keystrokes": records}

    result = asyncio.run(scenario())
    emit(event="pilot", max_rss_mib=max_rss_mib(), **result)


def run_tables(args: argparse.Namespace) -> None:
    """Baseline: a DataTable filled with one row per result, vs the windowed WorksTable."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from catalog_tui.core.library import Library
    from catalog_tui.widgets.works_table import WorksTable

    library = Library.open(args.catalog, args.db)
    index = library.index
    clock = _FrameClock()

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="data")
            yield WorksTable(id="works")

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            clock.mark(renderable, self._batch_count)

    def row(position: int) -> tuple[str, ...]:
        work = index.works[position]
        campaigns = "、".join(index.group_names("campaign", c) for c in work.campaigns)
        channels = "、".join(index.group_names("channel", c) for c in work.channels)
        return (" ", work.title, work.type_label, str(work.year or ""), campaigns, channels)

    async def scenario() -> dict[str, Any]:
        out: dict[str, Any] = {}
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            data = app.query_one(DataTable)
            works = app.query_one(WorksTable)
            works.index = index
            data.add_columns("✓", "标题 Title", "类型 Type", "年份", "活动 Campaigns", "频道 Channels")
            await pilot.pause(0.1)
            for n in args.datatable_rows:
                n = min(n, len(index))
                data.clear()
                await pilot.pause(0.1)
                rows = [row(p) for p in index.orders["title"][:n]]
                start = time.monotonic()
                data.add_rows(rows)
                data.refresh()
                shown = await clock.frame_after(time.monotonic(), timeout=600)
                out[f"datatable_{n}"] = (shown or float("nan")) - start
            data.clear()
            data.display = False
            await pilot.pause(0.1)
            for label, positions in (
                ("all", list(index.orders["title"])),
                ("year", list(index.orders["year"])),
            ):
                start = time.monotonic()
                works.positions = positions
                shown = await clock.frame_after(start)
                out[f"workstable_{label}_{len(positions)}"] = (shown or float("nan")) - start
        return out

    result = asyncio.run(scenario())
    library.close()
    emit(event="tables", rows_built_outside_timing=True, **result)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="benchmark drivers (run by benchmarks/run.py)")
    parser.add_argument(
        "mode",
        choices=(
            "bare-app",
            "app",
            "seed",
            "scan",
            "open",
            "engine",
            "pilot",
            "tinydb",
            "tables",
            "export",
            "first-query",
        ),
    )
    parser.add_argument("--kind", choices=("ours", "bare"), default="ours", help="export: which writer")
    parser.add_argument("--warm", action="store_true", help="first-query: call SearchEngine.warm() first")
    parser.add_argument("--query", default="青春", help="first-query: the query")
    parser.add_argument("--catalog", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--work-dir", default=os.environ.get("TMPDIR", "/tmp"))
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--datatable-rows", type=int, nargs="*", default=[10_000])
    parser.add_argument("--no-gc", action="store_true", help="(diagnostics) disable the collector")
    args = parser.parse_args(argv)
    if args.no_gc:
        gc.disable()
    modes: dict[str, Callable[[argparse.Namespace], None]] = {
        "bare-app": run_bare_app,
        "app": run_app,
        "seed": run_seed,
        "scan": run_scan,
        "open": lambda a: run_seed(a, force=False),
        "engine": run_engine,
        "pilot": run_pilot,
        "tinydb": run_tinydb,
        "tables": run_tables,
        "export": run_export,
        "first-query": run_first_query,
    }
    modes[args.mode](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
