"""Atomic file writes and a TinyDB storage built on them.

TinyDB's JSONStorage rewrites its file in place, so a crash or a full disk mid-write leaves a
truncated store. Here every write goes to a temporary file in the same folder, is flushed to disk,
and only then replaces the target: readers see the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, the pid and age decide
    fcntl = None  # type: ignore[assignment]

try:  # orjson is several times faster on large stores; plain json is the fallback
    import orjson
except ImportError:  # pragma: no cover - orjson is a declared dependency
    orjson = None  # type: ignore[assignment]


def atomic_write_bytes(
    path: Path, payload: bytes | Iterable[bytes], *, overwrite: bool = True, mode: int | None = None
) -> None:
    """Write `payload` (bytes, or chunks of bytes written as they come, so that a large file
    need not be in memory at once) to `path` all at once or not at all; the folder must exist.

    Whatever goes wrong — a full disk, no permission, an exception or Ctrl-C mid-write — the
    temporary file is removed and `path` keeps its old content (or stays absent). With
    `overwrite=False`, a file that appeared at `path` while the payload was being written is not
    replaced: FileExistsError is raised instead. A new file is private (0600) unless `mode` is
    given: then it gets `mode` less the umask, as open() gives; a replaced file keeps its mode.
    """
    handle, temporary = _create_temporary(path, 0o600 if mode is None else mode)
    try:
        _hold(handle)  # held until closed: a cleaner in another process sees the file is live
        with os.fdopen(handle, "wb") as stream:
            for chunk in (payload,) if isinstance(payload, bytes | bytearray) else payload:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        if os.path.lexists(path):
            if not overwrite:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
            # Keep the permissions a user gave the existing file.
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


# Temporary files are named `.<target>.<random>.<pid>.catalog-tui.tmp` and locked while written, so
# that the next run can tell one a killed writer left (no lock, its process gone, or a day old) from
# one a concurrent writer is still filling.
_TEMPORARY = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.(\d+)\.catalog-tui\.tmp")
_LEGACY_TEMPORARY = "{}\\.[A-Za-z0-9_]{{8}}\\.tmp"  # before pids were in the names: by age alone
STALE_AFTER = 24 * 3600.0
LEGACY_STALE_AFTER = 3600.0


def _temporary_suffix() -> str:
    return f".{os.getpid()}.catalog-tui.tmp"


def _hold(descriptor: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)


def remove_stale_temporaries(folder: Path, legacy_targets: Iterable[str] = ()) -> list[Path]:
    """Remove the temporary files an interrupted write (kill -9, a crash) left in `folder`; never
    one a live writer holds. `legacy_targets`: file names whose unmarked temporaries (written by
    earlier versions) are removed once an hour old. Best effort: what cannot be removed stays."""
    legacy = [re.compile(_LEGACY_TEMPORARY.format(re.escape(f".{name}"))) for name in legacy_targets]
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None and not any(pattern.fullmatch(entry.name) for pattern in legacy):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if match is None:
                stale = age > LEGACY_STALE_AFTER
            else:
                stale = age > STALE_AFTER or not (_process_alive(int(match[1])) or _locked(entry.path))
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or a pid we cannot ask about): assume alive
    return True


def _locked(path: str) -> bool:
    """Whether a writer (perhaps in another pid namespace) holds the file's lock."""
    if fcntl is None:
        return False
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False


def _create_temporary(path: Path, mode: int) -> tuple[int, str]:
    """Like mkstemp (never follows a link), but named for `remove_stale_temporaries` and created
    with `mode` less the umask, as open() gives."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = str(path.parent / f".{path.name}.{secrets.token_hex(4)}{_temporary_suffix()}")
        try:
            return os.open(temporary, flags, mode), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


UTF8_BOM = b"\xef\xbb\xbf"


def dumps_json(data: Any, *, indent: bool = False) -> bytes:
    """UTF-8 JSON with Chinese written as itself, never as \\uXXXX escapes."""
    if orjson is not None:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
    return json.dumps(data, ensure_ascii=False, indent=2 if indent else None).encode("utf-8")


def loads_json(payload: bytes) -> Any:
    if orjson is not None:
        return orjson.loads(payload)
    return json.loads(payload.decode("utf-8"))


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads the whole file and replaces it atomically on every write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            payload = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # not created yet
            return None
        payload = payload.removeprefix(UTF8_BOM)  # an editor's BOM is not damage
        if not payload.strip():
            return None
        data = loads_json(payload)
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise ValueError(f"{self.path} is JSON but not a TinyDB database")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_bytes(self.path, dumps_json(data))

    def close(self) -> None:
        pass


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An advisory lock on `path`, so two catalog-tui processes take turns to read-modify-write
    the store. Where the platform or file system has no locks, atomic replace alone still
    prevents corruption (a concurrent change may then be lost, never half-written)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except OSError as error:
            if error.errno not in _NO_LOCKS:
                raise
            yield
            return
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# flock() errors that mean "this file system cannot lock", not "something is wrong".
_NO_LOCKS = frozenset(
    code for code in (getattr(errno, n, None) for n in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS")) if code
)
