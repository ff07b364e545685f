"""`catalog-tui serve` end to end: the real server, Debian's Chromium (headless), real key presses.

The page is textual-serve's xterm.js terminal, which paints onto a canvas, so the screen is read
from the terminal's own text buffer (`buffer.active.getLine(y).translateToString()`), the same
cells the canvas shows. textual-serve keeps its Terminal object private; an init script catches it
when the page assigns `this.terminal = new Terminal(...)`. Every wait is bounded, the page may
reach nothing but the loopback server, and the server is always stopped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
PROJECT = Path(__file__).resolve().parent.parent
SCREENSHOT = PROJECT / "screenshots" / "browser.png"
TIMEOUT_S = 60
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="needs the playwright package: pip install '.[test]'"
)
pytest.importorskip("textual_serve", reason="needs textual-serve: pip install '.[test]'")

from catalog_tui.cli import main  # noqa: E402
from catalog_tui.screens.browser import HEADER_ICON  # noqa: E402

# Runs before the page's own scripts: keep the xterm.js Terminal that textual.js creates (it does
# `this.terminal = new Terminal(...)`), and read its screen: as plain text, and as text with colours
# (to notice a change that is only a colour, such as the cursor arriving in the search bar).
CAPTURE_TERMINAL = """
(() => {
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
      if (!window.__catalogTerminal && value && value.buffer && value.buffer.active) {
        window.__catalogTerminal = value;
      }
    },
  });
  const lines = () => {
    const term = window.__catalogTerminal;
    if (!term) return [];
    const buffer = term.buffer.active;
    return Array.from({length: term.rows}, (_, y) => buffer.getLine(buffer.viewportY + y)).filter(Boolean);
  };
  window.__catalogScreen = () => lines().map(line => line.translateToString(true)).join("\\n");
  window.__catalogCells = () => lines().map(line => {
    const cells = [];
    for (let x = 0; x < line.length; x++) {
      const cell = line.getCell(x);
      cells.push(cell.getChars() + cell.getFgColor() + "/" + cell.getBgColor() + (cell.isInverse() ? "i" : ""));
    }
    return cells.join(" ");
  }).join("\\n");
  // True once the screen (text and colours) has not changed for `ms` milliseconds.
  window.__catalogQuietFor = ms => {
    const now = window.__catalogCells();
    if (now !== window.__catalogLast) {
      window.__catalogLast = now;
      window.__catalogChanged = performance.now();
    }
    return performance.now() - window.__catalogChanged >= ms;
  };
})();
"""
# The search bar's count, "shown / total 部作品" (or "… works" in English).
COUNT = r"(?<![\d,]){shown} / {total} (?:部作品|works)"
ALL_SHOWN = COUNT.format(shown=r"([\d,]+)", total=r"\1")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not listen on port {port} within {TIMEOUT_S} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """`catalog-tui serve` on a free loopback port, with a throw-away store; yields (url, db, log)."""
    db = tmp_path / "store" / "store.json"
    db.parent.mkdir()
    log = tmp_path / "server.log"
    port = free_port()
    env = dict(os.environ, CATALOG_TUI_DB=str(db), CATALOG_TUI_LANG="zh", PYTHONUNBUFFERED="1")
    argv = [sys.executable, "-m", "catalog_tui", "serve", "--port", str(port), "--db", str(db)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_for_port(port, process, log)
        yield served_address(log), db, log
    finally:
        process.terminate()  # SIGTERM: textual-serve shuts down and stops the app processes
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this test started, app processes too
            process.wait(timeout=15)


def served_address(log: Path) -> str:
    """The address with its token, as `serve` printed it (it listens before it prints)."""
    for _ in range(TIMEOUT_S * 10):
        if found := re.search(r"serving on (\S+)", log.read_text(errors="replace")):
            return found[1]
        time.sleep(0.1)
    pytest.fail(f"the server never printed its address:\n{log.read_text(errors='replace')}")


# Draws a character in the terminal's fonts; a character no font has draws the same box as U+E000.
GLYPH_DRAWN = """
char => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const context = canvas.getContext("2d");
  context.font = "40px " + window.__catalogTerminal.options.fontFamily;
  const draw = text => {
    context.clearRect(0, 0, 64, 64);
    context.fillText(text, 8, 48);
    return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
  };
  return draw(char) !== draw("\\ue000") && draw(char) !== draw(" ");
}
"""


def wait_until(page, what: str, script: str, arg: object = None) -> None:
    """Wait (bounded) until `script` (a JS function of `arg`) is true in the page, or fail on `what`."""
    try:
        page.wait_for_function(script, arg=arg, polling=100, timeout=TIMEOUT_S * 1000)
    except sync_api.TimeoutError:
        shown = page.evaluate("window.__catalogScreen()")
        found = "" if page.evaluate("!!window.__catalogTerminal") else " (no xterm.js terminal found)"
        pytest.fail(f"{what} within {TIMEOUT_S} s{found}; the page showed:\n{shown}")


def wait_for_screen(page, *patterns: str) -> str:
    """Wait until the terminal shows text matching every pattern (JS syntax, multiline); return it."""
    wait_until(
        page, f"the page never showed {patterns}",
        "patterns => patterns.every(p => new RegExp(p, \"m\").test(window.__catalogScreen()))", list(patterns),
    )  # fmt: skip
    return page.evaluate("window.__catalogScreen()")


def search(query: str, db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """What `catalog-tui search` finds in the store the server uses."""
    assert main(["search", query, "--format", "json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)["works"]


def test_serve_in_chromium(server: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    address, db, log = server
    url = address.split("?")[0]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_S * 1000
        )
        try:
            expected, expected_all = search("nhsdp", db, capsys), search("", db, capsys)
            assert "你好，苏东坡" in [work["title"] for work in expected]
            assert 0 < len(expected) < len(expected_all)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(TIMEOUT_S * 1000)
            # Nothing but the server: every request elsewhere is refused and counted.
            elsewhere: list[str] = []

            def only_the_server(route) -> None:
                if route.request.url.startswith(url):
                    route.continue_()
                else:
                    elsewhere.append(route.request.url)
                    route.abort()

            page.route("**/*", only_the_server)
            page.add_init_script(CAPTURE_TERMINAL)
            page.goto(address)

            start = page.locator("#start")  # textual-serve's Start button, shown only with ?delay
            if start.is_visible():
                page.keyboard.press("Tab")
                page.keyboard.press("Enter")

            # The catalogue is on screen: every work counted ("64 / 64 部作品") and the list filled in.
            total = int(re.search(ALL_SHOWN, wait_for_screen(page, ALL_SHOWN))[1].replace(",", ""))
            assert total == len(expected_all), "the page lists another catalogue than the store holds"
            titles = [work["title"] for work in expected_all]
            assert elsewhere == [], "the page asked another host"
            # The header's icon is a character the page's fonts can draw, not an empty box.
            icon = page.evaluate("window.__catalogScreen()").lstrip()[0]
            assert icon == HEADER_ICON and page.evaluate(GLYPH_DRAWN, icon), f"{icon!r} is not drawn"
            wait_until(
                page, "the list never filled in",
                "titles => titles.filter(t => window.__catalogScreen().includes(t)).length >= 5", titles,
            )  # fmt: skip
            # xterm.js takes its keys through a textarea, the page's one stop for Tab. Focusing it also
            # tells the app it has the focus (which it shows), so let the screen settle before typing.
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.className")
            assert "xterm-helper-textarea" in focused, f"Tab focused {focused!r}, not the terminal"
            wait_until(page, "the screen never settled", "() => window.__catalogQuietFor(500)")
            # `/` focuses the search bar. Textual moves the focus after handling the key, so keys sent
            # at machine speed could overtake it: wait until the screen shows the change (the cursor in
            # the search bar, the footer's keys), as a person would, then type.
            before = page.evaluate("window.__catalogCells()")
            page.keyboard.press("/")
            wait_until(page, "`/` changed nothing", "before => window.__catalogCells() !== before", before)
            page.keyboard.type("nhsdp", delay=20)

            # The list narrows to what the engine finds for the same query in the same store.
            shown = COUNT.format(shown=f"{len(expected):,}", total=f"{total:,}")
            wait_for_screen(page, shown, r"^\W*nhsdp\b", "你好，苏东坡")  # the query starts its row

            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()
    assert "Traceback" not in log.read_text(errors="replace")
