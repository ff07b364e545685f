"""Helpers for Pilot tests: start the app on a catalogue, wait until a screen shows, read it."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import WorkerCancelled, WorkerState

from catalog_tui.app import CatalogApp
from catalog_tui.screens.error import ErrorScreen
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.works_table import WorksTable

BUNDLED = Path(__file__).resolve().parent.parent / "catalog.yaml"
S = TypeVar("S", bound=Screen)


async def settle(pilot: Pilot) -> None:
    """Let queued messages, debounced searches and other workers finish, then let the screen repaint.

    It waits for the work itself (message queues drained, workers done), never for a set time, so it
    takes as long as the work needs on a busy machine and no longer on a quiet one."""
    for _ in range(3):
        await pilot.pause()
        await workers_done(pilot.app)
    await pilot.pause()


async def workers_done(app: App) -> None:
    """Wait for every started worker. A cancelled one (a search replaced by a newer one, a screen's
    worker stopped as the screen closed) counts as done; a failed one raises."""
    for worker in list(app.workers):
        if worker.state is not WorkerState.PENDING:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()


async def wait_for_screen(pilot: Pilot, screen_type: type[S]) -> S:
    """Wait for the app to open (the store, the catalogue) and show `screen_type`."""
    for _ in range(50):  # each round waits for the opening worker; a handful of rounds are needed
        if isinstance(pilot.app.screen, screen_type):
            break
        await workers_done(pilot.app)
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, screen_type), f"expected {screen_type.__name__}: {screen!r}"
    await settle(pilot)
    return screen


async def ready(pilot: Pilot) -> MainScreen:
    """Wait for the store to open and the browser screen to show its first results."""
    return await wait_for_screen(pilot, MainScreen)


async def error_screen_text(pilot: Pilot) -> str:
    """Wait for the error screen, and return what it says."""
    screen = await wait_for_screen(pilot, ErrorScreen)
    return "\n".join(str(static.render()) for static in screen.query(Static))


def bundled_app(tmp_path: Path) -> CatalogApp:
    """The app on the bundled catalogue, with a store of its own in tmp_path."""
    return CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store" / "store.json"))


def detail_text(app: CatalogApp) -> str:
    return str(app.screen.query_one("#detail-body").render())


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
