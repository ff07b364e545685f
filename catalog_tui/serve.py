"""`catalog-tui serve`: the same app in a web page, through textual-serve (an optional extra).

textual-serve runs a web server; every browser tab that connects starts its own app process with
the command built here, and talks to it through xterm.js over a websocket. Each tab can do all the
user can (export writes files on the server), so every request must prove it comes from the person
who started the server: a secret token made at each start (printed with the address, as Jupyter
does), a Host that names this server (no DNS rebinding) and, when a browser says where the request
comes from, an Origin of this server (no cross-site websocket). Sessions are limited in number.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import shlex
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MISSING = (
    "the serve command needs textual-serve: pip install 'catalog-tui[serve]'"
    " (in a source checkout: pip install '.[serve]')"
)
TEMPLATES = Path(__file__).resolve().parent / "web"
DEFAULT_MAX_SESSIONS = 4
TOKEN_PARAMETER = "token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


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


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Gate:
    """Who may talk to the server: the token, the Hosts that name it and the Origins it serves."""

    def __init__(self, token: str, host: str, port: int, public_url: str) -> None:
        self.token = token
        self.cookie = f"catalog-tui-token-{port}"  # cookies ignore the port: one per server
        self.secure = public_url.startswith("https:")
        public = urlsplit(public_url)
        default_port = 443 if public.scheme == "https" else 80
        names = {public.netloc.lower()}
        if public.port is None:
            names.add(f"{public.hostname}:{default_port}")
        names.add(urlsplit(url(host, port)).netloc.lower())
        if is_loopback(host):
            names.update(f"{name}:{port}" for name in LOOPBACK_NAMES)
        self.hosts = frozenset(names)
        origins = {f"{public.scheme}://{public.netloc.lower()}", f"http://{urlsplit(url(host, port)).netloc}"}
        if is_loopback(host):
            origins.update(f"http://{name}:{port}" for name in LOOPBACK_NAMES)
        self.origins = frozenset(origins)

    def host_allowed(self, host: str | None) -> bool:
        return host is not None and host.lower() in self.hosts

    def origin_allowed(self, origin: str | None) -> bool:
        return origin is not None and origin.lower().rstrip("/") in self.origins

    def token_matches(self, offered: str | None) -> bool:
        # Constant time: how long a guess took says nothing about how much of it was right.
        return offered is not None and hmac.compare_digest(offered.encode(), self.token.encode())

    def refusal(self, headers: Any, query: Any, cookies: Any) -> str | None:
        """Why a request is refused, or None when it may go ahead."""
        if not self.host_allowed(headers.get("Host")):
            return "this server does not answer to that host name"
        origin = headers.get("Origin")
        websocket = headers.get("Upgrade", "").lower() == "websocket"
        if (origin is not None or websocket) and not self.origin_allowed(origin):
            return "requests from other web sites are refused"
        authorization = headers.get("Authorization", "")
        offered = [query.get(TOKEN_PARAMETER), cookies.get(self.cookie)]
        if authorization.lower().startswith("token "):
            offered.append(authorization[6:].strip())
        if not any(self.token_matches(token) for token in offered):
            return "open the address that `catalog-tui serve` printed, with its ?token=…"
        return None


def make_server(
    command: str,
    host: str,
    port: int,
    *,
    public_url: str | None = None,
    token: str | None = None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> Any:
    """textual-serve's Server with our page, the gate in front of every route and a session limit."""
    try:
        from aiohttp import web
        from textual_serve.server import Server
    except ImportError as error:
        raise MissingDependency(MISSING) from error

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

    class GuardedServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title="catalog-tui",
                             public_url=public_url or url(host, port), templates_path=TEMPLATES)  # fmt: skip
            self.gate = Gate(token or secrets.token_urlsafe(32), host, port, self.public_url)
            self.max_sessions = max_sessions
            self.sessions = 0

        @property
        def address(self) -> str:
            """Where to point a browser: the public address with the token."""
            return f"{self.public_url.rstrip('/')}/?{TOKEN_PARAMETER}={self.gate.token}"

        async def make_app(self) -> web.Application:
            """The aiohttp application, every route behind the gate."""
            app = await super()._make_app()
            app.middlewares.append(self.guard)
            return app

        async def _make_app(self) -> web.Application:  # what Server.serve() runs
            return await self.make_app()

        @web.middleware
        async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
            reason = self.gate.refusal(request.headers, request.query, request.cookies)
            if reason is not None:
                raise web.HTTPForbidden(text=f"catalog-tui: {reason}\n")
            response = await handler(request)
            if request.cookies.get(self.gate.cookie) != self.gate.token and not response.prepared:
                # Later requests (the page's scripts, its websocket) carry the token by themselves.
                response.set_cookie(self.gate.cookie, self.gate.token, path="/", httponly=True,
                                    samesite="Strict", secure=self.gate.secure)  # fmt: skip
            return response

        def full(self) -> str | None:
            if self.sessions < self.max_sessions:
                return None
            return (f"catalog-tui: all {self.max_sessions} sessions are in use; "
                    "close another tab, then reload this page\n")  # fmt: skip

        async def handle_index(self, request: web.Request) -> Any:
            if message := self.full():  # say so on the page, before the terminal tries to connect
                raise web.HTTPServiceUnavailable(text=message)
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if message := self.full():
                raise web.HTTPServiceUnavailable(text=message)
            self.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

        async def on_startup(self, app: web.Application) -> None:  # replaces textual-serve's banner
            print(f"catalog-tui: serving on {self.address} (Ctrl+C to stop)", flush=True)

    return GuardedServer()


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    catalog: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    *,
    public_url: str | None = None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> None:
    """Serve the app at http://HOST:PORT until interrupted (Ctrl+C or SIGTERM)."""
    server = make_server(app_command(catalog, db, lang), host, port, public_url=public_url,
                         max_sessions=max_sessions)  # fmt: skip
    # Bind once first, so a busy port fails with one clear error before "serving on" is printed.
    with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
        pass
    server.serve()
