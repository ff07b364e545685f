"""SVG snapshots of the main screens at fixed sizes, with Chinese text, on the bundled catalogue.

After an intended visual change: `python -m pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import BUNDLED, ready, settle, type_query

from catalog_tui.app import CatalogApp


def app_in(tmp_path: Path) -> CatalogApp:
    return CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"))


def test_main_view(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("down", "space")
        await settle(pilot)

    assert snap_compare(app_in(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_pinyin_search_in_the_campaign_tab(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await type_query(pilot, "lianlian")
        await pilot.press("escape", "2")
        await settle(pilot)

    assert snap_compare(app_in(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_narrow_terminal_with_details_below(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await type_query(pilot, "sudongpo")
        await pilot.press("escape")
        await settle(pilot)

    assert snap_compare(app_in(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app_in(tmp_path), terminal_size=(120, 36), run_before=run_before)
