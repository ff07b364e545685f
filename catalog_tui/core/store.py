"""The TinyDB store: a snapshot of the catalogue (with derived search data) and the user's tables.

Two TinyDB files live side by side:
- `store.json` (the `--db` path): the small tables a user changes — `selection`, `saved_searches` —
  and `meta` (which catalogue was seeded, its content hash). A reseed never touches the user tables.
- `store.catalog.json`: the seeded catalogue, one table per section (each work a positional row
  with its folded search texts), and the saved search index (`_index`: sort orders, postings,
  facet groups), all computed once at seed time. It is large and rewritten only when the
  catalogue's content changes, so toggling a selection never rewrites it.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Table

from .atomic import (
    AtomicJSONStorage,
    atomic_write_bytes,
    file_lock,
    remove_stale_temporaries,
)
from .derive import derive_all
from .index import SearchIndex
from .loader import decode_catalog, folder_of, parse_catalog_text, read_catalog_bytes
from .model import Catalog
from .snapshot import (
    SCHEMA_VERSION,
    SnapshotDamaged,
    SnapshotStale,
    read_snapshot,
    snapshot_chunks,
    snapshot_tables,
)
from .user_file import USER_TABLES, check_user_file

ENV_DB = "CATALOG_TUI_DB"
Progress = Callable[[str, int, int], None]


class StoreError(OSError):
    """The store's folder or files cannot be created, read or written.

    An OSError whose `strerror` says what failed and why and whose `filename` says where, so
    `f"{error.strerror} ({error.filename})"` is the whole message."""


def bundled_catalog_path() -> Path:
    """The catalogue shipped in the wheel, or the repository's top-level one in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "data" / "catalog.yaml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "catalog.yaml"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("catalog-tui", appauthor=False) / "store.json"


def resolve_db_path(option: str | os.PathLike[str] | None = None) -> Path:
    """`--db` wins, then $CATALOG_TUI_DB, then the platform's user data folder."""
    chosen = option or os.environ.get(ENV_DB) or default_db_path()
    return Path(chosen).expanduser()


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


# The store ---------------------------------------------------------------------------------------


