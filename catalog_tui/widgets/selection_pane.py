"""The 已选 Selection tab: the whole selection, whatever the query, in title order."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from ..core.library import Library
from ..core.model import Record
from ..i18n import t
from .pane import Pane
from .works_table import WorksTable


class SelectionPane(Pane):
    DEFAULT_CSS = "SelectionPane > .pane-caption { height: 1; padding: 0 1; color: $text-muted; }"

    def __init__(self, library: Library, *, id: str) -> None:
        super().__init__(library, id=id)
        self.caption = Static(classes="pane-caption")
        self.table = WorksTable(library.index, empty_key="list.empty_selection", id=f"works-{id}")

    def compose(self) -> ComposeResult:
        yield self.caption
        yield self.table

    @property
    def current(self) -> Record | None:
        position = self.table.highlighted
        return None if position is None else self.library.index.works[position]

    @property
    def focus_target(self) -> Widget:
        return self.table

    def show(self) -> None:
        chosen = self.selected
        order = self.library.index.orders["title"]
        self.table.positions = [p for p in order if p in chosen] if chosen else []
        matching = len(chosen & set(self.result.positions)) if self.result and chosen else 0
        self.caption.update(Text(t("selection.caption", count=f"{len(chosen):,}", matching=f"{matching:,}")))

    def watch_selected(self, selected: frozenset[int]) -> None:
        self.table.selected = selected
        if self.is_mounted:
            self.show()

    def watch_show_english(self, show: bool) -> None:
        self.table.show_english = show

    @on(WorksTable.Highlighted)
    def _highlighted(self, event: WorksTable.Highlighted) -> None:
        event.stop()
        self.announce()
