"""A tab of the browser: it renders itself from the screen's result, owns its cursor, and says
which record is highlighted with one message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from ..core.library import Library
from ..core.model import Record


@dataclass(eq=False, frozen=True)
class Matches:
    """One search result as the panes see it (a new object per search, so every search shows)."""

    positions: list[int]
    found: int  # the same works as a set of ranks (core/bits.py)
    query: str
    sort: str = "title"  # the order of `positions` (core/index.py SORTS), and whether reversed
    reverse: bool = False
    unfiltered: int = 0  # the query's matches before facet filters, for facet counts


class Pane(Vertical):
    """Subclasses compose their widgets, draw in `show()` and report `current`."""

    DEFAULT_CSS = "Pane { height: 1fr; }"

    result: var[Matches | None] = var(None)
    selected: var[frozenset[int]] = var(frozenset)
    show_english: var[bool] = var(False)
    # Bound to the screen's chosen figures too (the Stats tab).
    shows_figures: ClassVar[bool] = False

    @dataclass
    class Highlighted(Message):
        """The record under this pane's cursor changed (None when there is none)."""

        pane: Pane
        record: Record | None

        @property
        def control(self) -> Pane:
            return self.pane

    def __init__(self, library: Library, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.library = library
        self.pending: str | None = None  # a record to choose once the next search lists it

    @property
    def current(self) -> Record | None:
        return None

    @property
    def focus_target(self) -> Widget | None:
        return None

    def show(self) -> None:
        """Draw from `result`, `selected` and `show_english`."""

    def shows(self, field: str) -> bool:
        """Does a jump to `field` ("work", "campaign", "person" …) land on this tab?"""
        return False

    def choose(self, value: str) -> bool:
        """Put the cursor on the record `value` of that field; False when the search hides it."""
        return False

    def count(self) -> tuple[int, int, str] | None:
        """What the search bar counts on this tab: (shown, total, i18n key), or None for works."""
        return None

    def open_works(self) -> bool:
        """Focus the works of the highlighted record (`w`); False when this tab has none to show."""
        return False

    def translate(self) -> None:
        """Redraw labels in the interface language."""
        self.show()

    def announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    def on_mount(self) -> None:
        self.show()

    def watch_result(self) -> None:
        if self.is_mounted:
            self.show()
            if self.pending is not None and self.choose(self.pending):
                self.pending = None
