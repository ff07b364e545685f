"""The browser: search bar, tabs of works and of the records around them (campaigns, genres,
channels, people, organisations, policies), details, selection.

State flows down: the screen holds one search result (and the selection, figures, highlighted
record) as reactives; each tab is a Pane bound to them that draws itself (the PaneDeck shows one,
composing each when first shown), and the details pane is bound to the highlighted record. Events
flow up as messages.
"""

from __future__ import annotations

from collections.abc import Awaitable

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker

from ..core.history import History
from ..core.index import SORTS
from ..core.library import Library
from ..core.model import Record, Work
from ..core.records import SECTION_FIELDS, RecordBook
from ..core.search import FacetFilter
from ..core.selection_writer import SelectionWriter
from ..i18n import t, translated
from ..navigation import go, here
from ..typeahead import TypeAhead
from ..widgets.detail_pane import DetailPane
from ..widgets.facet_panel import FacetPanel, FilterLine
from ..widgets.link_list import LinkList
from ..widgets.pane import Matches, Pane
from ..widgets.pane_deck import TAB_NAMES, PaneDeck, make_panes
from ..widgets.record_table import RecordTable
from ..widgets.saved_list import SavedSearchList
from ..widgets.search_bar import SearchBar
from ..widgets.search_runner import SearchRunner
from ..widgets.selection_saver import SelectionSaver
from ..widgets.side_panel import SidePanel
from ..widgets.stats_pane import StatsPane
from ..widgets.works_table import WorksTable, sort_label
from .ask import ask
from .browser_keys import BROWSER_KEYS
from .confirm import ConfirmScreen
from .export_dialog import run_export
from .reader import copy_citation, copy_id, open_reader

# Textual's default icon (⭘, U+2B58) is missing from common fonts and showed as an empty box in a
# browser; ≡ is in DejaVu, Noto CJK and the usual system fonts, and the icon opens the palette.
HEADER_ICON = "≡"
NARROW_WIDTH = 110


