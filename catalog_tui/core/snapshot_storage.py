"""A TinyDB storage for the seeded snapshot that reads a table when it is asked for, and a row of
the `works` table only when that row is asked for.

The file is still one JSON object of TinyDB tables (any JSON tool, even TinyDB's own JSONStorage,
can read it whole), laid out so that a reader need not parse it whole:

    {"<table>": {...}, ...,            every table but the rows
     "works": {"1": {...}, ...},        one document per row, read one at a time
     "_rows": {"1": {...}},             where each row's bytes are, and their CRC-32
     "_layout": {"1": {"tables": ..., "sha256": ...}},   each table's byte range and SHA-256
     "_checksum": {"1": {"layout": "<offset of _layout's value>", "sha256": "..."}}}

The trailer has a fixed length, so a reader finds the layout from the file's end; its SHA-256 is
the layout's, checked at open. Each table is checked against its own SHA-256 when it is read, and
each row against its CRC-32 (kept in the checked `_rows`): a flipped byte is caught where it is
read, and only what is read is hashed (opening a million works reads what the list needs, not the
search postings and texts, which are read on the first search). Bytes outside every table (keys,
commas) are never read, so damage there changes nothing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import threading
import weakref
import zlib
from array import array
from base64 import b64encode
from binascii import a2b_base64
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .atomic import dumps_json, loads_json

ROWS_TABLE = "works"
_ROW_INDEX, _LAYOUT = "_rows", "_layout"
_TRAILER_HEAD = b',"_checksum":{"1":{"layout":"'
_TRAILER_MIDDLE = b'","sha256":"'
_TRAILER_TAIL = b'"}}}'
_OFFSET_DIGITS = 20
_TRAILER_LENGTH = len(_TRAILER_HEAD) + _OFFSET_DIGITS + len(_TRAILER_MIDDLE) + 64 + len(_TRAILER_TAIL)
_pread = getattr(os, "pread", None)
_ROW_BATCH = 256  # rows joined into one write while streaming
_REPORT_ROWS = 4096  # rows between two progress reports while writing


class SnapshotDamaged(ValueError):
    """The snapshot's bytes do not match their checksums, or its content does not have the shape
    this version writes: it is moved aside and the catalogue reseeded."""


class SnapshotStale(Exception):
    """The snapshot holds another catalogue's content (e.g. a second catalog-tui reseeded), or was
    written in another format; the message says which."""


ANOTHER_VERSION = "the seeded snapshot was written by another version of catalog-tui"


# Writing ------------------------------------------------------------------------------------------


def snapshot_file_chunks(
    tables: Iterable[tuple[str, Iterable[bytes]]],
    rows: Iterable[Any],
    rows_written: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The file's bytes, as they come: `tables` (a name and the JSON of its value, in pieces),
    then the documents of `rows` (numbered from 1), the row index, the layout and the trailer.
    Nothing larger than one table piece or a batch of rows is held. `rows_written(n)`, if given,
    is told every few thousand rows, once they are taken."""
    position = 0
    ranges: dict[str, list[int]] = {}
    hashes: dict[str, str] = {}

    def emit(chunk: bytes) -> bytes:
        nonlocal position
        position += len(chunk)
        return chunk

    def table(name: str, pieces: Iterable[bytes]) -> Iterator[bytes]:
        checksum = hashlib.sha256()
        start = position
        for piece in pieces:
            checksum.update(piece)
            yield emit(piece)
        ranges[name], hashes[name] = [start, position], checksum.hexdigest()

    yield emit(b"{")
    for name, pieces in tables:
        yield emit(dumps_json(name) + b":")
        yield from table(name, pieces)
        yield emit(b",")
    yield emit(dumps_json(ROWS_TABLE) + b":")
    rows_start = position
    yield emit(b"{")
    starts, lengths, crcs = array("q"), array("q"), array("q")
    batch: list[bytes] = []
    pending = 0  # bytes in the batch
    next_report = _REPORT_ROWS
    for number, row in enumerate(rows, 1):
        key = b"%s%s:" % (b"," if number > 1 else b"", dumps_json(str(number)))
        document = dumps_json(row)
        starts.append(position + pending + len(key))
        lengths.append(len(document))
        crcs.append(zlib.crc32(document))
        batch += (key, document)
        pending += len(key) + len(document)
        if len(batch) >= 2 * _ROW_BATCH:
            yield emit(b"".join(batch))
            batch, pending = [], 0
            if rows_written is not None and number >= next_report:
                rows_written(number)
                next_report = number + _REPORT_ROWS
    yield emit(b"".join(batch) + b"}")
    if rows_written is not None:
        rows_written(len(starts))
    ranges[ROWS_TABLE] = [rows_start, position]
    row_index = {"byteorder": sys.byteorder, "starts": _pack(starts), "lengths": _pack(lengths),
                 "crc32": _pack(crcs)}  # fmt: skip
    yield emit(b"," + dumps_json(_ROW_INDEX) + b":")
    yield from table(_ROW_INDEX, [dumps_json({"1": row_index})])
    yield emit(b"," + dumps_json(_LAYOUT) + b":")
    layout_start = position
    layout = dumps_json({"1": {"tables": ranges, "sha256": hashes}})
    yield emit(layout)
    yield (_TRAILER_HEAD + b"%0*d" % (_OFFSET_DIGITS, layout_start) + _TRAILER_MIDDLE
           + hashlib.sha256(layout).hexdigest().encode("ascii") + _TRAILER_TAIL)  # fmt: skip


