"""The TinyDB store and the Library over it: seeding only when needed, user tables that survive
reseeds, UTF-8 files written atomically, and where the store lives. Then stores that are broken or
stale: the user file (`store.json`) truncated, not JSON, JSON of the wrong shape (whole or in part),
from an older or newer schema, unwritable, in a folder that does not exist or cannot be created; a
damaged or stale snapshot (`store.catalog.json`); and two catalog-tui processes writing at once.
The app keeps a backup of a broken file, reseeds, keeps every readable selection and saved search,
and a bad catalogue changes nothing at all.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import errno
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from array import array
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    LAW,
    PROJECT,
    SU_DONG_PO,
    XING_SHI,
    YONG_LE,
    catalog_data,
    folder_bytes,
    needs_mounts,
    run_mounted,
    write_catalog,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tui_helpers import error_screen_text, notifications, ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.cli import main
from catalog_tui.core import atomic
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.library import Library
from catalog_tui.core.loader import CatalogError, load_catalog
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.seed_progress import ReadingShare
from catalog_tui.core.store import ENV_DB, Store, StoreError, bundled_catalog_path, resolve_db_path
from catalog_tui.screens.main import MainScreen

# The CLI messages these tests read are the English ones.
pytestmark = pytest.mark.usefixtures("english")

BAD_CATALOGUE = Path(__file__).parent / "data" / "bad" / "unknown-references.yaml"


def open_library(catalog_file: Path, db_path: Path, **options) -> Library:
    library = Library.open(catalog_file, db_path, **options)
    library.close()
    return library


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


def ids(library: Library, query: str) -> list[str]:
    return [w.id for w in library.works_at(library.engine.search(query).positions)]


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.broken-*"))


def seeded(catalog_file: Path, db_path: Path, selection: list[str] = (), searches: int = 0) -> None:
    library = Library.open(catalog_file, db_path)
    try:
        if selection:
            library.store.set_selected(selection)
        for n in range(searches):
            library.store.save_search(f"search-{n}", f"query {n}")
    finally:
        library.close()


def user_tables(db_path: Path) -> dict[str, Any]:
    """The user file must always be valid JSON that TinyDB can read."""
    data = json.loads(db_path.read_bytes())
    assert isinstance(data, dict)
    for table in data.values():
        assert isinstance(table, dict)
        assert all(key.isdecimal() and isinstance(row, dict) for key, row in table.items())
    return data


# Seeding ----------------------------------------------------------------------------------------


def test_first_open_seeds(catalog_file: Path, db_path: Path) -> None:
    library = open_library(catalog_file, db_path)
    report = library.report
    assert report.seeded is True
    assert report.reason == "first run"
    assert report.db_path == db_path
    assert report.catalog_path == catalog_file
    assert report.counts["works"] == len(catalog_data()["works"])
    assert report.counts["campaigns"] == 2
    assert report.counts["channels"] == 2
    assert "seeded" in report.summary()
    assert db_path.is_file()
    assert snapshot_path(db_path).is_file()
    assert ids(library, "sudongpo") == [SU_DONG_PO]


def test_second_open_does_not_reseed(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    snapshot = snapshot_path(db_path)
    before = (snapshot.read_bytes(), snapshot.stat().st_mtime_ns)
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is False
    assert library.report.reason == "content unchanged"
    assert "already up to date" in library.report.summary()
    assert (snapshot.read_bytes(), snapshot.stat().st_mtime_ns) == before
    assert len(library.catalog.works) == len(catalog_data()["works"])


def test_rewriting_identical_content_does_not_reseed(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    catalog_file.write_bytes(catalog_file.read_bytes())
    os.utime(catalog_file, (1, 1))
    assert open_library(catalog_file, db_path).report.seeded is False


def test_the_same_content_elsewhere_does_not_reseed(
    catalog_file: Path, db_path: Path, tmp_path: Path
) -> None:
    open_library(catalog_file, db_path)
    moved = tmp_path / "elsewhere.yaml"
    moved.write_bytes(catalog_file.read_bytes())
    assert open_library(moved, db_path).report.seeded is False


def test_changed_content_reseeds(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    data = catalog_data()
    data["works"].append(
        {**data["works"][0], "id": "xin-zuo-pin", "title": "新作品", "title_en": "A New Work"}
    )
    write_catalog(catalog_file, data)
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is True
    assert library.report.reason == "the catalogue changed"
    assert library.report.counts["works"] == len(data["works"])
    assert ids(library, "xinzuopin") == ["xin-zuo-pin"]
    # … and the new snapshot is what a later open reads.
    again = open_library(catalog_file, db_path)
    assert again.report.seeded is False
    assert ids(again, "xinzuopin") == ["xin-zuo-pin"]


def test_force_reseeds(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    library = open_library(catalog_file, db_path, force=True)
    assert library.report.seeded is True
    assert library.report.reason == "forced"


def test_a_missing_snapshot_reseeds(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    snapshot_path(db_path).unlink()
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is True
    assert "missing" in library.report.reason
    assert snapshot_path(db_path).is_file()


def test_an_older_schema_reseeds(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    store = Store(db_path)
    store.db.table("meta").update({"schema": 0})
    store.close()
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is True
    assert "schema" in library.report.reason


@pytest.mark.parametrize(
    "queries", [["", "sudongpo", "chonghui", "campaign:旅行", "channel:北京", "-type:micro-drama", "苏东坡"]]
)
def test_a_library_read_from_the_snapshot_searches_like_a_fresh_index(
    catalog_file: Path, db_path: Path, queries: list[str]
) -> None:
    open_library(catalog_file, db_path)
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is False
    fresh_catalog = load_catalog(catalog_file)
    fresh = SearchEngine(SearchIndex(fresh_catalog))
    assert library.catalog.to_dict() == fresh_catalog.to_dict()
    for query in queries:
        expected = [fresh.index.works[p].id for p in fresh.search(query).positions]
        assert ids(library, query) == expected, query


def test_progress_is_reported(catalog_file: Path, db_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    Library.open(catalog_file, db_path, progress=lambda *call: calls.append(call)).close()
    stages = [stage for stage, _, _ in calls]
    # Seeding derives, indexes, then writes the snapshot with the index in it.
    order = list(dict.fromkeys(stages))
    assert order.index("preparing search data") < order.index("indexing") < order.index("writing store")
    assert stages[-1] == "writing store"
    assert all(0 <= done <= total for _, done, total in calls)
    # The index build reports its passes, rising to its total, rather than only its start and end.
    indexing = [(done, total) for stage, done, total in calls if stage == "indexing"]
    assert len(indexing) > 2 and indexing[0][0] == 0 and indexing[-1][0] == indexing[-1][1]
    assert [done for done, _ in indexing] == sorted(done for done, _ in indexing)
    # The parse itself reports how far it got (after the read, decode and scans): a share of the
    # stage's total (ReadingShare), ending at it.
    reading = [(done, total) for stage, done, total in calls if stage == "reading catalogue"]
    assert reading[-1] == (ReadingShare.TOTAL, ReadingShare.TOTAL)
    assert sum(done > ReadingShare.SCAN_END for done, _ in reading) > 2


def test_reopening_reports_reading_the_store(catalog_file: Path, db_path: Path) -> None:
    Library.open(catalog_file, db_path).close()
    calls: list[tuple[str, int, int]] = []
    Library.open(catalog_file, db_path, progress=lambda *call: calls.append(call)).close()
    assert {stage for stage, _, _ in calls} == {"reading store"}
    assert calls[-1][1] == calls[-1][2] == 7  # the fixture's works, all read (their rows are not)
    done = [done for _, done, _ in calls]
    assert done == sorted(done) and len(set(done)) >= 3  # started, the columns read, the index


# User tables ------------------------------------------------------------------------------------


def test_selection_add_remove_clear(catalog_file: Path, db_path: Path) -> None:
    library = Library.open(catalog_file, db_path)
    try:
        store = library.store
        store.set_selected([XING_SHI, SU_DONG_PO, XING_SHI])
        store.set_selected([SU_DONG_PO])
        assert sorted(store.selected_ids()) == sorted([XING_SHI, SU_DONG_PO])
        store.set_selected([XING_SHI], selected=False)
        assert store.selected_ids() == [SU_DONG_PO]
        store.set_selected(["not-selected"], selected=False)
        assert store.selected_ids() == [SU_DONG_PO]
        store.clear_selection()
        assert store.selected_ids() == []
    finally:
        library.close()


def test_saved_searches_upsert_rename_delete(db_path: Path) -> None:
    store = Store(db_path)
    try:
        store.save_search("旅行", "campaign:旅行")
        store.save_search("旅行", "campaign:旅行 -year:2023", [{"field": "type", "value": "micro-drama"}])
        store.save_search("红果", "channel:红果")
        assert store.saved_searches() == [
            {
                "name": "旅行",
                "query": "campaign:旅行 -year:2023",
                "filters": [{"field": "type", "value": "micro-drama"}],
            },
            {"name": "红果", "query": "channel:红果", "filters": []},
        ]
        store.rename_search("红果", "红果短剧")
        store.delete_search("旅行")
        assert store.saved_searches() == [{"name": "红果短剧", "query": "channel:红果", "filters": []}]
    finally:
        store.close()


def test_user_tables_survive_reseed_and_reopen(catalog_file: Path, db_path: Path) -> None:
    library = Library.open(catalog_file, db_path)
    library.store.set_selected([XING_SHI, LAW])
    library.store.save_search("旅行", "campaign:旅行")
    library.close()

    data = catalog_data()
    data["works"] = [w for w in data["works"] if w["id"] != LAW]
    write_catalog(catalog_file, data)
    reseeded = Library.open(catalog_file, db_path)
    try:
        assert reseeded.report.seeded is True
        assert sorted(reseeded.store.selected_ids()) == sorted([XING_SHI, LAW])
        # The work that left the catalogue is skipped, the other kept.
        assert reseeded.works_at(reseeded.selected_positions()) == [reseeded.catalog.work(XING_SHI)]
        assert [s["name"] for s in reseeded.store.saved_searches()] == ["旅行"]
    finally:
        reseeded.close()

    forced = Library.open(catalog_file, db_path, force=True)
    forced.close()
    reopened = Library.open(catalog_file, db_path)
    try:
        assert reopened.report.seeded is False
        assert sorted(reopened.store.selected_ids()) == sorted([XING_SHI, LAW])
        assert reopened.store.saved_searches() == [{"name": "旅行", "query": "campaign:旅行", "filters": []}]
    finally:
        reopened.close()


def test_selected_positions_are_in_catalogue_order(catalog_file: Path, db_path: Path) -> None:
    library = Library.open(catalog_file, db_path)
    try:
        library.store.set_selected([XING_SHI, SU_DONG_PO, YONG_LE])
        assert [w.id for w in library.works_at(library.selected_positions())] == [
            SU_DONG_PO,
            YONG_LE,
            XING_SHI,
        ]
    finally:
        library.close()


# Files on disk ----------------------------------------------------------------------------------


def test_store_files_are_utf8_with_chinese_written_directly(catalog_file: Path, db_path: Path) -> None:
    library = Library.open(catalog_file, db_path)
    library.store.save_search("旅行作品", "campaign:跟着微短剧去旅行")
    library.close()
    user = db_path.read_bytes()
    snapshot = snapshot_path(db_path).read_bytes()
    assert "旅行作品".encode() in user
    assert "campaign:跟着微短剧去旅行".encode() in user
    assert "你好，苏东坡".encode() in snapshot
    assert "北京卫视".encode() in snapshot
    for payload in (user, snapshot):
        payload.decode("utf-8")
        assert b"\\u" not in payload


def test_a_failed_write_leaves_the_previous_file_and_no_temp_files(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library.open(catalog_file, db_path)
    try:
        library.store.save_search("first", "sudongpo")
        before = folder_bytes(db_path.parent)

        def crash(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", crash)
        with pytest.raises(OSError):
            library.store.save_search("second", "醒狮")
        with pytest.raises(OSError):
            library.store.set_selected([XING_SHI])
        monkeypatch.undo()

        assert folder_bytes(db_path.parent) == before
        assert not [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]
        assert [s["name"] for s in library.store.saved_searches()] == ["first"]
        assert library.store.selected_ids() == []
    finally:
        library.close()


def test_a_failed_snapshot_write_leaves_the_previous_snapshot(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_library(catalog_file, db_path)
    before = folder_bytes(db_path.parent)

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        Library.open(catalog_file, db_path, force=True)
    monkeypatch.undo()
    assert folder_bytes(db_path.parent) == before
    assert open_library(catalog_file, db_path).report.seeded is False


def test_a_bad_catalogue_raises_and_leaves_the_store_untouched(
    catalog_file: Path, db_path: Path, bad_catalog_text: str
) -> None:
    library = Library.open(catalog_file, db_path)
    library.store.save_search("旅行", "campaign:旅行")
    library.close()
    before = folder_bytes(db_path.parent)

    catalog_file.write_text(bad_catalog_text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        Library.open(catalog_file, db_path)
    assert caught.value.problems
    with pytest.raises(CatalogError):
        Library.open(catalog_file, db_path, force=True)
    assert folder_bytes(db_path.parent) == before


def test_a_bad_catalogue_on_first_run_writes_no_snapshot(
    tmp_path: Path, db_path: Path, bad_catalog_text: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(bad_catalog_text, encoding="utf-8")
    with pytest.raises(CatalogError):
        Library.open(bad, db_path)
    assert not snapshot_path(db_path).exists()


@pytest.mark.parametrize("junk", [b"{not json", b"[1, 2, 3]", b'{"meta": 5}', b"\xff\xfe\x00garbage"])
def test_a_broken_user_store_is_backed_up_and_the_app_reseeds(
    catalog_file: Path, db_path: Path, junk: bytes
) -> None:
    open_library(catalog_file, db_path)
    db_path.write_bytes(junk)
    library = Library.open(catalog_file, db_path)
    try:
        backups = sorted(db_path.parent.glob("store.json.broken-*"))
        assert len(backups) == 1
        assert backups[0].read_bytes() == junk
        assert library.report.backups == backups
        assert library.report.seeded is True
        assert ids(library, "sudongpo") == [SU_DONG_PO]
        library.store.save_search("again", "醒狮")
    finally:
        library.close()
    assert open_library(catalog_file, db_path).report.seeded is False


def test_a_broken_snapshot_is_backed_up_and_reseeded(catalog_file: Path, db_path: Path) -> None:
    open_library(catalog_file, db_path)
    snapshot_path(db_path).write_bytes(b'{"works": {"1": {"id": "x"')
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is True
    assert "unreadable" in library.report.reason
    assert len(list(db_path.parent.glob("store.catalog.json.broken-*"))) == 1
    assert len(library.catalog.works) == len(catalog_data()["works"])


# Where the store lives ----------------------------------------------------------------------------


def test_resolve_db_path_option_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DB, str(tmp_path / "env.json"))
    assert resolve_db_path(tmp_path / "option.json") == tmp_path / "option.json"
    assert resolve_db_path(str(tmp_path / "option.json")) == tmp_path / "option.json"


def test_resolve_db_path_environment_beats_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_path", lambda *a, **k: tmp_path / "default")
    monkeypatch.setenv(ENV_DB, str(tmp_path / "env.json"))
    assert resolve_db_path(None) == tmp_path / "env.json"


def test_resolve_db_path_default_is_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    asked = []

    def user_data_path(*args, **kwargs):
        asked.append((args, kwargs))
        return tmp_path / "data-folder"

    monkeypatch.setattr(platformdirs, "user_data_path", user_data_path)
    monkeypatch.delenv(ENV_DB)
    assert resolve_db_path(None) == tmp_path / "data-folder" / "store.json"
    assert asked and asked[0][0][0] == "catalog-tui"


def test_resolve_db_path_expands_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_db_path("~/数据/store.json") == tmp_path / "数据" / "store.json"
    monkeypatch.setenv(ENV_DB, "~/env.json")
    assert resolve_db_path(None) == tmp_path / "env.json"


def test_library_open_uses_the_environment_store(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env" / "store.json"
    monkeypatch.setenv(ENV_DB, str(target))
    library = open_library(catalog_file, None)
    assert library.report.db_path == target
    assert target.is_file()


def test_the_store_creates_its_folder(catalog_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "店.json"
    open_library(catalog_file, target)
    assert target.is_file()
    assert (target.parent / "店.catalog.json").is_file()


def test_two_broken_stores_in_the_same_second_keep_both_backups(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import catalog_tui.core.store as store_module

    monkeypatch.setattr(store_module.time, "strftime", lambda *args: "20250101-000000")
    open_library(catalog_file, db_path)
    db_path.write_bytes(b"first junk")
    open_library(catalog_file, db_path)
    db_path.write_bytes(b"second junk")
    open_library(catalog_file, db_path)
    kept = sorted(p.read_bytes() for p in db_path.parent.glob("store.json.broken-*"))
    assert kept == [b"first junk", b"second junk"]


def test_a_work_row_keeps_every_field() -> None:
    from catalog_tui.core.snapshot import _work_from_row, _work_row

    for work in load_catalog(bundled_catalog_path()).works:
        row = json.loads(json.dumps(_work_row(work)))
        assert _work_from_row(row) == work


def test_a_hand_edited_row_reads_as_empty_fields_not_a_crash() -> None:
    from catalog_tui.core.snapshot import _work_from_row

    sources = [["a.txt"], 3, ["b.txt", "q"]]
    row = ["w", 5, None, 3, [], "2024", "2023", "c", [1, "ch"], None, {}, 7, sources, None]
    work = _work_from_row(row)
    assert (work.id, work.title, work.year, work.campaigns, work.channels) == ("w", "", None, (), ("ch",))
    assert (work.en_source, work.edition) == ("", None)
    assert [(s.doc, s.quote) for s in work.sources] == [("b.txt", "q")]


def test_reopened_works_are_built_when_first_asked_for(catalog_file: Path, db_path: Path) -> None:
    from catalog_tui.core.lazy_works import LazyWorks

    Library.open(catalog_file, db_path).close()
    library = Library.open(catalog_file, db_path)
    try:
        works = library.catalog.works
        assert isinstance(works, LazyWorks)
        assert works.built == 0  # nothing built by opening
        expected = load_catalog(catalog_file).works
        assert works[2] == expected[2] and works[2] is works[2]
        assert works.built == 1
        assert works[-1] == expected[-1] and works[1:3] == expected[1:3]
        assert works == expected and list(works) == expected
        assert library.index.position_by_id == {w.id: i for i, w in enumerate(expected)}
    finally:
        library.close()


def test_a_snapshot_of_another_index_version_reseeds_without_a_backup(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog_tui.core import snapshot

    Library.open(catalog_file, db_path).close()
    monkeypatch.setattr(snapshot, "INDEX_VERSION", snapshot.INDEX_VERSION + 1)  # an upgrade
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded and "another version" in library.report.reason
        assert library.report.backups == []
        assert not list(db_path.parent.glob("*.broken-*"))
    finally:
        library.close()


# A whole file that cannot be read ------------------------------------------------------------------

UNREADABLE = {
    "truncated": b'{"selection": {"1": {"work_id": "xing-s',
    "not-json": b"this is not json at all",
    "nul-bytes": b"\x00" * 64,
    "utf16": '{"selection": {}}'.encode("utf-16"),
    "top-level-list": b"[1, 2, 3]",
    "top-level-null": b"null",
    "top-level-string": b'"store"',
    "table-is-a-number": b'{"selection": 5}',
}


@pytest.mark.parametrize("payload", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_user_file_is_backed_up_and_replaced_by_a_valid_one(
    catalog_file: Path, db_path: Path, payload: bytes
) -> None:
    seeded(catalog_file, db_path)
    db_path.write_bytes(payload)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert "damaged" in library.report.reason
        (backup,) = backups_of(db_path)
        assert backup.read_bytes() == payload  # the user's bytes, exactly
        assert library.report.backups == [backup]
        library.store.set_selected([XING_SHI])
        assert library.store.selected_ids() == [XING_SHI]
    finally:
        library.close()
    user_tables(db_path)
    assert open_library(catalog_file, db_path).report.seeded is False


def test_an_empty_user_file_is_an_empty_store_not_a_backup(catalog_file: Path, db_path: Path) -> None:
    seeded(catalog_file, db_path)
    db_path.write_bytes(b"")
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is True and backups_of(db_path) == []


# Partly readable files: keep what can be read ---------------------------------------------------

GOOD_SELECTION = {"1": {"work_id": XING_SHI}, "2": {"work_id": SU_DONG_PO}}
GOOD_SEARCHES = {"1": {"name": "旅行", "query": "campaign:旅行", "filters": []}}

PARTLY = {
    "meta-is-garbage": {"meta": 5, "selection": GOOD_SELECTION, "saved_searches": GOOD_SEARCHES},
    "meta-row-is-a-list": {"meta": {"1": [1]}, "selection": GOOD_SELECTION, "saved_searches": GOOD_SEARCHES},
    "a-row-is-not-an-object": {
        "selection": {**GOOD_SELECTION, "3": 7},
        "saved_searches": GOOD_SEARCHES,
    },
    "a-row-lacks-its-field": {
        "selection": {**GOOD_SELECTION, "3": {"work": LAW}},
        "saved_searches": GOOD_SEARCHES,
    },
    "a-work-id-is-a-number": {
        "selection": {**GOOD_SELECTION, "3": {"work_id": 42}},
        "saved_searches": GOOD_SEARCHES,
    },
    "document-ids-are-not-numbers": {
        "selection": {"a": {"work_id": XING_SHI}, "b": {"work_id": SU_DONG_PO}},
        "saved_searches": GOOD_SEARCHES,
    },
    "a-saved-search-lacks-its-query": {
        "selection": GOOD_SELECTION,
        "saved_searches": {**GOOD_SEARCHES, "2": {"name": "半个"}},
    },
    "a-saved-search-has-garbage-filters": {
        "selection": GOOD_SELECTION,
        "saved_searches": {**GOOD_SEARCHES, "2": {"name": "x", "query": "y", "filters": "type:gala"}},
    },
}


@pytest.mark.parametrize("data", PARTLY.values(), ids=PARTLY.keys())
def test_readable_selections_and_saved_searches_survive_a_damaged_file(
    catalog_file: Path, db_path: Path, data: dict[str, Any]
) -> None:
    seeded(catalog_file, db_path)
    payload = json.dumps(data, ensure_ascii=False).encode()
    db_path.write_bytes(payload)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert [p.read_bytes() for p in backups_of(db_path)] == [payload]
        assert sorted(library.store.selected_ids()) == sorted([XING_SHI, SU_DONG_PO])
        assert library.store.saved_searches() == [{"name": "旅行", "query": "campaign:旅行", "filters": []}]
        assert library.store.kept == {"selection": 2, "saved_searches": 1}
        # … and the store works on: new rows do not collide with the kept ones.
        library.store.set_selected([YONG_LE])
        library.store.save_search("新的", "醒狮")
        assert sorted(library.store.selected_ids()) == sorted([XING_SHI, SU_DONG_PO, YONG_LE])
        assert [s["name"] for s in library.store.saved_searches()] == ["旅行", "新的"]
    finally:
        library.close()
    user_tables(db_path)
    assert open_library(catalog_file, db_path).report.seeded is False


def test_the_cli_says_what_was_kept(run, catalog_file: Path, db_path: Path) -> None:
    seeded(catalog_file, db_path)
    db_path.write_text(json.dumps(PARTLY["meta-is-garbage"]), encoding="utf-8")
    code, out, _ = run("seed", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0
    assert f"an unreadable store file was kept as {backups_of(db_path)[0]}" in out
    assert "kept from it: 2 selected work(s), 1 saved search(es)" in out


# Older and newer schemas -------------------------------------------------------------------------


@pytest.mark.parametrize("schema", [0, None, "2", 1, 99])
def test_a_store_of_another_schema_reseeds_and_keeps_the_user_tables(
    catalog_file: Path, db_path: Path, schema: Any
) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI, LAW], searches=2)
    data = json.loads(db_path.read_bytes())
    data["meta"]["1"]["schema"] = schema
    data["from_a_newer_version"] = {"1": {"anything": True}}
    db_path.write_text(json.dumps(data), encoding="utf-8")
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True and "schema" in library.report.reason
        assert sorted(library.store.selected_ids()) == sorted([XING_SHI, LAW])
        assert [s["name"] for s in library.store.saved_searches()] == ["search-0", "search-1"]
    finally:
        library.close()
    assert backups_of(db_path) == []  # not broken, only old: nothing to back up
    assert user_tables(db_path)["from_a_newer_version"] == {"1": {"anything": True}}
    assert open_library(catalog_file, db_path).report.seeded is False


def test_a_store_from_before_meta_existed_is_seeded_and_kept(catalog_file: Path, db_path: Path) -> None:
    db_path.write_text(json.dumps({"selection": GOOD_SELECTION, "saved_searches": GOOD_SEARCHES}))
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert sorted(library.store.selected_ids()) == sorted([XING_SHI, SU_DONG_PO])
        assert len(library.store.saved_searches()) == 1
    finally:
        library.close()


# The snapshot: truncated, damaged but valid JSON, or another catalogue's -------------------------


@pytest.mark.parametrize("payload", [b'{"works": {"1": {"id": "x"', b"", b"\x00\x01", b"[]"])
def test_a_truncated_or_garbled_snapshot_is_reseeded(
    catalog_file: Path, db_path: Path, payload: bytes
) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    snapshot_path(db_path).write_bytes(payload)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert len(library.catalog.works) == len(catalog_data()["works"])
        assert library.store.selected_ids() == [XING_SHI]
    finally:
        library.close()
    assert open_library(catalog_file, db_path).report.seeded is False


def _damage_derived(tables: dict[str, Any]) -> None:
    tables["works"]["1"]["row"] = tables["works"]["1"]["row"][:-3]  # no search texts


def _no_id(tables: dict[str, Any]) -> None:
    tables["works"]["1"]["row"][0] = None


def _no_works_table(tables: dict[str, Any]) -> None:
    del tables["works"]


def _derived_is_a_list(tables: dict[str, Any]) -> None:
    tables["works"]["2"]["row"][-3] = ["hay"]


def _row_is_a_mapping(tables: dict[str, Any]) -> None:
    tables["works"]["2"] = {"id": "x", "title": "y"}


def _no_index(tables: dict[str, Any]) -> None:
    del tables["_index"]


def _index_of_other_works(tables: dict[str, Any]) -> None:
    tables["_index"]["1"]["size"] += 1


def _row_is_a_string(tables: dict[str, Any]) -> None:
    tables["campaigns"]["1"] = "travel"


@pytest.mark.parametrize(
    "damage",
    [
        _damage_derived,
        _no_id,
        _no_works_table,
        _derived_is_a_list,
        _row_is_a_string,
        _row_is_a_mapping,
        _no_index,
        _index_of_other_works,
    ],
)
def test_a_snapshot_of_the_wrong_shape_is_reseeded_not_a_crash(
    catalog_file: Path, db_path: Path, damage
) -> None:
    seeded(catalog_file, db_path)
    snapshot = snapshot_path(db_path)
    tables = json.loads(snapshot.read_bytes())
    damage(tables)
    snapshot.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert [w.id for w in library.works_at(library.engine.search("sudongpo").positions)] == [SU_DONG_PO]
    finally:
        library.close()
    assert open_library(catalog_file, db_path).report.seeded is False


def test_a_snapshot_of_another_catalogue_is_never_shown(
    catalog_file: Path, db_path: Path, tmp_path: Path
) -> None:
    """Two instances on two catalogues can leave meta saying A and the snapshot holding B."""
    seeded(catalog_file, db_path)
    other = catalog_data()
    other["works"] = other["works"][:1]
    other_file = write_catalog(tmp_path / "other.yaml", other)
    other_db = tmp_path / "other" / "store.json"
    seeded(other_file, other_db)
    snapshot_path(db_path).write_bytes(snapshot_path(other_db).read_bytes())
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is True
    assert len(library.catalog.works) == len(catalog_data()["works"])


# A bad catalogue changes nothing, even with a broken store ---------------------------------------


@pytest.mark.parametrize("store_state", ["good", "broken-user-file", "broken-snapshot", "none"])
def test_a_bad_catalogue_leaves_every_store_file_byte_identical(
    run, catalog_file: Path, db_path: Path, store_state: str
) -> None:
    if store_state != "none":
        seeded(catalog_file, db_path, selection=[XING_SHI], searches=1)
    if store_state == "broken-user-file":
        db_path.write_bytes(b'{"selection": {"1": {"work_id": "xing-')
    if store_state == "broken-snapshot":
        snapshot_path(db_path).write_bytes(b"{")
    before = folder_bytes(db_path.parent)
    for command in (
        ["seed"],
        ["seed", "--force"],
        ["search", "x"],
        ["export", "", "-o", str(db_path.parent / "o.yaml")],
    ):
        code, _, err = run(*command, "--catalog", str(BAD_CATALOGUE), "--db", str(db_path))
        assert code == 2, command
        assert f"{BAD_CATALOGUE}:18:21: works[0].campaigns[1]: unknown campaign 'xyz'" in err
        assert "the store was left as it was" in err
        assert folder_bytes(db_path.parent) == before, command
    with pytest.raises(CatalogError):
        Library.open(BAD_CATALOGUE, db_path)
    assert folder_bytes(db_path.parent) == before


async def test_the_tui_with_a_bad_catalogue_and_a_broken_store_changes_nothing(
    catalog_file: Path, db_path: Path
) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    db_path.write_bytes(b"{truncated")
    before = folder_bytes(db_path.parent)
    app = CatalogApp(catalog_path=BAD_CATALOGUE, db_path=str(db_path))
    async with app.run_test(size=(120, 30)) as pilot:
        assert "unknown campaign 'xyz'" in await error_screen_text(pilot)
        await pilot.press("q")
    assert folder_bytes(db_path.parent) == before


# Where the store lives: created, or a clear error ------------------------------------------------


def test_a_missing_store_folder_is_created(run, catalog_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "没有" / "这个" / "文件夹" / "store.json"
    code, out, _ = run("seed", "--catalog", str(catalog_file), "--db", str(db))
    assert code == 0 and "seeded" in out
    assert user_tables(db)["meta"]


def test_a_bad_catalogue_does_not_even_create_the_store_folder(run, tmp_path: Path) -> None:
    db = tmp_path / "new-folder" / "store.json"
    code, _, _ = run("seed", "--catalog", str(BAD_CATALOGUE), "--db", str(db))
    assert code == 2 and not db.parent.exists()


@pytest.fixture
def blocked_db(tmp_path: Path) -> Path:
    """A store path whose folder cannot be created: a file is in the way (root cannot beat that)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file", encoding="utf-8")
    return blocker / "store" / "store.json"


