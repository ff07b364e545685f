"""Seeding's progress never stands still for long (issue 13): the checks after the parse, the
building of the records and the snapshot write report as they go. Deterministic: what is counted
is the work done between two progress calls (records checked, built, rows written), never time."""

from __future__ import annotations

import importlib.util
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import catalog_data
from rich.console import Console

from catalog_tui.cli_progress import store_progress
from catalog_tui.core import snapshot
from catalog_tui.core.library import Library
from catalog_tui.core.loader import CatalogError, parse_catalog_text
from catalog_tui.core.model import Catalog, Work
from catalog_tui.core.seed_progress import REPORT_EVERY, WORK_STAGES, WorksWorth
from catalog_tui.core.validate import Validator
from catalog_tui.i18n import t

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
WORKS = 10_000  # a few reports in every pass
# Rows are written in batches of 256 and reported at the first batch past each REPORT_EVERY.
ROWS_BETWEEN_REPORTS = REPORT_EVERY + 256


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "catalog.yaml"
    _generator().write_catalog(path, WORKS, seed=5)
    return path


def test_seeding_reports_during_the_checks_the_records_and_the_write(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done: Counter[str] = Counter()  # work done so far, by kind

    def counting(kind: str, real: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            done[kind] += 1
            return real(*args, **kwargs)

        return counted

    real_require = Validator.require

    def require(validator: Validator, where: Any, record: Any, names: Any) -> None:
        done["checked"] += len(where) == 2  # a record's own fields, not its sources'
        real_require(validator, where, record, names)

    monkeypatch.setattr(Validator, "require", require)
    monkeypatch.setattr(Work, "from_dict", classmethod(counting("built", Work.from_dict.__func__)))
    monkeypatch.setattr(snapshot, "_work_row", counting("rows", snapshot._work_row))
    calls: list[tuple[str, int, int, Counter[str]]] = []
    library = Library.open(
        generated, tmp_path / "store.json", force=True,
        progress=lambda stage, d, t: calls.append((stage, d, t, done.copy())),
    )  # fmt: skip
    library.close()
    assert done["checked"] >= WORKS and done["built"] == WORKS and done["rows"] == WORKS
    # Between any two progress calls (and before the first), at most one report's worth of work.
    before = Counter[str]()
    for _, _, _, seen in calls:
        assert seen["checked"] - before["checked"] <= REPORT_EVERY
        assert seen["built"] - before["built"] <= REPORT_EVERY
        assert seen["rows"] - before["rows"] <= ROWS_BETWEEN_REPORTS
        before = seen
    assert done["rows"] - before["rows"] == 0  # the last row is reported
    stages = list(dict.fromkeys(stage for stage, *_ in calls))
    assert stages == [
        "reading catalogue", "checking catalogue", "preparing search data", "indexing", "writing index",
        "writing store",
    ]  # fmt: skip
    for stage in stages:
        reports = [(d, t) for s, d, t, _ in calls if s == stage]
        dones = [d for d, _ in reports]
        assert dones == sorted(dones), stage  # monotonic within the stage
        assert len({t for _, t in reports if t > 1}) == 1, stage  # one total (after "started")
        assert reports[-1][0] == reports[-1][1], stage  # it ends at its total
        if stage in ("checking catalogue", "writing store"):
            assert reports[-1] == (WORKS, WORKS) and stage in WORK_STAGES
            assert len(reports) >= 1 + WORKS // REPORT_EVERY  # some reports, the end
    # The tables before the rows (the saved index a key at a time, the columns a piece at a time):
    # a share, from nothing to all of it, in many steps.
    index_parts = [(d, t) for s, d, t, _ in calls if s == "writing index"]
    assert index_parts[0][0] == 0 and index_parts[-1][0] == index_parts[-1][1] > 10
    assert len(index_parts) > 10 and "writing index" not in WORK_STAGES


def test_the_checks_report_every_record_they_pass_once_per_pass() -> None:
    data = catalog_data()
    advanced: list[int] = []
    validator = Validator(advanced.append)
    assert validator.run(data) == []
    assert sum(advanced) == Validator.check_units(data) > 0
    built: list[int] = []
    catalog = Catalog.from_dict(data, built.append)
    assert sum(built) == Catalog.build_units(data) == sum(catalog.counts().values())
    assert catalog == Catalog.from_dict(data)  # the same catalogue as without progress


def test_works_worth_rises_to_the_works_and_never_past_them() -> None:
    seen: list[tuple[int, int]] = []
    worth = WorksWorth(lambda d, t: seen.append((d, t)), works=100, units=300)
    for units in (50, 100, 150, 40):  # told a little more than its units: it stops at the top
        worth.advance(units)
    assert seen == [(16, 100), (50, 100), (100, 100), (100, 100)]


def test_checking_ends_below_its_total_after_a_problem() -> None:
    text = "works:\n" + "".join(
        f"  - id: w{n}\n    title: 作品{n}\n    type: series\n" for n in range(50)
    ) + "  - id: broken\n"  # fmt: skip
    checking: list[tuple[int, int]] = []
    reading: list[tuple[int, int]] = []
    with pytest.raises(CatalogError):
        parse_catalog_text(
            text, progress=lambda *c: reading.append(c), checking=lambda *c: checking.append(c)
        )
    assert reading[-1] == (len(text), len(text))  # the text was parsed: the checks found the problem
    assert checking and all(d < t for d, t in checking)


def test_checking_without_a_problem_matches_the_plain_parse(generated: Path) -> None:
    text = generated.read_text(encoding="utf-8")
    checking: list[tuple[int, int]] = []
    with_progress = parse_catalog_text(text, checking=lambda *c: checking.append(c))
    assert with_progress == parse_catalog_text(text)
    assert checking[0] == (0, WORKS) and checking[-1] == (WORKS, WORKS)


def test_the_cli_bar_counts_the_checks_and_the_write_in_works() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=140, color_system=None)
    with store_progress(console) as show:
        assert show is not None
        show("checking catalogue", 2_000, 8_000)
        show("writing store", 4_096, 8_000)
        console.print("done")
    drawn = screen.getvalue()
    works = t("cli.progress.works", done="2,000", total="8,000")
    assert works in drawn and t("cli.progress.works", done="4,096", total="8,000") in drawn
