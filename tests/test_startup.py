"""Start-up (issue 11): `catalog-tui` alone imports only what the browser's first frame needs, and
an up-to-date store opens from its snapshot (no reseed, nothing moved aside)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import write_catalog
from test_tui_typeahead import assert_nothing_else_happened, burst, search_input
from tui_helpers import BUNDLED, ready

from catalog_tui import app as app_module
from catalog_tui import quick_open
from catalog_tui.app import CatalogApp
from catalog_tui.core.library import Library
from catalog_tui.screens.loading import LoadingScreen
from catalog_tui.screens.main import MainScreen

ROOT = Path(__file__).resolve().parent.parent
# Imported for subcommands only: none of them may load before the browser's first frame.
SUBCOMMAND_ONLY = (
    "catalog_tui.cli_commands",
    "catalog_tui.cli_config",
    "catalog_tui.cli_progress",
    "catalog_tui.core.export",
    "catalog_tui.core.export_file",
    "catalog_tui.core.export_formats",
    "catalog_tui.serve",
    "rich.progress",
    "shtab",
)


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """sys.modules as the code in a fresh interpreter leaves it (printed as JSON)."""
    env = {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}  # fmt: skip
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return set(json.loads(run.stdout.splitlines()[-1]))


def test_the_cli_module_imports_no_subcommand_code(tmp_path: Path) -> None:
    loaded = _modules_after(
        "import sys, json, catalog_tui.cli; print(json.dumps(sorted(sys.modules)))", tmp_path
    )
    assert not loaded & set(SUBCOMMAND_ONLY)
    assert "textual" not in loaded and "catalog_tui.core.library" not in loaded


def test_the_tui_starts_without_the_subcommands(tmp_path: Path) -> None:
    # The app's run() is replaced by a probe: what is loaded when the first frame is to be drawn.
    code = f"""
import json, sys
import catalog_tui.app
seen = []
catalog_tui.app.CatalogApp.run = lambda self, *a, **k: seen.append(sorted(sys.modules))
from catalog_tui.cli import main
assert main(["--db", {str(tmp_path / "store.json")!r}]) == 0
print(json.dumps(seen[0]))
"""
    loaded = _modules_after(code, tmp_path)
    assert "textual.app" in loaded
    assert not loaded & set(SUBCOMMAND_ONLY)


def test_a_subcommand_still_finds_its_code(tmp_path: Path) -> None:
    code = f"""
import json, sys
from catalog_tui.cli import main
assert main(["search", "醒狮", "--db", {str(tmp_path / "store.json")!r}]) == 0
print(json.dumps(sorted(sys.modules)))
"""
    loaded = _modules_after(code, tmp_path)
    assert {"catalog_tui.cli_commands", "catalog_tui.core.export"} <= loaded


def test_the_bundled_catalogue_opens_from_its_snapshot_the_second_time(tmp_path: Path) -> None:
    # Statements name works (`about`); the snapshot reads works lazily, so these references were
    # once checked against no works at all: every launch reseeded and moved the snapshot aside.
    store = tmp_path / "store.json"
    first = Library.open(None, store)
    first.close()
    again = Library.open(None, store)
    again.close()
    assert first.report.seeded and not again.report.seeded
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "store.catalog.json",
        "store.json",
        "store.json.lock",
    ]
    assert again.catalog.people == first.catalog.people
    assert any(statement.about for person in again.catalog.people for statement in person.statements)


# The first frame ------------------------------------------------------------------------------


WORDS = ["qingming", "aletai", "sudongpo"]


def seeded_app(tmp_path: Path, **kwargs: object) -> CatalogApp:
    store = tmp_path / "store.json"
    Library.open(BUNDLED, store).close()
    return CatalogApp(catalog_path=BUNDLED, db_path=str(store), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def loading_screens(monkeypatch: pytest.MonkeyPatch) -> list[LoadingScreen]:
    """Every loading screen the app makes."""
    made: list[LoadingScreen] = []
    real_init = LoadingScreen.__init__

    def recording(self: LoadingScreen, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(LoadingScreen, "__init__", recording)
    return made


async def test_an_up_to_date_small_store_shows_the_list_first(tmp_path: Path, loading_screens: list) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, MainScreen)  # already when the app is first ready
        screen = await ready(pilot)
        assert len(screen.matches) == len(app.library.index.works) if app.library else False
    assert loading_screens == []


async def test_a_store_to_seed_shows_the_loading_screen(tmp_path: Path, loading_screens: list) -> None:
    app = CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert app.library is not None and app.library.report.seeded
    assert len(loading_screens) == 1


async def test_a_large_catalogue_shows_the_loading_screen(
    tmp_path: Path, loading_screens: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = seeded_app(tmp_path)
    monkeypatch.setattr(quick_open, "SMALL_CATALOGUE", 1000)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert app.library is not None and not app.library.report.seeded
    assert len(loading_screens) == 1


async def test_a_stale_store_is_left_to_the_loading_screen_untouched(
    tmp_path: Path, loading_screens: list
) -> None:
    store = tmp_path / "store.json"
    catalogue = write_catalog(tmp_path / "catalog.yaml")
    Library.open(catalogue, store).close()
    catalogue.write_bytes(catalogue.read_bytes() + b"\n# changed\n")
    assert quick_open.open_if_up_to_date(catalogue, str(store)) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.yaml", "store.catalog.json", "store.json",
                                                           "store.json.lock"]  # fmt: skip
    app = CatalogApp(catalog_path=catalogue, db_path=str(store))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert app.library is not None and app.library.report.seeded
    assert len(loading_screens) == 1


@pytest.mark.parametrize("word", WORDS)
async def test_a_word_typed_while_the_up_to_date_store_opens_lands_in_the_search_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loading_screens: list, word: str
) -> None:
    # The keys arrive while the app opens the store, before the browser screen exists.
    app = seeded_app(tmp_path)
    real_open = quick_open.open_if_up_to_date

    def open_while_typing(*args: Any) -> Library | None:
        burst(app, "/" + word)
        return real_open(*args)

    monkeypatch.setattr(app_module, "open_if_up_to_date", open_while_typing)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        assert search_input(screen).value == word
        assert screen.query_text == word and len(screen.matches) == 1
        assert_nothing_else_happened(app, screen)
    assert loading_screens == []


@pytest.mark.parametrize("word", WORDS)
async def test_a_word_typed_as_the_list_first_appears_lands_in_the_search_box(
    tmp_path: Path, word: str
) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        burst(app, "/" + word)
        screen = await ready(pilot)
        assert search_input(screen).value == word
        assert_nothing_else_happened(app, screen)