def test_a_store_folder_that_cannot_be_created_is_a_clear_cli_error(
    run, catalog_file: Path, blocked_db: Path
) -> None:
    for command in (["seed"], ["search", "x"]):
        code, _, err = run(*command, "--catalog", str(catalog_file), "--db", str(blocked_db))
        assert code == 1
        assert err.startswith("catalog-tui: cannot create the store folder: ")
        assert str(blocked_db.parent) in err
        assert err.count("\n") == 1


def test_the_store_path_being_a_folder_is_a_clear_cli_error(run, catalog_file: Path, tmp_path: Path) -> None:
    code, _, err = run("seed", "--catalog", str(catalog_file), "--db", str(tmp_path))
    assert code == 1
    assert err.startswith("catalog-tui: cannot read the store: ") and str(tmp_path) in err


async def test_a_store_folder_that_cannot_be_created_shows_the_error_screen(
    catalog_file: Path, blocked_db: Path
) -> None:
    app = CatalogApp(catalog_path=catalog_file, db_path=str(blocked_db))
    async with app.run_test(size=(120, 30)) as pilot:
        text = await error_screen_text(pilot)
        assert "cannot create the store folder" in text and str(blocked_db.parent) in text
        await pilot.press("q")
    assert not app.is_running


@needs_mounts
def test_a_store_on_a_really_read_only_disk_is_a_clear_error(tmp_path: Path, catalog_file: Path) -> None:
    folder = tmp_path / "mounted"
    source = tmp_path / "source"
    source.mkdir()
    setup = f'mount --bind "{source}" "$DIR" && mount -o remount,ro,bind "$DIR"'
    code, err, listing, _ = run_mounted(
        tmp_path, setup, "seed", "--catalog", str(catalog_file), "--db", str(folder / "store.json")
    )
    assert code == 1
    assert (
        err
        == f"catalog-tui: cannot write the store: Read-only file system ({folder / 'store.catalog.json'})\n"
    )
    assert listing == []


