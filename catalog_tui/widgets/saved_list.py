"""Saved searches in the side panel: enter runs one, r renames it, delete removes it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..core.text import safe_display
from ..i18n import t


class SavedSearchList(OptionList):
    BINDINGS = [
        Binding("r", "rename", "Rename"),
        Binding("delete,d", "delete", "Delete"),
    ]

    class Chosen(Message):
        """Run, rename or delete a saved search (action is "run", "rename" or "delete")."""

        def __init__(self, saved_list: SavedSearchList, action: str, saved: dict[str, Any]) -> None:
            super().__init__()
            self.saved_list = saved_list
            self.action = action
            self.saved = saved

        @property
        def control(self) -> SavedSearchList:
            return self.saved_list

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.saved: list[dict[str, Any]] = []

    def show_saved(self, saved: list[dict[str, Any]]) -> None:
        """Replace the list; the cursor stays where it was, so keys can follow a rename."""
        keep = self.highlighted
        self.saved = sorted(saved, key=lambda s: s["name"])
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

    def _post(self, action: str) -> None:
        if (entry := self._current()) is not None:
            self.post_message(self.Chosen(self, action, entry))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._post("run")

    def action_rename(self) -> None:
        self._post("rename")

    def action_delete(self) -> None:
        self._post("delete")
