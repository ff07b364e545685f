"""A pane whose records are works in a WorksTable: the All, group and Selection tabs."""

from __future__ import annotations

from textual import on
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record
from .pane import Pane
from .works_table import WorksTable


class WorksPane(Pane):
    """Owns `table`; the work under its cursor is the pane's record."""

    def __init__(self, library: Library, table: WorksTable, *, id: str) -> None:
        super().__init__(library, id=id)
        self.table = table

    @property
    def current(self) -> Record | None:
        position = self.table.highlighted
        return None if position is None else self.library.index.works[position]

    @property
    def focus_target(self) -> Widget:
        return self.table

    def order(self) -> tuple[str, bool] | None:
        """The order the table's works are in: the result's (the table's header shows it)."""
        return (self.result.sort, self.result.reverse) if self.result else None

    def watch_result(self) -> None:
        self.table.sorted_by = self.order()
        super().watch_result()

    def watch_selected(self, selected: frozenset[int]) -> None:
        self.table.selected = selected

    def watch_show_english(self, show: bool) -> None:
        self.table.show_english = show

    @on(WorksTable.Highlighted)
    def _highlighted(self, event: WorksTable.Highlighted) -> None:
        event.stop()
        self.announce()
