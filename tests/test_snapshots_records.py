"""SVG snapshots of the records tabs (issue 12) at 120×36, on the bundled catalogue: a campaign
with no works, its card in the details, and the People tab.

After an intended visual change: `python -m pytest tests/test_snapshots_records.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import BUNDLED, ready, settle

from catalog_tui.app import CatalogApp


def app_in(tmp_path: Path) -> CatalogApp:
    return CatalogApp(catalog_path=BUNDLED, db_path=str(tmp_path / "store.json"))


def test_a_campaign_card(snap_compare, tmp_path: Path) -> None:
    """The “微短剧+” action plan: no works yet, its issuer, date, basis, summary and sources."""

    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("2", *["j"] * 6)
        await settle(pilot)

    assert snap_compare(app_in(tmp_path), terminal_size=(120, 36), run_before=run_before)


def test_the_people_tab(snap_compare, tmp_path: Path) -> None:
    """Everyone the articles name, with the works they speak about; 虞海侠 highlighted."""

    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("8", *["j"] * 6)
        await settle(pilot)

    assert snap_compare(app_in(tmp_path), terminal_size=(120, 36), run_before=run_before)
