"""A tab of records of one kind (campaigns, genres, channels, people, organisations) with live work
counts, and the matching works of the highlighted one.

The details follow the focus: the record while the list has it, the work once the works do."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record
from ..core.records import GROUP_FIELDS, SECTION_FIELDS, RecordBook
from .group_list import GroupList
from .record_works_pane import RecordWorksPane


class GroupPane(RecordWorksPane):
    def __init__(self, library: Library, book: RecordBook, section: str, *, id: str) -> None:
        super().__init__(library, book, id=id)
        self.section = section
        self.field = GROUP_FIELDS.get(section) or SECTION_FIELDS[section]
        self.groups = GroupList(self.field, id=f"groups-{id}")
        self._listed = 0

    def compose(self) -> ComposeResult:
        with Horizontal(classes="grouped"):
            yield self.groups
            yield self.table

    @property
    def records_list(self) -> Widget:
        return self.groups

    @property
    def listed_record(self) -> Record | None:
        return self.groups.current

    def show(self) -> None:
        index = self.library.index
        found = self.result.found if self.result else 0
        query = self.result.query if self.result else ""
        rows = self.book.listed(self.section, query, found, everything=found == index.universe)
        self._listed = len(rows)
        self.groups.show_rows(rows)
        self.show_works_of(self.groups.current)

    def shows(self, field: str) -> bool:
        return field == self.field

    def count(self) -> tuple[int, int, str]:
        return self._listed, len(self.book.sections[self.section]), f"search.count.{self.section}"

    def choose(self, value: str) -> bool:
        """Highlight a record (and show its works); False when the search does not list it."""
        if self.groups.choose(value):
            self.show_works_of(self.groups.current)
            self.screen.set_focus(self.groups)
            return True
        return False

    @on(GroupList.Chosen)
    def _chosen(self, event: GroupList.Chosen) -> None:
        event.stop()
        self.show_works_of(self.groups.current)
        self.announce()

    @on(GroupList.Opened)
    def _opened(self, event: GroupList.Opened) -> None:
        event.stop()
        self.open_works()
