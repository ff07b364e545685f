"""Keeps the store's selection equal to the screen's: bound to the screen's `selected`, it writes
each change (what was added, what was removed) through a SelectionWriter in the background. The
screen closes the writer as it unmounts (before the app closes the store). Clearing the whole
selection asks first (ask_to_clear); the screen clears it when agreed."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from ..core.library import Library
from ..core.selection_writer import SelectionWriter
from ..i18n import t


class SelectionSaver(Widget):
    DEFAULT_CSS = "SelectionSaver { display: none; }"

    selected: var[frozenset[int]] = var(frozenset)

    @dataclass
    class NotSaved(Message):
        error: OSError

    @dataclass
    class ClearAgreed(Message):
        """The user agreed to clear the selection (of `count` works)."""

        count: int

    def __init__(self, library: Library, saved: frozenset[int]) -> None:
        super().__init__()
        self.library = library
        self.writer = SelectionWriter(library.store, self._not_saved)
        self._saved = saved  # what the store holds (or will, once the writer is done)

    def watch_selected(self, selected: frozenset[int]) -> None:
        works = self.library.index.works
        added, removed = selected - self._saved, self._saved - selected
        if added:
            self.writer.change((works[p].id for p in added), True)
        if removed:
            self.writer.change((works[p].id for p in removed), False)
        self._saved = selected

    def ask_to_clear(self) -> None:
        """Ask before clearing the whole selection (nothing to ask when it is empty)."""
        from ..screens.ask import ask
        from ..screens.confirm import ConfirmScreen

        if count := len(self.selected):
            question = ConfirmScreen(t("selection.clear_question", count=f"{count:,}"), t("confirm.clear"))
            self._ask_to_clear(ask(self.app, question), count)

    @work(group="dialog")
    async def _ask_to_clear(self, asked: Awaitable[bool], count: int) -> None:
        if await asked:
            self.post_message(self.ClearAgreed(count))

    def _not_saved(self, error: OSError) -> None:
        # From the writer's thread: post_message does not wait for the UI.
        self.post_message(self.NotSaved(error))

    @on(NotSaved)
    def _say_not_saved(self, event: NotSaved) -> None:
        self.notify(t("selection.not_saved", error=event.error), severity="error", markup=False)
