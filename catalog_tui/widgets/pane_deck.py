"""The tab row and the body under it: the side panel, the visible tab's pane and the details.
Panes are composed when first shown, the side panel when first asked for; the deck keeps the tab
row, the pane and the focus together."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Tabs

from ..core.library import Library
from ..core.records import GROUP_FIELDS, RecordBook
from .all_pane import AllPane
from .pane import Pane
from .tab_bar import TabBar

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


def make_pane(name: str, library: Library, book: RecordBook) -> Pane:
    """The pane of the tab `name` (TAB_NAMES), not yet bound or mounted."""
    if name == "all":
        return AllPane(library, id=name)
    # The other tabs' classes are imported when their panes are made, after the first frame.
    from .group_pane import GroupPane
    from .policies_pane import PoliciesPane
    from .selection_pane import SelectionPane
    from .stats_pane import StatsPane

    if name in GROUP_FIELDS or name in ("people", "organisations"):
        return GroupPane(library, book, name, id=name)
    if name == "selection":
        return SelectionPane(library, id=name)
    if name == "policies":
        return PoliciesPane(library, book, id=name)
    if name == "stats":
        return StatsPane(library, id=name)
    raise ValueError(name)


class PaneDeck(Vertical):
    DEFAULT_CSS = "PaneDeck { height: 1fr; }"

    @dataclass
    class TabClicked(Message):
        """A tab was chosen on the tab row (by mouse or its own keys): the screen shows it."""

        deck: PaneDeck
        pane: Pane

        @property
        def control(self) -> PaneDeck:
            return self.deck

    def __init__(self, panes: list[Pane], details: Widget) -> None:
        # Children given here, not composed later: they mount with the deck, before the screen's
        # on_mount reads them. Only the first tab's pane now; the others when first shown. `panes`
        # is the screen's list: it holds the first tab's pane until the others are made.
        switcher = ContentSwitcher(panes[0], initial=panes[0].id, id="panes")
        self.body = Horizontal(switcher, details, id="body")
        super().__init__(TabBar(TAB_NAMES, id="tabs"), self.body)
        self.panes = panes
        self.active = panes[0]

    async def show(self, pane: Pane) -> None:
        """Show `pane` (composing it the first time), mark its tab and focus its list."""
        switcher = self.query_one(ContentSwitcher)
        if pane.parent is None:
            await switcher.mount(pane)
        self.active = pane
        switcher.current = pane.id
        self.query_one(TabBar).active = f"tab-{pane.id}"
        self.relabel()
        if (target := pane.focus_target) is not None:
            self.screen.set_focus(target)

    async def mount_side(self, side: Widget) -> None:
        """Mount the side panel left of the panes (hidden until used, it is not composed)."""
        await self.body.mount(side, before=self.query_one(ContentSwitcher))

    def relabel(self) -> None:
        self.query_one(TabBar).relabel(self.active.id or "", self.screen.size.width)

    def on_resize(self) -> None:
        self.relabel()

    def after(self, step: int) -> Pane:
        """The pane `step` tabs after the visible one, round the end."""
        return self.panes[(self.panes.index(self.active) + step) % len(self.panes)]

    def showing(self, field: str) -> Pane | None:
        """The pane whose records a jump to `field` ("work", "campaign", "person" …) lands on."""
        return next((pane for pane in self.panes if pane.shows(field)), None)

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        pane = next(p for p in self.panes if event.tab.id == f"tab-{p.id}")
        if pane is not self.active:
            self.post_message(self.TabClicked(self, pane))
