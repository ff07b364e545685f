"""Issue 13: the list is shown before the engine warms up, and the warm-up runs in a worker after
it. Searches may then race the warm-up: every lazily built structure is built once, under a lock,
and a search that needs one being built waits for it (never a second build, never a half-built
one). Counted and ordered, never timed: builds are slowed down so that threads meet in them."""

from __future__ import annotations

import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import at_once, write_catalog
from hypothesis import given
from hypothesis import strategies as st
from test_startup import seeded_app
from tui_helpers import ready

from catalog_tui import quick_open
from catalog_tui.app import CatalogApp
from catalog_tui.core import bits
from catalog_tui.core import index as index_module
from catalog_tui.core import records as records_module
from catalog_tui.core import text as text_module
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.lazy_works import SCANS_BEFORE_DICT, LazyWorks, PositionsById
from catalog_tui.core.library import Library
from catalog_tui.core.model import Work
from catalog_tui.core.once import built_once
from catalog_tui.core.postings import LoadedPostings, SetCache
from catalog_tui.core.records import RecordBook
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.snapshot import HAY_TABLE
from catalog_tui.core.snapshot_storage import SnapshotTables
from catalog_tui.screens.browser import Browser
from catalog_tui.screens.loading import LoadingScreen
from catalog_tui.screens.main import MainScreen

THREADS = 6
SLOW = 0.02  # seconds a counted build sleeps, so that every thread arrives while it runs
QUERIES = ("苏东坡", "qingming", "微短剧", "xs", "中国", "type:documentary 旅行", "醒狮 -qm", "跟着")


def reopened(catalog_file: Path, db_path: Path) -> Library:
    """A library read from its snapshot: everything lazy, as the app opens it."""
    Library.open(catalog_file, db_path).close()
    library = Library.open(catalog_file, db_path)
    assert library.report.seeded is False
    return library


def counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, key: Callable[..., Any]) -> Counter[Any]:
    """Count (and slow down) the calls of owner.name, by key(*args)."""
    calls: Counter[Any] = Counter()
    real = getattr(owner, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls[key(*args)] += 1
        time.sleep(SLOW)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)
    return calls


def answers(engine: SearchEngine, query: str) -> tuple[list[int], int, int]:
    result = engine.search(query)
    return result.positions, result.title_hits, result.found


# --- the core: one build each, however many threads ask ---------------------------------------


class _Owner:
    def __init__(self) -> None:
        self.builds: Counter[str] = Counter()

    @built_once
    def inner(self) -> list[int]:
        self.builds["inner"] += 1
        time.sleep(SLOW)
        return [1, 2, 3]

    @built_once
    def outer(self) -> list[int]:
        self.builds["outer"] += 1
        time.sleep(SLOW)
        return [*self.inner, 4]  # a build needing another


def test_built_once_builds_once_and_everyone_gets_the_built_value() -> None:
    owner = _Owner()
    results = at_once(*([lambda: owner.outer] * THREADS), *([lambda: owner.inner] * THREADS))
    assert owner.builds == Counter(inner=1, outer=1)
    assert all(r is owner.outer for r in results[:THREADS])
    assert all(r is owner.inner for r in results[THREADS:])
    assert vars(owner)["outer"] == [1, 2, 3, 4]  # kept where cached_property keeps it
    assert isinstance(_Owner.__dict__["outer"], built_once)


