"""The 全部 All tab: every current match, ranked."""

from __future__ import annotations

from textual.app import ComposeResult

from ..core.library import Library
from .works_pane import WorksPane
from .works_table import WorksTable


class AllPane(WorksPane):
    def __init__(self, library: Library, *, id: str) -> None:
        super().__init__(library, WorksTable(library.index, id=f"works-{id}"), id=id)

    def compose(self) -> ComposeResult:
        yield self.table

    def show(self) -> None:
        self.table.positions = self.result.positions if self.result else []

    def shows(self, field: str) -> bool:
        return field == "work"

    def choose(self, value: str) -> bool:
        position = self.library.index.position_by_id.get(value)
        return position is not None and self.table.move_to(position)

    def translate(self) -> None:
        self.table.refresh()
