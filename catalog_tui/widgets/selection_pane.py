"""The 已选 Selection tab: the whole selection, whatever the query, in title order."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ..core.library import Library
from ..i18n import t
from .works_pane import WorksPane
from .works_table import WorksTable


class SelectionPane(WorksPane):
    DEFAULT_CSS = "SelectionPane > .pane-caption { height: 1; padding: 0 1; color: $text-muted; }"

    def __init__(self, library: Library, *, id: str) -> None:
        table = WorksTable(library.index, empty_key="list.empty_selection", id=f"works-{id}")
        super().__init__(library, table, id=id)
        self.caption = Static(classes="pane-caption")

    def compose(self) -> ComposeResult:
        yield self.caption
        yield self.table

    def show(self) -> None:
        chosen = self.selected
        order = self.library.index.orders["title"]
        self.table.positions = [p for p in order if p in chosen] if chosen else []
        matching = len(chosen & set(self.result.positions)) if self.result and chosen else 0
        self.caption.update(Text(t("selection.caption", count=f"{len(chosen):,}", matching=f"{matching:,}")))

    def order(self) -> tuple[str, bool]:
        return ("title", False)  # the selection is always in title order

    def watch_selected(self, selected: frozenset[int]) -> None:
        super().watch_selected(selected)
        if self.is_mounted:
            self.show()
