"""Terminal sizes: from 40×12 to 300×100, started at that size or resized to it in the middle of
a search, with a dialog open or not: no exception, and below 80 columns the user can still search,
read the details and export.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input
from tui_helpers import bundled_app, ready, settle, titles, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.screens.export_dialog import ExportDialog
from catalog_tui.screens.help import HelpScreen
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.detail_pane import DetailPane
from catalog_tui.widgets.works_table import WorksTable

# The smallest, the classic and a huge terminal: below 80 columns the layout is the same narrow one.
SIZES = [(40, 12), (80, 24), (300, 100)]


def visible(widget, screen_size) -> bool:
    """On screen with at least one cell: a non-empty region inside the terminal."""
    region = widget.region
    width, height = screen_size
    return region.width > 0 and region.height > 0 and region.right <= width and region.bottom <= height


def assert_usable(app: CatalogApp, size: tuple[int, int]) -> None:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    for selector in ("#search-input", "#works-all", "#details"):
        assert visible(screen.query_one(selector), size), (selector, screen.query_one(selector).region, size)
    if size[0] < 80:
        assert screen.has_class("-narrow")
        table = screen.query_one("#works-all", WorksTable)
        details = screen.query_one(DetailPane)
        assert details.region.y >= table.region.bottom  # the details sit below the list


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_every_size_can_search_read_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)
    app = bundled_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert_usable(app, size)
        await type_query(pilot, "xingshi")
        assert titles(app) == ["醒狮"]
        await pilot.press("escape")
        await settle(pilot)
        assert "醒狮" in str(app.screen.query_one("#detail-body").render())
        await pilot.press("space", "e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert visible(dialog.query_one("#export-path", Input), size)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running
    (exported,) = tmp_path.glob("catalog-export-*.yaml")
    assert "醒狮" in exported.read_text(encoding="utf-8")


async def test_resizing_in_the_middle_of_a_search_never_fails(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        for keys, size in (("xi", (40, 12)), ("ng", (300, 100)), ("sh", (60, 20)), ("i", (80, 24))):
            await pilot.press(*keys)  # the debounced search is still running when the size changes
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await settle(pilot)
        assert titles(app) == ["醒狮"]
        assert_usable(app, (80, 24))
        for size in [*SIZES, (40, 12), (300, 100), (41, 13), (79, 23), (81, 25), (109, 30), (110, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await settle(pilot)
        assert_usable(app, (110, 30))
        assert not app.screen.has_class("-narrow")


async def test_resizing_with_a_dialog_or_panel_open_never_fails(tmp_path: Path) -> None:
    """The export dialog, help, the palette and the side panel in turn, each open while the terminal
    goes to the smallest size, the largest and back."""
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        for opener, expected in (
            ("e", ExportDialog),
            ("question_mark", HelpScreen),
            ("ctrl+p", CommandPalette),
            ("f", MainScreen),
        ):
            await pilot.press(opener)
            await settle(pilot)
            opened = type(app.screen)
            if opener == "ctrl+p":
                await pilot.press(*"sudongpo")
            for size in (*SIZES, (40, 12), (120, 36)):
                await pilot.resize_terminal(*size)
                await pilot.pause()
            await settle(pilot)
            assert app.is_running and type(app.screen) is opened, opener
            assert opened is expected, opener
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen), opener


async def test_every_tab_at_the_smallest_size(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        for key in "2345671":
            await pilot.press(key)
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, MainScreen)
        await pilot.press("down", "down", "enter", "enter")
        await settle(pilot)
        assert app.is_running


async def test_the_search_field_is_wide_enough_to_type_in_at_40_columns(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        field = app.screen.query_one("#search-input", Input)
        assert field.content_region.width >= 16


@pytest.mark.parametrize("size", [(80, 24)], ids=["80x24"])
async def test_the_details_can_be_read_with_the_keyboard_below_80_columns(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await type_query(pilot, "sudongpo")
        await pilot.press("escape")
        await settle(pilot)
        details = app.screen.query_one(DetailPane)
        assert details.max_scroll_y > 0  # more to read than fits
        for _ in range(6):  # tab into the details
            await pilot.press("tab")
            if app.focused is details or (app.focused is not None and details in app.focused.ancestors):
                break
        for key, bound in (("pageup", 0), ("pagedown", details.max_scroll_y), ("pageup", 0)):
            for _ in range(30):  # a page at a time: the bound is reached well before 30 presses
                if details.scroll_y == bound:
                    break
                await pilot.press(key)
            await settle(pilot)
            assert details.scroll_y == bound, (key, details.scroll_y)


async def test_small_terminals_stay_usable(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        details = app.screen.query_one(DetailPane)
        table = app.screen.query_one("#works-all", WorksTable)
        assert details.region.y > table.region.y  # the details moved below the list
        assert table.region.height >= 3 and details.region.height >= 3
        await type_query(pilot, "xingshi")
        assert titles(app) == ["醒狮"]
        await pilot.press("escape", "space", "e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
