"""The statistics tab: bar charts of the current matches, a campaign × channel table, and the
catalogue's headline figures (which can be selected and exported)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..core.index import Group, SearchIndex
from ..core.search import SearchEngine
from ..core.text import display_width, safe_display
from ..i18n import t
from .cross_table import CrossTable
from .facet_panel import group_label
from .record_table import RecordTable

BAR = "█"
PARTIAL = " ▏▎▍▌▋▊▉"
MAX_BARS = 12
LABEL_WIDTH = 24


def bar(value: int, most: int, width: int) -> str:
    """A horizontal bar in eighths of a cell, so small differences still show."""
    eighths = round(8 * width * value / most) if most else 0
    return BAR * (eighths // 8) + (PARTIAL[eighths % 8] if eighths % 8 else "")


def _fit(label: str, width: int) -> str:
    """The label cut to leave one free column, padded to `width` terminal columns."""
    label = safe_display(label)[:width]  # at most `width` characters before trimming by cells
    while display_width(label) > width - 1:
        label = label[:-1]
    return label + " " * (width - display_width(label))


def bar_chart(title: str, pairs: list[tuple[Group, int]], width: int) -> Text:
    text = Text(f"{title}\n", style="bold")
    if not pairs:
        return text.append("  —\n", style="dim")
    shown = pairs[:MAX_BARS]
    most = max(count for _, count in shown)
    bar_width = max(width - LABEL_WIDTH - 8, 4)
    for group, count in shown:
        text.append("  " + _fit(group_label(group), LABEL_WIDTH))
        text.append(bar(count, most, bar_width), style="bold")
        text.append(f" {count}\n")
    if len(pairs) > MAX_BARS:
        text.append(f"  … +{len(pairs) - MAX_BARS}\n", style="dim")
    return text


class StatsView(VerticalScroll):
    """Everything here follows the query and filters: the screen calls `show()` with the matches."""

    _shown: tuple[SearchEngine, int, str, frozenset[str]] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="stats-charts")
        yield Static(id="stats-cross-title", classes="stats-heading")
        yield CrossTable(id="stats-cross", zebra_stripes=True, cursor_type="cell")
        yield Static(id="stats-figures-title", classes="stats-heading")
        yield RecordTable(id="records-figures")

    def on_resize(self) -> None:
        # Bars are drawn to the width: redraw them when it changes (the first layout included).
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, engine: SearchEngine, matches: int, query: str, chosen: frozenset[str]) -> None:
        """`matches` is a set of ranks (SearchResult.found)."""
        self._shown = (engine, matches, query, chosen)
        index = engine.index
        counts = engine.facet_counts(matches)
        width = max(self.size.width - 2, 40)
        charts = Text()
        for field in ("type", "campaign", "channel", "year", "theme"):
            charts.append_text(bar_chart(t(f"field.{field}"), counts[field], width))
            charts.append("\n")
        self.query_one("#stats-charts", Static).update(charts)
        self.query_one("#stats-cross-title", Static).update(Text(t("stats.cross"), style="bold"))
        self.query_one("#stats-figures-title", Static).update(Text(t("stats.figures"), style="bold"))
        self._cross_table(index, matches, counts)
        figures = self.query_one("#records-figures", RecordTable)
        figures.selected = chosen
        figures.show_records(engine.matching_figures(query))

    def _cross_table(
        self, index: SearchIndex, matched: int, counts: dict[str, list[tuple[Group, int]]]
    ) -> None:
        table = self.query_one("#stats-cross", CrossTable)
        table.clear(columns=True)
        campaigns = [g for g, _ in counts["campaign"]]
        channels = [g for g, _ in counts["channel"]]
        if not campaigns or not channels:
            table.add_column(Text("—"))
            return
        table.add_column(Text(""), key="campaign")
        for channel in channels:
            table.add_column(Text(safe_display(channel.label)), key=channel.value)
        for campaign in campaigns:
            in_campaign = campaign.members & matched
            cells = [Text(safe_display(campaign.label), style="bold")]
            for channel in channels:
                n = (in_campaign & channel.members).bit_count()
                cells.append(Text(str(n) if n else "·", justify="right", style="" if n else "dim"))
            table.add_row(*cells)
