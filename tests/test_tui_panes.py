"""The browser as one result flowing down into panes (issue 11): details never stale, one ordered
selection writer, destructive keys ask first, lazily composed tabs, readable status and footer."""

from __future__ import annotations

from pathlib import Path

from test_tui_typeahead import burst
from textual import events
from textual.widgets import Button, OptionList
from tui_helpers import BUNDLED, ready, screen_text, settle, titles, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.core.model import Policy, Work
from catalog_tui.screens.confirm import ConfirmScreen
from catalog_tui.screens.export_dialog import ExportDialog
from catalog_tui.screens.prompt import PromptScreen
from catalog_tui.widgets.detail_pane import DetailPane
from catalog_tui.widgets.group_list import GroupList
from catalog_tui.widgets.policies_pane import PoliciesPane
from catalog_tui.widgets.record_table import RecordTable
from catalog_tui.widgets.search_bar import SearchBar
from catalog_tui.widgets.works_table import WorksTable


def bundled_app(tmp_path: Path, language: str = "zh") -> CatalogApp:
    return CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"), language=language)


async def test_a_burst_of_toggles_leaves_the_store_equal_to_the_screen(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        for _ in range(40):  # select, step back, unselect, select again ... all queued at once
            for key in ("space", "up", "space", "up", "space"):
                app.post_message(events.Key(key, " " if key == "space" else None))
        await settle(pilot)
        assert screen.writer.wait_idle(10)
        works = screen.library.index.works
        on_screen = {works[p].id for p in screen.selected}
        assert on_screen  # the burst left something selected
        assert set(app.library.store.selected_ids()) == on_screen


async def test_clearing_the_selection_asks_and_typed_ahead_keys_never_answer(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert len(screen.selected) == 64
        burst(app, "Ay")  # the y was typed before the question was on screen
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert len(screen.selected) == 64
        await pilot.press("n")
        await settle(pilot)
        assert len(screen.selected) == 64 and app.screen is screen
        await pilot.press("A", "y")
        await settle(pilot)
        assert screen.selected == frozenset()
        assert screen.writer.wait_idle(10) and app.library.store.selected_ids() == []


async def test_saving_under_an_existing_name_asks_and_the_typed_name_is_kept(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await type_query(pilot, "type:documentary")
        await pilot.press("escape")
        app.post_message(events.Key("ctrl+s", None))
        burst(app, "docs")  # typed before the prompt had its field focused
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await settle(pilot)
        store = app.library.store
        assert [s["name"] for s in store.saved_searches()] == ["docs"]
        await type_query(pilot, "sudongpo")
        await pilot.press("escape", "ctrl+s", *"docs", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert store.saved_searches()[0]["query"] == "type:documentary"
        await pilot.press("ctrl+s", *"docs", "enter", "y")
        await settle(pilot)
        assert store.saved_searches()[0]["query"] == "sudongpo"


async def test_the_details_always_show_the_visible_tabs_record(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        details = screen.query_one(DetailPane)
        table = screen.query_one("#works-all", WorksTable)
        first = screen.library.index.works[table.highlighted]
        assert details.record == first  # at start-up: the list's work, never a policy
        assert not screen.query(PoliciesPane)  # hidden tabs are not composed yet
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(details.record, Policy)
        await pilot.press("1")
        assert details.record == first  # at once, not when the cursor next moves
        await pilot.press("6", "L", "1")
        await settle(pilot)
        assert details.record == first
        await pilot.press("down")
        await settle(pilot)
        second = screen.library.index.works[table.highlighted]
        assert isinstance(details.record, Work) and details.record == second
        await pilot.press("enter")
        await settle(pilot)
        links = screen.query_one("#detail-links", OptionList)
        assert app.focused is links and links.option_count


async def test_j_and_k_move_in_groups_links_policies_and_stats(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("3")
        await settle(pilot)
        groups = screen.query_one("#groups-genres", GroupList)  # a records tab opens on its list
        assert app.focused is groups
        await pilot.press("j", "j", "k")
        assert groups.highlighted == 1
        await pilot.press("6")
        policies = screen.query_one("#records-policies", RecordTable)
        await pilot.press("j", "j")
        assert policies.cursor_row == 2
        await pilot.press("1", "enter", "j")
        assert screen.query_one("#detail-links", OptionList).highlighted == 1
        await pilot.press("7")
        await settle(pilot)
        figures = screen.query_one("#records-figures", RecordTable)
        screen.set_focus(figures)
        await settle(pilot)
        await pilot.press("j", "j", "k")
        assert figures.cursor_row == 1


async def test_the_selection_tab_shows_the_whole_selection_and_says_so(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await pilot.press("space", "space", "space")
        await type_query(pilot, "sudongpo")
        await pilot.press("escape", "5")
        await settle(pilot)
        assert len(titles(app, "works-selection")) == 3
        assert "已选 3 部，全部列出" in screen_text(app)


async def test_sort_policies_count_and_footer_are_visible_in_english_at_120_columns(tmp_path: Path) -> None:
    app = bundled_app(tmp_path, "en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "by pinyin title" in text
        footer = text.splitlines()[-1]
        for shown in ("Save search", "Language", "Quit", "Help"):
            assert shown in footer, footer
        await pilot.press("s")
        await settle(pilot)
        assert "by year" in screen_text(app)
        await pilot.press("6")
        await settle(pilot)
        text = screen_text(app)
        assert "52 / 52 records" in text
        # Every kind reads in full: a long policy name does not push the column out of view.
        for kind in ("Opinion", "Measures", "Management tip", "Report"):
            assert kind in text, text


async def test_long_english_errors_read_in_full_with_the_caret_under_the_value(tmp_path: Path) -> None:
    app = bundled_app(tmp_path, "en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await type_query(pilot, "year:abc")
        lines = screen_text(app).splitlines()
        message = next(
            i for i, line in enumerate(lines) if "is not a year or a range like 2023..2025" in line
        )
        query_line, caret_line = lines[message + 1], lines[message + 2]
        assert caret_line.index("^") == query_line.index("abc")


async def test_at_60x20_every_tab_and_the_export_buttons_are_reachable(tmp_path: Path) -> None:
    app = bundled_app(tmp_path, "en")
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await ready(pilot)
        for n in range(1, 8):
            tab = screen.query_one(f"#tab-{screen.panes[n - 1].id}")
            assert tab.region.right <= 60 and tab.region.width > 0
            await pilot.press(str(n))
            await settle(pilot)
            assert screen.active_tab == screen.panes[n - 1].id
        await pilot.press("1", "e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        for button_id in ("#export", "#cancel"):
            button = app.screen.query_one(button_id, Button)
            button.focus()
            await settle(pilot)
            assert button.region.y >= 0 and button.region.bottom <= 20 and button.region.height > 0


async def test_the_status_stays_on_one_line_with_a_million_works(tmp_path: Path) -> None:
    app = bundled_app(tmp_path, "en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.screen.query_one(SearchBar).show_count(915, 1_000_000, 12_345, "pinyin title")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        (line,) = [n for n, text in enumerate(lines) if "1,000,000 works" in text]
        assert "by pinyin title" in lines[line]
        assert "title" not in lines[line + 1]
