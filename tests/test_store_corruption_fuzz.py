"""Random corruptions of both store files (issue #14): flipped bytes, truncation, inserted bytes.
Opening the store, searching and the CLI never end in a traceback, and never give a wrong result:
the catalogue is whole, search finds what it should, the selection holds no invented works."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import LAW, SU_DONG_PO, XING_SHI, catalog_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_tui.cli import main
from catalog_tui.core.library import Library

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
