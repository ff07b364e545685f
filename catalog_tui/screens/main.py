"""The browser: search bar, tabs of works by campaign, genre and channel, details, selection.

The screen owns the state (query, filters, sort, matches, selection) and pushes it down into the
widgets; the widgets post typed messages up.
"""

from __future__ import annotations

import asyncio

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, OptionList, Tab, Tabs

from ..core.library import Library
from ..core.query import QueryError
from ..core.search import FacetFilter
from ..i18n import t, translate_bindings
from ..typeahead import TypeAhead
from ..widgets.detail_pane import DetailPane
from ..widgets.facet_panel import FacetPanel, FilterLine
from ..widgets.group_list import GroupList
from ..widgets.record_table import RecordTable
from ..widgets.saved_list import SavedSearchList
from ..widgets.search_bar import SearchBar
from ..widgets.stats_view import StatsView
from ..widgets.works_table import WorksTable
from .actions import BrowserActions

DEBOUNCE_SECONDS = 0.03
NARROW_WIDTH = 110
# tab id -> the facet field of its group list, or None (labels: i18n "tab.<id>")
TABS: dict[str, str | None] = {
    "all": None,
    "campaigns": "campaign",
    "genres": "type",
    "channels": "channel",
    "selection": None,
    "policies": None,
    "stats": None,
}


