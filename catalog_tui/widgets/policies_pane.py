"""The 政策 Policies tab: the catalogue's policies and events (the query filters works only)."""

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
from .record_table import RecordTable


class PoliciesPane(Pane):
    DEFAULT_CSS = "PoliciesPane > .pane-caption { height: 1; padding: 0 1; color: $text-muted; }"

    def __init__(self, library: Library, *, id: str) -> None:
        super().__init__(library, id=id)
        self.caption = Static(classes="pane-caption")
        self.table = RecordTable(id=f"records-{id}")

    def compose(self) -> ComposeResult:
        yield self.caption
        yield self.table

    @property
    def current(self) -> Record | None:
        return self.table.current

    @property
    def focus_target(self) -> Widget:
        return self.table

    def show(self) -> None:
        # Policies do not change with the query: drawn when mounted and when the language changes.
        catalog = self.library.catalog
        records = [*catalog.policies, *catalog.events]
        self.caption.update(Text(t("policies.caption", count=len(records))))
        self.table.show_records(records)

    def watch_result(self) -> None:
        """The query does not narrow policies: nothing to redraw."""

    @on(RecordTable.Highlighted)
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        event.stop()
        self.announce()
