"""Shown instead of the browser when the catalogue cannot be used: every problem, and the way out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..core.text import safe_display
from ..i18n import t


class ErrorScreen(Screen[None]):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, title: str, problems: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.problems = problems

    def compose(self) -> ComposeResult:
        text = Text(safe_display(self.title_text) + "\n\n", style="bold")
        for problem in self.problems:
            text.append(safe_display(problem) + "\n")
        text.append("\n" + t("error.untouched"), style="dim")
        with VerticalScroll(id="error"):
            yield Static(text)
        yield Footer()
