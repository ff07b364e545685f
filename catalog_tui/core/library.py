"""One object for everything a front end needs: the store, the catalogue, its index and engine."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .index import SearchIndex
from .loader import gc_paused
from .model import Catalog, Work
from .search import SearchEngine
from .store import Loaded, Progress, SeedReport, Store, bundled_catalog_path, resolve_db_path

_SNAPSHOT_DAMAGE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@dataclass(slots=True)
class Library:
    store: Store
    catalog: Catalog
    index: SearchIndex
    engine: SearchEngine
    report: SeedReport

    @classmethod
    def open(
        cls,
        catalog_path: str | os.PathLike[str] | None = None,
        db_path: str | os.PathLike[str] | None = None,
        *,
        force: bool = False,
        progress: Progress | None = None,
    ) -> Library:
        """Open (and seed when needed) the store; raises CatalogError for a bad catalogue (and
        changes nothing then), StoreError (an OSError) when the store cannot be read or written."""
        store = Store(resolve_db_path(db_path))
        path = Path(catalog_path or bundled_catalog_path())
        try:
            # Loading builds millions of objects and frees none: collecting meanwhile only costs.
            with gc_paused():
                loaded, index = _open(store, path, force, progress)
        except BaseException:
            store.close()
            raise
        # The catalogue and index live as long as the app: keep the collector from rescanning them.
        gc.freeze()
        return cls(store, loaded.catalog, index, SearchEngine(index), loaded.report)

    def works_at(self, positions: Iterable[int]) -> list[Work]:
        works = self.index.works
        return [works[p] for p in positions]

    def selected_positions(self) -> list[int]:
        """The persistent selection, in catalogue order; ids no longer in the catalogue are skipped."""
        by_id = self.index.position_by_id
        return sorted(by_id[i] for i in self.store.selected_ids() if i in by_id)

    def close(self) -> None:
        self.store.close()


def _open(store: Store, path: Path, force: bool, progress: Progress | None) -> tuple[Loaded, SearchIndex]:
    loaded = store.open_catalog(path, force=force, progress=progress)
    try:
        return loaded, _index(loaded, progress)
    except _SNAPSHOT_DAMAGE:
        if loaded.report.seeded:
            raise
        # A snapshot that reads as JSON yet does not make an index: rebuild it once.
        store.discard_snapshot()
        loaded = store.open_catalog(path, progress=progress)
        return loaded, _index(loaded, progress)


def _index(loaded: Loaded, progress: Progress | None) -> SearchIndex:
    if progress is not None:
        progress("indexing", 0, 1)
    index = SearchIndex(loaded.catalog, loaded.derived)
    if progress is not None:
        progress("indexing", 1, 1)
    return index
