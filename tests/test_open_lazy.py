"""Issue 13, opening a big store: what opening reads lazily (each key's postings, the lookup by
id, the texts in title order, the orders as lists), counted rather than timed; damage found on
first use reported as a damaged row is; and a reopened index answering as the one built."""

from __future__ import annotations

import base64
import json
from array import array
from pathlib import Path
from typing import Any

import pytest
from conftest import SU_DONG_PO, XING_SHI, catalog_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.lazy_works import SCANS_BEFORE_DICT, PositionsById
from catalog_tui.core.library import Library
from catalog_tui.core.model import Catalog, Work
from catalog_tui.core.postings import LoadedPostings, loaded_postings, saved_postings
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.snapshot_storage import tables_file_chunks

KINDS = ("_char_ranks", "_title_char_ranks", "_pair_ranks", "_title_pair_ranks")


def all_postings(index: SearchIndex) -> list[LoadedPostings]:
    found = [getattr(index, kind) for kind in KINDS] + [index.syllables._codes]
    assert all(isinstance(postings, LoadedPostings) for postings in found)
    return found


def decoded(index: SearchIndex) -> int:
    return sum(postings.decoded for postings in all_postings(index))


def reopened(catalog_file: Path, db_path: Path) -> Library:
    Library.open(catalog_file, db_path).close()
    library = Library.open(catalog_file, db_path)
    assert library.report.seeded is False
    return library


