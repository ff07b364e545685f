"""A tab of records of one kind (campaigns, genres, channels, people, organisations) with live work
counts, and the matching works of the highlighted one.

The details follow the focus: the record while the list has it, the work once the works do."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record
from ..core.records import GROUP_FIELDS, SECTION_FIELDS, RecordBook
from ..i18n import t
from .group_list import GroupList
from .works_pane import WorksPane
from .works_table import WorksTable


class GroupPane(WorksPane):
    def __init__(self, library: Library, book: RecordBook, section: str, *, id: str) -> None:
        super().__init__(library, WorksTable(library.index, id=f"works-{id}"), id=id)
        self.book = book
        self.section = section
        self.field = GROUP_FIELDS.get(section) or SECTION_FIELDS[section]
        self.groups = GroupList(self.field, id=f"groups-{id}")
        self._on_works = False
        self._listed = 0

    def compose(self) -> ComposeResult:
        with Horizontal(classes="grouped"):
            yield self.groups
            yield self.table

    @property
    def current(self) -> Record | None:
        return super().current if self._on_works and self.table.positions else self.groups.current

    @property
    def focus_target(self) -> Widget:
        return self.groups  # escape from the works comes back to the list

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        on_works = event.widget is self.table
        if on_works != self._on_works:
            self._on_works = on_works
            self.announce()

    def show(self) -> None:
        index = self.library.index
        found = self.result.found if self.result else 0
        query = self.result.query if self.result else ""
        rows = self.book.listed(self.section, query, found, everything=found == index.universe)
        self._listed = len(rows)
        self.groups.show_rows(rows)
        self._show_group(self.groups.current)

    def shows(self, field: str) -> bool:
        return field == self.field

    def count(self) -> tuple[int, int, str]:
        return self._listed, len(self.book.sections[self.section]), f"search.count.{self.section}"

    def _show_group(self, record: Record | None) -> None:
        index = self.library.index
        if self.result is None or record is None:
            self.table.positions = []
            return
        # Keep the matches' ranking (exact titles first): filter the list, not the set.
        chosen = set(index.decode(self.book.works(record) & self.result.found))
        self.table.positions = [p for p in self.result.positions if p in chosen] if chosen else []

    def choose(self, value: str) -> bool:
        """Highlight a record (and show its works); False when the search does not list it."""
        if self.groups.choose(value):
            self._show_group(self.groups.current)
            self.screen.set_focus(self.groups)
            return True
        return False

    def open_works(self) -> bool:
        if self.table.positions:
            self.screen.set_focus(self.table)
        else:
            self.notify(t("works.none"), timeout=3, markup=False)
        return True

    @on(GroupList.Chosen)
    def _chosen(self, event: GroupList.Chosen) -> None:
        event.stop()
        self._show_group(self.groups.current)
        self.announce()

    @on(GroupList.Opened)
    def _opened(self, event: GroupList.Opened) -> None:
        event.stop()
        self.open_works()
