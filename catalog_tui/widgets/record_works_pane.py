"""A tab of records (campaigns, people, policies…) beside the matching works of the highlighted one:
the base of GroupPane and PoliciesPane.

The details follow the focus: the record while its list has it, the work once the works do."""

from __future__ import annotations

from textual import events
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record
from ..core.records import RecordBook
from ..i18n import t
from .works_pane import WorksPane
from .works_table import WorksTable


class RecordWorksPane(WorksPane):
    """Subclasses give `records_list` (the focusable list of records) and `listed_record`."""

    def __init__(self, library: Library, book: RecordBook, *, id: str) -> None:
        super().__init__(library, WorksTable(library.index, id=f"works-{id}"), id=id)
        self.book = book
        self._on_works = False

    @property
    def records_list(self) -> Widget:
        raise NotImplementedError

    @property
    def listed_record(self) -> Record | None:
        """The record highlighted in the list."""
        raise NotImplementedError

    @property
    def current(self) -> Record | None:
        return super().current if self._on_works and self.table.positions else self.listed_record

    @property
    def focus_target(self) -> Widget:
        return self.records_list  # escape from the works comes back to the list

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        on_works = event.widget is self.table
        if on_works != self._on_works:
            self._on_works = on_works
            self.announce()

    def show_works_of(self, record: Record | None) -> None:
        """List the record's works among the matches, in the matches' ranking (exact titles first)."""
        if self.result is None or record is None:
            self.table.positions = []
            return
        chosen = set(self.library.index.decode(self.book.works(record) & self.result.found))
        self.table.positions = [p for p in self.result.positions if p in chosen] if chosen else []

    def open_works(self) -> bool:
        if self.table.positions:
            self.screen.set_focus(self.table)
        else:
            self.notify(t("works.none"), timeout=3, markup=False)
        return True
