"""The 政策 Policies tab: the catalogue's policies, events and headline figures, each with the works
it names, and below them the matching works of the highlighted one. The query's words find these
records by name, summary or pinyin; its field terms narrow their works.

The details follow the focus: the record while the table has it, the work once the works do."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ..core.library import Library
from ..core.model import Record
from ..core.records import RecordBook
from ..i18n import t
from .record_table import RecordTable
from .record_works_pane import RecordWorksPane

SECTIONS = ("policies", "events", "figures")


class PoliciesPane(RecordWorksPane):
    DEFAULT_CSS = """
    PoliciesPane > .pane-caption { height: 1; padding: 0 1; color: $text-muted; }
    PoliciesPane > RecordTable { height: 3fr; }
    PoliciesPane > WorksTable { height: 2fr; border-top: hkey $foreground 20%; }
    """

    def __init__(self, library: Library, book: RecordBook, *, id: str) -> None:
        super().__init__(library, book, id=id)
        self.caption = Static(classes="pane-caption")
        self.records = RecordTable(id=f"records-{id}")

    def compose(self) -> ComposeResult:
        yield self.caption
        yield self.records
        yield self.table

    @property
    def records_list(self) -> Widget:
        return self.records

    @property
    def listed_record(self) -> Record | None:
        return self.records.current

    def _rows(self) -> list[tuple[Record, int, int]]:
        found = self.result.found if self.result else 0
        query = self.result.query if self.result else ""
        everything = found == self.library.index.universe
        return [row for section in SECTIONS for row in self.book.listed(section, query, found, everything)]

    def show(self) -> None:
        rows = self._rows()
        total = sum(len(self.book.sections[section]) for section in SECTIONS)
        self.caption.update(Text(t("policies.caption", shown=len(rows), count=total)))
        self.records.show_records([r for r, _, _ in rows], [(m, n) for _, m, n in rows])
        self.show_works_of(self.records.current)

    def shows(self, field: str) -> bool:
        return field in ("policy", "event", "figure")

    def count(self) -> tuple[int, int, str]:
        total = sum(len(self.book.sections[section]) for section in SECTIONS)
        return len(self.records.records), total, "search.count.policies"

    def choose(self, value: str) -> bool:
        ids = [record.id for record in self.records.records]
        if value not in ids:
            return False
        self.records.move_cursor(row=ids.index(value))
        self.show_works_of(self.records.current)
        self.screen.set_focus(self.records)
        return True

    @on(RecordTable.Highlighted)
    def _highlighted_record(self, event: RecordTable.Highlighted) -> None:
        event.stop()
        self.show_works_of(self.records.current)
        self.announce()

    @on(DataTable.RowSelected)
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_works()
