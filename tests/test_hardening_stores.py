"""Hardening: broken or stale stores (issue #5).

The TinyDB user file (`store.json`) truncated, not JSON, JSON of the wrong shape (whole or in part),
from an older or newer schema, unwritable, in a folder that does not exist or cannot be created; a
damaged or stale snapshot (`store.catalog.json`); and two catalog-tui processes writing at once.
The app keeps a backup of a broken file, reseeds, keeps every readable selection and saved search,
and a bad catalogue changes nothing at all.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import LAW, SU_DONG_PO, XING_SHI, YONG_LE, catalog_data, write_catalog
from test_hardening_exports import needs_mounts, run_mounted  # a private mount namespace, for real
from textual.widgets import Static
from tui_helpers import ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.core import atomic
from catalog_tui.core.library import Library
from catalog_tui.core.loader import CatalogError
from catalog_tui.core.store import Store, StoreError
from catalog_tui.screens.error import ErrorScreen
from catalog_tui.screens.main import MainScreen

PROJECT = Path(__file__).resolve().parent.parent
BAD_CATALOGUE = Path(__file__).parent / "data" / "bad" / "unknown-references.yaml"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def snapshot_of(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


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


def reopen(catalog_file: Path, db_path: Path) -> Library:
    library = Library.open(catalog_file, db_path)
    library.close()
    return library


def user_tables(db_path: Path) -> dict[str, Any]:
    """The user file must always be valid JSON that TinyDB can read."""
    data = json.loads(db_path.read_bytes())
    assert isinstance(data, dict)
    for table in data.values():
        assert isinstance(table, dict)
        assert all(key.isdecimal() and isinstance(row, dict) for key, row in table.items())
    return data


async def wait_for(pilot, screen_type: type) -> Any:
    for _ in range(200):
        if isinstance(pilot.app.screen, screen_type):
            break
        await pilot.pause(0.05)
    assert isinstance(pilot.app.screen, screen_type), f"expected {screen_type.__name__}: {pilot.app.screen!r}"
    await pilot.pause()
    return pilot.app.screen


def error_text(app: CatalogApp) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


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
    assert reopen(catalog_file, db_path).report.seeded is False


def test_an_empty_user_file_is_an_empty_store_not_a_backup(catalog_file: Path, db_path: Path) -> None:
    seeded(catalog_file, db_path)
    db_path.write_bytes(b"")
    library = reopen(catalog_file, db_path)
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
    assert reopen(catalog_file, db_path).report.seeded is False


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
    assert reopen(catalog_file, db_path).report.seeded is False


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
    snapshot_of(db_path).write_bytes(payload)
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert len(library.catalog.works) == len(catalog_data()["works"])
        assert library.store.selected_ids() == [XING_SHI]
    finally:
        library.close()
    assert reopen(catalog_file, db_path).report.seeded is False


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
    snapshot = snapshot_of(db_path)
    tables = json.loads(snapshot.read_bytes())
    damage(tables)
    snapshot.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    library = Library.open(catalog_file, db_path)
    try:
        assert library.report.seeded is True
        assert [w.id for w in library.works_at(library.engine.search("sudongpo").positions)] == [SU_DONG_PO]
    finally:
        library.close()
    assert reopen(catalog_file, db_path).report.seeded is False


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
    snapshot_of(db_path).write_bytes(snapshot_of(other_db).read_bytes())
    library = reopen(catalog_file, db_path)
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
        snapshot_of(db_path).write_bytes(b"{")
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
        await wait_for(pilot, ErrorScreen)
        assert "unknown campaign 'xyz'" in error_text(app)
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
        await wait_for(pilot, ErrorScreen)
        text = error_text(app)
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
        await wait_for(pilot, ErrorScreen)
        text = error_text(app)
        assert "cannot write the store: Permission denied" in text and str(db_path.parent) in text
        await pilot.press("q")


async def test_a_store_that_turns_read_only_while_running_is_a_notification(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        ReadOnly(monkeypatch, db_path.parent)
        await pilot.press("space")
        await settle(pilot)
        monkeypatch.undo()
        assert app.is_running and isinstance(app.screen, MainScreen)
        messages = [str(n.message) for n in app._notifications]
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
        await wait_for(pilot, ErrorScreen)
        assert "RuntimeError: the snapshot grew teeth" in error_text(app)
        await pilot.press("q")


async def test_a_damaged_store_opens_with_a_warning_and_the_kept_selection(
    catalog_file: Path, db_path: Path
) -> None:
    seeded(catalog_file, db_path)
    db_path.write_text(json.dumps(PARTLY["meta-is-garbage"]), encoding="utf-8")
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        assert len(screen.selected) == 2
        messages = [str(n.message) for n in app._notifications]
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
    json.loads(snapshot_of(db_path).read_bytes())
    library = reopen(catalog_file, db_path)
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
    assert atomic  # the module under test


def test_a_store_path_without_a_file_name_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="needs a file name"):
        Store(Path("/"))


async def test_deleting_a_saved_search_in_a_read_only_store_is_a_notification(
    catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(catalog_file, db_path, searches=1)
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
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
        assert any("Permission denied" in str(n.message) for n in app._notifications)
    assert [s["name"] for s in Store(db_path).saved_searches()] == ["search-0"]
