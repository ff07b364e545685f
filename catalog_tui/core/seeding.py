"""Opening a catalogue through the store: from the seeded snapshot when it holds this catalogue's
content, else a fresh seed (parse, derive, index, write the snapshot and the store's meta)."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .derive import derive_all
from .index import SearchIndex
from .loader import decode_catalog, folder_of, parse_catalog_text, read_catalog_bytes
from .model import Catalog
from .seed_progress import ReadingShare
from .snapshot import SCHEMA_VERSION, SnapshotDamaged, SnapshotStale, read_snapshot, snapshot_chunks
from .store import Progress, Store


def content_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


@dataclass(slots=True)
class SeedReport:
    """What opening the store did, in words a CLI can print and a test can check."""

    seeded: bool
    reason: str
    catalog_path: Path
    db_path: Path
    counts: dict[str, int] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)
    damage: str | None = None  # Store.damage_notice() when this open repaired the user file

    def summary(self) -> str:
        counts = ", ".join(f"{n} {section}" for section, n in self.counts.items())
        verb = "seeded" if self.seeded else "already up to date"
        return f"{self.db_path}: {verb} from {self.catalog_path} ({self.reason}): {counts}"


@dataclass(slots=True)
class Loaded:
    catalog: Catalog
    index: SearchIndex
    report: SeedReport


def open_catalog(
    store: Store,
    catalog_path: str | os.PathLike[str],
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> Loaded:
    """The catalogue from the store's snapshot when it matches the catalogue file's content, else
    a fresh seed. A catalogue that fails validation raises CatalogError and changes nothing."""
    catalog_path = Path(catalog_path)
    meta = store.meta() if store.problem is None else {}
    # A regular file is hashed as a stream (opening from the snapshot never holds its bytes), or
    # not at all when it is the very file hashed at the last seed. A pipe is read once, so that
    # the hash and the parse see the same bytes; so is a file about to be parsed. Raises
    # CatalogError (before anything is changed) when the file cannot be read.
    identity = _file_identity(catalog_path)
    if (
        identity is not None
        and identity == meta.get("catalog_file")
        and type(meta.get("catalog_hash")) is str
    ):
        digest: str | None = meta["catalog_hash"]
    else:
        digest = _file_hash(catalog_path)
    raw = read_catalog_bytes(catalog_path) if digest is None else None
    if raw is not None:
        digest = content_hash(raw)
    assert digest is not None
    broken_snapshot = False
    if store.problem is not None:
        reason: str | None = f"the store file was damaged: {store.problem}"
    elif meta.get("snapshot_damage") and store.snapshot_path.exists():
        reason = f"the seeded snapshot was unreadable: {meta['snapshot_damage']}"
        broken_snapshot = True
    else:
        reason = "forced" if force else _stale_reason(store, meta, digest)
    if reason is None:
        try:
            _report(progress, "reading store", 0, 1)
            tables = store.snapshot_tables()
            catalog, index = read_snapshot(
                tables, digest, _stage(progress, "reading store"), store.row_damaged
            )
            report = SeedReport(False, "content unchanged", catalog_path, store.path, catalog.counts())
            report.backups = list(store.backups)
            return Loaded(catalog, index, report)
        except SnapshotStale as stale:
            reason = str(stale)
        except SnapshotDamaged as damaged:
            reason = f"the seeded snapshot was unreadable: {damaged}"
            broken_snapshot = True
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeDecodeError):
            reason = "the seeded snapshot was unreadable"
            broken_snapshot = True
    store.refuse_read_only(store.path, store.snapshot_path)  # before any of the two is written
    _report(progress, "reading catalogue", 0, 1)
    reading = ReadingShare(_stage(progress, "reading catalogue"))
    identity = _file_identity(catalog_path)  # before reading: a later change must not match it
    if raw is None:
        raw = read_catalog_bytes(catalog_path, reading.read)
        digest = content_hash(raw)  # of the bytes parsed, should the file have just changed
    name = os.fsdecode(catalog_path)
    text = decode_catalog(raw, name, reading.decoded)
    del raw  # the text alone is in memory while it is parsed
    # Raises CatalogError before anything is changed. Its progress: a share (bytes read, decoded,
    # characters scanned, parsed: ReadingShare), then works' worth of the checks and records built.
    catalog = parse_catalog_text(
        text, name, reading.parsed, folder_of(name),
        checking=_stage(progress, "checking catalogue"), scanning=reading.scanned,
    )  # fmt: skip
    del text
    store.repair()
    if broken_snapshot:
        store.move_snapshot_aside()
    derived = _derive_all(catalog, progress)
    index = SearchIndex(catalog, derived, _stage(progress, "indexing"))
    store.write_snapshot(snapshot_chunks(catalog, index, digest, progress))
    _report(progress, "writing store", len(catalog.works), len(catalog.works))
    store.write_meta(
        {"schema": SCHEMA_VERSION, "catalog_hash": digest, "catalog_path": str(catalog_path),
         "seeded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "counts": catalog.counts(),
         "catalog_file": _settled(identity)}
    )  # fmt: skip
    report = SeedReport(True, reason, catalog_path, store.path, catalog.counts(), list(store.backups))
    report.damage = store.damage_notice()
    return Loaded(catalog, index, report)


def _stale_reason(store: Store, meta: dict[str, Any], digest: str) -> str | None:
    if not meta:
        return "first run"
    if meta.get("schema") != SCHEMA_VERSION:
        return f"store schema {meta.get('schema')} is not {SCHEMA_VERSION}"
    if meta.get("catalog_hash") != digest:
        return "the catalogue changed"
    if not store.snapshot_path.exists():
        return "the seeded snapshot is missing"
    return None


def _derive_all(catalog: Catalog, progress: Progress | None) -> list[dict[str, Any]]:
    return derive_all(catalog.works, _stage(progress, "preparing search data"))


# A file modified this recently may be modified again within the same timestamp tick, unseen by
# its identity (git's "racy" files): its identity is not kept, so the next open hashes it.
_SETTLED_NS = 2_000_000_000


def _file_identity(path: Path) -> list[int] | None:
    """A regular file's size, modification time (ns), inode and device; None for anything else."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev]


def _settled(identity: list[int] | None) -> list[int] | None:
    if identity is None or time.time_ns() - identity[1] < _SETTLED_NS:
        return None
    return identity


def _file_hash(path: Path) -> str | None:
    """The SHA-256 of a regular file's content, read a block at a time; None for anything else
    (a pipe, a missing file), which read_catalog_bytes then reads or refuses."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        checksum = hashlib.sha256()
        while block := os.read(descriptor, 1 << 20):
            checksum.update(block)
        return checksum.hexdigest()
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """A (done, total) callback reporting one stage, or None without a progress callback."""
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
