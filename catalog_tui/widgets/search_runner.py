"""Runs the screen's search in a worker whenever its query, filters or sort change (bound to the
screen's), and reports each result or query error with a message: the screen keeps the result.

Binding syncs every value once as the runner mounts; that is not a change: the screen's first
result (searched before it mounts) is not searched again."""

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

# What a search is for: query, filters, sort, reverse.
SearchKey = tuple[str, tuple[FacetFilter, ...], str, bool]


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

    def __init__(self, engine: SearchEngine, searched: SearchKey | None = None) -> None:
        """`searched`: the query, filters, sort and reverse the screen's result is for, if any."""
        super().__init__()
        self.engine = engine
        self._searching = False
        self._asked = searched
        if searched is not None:  # already in step with the screen as binding syncs each value
            query, filters, sort, reverse = searched
            self.set_reactive(SearchRunner.query_text, query)
            self.set_reactive(SearchRunner.filters, filters)
            self.set_reactive(SearchRunner.sort, sort)
            self.set_reactive(SearchRunner.reverse_sort, reverse)

    def watch_query_text(self) -> None:
        self._changed()

    def watch_filters(self) -> None:
        self._changed()

    def watch_sort(self) -> None:
        self._changed()

    def watch_reverse_sort(self) -> None:
        self._changed()

    def _changed(self) -> None:
        asked = (self.query_text, self.filters, self.sort, self.reverse_sort)
        if asked != self._asked:
            self._asked = asked
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
