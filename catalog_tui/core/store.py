"""The TinyDB store: a snapshot of the catalogue (with derived search data) and the user's tables.

Two TinyDB files live side by side:
- `store.json` (the `--db` path): the small tables a user changes — `selection`, `saved_searches` —
  and `meta` (which catalogue was seeded, its content hash). A reseed never touches the user tables.
- `store.catalog.json`: the seeded catalogue, one table per section, each work carrying the derived
  data (folded text, pinyin keys, sort key) computed once at seed time. It is large and rewritten
  only when the catalogue's content changes, so toggling a selection never rewrites it.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from .atomic import AtomicJSONStorage, file_lock
from .index import derive
from .loader import load_catalog
from .model import RECORD_TYPES, Catalog, Document

SCHEMA_VERSION = 1
ENV_DB = "CATALOG_TUI_DB"
Progress = Callable[[str, int, int], None]


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

    def summary(self) -> str:
        counts = ", ".join(f"{n} {section}" for section, n in self.counts.items())
        verb = "seeded" if self.seeded else "already up to date"
        return f"{self.db_path}: {verb} from {self.catalog_path} ({self.reason}): {counts}"


@dataclass(slots=True)
class Loaded:
    catalog: Catalog
    derived: list[dict[str, Any]]
    report: SeedReport


class Store:
    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.path = Path(db_path)
        self.snapshot_path = self.path.with_name(f"{self.path.stem}.catalog{self.path.suffix or '.json'}")
        self.lock_path = self.path.with_name(f"{self.path.name}.lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.backups: list[Path] = []
        self.db = self._open_user_db()

    def _open_user_db(self) -> TinyDB:
        storage = AtomicJSONStorage(self.path)
        try:
            storage.read()
        except (ValueError, UnicodeDecodeError):
            self.backups.append(self._back_up(self.path))
        return TinyDB(self.path, storage=AtomicJSONStorage)

    def _back_up(self, path: Path) -> Path:
        """Move an unreadable file aside under a name no earlier backup has."""
        stem = f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
        backup, n = path.with_name(stem), 1
        while backup.exists():
            n += 1
            backup = path.with_name(f"{stem}-{n}")
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
        digest = content_hash(catalog_path.read_bytes()) if catalog_path.is_file() else ""
        meta = self._meta()
        reason = "forced" if force else self._stale_reason(meta, digest)
        if reason is None:
            try:
                catalog, derived = self._read_snapshot(progress)
                report = SeedReport(False, "content unchanged", catalog_path, self.path, catalog.counts())
                report.backups = list(self.backups)
                return Loaded(catalog, derived, report)
            except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
                reason = "the seeded snapshot was unreadable"
                if self.snapshot_path.exists():
                    self.backups.append(self._back_up(self.snapshot_path))
        _report(progress, "reading catalogue", 0, 1)
        catalog = load_catalog(catalog_path)
        derived = self._derive_all(catalog, progress)
        self._write_snapshot(catalog, derived, progress)
        with file_lock(self.lock_path):
            self.db.table("meta").truncate()
            self.db.table("meta").insert(
                {"schema": SCHEMA_VERSION, "catalog_hash": digest, "catalog_path": str(catalog_path),
                 "seeded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "counts": catalog.counts()}
            )  # fmt: skip
        report = SeedReport(True, reason, catalog_path, self.path, catalog.counts(), list(self.backups))
        return Loaded(catalog, derived, report)

    def _meta(self) -> dict[str, Any]:
        rows = self.db.table("meta").all()
        return dict(rows[0]) if rows else {}

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
        total = len(catalog.works)
        step = max(1, total // 100)
        derived = []
        for done, work in enumerate(catalog.works):
            derived.append(derive(work))
            if done % step == 0:
                _report(progress, "preparing search data", done, total)
        _report(progress, "preparing search data", total, total)
        return derived

    def _write_snapshot(
        self, catalog: Catalog, derived: list[dict[str, Any]], progress: Progress | None
    ) -> None:
        _report(progress, "writing store", 0, 1)
        tables: dict[str, dict[str, Any]] = {
            "documents": {str(i): doc.to_dict() for i, doc in enumerate(catalog.documents, 1)}
        }
        for section in RECORD_TYPES:
            tables[section] = {str(i): r.to_dict() for i, r in enumerate(getattr(catalog, section), 1)}
        for row, extra in zip(tables["works"].values(), derived, strict=True):
            row["_derived"] = extra
        with file_lock(self.lock_path):
            AtomicJSONStorage(self.snapshot_path).write(tables)
        _report(progress, "writing store", 1, 1)

    def _read_snapshot(self, progress: Progress | None) -> tuple[Catalog, list[dict[str, Any]]]:
        _report(progress, "reading store", 0, 1)
        tables = AtomicJSONStorage(self.snapshot_path).read()
        if tables is None:
            raise ValueError("empty snapshot")
        works = list(tables["works"].values())
        derived = [row.pop("_derived") for row in works]
        data: dict[str, Any] = {section: list(tables.get(section, {}).values()) for section in RECORD_TYPES}
        data["works"] = works
        catalog = Catalog.from_dict(data)
        catalog.documents = [Document.from_dict(d) for d in tables.get("documents", {}).values()]
        _report(progress, "reading store", 1, 1)
        return catalog, derived

    # User tables -------------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        return [row["work_id"] for row in self.db.table("selection").all()]

    def set_selected(self, work_ids: Iterable[str], selected: bool = True) -> None:
        """Add or remove works from the persistent selection in one write."""
        ids = list(dict.fromkeys(work_ids))
        with file_lock(self.lock_path):
            table = self.db.table("selection")
            present = {row["work_id"] for row in table.all()}
            if selected:
                table.insert_multiple({"work_id": i} for i in ids if i not in present)
            else:
                drop = set(ids) & present
                if drop:
                    table.remove(Query().work_id.one_of(list(drop)))

    def clear_selection(self) -> None:
        with file_lock(self.lock_path):
            self.db.table("selection").truncate()

    def saved_searches(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.db.table("saved_searches").all()]

    def save_search(self, name: str, query: str, filters: list[dict[str, Any]] | None = None) -> None:
        with file_lock(self.lock_path):
            self.db.table("saved_searches").upsert(
                {"name": name, "query": query, "filters": filters or []}, Query().name == name
            )

    def rename_search(self, old: str, new: str) -> None:
        with file_lock(self.lock_path):
            self.db.table("saved_searches").update({"name": new}, Query().name == old)

    def delete_search(self, name: str) -> None:
        with file_lock(self.lock_path):
            self.db.table("saved_searches").remove(Query().name == name)


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
