"""The 政策 Policies tab: the catalogue's policies, events and headline figures, each with the works
it names, and below them the matching works of the highlighted one. The query's words find these
records by name, summary or pinyin; its field terms narrow their works.

The details follow the focus: the record while the table has it, the work once the works do."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ..core.library import Library
from ..core.model import Record
from ..core.records import RecordBook
from ..i18n import t
from .record_table import RecordTable
from .works_pane import WorksPane
from .works_table import WorksTable

SECTIONS = ("policies", "events", "figures")


class PoliciesPane(WorksPane):
    DEFAULT_CSS = """
    PoliciesPane > .pane-caption { height: 1; padding: 0 1; color: $text-muted; }
    PoliciesPane > RecordTable { height: 3fr; }
    PoliciesPane > WorksTable { height: 2fr; border-top: hkey $foreground 20%; }
    """

    def __init__(self, library: Library, book: RecordBook, *, id: str) -> None:
        super().__init__(library, WorksTable(library.index, id=f"works-{id}"), id=id)
        self.book = book
        self.caption = Static(classes="pane-caption")
        self.records = RecordTable(id=f"records-{id}")
        self._on_works = False

    def compose(self) -> ComposeResult:
        yield self.caption
        yield self.records
        yield self.table

    @property
    def current(self) -> Record | None:
        return super().current if self._on_works and self.table.positions else self.records.current

    @property
    def focus_target(self) -> Widget:
        return self.records  # escape from the works comes back to the table

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        on_works = event.widget is self.table
        if on_works != self._on_works:
            self._on_works = on_works
            self.announce()

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
        self._show_works()

    def shows(self, field: str) -> bool:
        return field in ("policy", "event", "figure")

    def count(self) -> tuple[int, int, str]:
        total = sum(len(self.book.sections[section]) for section in SECTIONS)
        return len(self.records.records), total, "search.count.policies"

    def _show_works(self) -> None:
        record = self.records.current
        if self.result is None or record is None:
            self.table.positions = []
            return
        index = self.library.index
        chosen = set(index.decode(self.book.works(record) & self.result.found))
        self.table.positions = [p for p in self.result.positions if p in chosen] if chosen else []

    def choose(self, value: str) -> bool:
        ids = [record.id for record in self.records.records]
        if value not in ids:
            return False
        self.records.move_cursor(row=ids.index(value))
        self._show_works()
        self.screen.set_focus(self.records)
        return True

    def open_works(self) -> bool:
        if self.table.positions:
            self.screen.set_focus(self.table)
        else:
            self.notify(t("works.none"), timeout=3, markup=False)
        return True

    @on(RecordTable.Highlighted)
    def _highlighted_record(self, event: RecordTable.Highlighted) -> None:
        event.stop()
        self._show_works()
        self.announce()

    @on(DataTable.RowSelected)
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_works()
