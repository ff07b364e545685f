"""The browser: search bar, tabs of works by campaign, genre and channel, details, selection.

State flows down: the screen holds one search result (and the selection, figures, highlighted
record) as reactives; each tab is a Pane bound to them that draws itself, and the details pane is
bound to the highlighted record. Events flow up as messages. Hidden tabs are composed when first
shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Header, Tab, Tabs

from ..core.history import History
from ..core.index import SORTS
from ..core.library import Library
from ..core.model import Record
from ..core.query import QueryError
from ..core.search import FacetFilter
from ..core.selection_writer import SelectionWriter
from ..i18n import t, translated
from ..navigation import go, here
from ..typeahead import TypeAhead
from ..widgets.all_pane import AllPane
from ..widgets.detail_pane import DetailPane
from ..widgets.facet_panel import FacetPanel, FilterLine
from ..widgets.group_pane import GroupPane
from ..widgets.pane import Matches, Pane
from ..widgets.policies_pane import PoliciesPane
from ..widgets.record_table import RecordTable
from ..widgets.saved_list import SavedSearchList
from ..widgets.search_bar import SearchBar
from ..widgets.selection_pane import SelectionPane
from ..widgets.stats_pane import StatsPane
from ..widgets.works_table import WorksTable, sort_label
from .ask import ask
from .confirm import ConfirmScreen
from .export_dialog import run_export
from .reader import copy_citation, copy_id, open_reader

DEBOUNCE_SECONDS = 0.03
# Textual's default icon (⭘, U+2B58) is missing from common fonts and showed as an empty box in a
# browser; ≡ is in DejaVu, Noto CJK and the usual system fonts, and the icon opens the palette.
HEADER_ICON = "≡"
NARROW_WIDTH = 110
SHORT_TABS_WIDTH = 90
TAB_NAMES = ("all", "campaigns", "genres", "channels", "selection", "policies", "stats")  # i18n "tab.<name>"
GROUP_FIELDS = {"campaigns": "campaign", "genres": "type", "channels": "channel"}


class MainScreen(Screen[None]):
    BINDINGS = [
        # Descriptions are English here; i18n.translated shows them in the chosen language.
        # Bindings that move the focus are priority bindings: they run before the keys queued
        # behind them are handed to the focused widget, so those keys reach the new focus. The
        # ones that are text in the search box step aside there (SkipAction).
        Binding("slash", "focus_search", "Search", priority=True),
        Binding("escape", "focus_list", "List", show=False, priority=True),
        Binding("enter", "submit_search", "Results", show=False, priority=True),
        Binding("left_square_bracket", "step_tab(-1)", "Prev tab", show=False, priority=True),
        Binding("right_square_bracket", "step_tab(1)", "Next tab", show=False, priority=True),
        *[
            Binding(str(n), f"show_tab({n - 1})", f"Tab {n}", show=False, priority=True)
            for n in range(1, len(TAB_NAMES) + 1)
        ],
        Binding("f", "toggle_facets", "Filters", priority=True),
        Binding("F", "clear_filters", "Clear filters", show=False),
        Binding("s", "cycle_sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False),
        # Back and forward through jumps (Enter on a link, the palette), like a browser.
        Binding("backspace,alt+left", "back", "Back", show=False, priority=True),
        Binding("alt+right", "forward", "Forward", show=False, priority=True),
        Binding("a", "select_matches", "Select all", show=False),
        Binding("A", "clear_selection", "Clear selection", show=False, priority=True),
        # Keys that open a dialog are priority bindings too: the keys typed next reach the dialog.
        Binding("e", "export", "Export", priority=True),
        Binding("ctrl+s", "save_search", "Save search", priority=True),
        Binding("t", "toggle_english", "English titles", show=False),
        Binding("L", "app.toggle_language", "Language"),
        Binding("r", "read_source", "Read source", show=False),
        Binding("c", "copy_citation", "Copy citation", show=False),
        Binding("C", "copy_id", "Copy id and title", show=False),
    ]

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
        self._searching = False
        self.writer = SelectionWriter(library.store, self._not_saved)
        self.panes: list[Pane] = []
        self.active_pane: Pane | None = None
        self.history = History()

    def _make_panes(self) -> list[Pane]:
        library = self.library
        panes: list[Pane] = []
        for name in TAB_NAMES:
            if name in GROUP_FIELDS:
                panes.append(GroupPane(library, GROUP_FIELDS[name], id=name))
            elif name == "selection":
                panes.append(SelectionPane(library, id=name))
            elif name == "policies":
                panes.append(PoliciesPane(library, id=name))
            elif name == "stats":
                panes.append(StatsPane(library, id=name).data_bind(MainScreen.chosen_figures))
            else:
                panes.append(AllPane(library, id=name))
        for pane in panes:
            pane.data_bind(MainScreen.result, MainScreen.selected, MainScreen.show_english)
        return panes

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        self.panes = self._make_panes()
        self.active_pane = self.panes[0]
        yield Header(icon=HEADER_ICON)
        yield SearchBar(id="search-bar")
        yield FilterLine(id="filter-line")
        yield Tabs(
            *(Tab(self._tab_label(n), id=f"tab-{pane.id}") for n, pane in enumerate(self.panes)), id="tabs"
        )
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield SavedSearchList(self.library.store, id="saved")
                yield FacetPanel(id="facets")
            # Only the first tab is composed now; the others when first shown.
            with ContentSwitcher(initial=self.active_pane.id, id="panes"):
                yield self.active_pane
            yield DetailPane(self.library.index, id="details").data_bind(record=MainScreen.highlighted)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#side").display = False
        self.apply_language()
        self.selected = frozenset(self.library.selected_positions())
        self.run_search()
        self.ready = True
        self.set_focus(self._pane_focus(self.panes[0]))
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

    def _tab_label(self, number: int) -> str:
        name = TAB_NAMES[number]
        short = self.size.width and self.size.width < SHORT_TABS_WIDTH
        active = self.active_pane is not None and self.active_pane.id == name
        # In a narrow terminal only the active tab says its name, so all seven fit.
        return t(f"tab.{name}", n=number + 1) if active or not short else str(number + 1)

    def _label_tabs(self) -> None:
        tabs = self.query_one(Tabs)
        for n, pane in enumerate(self.panes):
            tabs.query_one(f"#tab-{pane.id}", Tab).label = self._tab_label(n)

    def apply_language(self) -> None:
        """Show every label, key description and list in the current language."""
        self._label_tabs()
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
        self._label_tabs()

    # Searching -------------------------------------------------------------------------------

    @on(SearchBar.Changed)
    def _query_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.query

    def watch_query_text(self) -> None:
        self.run_search()

    def watch_filters(self) -> None:
        self._show_filters()
        self.run_search()

    def watch_sort(self) -> None:
        self._show_count()
        self.run_search()

    def watch_reverse_sort(self) -> None:
        self.watch_sort()

    def _show_filters(self) -> None:
        labels = {(f.field, f.value): self.library.index.group_names(f.field, f.value) for f in self.filters}
        self.query_one(FilterLine).show_filters(self.filters, labels)

    @work(exclusive=True, group="search")
    async def run_search(self) -> None:
        """Searches at once when idle; while a search is still running (fast typing on a large
        catalogue) it waits a moment first, and the next keystroke cancels it while it waits."""
        if self._searching:
            await asyncio.sleep(DEBOUNCE_SECONDS)
        query, engine, sort, reverse = self.query_text, self.library.engine, self.sort, self.reverse_sort
        self._searching = True
        try:
            found = await asyncio.to_thread(
                engine.search, query, sort=sort, filters=self.filters, reverse=reverse
            )
        except QueryError as error:
            self.query_one(SearchBar).show_error(error)
            return
        finally:
            self._searching = False
        self.result = Matches(found.positions, found.found, query, sort, reverse, found.unfiltered)

    def watch_result(self) -> None:
        self._show_count()
        if self.query_one("#side").display:
            self.refresh_facets()

    def watch_selected(self) -> None:
        self._show_count()

    def _show_count(self) -> None:
        shown = len(self.result.positions) if self.result else 0
        bar = self.query_one(SearchBar)
        bar.show_count(
            shown, len(self.library.index), len(self.selected), sort_label(self.sort, self.reverse_sort)
        )

    def refresh_facets(self) -> None:
        found, unfiltered = (self.result.found, self.result.unfiltered) if self.result else (0, 0)
        counts = self.library.engine.facet_counts(found, self.filters, unfiltered)
        self.query_one(FacetPanel).show_facets(counts, self.filters)

    # Tabs and focus --------------------------------------------------------------------------

    @property
    def matches(self) -> list[int]:
        """The current matches, ranked."""
        return self.result.positions if self.result else []

    @property
    def active_tab(self) -> str:
        """The visible tab's name (TAB_NAMES)."""
        return self.active_pane.id if self.active_pane and self.active_pane.id else TAB_NAMES[0]

    def _typing_text(self) -> bool:
        """Is the focus in the search box (where keys are text), or is the screen not ready?"""
        return not self.ready or self.focused is self.query_one(SearchBar).input

    def _pane_focus(self, pane: Pane) -> Widget:
        return pane.focus_target or pane

    async def show_pane(self, pane: Pane) -> None:
        switcher = self.query_one(ContentSwitcher)
        if pane.parent is None:
            await switcher.mount(pane)
        self.active_pane = pane
        switcher.current = pane.id
        self.query_one(Tabs).active = f"tab-{pane.id}"
        self._label_tabs()
        if (target := pane.focus_target) is not None:
            self.set_focus(target)
        # The details follow the tab at once: never the previous tab's record.
        self.highlighted = pane.current

    async def action_show_tab(self, number: int) -> None:
        if self._typing_text():
            raise SkipAction()
        if 0 <= number < len(self.panes):
            await self.show_pane(self.panes[number])

    async def action_step_tab(self, step: int) -> None:
        if self._typing_text():
            raise SkipAction()
        assert self.active_pane is not None
        await self.show_pane(self.panes[(self.panes.index(self.active_pane) + step) % len(self.panes)])

    @on(Tabs.TabActivated, "#tabs")
    async def _tab_activated(self, event: Tabs.TabActivated) -> None:
        pane = next(p for p in self.panes if event.tab.id == f"tab-{p.id}")
        if pane is not self.active_pane:
            await self.show_pane(pane)

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
        if not self.ready or self.active_pane is None:
            raise SkipAction()
        self.set_focus(self.active_pane.focus_target)

    def action_submit_search(self) -> None:
        if not self.ready or self.focused is not self.query_one(SearchBar).input:
            raise SkipAction()
        self.action_focus_list()

    @on(WorksTable.Activated)
    def _work_activated(self) -> None:
        links = self.query_one("#detail-links")
        if links.option_count:  # type: ignore[attr-defined]
            links.highlighted = links.highlighted or 0  # type: ignore[attr-defined]
            self.set_focus(links)

    # Filters, sort, English titles -----------------------------------------------------------

    def action_toggle_facets(self) -> None:
        if self._typing_text():
            raise SkipAction()
        side = self.query_one("#side")
        side.display = not side.display
        if side.display:
            self.refresh_facets()
            self.set_focus(self.query_one(FacetPanel))
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
        self.selected = self.selected | positions if adding else self.selected - positions
        works = self.library.index.works
        self.writer.change((works[p].id for p in positions), adding)

    @dataclass
    class NotSaved(Message):
        error: OSError

    def _not_saved(self, error: OSError) -> None:
        # From the writer's thread: post_message does not wait for the UI.
        self.post_message(self.NotSaved(error))

    @on(NotSaved)
    def _say_not_saved(self, event: NotSaved) -> None:
        self.notify(t("selection.not_saved", error=event.error), severity="error", markup=False)

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

    # Jumps -----------------------------------------------------------------------------------

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

    @on(DetailPane.JumpRequested)
    async def _jump_requested(self, event: DetailPane.JumpRequested) -> None:
        await self.jump_to(event.field, event.value)

    async def jump_to(self, field: str, value: str) -> None:
        """Show a group in its tab, or a work in the All tab, by id."""
        self.history.visit(here(self))  # Back (backspace) returns here
        if field == "work":
            all_pane = self.panes[0]
            await self.show_pane(all_pane)
            position = self.library.index.position_by_id.get(value)
            if position is None or not all_pane.table.move_to(position):  # type: ignore[attr-defined]
                self.notify(t("jump.missing_work"), severity="warning", markup=False)
            return
        pane = next(p for p in self.panes if isinstance(p, GroupPane) and p.field == field)
        await self.show_pane(pane)
        if not pane.choose(value):
            self.notify(t("jump.missing_group"), severity="warning", markup=False)
