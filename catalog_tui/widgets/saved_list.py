"""Saved searches in the side panel: enter runs one, r renames it, delete removes it (after asking).

The list owns the store's saved searches: it saves (asking before overwriting a name), renames
and deletes them itself, with its dialogs awaited in workers; running one is the screen's job.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..core.search import FacetFilter
from ..core.store import Store
from ..core.text import safe_display
from ..i18n import t
from .keys import ROW_KEYS


class SavedSearchList(OptionList):
    BINDINGS = [
        Binding("r", "rename", "Rename"),
        Binding("delete,d", "delete", "Delete"),
        *ROW_KEYS,
    ]

    @dataclass
    class Run(Message):
        """Run this saved search: put its query and filters back."""

        saved_list: SavedSearchList
        saved: dict[str, Any]

        @property
        def control(self) -> SavedSearchList:
            return self.saved_list

    def __init__(self, store: Store, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.store = store
        self.saved: list[dict[str, Any]] = []

    def reload(self) -> None:
        """Read the list again; the cursor stays where it was, so keys can follow a rename."""
        keep = self.highlighted
        self.saved = sorted(self.store.saved_searches(), key=lambda s: s["name"])
        options = [Option(Text(t("saved.title"), style="bold"), disabled=True)]
        for entry in self.saved:
            line = Text(safe_display(entry["name"]))
            detail = entry.get("query") or ""
            if entry.get("filters"):
                detail = t("saved.filters", query=detail, count=len(entry["filters"]))
            line.append(f"  {safe_display(detail)}", style="dim")
            options.append(Option(line))
        if not self.saved:
            options.append(Option(Text(t("saved.hint"), style="dim"), disabled=True))
        self.set_options(options)
        if keep is not None and self.saved:
            self.highlighted = max(1, min(keep, len(self.saved)))

    def _current(self) -> dict[str, Any] | None:
        index = self.highlighted
        if index is None or not 1 <= index <= len(self.saved):
            return None
        return self.saved[index - 1]

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if (entry := self._current()) is not None:
            self.post_message(self.Run(self, entry))

    def _write(self, change: Any, *args: object) -> bool:
        try:
            change(*args)
        except OSError as error:
            self.notify(t("saved.failed", error=error), severity="error", markup=False)
            return False
        self.reload()
        return True

    def save(self, query: str, filters: tuple[FacetFilter, ...]) -> None:
        """Ask for a name (the query is the suggestion) and save; ask before overwriting one."""
        from ..screens.ask import ask
        from ..screens.prompt import PromptScreen

        self._save(ask(self.app, PromptScreen(t("saved.prompt"), placeholder=query)), query, filters)

    @work(group="saved-dialog")
    async def _save(self, asked: Awaitable[str | None], query: str, filters: tuple[FacetFilter, ...]) -> None:
        from ..screens.confirm import ConfirmScreen

        name = await asked
        if name is None:
            return
        if any(s["name"] == name for s in self.store.saved_searches()):
            question = ConfirmScreen(t("saved.overwrite", name=name), t("confirm.yes"))
            if not await self.app.push_screen_wait(question):
                return
        if self._write(self.store.save_search, name, query, [f.to_dict() for f in filters]):
            self.notify(t("saved.saved", name=name), markup=False)

    @work(group="saved-dialog")
    async def action_rename(self) -> None:
        from ..screens.prompt import PromptScreen

        if (entry := self._current()) is None:
            return
        name = entry["name"]
        new = await self.app.push_screen_wait(PromptScreen(t("saved.rename_prompt"), name))
        if new and new != name:
            self._write(self.store.rename_search, name, new)

    @work(group="saved-dialog")
    async def action_delete(self) -> None:
        from ..screens.confirm import ConfirmScreen

        if (entry := self._current()) is None:
            return
        name = entry["name"]
        question = ConfirmScreen(t("saved.delete_question", name=name), t("confirm.delete"))
        if await self.app.push_screen_wait(question) and self._write(self.store.delete_search, name):
            self.notify(t("saved.deleted", name=name), markup=False)
