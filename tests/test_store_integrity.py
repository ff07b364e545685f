"""Store integrity (issue #14, items 5, 6, 10, 11): a snapshot is trusted only when its checksum
and its shape hold; a damaged user file is reported by every CLI command; orphaned temp files are
removed; a read-only store is never silently rewritten."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
from array import array
from pathlib import Path
from typing import Any

import pytest
from conftest import SU_DONG_PO, XING_SHI, catalog_data

from catalog_tui.core import atomic
from catalog_tui.core.library import Library
from catalog_tui.core.store import StoreError

pytestmark = pytest.mark.usefixtures("english")  # these read the CLI's English messages


def snapshot_of(db_path: Path) -> Path:
    return db_path.with_name("store.catalog.json")


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


def rewrite_with_checksum(snapshot: Path, tables: dict[str, Any]) -> None:
    """Write `tables` as a snapshot whose checksum matches: damage only the structure can catch."""
    content = json.dumps(tables, ensure_ascii=False).encode()[:-1]  # without the closing brace
    digest = hashlib.sha256(content).hexdigest()
    snapshot.write_bytes(content + b',"_checksum":{"1":{"sha256":"' + digest.encode() + b'"}}}')


def snapshot_tables(db_path: Path) -> dict[str, Any]:
    tables = json.loads(snapshot_of(db_path).read_bytes())
    del tables["_checksum"]
    return tables


def test_the_snapshot_carries_the_checksum_of_its_content(catalog_file: Path, db_path: Path) -> None:
    seeded(catalog_file, db_path)
    payload = snapshot_of(db_path).read_bytes()
    content, _, trailer = payload.rpartition(b',"_checksum":')
    assert json.loads(trailer[:-1]) == {"1": {"sha256": hashlib.sha256(content).hexdigest()}}
    rewrite_with_checksum(snapshot_of(db_path), snapshot_tables(db_path))  # the tests' damage helper
    assert reopen(catalog_file, db_path).report.seeded is False


def _packed_ranks(*ranks: int) -> str:
    return "i:" + base64.b64encode(array("i", ranks).tobytes()).decode()


def _ranks_beyond_the_table(tables: dict[str, Any]) -> None:
    chars = tables["_index"]["1"]["chars"]
    for key in chars:  # what gave `unexpected error: IndexError` in the CLI
        chars[key] = _packed_ranks(0, 10_000)


def _negative_rank(tables: dict[str, Any]) -> None:
    chars = tables["_index"]["1"]["title_chars"]
    for key in chars:
        chars[key] = _packed_ranks(-1)


def _bitset_beyond_the_table(tables: dict[str, Any]) -> None:
    chars = tables["_index"]["1"]["chars"]
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
    tables["_index"]["1"]["syllables"]["width"] = -1


DAMAGE = [
    _ranks_beyond_the_table,
    _negative_rank,
    _bitset_beyond_the_table,
    _campaign_name_a_number,
    _year_a_string_in_a_group,
    _readings_a_string,
    _syllable_width_negative,
]


@pytest.mark.parametrize("damage", DAMAGE)
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
