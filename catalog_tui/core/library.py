"""One object for everything a front end needs: the store, the catalogue, its index and engine."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .index import SearchIndex
from .lazy_works import WorksAt
from .loader import gc_paused
from .model import Catalog, Work
from .search import SearchEngine
from .seeding import SeedReport, open_catalog
from .store import Progress, Store, bundled_catalog_path, resolve_db_path


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
            # The catalogue and index live as long as the app: frozen before the collector resumes.
            with gc_paused(freeze=True):
                loaded = open_catalog(store, path, force=force, progress=progress)
        except BaseException:
            store.close()
            raise
        return cls(store, loaded.catalog, loaded.index, SearchEngine(loaded.index), loaded.report)

    def works_at(self, positions: Iterable[int]) -> list[Work]:
        works = self.index.works
        return [works[p] for p in positions]

    def works_passing(self, positions: Sequence[int]) -> WorksAt:
        """The works at `positions`, built as each is taken and not kept: for one pass or a few
        over many of them (an export), where works_at would keep every one built."""
        return WorksAt(self.index.works, positions)

    def selected_positions(self) -> list[int]:
        """The persistent selection, in catalogue order; ids no longer in the catalogue are skipped."""
        by_id = self.index.position_by_id
        return sorted(by_id[i] for i in self.store.selected_ids() if i in by_id)

    def close(self) -> None:
        self.store.close()
