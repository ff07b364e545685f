"""The browser: search bar, tabs of works and of the records around them (campaigns, genres,
channels, people, organisations, policies), details, selection.

State flows down: the screen holds one search result (and the selection, figures, highlighted
record) as reactives; each tab is a Pane bound to them that draws itself (the PaneDeck shows one,
composing each when first shown), and the details pane is bound to the highlighted record. Events
flow up as messages: MainScreen (screens/main.py) adds the keys and the requests.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker

from ..core.history import History
from ..core.library import Library
from ..core.model import Record
from ..core.records import RecordBook
from ..core.search import FacetFilter
from ..core.selection_writer import SelectionWriter
from ..i18n import translated
from ..typeahead import TypeAhead
from ..widgets.detail_pane import DetailPane
from ..widgets.facet_panel import FilterLine
from ..widgets.pane import Matches, Pane
from ..widgets.pane_deck import TAB_NAMES, PaneDeck, make_pane
from ..widgets.search_bar import SearchBar
from ..widgets.search_runner import SearchRunner
from ..widgets.selection_saver import SelectionSaver
from ..widgets.side_panel import SidePanel
from ..widgets.works_table import sort_label

# Textual's default icon (⭘, U+2B58) is missing from common fonts and showed as an empty box in a
# browser; ≡ is in DejaVu, Noto CJK and the usual system fonts, and the icon opens the palette.
HEADER_ICON = "≡"
NARROW_WIDTH = 110


class Browser(Screen[None]):
    """The browser's state and what it shows; MainScreen adds what the user does (its keys, clicks
    and links)."""

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
        # The first tab's pane only: the others are made (and bound) after the first frame.
        self.panes = [make_pane(TAB_NAMES[0], library, self.book)]
        # The stored selection, set before the SelectionSaver is bound to it: its first sync must
        # not look like the user clearing it.
        stored = frozenset(library.selected_positions())
        self.set_reactive(Browser.selected, stored)
        self.saver = SelectionSaver(library, stored)
        self.history = History()
        # Hidden until used: mounted with the first filter, and on the first `f` or saved search.
        self.filter_line = FilterLine(id="filter-line")
        self.side = SidePanel(library, id="side")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        self._bind(self.panes[0])
        details = DetailPane(self.library.index, self.book, id="details")
        yield Header(icon=HEADER_ICON)
        yield SearchBar(id="search-bar")
        yield PaneDeck(self.panes, details.data_bind(record=Browser.highlighted))
        yield self.saver.data_bind(Browser.selected)
        # The first result is set before the screen mounts (CatalogApp.open_browser), unfiltered:
        # not searched again.
        first = self.result
        searched = (first.query, (), first.sort, first.reverse) if first else None
        yield SearchRunner(self.library.engine, searched).data_bind(
            Browser.query_text, Browser.filters, Browser.sort, Browser.reverse_sort
        )
        yield Footer()

    def on_mount(self) -> None:
        # Everything composed in the current language already: only the status and the filters are
        # drawn here (apply_language again would refresh the footer's keys once more).
        self._show_filters()
        self._show_count()
        if self.result is None:
            self.run_search()
        self.set_focus(self.active_pane.focus_target)
        # Keys the app took before this screen was mounted (their priority bindings, such as `/`,
        # were looked up before any screen could have them) reach on_key after this: they are
        # held until the first frame is painted (Screen callbacks run after its compositor has).
        self.call_after_refresh(self._first_frame_painted)

    def _bind(self, pane: Pane) -> None:
        # data_bind binds to the message pump running it: this screen in compose and in its own
        # callbacks (not in key bindings, which the app runs).
        pane.data_bind(Browser.result, Browser.selected, Browser.show_english)
        if pane.shows_figures:
            pane.data_bind(Browser.chosen_figures)

    def _first_frame_painted(self) -> None:
        # The other tabs' panes are made now, before any key can ask for one (keys wait for
        # `ready`); each is composed when its tab is first shown (PaneDeck.show).
        for name in TAB_NAMES[1:]:
            self._bind(pane := make_pane(name, self.library, self.book))
            self.panes.append(pane)
        self.ready = True
        # Started now, once the list is painted, not in on_mount: its thread would hold the GIL
        # while the first frame is composed and written.
        self.run_worker(self._warm_up, thread=True, group="warm")
        if (meant := self.typed_ahead.search()) is not None:
            text, typing = meant
            self.query_one(SearchBar).set_value(text)
            if typing:
                self.set_focus(self.query_one(SearchBar).input)

    def _warm_up(self) -> None:
        """What the first search and the first record search would otherwise build, off the UI
        thread: a search meanwhile waits only for what it needs and is being built (core/once.py)."""
        self.library.engine.warm()
        self.book.warm()

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

    async def side_panel(self) -> SidePanel:
        """The side panel, mounted beside the list the first time it is asked for."""
        if self.side.parent is None:
            await self.deck.mount_side(self.side)
        return self.side

    @property
    def writer(self) -> SelectionWriter:
        return self.saver.writer

    def apply_language(self) -> None:
        """Show every label, key description and list in the current language."""
        self.deck.relabel()
        self.query_one(SearchBar).translate()
        self.side.translate()
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
        line = self.filter_line
        if not self.filters and line.parent is None:
            return
        labels = {(f.field, f.value): self.library.index.group_names(f.field, f.value) for f in self.filters}
        line.show_filters(self.filters, labels)
        if line.parent is None:
            self.mount(line, after=self.query_one(SearchBar))

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
        self.side.show_facets(found, self.filters, unfiltered)

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
