"""Keys typed at speed reach the place the user meant (issue 11).

A burst of key events is queued at once, without waiting between them, the way a busy app meets a
fast typist: at start-up (before and as the list appears) and mid-session. The words contain q, a,
s, 5 …, the list's single-letter keys: none may quit, select, sort or switch tab.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input
from tui_helpers import BUNDLED, ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.core.library import Library
from catalog_tui.screens.loading import LoadingScreen
from catalog_tui.screens.main import MainScreen
from catalog_tui.typeahead import TypeAhead
from catalog_tui.widgets.search_bar import SearchBar
from catalog_tui.widgets.works_table import WorksTable

WORDS = ["qingming", "aletai", "sudongpo"]
KEY_NAMES = {"/": "slash", " ": "space"}


def burst(app: CatalogApp, text: str) -> None:
    """Queue every key at once: nothing is handled before the last one is queued."""
    for character in text:
        app.post_message(events.Key(KEY_NAMES.get(character, character), character))


def bundled_app(tmp_path: Path) -> CatalogApp:
    return CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"))


def assert_nothing_else_happened(app: CatalogApp, screen: MainScreen) -> None:
    assert app.is_running and app.return_code is None
    assert screen.selected == frozenset()
    assert screen.sort == "title"
    assert screen.active_tab == "all"
    assert app.library is not None and app.library.store.selected_ids() == []


def search_input(screen: MainScreen) -> Input:
    return screen.query_one(SearchBar).input


@pytest.mark.parametrize("word", WORDS)
async def test_a_word_typed_while_the_store_opens_lands_in_the_search_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    typed = threading.Event()
    real_open = Library.open

    def open_after_typing(*args: object, **kwargs: object) -> Library:
        typed.wait(10)  # the store "opens" only once the user has typed
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "open", open_after_typing)
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoadingScreen)
        burst(app, "/" + word)
        await pilot.pause()
        typed.set()
        screen = await ready(pilot)
        assert search_input(screen).value == word
        assert app.focused is search_input(screen)
        assert screen.query_text == word
        assert_nothing_else_happened(app, screen)


@pytest.mark.parametrize("word", WORDS)
async def test_a_word_typed_as_the_list_appears_lands_in_the_search_box(tmp_path: Path, word: str) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        while not isinstance(app.screen, MainScreen):
            await pilot.pause(0.01)
        burst(app, "/" + word)
        screen = await ready(pilot)
        assert search_input(screen).value == word
        assert_nothing_else_happened(app, screen)


@pytest.mark.parametrize("word", WORDS)
async def test_a_word_typed_mid_session_lands_in_the_search_box(tmp_path: Path, word: str) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        burst(app, "/" + word)
        await settle(pilot)
        assert search_input(screen).value == word
        assert_nothing_else_happened(app, screen)
        # Enter goes back to the list at once: keys behind it move there, not into the box.
        app.post_message(events.Key("enter", "\r"))
        burst(app, "jj")
        await settle(pilot)
        assert isinstance(app.focused, WorksTable)
        assert search_input(screen).value == word
        assert app.focused.cursor == min(2, len(app.focused.positions) - 1)


async def test_digits_and_brackets_are_text_in_the_search_box_and_tabs_on_the_list(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        burst(app, "/year:2025 [f]")
        await settle(pilot)
        assert search_input(screen).value == "year:2025 [f]"
        assert screen.active_tab == "all"
        app.post_message(events.Key("escape", None))
        burst(app, "2j")
        await settle(pilot)
        assert screen.active_tab == "campaigns"
        # The key after the tab key moved in the new tab's list, not in the old one.
        assert screen.query_one("#works-all", WorksTable).cursor == 0


def test_typed_ahead_keys_are_read_for_what_was_meant() -> None:
    typed = TypeAhead()
    for key, character in [("q", "q"), ("slash", "/"), ("s", "s"), ("u", "u"), ("x", "x"),
                           ("backspace", None), ("enter", "\r"), ("q", "q")]:  # fmt: skip
        typed.add(events.Key(key, character))
    assert typed.search() == ("su", False)
    assert TypeAhead().search() is None


async def test_editing_keys_in_a_burst_act_in_the_order_typed(tmp_path: Path) -> None:
    app = bundled_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        burst(app, "/xyz")
        app.post_message(events.Key("ctrl+u", None))
        burst(app, "qingminx")
        app.post_message(events.Key("backspace", None))
        burst(app, "g")
        await settle(pilot)
        assert search_input(screen).value == "qingming"
