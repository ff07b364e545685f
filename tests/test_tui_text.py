"""Hostile text in the TUI: shown literally or neutralised, never run, never drawn raw.

The hostile catalogue (tests/data/hostile/hostile-text.yaml, see conftest.py) puts console markup
(`[b]`, `[/]`, `[red]`, `[@click=app.quit]`, `[link=…]`), ESC sequences (retitle the terminal, clear
the screen, move the cursor), C1 controls, bidi overrides, zero-width characters, emoji and
ambiguous-width symbols in every kind of field, and `hostile_data()` adds 10,000-character fields.
Every widget must show it literally or neutralised (through safe_display, tested first), no action
may fire, and the columns must hold. What the CLI prints is tested in test_cli.py, exports of
hostile text in test_export.py and hostile queries in test_search.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import HOSTILE, LONG, MARKUP_TITLE, assert_clean, dump_catalog, write_catalog
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, OptionList
from tui_helpers import detail_text, notifications, ready, screen_text, settle, titles, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.core.model import WORK_TYPES
from catalog_tui.core.store import Store
from catalog_tui.core.text import display_width, safe_display
from catalog_tui.screens.export_dialog import ExportDialog
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets import stats_view
from catalog_tui.widgets.group_list import GroupList
from catalog_tui.widgets.works_table import WorksTable

# The CLI messages these tests read are the English ones.
pytestmark = pytest.mark.usefixtures("english")

SIZE = (160, 50)


def hostile_app(hostile_file: Path, tmp_path: Path) -> CatalogApp:
    return CatalogApp(catalog_path=hostile_file, db_path=str(tmp_path / "store" / "store.json"))


def option_texts(option_list: OptionList) -> list[str]:
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


# safe_display, the one function every widget uses ------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # retitle the terminal
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear the screen, cursor home
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("a\x00b\x7fc", "a\\x00b\\x7fc"),
        ("\u202eevil\u202c", "\ufffdevil\ufffd"),  # bidi override
        ("\u2066x\u2069", "\ufffdx\ufffd"),  # bidi isolate
        ("a\u200bb\u200dc\u2060d\ufeff", "a\ufffdb\ufffdc\ufffdd\ufffd"),  # zero-width
        ("soft\xadhyphen", "soft\ufffdhyphen"),
        ("line\u2028sep\u2029para", "line sep para"),  # would break a row
        ("tab\there\nnew\rline", "tab here new\\x0dline"),
        ("[b]x[/b] [@click=app.quit]", "[b]x[/b] [@click=app.quit]"),  # markup is plain text here
        ("🎬 ① 汉字 ＡＢＣ", "🎬 ① 汉字 ＡＢＣ"),  # printable text is left alone
    ],
)
def test_safe_display_neutralises_hostile_characters(raw: str, shown: str) -> None:
    assert safe_display(raw) == shown
    assert_clean(safe_display(raw))


def test_safe_display_keeps_lines_when_asked() -> None:
    assert safe_display("a\nb\u2028c\x1b", single_line=False) == "a\nb\nc\\x1b"


# The browser ------------------------------------------------------------------------------------


async def test_markup_in_titles_is_shown_literally_and_never_runs(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "catalog.yaml")
    app = CatalogApp(catalog_path=catalog, db_path=str(tmp_path / "store.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "click")
        assert titles(app) == [MARKUP_TITLE]
        await pilot.press("escape")
        table = app.screen.query_one("#works-all", WorksTable)
        assert MARKUP_TITLE in table.render_line(1).text
        assert MARKUP_TITLE in detail_text(app)
        await pilot.press("enter", "enter")  # focus the links, open the first
        await settle(pilot)
        assert app.is_running


async def test_the_works_list_shows_hostile_titles_literally_and_keeps_its_columns(
    hostile_file: Path, tmp_path: Path
) -> None:
    app = hostile_app(hostile_file, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        table = screen.query_one("#works-all", WorksTable)
        width = table.scrollable_content_region.width
        rows = [table.render_line(y) for y in range(len(table.positions) + 1)]
        for strip in rows:
            assert_clean(strip.text, "works row")
            assert strip.cell_length == width  # emoji, ①, 10,000 characters: every row fits exactly
        texts = [strip.text for strip in rows]
        assert any("[b]粗体[/b] [@click=app.quit" in text for text in texts)
        assert any("\\x1b]0;pwned\\x07" in text for text in texts)
        assert any("🎬 表情 ①②③" in text for text in texts)
        # The type column starts at the same cell in every row, whatever the title held.
        columns = table._columns(width)
        names = [name for name, _ in columns]
        start = sum(w for _, w in columns[: names.index("type")])
        end = start + columns[names.index("type")][1]
        for y, strip in enumerate(rows[1:], 1):
            work = table.index.works[table.positions[y - 1]]
            assert strip.crop(start, end).text.strip() in WORK_TYPES[work.type], strip.text
        assert app.is_running


async def test_the_detail_pane_shows_every_field_literally(hostile_file: Path, tmp_path: Path) -> None:
    app = hostile_app(hostile_file, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        table = screen.query_one("#works-all", WorksTable)
        seen: dict[str, str] = {}
        for row in range(len(table.positions)):
            table.cursor = row
            await settle(pilot)
            work = table.index.works[table.positions[row]]
            text = detail_text(app)
            assert_clean(text, f"details of {work.id}")
            seen[work.id] = text
            links = screen.query_one("#detail-links", OptionList)
            for prompt in option_texts(links):
                assert_clean(prompt, "detail link")
        markup = seen["markup"]
        for literal in ("[b]粗体[/b]", "[@click=app.quit]退出[/]", "[link=https://example.com]链接[/link]",
                        "[/] [on red]closing tags[/on red]", "[@click=app.bell]铃[/]", "[dim]暗[/dim]",
                        "[@click=screen.export]导出[/]", "[b]活动[/b]", "[red]doc[/].md", "\\x1b[31m红色\\x1b[0m",
                        "\\x1b]0;pwned\\x07", "\\x9b31m"):  # fmt: skip
            assert literal in markup, literal
        assert "\ufffdevil.exe\ufffd" in seen["bidi"]
        assert "开头" in seen["long"] and "[b]结尾[/b]" in seen["long"]
        assert len(seen["long"]) > 5 * LONG  # shown whole, not cut
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_group_lists_facets_and_record_tables_show_hostile_names_literally(
    hostile_file: Path, tmp_path: Path
) -> None:
    app = hostile_app(hostile_file, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        for key, tab in (("2", "campaigns"), ("3", "genres"), ("4", "channels")):
            await pilot.press(key)
            await settle(pilot)
            prompts = option_texts(screen.query_one(f"#groups-{tab}", GroupList))
            assert prompts
            for prompt in prompts:
                assert_clean(prompt, tab)
            assert_clean(screen_text(app), f"tab {tab}")
        await pilot.press("2")
        await settle(pilot)
        assert any("[b]活动[/b]\\x1b]0;pwned\\x07 [@click=app.quit]" in p for p in option_texts(
            screen.query_one("#groups-campaigns", GroupList)))  # fmt: skip
        await pilot.press("1", "f")
        await settle(pilot)
        facets = option_texts(screen.query_one("#facets", OptionList))
        assert any("频道\\x1b[2J[@click=app.quit]x[/]" in f for f in facets)
        for prompt in facets:
            assert_clean(prompt, "facet")
        await pilot.press("down", "down", "enter")  # include a facet value: the filter line shows it
        await settle(pilot)
        assert_clean(screen_text(app), "facet filter line")
        await pilot.press("F", "f", "6")
        await settle(pilot)
        text = screen_text(app)
        assert "政策 [red]红[/red] \\x1b[5m闪" in text
        assert "会议\ufffd反向" in text
        assert_clean(text, "policies")
        await pilot.press("down")
        await settle(pilot)
        assert_clean(detail_text(app), "event details")
        await pilot.press("question_mark")
        await settle(pilot)
        assert_clean(screen_text(app), "help")
        assert app.is_running


async def test_the_stats_tab_shows_hostile_names_literally(tmp_path: Path) -> None:
    app = CatalogApp(catalog_path=HOSTILE, db_path=str(tmp_path / "store" / "store.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("7")
        await settle(pilot)
        text = screen_text(app)
        assert "[b]活动[/b]\\x1b]0;pwned" in text and "频道\\x1b[2J[@click=app.quit]" in text
        assert_clean(text, "stats")
        for table in app.screen.query("#stats-view DataTable"):
            for y in range(table.row_count + 1):
                assert_clean(table.render_line(y).text, "stats table")
        assert app.is_running


async def test_the_stats_tab_cuts_a_very_long_campaign_name_without_measuring_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 6,000-character name is cut to its label column, and only ever measured a column's worth
    at a time (measuring it whole, character by character, froze the tab)."""
    measured: list[int] = []

    def measuring(text: str) -> int:
        measured.append(len(text))
        return display_width(text)

    monkeypatch.setattr(stats_view, "display_width", measuring)
    data = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
    data["campaigns"][0]["name"] = "活" * 6_000
    path = tmp_path / "long-name.yaml"
    path.write_text(dump_catalog(data), encoding="utf-8")
    app = CatalogApp(catalog_path=path, db_path=str(tmp_path / "store" / "store.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("7")
        await settle(pilot)
        charts = str(app.screen.query_one("#stats-charts").render())
        cut = "活" * ((stats_view.LABEL_WIDTH - 1) // 2)  # wide characters, one column left free
        assert cut in charts and cut + "活" not in charts
        assert measured and max(measured) <= stats_view.LABEL_WIDTH
        assert app.is_running


async def test_enter_and_clicks_on_everything_fire_no_action(tmp_path: Path) -> None:
    """`[@click=app.quit]` and `[@click=screen.export]` in the data must stay text: click across
    every work's row and details, press enter on every work and on every one of its links."""
    app = CatalogApp(catalog_path=HOSTILE, db_path=str(tmp_path / "store" / "store.json"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        table = screen.query_one("#works-all", WorksTable)
        body = screen.query_one("#detail-body")
        links = screen.query_one("#detail-links", OptionList)
        jumps, followed = 0, set()
        for row in range(len(table.positions)):
            await pilot.press("1")
            await pilot.pause()
            table.focus()
            table.cursor = row
            await pilot.pause()
            await pilot.click(table, offset=(10, row + 1))
            for dy in range(0, min(body.region.height, 24), 4):  # click across the details text
                await pilot.click(body, offset=(1 + (dy * 7) % 40, dy))
            await pilot.press("enter")  # focus the links
            targets = option_texts(links)
            for link in range(links.option_count):
                if targets[link] in followed:
                    continue
                followed.add(targets[link])
                if jumps:
                    await pilot.press("1")
                    await pilot.pause()
                    table.focus()
                    table.cursor = row
                    await pilot.pause()
                    await pilot.press("enter")
                links.highlighted = link
                await pilot.press("enter")  # jump
                await pilot.pause()
                jumps += 1
                assert app.is_running and app.screen is screen, (row, link)
        await settle(pilot)
        assert jumps >= 6
        assert app.is_running and app.screen is screen
        assert not [s for s in app.screen_stack if isinstance(s, ExportDialog)]


async def test_the_palette_shows_hostile_names_literally(hostile_file: Path, tmp_path: Path) -> None:
    app = hostile_app(hostile_file, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for query, expected in (("huodong", "[b]活动[/b]\\x1b]0;pwned\\x07"), ("pwned", "标题\\x1b]0;pwned\\x07"),
                                ("evil", "双向\ufffdevil.exe\ufffd")):  # fmt: skip
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press(*query)
            await settle(pilot)
            text = screen_text(app)
            assert expected in text, (query, text[:2000])
            assert_clean(text, f"palette {query}")
            await pilot.press("enter")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, MainScreen)


def app_with_saved_searches(catalog: Path, tmp_path: Path, searches: dict[str, str]) -> CatalogApp:
    """The app on `catalog`, with a store that already holds these saved searches (name: query)."""
    db = tmp_path / "store" / "store.json"
    db.parent.mkdir()
    store = Store(db)
    for name, query in searches.items():
        store.save_search(name, query)
    store.close()
    return CatalogApp(catalog_path=catalog, db_path=str(db))


async def test_notifications_and_saved_searches_show_hostile_text_literally(
    hostile_file: Path, tmp_path: Path
) -> None:
    app = app_with_saved_searches(hostile_file, tmp_path, {"[b]粗[/b]\x1b]0;pwned\x07名": "pwned"})
    notes = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f")  # the side panel lists the saved searches
        await settle(pilot)
        saved = option_texts(screen.query_one("#saved", OptionList))
        assert any("[b]粗[/b]\\x1b]0;pwned\\x07名" in s for s in saved)
        for entry in saved:
            assert_clean(entry, "saved search")
        await pilot.press("s", "a")
        await type_and_save(pilot, "[@click=app.quit]名字[/]")
        texts = [str(n.message) for n in notes]
        assert any("[@click=app.quit]名字[/]" in m for m in texts), texts
        assert_clean(screen_text(app), "notifications")
        assert app.is_running


async def type_and_save(pilot, name: str) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    prompt = pilot.app.screen.query_one(Input)
    prompt.value = name
    await pilot.press("enter")
    await settle(pilot)


async def test_a_saved_query_with_markup_is_shown_literally_in_the_palette(
    hostile_file: Path, tmp_path: Path
) -> None:
    app = app_with_saved_searches(
        hostile_file, tmp_path, {"括号": "[@click=app.quit]x[/] [red]y", "斜杠": "[/]"}
    )
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"kuohao")
        await settle(pilot)
        assert "[@click=app.quit]x[/] [red]y" in screen_text(app)
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        await pilot.press(*"xiegang")
        await settle(pilot)
        assert app.is_running and "[/]" in screen_text(app)


async def test_a_pasted_query_with_escape_sequences_is_not_drawn_raw(
    hostile_file: Path, tmp_path: Path
) -> None:
    app = hostile_app(hostile_file, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash")
        screen.query_one("#search-input", Input).post_message(events.Paste("pwned \x1b]0;pwned\x07 \x1b[2J"))
        await settle(pilot)
        assert_clean(screen_text(app), "search bar")
        assert app.is_running
