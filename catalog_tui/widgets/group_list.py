"""The groups of one facet (campaigns, genres or channels) with live match counts."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..core.index import Group
from ..core.text import safe_display
from .keys import ROW_KEYS


class GroupList(OptionList):
    """Highlighting a group posts GroupList.Chosen; counts follow the current query."""

    BINDINGS = ROW_KEYS

    @dataclass
    class Chosen(Message):
        group_list: GroupList
        field: str
        value: str | None

        @property
        def control(self) -> GroupList:
            return self.group_list

    def __init__(self, field: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.field = field
        self._values: list[str] = []

    @property
    def chosen(self) -> str | None:
        index = self.highlighted
        return self._values[index] if index is not None and index < len(self._values) else None

    def show_groups(self, groups: list[tuple[Group, int]]) -> None:
        """Replace the list, keeping the highlighted group where it is still listed. The caller
        reads `chosen` afterwards; only the user's moves post Chosen."""
        keep = self.chosen
        self._values = [group.value for group, _ in groups]
        self.set_options(self._prompt(group, count) for group, count in groups)
        if self._values:
            self.highlighted = self._values.index(keep) if keep in self._values else 0

    def choose(self, value: str) -> bool:
        if value in self._values:
            self.highlighted = self._values.index(value)
            return True
        return False

    @staticmethod
    def _prompt(group: Group, count: int) -> Option:
        text = Text(safe_display(group.label), no_wrap=True, overflow="ellipsis")
        text.append(f"  {count}", style="dim")
        return Option(text)

    @on(OptionList.OptionHighlighted)
    def _announce(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Chosen(self, self.field, self.chosen))

    @on(OptionList.OptionSelected)
    def _swallow(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self, self.field, self.chosen))
