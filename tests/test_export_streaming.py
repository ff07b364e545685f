"""An export of many works keeps none of them (issue 13): the CLI's and the TUI dialog's exports
hand the export a view of the works at the result's positions, built as the export takes them,
not a list that keeps every work built (318 MiB at 100k). Counted: works built and kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import RadioButton
from tui_helpers import bundled_app, ready, settle

from catalog_tui.cli import main
from catalog_tui.core import export
from catalog_tui.core.lazy_works import LazyWorks, WorksAt
from catalog_tui.core.library import Library
from catalog_tui.core.store import bundled_catalog_path
from catalog_tui.screens import export_progress
from catalog_tui.screens.export_dialog import ExportDialog
from catalog_tui.screens.export_progress import ExportProgress

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def opened(db_path: Path) -> Any:
    Library.open(bundled_catalog_path(), db_path).close()  # seeded: the next open reads lazily
    library = Library.open(bundled_catalog_path(), db_path)
    yield library
    library.close()


def _without_stamp(path: Path) -> Any:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key != "export"} | {
        "export": {k: v for k, v in data.get("export", {}).items() if "at" not in k}
    }


def test_a_view_of_works_builds_each_as_taken_and_keeps_none(opened: Library) -> None:
    works = opened.index.works
    assert isinstance(works, LazyWorks) and works.built == 0
    positions = list(reversed(range(len(works))))
    view = opened.works_passing(positions)
    assert isinstance(view, WorksAt) and len(view) == len(works)
    assert [w.id for w in view] == [works.peek(p).id for p in positions]
    assert view[0] == works.peek(positions[0]) and view[1:3] == [works.peek(p) for p in positions[1:3]]
    assert list(reversed(view)) == list(view)[::-1]
    assert works.built == 0  # all of it taken, twice, none kept
    kept = works[positions[0]]  # a work already kept is handed out as it is
    assert view[0] is kept


def test_the_cli_export_of_every_work_keeps_none_built(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = str(bundled_catalog_path())
    Library.open(bundled, db_path).close()
    built_at_close: list[int] = []
    peeked: list[int] = []
    real_close, real_peek = Library.close, LazyWorks.peek

    def close(library: Library) -> None:
        works = library.index.works
        built_at_close.append(works.built if isinstance(works, LazyWorks) else -1)
        real_close(library)

    def peek(works: LazyWorks, position: int) -> Any:
        peeked.append(position)
        return real_peek(works, position)

    monkeypatch.setattr(Library, "close", close)
    monkeypatch.setattr(LazyWorks, "peek", peek)
    streamed = tmp_path / "all.yaml"
    assert main(["export", "", "-o", str(streamed), "--catalog", bundled, "--db", str(db_path)]) == 0
    works = len(yaml.safe_load(streamed.read_text(encoding="utf-8"))["works"])
    assert built_at_close == [0] and works > 5
    # Each work built for each of the export's passes (ids, links, documents cited, rows): at most 4.
    assert works <= len(peeked) <= 4 * works
    # The same file as the export of the works kept in a list (the old way).
    monkeypatch.setattr(Library, "works_passing", Library.works_at)
    kept = tmp_path / "kept.yaml"
    assert main(["export", "", "-o", str(kept), "--catalog", bundled, "--db", str(db_path)]) == 0
    assert built_at_close[-1] == works
    assert _without_stamp(streamed) == _without_stamp(kept)


async def test_the_dialog_exports_every_work_with_progress_keeping_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shown: list[ExportProgress] = []
    real_init = ExportProgress.__init__

    def init(screen: ExportProgress, path: str) -> None:
        real_init(screen, path)
        shown.append(screen)

    monkeypatch.setattr(ExportProgress, "__init__", init)
    monkeypatch.setattr(export, "CHUNK", 8)  # a report every 8 records: several over 64 works
    monkeypatch.setattr(export_progress, "PROGRESS_INTERVAL", 0.0)  # every report posted
    app = bundled_app(tmp_path)
    Library.open(bundled_catalog_path(), app.db_path).close()  # seeded: the app reads works lazily
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        works = app.screen.library.index.works
        assert isinstance(works, LazyWorks)
        built = works.built  # the screenful shown
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#scope-all", RadioButton).value = True
        await pilot.press("enter")
        await settle(pilot)
        assert works.built == built  # every work exported, none of them kept
        assert not isinstance(app.screen, ExportProgress)  # closed when the export is done
    (exported,) = tmp_path.glob("catalog-export-*.yaml")
    records = len(yaml.safe_load(exported.read_text(encoding="utf-8"))["works"])
    assert records == len(works) and len(shown) == 1
    assert shown[0].reports >= records // 8  # a report every chunk of works written
    count = shown[0].shown  # the last report: all of it
    assert count.endswith("records") and count.split(" / ")[0] == count.split(" / ")[1].split()[0]


async def test_closing_the_progress_leaves_the_export_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        main_screen = await ready(pilot)
        screen = ExportProgress("x.yaml")
        await app.push_screen(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main_screen
        screen.reporter()(3, 10)  # a report after closing goes nowhere, harmlessly
        await settle(pilot)