def snapshot_of(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


def damage_snapshot(db_path: Path, damage: Any) -> None:
    """Rewrite the snapshot with `damage` done to its tables and checksums that match."""
    tables = json.loads(snapshot_of(db_path).read_bytes())
    del tables["_checksum"]
    damage(tables)
    snapshot_of(db_path).write_bytes(b"".join(tables_file_chunks(tables)))


def packed(*ranks: int) -> str:
    return "i:" + base64.b64encode(array("i", ranks).tobytes()).decode()


# --- nothing decoded before a query needs it ------------------------------------------------------


def test_opening_decodes_no_postings_and_builds_no_lookups(catalog_file: Path, db_path: Path) -> None:
    library = reopened(catalog_file, db_path)
    try:
        index = library.index
        assert decoded(index) == 0
        assert isinstance(index.position_by_id, PositionsById) and not index.position_by_id.built
        lazy = ("hay", "_hay_by_rank", "_titles_by_rank", "_titles_en_by_rank")  # `_hay` unread
        assert not any(name in vars(index) for name in lazy)
        assert library.catalog.works.built == 0  # type: ignore[attr-defined]
        # A query decodes the keys it looks up, not every key.
        assert [w.id for w in library.works_at(library.engine.search("苏东坡").positions)][:1] == [SU_DONG_PO]
        after_query = decoded(index)
        total = sum(len(postings) for postings in all_postings(index))
        assert 0 < after_query < total
        # A key is decoded once: the same query again decodes nothing more.
        library.engine.search("苏东坡")
        assert decoded(index) == after_query
    finally:
        library.close()


def test_warming_builds_what_the_first_query_needs_but_not_the_dict_of_ids(
    catalog_file: Path, db_path: Path
) -> None:
    library = reopened(catalog_file, db_path)
    try:
        library.engine.warm()
        assert not library.index.position_by_id.built  # type: ignore[attr-defined]
        assert {"_hay_by_rank", "_titles_by_rank", "_titles_en_by_rank"} <= set(vars(library.index))
        assert library.index.position_by_id[XING_SHI] == [w.id for w in library.catalog.works].index(XING_SHI)
    finally:
        library.close()


@given(st.lists(st.text(max_size=3), unique=True, max_size=40), st.lists(st.text(max_size=3), max_size=20))
def test_lookups_by_id_scan_then_build_the_dict_and_answer_alike(ids: list[str], asked: list[str]) -> None:
    positions = PositionsById(ids)
    for number, work_id in enumerate(asked + ids):
        assert positions.get(work_id) == (ids.index(work_id) if work_id in ids else None)
        assert (work_id in positions) == (work_id in ids)
        assert positions.built == (2 * (number + 1) > SCANS_BEFORE_DICT)
    assert len(positions) == len(ids) and list(positions) == ids


# --- damage ----------------------------------------------------------------------------------------


def _rank_beyond_between_good_ends(tables: dict[str, Any]) -> None:
    """Ends in the works, a rank beyond them in the middle: only decoding the key finds it."""
    chars = tables["_chars"]["1"]["saved"]
    for key in chars:
        chars[key] = packed(0, 10_000, 1)


def _ranks_out_of_order(tables: dict[str, Any]) -> None:
    chars = tables["_chars"]["1"]["saved"]
    for key in chars:
        chars[key] = packed(0, 2, 1, 3)


def _syllable_code_beyond(tables: dict[str, Any]) -> None:
    codes = tables["_syllables"]["1"]["saved"]["codes"]
    for key in codes:
        codes[key] = packed(10**8)


def _search_texts_short(tables: dict[str, Any]) -> None:
    del tables["_hay"]["1"]["by_rank"][-1]


def _id_twice(tables: dict[str, Any]) -> None:
    ids = tables["_columns"]["1"]["id"]
    ids[1] = ids[0]


@pytest.mark.parametrize(
    ("damage", "query"),
    [
        (_rank_beyond_between_good_ends, "苏东坡"),
        (_ranks_out_of_order, "苏东坡"),
        (_syllable_code_beyond, "sudongpo"),
        (_search_texts_short, "苏东坡"),
    ],
)
def test_a_damaged_key_found_on_first_use_is_reported_not_a_crash_and_the_next_open_reseeds(
    catalog_file: Path, db_path: Path, damage: Any, query: str
) -> None:
    Library.open(catalog_file, db_path).close()
    damage_snapshot(db_path, damage)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False  # its ends looked right: opened
        assert library.store.snapshot_damage is None
        library.engine.search(query)  # no exception: the damaged keys read as no works
        assert library.store.snapshot_damage is not None
        assert (
            "postings of" in library.store.snapshot_damage or "search texts" in library.store.snapshot_damage
        )
    finally:
        library.close()
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert "unreadable" in library.report.reason
        assert [w.id for w in library.works_at(library.engine.search(query).positions)][:1] == [SU_DONG_PO]
    finally:
        library.close()


def test_the_search_texts_are_read_on_the_first_search_that_checks_candidates_and_kept(
    catalog_file: Path, db_path: Path
) -> None:
    library = reopened(catalog_file, db_path)
    try:
        index = library.index
        fresh = SearchIndex(Catalog.from_dict(catalog_data()))
        assert "_hay_by_rank" not in vars(index)
        assert library.engine.search("苏东坡").positions == SearchEngine(fresh).search("苏东坡").positions
        assert index.hay_by_rank == fresh.hay_by_rank and index.hay == fresh.hay
        assert index.hay_by_rank is index.hay_by_rank  # read once
    finally:
        library.close()


def test_two_works_with_one_id_are_reported_at_the_first_lookup_by_id(
    catalog_file: Path, db_path: Path
) -> None:
    Library.open(catalog_file, db_path).close()
    damage_snapshot(db_path, _id_twice)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.store.snapshot_damage is None
        for _ in range(SCANS_BEFORE_DICT):  # answered by scanning the ids: no dict yet
            assert library.index.position_by_id.get("no such id") is None
        assert library.store.snapshot_damage is None
        assert library.index.position_by_id.get("no such id") is None  # the dict, built now
        assert library.store.snapshot_damage == "two works have the same id"
    finally:
        library.close()
    assert Library.open(catalog_file, db_path).report.seeded is True


def test_without_a_damage_report_a_damaged_key_raises_value_error() -> None:
    saved = {"a": packed(0, 9, 1), "b": packed(0, 1)}
    postings = loaded_postings(saved, 5)  # ends in bounds: accepted at open
    assert list(postings["b"]) == [0, 1]
    with pytest.raises(ValueError, match="beyond the works"):
        postings["a"]
    problems: list[str] = []
    reported = loaded_postings(saved, 5, on_damage=problems.append)
    assert reported["a"] == 0 and problems == ["postings of 'a' beyond the works"]


@pytest.mark.parametrize(
    "text",
    [packed(-1, 2), packed(0, 5), "b:" + base64.b64encode(b"\x00\x01").decode(), "x:AAAA", "i:AAA", "i:AAAA"],
)
def test_bounds_read_from_a_keys_ends_refuse_it_at_open(text: str) -> None:
    # space 5: a rank of 5, a bitset of 9 bits, an unknown type, broken base64, 3 bytes of an int32.
    with pytest.raises(ValueError):
        loaded_postings({"k": text}, 5)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 2**20)), st.integers(1, 2**20 + 8))
