"""The works table's columns for a width, and one row of cells drawn as a strip."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ..core.model import WORK_TYPES
from ..core.text import display_width, safe_display
from ..i18n import vocab

YEAR_WIDTH = 7  # room for the header's sort arrow beside the name (Year ▼, 年份 ▲)


def layout_columns(width: int) -> list[tuple[str, int]]:
    # The type column fits the longest type name in the interface language.
    type_width = max(display_width(vocab(labels)) for labels in WORK_TYPES.values()) + 1
    fixed = [("mark", 2), ("type", type_width), ("year", YEAR_WIDTH)]
    rest = width - sum(w for _, w in fixed)
    if width < 72:
        return [("mark", 2), ("title", max(rest, 4)), ("type", type_width), ("year", YEAR_WIDTH)]
    # The title keeps the share it had beside a 5-cell year: the arrow's cells come from the lists.
    title = (rest + YEAR_WIDTH - 5) * 45 // 100
    campaigns = (rest - title) // 2
    return [
        *fixed[:1],
        ("title", title),
        *fixed[1:],
        ("campaigns", campaigns),
        ("channels", rest - title - campaigns),
    ]


def cells_strip(cells: list[tuple[str, int]], style: Style, width: int) -> Strip:
    # One segment per column keeps columns aligned even where a renderer's font widths drift.
    segments = []
    for text, cell_width in cells:
        shown = safe_display(text)
        if cell_len(shown) > cell_width - 1 and cell_width > 2:
            shown = set_cell_size(shown, cell_width - 2) + "…"
        segments.append(Segment(set_cell_size(shown, cell_width), style))
    used = sum(cell_width for _, cell_width in cells)
    if used < width:
        segments.append(Segment(" " * (width - used), style))
    return Strip(segments, width).crop(0, width)
