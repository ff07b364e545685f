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
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

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
    if mode is None:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    else:
        handle, temporary = _create_temporary(path, mode)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(payload, bytes | bytearray):
                stream.write(payload)
            else:
                stream.writelines(payload)
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


def _create_temporary(path: Path, mode: int) -> tuple[int, str]:
    """Like mkstemp (same name pattern, never follows a link), but the kernel applies the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
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
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
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