def test_the_check_at_open_agrees_with_the_whole_key_for_ascending_ranks(ranks: set[int], space: int) -> None:
    """A key's ends decide as every rank would: for ints and bitsets alike."""
    ordered = sorted(ranks)
    within = all(rank < space for rank in ordered)
    for found in (array("i", ordered), sum(1 << rank for rank in ordered)):
        saved = saved_postings({"k": found})
        if within:
            assert loaded_postings(saved, space)["k"] == found
        else:
            with pytest.raises(ValueError):
                loaded_postings(saved, space)


def test_orders_that_are_not_permutations_are_refused(catalog: Catalog) -> None:
    index = SearchIndex(catalog)
    saved = json.loads(json.dumps(index.to_saved()))
    title = list(index.orders["title"])
    saved["orders"]["title"] = base64.b64encode(array("i", [title[0], *title[:-1]]).tobytes()).decode()
    with pytest.raises(ValueError, match="permutations"):
        SearchIndex.from_saved(catalog, columns_of(index, catalog), saved)


# --- a reopened index answers as the one built ------------------------------------------------------


def columns_of(index: SearchIndex, catalog: Catalog) -> dict[str, list[str]]:
    return {
        "id": [work.id for work in catalog.works],
        "hay": index.hay,
        "title_fold": index.title_fold,
        "title_en_fold": index.title_en_fold,
    }


TITLE_CHARS = st.sampled_from(list("苏东坡青春故乡旅行北京中国的人ab c1"))
TITLES = st.text(TITLE_CHARS, min_size=0, max_size=8)
TYPES = st.sampled_from(["micro-drama", "web-drama", "series", "documentary"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(TITLES, TITLES, st.integers(1990, 2030) | st.none(), TYPES), min_size=1, max_size=30)
)
def test_a_reopened_index_finds_as_the_built_one_and_knows_every_id(
    rows: list[tuple[str, str, int | None, str]],
) -> None:
    works = [
        Work(id=f"w{n}-{title}", title=title, title_en=en, type=kind, year=year)
        for n, (title, en, year, kind) in enumerate(rows)
    ]
    catalog = Catalog(works=works)
    built = SearchIndex(catalog)
    loaded = SearchIndex.from_saved(
        catalog, columns_of(built, catalog), json.loads(json.dumps(built.to_saved()))
    )
    assert decoded(loaded) == 0
    for position, work in enumerate(works):
        assert loaded.position_by_id[work.id] == position
    assert len(loaded.position_by_id) == len(works) and "w-none" not in loaded.position_by_id
    for sort in ("title", "year", "type"):
        assert loaded.orders[sort] == built.orders[sort] and loaded.ranks[sort] == built.ranks[sort]
        assert loaded.decode(loaded.universe, sort) == built.decode(built.universe, sort)
    for kind, attribute in zip(("char", "title", "pair", "title_pair"), KINDS, strict=True):
        for key in getattr(built, attribute):
            assert loaded.char_set(key, kind) == built.char_set(key, kind), (kind, key)
    built_engine, loaded_engine = SearchEngine(built), SearchEngine(loaded)
    queries = {row[0][:3] for row in rows} | {row[1][1:4] for row in rows} | {"sudong", "qingchun"}
    for query in sorted(queries):
        assert loaded_engine.search(query).positions == built_engine.search(query).positions, query


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("苏东坡ab")), max_size=2), min_size=1, max_size=25))
def test_exact_titles_give_every_work_of_that_title(titles: list[str]) -> None:
    """Looked up by each title's first and last rank, with repeats (and the empty title) between."""
    works = [Work(id=f"w{n}", title=title, type="series") for n, title in enumerate(titles)]
    index = SearchIndex(Catalog(works=works))
    by_rank = [index.title_fold[p] for p in index.orders["title"]]
    for folded in {*by_rank, "无"}:
        expected = {rank for rank, title in enumerate(by_rank) if title == folded}
        assert index.titles_equal(folded) == sum(1 << rank for rank in expected), folded
