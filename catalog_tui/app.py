"""The catalog-tui application: opens the store, then hands over to the browser screen."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from .commands import CatalogCommands
from .core.library import Library
from .core.store import bundled_catalog_path
from .screens.error import ErrorScreen
from .screens.help import HelpScreen
from .screens.loading import LoadingScreen
from .screens.main import MainScreen


class CatalogApp(App[None]):
    """Find, slice, read and export featured online audiovisual works."""

    CSS_PATH = "app.tcss"
    TITLE = "catalog-tui 网络视听精品目录"
    SUB_TITLE = "China's featured online audiovisual works"
    COMMANDS = App.COMMANDS | {CatalogCommands}
    BINDINGS = [
        Binding("q", "quit", "退出 Quit"),
        Binding("question_mark", "help", "帮助 Help"),
        Binding("ctrl+p", "command_palette", "命令 Commands", show=False),
    ]

    def __init__(
        self, catalog_path: str | os.PathLike[str] | None = None, db_path: str | None = None
    ) -> None:
        super().__init__()
        self.catalog_path = Path(catalog_path) if catalog_path else bundled_catalog_path()
        self.db_path = db_path
        self.library: Library | None = None

    def on_mount(self) -> None:
        self.push_screen(LoadingScreen(self.catalog_path, self.db_path), self._opened)

    def _opened(self, library: Library | None) -> None:
        if library is None:
            return
        self.library = library
        self.sub_title = f"{len(library.index):,} works · {library.report.catalog_path.name}"
        self.push_screen(MainScreen(library))
        for backup in library.report.backups:
            self.notify(f"An unreadable store file was kept as {backup}", severity="warning", markup=False)

    def show_error(self, title: str, problems: list[str]) -> None:
        self.switch_screen(ErrorScreen(title, problems))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        if self.library is not None:
            self.library.close()
