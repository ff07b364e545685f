"""The side panel beside the list: saved searches and facet filters (f shows and hides it).

Its lists are mounted the first time they are needed (shown, or a search saved): the browser's
first frame does without them."""

from __future__ import annotations

from textual.containers import Vertical

from ..core.library import Library
from ..core.search import FacetFilter
from .facet_panel import FacetPanel
from .saved_list import SavedSearchList


class SidePanel(Vertical):
    def __init__(self, library: Library, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.saved = SavedSearchList(library.store, id="saved")
        self.facets = FacetPanel(id="facets")
        self.engine = library.engine

    def on_mount(self) -> None:
        self.display = False

    @property
    def composed(self) -> bool:
        return self.saved.parent is not None

    async def compose_lists(self) -> None:
        """Mount the saved searches and the facets, once."""
        if not self.composed:
            await self.mount(self.saved, self.facets)
            self.saved.reload()

    async def toggle(self) -> bool:
        """Show or hide the panel; True when it is shown now."""
        await self.compose_lists()
        self.display = not self.display
        return bool(self.display)

    def translate(self) -> None:
        if self.composed:
            self.saved.reload()

    def show_facets(self, found: int, filters: tuple[FacetFilter, ...], unfiltered: int) -> None:
        """Count the facet values among `found` (a set of ranks; `unfiltered`: before the facet
        filters, so a field's counts follow the other fields'); only while the panel shows."""
        if self.display and self.composed:
            self.facets.show_facets(self.engine.facet_counts(found, filters, unfiltered), filters)