class Store:
    """Opening a Store only reads. A broken user file is backed up and repaired (keeping every
    readable selection and saved search) the first time the store is used — and, when opening a
    catalogue, only once that catalogue has proved valid, so a bad catalogue changes nothing."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.path = Path(db_path)
        if not self.path.name:
            raise StoreError(None, "a store needs a file name, not a folder", str(self.path))
        self.snapshot_path = self.path.with_name(f"{self.path.stem}.catalog{self.path.suffix or '.json'}")
        self.lock_path = self.path.with_name(f"{self.path.name}.lock")
        self.backups: list[Path] = []
        self.kept: dict[str, int] = {}  # rows of each user table kept from a repaired file
        self.damage: str | None = None  # what repair() found wrong with the user file
        self._problem, _ = self._inspect()
        # Temporary files a killed seed left: garbage, not store content (kept if in use).
        remove_stale_temporaries(self.path.parent, (self.path.name, self.snapshot_path.name))
        self.db = TinyDB(self.path, storage=AtomicJSONStorage)

    def _read_user_bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None  # no store yet (its folder is made, or found impossible, on first write)
        except OSError as error:
            raise StoreError(error.errno, f"cannot read the store: {error.strerror or error}",
                             str(self.path)) from error  # fmt: skip

    def _inspect(self) -> tuple[str | None, dict[str, dict[str, Any]]]:
        return check_user_file(self._read_user_bytes())

    def user_backups(self) -> list[Path]:
        """Backups of damaged user files next to the store, oldest first."""
        try:
            return sorted(self.path.parent.glob(f"{glob.escape(self.path.name)}.broken-*"))
        except OSError:
            return []

    def _refuse_read_only(self, *targets: Path) -> None:
        """A file without write permission is a user's "do not change": replacing it atomically
        would succeed (the folder is writable, or we are root) and silently undo that."""
        for target in targets:
            try:
                mode = target.stat().st_mode
            except OSError:
                continue  # absent (created on write) or unreadable (the write says so)
            if not mode & 0o222:
                raise StoreError(errno.EACCES, "the store file is read-only; make it writable to change it",
                                 str(target))  # fmt: skip

    @contextmanager
    def _writing(self, target: Path, action: str = "cannot write the store") -> Iterator[None]:
        """Create the folder if need be and hold the lock; any OSError becomes a StoreError that
        names `target`. Writes are atomic, so a failed one leaves every file as it was."""
        self._refuse_read_only(target)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(error.errno, f"cannot create the store folder: {error.strerror or error}",
                             str(self.path.parent)) from error  # fmt: skip
        try:
            with file_lock(self.lock_path):
                yield
        except StoreError:
            raise
        except OSError as error:
            raise StoreError(error.errno, f"{action}: {error.strerror or error}", str(target)) from error

    def repair(self) -> None:
        """Back up an unreadable user file and replace it with what could be read of it."""
        if self._problem is None:
            return
        with self._writing(self.path, "cannot repair the store"):
            # Again under the lock: another catalog-tui may have repaired it in the meantime.
            payload = self._read_user_bytes()
            problem, kept = check_user_file(payload)
            if problem is not None and payload is not None:
                self.backups.append(self._back_up(self.path, payload))
                AtomicJSONStorage(self.path).write(kept)
                self.kept = {name: len(kept.get(name, {})) for name in USER_TABLES}
                self.damage = problem
        self._problem = None

    def _backup_name(self, path: Path, n: int) -> Path:
        stem = f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
        return path.with_name(stem if n == 1 else f"{stem}-{n}")

    def _back_up(self, path: Path, payload: bytes) -> Path:
        """Copy an unreadable file's bytes aside under a name no earlier backup has."""
        n = 1
        while True:
            backup = self._backup_name(path, n)
            if not backup.exists():
                try:
                    atomic_write_bytes(backup, payload, overwrite=False)
                    return backup
                except FileExistsError:
                    pass
            n += 1

    def _move_aside(self, path: Path) -> Path:
        n = 1
        while (backup := self._backup_name(path, n)).exists():
            n += 1
        os.replace(path, backup)
        return backup

    def close(self) -> None:
        self.db.close()

    # Seeding ---------------------------------------------------------------------------------

    def open_catalog(
        self, catalog_path: str | os.PathLike[str], *, force: bool = False, progress: Progress | None = None
    ) -> Loaded:
        """The catalogue from the snapshot when it matches the catalogue file's content, else a
        fresh seed. A catalogue that fails validation raises CatalogError and changes nothing."""
        catalog_path = Path(catalog_path)
        # Read once: the hash and the parse see the same bytes, and a pipe can be read only once.
        # Raises CatalogError (before anything is changed) for a file that cannot be read.
        raw = read_catalog_bytes(catalog_path)
        digest = content_hash(raw)
        broken_snapshot = False
        if self._problem is not None:
            reason: str | None = f"the store file was damaged: {self._problem}"
        else:
            reason = "forced" if force else self._stale_reason(self._meta(), digest)
        if reason is None:
            try:
                catalog, index = self._read_snapshot(digest, progress)
                report = SeedReport(False, "content unchanged", catalog_path, self.path, catalog.counts())
                report.backups = list(self.backups)
                return Loaded(catalog, index, report)
            except SnapshotStale as stale:
                reason = str(stale)
            except SnapshotDamaged as damaged:
                reason = f"the seeded snapshot was unreadable: {damaged}"
                broken_snapshot = True
            except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeDecodeError):
                reason = "the seeded snapshot was unreadable"
                broken_snapshot = True
        self._refuse_read_only(self.path, self.snapshot_path)  # before any of the two is written
        _report(progress, "reading catalogue", 0, 1)
        text = decode_catalog(raw, os.fsdecode(catalog_path))
        del raw  # the text alone is in memory while it is parsed
        # Raises CatalogError before anything is changed. Its progress counts characters parsed.
        name = os.fsdecode(catalog_path)
        catalog = parse_catalog_text(text, name, _stage(progress, "reading catalogue"), folder_of(name))
        del text
        self.repair()
        if broken_snapshot and self.snapshot_path.exists():
            with self._writing(self.snapshot_path, "cannot move the broken snapshot aside"):
                self.backups.append(self._move_aside(self.snapshot_path))
        derived = self._derive_all(catalog, progress)
        index = SearchIndex(catalog, derived, _stage(progress, "indexing"))
        self._write_snapshot(catalog, index, digest, progress)
        self._write_meta(
            {"schema": SCHEMA_VERSION, "catalog_hash": digest, "catalog_path": str(catalog_path),
             "seeded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "counts": catalog.counts()}
        )  # fmt: skip
        report = SeedReport(True, reason, catalog_path, self.path, catalog.counts(), list(self.backups))
        report.damage = self.damage_notice()
        return Loaded(catalog, index, report)

    def damage_notice(self) -> str | None:
        """One line on a damaged user file this store repaired: what, where its bytes are, what was kept."""
        backup = next((b for b in self.backups if b.name.startswith(f"{self.path.name}.broken-")), None)
        if self.damage is None or backup is None:
            return None
        selected, searches = self.kept.get("selection", 0), self.kept.get("saved_searches", 0)
        return (f"the store file was damaged ({self.damage}); its bytes are kept in {backup}; "
                f"carried over: {selected} selected work(s), {searches} saved search(es)")  # fmt: skip

    def _meta(self) -> dict[str, Any]:
        rows = self._table("meta").all()
        return dict(rows[0]) if rows else {}

    def _write_meta(self, record: dict[str, Any]) -> None:
        # One atomic write (not truncate + insert): a reader never sees the store without meta.
        with self._writing(self.path):
            storage = self.db.storage
            data = storage.read() or {}
            data["meta"] = {"1": record}
            storage.write(data)

    def _stale_reason(self, meta: dict[str, Any], digest: str) -> str | None:
        if not meta:
            return "first run"
        if meta.get("schema") != SCHEMA_VERSION:
            return f"store schema {meta.get('schema')} is not {SCHEMA_VERSION}"
        if meta.get("catalog_hash") != digest:
            return "the catalogue changed"
        if not self.snapshot_path.exists():
            return "the seeded snapshot is missing"
        return None

    @staticmethod
    def _derive_all(catalog: Catalog, progress: Progress | None) -> list[dict[str, Any]]:
        return derive_all(catalog.works, _stage(progress, "preparing search data"))

    def _write_snapshot(
        self, catalog: Catalog, index: SearchIndex, digest: str, progress: Progress | None
    ) -> None:
        _report(progress, "writing store", 0, 1)
        with self._writing(self.snapshot_path):
            atomic_write_bytes(self.snapshot_path, snapshot_chunks(catalog, index, digest))
        _report(progress, "writing store", 1, 1)

    def _read_snapshot(self, digest: str, progress: Progress | None) -> tuple[Catalog, SearchIndex]:
        _report(progress, "reading store", 0, 1)
        tables = snapshot_tables(self.snapshot_path.read_bytes())
        return read_snapshot(tables, digest, _stage(progress, "reading store"))

    # User tables -------------------------------------------------------------------------------

    def _table(self, name: str) -> Table:
        """A fresh Table on every call: TinyDB caches the next document id in a Table, which
        another catalog-tui writing the same file makes stale (its rows would be overwritten).
        Callers repair first, outside the lock (flock is not re-entrant across file handles)."""
        return Table(self.db.storage, name, cache_size=0)

    def selected_ids(self) -> list[str]:
        self.repair()
        return [row["work_id"] for row in self._table("selection").all()]

    def set_selected(self, work_ids: Iterable[str], selected: bool = True) -> None:
        """Add or remove works from the persistent selection in one write."""
        ids = list(dict.fromkeys(work_ids))
        self.repair()
        with self._writing(self.path):
            table = self._table("selection")
            present = {row["work_id"] for row in table.all()}
            if selected:
                table.insert_multiple({"work_id": i} for i in ids if i not in present)
            else:
                drop = set(ids) & present
                if drop:
                    table.remove(Query().work_id.one_of(list(drop)))

    def clear_selection(self) -> None:
        self.repair()
        with self._writing(self.path):
            self._table("selection").truncate()

    def saved_searches(self) -> list[dict[str, Any]]:
        self.repair()
        return [dict(row) for row in self._table("saved_searches").all()]

    def save_search(self, name: str, query: str, filters: list[dict[str, Any]] | None = None) -> None:
        self.repair()
        with self._writing(self.path):
            self._table("saved_searches").upsert(
                {"name": name, "query": query, "filters": filters or []}, Query().name == name
            )

    def rename_search(self, old: str, new: str) -> None:
        self.repair()
        with self._writing(self.path):
            self._table("saved_searches").update({"name": new}, Query().name == old)

    def delete_search(self, name: str) -> None:
        self.repair()
        with self._writing(self.path):
            self._table("saved_searches").remove(Query().name == name)


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """A (done, total) callback reporting one stage, or None without a progress callback."""
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
