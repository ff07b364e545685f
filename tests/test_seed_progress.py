"""Seeding progress as users see it (issue 13): works done, rate and time left on the loading
screen and the CLI's bar, from the store's (stage, done, total) reports. Clocks are faked: what
is checked is what is shown for given reports, never how long anything took."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Label
from tui_helpers import BUNDLED, ready

from catalog_tui.app import CatalogApp
from catalog_tui.cli_progress import store_progress
from catalog_tui.core.library import Library
from catalog_tui.core.seed_progress import BUILD_PASSES, StageClock, clock_text, in_works
from catalog_tui.screens.loading import LoadingScreen


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_index_build_counts_in_works() -> None:
    assert in_works("indexing", 3 * 1000, BUILD_PASSES * 1000) == (500, 1000)
    assert in_works("preparing search data", 300, 1000) == (300, 1000)
    assert in_works("indexing", 0, 1) == (0, 1)


def test_rate_and_time_left_follow_the_stage_under_way() -> None:
    clock = FakeClock()
    stages = StageClock(clock)
    assert stages.update("preparing search data", 0, 10_000) == (None, None)
    clock.now += 2
    assert stages.update("preparing search data", 4_000, 10_000) == (2_000, 3.0)
    clock.now += 1
    assert stages.update("indexing", 1_000, 10_000) == (None, None)  # a new stage starts afresh
    clock.now += 1
    assert stages.update("indexing", 3_000, 10_000) == (2_000, 3.5)
    assert clock_text(3.5) == "0:04" and clock_text(3_725) == "1:02:05"


def test_the_cli_bar_shows_the_index_build_in_works() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=140, color_system=None)
    with store_progress(console) as show:
        assert show is not None
        show("indexing", 0, BUILD_PASSES * 4_000)
        show("indexing", BUILD_PASSES * 1_000, BUILD_PASSES * 4_000)
        console.print("done")
    drawn = screen.getvalue()
    assert "1,000 / 4,000" in drawn and "6,000" not in drawn  # works, not passes × works


async def test_the_loading_screen_shows_works_rate_and_time_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    reported = threading.Event()
    real_open = Library.open

    def open_after_the_reports(*args: object, **kwargs: object) -> Library:
        reported.wait(10)
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "open", open_after_the_reports)
    app = CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoadingScreen)
        clock = FakeClock()
        monkeypatch.setattr(screen, "_clock", StageClock(clock))
        screen.post_message(LoadingScreen.Progressed("reading catalogue", 250, 1_000))
        await pilot.pause()
        label = screen.query_one("#loading-stage", Label)
        assert str(label.render()) == "reading catalogue 25%"
        screen.post_message(LoadingScreen.Progressed("indexing", 0, BUILD_PASSES * 100_000))
        await pilot.pause()
        clock.now += 1
        screen.post_message(
            LoadingScreen.Progressed("indexing", BUILD_PASSES * 40_000, BUILD_PASSES * 100_000)
        )
        await pilot.pause()
        assert str(label.render()) == "indexing 40,000 / 100,000 works · 40,000 works/s · 0:02 left"
        reported.set()
        await ready(pilot)
