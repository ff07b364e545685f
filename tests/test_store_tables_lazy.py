"""Issue 13, the store's format (schema 8): opening reads only what the list needs; the postings,
the search texts and the folded titles sit in tables of their own, each read (and checked against
its own SHA-256) when a search or the warm-up first needs it, once however many threads ask.
Damage in such a table is found when it is read and reported as a damaged row is: the next open
reseeds. Counted (tables decoded, bytes read), never timed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SU_DONG_PO, at_once, catalog_data, write_catalog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.library import Library
from catalog_tui.core.model import Catalog
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.snapshot import BY_RANK_TABLES, POSTINGS_TABLES, SCHEMA_VERSION
from catalog_tui.core.snapshot_storage import SnapshotTables
from catalog_tui.core.store import Store

LAZY_TABLES = (*POSTINGS_TABLES.values(), *BY_RANK_TABLES.values())
QUERIES = (
    "苏东坡",
    "qingming",
    "微短剧",
    "xs",
    "中国",
    "type:documentary 旅行",
    "醒狮 -qm",
    "跟着",
    "sudongpo",
)


def snapshot_of(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


def layout(db_path: Path) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(snapshot_of(db_path).read_bytes())["_layout"]["1"]
    return entry


@pytest.fixture
def opened_tables(monkeypatch: pytest.MonkeyPatch) -> list[SnapshotTables]:
    """Every SnapshotTables the store opens from now on (to count what each one reads)."""
    found: list[SnapshotTables] = []
    real = Store.snapshot_tables

    def recording(store: Store) -> SnapshotTables:
        tables = real(store)
        found.append(tables)
        return tables

    monkeypatch.setattr(Store, "snapshot_tables", recording)
    return found


def reopened(catalog_file: Path, db_path: Path) -> Library:
    library = Library.open(catalog_file, db_path)
    assert library.report.seeded is False
    return library


def answers(engine: SearchEngine, query: str) -> tuple[list[int], int, int]:
    result = engine.search(query)
    return result.positions, result.title_hits, result.found


def fresh_engine() -> SearchEngine:
    return SearchEngine(SearchIndex(Catalog.from_dict(catalog_data())))


# --- what opening reads --------------------------------------------------------------------------


def test_the_postings_and_stored_texts_have_tables_of_their_own(catalog_file: Path, db_path: Path) -> None:
    Library.open(catalog_file, db_path).close()
    tables = json.loads(snapshot_of(db_path).read_bytes())
    assert set(LAZY_TABLES) <= set(tables)
    postings = {"chars", "title_chars", "pairs", "title_pairs", "syllables"}
    assert {f"_{key}" for key in postings} == set(POSTINGS_TABLES.values())
    assert not postings & set(tables["_index"]["1"])
    assert list(tables["_columns"]["1"]) == ["id"]
    assert tables["_snapshot"]["1"]["schema"] == SCHEMA_VERSION == 8


def test_opening_and_the_list_read_no_postings_or_search_table(
    catalog_file: Path, db_path: Path, opened_tables: list[SnapshotTables]
) -> None:
    Library.open(catalog_file, db_path).close()
    library = reopened(catalog_file, db_path)
    try:
        library.engine.search("", sort="title")  # the list
        library.works_at(library.engine.search("").positions[:20])  # its first rows
        tables = opened_tables[-1]
        assert not set(LAZY_TABLES) & set(tables.decoded)
        assert all(count == 1 for count in tables.decoded.values())  # each read once
        lazy_bytes = sum(end - start for name, (start, end) in tables.ranges.items() if name in LAZY_TABLES)
        rows_start, rows_end = tables.ranges["works"]
        assert tables.file.bytes_read <= tables.file.size - lazy_bytes - (rows_end - rows_start) + 20 * 4096
        lazy = (
            "_saved_postings",
            "_hay_by_rank",
            "_titles_by_rank",
            "_titles_en_by_rank",
            "hay",
            "title_fold",
        )
        assert not set(lazy) & set(vars(library.index))
    finally:
        library.close()


def test_a_search_reads_what_it_needs_and_the_warm_up_the_rest_each_once(
    catalog_file: Path, db_path: Path, opened_tables: list[SnapshotTables]
) -> None:
    Library.open(catalog_file, db_path).close()
    library = reopened(catalog_file, db_path)
    try:
        library.engine.search("苏东坡")
        tables = opened_tables[-1]
        assert tables.decoded.get("_chars") == 1 and "_syllables" not in tables.decoded
        library.engine.warm()
        for query in QUERIES:
            library.engine.search(query)
        assert all(tables.decoded[name] == 1 for name in LAZY_TABLES)
    finally:
        library.close()


def test_threads_racing_the_warm_up_read_each_table_once_and_answer_as_a_fresh_index(
    catalog_file: Path, db_path: Path, opened_tables: list[SnapshotTables]
) -> None:
    Library.open(catalog_file, db_path).close()
    expected = {query: answers(fresh_engine(), query) for query in QUERIES}
    library = reopened(catalog_file, db_path)
    try:
        engine = library.engine
        results = at_once(engine.warm, *(lambda q=query: answers(engine, q) for query in QUERIES))
        assert dict(zip(QUERIES, results[1:], strict=True)) == expected
        tables = opened_tables[-1]
        assert all(tables.decoded[name] == 1 for name in LAZY_TABLES)
        index, fresh = library.index, fresh_engine().index
        assert index.title_fold == fresh.title_fold and index.title_en_fold == fresh.title_en_fold
        assert index.hay == fresh.hay
    finally:
        library.close()


# --- damage in a table read later ----------------------------------------------------------------


def flip_inside(db_path: Path, table: str) -> None:
    """Change one byte in the middle of `table`'s value, leaving its checksum as it was."""
    start, end = layout(db_path)["tables"][table]
    payload = bytearray(snapshot_of(db_path).read_bytes())
    at = (start + end) // 2
    payload[at] = ord("0") if payload[at] != ord("0") else ord("1")
    snapshot_of(db_path).write_bytes(bytes(payload))


