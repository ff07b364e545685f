"""The query field, the match count and, for a malformed query, the error and where it is."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ..core.query import QueryError
from ..core.text import display_width, safe_display
from ..i18n import query_error_text, t
from .search_input import SearchInput

SAFE_INPUT = r"[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*"


class SearchBar(Vertical):
    DEFAULT_CSS = """
    SearchBar { height: auto; }
    SearchBar > #search-row { height: 3; }
    SearchBar > #search-error { display: none; height: auto; padding: 0 2; color: $text-error; }
    SearchBar.-error > #search-error { display: block; }
    """

    @dataclass
    class Changed(Message):
        """The query text changed (posted on every keystroke; the screen debounces)."""

        bar: SearchBar
        query: str

        @property
        def control(self) -> SearchBar:
            return self.bar

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield SearchInput(
                placeholder=t("search.placeholder"),
                id="search-input",
                select_on_focus=False,
                restrict=SAFE_INPUT,  # pasted control and bidi characters never reach the screen
            )
            yield Static(id="search-status")
        yield Static(id="search-error")

    @property
    def input(self) -> SearchInput:
        return self.query_one("#search-input", SearchInput)

    @property
    def value(self) -> str:
        return self.input.value

    def translate(self) -> None:
        self.input.placeholder = t("search.placeholder")

    def set_value(self, query: str) -> None:
        self.input.value = query
        self.input.cursor_position = len(query)

    def show_count(
        self, shown: int, total: int, selected: int, sort: str, what: str = "search.count"
    ) -> None:
        """The results are in: the echo and the results are painted together. `what`: the i18n
        key saying what is counted (works, or the visible tab's records)."""
        self.call_later(self.input.release)
        self.remove_class("-error")
        # One line whatever the counts: a wrapped word would change the bar's look on every key.
        status = Text(t(what, shown=f"{shown:,}", total=f"{total:,}"), no_wrap=True, overflow="ellipsis")
        status.append("  ")
        status.append(t("search.selected", count=f"{selected:,}"), style="bold" if selected else "dim")
        status.append("  " + t("search.sort", sort=sort), style="dim")
        # The status has a fixed size (app.tcss): no layout pass, which would reflow the screen.
        self.query_one("#search-status", Static).update(status, layout=False)

    def show_error(self, error: QueryError) -> None:
        """Keep the last good results on screen; say what is wrong, in full on its own line, and
        point at the column under the query."""
        self.call_later(self.input.release)
        self.add_class("-error")
        message = query_error_text(error.message, error.code, error.params)
        text = Text(t("search.error", message=safe_display(message), column=error.position + 1))
        query = safe_display(self.value)
        text.append(f"\n{query}\n", style="dim")
        text.append(" " * display_width(query[: error.position]) + "^", style="bold")
        self.query_one("#search-error", Static).update(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.input.hold()  # when the text was set, not typed
        self.post_message(self.Changed(self, event.value))