class MainScreen(Screen[None]):
    BINDINGS = BROWSER_KEYS

    query_text: var[str] = var("")
    filters: var[tuple[FacetFilter, ...]] = var(())
    sort: var[str] = var("title")
    reverse_sort: var[bool] = var(False)
    result: var[Matches | None] = var(None)
    selected: var[frozenset[int]] = var(frozenset)
    chosen_figures: var[frozenset[str]] = var(frozenset)
    show_english: var[bool] = var(False)
    highlighted: var[Record | None] = var(None)

    def __init__(self, library: Library, typed_ahead: TypeAhead | None = None) -> None:
        super().__init__()
        self.library = library
        # Keys that arrive before the list can take them are kept here until on_mount ends.
        self.typed_ahead = typed_ahead or TypeAhead()
        self.ready = False
        self.book = RecordBook(library.index)
        self.panes = make_panes(library, self.book)
        # The stored selection, set before the SelectionSaver is bound to it: its first sync must
        # not look like the user clearing it.
        stored = frozenset(library.selected_positions())
        self.set_reactive(MainScreen.selected, stored)
        self.saver = SelectionSaver(library, stored)
        self.history = History()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        # Bound here: data_bind needs this screen to be the one composing.
        for pane in self.panes:
            pane.data_bind(MainScreen.result, MainScreen.selected, MainScreen.show_english)
            if isinstance(pane, StatsPane):
                pane.data_bind(MainScreen.chosen_figures)
        side = SidePanel(self.library, id="side")
        details = DetailPane(self.library.index, self.book, id="details")
        yield Header(icon=HEADER_ICON)
        yield SearchBar(id="search-bar")
        yield FilterLine(id="filter-line")
        yield PaneDeck(self.panes, side, details.data_bind(record=MainScreen.highlighted))
        yield self.saver.data_bind(MainScreen.selected)
        yield SearchRunner(self.library.engine).data_bind(
            MainScreen.query_text, MainScreen.filters, MainScreen.sort, MainScreen.reverse_sort
        )
        yield Footer()

    def on_mount(self) -> None:
        self.apply_language()
        self.run_search()
        self.ready = True
        self.set_focus(self.active_pane.focus_target)
        if (meant := self.typed_ahead.search()) is not None:
            text, typing = meant
            self.query_one(SearchBar).set_value(text)
            if typing:
                self.set_focus(self.query_one(SearchBar).input)

    def on_key(self, event: events.Key) -> None:
        if not self.ready:
            event.stop()
            event.prevent_default()
            self.typed_ahead.add(event)

    def on_unmount(self) -> None:
        self.writer.close()

    @property
    def deck(self) -> PaneDeck:
        return self.query_one(PaneDeck)

    @property
    def active_pane(self) -> Pane:
        return self.deck.active if self.is_mounted else self.panes[0]

    @property
    def writer(self) -> SelectionWriter:
        return self.saver.writer

    def apply_language(self) -> None:
        """Show every label, key description and list in the current language."""
        self.deck.relabel()
        self.query_one(SearchBar).translate()
        self.query_one(SavedSearchList).reload()
        self._show_filters()
        for pane in self.panes:
            if pane.is_mounted:
                pane.translate()
        self.query_one(DetailPane).translate()
        self._show_count()
        self.app.refresh_bindings()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    # Searching -------------------------------------------------------------------------------

    @on(SearchBar.Changed)
    def _query_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.query

    def watch_filters(self) -> None:
        self._show_filters()

    def watch_sort(self) -> None:
        self._show_count()

    def watch_reverse_sort(self) -> None:
        self._show_count()

    def _show_filters(self) -> None:
        labels = {(f.field, f.value): self.library.index.group_names(f.field, f.value) for f in self.filters}
        self.query_one(FilterLine).show_filters(self.filters, labels)

    def run_search(self) -> Worker[Matches | None]:
        """Search again now (SearchRunner searches by itself when the query, filters or sort change)."""
        return self.query_one(SearchRunner).run_search()

    @on(SearchRunner.Found)
    def _found(self, event: SearchRunner.Found) -> None:
        self.result = event.matches

    @on(SearchRunner.Failed)
    def _failed(self, event: SearchRunner.Failed) -> None:
        self.query_one(SearchBar).show_error(event.error)  # the last good results stay

    def watch_result(self) -> None:
        self.call_after_refresh(self._show_count)  # after the panes have listed their records
        self.refresh_facets()

    def watch_selected(self) -> None:
        self._show_count()

    def _show_count(self) -> None:
        """Count what the visible tab lists: its records, or the matching works."""
        counted = self.active_pane.count() if self.active_pane.is_mounted else None
        if counted is None:
            counted = len(self.matches), len(self.library.index), "search.count"
        shown, total, what = counted
        sort = sort_label(self.sort, self.reverse_sort)
        self.query_one(SearchBar).show_count(shown, total, len(self.selected), sort, what)

    def refresh_facets(self) -> None:
        found, unfiltered = (self.result.found, self.result.unfiltered) if self.result else (0, 0)
        self.query_one(SidePanel).show_facets(found, self.filters, unfiltered)

    # Tabs and focus --------------------------------------------------------------------------

    @property
    def matches(self) -> list[int]:
        """The current matches, ranked."""
        return self.result.positions if self.result else []

    @property
    def active_tab(self) -> str:
        """The visible tab's name (TAB_NAMES)."""
        return self.active_pane.id or TAB_NAMES[0]

    def _typing_text(self) -> bool:
        """Is the focus in the search box (where keys are text), or is the screen not ready?"""
        return not self.ready or self.focused is self.query_one(SearchBar).input

    async def show_pane(self, pane: Pane) -> None:
        """Show a tab's pane (PaneDeck.show) with its record in the details and its count."""
        await self.deck.show(pane)
        # The details follow the tab at once: never the previous tab's record.
        self.highlighted = pane.current
        self._show_count()

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

    def action_toggle_facets(self) -> None:
        if self._typing_text():
            raise SkipAction()
        side = self.query_one(SidePanel)
        if side.toggle():
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
        if count := len(self.selected):
            question = ConfirmScreen(t("selection.clear_question", count=f"{count:,}"), t("confirm.clear"))
            self._clear_selection(ask(self.app, question), count)

    @work(group="dialog")
    async def _clear_selection(self, asked: Awaitable[bool], count: int) -> None:
        if await asked:
            self._change_selection(set(self.selected), False)
            self.notify(t("selection.cleared", count=f"{count:,}"), timeout=2, markup=False)

    def _change_selection(self, positions: set[int], adding: bool) -> None:
        # The SelectionSaver, bound to `selected`, writes the change to the store.
        self.selected = self.selected | positions if adding else self.selected - positions

    def action_save_search(self) -> None:
        if not self.ready:
            raise SkipAction()
        self.query_one(SavedSearchList).save(self.query_text, self.filters)

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
        positions = self.matches
        on_stats = isinstance(self.active_pane, StatsPane)
        run_export(self, self.library, sorted(self.selected), positions, self.query_text,
                   self.chosen_figures, on_stats)  # fmt: skip

    # Sources: the reader and citations (screens/reader.py) ---------------------------------------

    def action_read_source(self) -> None:
        open_reader(self.app, self.library, self.highlighted)

    def action_copy_citation(self) -> None:
        copy_citation(self.app, self.library.catalog.documents, self.highlighted)

    def action_copy_id(self) -> None:
        copy_id(self.app, self.highlighted)

    # Jumps and history -------------------------------------------------------------------------

    async def action_back(self) -> None:
        if self._typing_text():
            raise SkipAction()
        if (place := self.history.back(here(self))) is None:
            self.notify(t("history.start"), timeout=2, markup=False)
        else:
            await go(self, place)

    async def action_forward(self) -> None:
        if self._typing_text():
            raise SkipAction()
        if (place := self.history.forward(here(self))) is None:
            self.notify(t("history.end"), timeout=2, markup=False)
        else:
            await go(self, place)

    def action_show_works(self) -> None:
        """The works of the highlighted record, in its tab (a figure's in the Policies tab)."""
        if self._typing_text():
            raise SkipAction()
        record = self.highlighted
        if not self.active_pane.open_works() and record is not None and not isinstance(record, Work):
            self.run_worker(self._works_elsewhere(record), group="jump")

    async def _works_elsewhere(self, record: Record) -> None:
        await self.jump_to(SECTION_FIELDS[record.SECTION], record.id)
        if self.active_pane.current == record:
            self.active_pane.open_works()

    @on(DetailPane.JumpRequested)
    async def _jump_requested(self, event: DetailPane.JumpRequested) -> None:
        await self.jump_to(event.field, event.value)

    async def jump_to(self, field: str, value: str) -> None:
        """Show a record (field "campaign", "channel", "type", "person", "organisation", "policy",
        "event" or "figure") or a work ("work") in its tab, by id; when the search hides it, the
        search and filters are cleared (and the user told) and it is shown once they are."""
        pane = self.deck.showing(field)
        if pane is None:
            return
        self.history.visit(here(self))  # Back (backspace) returns here
        await self.show_pane(pane)
        if pane.choose(value):
            return
        if not self.query_text and not self.filters:  # nothing hides it: it is not in the catalogue
            self.notify(t("jump.missing_work" if field == "work" else "jump.missing_group"),
                        severity="warning", markup=False)  # fmt: skip
            return
        pane.pending = value
        self.filters = ()
        self.query_one(SearchBar).set_value("")
        self.notify(t("jump.cleared"), timeout=3, markup=False)