class ReadOnly:
    """Make a folder behave as read-only for this process, as a root test user cannot chmod it:
    creating, replacing or renaming anything in it fails with EACCES, reading still works."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.folder = folder.resolve()
        real_open, real_builtin_open = os.open, builtins.open
        real_replace, real_mkdir = os.replace, os.mkdir

        def inside(path: Any) -> bool:
            try:
                return Path(os.fsdecode(path)).resolve().is_relative_to(self.folder)
            except (TypeError, ValueError):
                return False

        def deny(path: Any) -> None:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

        def fake_open(path, flags, *args, **kwargs):
            if inside(path) and flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
                deny(path)
            return real_open(path, flags, *args, **kwargs)

        def fake_builtin_open(path, mode="r", *args, **kwargs):
            if isinstance(path, (str, bytes, os.PathLike)) and inside(path) and set(mode) & set("wax+"):
                deny(path)
            return real_builtin_open(path, mode, *args, **kwargs)

        def fake_replace(source, target, *args, **kwargs):
            if inside(target):
                deny(target)
            return real_replace(source, target, *args, **kwargs)

        def fake_mkdir(path, *args, **kwargs):
            if inside(path):
                deny(path)
            return real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake_open)
        monkeypatch.setattr(builtins, "open", fake_builtin_open)
        monkeypatch.setattr(os, "replace", fake_replace)
        monkeypatch.setattr(os, "mkdir", fake_mkdir)


def test_a_read_only_store_folder_on_first_run_is_a_clear_error(
    run, catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ReadOnly(monkeypatch, db_path.parent)
    code, _, err = run("seed", "--catalog", str(catalog_file), "--db", str(db_path))
    monkeypatch.undo()
    assert code == 1
    assert err.startswith("catalog-tui: cannot write the store: Permission denied (")
    assert str(db_path.parent) in err
    assert list(db_path.parent.iterdir()) == []


def test_a_read_only_store_that_is_up_to_date_still_opens(
    run, catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    before = folder_bytes(db_path.parent)
    ReadOnly(monkeypatch, db_path.parent)
    code, out, _ = run("search", "xingshi", "--catalog", str(catalog_file), "--db", str(db_path))
    library = Library.open(catalog_file, db_path)
    try:
        assert library.store.selected_ids() == [XING_SHI]
        with pytest.raises(StoreError) as caught:
            library.store.set_selected([LAW])
        assert caught.value.strerror == "cannot write the store: Permission denied"
        assert caught.value.filename == str(db_path)
    finally:
        library.close()
    monkeypatch.undo()
    assert code == 0 and "醒狮" in out
    assert folder_bytes(db_path.parent) == before


async def test_a_read_only_store_folder_shows_the_error_screen(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ReadOnly(monkeypatch, db_path.parent)
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test(size=(120, 30)) as pilot:
        text = await error_screen_text(pilot)
        assert "cannot write the store: Permission denied" in text and str(db_path.parent) in text
        await pilot.press("q")


async def test_a_store_that_turns_read_only_while_running_is_a_notification(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        ReadOnly(monkeypatch, db_path.parent)
        await pilot.press("space")
        await settle(pilot)
        monkeypatch.undo()
        assert app.is_running and isinstance(app.screen, MainScreen)
        messages = [str(n.message) for n in notes]
        assert any("Permission denied" in m for m in messages), messages
    assert Store(db_path).selected_ids() == []


async def test_an_unexpected_error_while_opening_shows_the_error_screen(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anything the loading worker did not expect must not leave the user on the loading screen."""

    def explode(*args: Any, **kwargs: Any) -> Library:
        raise RuntimeError("the snapshot grew teeth")

    monkeypatch.setattr(Library, "open", explode)
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test(size=(120, 30)) as pilot:
        assert "RuntimeError: the snapshot grew teeth" in await error_screen_text(pilot)
        await pilot.press("q")


