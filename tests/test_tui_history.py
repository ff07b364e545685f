"""Pilot tests for issue 12: back and forward through jumps, facets of one field OR'd, the sort
shown in the header and reversible, and edition years found by `year:`. Real key presses on the
bundled catalogue."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input
from tui_helpers import bundled_app, ready, screen_text, settle, titles, type_query

from catalog_tui.core.search import FacetFilter
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.facet_panel import FacetPanel
from catalog_tui.widgets.group_list import GroupList
from catalog_tui.widgets.works_table import WorksTable

SIZE = (140, 40)


def highlighted_title(app: object, table_id: str = "works-all") -> str:
    screen = app.screen  # type: ignore[attr-defined]
    table = screen.query_one(f"#{table_id}", WorksTable)
    assert table.index is not None and table.highlighted is not None
    return table.index.works[table.highlighted].title


# History ------------------------------------------------------------------------------------------


async def test_back_and_forward_restore_tab_cursor_and_query(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "type:micro-drama")
        await pilot.press("escape", "down", "down", "down")
        await settle(pilot)
        left_title, left_rows = highlighted_title(app), titles(app)
        # enter: the work's links; enter on the first link (its campaign or channel) jumps.
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert screen.active_tab != "all"
        jumped_tab = screen.active_tab
        group_id = f"groups-{jumped_tab}"
        chosen = screen.query_one(f"#{group_id}", GroupList).chosen
        assert chosen is not None

        # A new query in the meantime: Back brings the old one back with its rows and cursor.
        await type_query(pilot, "纪录片")
        chosen = screen.query_one(f"#{group_id}", GroupList).chosen  # what the new query leaves
        await pilot.press("escape", "backspace")
        await settle(pilot)
        assert screen.active_tab == "all"
        assert screen.query_text == "type:micro-drama"
        assert screen.query_one("#search-input", Input).value == "type:micro-drama"
        assert titles(app) == left_rows
        assert highlighted_title(app) == left_title
        assert isinstance(app.focused, WorksTable)

        # Forward returns to where Back was pressed: the group tab, its group, the later query.
        await pilot.press("alt+right")
        await settle(pilot)
        assert screen.active_tab == jumped_tab
        assert screen.query_one(f"#{group_id}", GroupList).chosen == chosen
        assert screen.query_text == "纪录片"

        # And back again, with alt+left this time.
        await pilot.press("alt+left")
        await settle(pilot)
        assert (screen.active_tab, screen.query_text) == ("all", "type:micro-drama")
        assert highlighted_title(app) == left_title


async def test_keys_queued_behind_back_reach_the_restored_list(tmp_path: Path) -> None:
    """Back waits for its search before the next key is handled: a burst of backspace and two
    downs, queued at once, moves two rows below the restored cursor, in the restored list."""
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "type:micro-drama")
        await pilot.press("escape", "down", "down")
        await settle(pilot)
        rows = titles(app)
        await pilot.press("enter", "enter")  # jump
        await settle(pilot)
        await type_query(pilot, "苏东坡")  # one match: a cursor set before the search ends would stick at 0
        await pilot.press("escape")
        await settle(pilot)
        for key in ("backspace", "down", "down"):
            app.post_message(events.Key(key, None))
        await settle(pilot)
        assert (screen.active_tab, screen.query_text) == ("all", "type:micro-drama")
        assert titles(app) == rows
        assert highlighted_title(app) == rows[4]


async def test_a_new_jump_forgets_the_way_forward_and_the_ends_say_so(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        said: list[str] = []
        notify = app.notify
        app.notify = lambda message, **kw: (said.append(message), notify(message, **kw))[1]  # type: ignore[method-assign,func-returns-value]
        await pilot.press("backspace")  # nothing to go back to yet
        await settle(pilot)
        assert screen.active_tab == "all" and said
        await pilot.press("enter", "enter")  # jump
        await settle(pilot)
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.history.can_go_forward
        await pilot.press("enter", "enter")  # a new jump from here
        await settle(pilot)
        assert not screen.history.can_go_forward
        said.clear()
        await pilot.press("alt+right")
        await settle(pilot)
        assert said  # nothing ahead


async def test_backspace_in_the_search_box_deletes_and_never_goes_back(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter", "enter")  # a jump, so there is a way back
        await settle(pilot)
        tab = screen.active_tab
        await pilot.press("slash", *"abc", "backspace", "backspace")
        await settle(pilot)
        assert screen.query_one("#search-input", Input).value == "a"
        assert screen.active_tab == tab and screen.history.can_go_back


async def test_a_palette_jump_can_be_undone(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("2")  # the Campaigns tab, where the jump starts
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"hongguo")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.active_tab == "channels"
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.active_tab == "campaigns"


# Facets -------------------------------------------------------------------------------------------


async def highlight(pilot: object, panel: FacetPanel, label: str) -> None:
    """Move down the panel, key by key, to the value whose text starts with `label`."""
    for _ in range(panel.option_count + 1):
        index = panel.highlighted
        if index is not None and str(panel.get_option_at_index(index).prompt).strip(" ＋－").startswith(
            label
        ):
            return
        await pilot.press("down")  # type: ignore[attr-defined]
    raise AssertionError(f"{label} is not in the facet panel")


async def test_two_genres_show_works_of_either(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        works = screen.library.index.works
        await pilot.press("f")
        await settle(pilot)
        panel = screen.query_one(FacetPanel)
        await highlight(pilot, panel, "微短剧")
        await pilot.press("enter")
        await settle(pilot)
        micro = set(titles(app))
        await highlight(pilot, panel, "网络纪录片")
        await pilot.press("enter")
        await settle(pilot)
        assert set(screen.filters) == {FacetFilter("type", "micro-drama"), FacetFilter("type", "documentary")}
        shown = set(titles(app))
        expected = {w.title for w in works if w.type in ("micro-drama", "documentary")}
        assert shown == expected and micro < shown
        # The other genres still count (one more would add them); the line groups the field.
        prompts = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert any(p.strip().startswith("网络剧") for p in prompts)
        assert "类型：微短剧 | 网络纪录片" in screen_text(app)
        # Another field narrows: AND across fields.
        await highlight(pilot, panel, "跟着微短剧去旅行")
        await pilot.press("enter")
        await settle(pilot)
        travel = "gen-zhe-wei-duan-ju-qu-lv-xing"
        both = {w.title for w in works if w.type in ("micro-drama", "documentary") and travel in w.campaigns}
        assert set(titles(app)) == both and 0 < len(both) < len(shown)


# Sort ---------------------------------------------------------------------------------------------


async def test_the_header_shows_the_sort_and_S_reverses_it(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        works = screen.library.index.works
        assert "标题 ▲" in screen_text(app)
        await pilot.press("s")  # by year: newest first
        await settle(pilot)
        newest_first = titles(app)
        text = screen_text(app)
        assert "年份 ▼" in text and "标题 ▲" not in text and "排序：年份 ▼" in text
        await pilot.press("S")
        await settle(pilot)
        assert titles(app) == newest_first[::-1]
        text = screen_text(app)
        assert "年份 ▲" in text and "排序：年份 ▲" in text
        by_title = {w.title: w for w in works}
        years = [by_title[t].year or 0 for t in titles(app)]
        assert years == sorted(years)
        await pilot.press("s")  # the next order starts its natural way round
        await settle(pilot)
        assert "类型 ▲" in screen_text(app) and not screen.reverse_sort


async def test_the_sort_arrow_follows_into_the_group_tabs(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s", "S", "3")
        await settle(pilot)
        assert "年份 ▲" in screen_text(app)


# Edition years ------------------------------------------------------------------------------------


async def test_year_finds_titles_that_carry_the_year(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "year:2024")
        found = set(titles(app))
        assert {"乘风2024", "歌手2024"} <= found
        aired = {w.title for w in screen.library.index.works if w.year == 2024}
        assert aired <= found
        await type_query(pilot, "year:2025..")
        assert "歌手2024" not in titles(app)


def test_the_main_screen_binds_back_forward_and_reverse() -> None:
    actions = {b.action for b in MainScreen.BINDINGS if hasattr(b, "action")}
    assert {"back", "forward", "reverse_sort"} <= actions