def test_warm_ups_and_searches_at_once_build_each_structure_once(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = reopened(catalog_file, db_path)
    try:
        exact = counted(monkeypatch, SearchIndex, "_build_exact_titles", lambda index: "exact")
        by_rank = counted(monkeypatch, index_module, "_by_rank", lambda texts, order: len(texts))
        decodes = counted(
            monkeypatch, LoadedPostings, "_decode", lambda postings, key, text: (id(postings), key)
        )
        engine = library.engine
        tasks = [engine.warm] * 2 + [lambda q=q: answers(engine, q) for q in QUERIES for _ in range(2)]
        at_once(*tasks)
        assert exact == Counter(exact=1)
        # The search texts and both folded titles are read in title order (schema 8), never
        # permuted; each table read once (tests/test_store_tables_lazy.py counts the reads).
        assert sum(by_rank.values()) == 0
        assert decodes and set(decodes.values()) == {1}  # every key decoded once
        assert {"_hay_by_rank", "_titles_by_rank", "_titles_en_by_rank"} <= set(vars(library.index))
    finally:
        library.close()


def test_searches_racing_the_warm_up_find_what_they_find_after_it(catalog_file: Path, db_path: Path) -> None:
    warmed = reopened(catalog_file, db_path)
    try:
        warmed.engine.warm()
        expected = {q: answers(warmed.engine, q) for q in QUERIES}
    finally:
        warmed.close()
    racing = reopened(catalog_file, db_path)
    try:
        engine = racing.engine
        found = at_once(engine.warm, *(lambda q=q: answers(engine, q) for q in QUERIES))[1:]
        assert dict(zip(QUERIES, found, strict=True)) == expected
        assert any(positions for positions, _, _ in expected.values())
        # And after the race, the same again.
        assert {q: answers(engine, q) for q in QUERIES} == expected
    finally:
        racing.close()


def test_the_lookup_by_id_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    iterations = Counter[str]()

    class CountedIds(list[str]):
        def __iter__(self) -> Iterator[str]:
            iterations["ids"] += 1
            time.sleep(SLOW)
            return super().__iter__()

    ids = CountedIds(f"w{n}" for n in range(200))
    positions = PositionsById(ids)
    assert at_once(*(lambda n=n: positions.positions[f"w{n}"] for n in range(THREADS))) == list(
        range(THREADS)
    )
    assert iterations == Counter(ids=1)


def test_a_work_asked_for_by_several_threads_is_built_once() -> None:
    builds: Counter[int] = Counter()

    def build(position: int) -> Work:
        builds[position] += 1
        time.sleep(SLOW)
        return Work(f"w{position}")

    works = LazyWorks(5, build)
    found = at_once(*(lambda: works[3] for _ in range(THREADS)), lambda: works[-1])
    assert builds == Counter({3: 1, 4: 1})
    assert all(work is works[3] for work in found[:THREADS]) and found[-1] is works[4]


def test_a_cached_set_is_built_once() -> None:
    cache = SetCache()
    builds: Counter[str] = Counter()

    def build() -> int:
        builds["set"] += 1
        time.sleep(SLOW)
        return 0b1011

    assert at_once(*(lambda: cache.get("char", "中", build) for _ in range(THREADS))) == [0b1011] * THREADS
    assert builds == Counter(set=1)


def test_record_pinyin_and_works_are_worked_out_once(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = RecordBook(index)
    keys = counted(monkeypatch, records_module, "pinyin_keys", lambda name: name)
    alone.warm()
    expected = Counter(keys)
    keys.clear()
    book = RecordBook(index)
    campaign = book.sections["campaigns"][0]
    works = counted(monkeypatch, RecordBook, "_works_of", lambda book, section, record: record.id)
    results = at_once(book.warm, book.warm, *(lambda: book.works(campaign) for _ in range(THREADS)))
    assert keys == expected  # each record's names read once, as by one thread alone
    assert works == Counter({campaign.id: 1})
    assert len(set(results[2:])) == 1


def test_the_traditional_to_simplified_converter_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    opencc = pytest.importorskip("opencc")
    text_module._converter.cache_clear()
    text_module._opencc_converter.cache_clear()
    made = counted(monkeypatch, opencc, "OpenCC", lambda config: config)
    try:
        converters = at_once(*(text_module._converter for _ in range(THREADS)))
    finally:
        text_module._converter.cache_clear()
    assert made == Counter(t2s=1)
    assert len({id(c) for c in converters}) == 1


# --- the app: the list first, then the warm-up, in a worker ------------------------------------


@pytest.fixture
def held_warm_up(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], threading.Event]]:
    """SearchEngine.warm held until the event is set; what happened, in order: the browser opened
    (with how many works its list shows), the warm-up started (on which thread), and ended."""
    happened: list[str] = []
    release = threading.Event()
    real_warm = SearchEngine.warm
    real_first_frame = Browser._first_frame_painted

    def warm(engine: SearchEngine) -> None:
        main = threading.current_thread() is threading.main_thread()
        happened.append("warm on the main thread" if main else "warm in a worker")
        release.wait(30)
        real_warm(engine)
        happened.append("warmed")

    def first_frame_painted(screen: Browser) -> None:
        listed = len(screen.result.positions) if screen.result else 0
        happened.append(f"list of {listed}")  # painted: the browser's first frame is on screen
        real_first_frame(screen)

    monkeypatch.setattr(SearchEngine, "warm", warm)
    monkeypatch.setattr(Browser, "_first_frame_painted", first_frame_painted)
    yield happened, release
    release.set()  # never leave a worker waiting


@pytest.mark.parametrize("through_loading_screen", [False, True])
async def test_the_list_shows_before_the_engine_warms_up_in_a_worker(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held_warm_up: tuple[list[str], threading.Event],
    through_loading_screen: bool,
) -> None:
    happened, release = held_warm_up
    if through_loading_screen:
        monkeypatch.setattr(quick_open, "SMALL_CATALOGUE", 1000)
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):  # not ready(): it waits for every worker, and the warm-up is held
            if "warm in a worker" in happened:
                break
            await pilot.pause()
        assert app.library is not None
        works = len(app.library.index.works)
        # The list was shown, painted, and only then the warm-up started, off the UI thread; it
        # is still held, and the list is there meanwhile.
        assert happened == [f"list of {works}", "warm in a worker"]
        screen = app.screen
        assert isinstance(screen, MainScreen) and len(screen.matches) == works
        release.set()
        await ready(pilot)
        assert happened == [f"list of {works}", "warm in a worker", "warmed"]
        # The first work's details and its related works were shown by the ids of works built
        # for them: no dict of every id (half a second at a million works), and no scan of them.
        by_id = app.library.index.position_by_id
        assert isinstance(by_id, PositionsById) and not by_id.built
        assert by_id._scans == SCANS_BEFORE_DICT