async def test_a_damaged_store_opens_with_a_warning_and_the_kept_selection(
    catalog_file: Path, db_path: Path
) -> None:
    seeded(catalog_file, db_path)
    db_path.write_text(json.dumps(PARTLY["meta-is-garbage"]), encoding="utf-8")
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        assert len(screen.selected) == 2
        messages = [str(n.message) for n in notes]
        assert any(str(backups_of(db_path)[0]) in m for m in messages), messages


# Two catalog-tui at once -------------------------------------------------------------------------


def test_two_stores_on_one_file_never_overwrite_each_others_rows(db_path: Path) -> None:
    """Each process has its own TinyDB; a cached next document id must not clobber the other's rows."""
    first, second = Store(db_path), Store(db_path)
    first.set_selected(["a1"])
    second.set_selected(["b1"])
    first.set_selected(["a2"])
    second.set_selected(["b2"])
    first.save_search("x", "1")
    second.save_search("y", "2")
    first.save_search("z", "3")
    second.set_selected(["a1"], selected=False)
    assert sorted(first.selected_ids()) == ["a2", "b1", "b2"]
    assert [s["name"] for s in second.saved_searches()] == ["x", "y", "z"]
    user_tables(db_path)


def test_two_stores_repairing_one_broken_file_make_one_backup(db_path: Path) -> None:
    db_path.write_text(json.dumps(PARTLY["a-row-is-not-an-object"]), encoding="utf-8")
    first, second = Store(db_path), Store(db_path)  # both see the damage before either repairs
    first.set_selected([LAW])
    assert sorted(second.selected_ids()) == sorted([XING_SHI, SU_DONG_PO, LAW])
    assert len(backups_of(db_path)) == 1


WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from catalog_tui.core.store import Store

    db, tag, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    store = Store(db)
    while not go.exists():
        time.sleep(0.001)
    for n in range(count):
        store.set_selected([f"{tag}-{n}"])
        if n % 10 == 9:
            store.set_selected([f"{tag}-{n - 1}"], selected=False)
            store.save_search(f"{tag}-search-{n}", f"query {n}")
    store.close()
    """
)


def test_two_processes_toggling_selections_at_once_keep_every_row(db_path: Path, tmp_path: Path) -> None:
    count = 60
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path), tag, str(count), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("left", "right")
    ]
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    data = user_tables(db_path)
    expected = {f"{tag}-{n}" for tag in ("left", "right") for n in range(count) if n % 10 != 8}
    selected = [row["work_id"] for row in data["selection"].values()]
    assert sorted(selected) == sorted(expected)  # every row of both writers, none twice
    searches = {row["name"] for row in data["saved_searches"].values()}
    assert searches == {f"{tag}-search-{n}" for tag in ("left", "right") for n in range(9, count, 10)}
    assert not [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


SEEDER = textwrap.dedent(
    """
    import sys
    from catalog_tui.core.library import Library

    library = Library.open(sys.argv[1], sys.argv[2], force=True)
    print(len(library.catalog.works))
    library.close()
    """
)


def test_two_processes_seeding_at_once_leave_a_consistent_store(catalog_file: Path, db_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    seeders = [
        subprocess.Popen(
            [sys.executable, "-c", SEEDER, str(catalog_file), str(db_path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for seeder in seeders:
        out, err = seeder.communicate(timeout=120)
        assert seeder.returncode == 0, err.decode()
        assert int(out) == len(catalog_data()["works"])
    user_tables(db_path)
    json.loads(snapshot_path(db_path).read_bytes())
    library = open_library(catalog_file, db_path)
    assert library.report.seeded is False
    assert len(library.catalog.works) == len(catalog_data()["works"])


def test_a_file_system_without_locks_still_works(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    def no_locks(*args: Any) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    store = Store(db_path)
    store.set_selected([XING_SHI])
    assert store.selected_ids() == [XING_SHI]


def test_a_store_path_without_a_file_name_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="needs a file name"):
        Store(Path("/"))


async def test_deleting_a_saved_search_in_a_read_only_store_is_a_notification(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(catalog_file, db_path, searches=1)
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f")
        await settle(pilot)
        saved = screen.query_one("#saved")
        saved.focus()
        saved.highlighted = 1
        await pilot.pause()
        ReadOnly(monkeypatch, db_path.parent)
        await pilot.press("d", "y")  # deleting asks first
        await settle(pilot)
        monkeypatch.undo()
        assert app.is_running and app.screen is screen
        assert any("Permission denied" in str(n.message) for n in notes)
    assert [s["name"] for s in Store(db_path).saved_searches()] == ["search-0"]


# Store integrity (issue #14, items 5, 6, 10, 11): a snapshot is trusted only when its checksum -------


def snapshot_of(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


def reopen(catalog_file: Path, db_path: Path) -> Library:
    library = Library.open(catalog_file, db_path)
    library.close()
    return library


def rewrite_with_checksum(snapshot: Path, tables: dict[str, Any]) -> None:
    """Write `tables` as a snapshot whose checksums match: damage only the structure can catch."""
    from catalog_tui.core.snapshot_storage import tables_file_chunks

    snapshot.write_bytes(b"".join(tables_file_chunks(tables)))


def snapshot_tables(db_path: Path) -> dict[str, Any]:
    tables = json.loads(snapshot_of(db_path).read_bytes())  # still one JSON object of tables
    del tables["_checksum"]
    return tables


def test_the_snapshot_carries_the_checksum_of_each_table(catalog_file: Path, db_path: Path) -> None:
    """Each table but the rows has its SHA-256 in the layout (each row has its CRC-32 in `_rows`),
    and the trailer has the layout's: see snapshot_storage.py."""
    seeded(catalog_file, db_path)
    payload = snapshot_of(db_path).read_bytes()
    content, _, trailer = payload.rpartition(b',"_checksum":')
    layout = json.loads(payload)["_layout"]["1"]
    layout_start = int(json.loads(trailer[:-1])["1"]["layout"])
    assert json.loads(trailer[:-1])["1"]["sha256"] == hashlib.sha256(content[layout_start:]).hexdigest()
    assert set(layout["sha256"]) == set(layout["tables"]) - {"works"}
    for name, (start, end) in layout["tables"].items():
        if name != "works":
            assert layout["sha256"][name] == hashlib.sha256(content[start:end]).hexdigest()
    rewrite_with_checksum(snapshot_of(db_path), snapshot_tables(db_path))  # the tests' damage helper
    assert reopen(catalog_file, db_path).report.seeded is False


