"""A keystroke repaints what changed, and no more (issue 11).

A layout pass reflows the whole screen, re-renders every widget whose geometry moved and every
scroll bar, and then paints a second frame: at 100k works it was half the cost of a keystroke. The
search box and the works table no longer ask for one when only their text or count changes, and
the details pane draws a record once, when the highlighted record changes.

Layout passes are counted with the screen's public `screen_layout_refresh_signal` (published after
each pass); keys are queued as one burst, the way a fast typist meets a busy app."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from tui_helpers import bundled_app, ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.core.search import SearchEngine
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.detail_pane import DetailPane
from catalog_tui.widgets.search_input import SearchInput
from catalog_tui.widgets.works_table import WorksTable


def layout_passes(screen: Screen[object]) -> list[int]:
    """A counter, one element, of the layout passes the screen makes from now on."""
    passes = [0]

    def counted(_screen: Screen[object]) -> None:
        passes[0] += 1

    screen.screen_layout_refresh_signal.subscribe(screen, counted)
    return passes


def burst(app: CatalogApp, keys: list[tuple[str, str | None]]) -> None:
    """Queue key events at once, without waiting for any to be handled."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


async def focus_search(pilot: Pilot[None], screen: MainScreen) -> SearchInput:
    await pilot.press("slash")
    await settle(pilot)
    search = screen.query_one(SearchInput)
    assert pilot.app.focused is search
    return search


async def test_typing_in_the_search_box_asks_for_no_layout(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        search = await focus_search(pilot, screen)
        details = screen.query_one(DetailPane)
        passes = layout_passes(screen)
        draws = details.draws
        # Spaces change the text (and search again) but neither the results nor the highlighted work.
        burst(app, [("space", " ")] * 90)
        await settle(pilot)
        assert search.value == " " * 90
        # The text is wider than the box: it scrolled to keep the cursor in view, without a layout.
        assert search.scroll_x > 0 and search.scroll_x == search.max_scroll_x
        burst(app, [("backspace", None)] * 89)
        await settle(pilot)
        assert search.value == " " and search.scroll_x == 0
        assert passes[0] == 0
        assert details.draws == draws  # the same work stayed highlighted: not drawn again


async def test_a_new_count_moves_the_scroll_bar_without_a_layout(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one("#works-all", WorksTable)
        everything = list(table.positions)
        rows = table.scrollable_content_region.height
        assert len(everything) > rows + 10 and table.show_vertical_scrollbar
        passes = layout_passes(screen)
        table.positions = everything[: rows + 5]  # still more than fits: the bar stays, shorter
        await settle(pilot)
        assert passes[0] == 0
        assert table.virtual_size.height == rows + 6
        assert table.vertical_scrollbar.window_virtual_size == rows + 6
        assert table.max_scroll_y == rows + 6 - table.scrollable_content_region.height
        # Fewer works than rows: the bar goes, which is a layout change.
        table.positions = everything[:3]
        await settle(pilot)
        assert passes[0] >= 1 and not table.show_vertical_scrollbar and table.scroll_y == 0
        # Scrolled to the end, then fewer works: the view comes back within the list.
        table.positions = everything
        await settle(pilot)
        table.action_jump(-1)
        await settle(pilot)
        assert table.scroll_y == table.max_scroll_y > 0
        table.positions = everything[: rows + 2]
        await settle(pilot)
        assert table.scroll_y == table.max_scroll_y == 3  # the list and its header, less the rows
        table.positions = everything
        await settle(pilot)
        assert table.show_vertical_scrollbar
        assert table.vertical_scrollbar.window_virtual_size == len(everything) + 1


async def test_the_details_are_drawn_once_per_new_highlighted_record(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        details = screen.query_one(DetailPane)
        table = screen.query_one("#works-all", WorksTable)
        region = details.region
        draws = details.draws
        for keys, cursor in (([("down", None)], 1), ([("down", None)] * 2 + [("up", None)], 2)):
            before = details.draws
            burst(app, keys)
            await settle(pilot)
            assert table.cursor == cursor
            # At most once per record highlighted on the way (a burst may skip to the last one).
            assert 1 <= details.draws - before <= len(keys)
            assert details.record == screen.library.index.works[table.positions[cursor]]
        assert details.region == region  # a new record never moves or resizes the pane
        # The same record again (the same search, or a tab shown again) is not drawn again.
        drawn = details.draws
        screen.highlighted = details.record
        screen.run_search()
        await settle(pilot)
        assert details.draws == drawn > draws


async def test_a_burst_of_keys_searches_the_settled_query_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries: list[str] = []
    real = SearchEngine.search

    def counting(self: SearchEngine, query: str = "", **kwargs: object) -> object:
        queries.append(query)
        return real(self, query, **kwargs)  # type: ignore[arg-type]

    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await focus_search(pilot, screen)
        monkeypatch.setattr(SearchEngine, "search", counting)
        burst(app, [(character, character) for character in "sudongpo"])
        await settle(pilot)
        assert queries and queries[-1] == "sudongpo" and queries.count("sudongpo") == 1
        assert len(queries) <= len("sudongpo")
        table = screen.query_one("#works-all", WorksTable)
        assert table.positions == real(screen.library.engine, "sudongpo").positions


async def test_a_new_result_repaints_only_the_rows_that_list_another_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one("#works-all", WorksTable)
        everything = list(table.positions)
        drawn: list[int] = []
        real = table.render_line

        def counting(y: int) -> object:
            drawn.append(y)
            return real(y)

        monkeypatch.setattr(table, "render_line", counting)
        table.positions = list(everything)  # the same works (a new search for the same thing)
        await settle(pilot)
        assert drawn == []
        table.positions = everything[:10] + everything[11:]  # the 11th work went: the rest moved up
        await settle(pilot)
        rows = table.scrollable_content_region.height - 1
        assert sorted(set(drawn)) == list(range(11, rows + 1))  # lines under the header: rows 11 on


async def test_moving_the_cursor_repaints_the_two_rows_it_leaves_and_reaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one("#works-all", WorksTable)
        assert app.focused is table and table.cursor == 0
        drawn: list[int] = []
        real = table.render_line

        def counting(y: int) -> object:
            drawn.append(y)
            return real(y)

        monkeypatch.setattr(table, "render_line", counting)
        await pilot.press("down", "down")
        await settle(pilot)
        assert table.cursor == 2 and sorted(set(drawn)) == [1, 2, 3]  # lines under the header
        drawn.clear()
        await pilot.press("end")  # past the last row on screen: the table scrolls, all rows move
        await settle(pilot)
        assert table.scroll_y > 0 and len(set(drawn)) >= table.scrollable_content_region.height - 1
