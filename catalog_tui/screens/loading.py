"""The first frame: a progress bar while the store is opened (and seeded when needed) in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from ..i18n import MESSAGES, t

if TYPE_CHECKING:
    from ..core.library import Library  # noqa: F401 (named in the generic base as a string)


class LoadingScreen(Screen["Library | None"]):
    """Dismisses with the opened Library, or None after showing why it could not open."""

    def __init__(self, catalog_path: Path, db_path: str | None) -> None:
        super().__init__()
        self.catalog_path = catalog_path
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Label(t("loading.opening"), id="loading-stage")
        with Center():
            yield ProgressBar(total=100, show_eta=False, id="loading-progress")

    def on_mount(self) -> None:
        # After the first paint: the worker's imports and reads would otherwise delay it.
        self.call_after_refresh(self.open_library)

    def _progress(self, stage: str, done: int, total: int) -> None:
        stage_text = t(f"stage.{stage}") if f"stage.{stage}" in MESSAGES else stage
        self.query_one("#loading-stage", Label).update(
            t("loading.stage", stage=stage_text, done=f"{done:,}", total=f"{total:,}")
        )
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    @work(thread=True, exit_on_error=False)
    def open_library(self) -> None:
        from ..core.library import Library
        from ..core.loader import CatalogError

        worker = get_current_worker()

        def progress(stage: str, done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress, stage, done, total)

        try:
            library = Library.open(self.catalog_path, self.db_path, progress=progress)
        except CatalogError as error:
            problems = [str(p) for p in error.problems]
            self.app.call_from_thread(self.app.show_error, t("error.catalogue"), problems)
            return
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            message = [f"{error.strerror or error}{where}"]
            self.app.call_from_thread(self.app.show_error, t("error.store"), message)
            return
        except Exception as error:  # a bug or a damaged file: show it, never sit on this screen
            message = [f"{type(error).__name__}: {error}"]
            self.app.call_from_thread(self.app.show_error, t("error.store"), message)
            return
        self.app.call_from_thread(self.dismiss, library)
