"""Every key and the query syntax, with examples."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, str]] = [
    ("/", "搜索 Focus the search bar (escape or enter: back to the list)"),
    ("1 … 7, [ ]", "切换标签 Switch tab: All, Campaigns, Genres, Channels, Selection, Policies, Figures"),
    ("↑ ↓ j k, PgUp PgDn, Home End", "移动 Move in a list"),
    ("tab / shift+tab", "焦点 Move focus: groups → works → details links"),
    ("enter", "详情 On a work: focus its links (campaigns, channels, related works); enter on a link jumps"),
    ("space", "选择 Select or unselect the highlighted work"),
    ("a / A", "全选 Select all current matches / clear the selection"),
    ("f / F", "筛选 Show the facet filters (enter or + include, - exclude) / clear all filters"),
    ("s", "排序 Sort by pinyin title, year or type"),
    ("e", "导出 Export the selection, the matches, everything, or picked figures (YAML, JSON, CSV)"),
    ("ctrl+s", "保存搜索 Save the query and filters by name: side panel (f) and palette"),
    ("enter / r / delete", "在保存的搜索上 On a saved search: run / rename / delete it"),
    ("ctrl+p", "命令 Command palette: jump to a work, campaign, channel or type; run actions"),
    ("?", "帮助 This help"),
    ("q / ctrl+q", "退出 Quit"),
]

QUERY: list[tuple[str, str]] = [
    ("苏东坡  sudongpo  nhsdp  苏dp", "hanzi, full pinyin, initials or a mix; tones and spaces optional"),
    ("蘇東坡  你好,苏东坡", "traditional characters and half-/full-width punctuation fold together"),
    ("旅行 非遗", "several words: works matching all of them"),
    ('"su dong po"', "a phrase: the words together"),
    ("醒狮 | 阿勒泰", "either word"),
    ("-type:documentary  -红果", "exclude a field value or a word"),
    ("type:micro-drama  类型:纪录片", "by type (genre)"),
    ("campaign:旅行  活动:跟着微短剧去旅行", "by campaign; part of the name is enough"),
    ("channel:北京卫视  频道:hunan", "by channel or platform"),
    ("theme:非遗  主题:乡村振兴", "by theme"),
    ("year:2025  year:2023..2025  年份:2024..", "by year or a range"),
    ("(醒狮 | 阿勒泰) -year:2023", "grouping with parentheses"),
]


def help_text() -> Text:
    text = Text()
    text.append("按键 Keys\n\n", style="bold underline")
    for keys, meaning in KEYS:
        text.append(f"  {keys:<30}", style="bold")
        text.append(f"{meaning}\n")
    text.append("\n查询语法 Query syntax\n\n", style="bold underline")
    for example, meaning in QUERY:
        text.append(f"  {example:<40}", style="bold")
        text.append(f"{meaning}\n")
    text.append("\nescape / q / ? 关闭 close", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "关闭 Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(help_text(), id="help-text")
