"""Start-up (issue 11): the browser's first frame builds and styles only what it shows.

Only the first tab's pane is made before that frame; the other tabs' panes are made (and bound to
the screen's result) once it is painted, and each is composed when its tab is first shown. The
number of widgets at the first frame is pinned so that nothing hidden creeps back into it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import BUNDLED, ready, settle, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.core.library import Library
from catalog_tui.screens.browser import Browser
from catalog_tui.widgets.pane import Pane
from catalog_tui.widgets.pane_deck import TAB_NAMES
from catalog_tui.widgets.selection_pane import SelectionPane

# Widgets mounted under the browser at its first frame (header, search bar, tab row, the All tab's
# list, details, footer and its 10 keys …): 44 now (the side panel and the filter line come
# with their first use). Raise it only for something that frame shows.
FIRST_FRAME_WIDGETS = 44
# The other tabs' code, imported when their panes are made.
OTHER_TABS = tuple(f"catalog_tui.widgets.{name}" for name in
                   ("group_pane", "group_list", "policies_pane", "selection_pane", "stats_pane", "stats_view"))  # fmt: skip


@pytest.fixture
def app(tmp_path: Path) -> CatalogApp:
    store = tmp_path / "store.json"
    Library.open(BUNDLED, store).close()  # up to date: the browser is the first screen
    return CatalogApp(catalog_path=BUNDLED, db_path=str(store))


@pytest.fixture
def at_first_frame(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What had been made when the browser's first frame was painted."""
    for name in OTHER_TABS:  # as in a fresh interpreter (restored after the test)
        monkeypatch.delitem(sys.modules, name, raising=False)
    seen: dict[str, Any] = {}
    made: list[str] = []
    pane_init, painted = Pane.__init__, Browser._first_frame_painted

    def making(self: Pane, *args: Any, **kwargs: Any) -> None:
        made.append(kwargs["id"])
        pane_init(self, *args, **kwargs)

    def painting(self: Browser) -> None:
        seen["panes made"] = list(made)
        seen["widgets"] = len(self.query("*"))
        seen["modules"] = set(sys.modules)
        painted(self)

    monkeypatch.setattr(Pane, "__init__", making)
    monkeypatch.setattr(Browser, "_first_frame_painted", painting)
    return seen


async def test_the_first_frame_makes_one_pane_and_few_widgets(
    app: CatalogApp, at_first_frame: dict[str, Any]
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        assert at_first_frame["panes made"] == [TAB_NAMES[0]]
        assert not set(OTHER_TABS) & at_first_frame["modules"]
        assert at_first_frame["widgets"] <= FIRST_FRAME_WIDGETS
        # Made once painted, in tab order; composed only when shown.
        assert [pane.id for pane in screen.panes] == list(TAB_NAMES)
        assert [pane.is_mounted for pane in screen.panes] == [True] + [False] * (len(TAB_NAMES) - 1)


async def test_every_tab_is_reached_by_its_key_and_lists_the_current_search(app: CatalogApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "qingming")
        await pilot.press("enter")
        # A burst, not waited between: each key composes its tab before the next is handled.
        await pilot.press(*(str(n) for n in range(len(TAB_NAMES), 0, -1)))
        await settle(pilot)
        assert screen.active_tab == TAB_NAMES[0]
        assert all(pane.is_mounted for pane in screen.panes)
        assert screen.result is not None and screen.result.query == "qingming"
        for pane in screen.panes:  # bound when made: each shows the search typed before it was
            assert pane.result is screen.result
        # …and follows the next one.
        await type_query(pilot, "")
        for pane in screen.panes:
            assert pane.result is screen.result and screen.result.query == ""


async def test_a_pane_made_late_shows_the_selection(app: CatalogApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")  # select the highlighted work
        await settle(pilot)
        assert screen.selected
        await pilot.press(str(TAB_NAMES.index("selection") + 1))
        await settle(pilot)
        selection = screen.active_pane
        assert isinstance(selection, SelectionPane) and selection.selected == screen.selected
        assert set(selection.table.positions) == screen.selected


async def test_the_side_panel_and_the_filter_line_come_with_their_first_use(app: CatalogApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        assert screen.side.parent is None and screen.filter_line.parent is None
        # Queued at once: `f` mounts the panel and focuses its facets before `down enter` arrive.
        await pilot.press("f", "down", "enter")
        await settle(pilot)
        assert screen.side.display and screen.side.region.x == 0  # left of the list, as before
        assert len(screen.filters) == 1
        line = screen.filter_line
        assert line.display and line.region.y == screen.query_one("#search-bar").region.bottom
        await pilot.press("F")  # clears the filters: the line hides again
        await settle(pilot)
        assert not screen.filters and not line.display
