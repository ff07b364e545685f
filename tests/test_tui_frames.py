"""One frame per keystroke (issue 11): the search box's echo waits for the results it asked for.

The search runs in a thread; without a hold, the box was painted with the new character and the
list in a second frame. The app's public App.batch_update() is spied on while the search is held
back by a gate: the keystroke's hold must still be open then, and end once the results are shown.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_tui_typeahead import burst, search_input
from textual.pilot import Pilot
from tui_helpers import BUNDLED, ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.core.library import Library
from catalog_tui.screens.main import MainScreen
from catalog_tui.widgets import search_input as search_input_module
from catalog_tui.widgets.search_bar import SearchBar

WORDS = ["qingming", "aletai", "sudongpo"]


def spy_on_holds(
    app: CatalogApp, screen: MainScreen, monkeypatch: pytest.MonkeyPatch
) -> list[list[str | None]]:
    """Each batch of the app as [the search box's text when it began, the query whose results
    were shown when it ended] (one item while it is open). The first key's hold begins before
    its character is in the box."""
    holds: list[list[str | None]] = []
    real = app.batch_update

    @contextmanager
    def spying() -> Iterator[None]:
        hold: list[str | None] = [search_input(screen).value]
        holds.append(hold)
        with real():
            yield
        hold.append(screen.result.query if screen.result else None)

    monkeypatch.setattr(app, "batch_update", spying)
    return holds


def gate_searches(screen: MainScreen, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Searches wait (in their thread) until the returned event is set."""
    gate = threading.Event()
    engine = screen.library.engine
    real_search = engine.search

    def gated(*args: Any, **kwargs: Any) -> Any:
        gate.wait(30)
        return real_search(*args, **kwargs)

    monkeypatch.setattr(engine, "search", gated)
    return gate


async def pauses(pilot: Pilot) -> None:
    for _ in range(5):
        await pilot.pause()


def seeded_app(tmp_path: Path) -> CatalogApp:
    store = tmp_path / "store.json"
    Library.open(BUNDLED, store).close()
    return CatalogApp(catalog_path=BUNDLED, db_path=str(store))


@pytest.mark.parametrize("word", WORDS)
async def test_the_echo_is_held_until_its_results_are_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    monkeypatch.setattr(search_input_module, "HOLD_ECHO_SECONDS", 60)  # the search is what ends it here
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        holds = spy_on_holds(app, screen, monkeypatch)
        gate = gate_searches(screen, monkeypatch)
        burst(app, "/" + word)
        await pauses(pilot)
        assert search_input(screen).value == word  # typed, but the search has not answered yet
        held = [hold for hold in holds if len(hold) == 1]
        assert held  # so nothing is painted: the box alone would be a frame of its own
        gate.set()
        await settle(pilot)
        assert screen.result is not None and screen.result.query == word
        assert all(hold[-1] == word for hold in held)  # ended with the word's results on the screen
        assert all(len(hold) == 2 for hold in holds)  # none left open: the app paints again


async def test_a_malformed_query_ends_the_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_input_module, "HOLD_ECHO_SECONDS", 60)
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        holds = spy_on_holds(app, screen, monkeypatch)
        burst(app, "/(")
        await settle(pilot)
        assert screen.query_one(SearchBar).has_class("-error")
        assert holds and all(len(hold) == 2 for hold in holds)  # the error is painted


async def test_a_search_that_does_not_answer_in_time_lets_the_echo_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_input_module, "HOLD_ECHO_SECONDS", 0.01)
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        holds = spy_on_holds(app, screen, monkeypatch)
        gate = gate_searches(screen, monkeypatch)
        burst(app, "/q")
        for _ in range(200):  # until the hold's timer has fired (the search never answers)
            await pilot.pause(0.01)
            if holds and all(len(hold) == 2 for hold in holds):
                break
        assert search_input(screen).value == "q" and screen.result is not None and screen.result.query == ""
        assert holds and all(len(hold) == 2 for hold in holds)  # ended before the results: "q" is painted
        gate.set()
        await settle(pilot)
        assert screen.result is not None and screen.result.query == "q"
        assert all(len(hold) == 2 for hold in holds)
