"""The fair bare Textual app that benchmarks/terminal.py pairs with catalog-tui (issue 11).

    python benchmarks/bare_app.py

A header, a search input, a DataTable of the first 35 works of the bundled catalog.yaml (Chinese
title and English title) and a footer. Each keystroke filters the rows by case-insensitive
substring of "title title_en" and shows the count in the header ("N / 35"). It reads the same YAML
file the app bundles (with the C loader when PyYAML has it), so its start-up does real work too.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Input

CATALOG = Path(__file__).resolve().parent.parent / "catalog.yaml"
ROWS = 35


def load_titles(path: Path = CATALOG, rows: int = ROWS) -> list[tuple[str, str]]:
    """(title, title_en) of the catalogue's first `rows` works."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=loader)  # a safe loader
    return [(work["title"], work.get("title_en") or "") for work in data["works"][:rows]]


def matches(titles: list[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """The rows whose title or English title contains the query (case-insensitive)."""
    needle = query.strip().lower()
    return [row for row in titles if needle in f"{row[0]} {row[1]}".lower()]


class BareApp(App[None]):
    """Header, Input, DataTable, Footer; filtered on every change of the input."""

    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, titles: list[tuple[str, str]]) -> None:
        super().__init__()
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search")
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bare"
        self.query_one(DataTable).add_columns("Title", "English title")
        self.show(self.titles)

    def show(self, rows: list[tuple[str, str]]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows([(Text(title), Text(title_en)) for title, title_en in rows])  # data, not markup
        self.sub_title = f"{len(rows)} / {len(self.titles)}"

    @on(Input.Changed)
    def filter_rows(self, event: Input.Changed) -> None:
        self.show(matches(self.titles, event.value))


if __name__ == "__main__":
    BareApp(load_titles()).run()
