"""Helpers for Pilot tests: start the app on a catalogue, wait until a screen shows, read it."""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path
from typing import TypeVar

from rich.cells import cell_len
from textual.app import App
from textual.notifications import Notification, SeverityLevel
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static
from textual.worker import WorkerCancelled, WorkerState

from catalog_tui.app import CatalogApp
from catalog_tui.screens.error import ErrorScreen
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets.works_table import WorksTable

BUNDLED = Path(__file__).resolve().parent.parent / "catalog.yaml"
S = TypeVar("S", bound=Screen)
# Rich's SVG export: one <text> per run of text, at x = column × cell width, clipped to its line;
# each line's clip rectangle is the terminal's width.
_TEXT_RUN = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>'
)
_CLIP_WIDTH = re.compile(r'<clipPath id="[^"]*-line-0">\s*<rect x="0" y="[\d.]+" width="([\d.]+)"')


async def settle(pilot: Pilot) -> None:
    """Let queued messages, debounced searches and other workers finish, then let the screen repaint.

    It waits for the work itself (message queues drained, workers done), never for a set time, so it
    takes as long as the work needs on a busy machine and no longer on a quiet one. A worker waiting
    for the open dialog's answer is not waited for."""
    for _ in range(3):
        await pilot.pause()
        await workers_done(pilot.app, but_dialogs=isinstance(pilot.app.screen, ModalScreen))
    await pilot.pause()


async def workers_done(app: App, but_dialogs: bool = False) -> None:
    """Wait for every started worker (`but_dialogs`: but those awaiting a dialog's answer). A
    cancelled one (a search replaced by a newer one, a screen's worker stopped as the screen closed)
    counts as done; a failed one raises."""
    for worker in list(app.workers):
        if but_dialogs and worker.group.endswith("dialog"):
            continue
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


def screen_text(app: App) -> str:
    """Everything on screen as plain text, line by line (what a user reads), taken from the app's
    public SVG screenshot: each run of text sits at its own column, so the gaps between runs are
    put back as spaces."""
    svg = app.export_screenshot()
    cell = float(_CLIP_WIDTH.search(svg)[1]) / app.size.width
    runs: dict[int, list[tuple[int, str]]] = {}
    for x, line, run in _TEXT_RUN.findall(svg):
        text = html.unescape(run).replace("\xa0", " ").replace("\n", "")  # each line ends in a newline run
        if text:
            runs.setdefault(int(line), []).append((round(float(x) / cell), text))
    lines = []
    for number in range(app.size.height):
        line, column = "", 0
        for start, text in sorted(runs.get(number, [])):
            line += " " * (start - column) + text
            column = start + cell_len(text)
        lines.append(line)
    return "\n".join(lines)


def notifications(app: App) -> list[Notification]:
    """Start recording what `app` notifies, before it happens: the list fills as app.notify() is
    called, the public way in for every screen and widget."""
    posted: list[Notification] = []
    notify = app.notify

    def recording(
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        posted.append(Notification(message, title, severity, markup=markup))
        notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    app.notify = recording  # type: ignore[method-assign]
    return posted
