"""`catalog-tui serve` without a browser: arguments, the app command, and every way it can fail.

The end-to-end run in Chromium is tests/test_browser.py.
"""

from __future__ import annotations

import asyncio
import gc
import re
import shlex
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from catalog_tui import serve as serve_module
from catalog_tui.cli import build_parser, main

# The CLI messages these tests read are the English ones.
pytestmark = [
    pytest.mark.usefixtures("english"),
    # textual-serve leaves a finished app's subprocess transport to the garbage collector, which may
    # run after a test's event loop closed: asyncio then reports it, harmlessly, as unraisable.
    pytest.mark.filterwarnings("ignore:Exception ignored in. <function BaseSubprocessTransport.__del__"),
]


def test_serve_options() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 8000)  # loopback by default
    args = build_parser().parse_args(["--db", "a.json", "serve", "--host", "::1", "--port", "9000"])
    assert (args.host, args.port, args.db) == ("::1", 9000, "a.json")


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_serve_rejects_a_bad_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", port])
    assert exit_info.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_app_command_quotes_paths(tmp_path: Path) -> None:
    odd = tmp_path / 'it\'s a "dir" $HOME; rm -rf'
    command = serve_module.app_command(odd / "目录.yaml", odd / "store.json")
    assert shlex.split(command) == [
        sys.executable, "-m", "catalog_tui",
        "--catalog", str(odd / "目录.yaml"), "--db", str(odd / "store.json"),
    ]  # fmt: skip
    assert shlex.split(serve_module.app_command(None, None)) == [sys.executable, "-m", "catalog_tui"]
    assert shlex.split(serve_module.app_command(None, None, "en"))[3:] == ["--lang", "en"]


def test_url_brackets_ipv6() -> None:
    assert serve_module.url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert serve_module.url("::1", 8000) == "http://[::1]:8000"


def test_serve_without_textual_serve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # makes `import textual_serve...` fail
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "textual-serve" in err and "pip install '.[serve]'" in err
    with pytest.raises(serve_module.MissingDependency):
        serve_module.serve()


def test_serve_runs_the_app_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], catalog_file: Path, db_path: Path
) -> None:
    server_module = pytest.importorskip("textual_serve.server")
    started: dict[str, object] = {}

    class FakeServer:
        def __init__(self, command: str, **options: object) -> None:
            started.update(options, command=command)
            self.public_url = options["public_url"]

        def serve(self) -> None:  # what textual-serve does first once it listens
            asyncio.run(self.on_startup(None))  # type: ignore[attr-defined]

    monkeypatch.setattr(server_module, "Server", FakeServer)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = ["--catalog", str(catalog_file), "--db", str(db_path)]
    assert main(["--lang", "en", "serve", "--port", str(port), *store]) == 0
    assert started["command"] == serve_module.app_command(catalog_file, db_path, "en")
    assert (started["host"], started["port"]) == ("127.0.0.1", port)
    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"catalog-tui: serving on http://127\.0\.0\.1:{port}/\?token=[\w-]{{43}} \(Ctrl\+C to stop\)\n", out
    )
    assert db_path.exists(), "the store is seeded before the first page opens"


