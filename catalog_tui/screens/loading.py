"""The first frame: a progress bar while the store is opened (and seeded when needed) in a worker.

Keys typed meanwhile are kept (TypeAhead) and handed to the browser with the library, so nothing
typed early quits the app or is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from ..core.seed_progress import WORK_STAGES, StageClock, clock_text, in_works
from ..i18n import MESSAGES, t
from ..typeahead import TypeAhead

if TYPE_CHECKING:
    from ..core.library import Library

PROGRESS_INTERVAL = 0.1  # seconds: at most ten progress messages a second


class LoadingScreen(Screen[None]):
    """Hands the opened Library to `opened`, or `failed` a title and the problems."""

    @dataclass
    class Progressed(Message):
        stage: str
        done: int
        total: int

    @dataclass
    class Opened(Message):
        library: Library

    @dataclass
    class Failed(Message):
        title: str
        problems: list[str]

    def __init__(
        self,
        catalog_path: Path,
        db_path: str | None,
        opened: Callable[[Library, TypeAhead], None],
        failed: Callable[[str, list[str]], None],
    ) -> None:
        super().__init__()
        self.catalog_path = catalog_path
        self.db_path = db_path
        self.opened = opened
        self.failed = failed
        self.typed_ahead = TypeAhead()
        self._clock = StageClock()

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Label(t("loading.opening"), id="loading-stage")
        with Center():
            yield ProgressBar(total=100, show_eta=False, id="loading-progress")

    def on_mount(self) -> None:
        # After the first paint: the worker's imports and reads would otherwise delay it.
        self.call_after_refresh(self.open_library)

    def on_key(self, event: events.Key) -> None:
        # Nothing here takes keys: keep them for the browser instead of letting `q` quit.
        event.stop()
        event.prevent_default()
        self.typed_ahead.add(event)

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.query_one("#loading-stage", Label).update(
            Text(self.progress_text(event.stage, event.done, event.total))
        )
        self.query_one(ProgressBar).update(total=max(event.total, 1), progress=event.done)

    def progress_text(self, stage: str, done: int, total: int) -> str:
        """The stage, works done of how many (or a share of the catalogue text read), the rate
        and the time left: "indexing 40,000 / 100,000 works · 52,000 works/s · 0:01 left"."""
        key = f"stage.{stage}"
        stage_text = t(key) if key in MESSAGES else stage
        counts_works = stage in WORK_STAGES
        if counts_works:
            done, total = in_works(stage, done, total)
            parts = [t("loading.works", stage=stage_text, done=f"{done:,}", total=f"{total:,}")]
        else:
            parts = [t("loading.share", stage=stage_text, percent=f"{100 * done // max(total, 1)}")]
        rate, left = self._clock.update(stage, done, total)
        if rate is not None and counts_works:
            parts.append(t("loading.rate", rate=f"{rate:,.0f}"))
        if left is not None:
            parts.append(t("loading.left", left=clock_text(left)))
        return " · ".join(parts)

    @on(Opened)
    def _opened(self, event: Opened) -> None:
        self.opened(event.library, self.typed_ahead)

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.failed(event.title, event.problems)

    @work(thread=True, exit_on_error=False)
    def open_library(self) -> None:
        from ..core.library import Library
        from ..core.loader import CatalogError

        worker = get_current_worker()
        last = 0.0

        def progress(stage: str, done: int, total: int) -> None:
            # Posting never waits for the UI; throttled so the UI is not flooded either.
            nonlocal last
            now = time.monotonic()
            if not worker.is_cancelled and (now - last >= PROGRESS_INTERVAL or done >= total):
                last = now
                self.post_message(self.Progressed(stage, done, total))

        try:
            # Not warmed up here: the browser does it in a worker once the list is painted.
            library = Library.open(self.catalog_path, self.db_path, progress=progress)
        except CatalogError as error:
            self.post_message(self.Failed(t("error.catalogue"), [str(p) for p in error.problems]))
            return
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            self.post_message(self.Failed(t("error.store"), [f"{error.strerror or error}{where}"]))
            return
        except Exception as error:  # a bug or a damaged file: show it, never sit on this screen
            self.post_message(self.Failed(t("error.store"), [f"{type(error).__name__}: {error}"]))
            return
        self.post_message(self.Opened(library))
