"""A small table of non-work records (policies, events, figures): a DataTable of plain Text, with
each record's matching works (of all its works) where the caller counts them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ..core.model import EVENT_KINDS, POLICY_KINDS, Event, Figure, Policy, Record
from ..core.text import safe_display
from ..i18n import t, vocab
from .keys import ROW_KEYS


def _cell(value: object) -> Text:
    # Text, not str: DataTable parses string cells as markup.
    return Text(safe_display(str(value)), no_wrap=True, overflow="ellipsis")


DATE_WIDTH = 10


def _count(matched: int, total: int) -> Text:
    return Text(str(matched) if matched == total else f"{matched}/{total}", style="dim" if not total else "")


class RecordTable(DataTable[Text]):
    @dataclass
    class Highlighted(Message):
        table: RecordTable
        record: Record | None

        @property
        def control(self) -> RecordTable:
            return self.table

    @dataclass
    class ToggleRequested(Message):
        """Space on a figure: select or unselect it for export."""

        table: RecordTable
        record: Record

        @property
        def control(self) -> RecordTable:
            return self.table

    BINDINGS = [Binding("space", "toggle_selected", "Select", show=False), *ROW_KEYS]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.records: list[Record] = []
        self.selected: frozenset[str] = frozenset()

    def show_records(self, records: Sequence[Record], counts: Sequence[tuple[int, int]] = ()) -> None:
        """Replace the rows, keeping the cursor on the same record where it is still listed.
        `counts`: each record's (matching works, all works), shown after the kind when given."""
        keep = self.current.id if self.current else None
        self.clear(columns=True)
        self.records = list(records)
        if records and all(isinstance(r, Figure) for r in records) and not counts:
            self.add_columns("✓", t("col.figure"), t("col.value"), t("col.period"))
            rows = [self._figure_row(r) for r in records]  # type: ignore[arg-type]
        else:
            # The short columns first: a long name must not push the kind and date out of view. A
            # figure's period can be long: the date column keeps its width and cuts it.
            self.add_column(t("col.date"), width=DATE_WIDTH)
            self.add_column(t("col.kind"))
            if counts:
                self.add_column(t("col.works"))
            self.add_columns(t("col.name"), t("col.issuer"))
            rows = [self._row(r) for r in records]
            if counts:
                rows = [(*row[:2], _count(*count), *row[2:]) for row, count in zip(rows, counts, strict=True)]
        self.add_rows(rows)
        ids = [r.id for r in self.records]
        if keep in ids:
            self.move_cursor(row=ids.index(keep))

    def _figure_row(self, figure: Figure) -> tuple[Text, ...]:
        mark = Text("✓" if figure.id in self.selected else " ", style="bold green")
        return mark, _cell(figure.label), _cell(f"{figure.value:g} {figure.unit}"), _cell(figure.period)

    def action_toggle_selected(self) -> None:
        if isinstance(record := self.current, Figure):
            self.post_message(self.ToggleRequested(self, record))

    @staticmethod
    def _row(record: Record) -> tuple[Text, ...]:
        if isinstance(record, Policy):
            kind = vocab(POLICY_KINDS.get(record.kind, (record.kind, record.kind)))
            return _cell(record.date), _cell(kind), _cell(record.name), _cell(record.issuer)
        if isinstance(record, Figure):
            value = f"{record.value:g} {record.unit}"
            return _cell(record.period), _cell(t("kind.figures")), _cell(record.label), _cell(value)
        assert isinstance(record, Event)
        kind = vocab(EVENT_KINDS.get(record.kind, (record.kind, record.kind)))
        return _cell(record.date), _cell(kind), _cell(record.name), _cell(record.place)

    @property
    def current(self) -> Record | None:
        row = self.cursor_row
        return self.records[row] if 0 <= row < len(self.records) else None

    @on(DataTable.RowHighlighted)
    def _announce(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, self.current))