def _packed_ranks(*ranks: int) -> str:
    return "i:" + base64.b64encode(array("i", ranks).tobytes()).decode()


def _ranks_beyond_the_table(tables: dict[str, Any]) -> None:
    chars = tables["_chars"]["1"]["saved"]
    for key in chars:  # what gave `unexpected error: IndexError` in the CLI
        chars[key] = _packed_ranks(0, 10_000)


def _negative_rank(tables: dict[str, Any]) -> None:
    chars = tables["_title_chars"]["1"]["saved"]
    for key in chars:
        chars[key] = _packed_ranks(-1)


def _bitset_beyond_the_table(tables: dict[str, Any]) -> None:
    chars = tables["_chars"]["1"]["saved"]
    for key in chars:
        chars[key] = "b:" + base64.b64encode(b"\xff" * 64).decode()


def _campaign_name_a_number(tables: dict[str, Any]) -> None:
    tables["campaigns"]["1"]["name"] = 42


def _year_a_string_in_a_group(tables: dict[str, Any]) -> None:
    groups = tables["_index"]["1"]["groups"]
    field = next(iter(groups))
    groups[field][0][0] = 7


def _readings_a_string(tables: dict[str, Any]) -> None:
    readings = tables["_index"]["1"]["readings"]
    readings[next(iter(readings))] = "su"


