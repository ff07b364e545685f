"""Seeding's "reading catalogue" moves before the parse's first report (issue 13): reading the
file, decoding it and the scans before the parse report every few MiB, as one rising share.
Deterministic: the slice size is made small and what is counted is the bytes or characters
handled between two reports, never time."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT

from catalog_tui.core import loader
from catalog_tui.core.library import Library
from catalog_tui.core.loader import CatalogError, decode_catalog, parse_catalog_text, read_catalog_bytes
from catalog_tui.core.seed_progress import ReadingShare

SLICE = 4099  # odd: hanzi (3 bytes) straddle the slices' ends
READ = 1024  # bytes a read() asks for
CATALOG = PROJECT / "catalog.yaml"


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_REPORT_BYTES", SLICE)
    monkeypatch.setattr(loader, "_CHUNK", READ)


def _steps(reports: list[tuple[int, int]]) -> list[int]:
    dones = [d for d, _ in reports]
    return [b - a for a, b in zip([0, *dones], dones, strict=False)]


def test_reading_reports_every_slice_of_a_file(small_slices: None, tmp_path: Path) -> None:
    raw = CATALOG.read_bytes()
    reports: list[tuple[int, int]] = []
    assert read_catalog_bytes(CATALOG, lambda d, t: reports.append((d, t))) == raw
    assert reports[-1] == (len(raw), len(raw)) and {t for _, t in reports} == {len(raw)}
    assert max(_steps(reports)) <= SLICE + READ and len(reports) >= len(raw) // (SLICE + READ)


def test_decoding_by_slices_gives_the_same_text_and_reports_each(small_slices: None) -> None:
    raw = CATALOG.read_bytes()
    reports: list[tuple[int, int]] = []
    assert decode_catalog(raw, "c.yaml", lambda d, t: reports.append((d, t))) == raw.decode("utf-8")
    assert reports[-1] == (len(raw), len(raw)) and max(_steps(reports)) <= SLICE
    assert len(reports) == -(-len(raw) // SLICE)


def test_a_bad_byte_in_a_later_slice_is_placed_in_the_file(small_slices: None) -> None:
    raw = CATALOG.read_bytes()
    broken = raw[: SLICE * 3] + b"\xff" + raw[SLICE * 3 :]
    with pytest.raises(CatalogError) as slices:
        decode_catalog(broken, "c.yaml", lambda d, t: None)
    with pytest.raises(CatalogError) as whole:
        decode_catalog(broken, "c.yaml")
    assert slices.value.problems == whole.value.problems
    assert f"at offset {SLICE * 3}" in slices.value.problems[0].message


@pytest.mark.parametrize("offset", [SLICE - 1, SLICE, SLICE + 1, 2 * SLICE - 50])
def test_the_scans_find_what_straddles_a_slice_end(small_slices: None, offset: int) -> None:
    filler = "works: []\n" + "#" * (offset - len("works: []\n") - 1) + "\n"
    alias = filler + "x: *a\n"
    deep = filler + "y:\n" + " " * 120 + "- 1\n"
    assert loader._may_alias_or_nest_deeply(alias) and loader._may_alias_or_nest_deeply(deep)
    assert not loader._may_alias_or_nest_deeply(filler + "x: a *b*\n")
    scanned: list[tuple[int, int]] = []
    assert not loader._may_alias_or_nest_deeply(filler * 5, lambda d, t: scanned.append((d, t)))
    assert scanned[-1] == (len(filler * 5), len(filler * 5)) and max(_steps(scanned)) <= SLICE


def test_the_parse_with_scanning_reports_gives_the_same_catalogue(small_slices: None) -> None:
    text = CATALOG.read_text(encoding="utf-8")
    scanned: list[tuple[int, int]] = []
    catalog = parse_catalog_text(text, scanning=lambda d, t: scanned.append((d, t)))
    assert catalog == parse_catalog_text(text)
    assert len(scanned) == -(-len(text) // SLICE)


def test_seeding_reads_decodes_and_scans_with_a_rising_share(small_slices: None, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    Library.open(CATALOG, tmp_path / "store.json", progress=lambda *c: calls.append(c)).close()
    reading = [(d, t) for s, d, t in calls if s == "reading catalogue"]
    assert reading[0] == (0, 1) and reading[-1] == (ReadingShare.TOTAL, ReadingShare.TOTAL)
    shares = [d for d, _ in reading[1:]]
    assert shares == sorted(set(shares)) and {t for _, t in reading[1:]} == {ReadingShare.TOTAL}
    size = CATALOG.stat().st_size
    # Every slice of each step before the parse has its report (reading: at least every chunk).
    for low, high, least in (
        (0, ReadingShare.READ_END, size // (SLICE + READ)),
        (ReadingShare.READ_END, ReadingShare.DECODE_END, size // SLICE),
        (ReadingShare.DECODE_END, ReadingShare.SCAN_END, len(CATALOG.read_text(encoding="utf-8")) // SLICE),
    ):
        assert sum(low < share <= high for share in shares) >= least > 0


def test_the_share_of_each_step_only_rises() -> None:
    seen: list[tuple[int, int]] = []
    share = ReadingShare(lambda d, t: seen.append((d, t)))
    assert share.read and share.decoded and share.scanned and share.parsed
    share.read(50, 100)
    share.read(50, 100)  # nothing new: not reported again
    share.decoded(100, 100)
    share.read(100, 100)  # an earlier step told late: below the share, not reported
    share.parsed(100, 100)
    assert seen == [(5_000, 1_000_000), (30_000, 1_000_000), (1_000_000, 1_000_000)]
    assert ReadingShare(None).read is None
