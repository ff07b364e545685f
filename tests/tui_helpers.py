"""Helpers for Pilot tests: start the app on a catalogue and wait until the browser is ready."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input

from catalog_tui.app import CatalogApp
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.works_table import WorksTable

BUNDLED = Path(__file__).resolve().parent.parent / "catalog.yaml"


async def settle(pilot: Pilot) -> None:
    """Let debounced searches and other workers finish, then let the screen repaint. A worker
    waiting for the open dialog's answer (push_screen_wait) is not waited for."""
    for _ in range(3):
        await pilot.pause(0.05)
        asking = isinstance(pilot.app.screen, ModalScreen)
        workers = [w for w in pilot.app.workers if not (asking and w.group.endswith("dialog"))]
        if workers:  # (an empty list would mean every worker)
            await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


async def ready(pilot: Pilot) -> MainScreen:
    """Wait for the store to open and the browser screen to show its first results."""
    for _ in range(200):
        if isinstance(pilot.app.screen, MainScreen):
            break
        await pilot.pause(0.05)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen), f"the browser did not open: {screen!r}"
    await settle(pilot)
    return screen


def titles(app: CatalogApp, table_id: str = "works-all") -> list[str]:
    screen = app.screen
    table = screen.query_one(f"#{table_id}", WorksTable)
    assert table.index is not None
    return [table.index.works[p].title for p in table.positions]


async def type_query(pilot: Pilot, text: str) -> None:
    """Focus the search bar, clear it, type like a person, and wait for the results."""
    await pilot.press("slash", "ctrl+u")
    if text.isascii():
        await pilot.press(*text)
    else:
        # Hanzi arrive from an input method as committed text, not as key presses.
        search = pilot.app.screen.query_one("#search-input", Input)
        search.insert_text_at_cursor(text)
    await settle(pilot)


def screen_text(app: CatalogApp) -> str:
    """Everything on screen as plain text (what a user reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
