"""The browser's first frame (issue 11) holds only what it shows: the first result is searched once,
the side panel's lists are mounted when first needed, the dialogs and the reader are imported when
first opened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_startup import ROOT, seeded_app
from tui_helpers import ready, settle

from catalog_tui.core.config import Settings
from catalog_tui.core.search import SearchEngine
from catalog_tui.widgets.facet_panel import FacetPanel
from catalog_tui.widgets.saved_list import SavedSearchList

LAZY_MODULES = {
    "catalog_tui.screens.export_dialog",
    "catalog_tui.screens.reader",
    "catalog_tui.screens.confirm",
    "catalog_tui.core.export",
    "catalog_tui.core.sources",
}


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query of every search the engine runs for a result (not SearchEngine.warm's)."""
    seen: list[str] = []
    real = SearchEngine.search

    def counting(self: SearchEngine, query: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("limit") is None:
            seen.append(query)
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(SearchEngine, "search", counting)
    return seen


@pytest.mark.parametrize("sort", [None, "year"])
async def test_the_first_result_is_searched_once(
    tmp_path: Path, searches: list[str], sort: str | None
) -> None:
    app = seeded_app(tmp_path, settings=Settings(sort=sort))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        assert searches == [""]
        assert screen.result is not None and screen.result.sort == (sort or "title")
        await pilot.press("slash", "q")
        await settle(pilot)
        assert searches == ["", "q"]
        await pilot.press("backspace")  # back to the first query: searched again, of course
        await settle(pilot)
        assert searches == ["", "q", ""]


async def test_the_side_panel_lists_are_mounted_when_first_shown(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        assert not screen.query(SavedSearchList) and not screen.query(FacetPanel)
        await pilot.press("f")
        await settle(pilot)
        panel = screen.query_one(FacetPanel)
        assert panel.display and app.focused is panel and panel.option_count > 0
        assert screen.query_one(SavedSearchList).option_count > 0


async def test_saving_a_search_before_the_side_panel_was_shown(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"qingming", "enter", "ctrl+s", *"qm", "enter")
        await settle(pilot)
        assert app.library is not None
        assert [s["name"] for s in app.library.store.saved_searches()] == ["qm"]
        saved = screen.query_one(SavedSearchList)
        assert [entry["name"] for entry in saved.saved] == ["qm"]


_PROBE = """
import asyncio, json, sys
from catalog_tui.app import CatalogApp
from catalog_tui.core.library import Library
from catalog_tui.core.store import bundled_catalog_path

async def main():
    Library.open(bundled_catalog_path(), {store!r}).close()
    app = CatalogApp(db_path={store!r})
    seen = {{}}
    async with app.run_test(size=(120, 36)) as pilot:
        while type(app.screen).__name__ != "MainScreen":
            await pilot.pause()
        await pilot.pause()
        seen["first frame"] = sorted(sys.modules)
        await pilot.press({keys})
        await pilot.pause()
        seen["after"] = sorted(sys.modules)
        seen["screen"] = type(app.screen).__name__
    print(json.dumps(seen))

asyncio.run(main())
"""


def _probe(tmp_path: Path, *keys: str) -> dict[str, Any]:
    env = {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "CATALOG_TUI_LANG": "en"}  # fmt: skip
    code = _PROBE.format(store=str(tmp_path / "store.json"), keys=", ".join(map(repr, keys)))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(run.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_dialogs_and_the_reader_load_when_first_opened(tmp_path: Path) -> None:
    export = _probe(tmp_path, "e")
    assert not set(export["first frame"]) & LAZY_MODULES
    assert export["screen"] == "ExportDialog"
    assert "catalog_tui.screens.export_dialog" in export["after"]
    reader = _probe(tmp_path, "r")
    assert reader["screen"] == "ReaderScreen"
    assert "catalog_tui.screens.reader" in reader["after"]
