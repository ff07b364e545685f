"""A list of records of one kind (campaigns, genres, channels, people, organisations) with the
number of their works that match the search, of all their works: 0 included."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..core.model import Record
from ..core.records import record_name
from ..core.text import safe_display
from .keys import ROW_KEYS


class GroupList(OptionList):
    """Highlighting a record posts Chosen; enter on it posts Opened (its works, please)."""

    BINDINGS = ROW_KEYS
    DEFAULT_CSS = "GroupList { text-wrap: nowrap; text-overflow: ellipsis; }"

    @dataclass
    class Chosen(Message):
        group_list: GroupList
        field: str
        value: str | None

        @property
        def control(self) -> GroupList:
            return self.group_list

    @dataclass
    class Opened(Message):
        group_list: GroupList

        @property
        def control(self) -> GroupList:
            return self.group_list

    def __init__(self, field: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.field = field
        self.records: list[Record] = []

    @property
    def chosen(self) -> str | None:
        record = self.current
        return record.id if record else None

    @property
    def current(self) -> Record | None:
        index = self.highlighted
        return self.records[index] if index is not None and index < len(self.records) else None

    def show_rows(self, rows: list[tuple[Record, int, int]]) -> None:
        """Replace the list with (record, matching works, all works) rows, keeping the highlighted
        record where it is still listed. The caller reads `current` afterwards; only the user's
        moves post Chosen."""
        keep = self.chosen
        self.records = [record for record, _, _ in rows]
        width = max((len(self._count(matched, total)) for _, matched, total in rows), default=0)
        self.set_options(self._prompt(record, self._count(m, n).rjust(width)) for record, m, n in rows)
        ids = [record.id for record in self.records]
        if ids:
            self.highlighted = ids.index(keep) if keep in ids else 0

    def choose(self, value: str) -> bool:
        ids = [record.id for record in self.records]
        if value in ids:
            self.highlighted = ids.index(value)
            return True
        return False

    @staticmethod
    def _count(matched: int, total: int) -> str:
        return str(matched) if matched == total else f"{matched}/{total}"

    @staticmethod
    def _prompt(record: Record, count: str) -> Option:
        # The count first, right-aligned: a long name is cut at the edge, never the number.
        text = Text(count + " ", style="dim", no_wrap=True, overflow="ellipsis")
        text.append(safe_display(record_name(record)), style="")
        return Option(text)

    @on(OptionList.OptionHighlighted)
    def _announce(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Chosen(self, self.field, self.chosen))

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Opened(self))