def _syllable_width_negative(tables: dict[str, Any]) -> None:
    tables["_syllables"]["1"]["saved"]["width"] = -1


# Damage in what opening reads: caught at open. Damage in the postings (read by the first search,
# schema 8) is caught by that search, which then answers from a reseeded store (cli_commands.py);
# so `seed` alone (no search) does not see it, as it does not see a damaged row.
POSTINGS_DAMAGE = [
    _ranks_beyond_the_table,
    _negative_rank,
    _bitset_beyond_the_table,
    _syllable_width_negative,
]
DAMAGE = [
    _campaign_name_a_number,
    _year_a_string_in_a_group,
    _readings_a_string,
]


@pytest.mark.parametrize("damage", DAMAGE + POSTINGS_DAMAGE)
def test_a_snapshot_with_a_matching_checksum_but_a_wrong_shape_is_reseeded(
    run, catalog_file: Path, db_path: Path, damage
) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    tables = snapshot_tables(db_path)
    damage(tables)
    rewrite_with_checksum(snapshot_of(db_path), tables)
    code, out, err = run("search", "sudongpo", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0, err
    assert out.split()[-1] == SU_DONG_PO
    assert "unexpected error" not in err
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False  # the search above reseeded it
        assert library.store.selected_ids() == [XING_SHI]
    finally:
        library.close()


@pytest.mark.parametrize("damage", DAMAGE)
def test_seed_never_calls_a_damaged_snapshot_up_to_date(
    run, catalog_file: Path, db_path: Path, damage
) -> None:
    seeded(catalog_file, db_path)
    tables = snapshot_tables(db_path)
    damage(tables)
    rewrite_with_checksum(snapshot_of(db_path), tables)
    code, out, _ = run("seed", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0
    assert "already up to date" not in out
    assert "the seeded snapshot was unreadable" in out


def test_a_flipped_byte_that_leaves_valid_json_is_caught_by_the_checksum(
    catalog_file: Path, db_path: Path
) -> None:
    seeded(catalog_file, db_path)
    snapshot = snapshot_of(db_path)
    payload = snapshot.read_bytes()
    at = payload.index(b'"year":') if b'"year":' in payload else payload.index(b"2024")
    digit = payload.index(b"2024", at)
    snapshot.write_bytes(payload[:digit] + b"2025" + payload[digit + 4 :])  # still valid JSON
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert library.report.reason == "the seeded snapshot was unreadable: it does not match its checksum"
        assert len(library.catalog.works) == len(catalog_data()["works"])
    finally:
        library.close()
    assert reopen(catalog_file, db_path).report.seeded is False


# A damaged user file: reported by every command, readable rows carried over (item 5) -------------


def _flip_inside_second_row(payload: bytes) -> bytes:
    at = payload.index(SU_DONG_PO.encode())
    return payload[: at - 3] + b"x" + payload[at - 2 :]  # `"work_id":"…` loses its closing quote


DAMAGED = {
    "flipped-byte": (_flip_inside_second_row, "not valid JSON (truncated or overwritten?)", 1),
    "nan": (
        lambda p: p.replace(b'"work_id"', b'"n":NaN,"work_id"', 1),
        "not strict JSON (NaN or Infinity)",
        2,
    ),
}


@pytest.mark.parametrize("command", ["search", "export"])
@pytest.mark.parametrize("case", DAMAGED.values(), ids=DAMAGED.keys())
def test_every_command_says_when_it_repaired_the_store(
    run, catalog_file: Path, db_path: Path, tmp_path: Path, command: str, case
) -> None:
    damage, problem, selected = case
    seeded(catalog_file, db_path, selection=[XING_SHI, SU_DONG_PO], searches=1)
    db_path.write_bytes(damage(db_path.read_bytes()))
    extra = ("-o", str(tmp_path / "out.yaml")) if command == "export" else ()
    code, _, err = run(command, "xingshi", *extra, "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0
    (backup,) = sorted(db_path.parent.glob("store.json.broken-*"))
    warning = (
        f"catalog-tui: warning: the store file was damaged ({problem}); its bytes are kept in {backup}; "
        f"carried over: {selected} selected work(s), 1 saved search(es)\n"
    )
    assert err.startswith(warning)
    library = Library.open(catalog_file, db_path)
    try:
        assert XING_SHI in library.store.selected_ids()
        assert [s["name"] for s in library.store.saved_searches()] == ["search-0"]
    finally:
        library.close()
    # The next seed does not hide it behind "already up to date".
    code, out, _ = run("seed", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0
    assert f"note: 1 earlier damaged store file(s) kept; the latest is {backup}" in out


def test_a_bom_an_editor_added_is_read_through_not_damage(run, catalog_file: Path, db_path: Path) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    db_path.write_bytes(b"\xef\xbb\xbf" + db_path.read_bytes())
    code, _, err = run("search", "xingshi", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0 and "warning" not in err
    assert list(db_path.parent.glob("store.json.broken-*")) == []
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is False
        assert library.store.selected_ids() == [XING_SHI]
        library.store.set_selected([SU_DONG_PO])  # and it is written back without the BOM
    finally:
        library.close()
    assert json.loads(db_path.read_bytes())["selection"]


# Orphaned temporary files (item 10) -------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_files_a_killed_seed_left_are_removed_by_the_next_run(
    run, catalog_file: Path, db_path: Path
) -> None:
    seeded(catalog_file, db_path)
    folder = db_path.parent
    orphans = [
        folder / f".store.catalog.json.abcd1234.{_dead_pid()}.catalog-tui.tmp",
        folder / f".store.json.abcd1234.{_dead_pid()}.catalog-tui.tmp",
        folder / ".store.catalog.json.k2j3h4g5.tmp",  # an earlier version's name: by age
    ]
    for orphan in orphans:
        orphan.write_bytes(b"{" * 1000)
    old = time.time() - 2 * 3600
    os.utime(orphans[2], (old, old))
    live = folder / f".store.json.live0001.{os.getppid()}.catalog-tui.tmp"  # a running process's
    live.write_bytes(b"{")
    someone_elses = folder / ".notes.txt.abcdefgh.tmp"  # not a temporary of this store's files
    someone_elses.write_bytes(b"x")
    os.utime(someone_elses, (old, old))
    code, out, _ = run("seed", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0 and "already up to date" in out
    assert [p for p in orphans if p.exists()] == []
    assert live.exists() and someone_elses.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_temp_file_locked_by_a_live_writer_is_never_removed(tmp_path: Path) -> None:
    import fcntl

    live = tmp_path / f".out.yaml.abcd1234.{_dead_pid()}.catalog-tui.tmp"  # e.g. another pid namespace
    live.write_bytes(b"partial")
    with open(live, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        assert atomic.remove_stale_temporaries(tmp_path) == []
        assert live.exists()
    assert atomic.remove_stale_temporaries(tmp_path) == [live]


def test_an_interrupted_export_leaves_nothing_the_next_export_keeps(
    run, catalog_file: Path, db_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "exports" / "out.yaml"
    target.parent.mkdir()
    orphan = target.parent / f".out.yaml.abcd1234.{_dead_pid()}.catalog-tui.tmp"
    orphan.write_bytes(b"half an export")
    code, _, err = run("export", "", "-o", str(target), "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0, err
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.yaml"]


def test_temp_files_are_named_for_their_target_and_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        seen.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    atomic.atomic_write_bytes(tmp_path / "store.json", b"{}")
    (name,) = seen
    assert name.startswith(".store.json.") and name.endswith(f".{os.getpid()}.catalog-tui.tmp")


# A read-only store is not rewritten (item 11) ---------------------------------------------------


@pytest.mark.parametrize("read_only", ["store.json", "store.catalog.json"])
def test_a_read_only_store_file_is_refused_not_silently_rewritten(
    run, catalog_file: Path, db_path: Path, read_only: str
) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    protected = db_path.with_name(read_only)
    protected.chmod(0o444)
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}
    code, _, err = run("seed", "--force", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 1
    assert err == f"catalog-tui: the store file is read-only; make it writable to change it ({protected})\n"
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()} == before
    # Reading still works.
    code, out, _ = run("search", "xingshi", "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0 and XING_SHI in out


def test_a_read_only_user_file_refuses_selection_changes(catalog_file: Path, db_path: Path) -> None:
    seeded(catalog_file, db_path, selection=[XING_SHI])
    db_path.chmod(0o444)
    library = Library.open(catalog_file, db_path)
    try:
        with pytest.raises(StoreError, match="read-only"):
            library.store.set_selected([SU_DONG_PO])
        assert library.store.selected_ids() == [XING_SHI]
    finally:
        library.close()
    assert oct(db_path.stat().st_mode & 0o777) == "0o444"


# Random corruptions of both store files (issue #14): flipped bytes, truncation, inserted bytes ------

SELECTION = [XING_SHI, LAW]
FILES = ("store.json", "store.catalog.json")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, catalog_file_module: Path) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("pristine")
    library = Library.open(catalog_file_module, folder / "store.json")
    try:
        library.store.set_selected(SELECTION)
        library.store.save_search("旅行", "campaign:旅行")
    finally:
        library.close()
    return {name: (folder / name).read_bytes() for name in FILES}


@pytest.fixture(scope="module")
def catalog_file_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_catalog

    return write_catalog(tmp_path_factory.mktemp("catalogue") / "catalog.yaml")


@st.composite
def corruption(draw: st.DrawFn, size: int) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "zero-run"]))
    at = draw(st.integers(0, max(0, size - 1)))
    if kind == "flip":
        return kind, (at, draw(st.integers(1, 255)))
    if kind == "insert":
        return kind, (at, draw(st.binary(min_size=1, max_size=8)))
    if kind == "zero-run":
        return kind, (at, draw(st.integers(1, 64)))
    return kind, at


def corrupt(payload: bytes, change: tuple[str, Any]) -> bytes:
    """`payload` changed; positions drawn for the pristine file wrap round a shorter one."""
    kind, detail = change
    if not payload:
        return payload
    if kind == "flip":
        at, mask = detail
        at %= len(payload)
        return payload[:at] + bytes([payload[at] ^ mask]) + payload[at + 1 :]
    if kind == "insert":
        at, extra = detail
        return payload[:at] + extra + payload[at:]
    if kind == "zero-run":
        at, length = detail
        return payload[:at] + b"\x00" * length + payload[at + length :]
    return payload[:detail]


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_corrupted_store_never_crashes_or_lies(
    data: st.DataObject, pristine: dict[str, bytes], catalog_file_module: Path
) -> None:
    target = data.draw(st.sampled_from(FILES), label="file")
    changes = data.draw(st.lists(corruption(len(pristine[target])), min_size=1, max_size=3), label="changes")
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "store.json"
        for name, payload in pristine.items():
            (Path(folder) / name).write_bytes(payload)
        damaged = pristine[target]
        for change in changes:
            damaged = corrupt(damaged, change)
        (Path(folder) / target).write_bytes(damaged)

        code, text = cli("search", "sudongpo", "--catalog", str(catalog_file_module), "--db", str(db_path))
        assert "Traceback" not in text and "unexpected error" not in text, text
        assert code == 0, text
        assert SU_DONG_PO in text

        library = Library.open(catalog_file_module, db_path)
        try:
            assert len(library.catalog.works) == len(catalog_data()["works"])
            assert [w.id for w in library.works_at(library.engine.search("sudongpo").positions)] == [
                SU_DONG_PO
            ]
            known = {w["id"] for w in catalog_data()["works"]}
            assert set(library.store.selected_ids()) & known <= set(SELECTION)
            if target == "store.catalog.json":  # the user file was untouched: nothing of it is lost
                assert sorted(library.store.selected_ids()) == sorted(SELECTION)
                assert [s["name"] for s in library.store.saved_searches()] == ["旅行"]
        finally:
            library.close()