@pytest.mark.parametrize("table", LAZY_TABLES)
def test_damage_in_a_lazily_read_table_is_reported_when_first_read_and_the_next_open_reseeds(
    catalog_file: Path, db_path: Path, table: str
) -> None:
    Library.open(catalog_file, db_path).close()
    flip_inside(db_path, table)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False  # opening never read it
        assert library.store.snapshot_damage is None
        library.engine.warm()  # what the app does once the list shows: reads every search table
        assert library.store.snapshot_damage == "it does not match its checksum"
        fresh = fresh_engine()
        for query in QUERIES:  # never a wrong work: the damaged table reads as nothing found
            assert set(library.engine.search(query).positions) <= set(fresh.search(query).positions)
    finally:
        library.close()
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == "the seeded snapshot was unreadable: it does not match its checksum"
        assert [w.id for w in library.works_at(library.engine.search("苏东坡").positions)][:1] == [SU_DONG_PO]
    finally:
        library.close()
    assert reopened(catalog_file, db_path).report.seeded is False


@pytest.mark.parametrize("table", LAZY_TABLES)
@pytest.mark.parametrize("query", ["sudongpo", "苏东坡"])
def test_a_cli_search_that_finds_a_table_damaged_answers_from_a_reseeded_store(
    run: Any, catalog_file: Path, db_path: Path, table: str, query: str
) -> None:
    Library.open(catalog_file, db_path).close()
    flip_inside(db_path, table)
    code, out, err = run("search", query, "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0, err
    assert out.splitlines()[0].split()[-1] == SU_DONG_PO, out
    assert "unexpected error" not in err
    assert reopened(catalog_file, db_path).report.seeded is False  # the search reseeded it


def test_damage_in_a_table_opening_reads_is_caught_at_open(catalog_file: Path, db_path: Path) -> None:
    Library.open(catalog_file, db_path).close()
    flip_inside(db_path, "_index")
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == "the seeded snapshot was unreadable: it does not match its checksum"
    finally:
        library.close()


def test_a_store_of_the_previous_schema_is_reseeded_as_another_version(
    catalog_file: Path, db_path: Path
) -> None:
    Library.open(catalog_file, db_path).close()
    meta = json.loads(db_path.read_bytes())
    meta["meta"]["1"]["schema"] = 7
    db_path.write_text(json.dumps(meta))
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == f"store schema 7 is not {SCHEMA_VERSION}"
        assert list(db_path.parent.glob("*.broken-*")) == []  # not damage: nothing moved aside
    finally:
        library.close()


def test_a_snapshot_with_one_checksum_of_the_whole_reads_as_another_version(
    catalog_file: Path, db_path: Path
) -> None:
    """The schema-7 layout (no checksum per table), whatever its stamp says: another version."""
    from catalog_tui.core.snapshot_storage import ANOTHER_VERSION, SnapshotStale

    Library.open(catalog_file, db_path).close()
    payload = snapshot_of(db_path).read_bytes()
    content, _, trailer = payload.rpartition(b',"_checksum":')
    entry = layout(db_path)
    old_layout = json.dumps({"1": {"tables": entry["tables"]}}, separators=(",", ":")).encode()
    layout_start = int(json.loads(trailer[:-1])["1"]["layout"])
    old = content[:layout_start] + old_layout
    padded = b',"_checksum":{"1":{"layout":"%020d","sha256":"%s"}}}' % (layout_start, b"0" * 64)
    snapshot_of(db_path).write_bytes(old + padded)
    with pytest.raises(SnapshotStale, match=ANOTHER_VERSION):
        SnapshotTables(snapshot_of(db_path))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_flipped_byte_anywhere_is_reported_or_changes_no_answer(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("flip")
    catalog_file = write_catalog(folder / "catalog.yaml")
    db_path = folder / "store" / "store.json"
    db_path.parent.mkdir()
    Library.open(catalog_file, db_path).close()
    payload = bytearray(snapshot_of(db_path).read_bytes())
    at = data.draw(st.integers(0, len(payload) - 1), label="at")
    payload[at] ^= data.draw(st.integers(1, 255), label="xor")
    snapshot_of(db_path).write_bytes(bytes(payload))
    expected = {query: answers(fresh_engine(), query) for query in QUERIES}
    library = Library.open(catalog_file, db_path)
    try:
        if library.report.seeded:  # caught at open
            assert library.report.reason is not None and "unreadable" in library.report.reason
            return
        library.engine.warm()
        got = {query: answers(library.engine, query) for query in QUERIES}
        ids = [w.id for w in library.works_at(range(len(library.catalog.works)))]
        if library.store.snapshot_damage is None:  # outside every table, or a row never read
            assert got == expected
            assert ids == [w["id"] for w in catalog_data()["works"]]
        else:  # reported: whatever was damaged reads as nothing found, never as a wrong work
            for query, (positions, _, _) in got.items():
                assert set(positions) <= set(expected[query][0])
    finally:
        library.close()
