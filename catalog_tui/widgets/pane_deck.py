"""The browser's tabs' panes, one shown at a time: each is composed when first shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import ContentSwitcher

from ..core.library import Library
from ..core.records import GROUP_FIELDS, RecordBook
from .all_pane import AllPane
from .group_pane import GroupPane
from .pane import Pane
from .policies_pane import PoliciesPane
from .selection_pane import SelectionPane
from .stats_pane import StatsPane

# The tabs in order (number keys 1 … 9); i18n "tab.<name>". New tabs go last: the keys of the
# first seven stay what users learnt.
TAB_NAMES = (
    "all",
    "campaigns",
    "genres",
    "channels",
    "selection",
    "policies",
    "stats",
    "people",
    "organisations",
)


def make_panes(library: Library, book: RecordBook) -> list[Pane]:
    panes: list[Pane] = []
    for name in TAB_NAMES:
        if name in GROUP_FIELDS or name in ("people", "organisations"):
            panes.append(GroupPane(library, book, name, id=name))
        elif name == "selection":
            panes.append(SelectionPane(library, id=name))
        elif name == "policies":
            panes.append(PoliciesPane(library, book, id=name))
        elif name == "stats":
            panes.append(StatsPane(library, id=name))
        else:
            panes.append(AllPane(library, id=name))
    return panes


class PaneDeck(ContentSwitcher):
    def __init__(self, panes: list[Pane], **kwargs: object) -> None:
        super().__init__(initial=panes[0].id, **kwargs)  # type: ignore[arg-type]
        self.panes = panes
        self.active = panes[0]

    def compose(self) -> ComposeResult:
        yield self.active  # only the first tab now; the others when first shown

    async def show(self, pane: Pane) -> None:
        if pane.parent is None:
            await self.mount(pane)
        self.active = pane
        self.current = pane.id

    def after(self, step: int) -> Pane:
        """The pane `step` tabs after the visible one, round the end."""
        return self.panes[(self.panes.index(self.active) + step) % len(self.panes)]

    def showing(self, field: str) -> Pane | None:
        """The pane whose records a jump to `field` ("work", "campaign", "person" …) lands on."""
        return next((pane for pane in self.panes if pane.shows(field)), None)
