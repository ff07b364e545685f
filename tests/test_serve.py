"""`catalog-tui serve` without a browser: arguments, the app command, and every way it can fail.

The end-to-end run in Chromium is tests/test_browser.py.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import socket
import sys
from pathlib import Path

import pytest

from catalog_tui import serve as serve_module
from catalog_tui.cli import build_parser, main

# The CLI messages these tests read are the English ones.
pytestmark = pytest.mark.usefixtures("english")


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
