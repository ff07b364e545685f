"""The bilingual interface: every message in both languages, the toggle, and language choice."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from tui_helpers import BUNDLED, ready, settle, type_query

from catalog_tui import i18n
from catalog_tui.app import CatalogApp
from catalog_tui.core.query import QueryError, parse
from catalog_tui.screens.help import HelpScreen
from catalog_tui.widgets.search_bar import SearchBar

PACKAGE = Path(__file__).resolve().parent.parent / "catalog_tui"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(i18n.MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = i18n.MESSAGES[key]
    assert zh.strip() and en.strip()
    assert placeholders(zh) == placeholders(en)


@pytest.mark.parametrize(
    "query",
    ['"open', "a |", "-", "(a", "a)", "()", '""', "type:", "year:abc", "year:..", "year:2025..2023", "-|"],
)
def test_every_query_error_has_a_message_in_both_languages(query: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    error = caught.value
    assert f"query.{error.code}" in i18n.MESSAGES
    for language in i18n.LANGUAGES:
        i18n.set_language(language)
        text = i18n.query_error_text(error.message, error.code, error.params)
        assert text and "{" not in text
    i18n.set_language("zh")


def test_ui_code_has_no_untranslated_chinese_strings() -> None:
    # Interface text lives in i18n.py (and the two-column help table); catalogue data is never literal.
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("i18n.py", "help.py") or "core" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("#", '"""')) or "help=" in stripped:
                continue
            if re.search(r"[\"'][^\"']*[\u4e00-\u9fff][^\"']*[\"']", stripped):
                offenders.append(f"{path.name}:{number}: {stripped}")
    assert offenders == []


def test_key_descriptions_translate_one_to_one() -> None:
    # Descriptions are translated back and forth by text, so no two may share a translation.
    assert len(set(i18n.BINDINGS_ZH.values())) == len(i18n.BINDINGS_ZH)


def test_binding_text_round_trips() -> None:
    i18n.set_language("zh")
    assert i18n.binding_text("Export") == "导出"
    assert i18n.binding_text("导出") == "导出"
    i18n.set_language("en")
    assert i18n.binding_text("导出") == "Export"
    i18n.set_language("zh")


def test_language_choice_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CATALOG_TUI_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.detect_language(None) == "zh"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: ("de_DE", "UTF-8"))
    assert i18n.detect_language(None) == "en"
    monkeypatch.setenv("CATALOG_TUI_LANG", "zh")
    assert i18n.detect_language(None) == "zh"
    assert i18n.detect_language("en") == "en"


def footer_descriptions(app: CatalogApp) -> set[str]:
    return {binding.description for _, binding, _, _ in app.screen.active_bindings.values()}


async def test_english_interface_and_the_runtime_toggle(tmp_path: Path) -> None:
    app = CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"), language="en")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        tab = screen.query_one("#tab-campaigns")
        assert str(tab.label) == "2 Campaigns"
        assert {"Export", "Search", "Sort"} <= footer_descriptions(app)
        assert "Title" in screen.query_one("#works-all").render_line(0).text
        await type_query(pilot, '"oops')
        status = str(screen.query_one(SearchBar).query_one("#search-error").render())
        assert "this quote is never closed" in status
        await type_query(pilot, "")
        await pilot.press("escape", "L")
        await settle(pilot)
        assert str(tab.label) == "2 活动"
        assert {"导出", "搜索", "排序"} <= footer_descriptions(app)
        assert "标题" in screen.query_one("#works-all").render_line(0).text
        assert screen.query_one(SearchBar).input.placeholder.startswith("/ 搜索")
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "查询语法" in str(app.screen.query_one("#help-text").render())
        await pilot.press("escape", "L")
        await settle(pilot)
        assert str(tab.label) == "2 Campaigns"


async def test_english_titles_on_demand(tmp_path: Path) -> None:
    app = CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"), language="en")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        await type_query(pilot, "sudongpo")
        await pilot.press("escape")
        row = screen.query_one("#works-all").render_line(1).text
        assert "你好，苏东坡" in row and "Hello" not in row
        await pilot.press("t")
        await settle(pilot)
        row = screen.query_one("#works-all").render_line(1).text
        assert "你好，苏东坡 · Hello" in row
        assert "Micro-drama" in row  # the type vocabulary follows the interface language
