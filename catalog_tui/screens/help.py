"""Every key and the query syntax, with examples, in the interface language."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.text import display_width
from ..i18n import language, t, translated

# (keys, Chinese, English): whole sentences per language, never assembled from fragments.
KEYS: list[tuple[str, str, str]] = [
    ("/", "聚焦搜索栏（Esc 或回车返回列表）", "Focus the search bar (escape or enter: back to the list)"),
    ("1 … 9, [ ]", "切换标签：全部、活动、类型、频道、已选、政策、数据、人物、机构", "Switch tab: All, Campaigns, Genres, Channels, Selection, Policies, Stats, People, Organisations"),
    ("↑ ↓ j k, PgUp PgDn, Home End", "在列表中移动", "Move in a list"),
    ("tab / shift+tab", "移动焦点：条目 → 作品 → 详情链接", "Move focus: records → works → detail links"),
    ("enter", "在条目（活动、人物、政策…）上：列出其作品；在作品上：聚焦其链接；在链接上：跳转", "On a record (campaign, person, policy…): list its works; on a work: focus its links; on a link: jump there"),
    ("l", "聚焦详情中的链接（关联的活动、人物、机构、作品），回车跳转", "Focus the links in the details (related campaigns, people, organisations, works); enter jumps"),
    ("w", "列出所选条目的作品（数据表中的数据：在政策标签中）", "List the highlighted record's works (a Stats figure: in the Policies tab)"),
    ("space", "选择或取消选择当前作品（在数据表中：选择数据）", "Select or unselect the highlighted work (in the Stats table: a figure)"),
    ("a / A", "全选当前结果 / 清空选择", "Select all current matches / clear the selection"),
    ("f / F", "筛选面板（回车或 + 包含，- 排除）/ 清除全部筛选", "Facet filters (enter or + includes, - excludes) / clear all filters"),
    ("f: + + …", "同一字段的几个值：任一即可；不同字段：同时满足", "Values of one field: any; of different fields: all"),
    ("s / S", "按拼音标题、年份或类型排序（表头 ▲▼）/ 倒序", "Sort: pinyin title, year or type (header ▲▼) / reverse"),
    ("backspace, alt+← / alt+→", "后退 / 前进：回到跳转前的标签、光标与查询，如浏览器", "Back / forward through jumps (tab, cursor, query)"),
    ("t", "在列表中显示英文标题", "Show English titles in the list"),
    ("e", "导出已选、当前结果、全部作品或已选数据（YAML、JSON、CSV）", "Export the selection, the matches, everything, or picked figures (YAML, JSON, CSV)"),
    ("ctrl+s", "把当前查询和筛选保存为命名搜索：见侧栏（f）与命令面板", "Save the query and filters by name: side panel (f) and palette"),
    ("enter / r / delete", "在保存的搜索上：运行 / 重命名 / 删除", "On a saved search: run / rename / delete it"),
    ("r", "阅读原文：当前条目的引文在文章中高亮，连同上下文", "Read the source: the record's passage, marked in its article"),
    ("c / C", "复制引文（标题、文章、作者、引文）/ 复制“编号 — 标题”", "Copy the citation (title, article, byline, passage) / copy 'id — title'"),
    ("  n / N, j k, esc", "原文中：下一段 / 上一段引文，滚动，返回", "In the source: next / previous passage, scroll, back"),
    ("L", "切换界面语言（中文 / English）", "Switch the interface language (中文 / English)"),
    ("ctrl+p", "命令面板：按名称或拼音跳到作品、活动、频道、类型；执行操作", "Command palette: jump to a work, campaign, channel or type; run actions"),
    ("?", "本帮助", "This help"),
    ("q / ctrl+q", "退出", "Quit"),
]  # fmt: skip

QUERY: list[tuple[str, str, str]] = [
    ("苏东坡  sudongpo  nhsdp  苏dp", "汉字、全拼、首字母或混合；声调与空格可有可无", "hanzi, full pinyin, initials or a mix; tones and spaces optional"),
    ("蘇東坡  你好,苏东坡", "繁体、全角半角与标点都能匹配", "traditional characters and half-/full-width punctuation fold together"),
    ("旅行 非遗", "多个词：同时匹配全部", "several words: works matching all of them"),
    ('"su dong po"', "短语：词语相连", "a phrase: the words together"),
    ("醒狮 | 阿勒泰", "任一词", "either word"),
    ("-type:documentary  -红果", "排除某个字段值或词", "exclude a field value or a word"),
    ("type:micro-drama  类型:纪录片", "按类型", "by type (genre)"),
    ("campaign:旅行  活动:跟着微短剧去旅行", "按活动；名称的一部分即可", "by campaign; part of the name is enough"),
    ("channel:北京卫视  频道:hunan", "按频道或平台", "by channel or platform"),
    ("theme:非遗  主题:乡村振兴", "按主题", "by theme"),
    ("year:2025  year:2023..2025  年份:2024..", "按年份或范围：播出年份，或片名所带年份（歌手2024）", "by year or a range: the air year, or the year a title carries (歌手2024)"),
    ("(醒狮 | 阿勒泰) -year:2023", "用括号分组", "grouping with parentheses"),
]  # fmt: skip


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 1)


def help_text() -> Text:
    column = 1 if language() == "zh" else 2
    text = Text()
    text.append(f"{t('help.keys')}\n\n", style="bold underline")
    for row in KEYS:
        text.append("  " + _pad(row[0], 30), style="bold")
        text.append(f"{row[column]}\n")
    text.append(f"\n{t('help.query')}\n\n", style="bold underline")
    for row in QUERY:
        text.append("  " + _pad(row[0], 42), style="bold")
        text.append(f"{row[column]}\n")
    text.append(f"\n{t('help.close')}", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(help_text(), id="help-text")
