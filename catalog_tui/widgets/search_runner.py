"""Runs the screen's search in a worker whenever its query, filters or sort change (bound to the
screen's), and reports each result or query error with a message: the screen keeps the result."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from ..core.query import QueryError
from ..core.search import FacetFilter, SearchEngine
from .pane import Matches

DEBOUNCE_SECONDS = 0.03


class SearchRunner(Widget):
    DEFAULT_CSS = "SearchRunner { display: none; }"

    query_text: var[str] = var("")
    filters: var[tuple[FacetFilter, ...]] = var(())
    sort: var[str] = var("title")
    reverse_sort: var[bool] = var(False)

    @dataclass
    class Found(Message):
        matches: Matches

    @dataclass
    class Failed(Message):
        error: QueryError

    def __init__(self, engine: SearchEngine) -> None:
        super().__init__()
        self.engine = engine
        self._searching = False

    def watch_query_text(self) -> None:
        self.run_search()

    def watch_filters(self) -> None:
        self.run_search()

    def watch_sort(self) -> None:
        self.run_search()

    def watch_reverse_sort(self) -> None:
        self.run_search()

    @work(exclusive=True, group="search")
    async def run_search(self) -> Matches | None:
        """Searches at once when idle; while a search is still running (fast typing on a large
        catalogue) it waits a moment first, and the next keystroke cancels it while it waits."""
        if self._searching:
            await asyncio.sleep(DEBOUNCE_SECONDS)
        query, sort, reverse = self.query_text, self.sort, self.reverse_sort
        self._searching = True
        try:
            found = await asyncio.to_thread(
                self.engine.search, query, sort=sort, filters=self.filters, reverse=reverse
            )
        except QueryError as error:
            self.post_message(self.Failed(error))
            return None
        finally:
            self._searching = False
        matches = Matches(found.positions, found.found, query, sort, reverse, found.unfiltered)
        self.post_message(self.Found(matches))
        return matches  # for a caller that waits on the worker (navigation.go)
