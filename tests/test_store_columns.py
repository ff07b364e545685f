"""The snapshot read lazily (issue 13, the store): opening reads the tables that showing results
needs (ids, search texts, the saved index) and no work's row; a row is read, checked and decoded
when its work is first asked for. TinyDB opens the snapshot through its own extension point (a
Storage). Damage is still caught: in the tables at open, in a row when it is read.

Laziness is counted (rows decoded, works built, bytes read), never timed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SU_DONG_PO, XING_SHI, catalog_data
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage

from catalog_tui.core.lazy_works import LazyWorks
from catalog_tui.core.library import Library
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import Work
from catalog_tui.core.snapshot import SCHEMA_VERSION, read_snapshot
from catalog_tui.core.snapshot_storage import RowTable, SnapshotDamaged, SnapshotStorage
from catalog_tui.core.store import bundled_catalog_path

pytestmark = pytest.mark.usefixtures("english")


def snapshot_of(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


def seed(catalog_file: Path, db_path: Path) -> None:
    Library.open(catalog_file, db_path).close()


def layout(db_path: Path) -> dict[str, list[int]]:
    return json.loads(snapshot_of(db_path).read_bytes())["_layout"]["1"]["tables"]


def flip_byte_in(db_path: Path, start: int, end: int, find: bytes) -> None:
    """Change one byte of `find` within [start, end) so that the file stays valid JSON."""
    snapshot = snapshot_of(db_path)
    payload = bytearray(snapshot.read_bytes())
    at = payload.index(find, start, end)
    payload[at] = ord("x") if payload[at] != ord("x") else ord("y")
    snapshot.write_bytes(bytes(payload))


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The positions of the rows read from any snapshot, in order."""
    positions: list[int] = []
    document = RowTable.document

    def counted(self: RowTable, position: int) -> dict:
        positions.append(position)
        return document(self, position)

    monkeypatch.setattr(RowTable, "document", counted)
    return positions


# Lazy ----------------------------------------------------------------------------------------------


def test_opening_reads_no_row_and_showing_a_work_reads_only_its_row(
    catalog_file: Path, db_path: Path, rows_read: list[int]
) -> None:
    seed(catalog_file, db_path)
    rows_read.clear()
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False
        assert rows_read == []  # opening, and the index, read no work's row
        library.engine.warm()
        found = library.engine.search("sudongpo").positions
        assert rows_read == []  # searching reads none either
        assert [w.id for w in library.works_at(found)] == [SU_DONG_PO]
        assert rows_read == found
        library.works_at(found)
        assert rows_read == found  # a work is read once
    finally:
        library.close()


