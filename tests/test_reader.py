"""The source reader and citations in the app: `r` opens a record's article at its passage, `n` / `N`
step through passages, escape returns to the browser as it was, `c` / `C` copy a citation or the
id and title. On a small catalogue with its own articles, and on the bundled one."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import DOC, DOCUMENTARY, SU_DONG_PO, XING_SHI, catalog_data, write_catalog
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static
from tui_helpers import bundled_app, notifications, ready, screen_text, settle, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.commands import CatalogCommands
from catalog_tui.core.citation import record_title
from catalog_tui.core.model import Campaign, Channel, Figure, Organisation, Person, Policy
from catalog_tui.core.sources import passages_of
from catalog_tui.i18n import t
from catalog_tui.screens.main import MainScreen
from catalog_tui.screens.reader import QUOTE_STYLE, ReaderScreen

FILLER = "与本条目无关的叙述，" * 8 + "到此为止。"
PASSAGE = "《重回永乐大典》《你好，苏东坡》等作品，以新技术激活文化遗产，同比增长28.4%。"
MARKUP = "方括号照原样显示：[b]markup[/b] 与 [/b]。"
ESCAPE = "控制字符\x1b[2J不能清屏。"  # shown as \x1b[2J, never sent to the terminal
SECOND = "second.txt"


def _article() -> str:
    paragraphs = ["测试用文章", *(f"第{n}段。{FILLER}" for n in range(1, 60))]
    paragraphs[20] = "由此，“跟着微短剧去旅行”创作计划与“跟着微短剧来学法”相继推出。"
    paragraphs[40] = PASSAGE
    paragraphs[41] = MARKUP
    paragraphs[39] = ESCAPE
    paragraphs[42] = "《我的阿勒泰》在北京卫视播出，《醒狮》《法在身边》在红果上线。"
    return "\n\n".join(paragraphs) + "\n"


def reader_catalog(tmp_path: Path) -> Path:
    """The fixture catalogue with its article beside it, a second article, a document without a
    text, and a quote that is not in its article."""
    data: dict[str, Any] = catalog_data()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / DOC).write_text(_article(), encoding="utf-8")
    (tmp_path / "sources" / SECOND).write_text("第二篇\n\n苏东坡的足迹遍布各地。\n", encoding="utf-8")
    data["documents"] = [
        {**data["documents"][0], "text": f"sources/{DOC}"},
        {"file": SECOND, "title": "第二篇", "byline": "新华社", "text": f"sources/{SECOND}"},
        {"file": "no-text.txt", "title": "无原文"},
    ]
    works = {work["id"]: work for work in data["works"]}
    works[SU_DONG_PO]["sources"].append({"doc": SECOND, "quote": "苏东坡的足迹"})
    works[XING_SHI]["sources"] = [{"doc": "no-text.txt", "quote": "《醒狮》"}]
    works[DOCUMENTARY]["sources"] = [{"doc": DOC, "quote": "《大美江山》"}]  # not in the article
    return write_catalog(tmp_path / "catalog.yaml", data)


def reader_app(tmp_path: Path) -> CatalogApp:
    return CatalogApp(catalog_path=reader_catalog(tmp_path), db_path=str(tmp_path / "store.json"))


async def open_on(pilot: Any, work_id: str) -> ReaderScreen:
    screen = await ready(pilot)
    await screen.jump_to("work", work_id)
    await settle(pilot)
    assert screen.highlighted is not None and screen.highlighted.id == work_id
    await pilot.press("r")
    await settle(pilot)
    reader = pilot.app.screen
    assert isinstance(reader, ReaderScreen)
    return reader


def marked(reader: ReaderScreen) -> Static:
    [paragraph] = reader.query(".paragraph.-passage").results(Static)
    return paragraph


def assert_in_view(reader: ReaderScreen, paragraph: Static) -> None:
    body = reader.query_one("#reader-body", VerticalScroll)
    assert body.region.contains_region(paragraph.region), (body.region, paragraph.region)
    middle = paragraph.region.y + paragraph.region.height / 2
    assert abs(middle - (body.region.y + body.region.height / 2)) <= 2  # centred


def emphasised(paragraph: Static) -> list[str]:
    content = paragraph.content
    assert isinstance(content, Text)
    return [content.plain[span.start : span.end] for span in content.spans if span.style == QUOTE_STYLE]


def heading(reader: ReaderScreen) -> str:
    return str(reader.query_one("#reader-heading", Static).render())


async def test_r_on_a_work_shows_its_article_scrolled_to_the_passage(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        reader = await open_on(pilot, SU_DONG_PO)
        paragraph = marked(reader)
        assert paragraph.content.plain == PASSAGE  # type: ignore[union-attr]
        assert emphasised(paragraph) == ["《你好，苏东坡》"]
        paragraphs = list(reader.query(".paragraph").results(Static))
        assert len(paragraphs) == 60 and paragraphs.index(paragraph) == 40
        assert reader.query_one("#reader-body", VerticalScroll).scroll_y > 0
        assert_in_view(reader, paragraph)
        shown = heading(reader)
        assert "你好，苏东坡" in shown and "《测试用文章》" in shown and "测试" in shown
        assert t("reader.passage", number=1, count=2) in shown
        # The article is text: brackets are not markup, an escape sequence is shown, not sent.
        shown = screen_text(pilot.app)
        assert MARKUP in shown and "控制字符\\x1b[2J不能清屏。" in shown and "\x1b" not in shown


async def test_n_and_shift_n_step_through_the_passages_and_their_articles(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        reader = await open_on(pilot, SU_DONG_PO)
        await pilot.press("n")
        await settle(pilot)
        assert reader.passage == 1 and "《第二篇》" in heading(reader) and "新华社" in heading(reader)
        assert [p.content.plain for p in reader.query(".paragraph").results(Static)] == [  # type: ignore[union-attr]
            "第二篇",
            "苏东坡的足迹遍布各地。",
        ]
        assert emphasised(marked(reader)) == ["苏东坡的足迹"]
        await pilot.press("N")
        await settle(pilot)
        assert reader.passage == 0 and emphasised(marked(reader)) == ["《你好，苏东坡》"]
        assert_in_view(reader, marked(reader))
        await pilot.press("N")  # wraps round to the last
        await settle(pilot)
        assert reader.passage == 1
        # Keys typed straight after r, while the articles are still being read, count.
        await pilot.press("escape", "r", "n")
        await settle(pilot)
        again = pilot.app.screen
        assert isinstance(again, ReaderScreen) and again is not reader and again.passage == 1
        assert emphasised(marked(again)) == ["苏东坡的足迹"]


async def test_escape_returns_to_the_browser_as_it_was(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "sudongpo")
        await pilot.press("escape")
        await settle(pilot)
        before = (screen.query_text, screen.highlighted, screen.focused, screen.active_tab)
        await pilot.press("r", "j", "n", "escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert (screen.query_text, screen.highlighted, screen.focused, screen.active_tab) == before
        await pilot.press("r", "q")  # q closes the reader, it does not quit
        await settle(pilot)
        assert pilot.app.screen is screen and pilot.app.is_running


async def test_c_copies_the_citation_and_shift_c_the_id_and_title(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        posted = notifications(pilot.app)
        reader = await open_on(pilot, SU_DONG_PO)
        pilot.app.screen.dismiss()
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert pilot.app.clipboard == (
            "你好，苏东坡 (Hello, Su Dongpo) · works/ni-hao-su-dong-po\n"
            "测试《测试用文章》(fixture_article.txt)\n"
            "“《你好，苏东坡》”\n"
            "新华社《第二篇》(second.txt)\n"
            "“苏东坡的足迹”"
        )
        assert posted[-1].message == t("reader.copied_citation", title="你好，苏东坡")
        assert posted[-1].markup is False
        await pilot.press("C")
        await settle(pilot)
        assert pilot.app.clipboard == "ni-hao-su-dong-po — 你好，苏东坡"
        # In the reader, the citation is the passage on screen.
        await pilot.press("r", "n", "c")
        await settle(pilot)
        assert pilot.app.screen is not reader and isinstance(pilot.app.screen, ReaderScreen)
        assert pilot.app.clipboard == (
            "你好，苏东坡 (Hello, Su Dongpo) · works/ni-hao-su-dong-po\n新华社《第二篇》(second.txt)\n“苏东坡的足迹”"
        )
        await pilot.press("C")
        await settle(pilot)
        assert pilot.app.clipboard == "ni-hao-su-dong-po — 你好，苏东坡"


async def test_a_quote_without_its_article_or_not_in_it_says_so(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        reader = await open_on(pilot, XING_SHI)
        assert t("reader.problem.no-text") in heading(reader) and "《醒狮》" in heading(reader)
        assert not list(reader.query(".paragraph"))
        assert reader.query_one("#reader-heading").has_class("-problem")
        await pilot.press("escape")
        reader = await open_on(pilot, DOCUMENTARY)
        assert t("reader.problem.not-found") in heading(reader)
        assert len(reader.query(".paragraph")) == 60 and not list(reader.query(".-passage"))


async def test_no_record_no_reader(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        posted = notifications(pilot.app)
        await type_query(pilot, "没有这样的作品")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.highlighted is None
        await pilot.press("r", "c", "C")
        await settle(pilot)
        assert pilot.app.screen is screen and pilot.app.clipboard == ""
        assert [n.message for n in posted] == [t("reader.no_source"), *[t("reader.nothing_to_copy")] * 2]


@pytest.mark.parametrize(
    ("tab", "kind"),
    [("7", Figure), ("6", Policy), ("2", Campaign), ("4", Channel), ("8", Person), ("9", Organisation)],
)
async def test_r_on_any_record_of_the_bundled_catalogue(tmp_path: Path, tab: str, kind: type) -> None:
    async with bundled_app(tmp_path).run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await pilot.press(tab)
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        record = screen.highlighted
        assert isinstance(record, kind) and record is not None
        await pilot.press("r")
        await settle(pilot)
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen)
        assert emphasised(marked(reader)) == [passages_of(record)[0].quote]
        assert_in_view(reader, marked(reader))
        assert record_title(record) in heading(reader)


async def test_the_reader_follows_the_interface_language(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        reader = await open_on(pilot, SU_DONG_PO)
        assert "第 1 / 2 段引文" in heading(reader) and "下一段" in screen_text(pilot.app)
        await pilot.app.run_action("toggle_language")  # as the palette's language command does
        await settle(pilot)
        assert "Passage 1 of 2" in heading(reader)
        assert "Next passage" in screen_text(pilot.app) and "下一段" not in screen_text(pilot.app)
        await pilot.app.run_action("toggle_language")
        await settle(pilot)


async def test_every_reader_key_is_described_and_in_the_palette(tmp_path: Path) -> None:
    async with reader_app(tmp_path).run_test(size=(100, 30)) as pilot:
        reader = await open_on(pilot, SU_DONG_PO)
        commands = CatalogCommands(reader)._actions()
        actions = {callback.args[0] for _, _, callback in commands if isinstance(callback, partial)}
        for binding in ReaderScreen.BINDINGS:
            assert isinstance(binding, Binding) and binding.description
            if not binding.action.startswith("scroll"):  # j / k: scrolling, like the arrows
                assert f"screen.{binding.action}" in actions, binding
        # A palette command runs in the reader.
        next_passage = next(c for n, _, c in commands if n == t("palette.next_passage"))
        await next_passage()  # type: ignore[misc]  # what the palette does: run_action, awaited
        await settle(pilot)
        assert reader.passage == 1
        browser = CatalogCommands(pilot.app.screen_stack[-2])._actions()
        assert {name for name, _, _ in browser} >= {
            t("palette.read"),
            t("palette.cite"),
            t("palette.copy_id"),
        }
        assert isinstance(pilot.app.screen_stack[-2], MainScreen)