def tables_file_chunks(tables: Mapping[str, Any]) -> Iterator[bytes]:
    """A snapshot file holding `tables` as plain data (its rows in `tables["works"]`, by key
    order): what a TinyDB of this storage would write, were it written whole."""
    skip = {ROWS_TABLE, _ROW_INDEX, _LAYOUT, "_checksum"}
    head = [(name, [dumps_json(value)]) for name, value in tables.items() if name not in skip]
    rows = tables.get(ROWS_TABLE, {})
    return snapshot_file_chunks(head, (rows[key] for key in sorted(rows, key=int)))


def _pack(values: array[int]) -> str:
    return b64encode(values.tobytes()).decode("ascii")


def _unpack(text: Any) -> array[int]:
    if type(text) is not str:
        raise SnapshotDamaged("its row index is not text")
    values = array("q")
    try:  # as b64decode(validate=True), without its regex over the whole text (8 MB at 1M works)
        values.frombytes(a2b_base64(text, strict_mode=True))
    except (ValueError, UnicodeEncodeError):  # binascii.Error is a ValueError
        raise SnapshotDamaged("its row index is not base64") from None
    return values


# Reading ------------------------------------------------------------------------------------------


class _File:
    """An open snapshot file, read by byte range; it counts what it reads (for tests) and is
    closed when the last table or row reader that needs it goes. Kept open, it goes on reading
    the snapshot that was opened even when a reseed replaces the file."""

    def __init__(self, path: Path) -> None:
        self.descriptor = os.open(
            path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        )
        self._closer = weakref.finalize(self, os.close, self.descriptor)
        self.size = os.fstat(self.descriptor).st_size
        self.bytes_read = 0
        self._lock = threading.Lock()

    def read(self, start: int, end: int) -> bytes:
        data: bytes
        if _pread is not None:
            data = _pread(self.descriptor, end - start, start)
        else:  # pragma: no cover - Windows has no pread: one seek and read at a time
            with self._lock:
                os.lseek(self.descriptor, start, os.SEEK_SET)
                data = os.read(self.descriptor, end - start)
        self.bytes_read += len(data)
        if len(data) != end - start:
            raise SnapshotDamaged("it ends early (truncated?)")
        return data


class SnapshotTables(Mapping[str, Mapping[str, Any]]):
    """The snapshot's tables, checked (see the module's docstring): each decoded when asked for
    (and not kept: the caller keeps what it needs), the rows as a RowTable."""

    def __init__(self, path: Path, progress: Callable[[int, int], None] | None = None) -> None:
        self.file = _File(path)
        size = self.file.size
        if size < _TRAILER_LENGTH:
            raise SnapshotDamaged("it has no checksum (truncated or edited?)")
        trailer = self.file.read(size - _TRAILER_LENGTH, size)
        layout_at = len(_TRAILER_HEAD)
        digest_at = layout_at + _OFFSET_DIGITS + len(_TRAILER_MIDDLE)
        if (
            not trailer.startswith(_TRAILER_HEAD)
            or trailer[layout_at + _OFFSET_DIGITS : digest_at] != _TRAILER_MIDDLE
            or not trailer.endswith(_TRAILER_TAIL)
            or not trailer[layout_at : layout_at + _OFFSET_DIGITS].isdigit()
        ):
            raise SnapshotDamaged("it has no checksum (truncated or edited?)")
        layout_start = int(trailer[layout_at : layout_at + _OFFSET_DIGITS])
        content_end = size - _TRAILER_LENGTH
        if not 0 < layout_start <= content_end:
            raise SnapshotDamaged("it has no checksum (truncated or edited?)")
        layout_bytes = self.file.read(layout_start, content_end)
        layout = _decode(layout_bytes)
        entry: dict[str, Any] = layout["1"] if type(layout.get("1")) is dict else {}
        if "tables" in entry and "sha256" not in entry:  # one checksum of the whole (schema 7)
            raise SnapshotStale(ANOTHER_VERSION)
        if hashlib.sha256(layout_bytes).hexdigest().encode("ascii") != trailer[digest_at : digest_at + 64]:
            raise SnapshotDamaged("it does not match its checksum")
        ranges, hashes = entry.get("tables"), entry.get("sha256")
        if type(ranges) is not dict or not all(_is_range(r, layout_start) for r in ranges.values()):
            raise SnapshotDamaged("its layout is not byte ranges of its tables")
        if ROWS_TABLE not in ranges or _ROW_INDEX not in ranges:
            raise SnapshotDamaged("it has no rows")
        if type(hashes) is not dict or set(hashes) != set(ranges) - {ROWS_TABLE}:
            raise SnapshotDamaged("its layout has no checksum for each table")
        self.ranges: dict[str, tuple[int, int]] = {name: (r[0], r[1]) for name, r in ranges.items()}
        self.hashes: dict[str, str] = hashes
        self._progress = progress
        self.decoded: dict[str, int] = {}  # how often each table was read and decoded: tests count
        self._rows: RowTable | None = None

    def __getitem__(self, name: str) -> Mapping[str, Any]:
        if name == ROWS_TABLE:
            if self._rows is None:
                self._rows = RowTable(self.file, self._decoded(_ROW_INDEX))
            return self._rows
        if name not in self.ranges:
            raise KeyError(name)
        return self._decoded(name)

    def __contains__(self, name: object) -> bool:
        # Mapping's own would decode the table (at a million works, the search texts: 124 MiB).
        return name in self.ranges

    def _decoded(self, name: str) -> dict[str, Any]:
        """The table, read and checked against its SHA-256 (SnapshotDamaged if it does not match)."""
        data = self.file.read(*self.ranges[name])  # one read: hashed, then decoded
        if hashlib.sha256(data).hexdigest() != self.hashes[name]:
            raise SnapshotDamaged("it does not match its checksum")
        if self._progress is not None:
            self._progress(len(data), len(data))
        self.decoded[name] = self.decoded.get(name, 0) + 1
        table = _decode(data)
        if not all(type(row) is dict for row in table.values()):
            raise SnapshotDamaged(f"its table {name!r} is not a TinyDB table")
        return table

    def __iter__(self) -> Iterator[str]:
        return iter(self.ranges)

    def __len__(self) -> int:
        return len(self.ranges)


