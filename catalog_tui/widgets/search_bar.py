"""The query field, the match count and, for a malformed query, the error and where it is."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from ..core.query import QueryError
from ..core.text import safe_display
from ..i18n import query_error_text, t

SAFE_INPUT = r"[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*"


class SearchBar(Horizontal):
    class Changed(Message):
        """The query text changed (posted on every keystroke; the screen debounces)."""

        def __init__(self, bar: SearchBar, query: str) -> None:
            super().__init__()
            self.bar = bar
            self.query = query

        @property
        def control(self) -> SearchBar:
            return self.bar

    class Submitted(Message):
        """Enter in the query field: go to the results."""

        def __init__(self, bar: SearchBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> SearchBar:
            return self.bar

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=t("search.placeholder"),
            id="search-input",
            select_on_focus=False,
            restrict=SAFE_INPUT,  # pasted control and bidi characters never reach the screen
        )
        yield Static(id="search-status")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def value(self) -> str:
        return self.input.value

    def translate(self) -> None:
        self.input.placeholder = t("search.placeholder")

    def set_value(self, query: str) -> None:
        self.input.value = query
        self.input.cursor_position = len(query)

    def show_count(self, shown: int, total: int, selected: int) -> None:
        self.remove_class("-error")
        status = Text(t("search.count", shown=f"{shown:,}", total=f"{total:,}"))
        status.append("  ")
        status.append(t("search.selected", count=f"{selected:,}"), style="bold" if selected else "dim")
        self.query_one("#search-status", Static).update(status)

    def show_error(self, error: QueryError) -> None:
        """Keep the last good results on screen; say what is wrong and at which column."""
        self.add_class("-error")
        message = query_error_text(error.message, error.code, error.params)
        text = Text(t("search.error", message=safe_display(message), column=error.position + 1))
        self.query_one("#search-status", Static).update(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))