class MainScreen(BrowserActions, Screen[None]):
    BINDINGS = [
        # Descriptions are English here; i18n.translate_bindings shows them in the chosen language.
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
            for n in range(1, len(TABS) + 1)
        ],
        Binding("f", "toggle_facets", "Filters", priority=True),
        Binding("F", "clear_filters", "Clear filters", show=False),
        Binding("s", "cycle_sort", "Sort"),
        Binding("a", "select_matches", "Select all"),
        Binding("A", "clear_selection", "Clear selection", show=False),
        Binding("e", "export", "Export"),
        Binding("ctrl+s", "save_search", "Save search"),
        Binding("t", "toggle_english", "English titles", show=False),
        Binding("L", "app.toggle_language", "Language"),
    ]

    query_text: var[str] = var("")
    filters: var[tuple[FacetFilter, ...]] = var(())
    sort: var[str] = var("title")
    matches: var[list[int]] = var(list)
    # The same works as a set of ranks (core/bits.py), set just before `matches`: counting by
    # campaign, channel or type is then an AND per group instead of a pass over the list.
    match_set: var[int] = var(0)
    selected: var[frozenset[int]] = var(frozenset)
    chosen_figures: var[frozenset[str]] = var(frozenset)
    show_english: var[bool] = var(False)

    def __init__(self, library: Library, typed_ahead: TypeAhead | None = None) -> None:
        super().__init__()
        self.library = library
        # Keys that arrive before the list can take them are kept here until on_mount ends.
        self.typed_ahead = typed_ahead or TypeAhead()
        self.ready = False
        self._searching = False
        self._details_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBar(id="search-bar")
        yield FilterLine(id="filter-line")
        # Tabs span the full width above the panes and the shared detail pane.
        yield Tabs(*(Tab(t(f"tab.{tab_id}", n=n), id=f"tab-{tab_id}") for n, tab_id in enumerate(TABS, 1)),
                   id="tabs")  # fmt: skip
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield SavedSearchList(id="saved")
                yield FacetPanel(id="facets")
            with ContentSwitcher(initial="all", id="panes"):
                for tab_id, field in TABS.items():
                    with Vertical(id=tab_id, classes="pane"):
                        if field is not None:
                            with Horizontal(classes="grouped"):
                                yield GroupList(field, id=f"groups-{tab_id}")
                                yield WorksTable(id=f"works-{tab_id}")
                        elif tab_id == "policies":
                            yield RecordTable(id="records-policies")
                        elif tab_id == "stats":
                            yield StatsView(id="stats-view")
                        else:
                            yield WorksTable(id=f"works-{tab_id}")
            yield DetailPane(id="details")
        yield Footer()

    def on_mount(self) -> None:
        index = self.library.index
        for table in self.query(WorksTable):
            table.index = index
            table.data_bind(selected=MainScreen.selected, show_english=MainScreen.show_english)
        self.query_one(DetailPane).index = index
        self.query_one("#works-selection", WorksTable).empty_key = "list.empty_selection"
        self.query_one("#side").display = False
        self.apply_language()
        self.selected = frozenset(self.library.selected_positions())
        self.run_search()
        self.ready = True
        self.set_focus(self.query_one("#works-all", WorksTable))
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

    def apply_language(self) -> None:
        """Show every label, key description and list in the current language."""
        for node in (self.app, self, *self.walk_children()):
            translate_bindings(node)
        for n, tab_id in enumerate(TABS, 1):
            self.query_one(f"#tab-{tab_id}", Tab).label = t(f"tab.{tab_id}", n=n)
        self.query_one(SearchBar).translate()
        catalog = self.library.catalog
        self.query_one("#records-policies", RecordTable).show_records([*catalog.policies, *catalog.events])
        self.query_one(SavedSearchList).show_saved(self.library.store.saved_searches())
        self._show_filters()
        for table in self.query(WorksTable):
            table.refresh()
        self._show_count()
        self.refresh_tab()
        self.app.refresh_bindings()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    # Searching -------------------------------------------------------------------------------

    @on(SearchBar.Changed)
    def _query_changed(self, event: SearchBar.Changed) -> None:
        self.query_text = event.query

    def watch_query_text(self) -> None:
        self.run_search()

    def watch_filters(self) -> None:
        self._show_filters()
        self.run_search()

    def _show_filters(self) -> None:
        labels = {(f.field, f.value): self.library.index.group_names(f.field, f.value) for f in self.filters}
        self.query_one(FilterLine).show_filters(self.filters, labels)

    def watch_sort(self) -> None:
        self.run_search()

    @work(exclusive=True, group="search")
    async def run_search(self) -> None:
        """Searches at once when idle; while a search is still running (fast typing on a large
        catalogue) it waits a moment first, and the next keystroke cancels it while it waits."""
        if self._searching:
            await asyncio.sleep(DEBOUNCE_SECONDS)
        engine = self.library.engine
        self._searching = True
        try:
            result = await asyncio.to_thread(
                engine.search, self.query_text, sort=self.sort, filters=self.filters
            )
        except QueryError as error:
            self.query_one(SearchBar).show_error(error)
            return
        finally:
            self._searching = False
        self.match_set = result.found
        self.matches = result.positions

    def watch_matches(self) -> None:
        self._show_count()
        self.refresh_tab()
        if self.query_one("#side").display:
            self.refresh_facets()

    def watch_selected(self) -> None:
        self._show_count()
        if self.active_tab == "selection":
            self.refresh_tab()

    def _show_count(self) -> None:
        self.query_one(SearchBar).show_count(len(self.matches), len(self.library.index), len(self.selected))

    def refresh_facets(self) -> None:
        facets = self.library.engine.facet_counts(self.match_set)
        self.query_one(FacetPanel).show_facets(facets, self.filters)

    # Tabs ------------------------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(ContentSwitcher).current or "all"

    def refresh_tab(self) -> None:
        """Push the matches into the visible tab only; the others catch up when shown."""
        tab = self.active_tab
        field = TABS.get(tab)
        if field is not None:
            self._refresh_groups(tab, field)
        elif tab == "all":
            self.query_one("#works-all", WorksTable).positions = self.matches
        elif tab == "selection":
            chosen = self.selected
            self.query_one("#works-selection", WorksTable).positions = [
                p for p in self.matches if p in chosen
            ]
        elif tab == "stats":
            stats = self.query_one(StatsView)
            stats.show(self.library.engine, self.match_set, self.query_text, self.chosen_figures)
        self._show_highlighted()

    def _refresh_groups(self, tab: str, field: str) -> None:
        matched = self.match_set
        groups = self.library.index.groups[field].values()
        counted = [(g, n) for g in groups if (n := (g.members & matched).bit_count())]
        group_list = self.query_one(f"#groups-{tab}", GroupList)
        group_list.show_groups(counted)
        self._show_group(tab, field, group_list.chosen)

    def _show_group(self, tab: str, field: str, value: str | None) -> None:
        index = self.library.index
        members = index.groups[field][value].members if value is not None else 0
        # Keep the matches' ranking (exact titles first): filter the list, not the set.
        chosen = set(index.decode(members & self.match_set))
        self.query_one(f"#works-{tab}", WorksTable).positions = [p for p in self.matches if p in chosen]

    @on(GroupList.Chosen)
    def _group_chosen(self, event: GroupList.Chosen) -> None:
        tab = event.group_list.id.removeprefix("groups-") if event.group_list.id else ""
        self._show_group(tab, event.field, event.value)

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        tab = (event.tab.id or "tab-all").removeprefix("tab-")
        if self.active_tab != tab:
            self.query_one(ContentSwitcher).current = tab
        self.refresh_tab()

    def _show_highlighted(self) -> None:
        """Show the highlighted entry's details once the list has been drawn: while typing, the
        results appear a frame sooner, and a burst of highlight changes renders the pane once."""
        if not self._details_pending:
            self._details_pending = True
            self.call_after_refresh(self._show_details)

    def _show_details(self) -> None:
        self._details_pending = False
        tab = self.active_tab
        details = self.query_one(DetailPane)
        if tab in ("policies", "stats"):
            table_id = "#records-policies" if tab == "policies" else "#records-figures"
            record = self.query_one(table_id, RecordTable).current
            details.show_record(record) if record else details.show_nothing()
            return
        position = self.query_one(f"#works-{tab}", WorksTable).highlighted
        if position is None:
            details.show_nothing(t("detail.none"))
        else:
            details.show_work(self.library.index.works[position])

    @on(WorksTable.Highlighted)
    def _work_highlighted(self, event: WorksTable.Highlighted) -> None:
        if event.table.id == f"works-{self.active_tab}":
            self._show_highlighted()

    @on(RecordTable.Highlighted)
    def _record_highlighted(self, event: RecordTable.Highlighted) -> None:
        if event.record is not None:
            self.query_one(DetailPane).show_record(event.record)

    @on(RecordTable.ToggleRequested)
    def _figure_toggled(self, event: RecordTable.ToggleRequested) -> None:
        figure_id = event.record.id
        chosen = self.chosen_figures
        self.chosen_figures = chosen - {figure_id} if figure_id in chosen else chosen | {figure_id}
        self.refresh_tab()

    @on(WorksTable.Activated)
    def _work_activated(self) -> None:
        links = self.query_one("#detail-links", OptionList)
        if links.option_count:
            links.highlighted = links.highlighted or 0
            links.focus()