# --- what opening reads: only what showing the list needs ---------------------------------------


def test_opening_decodes_the_search_texts_only_when_a_search_needs_them(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Library.open(catalog_file, db_path).close()
    decoded_tables: list[str] = []
    real = SnapshotTables._decoded

    def recording(tables: SnapshotTables, name: str) -> dict[str, Any]:
        decoded_tables.append(name)
        return real(tables, name)

    monkeypatch.setattr(SnapshotTables, "_decoded", recording)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False
        assert HAY_TABLE not in decoded_tables  # (checking that it is there decoded it whole)
        library.engine.search("", sort="title")  # the list
        assert HAY_TABLE not in decoded_tables
        library.engine.search("苏东坡")
        assert decoded_tables.count(HAY_TABLE) == 1
    finally:
        library.close()


def test_the_ids_of_works_built_are_looked_up_without_a_scan_or_the_dict(
    catalog_file: Path, db_path: Path
) -> None:
    library = reopened(catalog_file, db_path)
    try:
        index = library.index
        by_id = index.position_by_id
        assert isinstance(by_id, PositionsById) and isinstance(index.works, LazyWorks)
        shown = range(0, len(index.works), 2)
        ids = [index.works[p].id for p in shown]  # as the list and the details build them
        for _ in range(SCANS_BEFORE_DICT):  # more lookups than scans before the dict
            assert [by_id[work_id] for work_id in ids] == list(shown)
            assert all(work_id in by_id for work_id in ids)
        assert not by_id.built and by_id._scans == SCANS_BEFORE_DICT
        # A work not built yet is scanned for, then the dict is built, and answers alike.
        unbuilt = [w.id for w in library.catalog.works.walk()][1::2]
        for _ in range(SCANS_BEFORE_DICT):
            assert [by_id[w] for w in unbuilt] == list(range(1, len(index.works), 2))
        assert by_id.built and [by_id[w] for w in ids] == list(shown)
    finally:
        library.close()


# --- the first query after the warm-up -----------------------------------------------------------


@given(st.sets(st.integers(0, 5_000), max_size=300), st.integers(5_001, 400_000), st.sampled_from("lanqs"))
def test_a_set_from_ranks_is_the_same_however_they_come(ranks: set[int], size: int, kind: str) -> None:
    expected = sum(1 << rank for rank in ranks)
    given_as: Any = {
        "l": sorted(ranks),
        "a": array("i", sorted(ranks)),
        "n": np.array(sorted(ranks), dtype=np.int32),
        "q": array("q", sorted(ranks)),
        "s": ranks,
    }[kind]
    assert bits.from_ranks(given_as, size) == expected
    assert bits.from_ranks(iter(sorted(ranks)), size) == expected


def test_warming_up_decodes_every_syllable_s_codes(catalog_file: Path, db_path: Path) -> None:
    library = reopened(catalog_file, db_path)
    try:
        codes = library.index.syllables._codes
        assert isinstance(codes, LoadedPostings) and codes.decoded == 0
        expected = {q: answers(library.engine, q) for q in ("sudongpo", "xs", "qingming")}
        library.close()
        library = reopened(catalog_file, db_path)
        codes = library.index.syllables._codes
        assert isinstance(codes, LoadedPostings)
        library.engine.warm()
        assert codes.decoded == len(codes)
        assert {q: answers(library.engine, q) for q in expected} == expected
        assert codes.decoded == len(codes)  # nothing decoded twice
    finally:
        library.close()


async def test_an_up_to_date_store_of_a_large_catalogue_shows_the_list_without_a_loading_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening an up-to-date store of 100,000 works takes a few tenths of a second: the loading
    # screen's own frames and worker cost more than that, so only larger catalogues get one.
    catalogue = write_catalog(tmp_path / "catalog.yaml")
    with catalogue.open("a", encoding="utf-8") as file:
        file.write("# " + "x" * (2 << 20) + "\n")  # a 2 MiB catalogue: once beyond the limit
    store = tmp_path / "store.json"
    Library.open(catalogue, store).close()
    made: list[LoadingScreen] = []
    real_init = LoadingScreen.__init__

    def recording(screen: LoadingScreen, *args: Any, **kwargs: Any) -> None:
        made.append(screen)
        real_init(screen, *args, **kwargs)

    monkeypatch.setattr(LoadingScreen, "__init__", recording)
    app = CatalogApp(catalog_path=catalogue, db_path=str(store))
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, MainScreen)  # the first screen is the list
        screen = await ready(pilot)
        assert app.library is not None and len(screen.matches) == len(app.library.index.works)
    assert made == []
    assert catalogue.stat().st_size < quick_open.SMALL_CATALOGUE
