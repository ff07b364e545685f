"""Store integrity (issue #14, items 5, 6, 10, 11): a snapshot is trusted only when its checksum
and its shape hold; a damaged user file is reported by every CLI command; orphaned temp files are
removed; a read-only store is never silently rewritten."""

from __future__ import annotations

import base64
import hashlib
import json
from array import array
from pathlib import Path
from typing import Any

import pytest
from conftest import SU_DONG_PO, XING_SHI, catalog_data

from catalog_tui.core.library import Library


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
