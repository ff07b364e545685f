"""A windowed list of works: it draws only the rows on screen, so 100,000 matches cost no more
than 40 (a DataTable would build a widget row per work)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..core.index import SearchIndex
from ..core.model import WORK_TYPES, Work
from ..i18n import language, t, vocab
from .works_columns import cells_strip, layout_columns

CHECK = "✓"
# Sorts whose natural order is largest first (newest year first): their arrow points down.
DESCENDING_SORTS = frozenset({"year"})


def sort_arrow(sort: str, reverse: bool) -> str:
    return "▼" if (sort in DESCENDING_SORTS) != reverse else "▲"


def sort_label(sort: str, reverse: bool) -> str:
    """The sort order in words with its arrow, for the search status."""
    return f"{t(f'sort.{sort}')} {sort_arrow(sort, reverse)}"


class _Paint(NamedTuple):
    """What every line of one paint needs (the base style walks every ancestor's CSS: once a paint)."""

    width: int
    columns: list[tuple[str, int]]
    base: Style
    top: int  # the first listed row on screen
    cursor: Style  # the cursor row's style, focused or not
    check: Style


class WorksTable(ScrollView, can_focus=True):
    """Works by position in a SearchIndex; the screen sets `positions` and binds `selected`."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("space", "toggle_selected", "Select"),
        Binding("enter", "activate", "Details", show=False),
    ]
    COMPONENT_CLASSES = {
        "works-table--header",
        "works-table--cursor",
        "works-table--cursor-blurred",
        "works-table--check",
        "works-table--empty",
    }

    # Widget's, without the layout pass: a new count moves only the scroll bar's thumb (set here),
    # unless the bar appears or goes. A layout pass on every keystroke doubled the cost of its frame.
    # Nor a repaint: the rows that changed are repainted by watch_positions. (A works table's
    # height never follows its rows: 1fr or fixed wherever it is placed.)
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)
    positions: var[list[int]] = var(list, always_update=True)
    selected: var[frozenset[int]] = var(frozenset)
    show_english: var[bool] = var(False)
    cursor: var[int] = var(0)  # repaints the two rows it leaves and reaches (watch_cursor)
    # The sort the positions are in (core/index.py SORTS) and whether reversed: the header's arrow.
    sorted_by: var[tuple[str, bool] | None] = var(None)

    @dataclass
    class Highlighted(Message):
        """The highlighted work changed (None when the list is empty)."""

        table: WorksTable
        position: int | None

        @property
        def control(self) -> WorksTable:
            return self.table

    @dataclass
    class ToggleRequested(Message):
        """The user asked to select or unselect these works."""

        table: WorksTable
        positions: list[int]

        @property
        def control(self) -> WorksTable:
            return self.table

    @dataclass
    class Activated(Message):
        """Enter on a work: the screen shows its details."""

        table: WorksTable
        position: int

        @property
        def control(self) -> WorksTable:
            return self.table

    def __init__(self, index: SearchIndex, empty_key: str = "list.empty", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.index: SearchIndex | None = index
        self.empty_key = empty_key  # an i18n key, so the text follows the interface language
        self._last_highlight: int | None = -1
        self._layout: tuple[tuple[int, str], list[tuple[str, int]]] | None = None
        self._paint: _Paint | None = None

    # State -----------------------------------------------------------------------------------

    @property
    def highlighted(self) -> int | None:
        """The position (in the index) of the work under the cursor."""
        return self.positions[self.cursor] if 0 <= self.cursor < len(self.positions) else None

    def watch_positions(self, old: list[int], positions: list[int]) -> None:
        self.virtual_size = Size(self.size.width, len(positions) + 1)
        self.cursor = min(self.cursor, max(len(positions) - 1, 0))
        self._announce()
        self._refresh_changed_rows(old, positions)

    def _refresh_changed_rows(self, old: list[int], new: list[int]) -> None:
        """Repaint only the rows on screen that now list another work: the next letter of a query
        often keeps the first rows, and a whole table written to the terminal is ~8 KB a key."""
        if old is new or not old or not new:
            self.refresh()
            return
        top = round(self.scroll_offset.y)
        width = self.size.width
        changed = [
            Region(0, line, width, 1)
            for line, row in enumerate(range(top, top + self.scrollable_content_region.height - 1), 1)
            if (old[row] if row < len(old) else None) != (new[row] if row < len(new) else None)
        ]
        if changed:
            self.refresh(*changed)

    def watch_virtual_size(self, size: Size) -> None:
        if not self.is_mounted or not self.container_size:
            return
        if self.show_vertical_scrollbar != (size.height > self.container_size.height):
            self.refresh(layout=True)  # the scroll bar appears or goes
            return
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = size.height
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def watch_selected(self) -> None:
        self.refresh()

    def watch_show_english(self) -> None:
        self.refresh()

    def watch_sorted_by(self) -> None:
        self.refresh()

    def watch_cursor(self, old: int, cursor: int) -> None:
        self._scroll_to_cursor()  # a scroll repaints every row
        self._announce()
        top = round(self.scroll_offset.y)
        lines = (row - top + 1 for row in (old, cursor))
        self.refresh(*(Region(0, line, self.size.width, 1) for line in lines if 0 < line < self.size.height))

    def _announce(self) -> None:
        position = self.highlighted
        if position != self._last_highlight:
            self._last_highlight = position
            self.post_message(self.Highlighted(self, position))

    def _scroll_to_cursor(self) -> None:
        rows_visible = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.positions) + 1)
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # Actions ---------------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        if self.positions:
            self.cursor = max(0, min(len(self.positions) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_jump(self, row: int) -> None:
        if self.positions:
            self.cursor = row % len(self.positions)

    def action_toggle_selected(self) -> None:
        if (position := self.highlighted) is not None:
            self.post_message(self.ToggleRequested(self, [position]))
            self.action_cursor(1)

    def action_activate(self) -> None:
        if (position := self.highlighted) is not None:
            self.post_message(self.Activated(self, position))

    def move_to(self, position: int) -> bool:
        """Put the cursor on a work if it is listed; True when it is."""
        try:
            self.cursor = self.positions.index(position)
        except ValueError:
            return False
        return True

    def on_click(self, event: events.Click) -> None:
        row = event.y + round(self.scroll_offset.y) - 1
        if 0 <= row < len(self.positions) and event.y >= 1:
            self.cursor = row
            if event.chain == 2:
                self.action_activate()

    # Drawing ---------------------------------------------------------------------------------

    def _columns(self, width: int) -> list[tuple[str, int]]:
        # Asked for every line drawn: remembered per width and language.
        key = (width, language())
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, layout_columns(width))
        return self._layout[1]

    def _cells(self, work: Work, selected: bool) -> dict[str, str]:
        index = self.index
        assert index is not None
        campaigns = [index.group_names("campaign", c) for c in work.campaigns]
        channels = [index.group_names("channel", c) for c in work.channels]
        return {
            "mark": CHECK if selected else " ",
            "title": f"{work.title} · {work.title_en}" if self.show_english and work.title_en else work.title,
            "type": vocab(WORK_TYPES.get(work.type, (work.type, work.type))),
            "year": str(work.year or ""),
            "campaigns": "、".join(campaigns),
            "channels": "、".join(channels),
        }

    def _paint_context(self) -> _Paint:
        width = self.scrollable_content_region.width
        base = self.rich_style
        cursor = "works-table--cursor" if self.has_focus else "works-table--cursor-blurred"
        return _Paint(
            width,
            self._columns(width),
            base,
            round(self.scroll_offset.y),
            base + self.get_component_rich_style(cursor),
            self.get_component_rich_style("works-table--check"),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint = self._paint_context()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._paint_context()
        width, columns, base = paint.width, paint.columns, paint.base
        if y == 0:
            header = self.get_component_rich_style("works-table--header")
            labels = {"mark": CHECK, **{name: t(f"col.{name}") for name, _ in columns if name != "mark"}}
            if self.sorted_by is not None and self.sorted_by[0] in labels:
                sort, reverse = self.sorted_by
                labels[sort] = f"{labels[sort]} {sort_arrow(sort, reverse)}"
            return cells_strip([(labels[name], w) for name, w in columns], base + header, width)
        row = y - 1 + paint.top
        if self.index is None or not self.positions:
            if y == 1 and self.index is not None:
                style = base + self.get_component_rich_style("works-table--empty")
                return cells_strip([(t(self.empty_key), width)], style, width)
            return Strip.blank(width, base)
        if row >= len(self.positions):
            return Strip.blank(width, base)
        position = self.positions[row]
        cells = self._cells(self.index.works[position], position in self.selected)
        style = paint.cursor if row == self.cursor else base
        segments = [(cells[name], w) for name, w in columns]
        strip = cells_strip(segments, style, width)
        if cells["mark"] == CHECK and row != self.cursor:
            strip = Strip([Segment(CHECK + " ", style + paint.check), *list(strip.crop(2, width))], width)
        return strip
