"""The TinyDB store and the Library over it: seeding only when needed, user tables that survive
reseeds, UTF-8 files written atomically, recovery from broken files, and where the store lives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import LAW, SU_DONG_PO, XING_SHI, YONG_LE, catalog_data, folder_bytes, write_catalog

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.library import Library
from catalog_tui.core.loader import CatalogError, load_catalog
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.store import ENV_DB, Store, bundled_catalog_path, resolve_db_path


def open_library(catalog_file: Path, db_path: Path, **options) -> Library:
    library = Library.open(catalog_file, db_path, **options)
    library.close()
    return library


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


def ids(library: Library, query: str) -> list[str]:
    return [w.id for w in library.works_at(library.engine.search(query).positions)]


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
    # The parse itself reports how far it got, ending at the catalogue's length in characters.
    reading = [(done, total) for stage, done, total in calls if stage == "reading catalogue"]
    length = len(catalog_file.read_text(encoding="utf-8"))
    assert reading[-1] == (length, length) and len(reading) > 2


def test_reopening_reports_reading_the_store(catalog_file: Path, db_path: Path) -> None:
    Library.open(catalog_file, db_path).close()
    calls: list[tuple[str, int, int]] = []
    Library.open(catalog_file, db_path, progress=lambda *call: calls.append(call)).close()
    assert {stage for stage, _, _ in calls} == {"reading store"}
    assert calls[-1][1] == calls[-1][2] == 7  # the fixture's works, built one by one


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
        texts = (f"hay {work.id}", work.title, work.title_en)
        row = json.loads(json.dumps(_work_row(work, *texts)))
        assert _work_from_row(row) == work
        assert row[-3:] == list(texts)


def test_a_hand_edited_row_reads_as_empty_fields_not_a_crash() -> None:
    from catalog_tui.core.snapshot import _work_from_row

    row = ["w", 5, None, [], "2024", "c", [1, "ch"], None, {}, 7, [["a.txt"], 3, ["b.txt", "q"]], None]
    work = _work_from_row(row)
    assert (work.id, work.title, work.year, work.campaigns, work.channels) == ("w", "", None, (), ("ch",))
    assert [(s.doc, s.quote) for s in work.sources] == [("b.txt", "q")]


def test_reopened_works_are_built_when_first_asked_for(catalog_file: Path, db_path: Path) -> None:
    from catalog_tui.core.model import LazyWorks

    Library.open(catalog_file, db_path).close()
    library = Library.open(catalog_file, db_path)
    try:
        works = library.catalog.works
        assert isinstance(works, LazyWorks)
        assert works._works.count(None) == len(works)  # nothing built by opening
        expected = load_catalog(catalog_file).works
        assert works[2] == expected[2] and works[2] is works[2]
        assert works._works.count(None) == len(works) - 1 and works._rows[2] is None
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
