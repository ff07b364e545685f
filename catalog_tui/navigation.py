"""Moving about the browser: jumps to a record (links, the palette, w), and the places of its
navigation history (core/history.py) — read the place shown, and show a place again: its query and
filters, its tab, its group and the record under the cursor."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from textual.worker import WorkerCancelled

from .core.history import Place
from .core.model import Record
from .core.records import SECTION_FIELDS
from .i18n import t
from .widgets.pane import Pane
from .widgets.search_bar import SearchBar
from .widgets.works_pane import WorksPane

if TYPE_CHECKING:
    from .screens.main import MainScreen


def here(screen: MainScreen) -> Place:
    """What the screen shows now, as a place to come back to."""
    pane = screen.active_pane
    if pane.id is None:
        return Place("all", screen.query_text, screen.filters)
    record = pane.current
    row = pane.table.cursor if isinstance(pane, WorksPane) else 0
    return Place(pane.id, screen.query_text, screen.filters, record.id if record else None, row, _group(pane))


def _group(pane: Pane) -> str | None:
    """The record a records tab has highlighted (its works are the ones listed beside it)."""
    from .widgets.group_pane import GroupPane  # loaded with the panes, after the first frame
    from .widgets.policies_pane import PoliciesPane

    if isinstance(pane, GroupPane):
        return pane.groups.chosen
    if isinstance(pane, PoliciesPane):
        return pane.records.current.id if pane.records.current else None
    return None


async def go(screen: MainScreen, place: Place) -> None:
    """Show `place` again: the search first (its results decide the rows), then the tab and cursor."""
    if (place.query, place.filters) != (screen.query_text, screen.filters):
        screen.filters = place.filters
        screen.query_text = place.query
        screen.query_one(SearchBar).set_value(place.query)  # its echo finds the query already set
        with suppress(WorkerCancelled):  # a key typed meanwhile starts a newer search: fine
            # The result is shown now, not when the runner's message arrives: keys queued behind
            # Back must meet the restored list.
            if (matches := await screen.run_search().wait()) is not None:
                screen.result = matches
    pane = next((p for p in screen.panes if p.id == place.tab), screen.panes[0])
    await screen.show_pane(pane)
    _put_cursor(screen, pane, place)


def _put_cursor(screen: MainScreen, pane: Pane, place: Place) -> None:
    from .widgets.group_pane import GroupPane
    from .widgets.policies_pane import PoliciesPane

    if isinstance(pane, (GroupPane, PoliciesPane)) and place.group is not None:
        pane.choose(place.group)
    if isinstance(pane, WorksPane) and place.record != place.group:
        table = pane.table
        position = screen.library.index.position_by_id.get(place.record or "")
        if position is None or not table.move_to(position):
            table.cursor = min(place.row, max(len(table.positions) - 1, 0))
    screen.highlighted = pane.current


async def back(screen: MainScreen) -> None:
    if (place := screen.history.back(here(screen))) is None:
        screen.notify(t("history.start"), timeout=2, markup=False)
    else:
        await go(screen, place)


async def forward(screen: MainScreen) -> None:
    if (place := screen.history.forward(here(screen))) is None:
        screen.notify(t("history.end"), timeout=2, markup=False)
    else:
        await go(screen, place)


async def jump(screen: MainScreen, field: str, value: str) -> None:
    """MainScreen.jump_to: show the record in its tab, clearing a search that hides it."""
    pane = screen.deck.showing(field)
    if pane is None:
        return
    screen.history.visit(here(screen))  # Back (backspace) returns here
    await screen.show_pane(pane)
    if pane.choose(value):
        return
    if not screen.query_text and not screen.filters:  # nothing hides it: it is not in the catalogue
        screen.notify(t("jump.missing_work" if field == "work" else "jump.missing_group"),
                      severity="warning", markup=False)  # fmt: skip
        return
    pane.pending = value
    screen.filters = ()
    screen.query_one(SearchBar).set_value("")
    screen.notify(t("jump.cleared"), timeout=3, markup=False)


async def works_elsewhere(screen: MainScreen, record: Record) -> None:
    """The works of a record whose own tab lists them (a figure's are in the Policies tab)."""
    await jump(screen, SECTION_FIELDS[record.SECTION], record.id)
    if screen.active_pane.current == record:
        screen.active_pane.open_works()