def test_opening_reads_none_of_the_rows_bytes(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog_tui.core import snapshot_storage

    seed(catalog_file, db_path)
    digest = json.loads(db_path.read_bytes())["meta"]["1"]["catalog_hash"]
    reads: list[tuple[int, int]] = []
    read = snapshot_storage._File.read
    monkeypatch.setattr(
        snapshot_storage._File, "read", lambda f, a, b: (reads.append((a, b)), read(f, a, b))[1]
    )
    tables = TinyDB(snapshot_of(db_path), storage=SnapshotStorage).storage.read()
    assert tables is not None
    catalog, index = read_snapshot(tables, digest)
    rows_start, rows_end = tables.ranges["works"]
    assert reads and not [(a, b) for a, b in reads if a < rows_end and b > rows_start]
    rows = tables["works"]
    assert isinstance(rows, RowTable) and rows.decoded == 0
    assert catalog.works[3].id == index.works[3].id == tables["_columns"]["1"]["id"][3]
    assert rows.decoded == 1
    inside = [(a, b) for a, b in reads if a < rows_end and b > rows_start]
    assert len(inside) == 1 and rows_start <= inside[0][0] < inside[0][1] <= rows_end  # that row alone


def test_a_lookup_by_id_builds_only_that_work(
    catalog_file: Path, db_path: Path, rows_read: list[int]
) -> None:
    seed(catalog_file, db_path)
    library = Library.open(catalog_file, db_path)
    try:
        works = library.catalog.works
        assert isinstance(works, LazyWorks)
        work = library.catalog.work(XING_SHI)
        assert work is not None and work.id == XING_SHI
        assert library.catalog.record("works", SU_DONG_PO).id == SU_DONG_PO
        assert library.catalog.work("no-such-work") is None
        assert works.built == 2 and len(rows_read) == 2
        assert library.catalog.campaign(catalog_data()["campaigns"][0]["id"]) is not None
        assert works.built == 2  # other sections' lookups build no work either
    finally:
        library.close()


def test_the_bundled_catalogue_reads_back_unchanged(db_path: Path) -> None:
    bundled = bundled_catalog_path()
    seed(bundled, db_path)
    library = Library.open(bundled, db_path)
    try:
        assert library.report.seeded is False
        assert list(library.catalog.works) == load_catalog(bundled).works
    finally:
        library.close()


# TinyDB ----------------------------------------------------------------------------------------


def test_tinydb_opens_the_snapshot_through_its_storage(catalog_file: Path, db_path: Path) -> None:
    seed(catalog_file, db_path)
    data = catalog_data()
    db = TinyDB(snapshot_of(db_path), storage=SnapshotStorage)
    assert {"works", "campaigns", "channels", "_index", "_columns"} <= db.tables()
    works = db.table("works")
    assert len(works) == len(data["works"])
    assert works.get(doc_id=2)["row"][0] == data["works"][1]["id"]
    campaigns = db.table("campaigns")
    first = data["campaigns"][0]
    assert campaigns.search(Query().id == first["id"])[0]["name"] == first["name"]
    with pytest.raises((OSError, TypeError)):
        campaigns.insert({"id": "new"})  # read-only: a snapshot is written whole, by seeding
    db.close()


def test_the_snapshot_is_still_json_that_tinydb_reads_whole(catalog_file: Path, db_path: Path) -> None:
    seed(catalog_file, db_path)
    lazy = TinyDB(snapshot_of(db_path), storage=SnapshotStorage)
    whole = TinyDB(snapshot_of(db_path), storage=JSONStorage, access_mode="r")
    for name in ("works", "campaigns", "documents", "_columns"):
        assert [dict(d) for d in whole.table(name).all()] == [dict(d) for d in lazy.table(name).all()]
    whole.close()


# Damage ----------------------------------------------------------------------------------------


def test_a_damaged_column_is_caught_at_open(catalog_file: Path, db_path: Path) -> None:
    seed(catalog_file, db_path)
    start, end = layout(db_path)["_columns"]
    flip_byte_in(db_path, start, end, XING_SHI.encode())
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == "the seeded snapshot was unreadable: it does not match its checksum"
        assert len(list(db_path.parent.glob("store.catalog.json.broken-*"))) == 1
        assert library.catalog.work(XING_SHI) is not None
    finally:
        library.close()


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_snapshot_is_caught_at_open(catalog_file: Path, db_path: Path, keep: float) -> None:
    seed(catalog_file, db_path)
    snapshot = snapshot_of(db_path)
    payload = snapshot.read_bytes()
    snapshot.write_bytes(payload[: int(len(payload) * keep)])
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason.startswith("the seeded snapshot was unreadable")
    finally:
        library.close()


def test_a_damaged_row_is_caught_when_read_and_reseeded_next_time(catalog_file: Path, db_path: Path) -> None:
    seed(catalog_file, db_path)
    start, end = layout(db_path)["works"]
    flip_byte_in(db_path, start, end, SU_DONG_PO.encode())
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False  # the rows are not read at open
        position = library.index.position_by_id[SU_DONG_PO]
        assert library.catalog.works[position] == Work(SU_DONG_PO)  # its id alone, no crash
        assert library.store.snapshot_damage == "a work's row does not match its checksum"
    finally:
        library.close()
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == (
            "the seeded snapshot was unreadable: a work's row does not match its checksum"
        )
        assert len(list(db_path.parent.glob("store.catalog.json.broken-*"))) == 1
        expected = {w.id: w for w in load_catalog(catalog_file).works}[SU_DONG_PO]
        assert library.catalog.work(SU_DONG_PO) == expected
    finally:
        library.close()
    assert Library.open(catalog_file, db_path).report.seeded is False


def test_a_damaged_row_in_a_read_only_store_changes_no_file(catalog_file: Path, db_path: Path) -> None:
    seed(catalog_file, db_path)
    start, end = layout(db_path)["works"]
    flip_byte_in(db_path, start, end, SU_DONG_PO.encode())
    os.chmod(db_path, 0o444)
    before = db_path.read_bytes()
    library = Library.open(catalog_file, db_path)
    try:
        assert library.catalog.work(SU_DONG_PO) == Work(SU_DONG_PO)
        assert library.store.snapshot_damage is not None
    finally:
        library.close()
    assert db_path.read_bytes() == before


def test_a_row_of_another_shape_reads_as_its_id(catalog_file: Path, db_path: Path) -> None:
    from catalog_tui.core.snapshot_storage import tables_file_chunks

    seed(catalog_file, db_path)
    tables = json.loads(snapshot_of(db_path).read_bytes())
    tables["works"]["1"] = {"row": ["someone-else", "x"]}  # checksums match, the shape does not
    snapshot_of(db_path).write_bytes(b"".join(tables_file_chunks(tables)))
    library = Library.open(catalog_file, db_path)
    try:
        first = tables["_columns"]["1"]["id"][0]
        assert library.catalog.works[0] == Work(first)
        assert library.store.snapshot_damage == "a work's row is of another shape"
    finally:
        library.close()


def test_the_storage_refuses_a_file_without_its_trailer(tmp_path: Path) -> None:
    path = tmp_path / "store.catalog.json"
    path.write_bytes(b'{"works": {}}')
    with pytest.raises(SnapshotDamaged, match="no checksum"):
        SnapshotStorage(path).read()
    assert SnapshotStorage(tmp_path / "absent.json").read() is None


# Versions ----------------------------------------------------------------------------------------


def test_a_store_of_the_previous_schema_reseeds_quietly(catalog_file: Path, db_path: Path) -> None:
    seed(catalog_file, db_path)
    data = json.loads(db_path.read_bytes())
    data["meta"]["1"]["schema"] = SCHEMA_VERSION - 1
    db_path.write_text(json.dumps(data))
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == f"store schema {SCHEMA_VERSION - 1} is not {SCHEMA_VERSION}"
        assert library.report.backups == []  # not damaged: no backup
    finally:
        library.close()


def test_a_snapshot_in_the_previous_format_is_moved_aside(catalog_file: Path, db_path: Path) -> None:
    """Meta says this version, the file is one JSON document with the old trailer (schema 5)."""
    seed(catalog_file, db_path)
    tables = json.loads(snapshot_of(db_path).read_bytes())
    old = json.dumps({k: v for k, v in tables.items() if k != "_checksum"}).encode()[:-1]
    snapshot_of(db_path).write_bytes(old + b',"_checksum":{"1":{"sha256":"' + b"0" * 64 + b'"}}}')
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason.startswith("the seeded snapshot was unreadable")
    finally:
        library.close()


# The catalogue file's hash -----------------------------------------------------------------------


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The catalogue files hashed (read through) by opening, in order."""
    from catalog_tui.core import seeding

    paths: list[Path] = []
    file_hash = seeding._file_hash

    def counted(path: Path) -> str | None:
        paths.append(path)
        return file_hash(path)

    monkeypatch.setattr(seeding, "_file_hash", counted)
    return paths


def test_an_unchanged_catalogue_file_is_not_hashed_again(
    catalog_file: Path, db_path: Path, hashed: list[Path]
) -> None:
    os.utime(catalog_file, (1_700_000_000, 1_700_000_000))  # settled: not written a moment ago
    seed(catalog_file, db_path)
    hashed.clear()
    library = Library.open(catalog_file, db_path)
    library.close()
    assert library.report.seeded is False and hashed == []
    data = catalog_data()
    data["works"][0]["title"] = "另一个标题"
    catalog_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # YAML is JSON's superset
    library = Library.open(catalog_file, db_path)
    library.close()
    assert hashed == [catalog_file] and library.report.reason == "the catalogue changed"


def test_a_catalogue_file_written_a_moment_ago_is_hashed_every_time(
    catalog_file: Path, db_path: Path, hashed: list[Path]
) -> None:
    seed(catalog_file, db_path)  # the fixture wrote it just now: it may change within its mtime tick
    assert json.loads(db_path.read_bytes())["meta"]["1"]["catalog_file"] is None
    hashed.clear()
    library = Library.open(catalog_file, db_path)
    library.close()
    assert library.report.seeded is False and hashed == [catalog_file]


@pytest.mark.parametrize(("fmt", "section"), [("yaml", "all"), ("json", "works"), ("csv", "works")])
def test_an_export_of_every_work_keeps_none_of_them_built(db_path: Path, fmt: str, section: str) -> None:
    """An export walks the works without keeping them (a 100k export would otherwise hold every
    work at once), and writes what the whole catalogue read from its YAML writes."""
    from datetime import datetime

    from catalog_tui.core.export import render

    bundled = bundled_catalog_path()
    seed(bundled, db_path)
    library = Library.open(bundled, db_path)
    now = datetime(2026, 1, 1)
    try:
        works = library.catalog.works
        assert isinstance(works, LazyWorks)
        exported = render(library.catalog, None, fmt, section=section, now=now)
        assert works.built == 0
        eager = load_catalog(bundled)
        assert exported == render(eager, None, fmt, section=section, now=now)
    finally:
        library.close()


def test_an_export_of_everything_walks_the_works_twice_not_for_their_ids_or_links(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every section whole: the ids and the links need no pass over the works; the documents they
    cite and the rows do."""
    from catalog_tui.core.export import render

    bundled = bundled_catalog_path()
    seed(bundled, db_path)
    library = Library.open(bundled, db_path)
    walks: list[bool] = []
    real = LazyWorks.walk
    monkeypatch.setattr(
        LazyWorks, "walk", lambda self, reverse=False: walks.append(reverse) or real(self, reverse)
    )
    try:
        render(library.catalog, None, "yaml", section="all")
        assert walks == [False, False]
    finally:
        library.close()
