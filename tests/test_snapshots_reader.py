"""SVG snapshot of the source reader on a figure of the bundled catalogue (120×36, Chinese).

After an intended visual change: `python -m pytest tests/test_snapshots_reader.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import BUNDLED, ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.core.model import Figure
from catalog_tui.screens.reader import ReaderScreen


def test_reader_on_a_figure(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        screen = await ready(pilot)
        await pilot.press("7", "j", "j")
        await settle(pilot)
        assert isinstance(screen.highlighted, Figure)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReaderScreen)

    app = CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"))
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