class RowTable(Mapping[str, dict[str, Any]]):
    """The `works` table: document "n" (row n - 1) is read, checked and decoded when asked for."""

    def __init__(self, file: _File, row_index: Mapping[str, Any]) -> None:
        entry = row_index.get("1")
        if type(entry) is not dict or entry.get("byteorder") != sys.byteorder:
            raise SnapshotDamaged("its row index is of another shape")
        self._file = file
        self._starts, self._lengths, self._crcs = (
            _unpack(entry.get(k)) for k in ("starts", "lengths", "crc32")
        )
        if not len(self._starts) == len(self._lengths) == len(self._crcs):
            raise SnapshotDamaged("its row index is of another shape")
        self.decoded = 0  # rows read and decoded so far: tests count them

    def document(self, position: int) -> dict[str, Any]:
        """Row `position` (from 0), checked against its CRC-32; SnapshotDamaged if it is not."""
        start = self._starts[position]
        data = self._file.read(start, start + self._lengths[position])
        if zlib.crc32(data) != self._crcs[position]:
            raise SnapshotDamaged("a work's row does not match its checksum")
        self.decoded += 1
        document = _decode(data)
        return document

    def __getitem__(self, key: str) -> dict[str, Any]:
        position = int(key) - 1 if str(key).isdecimal() else -1
        if not 0 <= position < len(self._starts):
            raise KeyError(key)
        return self.document(position)

    def __iter__(self) -> Iterator[str]:
        return (str(number) for number in range(1, len(self._starts) + 1))

    def __len__(self) -> int:
        return len(self._starts)


class SnapshotStorage(Storage):
    """TinyDB's way in: `TinyDB(path, storage=SnapshotStorage)` opens the snapshot's tables
    (checked on the first read, then kept) without parsing it whole. Read-only: a snapshot is
    written whole, atomically, by seeding (snapshot_file_chunks)."""

    def __init__(
        self, path: str | os.PathLike[str], progress: Callable[[int, int], None] | None = None
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._progress = progress
        self._tables: SnapshotTables | None = None

    def read(self) -> SnapshotTables | None:  # type: ignore[override]
        if self._tables is None:
            try:
                self._tables = SnapshotTables(self.path, self._progress)
            except (FileNotFoundError, NotADirectoryError):
                return None  # not seeded yet
        return self._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise OSError(errno.EROFS, "the seeded snapshot is written whole, by seeding", str(self.path))


def _decode(data: bytes) -> dict[str, Any]:
    try:
        value = loads_json(data)
    except (ValueError, UnicodeDecodeError):
        raise SnapshotDamaged("it is not valid JSON") from None
    if type(value) is not dict:
        raise SnapshotDamaged("it is not a set of tables")
    return value


def _is_range(value: Any, limit: int) -> bool:
    return (
        type(value) is list and len(value) == 2 and all(type(v) is int for v in value)
        and 0 <= value[0] <= value[1] <= limit
    )  # fmt: skip
