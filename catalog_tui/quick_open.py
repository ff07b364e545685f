"""Opening an up-to-date store before the first frame, so the browser needs no loading screen.

A catalogue of at most SMALL_CATALOGUE bytes whose store snapshot is current opens in a few
milliseconds (the bundled one) to a few tenths of a second (100,000 works with long texts, 73 MiB:
0.25 s of CPU, the warm-up coming after the list): the app shows the list directly, sooner than
the loading screen's own frames and worker would (0.4 s sooner at 100,000 works, measured in a
terminal). Anything else (a seed to do, a damaged store, an error to explain, a larger catalogue,
whose open is long enough to want a progress bar, a pipe) is left to the loading screen,
untouched: the open is given up at the store's first step of a seed, before the store changes
anything.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.library import Library

# Bytes. The bundled catalogue is about 0.1 MiB; 100,000 generated works with long texts 73 MiB,
# a million with the default texts 735 MiB (2 s to open: the loading screen shows progress).
SMALL_CATALOGUE = 96 << 20
UP_TO_DATE_STAGES = frozenset({"reading store"})  # the store's progress when it reads its snapshot


class _SeedNeeded(Exception):
    """The store reported a stage of seeding: the loading screen will do it, with its progress."""


def _only_reading(stage: str, done: int, total: int) -> None:
    if stage not in UP_TO_DATE_STAGES:
        raise _SeedNeeded(stage)


def open_if_up_to_date(catalog_path: Path, db_path: str | None) -> Library | None:
    """The opened library when the catalogue is a small regular file and the store is up to date
    for it; None otherwise (nothing changed)."""
    try:
        found = os.stat(catalog_path)
        if not stat.S_ISREG(found.st_mode) or found.st_size > SMALL_CATALOGUE:
            return None
        from .core.library import Library
        from .core.store import resolve_db_path

        if not resolve_db_path(db_path).exists():  # the first run: a seed, with its progress
            return None
        library = Library.open(catalog_path, db_path, progress=_only_reading)
    except Exception:  # a seed to do, or an error: the loading screen opens again and explains it
        return None
    if library.report.seeded or library.report.backups or library.report.damage:
        library.close()  # cannot happen without a seed stage; the loading screen says what happened
        return None
    return library  # warmed up by the browser, in a worker, once the list is painted
