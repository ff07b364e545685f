"""Where an export goes: only a regular file, only where the user said, atomically, with the umask.

- A new file gets the permissions the umask allows (like any file a program creates); a replaced
  file keeps its own.
- An existing file is replaced only when asked (`overwrite`), and only if it is a regular file
  the user may write (a read-only file is left alone): folders, devices, FIFOs and sockets are
  refused, and so is a symbolic link (replacing the link
  would leave its target as it was, writing through it would put the export where the user did not
  name; so neither: give the real path).
- The format comes from `--format` or the name's suffix; a name with neither is refused rather
  than guessed. A name ending in `/` names a folder and is refused.
- Whatever fails, nothing is left at the target (an existing file keeps its content) and no
  temporary file stays behind. Messages show names with control characters made visible.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write_bytes, remove_stale_temporaries
from .export import (
    FORMATS,
    SUFFIXES,
    ExportError,
    ExportProgress,
    counts,
    render_pieces,
    selection,
)
from .export_tally import Tally
from .model import Catalog, Figure, Work
from .text import safe_display

NEW_FILE_MODE = 0o666  # less the umask, as open() and every shell redirection do


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    count: int
    format: str
    counts: dict[str, int] = field(default_factory=dict, compare=False)  # by section


def format_for(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The format asked for, else the one the file name's suffix says; else an ExportError."""
    if explicit:
        if explicit not in FORMATS:
            raise ExportError(f"unknown format '{explicit}' (choose one of {', '.join(FORMATS)})")
        return explicit
    found = SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise ExportError(
            f"cannot tell the format of {shown(path)}: name it .yaml, .yml, .json or .csv, "
            f"or give --format ({', '.join(FORMATS)})"
        )
    return found


def shown(path: str | os.PathLike[str]) -> str:
    """A path as a message can show it: control characters made visible."""
    return safe_display(os.fsdecode(path))


def check_target(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """The target as a Path, if an export may be written there; else an ExportError saying why."""
    raw = os.fsdecode(path)
    if raw.endswith(("/", os.sep)) or (os.altsep and raw.endswith(os.altsep)):
        raise ExportError(
            f"{shown(raw)} names a folder; give a file name in it, such as {shown(raw)}export.yaml"
        )
    try:
        target = Path(raw).expanduser()
        try:
            status = os.lstat(target)
        except FileNotFoundError:
            status = None
        if status is not None:
            kind = _kind(status.st_mode)
            if kind == "a folder":
                raise ExportError(f"{shown(target)} is a folder; give a file name")
            if kind is not None:
                raise ExportError(
                    f"{shown(target)} is {kind}, not a regular file; exports write only regular files"
                )
            if not overwrite:
                raise ExportError(
                    f"{shown(target)} already exists; choose another name or overwrite it (--force)"
                )
            if not os.access(target, os.W_OK):  # its owner made it read-only; --force does not undo that
                raise ExportError(f"{shown(target)} is read-only; nothing was written")
        if not target.parent.is_dir():
            raise ExportError(f"the folder {shown(target.parent)} does not exist")
    except (ValueError, RuntimeError) as error:  # a NUL in the name; `~` with no home folder
        raise ExportError(f"cannot use {shown(raw)} as a file name: {error}") from None
    except OSError as error:  # checking the name failed: too long, a loop of links, no access …
        raise ExportError(failure(error, Path(raw))) from None
    return target


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link (give the path of the file it points to)"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def write_export(target: Path, payload: bytes | Iterable[bytes], overwrite: bool) -> None:
    """Write `payload` (bytes, or pieces written as they are rendered) atomically to `target`,
    first removing what an interrupted export left beside it (the store cleans its own folder
    when it opens, not on every selection write)."""
    remove_stale_temporaries(target.parent)
    try:
        atomic_write_bytes(target, payload, overwrite=overwrite, mode=NEW_FILE_MODE)
    except FileExistsError:
        raise ExportError(f"{shown(target)} appeared while exporting and was left as it is; "
                          "choose another name or overwrite it (--force)") from None  # fmt: skip
    except PermissionError:
        raise ExportError(f"no permission to write in {shown(target.parent)}; nothing was written") from None
    except ValueError as error:  # a NUL in the name only shows when the file is created
        raise ExportError(f"cannot use {shown(target)} as a file name: {error}") from None
    except OSError as error:
        raise ExportError(failure(error, target)) from None


def export_works(
    catalog: Catalog,
    works: Sequence[Work] | None,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    section: str = "works",
    query: str = "",
    overwrite: bool = False,
    figures: Sequence[Figure] | None = None,
    progress: ExportProgress | None = None,
) -> ExportResult:
    """Write an export (see export.py) of `section` to `path` (`~` expanded); refuses to replace an
    existing file unless asked. The export is rendered a few hundred records at a time straight
    into the temporary file, so memory stays bounded; `progress(done, total)` follows it, counted
    in records: the passes over them before writing (see export.Tally), then the records written.
    Raises ExportError, whose message says what happened and where."""
    target = check_target(path, overwrite)
    chosen = format_for(target, fmt)
    # One progress over the whole export: the passes over the records, then the records written.
    tally = None if progress is None else Tally(progress, chosen, section)
    records = selection(catalog, section, works, figures, tally)
    pieces = render_pieces(catalog, records, chosen, section=section, query=query, tally=tally)
    write_export(target, pieces, overwrite)
    written = counts(records, section)
    return ExportResult(target, sum(written.values()), chosen, written)


def failure(error: OSError, target: Path) -> str:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"the disk is full: {shown(target)} was not written"
    if error.errno == errno.EROFS:
        return f"the folder {shown(target.parent)} is on a read-only disk: {shown(target)} was not written"
    return f"could not write {shown(target)}: {error.strerror or error}; nothing was written"
