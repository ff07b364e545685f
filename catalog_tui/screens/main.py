"""The browser's keys and the user's requests: tabs and focus, filters and sort, the selection,
saved searches, export, sources, jumps and history. What the browser holds and shows (the search
result, the panes bound to it, the count) is screens/browser.py.
"""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction

from .. import navigation
from ..core.index import SORTS
from ..core.model import Work
from ..core.search import FacetFilter
from ..i18n import t
from ..widgets.detail_pane import DetailPane
from ..widgets.facet_panel import FacetPanel
from ..widgets.link_list import LinkList
from ..widgets.pane import Pane
from ..widgets.pane_deck import PaneDeck
from ..widgets.record_table import RecordTable
from ..widgets.saved_list import SavedSearchList
from ..widgets.search_bar import SearchBar
from ..widgets.selection_saver import SelectionSaver
from ..widgets.works_table import WorksTable
from .browser import Browser
from .browser_keys import BROWSER_KEYS

# The dialogs and the reader (export_dialog, reader, confirm) are imported when first opened: the
# first frame does without their code.


class MainScreen(Browser):
    BINDINGS = BROWSER_KEYS

    # Tabs and focus --------------------------------------------------------------------------

    async def action_show_tab(self, number: int) -> None:
        if self._typing_text():
            raise SkipAction()
        if 0 <= number < len(self.panes):
            await self.show_pane(self.panes[number])

    async def action_step_tab(self, step: int) -> None:
        if self._typing_text():
            raise SkipAction()
        await self.show_pane(self.deck.after(step))

    @on(PaneDeck.TabClicked)
    async def _tab_clicked(self, event: PaneDeck.TabClicked) -> None:
        await self.show_pane(event.pane)

    @on(Pane.Highlighted)
    def _pane_highlighted(self, event: Pane.Highlighted) -> None:
        if event.pane is self.active_pane:
            self.highlighted = event.record

    def action_focus_search(self) -> None:
        if self._typing_text():
            raise SkipAction()
        # Screen.set_focus, not Widget.focus(): the focus moves now, before the next queued key.
        self.set_focus(self.query_one(SearchBar).input)

    def action_focus_list(self) -> None:
        if not self.ready:
            raise SkipAction()
        self.set_focus(self.active_pane.focus_target)

    def action_submit_search(self) -> None:
        if not self.ready or self.focused is not self.query_one(SearchBar).input:
            raise SkipAction()
        self.action_focus_list()

    def action_focus_links(self) -> None:
        if self._typing_text():
            raise SkipAction()
        self._focus_links()

    @on(WorksTable.Activated)
    def _focus_links(self) -> None:
        """Focus the links of the highlighted record's details (enter on a work does it too)."""
        links = self.query_one(LinkList)
        if links.option_count:
            links.highlighted = links.highlighted or 0
            self.set_focus(links)

    # Filters, sort, English titles -----------------------------------------------------------

    async def action_toggle_facets(self) -> None:
        if self._typing_text():
            raise SkipAction()
        side = await self.side_panel()
        if await side.toggle():
            self.refresh_facets()
            self.set_focus(side.facets)
        else:
            self.action_focus_list()

    @on(FacetPanel.Toggled)
    def _facet_toggled(self, event: FacetPanel.Toggled) -> None:
        facet = event.facet
        others = tuple(f for f in self.filters if (f.field, f.value) != (facet.field, facet.value))
        self.filters = others if facet in self.filters else (*others, facet)

    def action_clear_filters(self) -> None:
        self.filters = ()

    def action_toggle_english(self) -> None:
        self.show_english = not self.show_english

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reverse_sort = False  # each order starts its natural way round

    def action_reverse_sort(self) -> None:
        self.reverse_sort = not self.reverse_sort

    # Selection, saved searches, export ---------------------------------------------------------

    @on(WorksTable.ToggleRequested)
    def _toggle_requested(self, event: WorksTable.ToggleRequested) -> None:
        chosen = set(event.positions)
        self._change_selection(chosen, not chosen <= self.selected)

    @on(RecordTable.ToggleRequested)
    def _figure_toggled(self, event: RecordTable.ToggleRequested) -> None:
        figure_id, chosen = event.record.id, self.chosen_figures
        self.chosen_figures = chosen - {figure_id} if figure_id in chosen else chosen | {figure_id}

    def action_select_matches(self) -> None:
        self._change_selection(set(self.matches), True)
        self.notify(t("selection.all", count=f"{len(self.selected):,}"), timeout=2, markup=False)

    def action_clear_selection(self) -> None:
        if self._typing_text():
            raise SkipAction()
        self.saver.ask_to_clear()

    @on(SelectionSaver.ClearAgreed)
    def _clear_selection(self, event: SelectionSaver.ClearAgreed) -> None:
        self._change_selection(set(self.selected), False)
        self.notify(t("selection.cleared", count=f"{event.count:,}"), timeout=2, markup=False)

    def _change_selection(self, positions: set[int], adding: bool) -> None:
        # The SelectionSaver, bound to `selected`, writes the change to the store.
        self.selected = self.selected | positions if adding else self.selected - positions

    async def action_save_search(self) -> None:
        if not self.ready:
            raise SkipAction()
        side = await self.side_panel()
        await side.compose_lists()
        side.saved.save(self.query_text, self.filters)

    @on(SavedSearchList.Run)
    def run_saved(self, event: SavedSearchList.Run | dict[str, object]) -> None:
        """Put a saved search's query and filters back, as if typed."""
        saved = event.saved if isinstance(event, SavedSearchList.Run) else event
        self.filters = tuple(FacetFilter.from_dict(f) for f in saved.get("filters") or ())  # type: ignore[union-attr]
        self.query_one(SearchBar).set_value(str(saved.get("query", "")))
        self.action_focus_list()

    def action_export(self) -> None:
        if self._typing_text():
            raise SkipAction()
        from .export_dialog import run_export

        on_stats = self.active_pane.shows_figures
        run_export(self, self.library, sorted(self.selected), self.matches, self.query_text,
                   self.chosen_figures, on_stats)  # fmt: skip

    # Sources: the reader and citations (screens/reader.py) ---------------------------------------

    def action_read_source(self) -> None:
        from .reader import open_reader

        open_reader(self.app, self.library, self.highlighted)

    def action_copy_citation(self) -> None:
        from .reader import copy_citation

        copy_citation(self.app, self.library.catalog.documents, self.highlighted)

    def action_copy_id(self) -> None:
        from .reader import copy_id

        copy_id(self.app, self.highlighted)

    # Jumps and history (navigation.py) ----------------------------------------------------------

    async def action_back(self) -> None:
        if self._typing_text():
            raise SkipAction()
        await navigation.back(self)

    async def action_forward(self) -> None:
        if self._typing_text():
            raise SkipAction()
        await navigation.forward(self)

    def action_show_works(self) -> None:
        """The works of the highlighted record, in its tab (a figure's in the Policies tab)."""
        if self._typing_text():
            raise SkipAction()
        record = self.highlighted
        if not self.active_pane.open_works() and record is not None and not isinstance(record, Work):
            self.run_worker(navigation.works_elsewhere(self, record), group="jump")

    @on(DetailPane.JumpRequested)
    async def _jump_requested(self, event: DetailPane.JumpRequested) -> None:
        await self.jump_to(event.field, event.value)

    async def jump_to(self, field: str, value: str) -> None:
        """Show a record (field "campaign", "channel", "type", "person", "organisation", "policy",
        "event" or "figure") or a work ("work") in its tab, by id; when the search hides it, the
        search and filters are cleared (and the user told) and it is shown once they are."""
        await navigation.jump(self, field, value)
