"""Where the user has been: back and forward through jumps, as a browser does.

A place is what the screen needs to show again what was left: the tab, the record under the
cursor (or its row, when the record is gone), the chosen group of a group tab, the query and
the facet filters. The screen records the place it leaves on every jump; going back records
the place it leaves on the forward stack, and a new jump forgets the way forward.
"""

from __future__ import annotations

from dataclasses import dataclass

from .search import FacetFilter

MAX_PLACES = 100  # far more than anyone walks back; keeps a long session's memory bounded


@dataclass(frozen=True, slots=True)
class Place:
    tab: str
    query: str = ""
    filters: tuple[FacetFilter, ...] = ()
    record: str | None = None  # the highlighted record's id
    row: int = 0  # the cursor's row, for when that record is no longer listed
    group: str | None = None  # the chosen campaign, genre or channel of a group tab


class History:
    def __init__(self, limit: int = MAX_PLACES) -> None:
        self.limit = limit
        self._back: list[Place] = []
        self._forward: list[Place] = []

    @property
    def can_go_back(self) -> bool:
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def visit(self, left: Place) -> None:
        """A jump away from `left`: it becomes the way back, and the way forward is forgotten."""
        self._push(self._back, left)
        self._forward.clear()

    def back(self, here: Place) -> Place | None:
        """The place to return to (None at the start), remembering `here` as the way forward."""
        if not self._back:
            return None
        self._push(self._forward, here)
        return self._back.pop()

    def forward(self, here: Place) -> Place | None:
        """The place gone back from (None when there is none), remembering `here` as the way back."""
        if not self._forward:
            return None
        self._push(self._back, here)
        return self._forward.pop()

    def _push(self, stack: list[Place], place: Place) -> None:
        if stack and stack[-1] == place:
            return  # the same place twice would take two presses to get past
        stack.append(place)
        del stack[: -self.limit]
