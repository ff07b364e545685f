"""The side panel beside the list: saved searches and facet filters (f shows and hides it)."""

from __future__ import annotations

from textual.containers import Vertical

from ..core.library import Library
from ..core.search import FacetFilter
from .facet_panel import FacetPanel
from .saved_list import SavedSearchList


class SidePanel(Vertical):
    def __init__(self, library: Library, **kwargs: object) -> None:
        self.saved = SavedSearchList(library.store, id="saved")
        self.facets = FacetPanel(id="facets")
        super().__init__(self.saved, self.facets, **kwargs)  # type: ignore[arg-type]
        self.engine = library.engine

    def on_mount(self) -> None:
        self.display = False

    def toggle(self) -> bool:
        """Show or hide the panel; True when it is shown now."""
        self.display = not self.display
        return bool(self.display)

    def show_facets(self, found: int, filters: tuple[FacetFilter, ...], unfiltered: int) -> None:
        """Count the facet values among `found` (a set of ranks; `unfiltered`: before the facet
        filters, so a field's counts follow the other fields'); only while the panel shows."""
        if self.display:
            self.facets.show_facets(self.engine.facet_counts(found, filters, unfiltered), filters)
