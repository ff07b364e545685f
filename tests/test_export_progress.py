"""An export's progress moves during every pass (issue 13): the passes over the works before the
first record is written (the records they link to, the documents they cite) report as they go,
within one progress over the whole export. Deterministic: what is counted is the works read from
the store between two progress calls, never time."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import catalog_data, write_catalog

from catalog_tui.core import export, export_file
from catalog_tui.core.export import render
from catalog_tui.core.export_file import export_works
from catalog_tui.core.lazy_works import LazyWorks
from catalog_tui.core.library import Library
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.snapshot_storage import RowTable

WORKS = 60
CHUNK = 4


def _many_works(*, uncited_document: bool, unlinked_channel: bool) -> dict[str, Any]:
    data = catalog_data()
    originals = data["works"]
    data["works"] = [
        {**copy.deepcopy(originals[n % len(originals)]), "id": f"{originals[n % len(originals)]['id']}-{n}"}
        for n in range(WORKS)
    ]
    if uncited_document:  # no record cites it: the documents' pass cannot stop early
        data["documents"].append({"file": "uncited.txt", "title": "无人引用的文章"})
    if unlinked_channel:  # no work links to it: the links' pass cannot stop early
        data["channels"].append({**copy.deepcopy(data["channels"][0]), "id": "unlinked-channel"})
    return data


@pytest.fixture
def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the works' rows read from the store (each read builds a work)."""
    reads = [0]
    real = RowTable.document

    def document(self: RowTable, position: int) -> dict[str, Any]:
        reads[0] += 1
        return real(self, position)

    monkeypatch.setattr(RowTable, "document", document)
    return reads


def _export(
    tmp_path: Path, data: dict[str, Any], reads: list[int], monkeypatch: pytest.MonkeyPatch, fmt: str = "yaml"
) -> tuple[list[tuple[str, int, int, int]], Path, Library]:
    """Seeds `data`, exports every work from the store; the events: ("progress", done, total,
    rows read so far) and ("write", bytes, 0, rows read so far)."""
    monkeypatch.setattr(export, "CHUNK", CHUNK)
    catalog_file = write_catalog(tmp_path / "catalog.yaml", data)
    Library.open(catalog_file, tmp_path / "store" / "store.json").close()  # seeded
    library = Library.open(catalog_file, tmp_path / "store" / "store.json")  # the works read lazily
    assert isinstance(library.catalog.works, LazyWorks)
    events: list[tuple[str, int, int, int]] = []
    real_write = export_file.atomic_write_bytes

    def recording_write(path: Path, payload: Any, **options: Any) -> None:
        def pieces() -> Iterator[bytes]:
            for piece in payload:
                events.append(("write", len(piece), 0, reads[0]))
                yield piece

        real_write(path, pieces(), **options)

    monkeypatch.setattr(export_file, "atomic_write_bytes", recording_write)
    target = tmp_path / f"out.{fmt}"
    export_works(
        library.catalog, None, target, fmt,
        progress=lambda done, total: events.append(("progress", done, total, reads[0])),
    )  # fmt: skip
    return events, target, library


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_every_pass_over_the_works_reports_as_it_goes(
    fmt: str, tmp_path: Path, counting_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _many_works(uncited_document=True, unlinked_channel=True)
    events, _target, library = _export(tmp_path, data, counting_reads, monkeypatch, fmt)
    progress = [(done, total, read) for kind, done, total, read in events if kind == "progress"]
    # Between two progress calls, at most a chunk of works read from the store.
    reads = [read for *_, read in progress]
    assert max(b - a for a, b in itertools.pairwise(reads)) <= CHUNK
    assert counting_reads[0] - reads[-1] == 0
    # The passes before the first write: the links (and, but in a CSV, the documents) in full.
    first_write = next(read for kind, *_, read in events if kind == "write")
    passes = 1 if fmt == "csv" else 2
    assert first_write >= passes * WORKS
    before_writing = [p for p in progress if p[2] <= first_write]
    assert len(before_writing) >= passes * WORKS // CHUNK
    # One progress: rising, never past its total, which grows at most once (the linked records
    # found), and ends at the passes plus the records written.
    dones = [done for done, _, _ in progress]
    totals = [total for _, total, _ in progress]
    assert dones == sorted(dones) and totals == sorted(totals) and len(set(totals)) <= 2
    assert all(done <= total for done, total, _ in progress) and dones[0] == 0
    records = export.selection(library.catalog)
    written = len(records["works"]) if fmt == "csv" else sum(map(len, records.values()))
    cited = 0 if fmt == "csv" else written  # the documents' pass goes over every record
    assert dones[-1] == totals[-1] == WORKS + cited + written  # links, documents, written
    library.close()


def test_the_passes_stop_once_nothing_more_can_be_found(
    tmp_path: Path, counting_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _many_works(uncited_document=False, unlinked_channel=False)
    events, target, library = _export(tmp_path, data, counting_reads, monkeypatch)
    first_write = next(read for kind, *_, read in events if kind == "write")
    assert first_write < WORKS  # every document cited, every campaign and channel linked, early
    progress = [(done, total) for kind, done, total, _ in events if kind == "progress"]
    assert progress[-1][0] == progress[-1][1]  # the passes cut short count as done
    # The same export as the whole catalogue's, from the YAML, rendered in one go.
    in_one_go = render(load_catalog(tmp_path / "catalog.yaml"), None, "yaml")
    written = target.read_bytes()
    assert re.sub(rb"# date: .*\n", b"", written) == re.sub(rb"# date: .*\n", b"", in_one_go)
    library.close()


def test_a_full_pass_writes_the_same_export(
    tmp_path: Path, counting_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _many_works(uncited_document=True, unlinked_channel=True)
    _, target, library = _export(tmp_path, data, counting_reads, monkeypatch, "json")
    assert target.read_bytes() == render(load_catalog(tmp_path / "catalog.yaml"), None, "json")
    assert "uncited.txt" not in target.read_text(encoding="utf-8")
    library.close()
