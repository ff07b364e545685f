"""The 数据 Stats tab: charts of the current matches and the catalogue's figures (selectable)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.reactive import var
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record
from .pane import Pane
from .record_table import RecordTable
from .stats_view import StatsView


class StatsPane(Pane):
    chosen_figures: var[frozenset[str]] = var(frozenset)
    shows_figures = True

    def __init__(self, library: Library, *, id: str) -> None:
        super().__init__(library, id=id)
        self.view = StatsView(id="stats-view")

    def compose(self) -> ComposeResult:
        yield self.view

    @property
    def current(self) -> Record | None:
        return self.view.query_one("#records-figures", RecordTable).current if self.is_mounted else None

    @property
    def focus_target(self) -> Widget:
        return self.view

    def show(self) -> None:
        found = self.result.found if self.result else 0
        query = self.result.query if self.result else ""
        self.view.show(self.library.engine, found, query, self.chosen_figures)

    def watch_chosen_figures(self) -> None:
        if self.is_mounted:
            self.show()

    @on(RecordTable.Highlighted)
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        event.stop()
        self.announce()
