"""The export's progress, shown while the dialog's export is written: records done of how many.
Escape closes it; the export goes on and says when it is done."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar

from ..i18n import t, translated

PROGRESS_INTERVAL = 0.1  # seconds: at most ten progress messages a second


class ExportProgress(ModalScreen[None]):
    DEFAULT_CSS = """
    ExportProgress #export-progress-bar {
        margin-bottom: 1;
    }
    ExportProgress #export-progress-bar Bar {
        width: 1fr;
    }
    """
    BINDINGS = [Binding("escape", "close", "Close")]

    @dataclass
    class Progressed(Message):
        done: int
        total: int

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.reports = 0  # progress messages handled (what tests count)
        self.shown = t("export.progress.starting")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-progress"):
            yield Label(Text(t("export.progress.title", path=self.path)), classes="dialog-title")
            yield Label(Text(self.shown), id="export-progress-count")
            yield ProgressBar(total=None, show_eta=False, id="export-progress-bar")
            yield Label(Text(t("export.progress.hint")), classes="dialog-hint")

    def reporter(self) -> Callable[[int, int], None]:
        """A progress(done, total) callback for the export's thread: it posts, never waits for the
        UI, at most every PROGRESS_INTERVAL (and the last report)."""
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or done >= total:
                last = now
                self.post_message(self.Progressed(done, total))

        return progress

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.reports += 1
        self.shown = t("export.progress.count", done=f"{event.done:,}", total=f"{event.total:,}")
        self.query_one("#export-progress-count", Label).update(Text(self.shown))
        self.query_one(ProgressBar).update(total=max(event.total, 1), progress=event.done)

    def action_close(self) -> None:
        self.dismiss(None)
