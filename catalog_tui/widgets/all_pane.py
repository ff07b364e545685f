"""The 全部 All tab: every current match, ranked."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record
from .pane import Pane
from .works_table import WorksTable


class AllPane(Pane):
    def __init__(self, library: Library, *, id: str) -> None:
        super().__init__(library, id=id)
        self.table = WorksTable(library.index, id=f"works-{id}")

    def compose(self) -> ComposeResult:
        yield self.table

    @property
    def current(self) -> Record | None:
        position = self.table.highlighted
        return None if position is None else self.library.index.works[position]

    @property
    def focus_target(self) -> Widget:
        return self.table

    def show(self) -> None:
        self.table.positions = self.result.positions if self.result else []

    def watch_selected(self, selected: frozenset[int]) -> None:
        self.table.selected = selected

    def watch_show_english(self, show: bool) -> None:
        self.table.show_english = show

    def translate(self) -> None:
        self.table.refresh()

    @on(WorksTable.Highlighted)
    def _highlighted(self, event: WorksTable.Highlighted) -> None:
        event.stop()
        self.announce()
