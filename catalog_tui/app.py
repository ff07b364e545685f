"""The catalog-tui application: opens the store, then hands over to the browser screen."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from .core.config import ENV_THEME, ConfigError, Settings, choose, load_settings, save_setting, store_option
from .i18n import detect_language, language, set_language, t
from .quick_open import open_if_up_to_date
from .typeahead import TypeAhead

if TYPE_CHECKING:
    from .core.library import Library
    from .screens.main import MainScreen

# Screens beyond the first and the command provider are imported when first needed, so the first
# frame (the browser, or the loading screen) costs little more than a bare Textual app.


class UnknownTheme(ValueError):
    """A theme (from --theme, $CATALOG_TUI_THEME or the config file) that Textual does not have."""

    def __init__(self, theme: str, themes: list[str]) -> None:
        super().__init__(f"no theme named {theme!r}")
        self.theme, self.themes = theme, themes


def _catalog_commands() -> type:
    from .commands import CatalogCommands

    return CatalogCommands


class CatalogApp(App[None]):
    """Find, slice, read and export featured online audiovisual works."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {_catalog_commands}
    BINDINGS = [
        # Descriptions are English here; i18n.translated shows them in the chosen language.
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(
        self,
        catalog_path: str | os.PathLike[str] | None = None,
        db_path: str | None = None,
        language: str | None = None,
        theme: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        """`settings` default to the config file's (none if it cannot be read); `theme` and
        `language` (options) win over their environment variables, which win over the file.
        Raises UnknownTheme for a theme Textual does not have."""
        if settings is None:
            try:
                settings = load_settings()
            except ConfigError:
                settings = Settings()
        self.settings = settings
        set_language(detect_language(language, settings.language))
        super().__init__()
        chosen_theme = choose(theme, os.environ.get(ENV_THEME), settings.theme, default=self.theme)
        if chosen_theme not in self.available_themes:
            raise UnknownTheme(chosen_theme, sorted(self.available_themes))
        # The theme we start with (maybe from --theme, for this run only) is not written back.
        self._settled_theme = chosen_theme
        self.theme = chosen_theme
        if catalog_path is None:
            from .core.store import bundled_catalog_path

            catalog_path = bundled_catalog_path()
        self.catalog_path = Path(catalog_path)
        self.db_path = store_option(db_path, settings)
        self.library: Library | None = None
        self.title = f"catalog-tui · {t('app.title')}"

    def get_default_screen(self) -> Screen[Any]:
        """A small, up-to-date store opens in milliseconds: the browser is then the app's own first
        screen, its first frame the list. (Pushed from on_mount instead, it was drawn inside
        Textual's start-up batch, thrown away, and drawn again: a whole frame's work.)"""
        library = open_if_up_to_date(self.catalog_path, self.db_path)
        if library is None:
            return super().get_default_screen()
        return self._browser(library, TypeAhead())

    async def on_event(self, event: events.Event) -> None:
        # A key the browser cannot take yet (before its first frame) is kept for it, decided here
        # once per key, before any binding (`/` is a priority one) is looked up.
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:
            from .screens.browser import Browser

            screen = self.screen_stack[-1]
            if isinstance(screen, Browser) and not screen.ready:
                screen.typed_ahead.add(event)
                return
        await super().on_event(event)

    def on_mount(self) -> None:
        if self.library is not None:  # the browser is already the first screen
            return
        from .screens.loading import LoadingScreen

        self.push_screen(LoadingScreen(self.catalog_path, self.db_path, self.open_browser, self.show_error))

    def open_browser(self, library: Library, typed_ahead: TypeAhead) -> None:
        """Replace the loading screen with the browser at once (no empty screen between them to
        receive keys)."""
        screen = self._browser(library, typed_ahead)
        if len(self.screen_stack) > 1:  # the loading screen
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        for backup in library.report.backups:
            self.notify(t("app.backup", path=backup), severity="warning", markup=False)

    def _browser(self, library: Library, typed_ahead: TypeAhead) -> MainScreen:
        """The browser on `library`, with its first result (and the keys typed so far)."""
        from .screens.main import MainScreen
        from .widgets.pane import Matches

        self.library = library
        self._show_subtitle()
        screen = MainScreen(library, typed_ahead)
        # The config file's starting state, set before the screen mounts (no watcher runs).
        sort = self.settings.sort or "title"
        screen.set_reactive(MainScreen.sort, sort)
        screen.set_reactive(MainScreen.show_english, bool(self.settings.english_titles))
        # The whole list, in its order, and its first work's details are in the screen's first
        # frame: otherwise an empty list and details are painted, then the results.
        everything = library.engine.search("", sort=sort)
        matches = Matches(everything.positions, everything.found, "", sort, False, everything.unfiltered)
        screen.set_reactive(MainScreen.result, matches)
        if everything.positions:
            screen.set_reactive(MainScreen.highlighted, library.index.works[everything.positions[0]])
        return screen

    def _show_subtitle(self) -> None:
        if self.library is not None:
            name = self.library.report.catalog_path.name
            self.sub_title = t("app.subtitle", count=f"{len(self.library.index):,}", file=name)

    def watch_theme(self, theme: str) -> None:
        """A theme picked in the palette stays: it is written to the config file."""
        if theme != self._settled_theme:
            self._settled_theme = theme
            self._save_theme(theme)

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _save_theme(self, theme: str) -> None:
        try:
            save_setting("theme", theme)
        except (OSError, ConfigError) as error:
            self.call_from_thread(
                self.notify, t("settings.not_saved", error=error), severity="warning", markup=False
            )

    def action_toggle_language(self) -> None:
        set_language("en" if language() == "zh" else "zh")
        self.title = f"catalog-tui · {t('app.title')}"
        self._show_subtitle()
        if hasattr(self.screen, "apply_language"):
            self.screen.apply_language()
        self.notify(t("language.changed"), timeout=2, markup=False)

    def show_error(self, title: str, problems: list[str]) -> None:
        from .screens.error import ErrorScreen

        self.switch_screen(ErrorScreen(title, problems))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        if self.library is not None:
            self.library.close()
