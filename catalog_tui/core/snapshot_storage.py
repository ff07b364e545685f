"""A TinyDB storage for the seeded snapshot that reads a table when it is asked for, and a row of
the `works` table only when that row is asked for.

The file is still one JSON object of TinyDB tables (any JSON tool, even TinyDB's own JSONStorage,
can read it whole), laid out so that a reader need not parse it whole:

    {"<table>": {...}, ...,            every table but the rows, e.g. what opening needs
     "works": {"1": {...}, ...},        one document per row, read one at a time
     "_rows": {"1": {...}},             where each row's bytes are, and their CRC-32
     "_layout": {"1": {...}},           where each table's value is (byte ranges)
     "_checksum": {"1": {"layout": "<offset of _layout's value>", "sha256": "..."}}}

The trailer has a fixed length, so a reader finds the layout from the file's end. Its SHA-256
covers every byte before it except the rows: checked when the storage is first read, it proves
what opening needs (the tables, `_rows` and the layout) without reading the rows. Each row is
checked against its CRC-32 (kept in the checked `_rows`) when it is read. A flipped byte is then
caught where it is read: in a table at open, in a row when that row is first asked for.
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
_HASH_BLOCK = 1 << 20
_pread = getattr(os, "pread", None)
_ROW_BATCH = 256  # rows joined into one write while streaming
_REPORT_ROWS = 4096  # rows between two progress reports while writing


class SnapshotDamaged(ValueError):
    """The snapshot's bytes do not match their checksums, or its content does not have the shape
    this version writes: it is moved aside and the catalogue reseeded."""


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
    checksum = hashlib.sha256()
    position = 0
    ranges: dict[str, list[int]] = {}

    def emit(chunk: bytes, hashed: bool = True) -> bytes:
        nonlocal position
        position += len(chunk)
        if hashed:
            checksum.update(chunk)
        return chunk

    yield emit(b"{")
    for name, pieces in tables:
        yield emit(dumps_json(name) + b":")
        start = position
        for piece in pieces:
            yield emit(piece)
        ranges[name] = [start, position]
        yield emit(b",")
    yield emit(dumps_json(ROWS_TABLE) + b":")
    rows_start = position
    yield emit(b"{", hashed=False)
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
            yield emit(b"".join(batch), hashed=False)
            batch, pending = [], 0
            if rows_written is not None and number >= next_report:
                rows_written(number)
                next_report = number + _REPORT_ROWS
    yield emit(b"".join(batch) + b"}", hashed=False)
    if rows_written is not None:
        rows_written(len(starts))
    ranges[ROWS_TABLE] = [rows_start, position]
    row_index = {"byteorder": sys.byteorder, "starts": _pack(starts), "lengths": _pack(lengths),
                 "crc32": _pack(crcs)}  # fmt: skip
    yield emit(b"," + dumps_json(_ROW_INDEX) + b":")
    start = position
    yield emit(dumps_json({"1": row_index}))
    ranges[_ROW_INDEX] = [start, position]
    yield emit(b"," + dumps_json(_LAYOUT) + b":")
    layout_start = position
    yield emit(dumps_json({"1": {"tables": ranges}}))
    yield (_TRAILER_HEAD + b"%0*d" % (_OFFSET_DIGITS, layout_start) + _TRAILER_MIDDLE
           + checksum.hexdigest().encode("ascii") + _TRAILER_TAIL)  # fmt: skip


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
        layout = _decode(self.file.read(layout_start, content_end))
        ranges = layout.get("1", {}).get("tables") if type(layout.get("1")) is dict else None
        if type(ranges) is not dict or not all(_is_range(r, layout_start) for r in ranges.values()):
            raise SnapshotDamaged("its layout is not byte ranges of its tables")
        if ROWS_TABLE not in ranges or _ROW_INDEX not in ranges:
            raise SnapshotDamaged("it has no rows")
        self.ranges: dict[str, tuple[int, int]] = {name: (r[0], r[1]) for name, r in ranges.items()}
        rows_start, rows_end = self.ranges[ROWS_TABLE]
        stored = trailer[digest_at : digest_at + 64]
        hashed = _sha256(self.file, ((0, rows_start), (rows_end, content_end)), progress)
        if hashed.encode("ascii") != stored:
            raise SnapshotDamaged("it does not match its checksum")
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
        table = _decode(self.file.read(*self.ranges[name]))
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


def _sha256(
    file: _File, ranges: Iterable[tuple[int, int]], progress: Callable[[int, int], None] | None
) -> str:
    """The SHA-256 of these byte ranges, read a block at a time (never the whole file at once)."""
    checksum = hashlib.sha256()
    ranges = list(ranges)
    total, done = sum(end - start for start, end in ranges), 0
    for start, end in ranges:
        for block in range(start, end, _HASH_BLOCK):
            data = file.read(block, min(end, block + _HASH_BLOCK))
            checksum.update(data)
            done += len(data)
            if progress is not None:
                progress(done, total)
    return checksum.hexdigest()
