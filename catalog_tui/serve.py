"""`catalog-tui serve`: the same app in a web page, through textual-serve (an optional extra).

textual-serve runs a web server; every browser tab that connects starts its own app process with
the command built here, and talks to it through xterm.js over a websocket.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

MISSING = (
    "the serve command needs textual-serve: pip install 'catalog-tui[serve]'"
    " (in a source checkout: pip install '.[serve]')"
)


class MissingDependency(Exception):
    """textual-serve is not installed; the message says how to install it."""


def available() -> bool:
    """Whether textual-serve can be imported."""
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        return False
    return True


def app_command(
    catalog: str | os.PathLike[str] | None, db: str | os.PathLike[str] | None, lang: str | None = None
) -> str:
    """The shell command that starts one app process (textual-serve runs it through the shell)."""
    argv = [sys.executable, "-m", "catalog_tui"]
    if lang:
        argv += ["--lang", lang]
    if catalog:
        argv += ["--catalog", str(Path(catalog).expanduser().resolve())]
    if db:
        argv += ["--db", str(Path(db).expanduser().resolve())]
    if os.name == "nt":  # pragma: no cover - cmd.exe quoting
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    catalog: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    lang: str | None = None,
) -> None:
    """Serve the app at http://HOST:PORT until interrupted (Ctrl+C or SIGTERM)."""
    try:
        from textual_serve.server import Server
    except ImportError as error:
        raise MissingDependency(MISSING) from error

    # Bind once first, so a busy port fails with one clear error before "serving on" is printed.
    with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
        pass

    class _Server(Server):
        async def on_startup(self, app) -> None:  # replaces textual-serve's logo banner
            print(f"catalog-tui: serving on {self.public_url} (Ctrl+C to stop)", flush=True)

    _Server(
        app_command(catalog, db, lang), host=host, port=port, title="catalog-tui", public_url=url(host, port)
    ).serve()
