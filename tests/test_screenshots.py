"""The README's screenshots: legible in a real browser, and showing nothing from the run that made them."""

from __future__ import annotations

import importlib.util
import itertools
import tempfile
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHOTS = sorted((PROJECT / "screenshots").glob("*.svg"))
CHROMIUM = Path("/usr/bin/chromium")
# A known title and the shot that lists it (the query nhsdp finds it).
TITLE, SHOT = "你好，苏东坡", PROJECT / "screenshots" / "pinyin-search.svg"


def generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", PROJECT / "screenshots" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_every_shot_is_there() -> None:
    assert {shot.stem for shot in SHOTS} >= set(generate_module().SHOTS)


@pytest.mark.parametrize("shot", SHOTS, ids=lambda shot: shot.name)
def test_no_shot_sizes_text_by_characters_or_shows_a_temporary_path(shot: Path) -> None:
    svg = shot.read_text(encoding="utf-8")
    assert "textLength" not in svg
    assert tempfile.gettempdir() not in svg and "/tmp/" not in svg


def test_place_in_cells_puts_each_character_in_its_cells() -> None:
    # A run as Rich writes it: 12.2 px a cell, textLength by characters (4 × 12.2).
    run = '<text class="r1" x="24.4" y="20" textLength="48.8" clip-path="url(#line-0)">苏&#160;a&amp;</text>'
    placed = generate_module().place_in_cells(run)
    assert (
        placed
        == '<text class="r1" x="24.4 48.8 61 73.2" y="20" clip-path="url(#line-0)">苏&#160;a&amp;</text>'
    )


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM}")
def test_chinese_title_keeps_its_cells_in_chromium() -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright: pip install '.[test]'")
    columns = generate_module().SHOTS[SHOT.stem][1][0]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1700, "height": 1000})
            page.route("**/*", lambda route: route.abort())  # nothing but the SVG itself (no web fonts)
            page.set_content(SHOT.read_text(encoding="utf-8"))
            # The glyph boxes of the first run that shows the title, and the width of one cell.
            measured = page.evaluate(
                """([title, columns]) => {
                    const run = [...document.querySelectorAll("text")].find(t => t.textContent.startsWith(title));
                    if (!run) return null;
                    const clip = document.querySelector("clipPath rect");
                    const boxes = [...title].map((_, i) => {
                        const box = run.getExtentOfChar(i);
                        return [box.x, box.width];
                    });
                    return {boxes, cell: clip.width.baseVal.value / columns};
                }""",
                [TITLE, columns],
            )
        finally:
            browser.close()
    assert measured is not None, f"{SHOT.name} does not show {TITLE}"
    boxes, cell = measured["boxes"], measured["cell"]
    assert all(width > 0 for _x, width in boxes)
    for (x, width), (next_x, _width) in itertools.pairwise(boxes):
        assert x + width <= next_x + 0.5, f"glyphs overlap in {TITLE}: {boxes}"
    # Squeezed by character count, the title would take 6 cells of the 12 the terminal gives it.
    rendered = boxes[-1][0] + boxes[-1][1] - boxes[0][0]
    assert (cells(TITLE) - 1) * cell <= rendered <= cells(TITLE) * cell + 0.5
