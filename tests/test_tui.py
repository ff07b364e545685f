"""Pilot tests: real key presses against the real app, on the bundled catalogue and on fixtures."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual.binding import Binding
from tui_helpers import BUNDLED, bundled_app, detail_text, ready, settle, titles, type_query

from catalog_tui.commands import CatalogCommands
from catalog_tui.core.loader import load_catalog
from catalog_tui.i18n import t
from catalog_tui.screens.help import HelpScreen
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.facet_panel import FacetPanel
from catalog_tui.widgets.group_list import GroupList
from catalog_tui.widgets.search_bar import SearchBar
from catalog_tui.widgets.works_table import WorksTable

SIZE = (140, 40)


async def test_pinyin_search_finds_su_dongpo(tmp_path: Path) -> None:
    """Typed key by key, spaces included (space also selects in the list); every other form of
    pinyin (initials, tone numbers, full width) is the engine's, tested in test_search.py."""
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "su dong po")
        assert titles(app)[0] == "你好，苏东坡"
        assert len(titles(app)) < 64


async def test_hanzi_and_traditional_search(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "蘇東坡")
        assert titles(app) == ["你好，苏东坡"]
        await pilot.press("escape")
        assert isinstance(app.focused, WorksTable)
        assert "你好，苏东坡" in detail_text(app)


async def test_campaign_tab_lists_the_travel_plan_works(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    catalog = load_catalog(BUNDLED)
    expected = {w.title for w in catalog.works if "gen-zhe-wei-duan-ju-qu-lv-xing" in w.campaigns}
    assert len(expected) > 10
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await settle(pilot)
        groups = app.screen.query_one("#groups-campaigns", GroupList)
        assert groups.choose("gen-zhe-wei-duan-ju-qu-lv-xing")
        await settle(pilot)
        assert set(titles(app, "works-campaigns")) == expected
        # The global query applies inside the tab too.
        await type_query(pilot, "sudongpo")
        assert titles(app, "works-campaigns") == ["你好，苏东坡"]


async def test_channel_tab_and_a_channel_filter_narrow_the_list(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        everything = titles(app)
        await type_query(pilot, "channel:北京卫视")
        narrowed = titles(app)
        assert 0 < len(narrowed) < len(everything)
        assert "和合之家·2025中国网络视听盛典" in narrowed
        await pilot.press("escape", "4")
        await settle(pilot)
        groups = app.screen.query_one("#groups-channels", GroupList)
        assert groups.choose("bei-jing-wei-shi")
        await settle(pilot)
        assert set(titles(app, "works-channels")) == set(narrowed)


async def test_facet_panel_includes_and_excludes(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        total = len(titles(app))
        await pilot.press("f")
        await settle(pilot)
        panel = app.screen.query_one(FacetPanel)
        assert panel.display and app.focused is panel
        # The first value under the first heading is the most common type.
        await pilot.press("down", "enter")
        await settle(pilot)
        (facet,) = app.screen.filters
        included = len(titles(app))
        assert facet.field == "type" and not facet.exclude and 0 < included < total
        await pilot.press("minus")  # the same value, now excluded
        await settle(pilot)
        assert len(titles(app)) == total - included
        await pilot.press("F")
        await settle(pilot)
        assert app.screen.filters == () and len(titles(app)) == total


async def test_selection_survives_a_restart(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("down", "space")
        await settle(pilot)
        selected = set(app.screen.selected)
    again = bundled_app(tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert set(again.screen.selected) == selected
        await pilot.press("5")
        await settle(pilot)
        assert len(titles(again, "works-selection")) == 1
        await pilot.press("A", "y")  # clearing asks first
        await settle(pilot)
        assert again.screen.selected == frozenset()


async def test_malformed_query_keeps_results_and_says_where(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "xingshi")
        good = titles(app)
        await pilot.press(*' "oops')
        await settle(pilot)
        bar = app.screen.query_one(SearchBar)
        assert bar.has_class("-error")
        assert t("query.unclosed_quote") in str(
            bar.query_one("#search-error").render()
        )  # on its own line now
        assert titles(app) == good


async def test_tabs_switch_with_number_and_bracket_keys(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for key, tab in (("3", "genres"), ("]", "channels"), ("[", "genres"), ("7", "stats"), ("1", "all")):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.active_tab == tab
        await pilot.press("6")
        await settle(pilot)
        assert "关于" in detail_text(app) or "通知" in detail_text(app) or detail_text(app)


async def test_detail_links_jump_to_the_campaign(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "sudongpo")
        await pilot.press("escape", "enter")  # focus the detail links
        await pilot.press("enter")  # the first link is the campaign
        await settle(pilot)
        assert app.screen.active_tab == "campaigns"
        assert app.screen.query_one("#groups-campaigns", GroupList).chosen == "gen-zhe-wei-duan-ju-qu-lv-xing"


async def test_sort_cycles(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.sort == "year"
        years = [app.screen.library.index.works[p].year or 0 for p in app.screen.matches]
        assert years == sorted(years, reverse=True)


async def test_help_and_palette_open(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"beijing")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.active_tab == "channels"


async def test_saved_searches_save_run_rename_delete_and_survive(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "type:documentary")
        documentaries = titles(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+u", *"docs", "enter")
        await settle(pilot)
        await type_query(pilot, "")
        assert len(titles(app)) == 64
        await pilot.press("escape", "f")  # the side panel holds the saved searches
        await settle(pilot)
        await pilot.press("shift+tab")  # from the facets up to the saved list
        await pilot.press("down", "enter")
        await settle(pilot)
        assert titles(app) == documentaries
        assert app.screen.query_one(SearchBar).value == "type:documentary"
    # After a restart the palette finds it by pinyin of its name... and the store still has it.
    again = bundled_app(tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert [s["name"] for s in again.library.store.saved_searches()] == ["docs"]
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"docs", "enter")
        await settle(pilot)
        assert titles(again) == documentaries
        await pilot.press("f")  # the saved searches are mounted when the side panel first shows
        saved_list = again.screen.query_one("#saved")
        saved_list.focus()
        await pilot.press("down", "r")
        await settle(pilot)
        await pilot.press("ctrl+u", *"jilupian", "enter")
        await settle(pilot)
        assert [s["name"] for s in again.library.store.saved_searches()] == ["jilupian"]
        await pilot.press("d", "y")  # deleting asks first
        await settle(pilot)
        assert again.library.store.saved_searches() == []


# Jumping between tabs and moving the focus are keys, not commands; every other binding is in the palette.
NAVIGATION = {"focus_search", "focus_list", "submit_search", "step_tab", "show_tab"}


async def test_every_browser_binding_is_also_a_palette_command(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        commands = CatalogCommands(app.screen)
        actions = {
            callback.args[0] for _, _, callback in commands._actions() if isinstance(callback, partial)
        }
        for binding in MainScreen.BINDINGS:
            assert isinstance(binding, Binding) and binding.description
            name = binding.action.split("(")[0]
            if name in NAVIGATION:
                continue
            assert f"screen.{name}" in actions or name.removeprefix("app.") in actions, binding
