"""The query field, the match count and, for a malformed query, the error and where it is."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from ..core.text import safe_display

PLACEHOLDER = "/ 搜索 Search: 苏东坡 · sudongpo · nhsdp · campaign:旅行 · -type:documentary · year:2024"


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
        yield Input(placeholder=PLACEHOLDER, id="search-input", select_on_focus=False)
        yield Static(id="search-status")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def value(self) -> str:
        return self.input.value

    def set_value(self, query: str) -> None:
        self.input.value = query
        self.input.cursor_position = len(query)

    def show_count(self, shown: int, total: int, selected: int) -> None:
        self.remove_class("-error")
        status = Text(f"{shown:,} / {total:,} 部作品 works")
        status.append(f"  ✓ {selected:,} 已选", style="bold" if selected else "dim")
        self.query_one("#search-status", Static).update(status)

    def show_error(self, message: str, column: int) -> None:
        """Keep the last good results on screen; say what is wrong and at which column."""
        self.add_class("-error")
        text = Text(f"⚠ {safe_display(message)} (第{column}列 col {column})")
        self.query_one("#search-status", Static).update(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))
