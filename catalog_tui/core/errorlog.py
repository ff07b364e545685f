"""The log of unexpected errors: where it lives and how a traceback is added to it."""

from __future__ import annotations

import datetime
from pathlib import Path

from .atomic import atomic_write_bytes

KEEP_BYTES = 256 * 1024  # the newest part of the log is kept; older reports are dropped


def log_path() -> Path:
    """catalog-tui.log in the platform's user log folder."""
    from platformdirs import user_log_path

    return user_log_path("catalog-tui", appauthor=False) / "catalog-tui.log"


def add_to_log(report: str, path: Path | None = None) -> Path:
    """Append a dated report to the log (rewritten atomically, its newest part kept); returns
    its path. Raises OSError when it cannot be written."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = b""
    if len(old) > KEEP_BYTES:
        old = old[-KEEP_BYTES:].partition(b"\n")[2]  # from a line's start
    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    atomic_write_bytes(path, old + f"--- {stamp}\n{report.rstrip()}\n".encode())
    return path