def test_serve_on_a_busy_port(capsys: pytest.CaptureFixture[str], catalog_file: Path, db_path: Path) -> None:
    pytest.importorskip("textual_serve")
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        code = main(["serve", "--port", str(port), "--catalog", str(catalog_file), "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("catalog-tui: ") and err.count("\n") == 1, err
    assert "in use" in err


def test_serve_with_a_bad_catalogue(
    capsys: pytest.CaptureFixture[str], bad_catalog_file: Path, db_path: Path
) -> None:
    pytest.importorskip("textual_serve")
    assert main(["serve", "--catalog", str(bad_catalog_file), "--db", str(db_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err.splitlines()[-1].startswith("catalog-tui: 2 problem(s)")


# `catalog-tui serve` refuses whoever did not start it: the token, Host, Origin and session limit ----


# Announces itself as a Textual app, greets, and runs until textual-serve says quit (or stdin ends).
STAND_IN_APP = r"""
import sys
out = sys.stdout.buffer
out.write(b"__GANGLION__\n")
greeting = b"hello from the app"
out.write(b"D" + len(greeting).to_bytes(4, "big") + greeting)
out.flush()
while True:
    chunk = sys.stdin.buffer.read1(4096)
    if not chunk or b"quit" in chunk:
        break
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[TestClient, object]]:
    """A client of the guarded server on 127.0.0.1 (at most 2 sessions), and the server."""
    script = tmp_path / "stand_in_app.py"
    script.write_text(STAND_IN_APP)
    port = free_port()
    server = serve_module.make_server(f"{sys.executable} {script}", "127.0.0.1", port, max_sessions=2)
    client = TestClient(TestServer(await server.make_app(), host="127.0.0.1", port=port))
    await client.start_server()
    try:
        yield client, server
    finally:
        await client.close()
        await sessions_below(server, 1)
        # textual-serve leaves each finished app's subprocess transport to the garbage collector:
        # collect it while the loop still runs, not after the test's loop has closed.
        gc.collect()
        await asyncio.sleep(0)


async def sessions_below(server: object, limit: int) -> None:
    """Let the server notice closed websockets (a bounded number of turns, never a duration)."""
    for _ in range(200):
        if server.sessions < limit:  # type: ignore[attr-defined]
            return
        await asyncio.sleep(0.01)


def origin(client: TestClient) -> str:
    return f"http://127.0.0.1:{client.port}"


async def refused(client: TestClient, path: str = "/ws", **headers: str) -> int:
    """The HTTP status with which a websocket handshake is refused (fails if it is accepted)."""
    with pytest.raises(aiohttp.WSServerHandshakeError) as refusal:
        await client.ws_connect(path, headers=headers)
    return refusal.value.status


async def first_output(websocket: aiohttp.ClientWebSocketResponse) -> bytes:
    message = await websocket.receive(timeout=30)
    assert message.type == aiohttp.WSMsgType.BINARY, message
    return message.data


async def test_the_token_is_new_at_every_start_and_printed_with_the_address() -> None:
    first = serve_module.make_server("true", "127.0.0.1", 8000)
    second = serve_module.make_server("true", "127.0.0.1", 8000)
    assert first.gate.token != second.gate.token and len(first.gate.token) >= 32
    assert first.address == f"http://127.0.0.1:8000/?token={first.gate.token}"


async def test_the_page_needs_the_token(served: tuple[TestClient, object]) -> None:
    client, server = served
    assert (await client.get("/")).status == 403
    assert (await client.get("/?token=not-the-token")).status == 403
    assert (await client.get("/static/js/textual.js")).status == 403
    page = await client.get(f"/?token={server.gate.token}")
    assert page.status == 200
    assert server.gate.cookie in page.cookies
    cookie = page.cookies[server.gate.cookie]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    # The cookie stands in for the token from then on: the page's script and stylesheet load.
    assert (await client.get("/static/js/textual.js")).status == 200
    assert (await client.get("/")).status == 200


async def test_a_websocket_without_the_token_is_refused(served: tuple[TestClient, object]) -> None:
    client, server = served
    assert await refused(client, Origin=origin(client)) == 403
    assert await refused(client, "/ws?token=guess", Origin=origin(client)) == 403
    assert server.sessions == 0


async def test_a_websocket_from_a_foreign_origin_is_refused(served: tuple[TestClient, object]) -> None:
    client, server = served
    token = server.gate.token
    await client.get(f"/?token={token}")  # even with the cookie a visit left behind
    for foreign in ("http://evil.example", f"http://127.0.0.1:{client.port + 1}", "null"):
        assert await refused(client, f"/ws?token={token}", Origin=foreign) == 403
    assert await refused(client, f"/ws?token={token}") == 403  # a websocket must say where it comes from
    assert server.sessions == 0


async def test_a_foreign_host_name_is_refused(served: tuple[TestClient, object]) -> None:
    """DNS rebinding: evil.example resolves to 127.0.0.1, the browser then sends its name as Host."""
    client, server = served
    rebound = f"evil.example:{client.port}"
    page = await client.get(f"/?token={server.gate.token}", headers={"Host": rebound})
    assert page.status == 403
    assert await refused(client, f"/ws?token={server.gate.token}", Host=rebound,
                         Origin=f"http://{rebound}") == 403  # fmt: skip


async def test_the_token_owner_reaches_the_app(served: tuple[TestClient, object]) -> None:
    client, server = served
    await client.get(f"/?token={server.gate.token}")  # the browser's way: the page sets the cookie
    websocket = await client.ws_connect("/ws?width=80&height=24", headers={"Origin": origin(client)})
    try:
        assert await first_output(websocket) == b"hello from the app"
        assert server.sessions == 1
    finally:
        await websocket.close()
    localhost = f"http://localhost:{client.port}"  # loopback under another name is the same server
    websocket = await client.ws_connect(f"/ws?token={server.gate.token}", headers={"Origin": localhost})
    await websocket.close()


async def test_sessions_are_limited(served: tuple[TestClient, object]) -> None:
    client, server = served
    token = server.gate.token
    headers = {"Origin": origin(client)}
    sessions = [await client.ws_connect(f"/ws?token={token}", headers=headers) for _ in range(2)]
    for websocket in sessions:
        await first_output(websocket)
    assert await refused(client, f"/ws?token={token}", **headers) == 503
    page = await client.get(f"/?token={token}")
    assert page.status == 503 and "all 2 sessions are in use" in await page.text()
    await sessions[0].close()
    await sessions_below(server, 2)
    again = await client.ws_connect(f"/ws?token={token}", headers=headers)
    assert await first_output(again) == b"hello from the app"
    await again.close()
    await sessions[1].close()


async def test_the_page_loads_nothing_from_elsewhere(served: tuple[TestClient, object]) -> None:
    client, server = served
    page = await (await client.get(f"/?token={server.gate.token}")).text()
    assert "googleapis" not in page and "gstatic" not in page
    here = f"http://127.0.0.1:{client.port}/"
    assert "fonts/RobotoMono" in page  # the terminal's font, from this server
    for address in re.findall(r"""(?:src=|href=|url\()["']([^"']+)""", page):
        assert address.startswith(here), address


def test_a_proxy_public_url_is_the_allowed_host_and_origin() -> None:
    gate = serve_module.Gate("t" * 43, "127.0.0.1", 8000, "https://catalog.example.org")
    assert gate.host_allowed("catalog.example.org") and gate.host_allowed("127.0.0.1:8000")
    assert gate.origin_allowed("https://catalog.example.org")
    assert not gate.origin_allowed("http://catalog.example.org")  # another origin for a browser
    assert not gate.host_allowed("evil.example") and not gate.origin_allowed("https://evil.example")
    assert gate.secure
    exposed = serve_module.Gate("t" * 43, "0.0.0.0", 8000, "http://192.0.2.7:8000")
    assert not exposed.host_allowed("localhost:8000")  # loopback names only when bound to loopback
    assert exposed.host_allowed("192.0.2.7:8000")
