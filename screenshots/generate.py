"""Regenerate the README's screenshots from the real app: `python screenshots/generate.py`.

Each shot drives the app with real key presses on the bundled catalogue, in a throw-away store,
and saves an SVG next to this script, made legible in browsers by `place_in_cells`.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from tui_helpers import ready, settle, type_query  # noqa: E402

from catalog_tui.app import CatalogApp  # noqa: E402

SIZE = (132, 38)
Steps = Callable[[Pilot], Awaitable[None]]


async def main_view(pilot: Pilot) -> None:
    await pilot.press("down", "down", "space", "down", "space")


async def pinyin_search(pilot: Pilot) -> None:
    await type_query(pilot, "nhsdp")
    await pilot.press("escape")


async def campaign_tab(pilot: Pilot) -> None:
    # Every campaign with its works (0 included); the highlighted one's card in the details.
    await pilot.press("2")
    await settle(pilot)


async def details(pilot: Pilot) -> None:
    await type_query(pilot, "wodealetai")
    await pilot.press("escape", "enter")


async def facets(pilot: Pilot) -> None:
    await pilot.press("f")
    await settle(pilot)
    await pilot.press("down", "enter")


async def export_dialog(pilot: Pilot) -> None:
    await pilot.press("space", "space", "space", "e")


async def help_screen(pilot: Pilot) -> None:
    await pilot.press("question_mark")


async def palette(pilot: Pilot) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"beijing")


async def stats_tab(pilot: Pilot) -> None:
    await type_query(pilot, "type:micro-drama | type:variety")
    await pilot.press("escape", "7")


async def english_view(pilot: Pilot) -> None:
    await pilot.press("L", "t")
    await settle(pilot)
    await type_query(pilot, "campaign:travel")
    await pilot.press("escape")


async def reader(pilot: Pilot) -> None:
    await pilot.press("7")
    await settle(pilot)
    await pilot.press("j", "j", "r")


async def people_tab(pilot: Pilot) -> None:
    # The people the articles name, each with the works their statements are about.
    await pilot.press("8")
    await settle(pilot)
    await pilot.press("j", "j", "j", "j", "j", "j")


SHOTS: dict[str, tuple[Steps, tuple[int, int]]] = {
    "main": (main_view, SIZE),
    "pinyin-search": (pinyin_search, SIZE),
    "campaign-tab": (campaign_tab, SIZE),
    "details": (details, SIZE),
    "facets": (facets, SIZE),
    "export-dialog": (export_dialog, SIZE),
    "help": (help_screen, SIZE),
    "palette": (palette, SIZE),
    "narrow-80x24": (pinyin_search, (80, 24)),
    "stats": (stats_tab, SIZE),
    "english": (english_view, SIZE),
    "reader": (reader, SIZE),
    "people-tab": (people_tab, SIZE),
}


# One text run of Rich's SVG export: <text class=… x=… y=… textLength=… clip-path=…>text</text>.
TEXT_RUN = re.compile(
    r'<text (?P<before>[^>]*?)x="(?P<x>[\d.]+)"(?P<middle>[^>]*?) textLength="(?P<length>[\d.]+)"(?P<after>[^>]*)>(?P<text>[^<]*)</text>'
)


def place_in_cells(svg: str) -> str:
    """Give every character of every text run its own x, by terminal cells.

    Rich sizes each run with textLength = characters × cell width, so a browser squeezes a run of
    Chinese (two cells a character) into half its room, glyphs overlapping. Positions per character
    put each glyph in its own cells whatever font the browser picks, and textLength goes.
    """

    def place(run: re.Match[str]) -> str:
        text = html.unescape(run["text"])
        cell = float(run["length"]) / len(text)
        x, positions = float(run["x"]), []
        for char in text:
            positions.append(f"{x:g}")
            x += cell * cell_len(char)
        escaped = html.escape(text, quote=False).replace("\xa0", "&#160;")
        attributes = f'{run["before"]}x="{" ".join(positions)}"{run["middle"]}{run["after"]}'
        return f"<text {attributes}>{escaped}</text>"

    return TEXT_RUN.sub(place, svg)


async def shoot(name: str, steps: Steps, size: tuple[int, int], store: Path) -> Path:
    # Chinese first, as most users read it; the "english" shot switches with the L key.
    app = CatalogApp(catalog_path=ROOT / "catalog.yaml", db_path=str(store / f"{name}.json"), language="zh")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await steps(pilot)
        await settle(pilot)
        await pilot.pause(0.3)
        path = HERE / f"{name}.svg"
        path.write_text(place_in_cells(app.export_screenshot()), encoding="utf-8")
        return path


async def run(names: list[str]) -> None:
    # The export dialog suggests a file in the current folder: the home folder, as for a user, not
    # the throw-away one.
    os.chdir(Path.home())
    with tempfile.TemporaryDirectory() as store:
        for name in names:
            steps, size = SHOTS[name]
            print(await shoot(name, steps, size, Path(store)))


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1:] or list(SHOTS)))
