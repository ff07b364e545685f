"""What the browser's keys do: focus, tabs, filters, sort, selection, export and jumps.

Kept apart from MainScreen (which composes the widgets and runs the search) so each file stays
readable; MainScreen is the only subclass.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Tabs

from ..core.export import ExportError, export_works
from ..core.index import SORTS
from ..core.search import FacetFilter
from ..core.text import safe_display
from ..i18n import t
from ..widgets.detail_pane import DetailPane
from ..widgets.facet_panel import FacetPanel
from ..widgets.group_list import GroupList
from ..widgets.saved_list import SavedSearchList
from ..widgets.search_bar import SearchBar
from ..widgets.works_table import WorksTable
from .confirm import ConfirmScreen
from .export_dialog import ExportDialog, ExportRequest
from .prompt import PromptScreen

if TYPE_CHECKING:
    from ..core.library import Library

GROUP_TABS = {"campaign": "campaigns", "type": "genres", "channel": "channels"}


class BrowserActions(Screen[None]):
    if TYPE_CHECKING:
        library: Library
        query_text: str
        filters: tuple[FacetFilter, ...]
        sort: str
        matches: list[int]
        selected: frozenset[int]
        chosen_figures: frozenset[str]
        show_english: bool
        active_tab: str
        ready: bool

        def refresh_tab(self) -> None: ...
        def refresh_facets(self) -> None: ...

    # Focus and tabs --------------------------------------------------------------------------

    def _typing_text(self) -> bool:
        """Is the focus in the search box (where keys are text), or is the screen not ready?"""
        return not self.ready or self.focused is self.query_one(SearchBar).input

    def action_focus_search(self) -> None:
        if self._typing_text():
            raise SkipAction()
        # Screen.set_focus, not Widget.focus(): the focus moves now, before the next queued key.
        self.set_focus(self.query_one(SearchBar).input)

    def action_focus_list(self) -> None:
        if not self.ready:
            raise SkipAction()
        self._focus_tab_content(self.active_tab)

    def action_submit_search(self) -> None:
        if not self.ready or self.focused is not self.query_one(SearchBar).input:
            raise SkipAction()
        self._focus_tab_content(self.active_tab)

    def _focus_tab_content(self, tab: str) -> None:
        pane = self.query_one(f"#{tab}")
        targets = [w for w in pane.query("WorksTable, StatsView, RecordTable") if w.display]
        if targets:
            self.set_focus(targets[0])

    def _pane_ids(self) -> list[str]:
        return [pane.id for pane in self.query_one(ContentSwitcher).query(".pane") if pane.id]

    def action_show_tab(self, number: int) -> None:
        if self._typing_text():
            raise SkipAction()
        panes = self._pane_ids()
        if 0 <= number < len(panes):
            self.switch_tab(panes[number])

    def action_step_tab(self, step: int) -> None:
        if self._typing_text():
            raise SkipAction()
        panes = self._pane_ids()
        self.switch_tab(panes[(panes.index(self.active_tab) + step) % len(panes)])

    def switch_tab(self, tab: str) -> None:
        self.query_one(ContentSwitcher).current = tab
        self.query_one(Tabs).active = f"tab-{tab}"
        self._focus_tab_content(tab)

    # Filters and sort ------------------------------------------------------------------------

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
        self.notify(t("sort.changed", sort=t(f"sort.{self.sort}")), timeout=2, markup=False)

    # Saved searches --------------------------------------------------------------------------

    def action_save_search(self) -> None:
        def save(name: str | None) -> None:
            if name is None:
                return
            filters = [f.to_dict() for f in self.filters]
            try:
                self.library.store.save_search(name, self.query_text, filters)
            except OSError as error:
                self.notify(t("saved.failed", error=error), severity="error", markup=False)
                return
            self._show_saved()
            self.notify(t("saved.saved", name=name), markup=False)

        self.app.push_screen(PromptScreen(t("saved.prompt"), self.query_text), save)

    def _show_saved(self) -> None:
        self.query_one(SavedSearchList).show_saved(self.library.store.saved_searches())

    def run_saved(self, saved: dict[str, object]) -> None:
        """Put a saved search's query and filters back, as if typed."""
        self.filters = tuple(FacetFilter.from_dict(f) for f in saved.get("filters") or ())  # type: ignore[union-attr]
        self.query_one(SearchBar).set_value(str(saved.get("query", "")))
        self.action_focus_list()

    @on(SavedSearchList.Chosen)
    def _saved_chosen(self, event: SavedSearchList.Chosen) -> None:
        name = event.saved["name"]
        if event.action == "run":
            self.run_saved(event.saved)
        elif event.action == "delete":
            try:
                self.library.store.delete_search(name)
            except OSError as error:
                self.notify(t("saved.failed", error=error), severity="error", markup=False)
                return
            self._show_saved()
            self.notify(t("saved.deleted", name=name), markup=False)
        else:

            def rename(new: str | None) -> None:
                if new and new != name:
                    try:
                        self.library.store.rename_search(name, new)
                    except OSError as error:
                        self.notify(t("saved.failed", error=error), severity="error", markup=False)
                        return
                    self._show_saved()

            self.app.push_screen(PromptScreen(t("saved.rename_prompt"), name), rename)

    # Selection -------------------------------------------------------------------------------

    @on(WorksTable.ToggleRequested)
    def _toggle_requested(self, event: WorksTable.ToggleRequested) -> None:
        chosen = set(event.positions)
        adding = not chosen <= self.selected
        self._change_selection(chosen, adding)

    def action_select_matches(self) -> None:
        self._change_selection(set(self.matches), True)
        self.notify(t("selection.all", count=f"{len(self.selected):,}"), timeout=2, markup=False)

    def action_clear_selection(self) -> None:
        count = len(self.selected)
        self._change_selection(set(self.selected), False)
        self.notify(t("selection.cleared", count=f"{count:,}"), timeout=2, markup=False)

    def _change_selection(self, positions: set[int], adding: bool) -> None:
        self.selected = self.selected | positions if adding else self.selected - positions
        works = self.library.index.works
        self._persist_selection([works[p].id for p in positions], adding)

    @work(thread=True, group="persist")
    def _persist_selection(self, work_ids: list[str], adding: bool) -> None:
        try:
            self.library.store.set_selected(work_ids, adding)
        except OSError as error:
            self.app.call_from_thread(
                self.notify, t("selection.not_saved", error=error), severity="error", markup=False
            )

    # Export ----------------------------------------------------------------------------------

    def action_export(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        suggested = str(Path.cwd() / f"catalog-export-{stamp}.yaml")
        counts = {
            "selection": len(self.selected),
            "matches": len(self.matches),
            "all": len(self.library.index),
            "figures": len(self.chosen_figures),
        }
        scope = "figures" if self.active_tab == "stats" and self.chosen_figures else None
        self.app.push_screen(ExportDialog(suggested, counts, scope), self._export_chosen)

    def _export_chosen(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        if request.path.expanduser().is_file():
            question = Text(t("export.overwrite", path=safe_display(str(request.path))))
            self.app.push_screen(
                ConfirmScreen(question), lambda yes: self._run_export(request, True) if yes else None
            )
        else:
            self._run_export(request, False)

    @work(thread=True, group="export")
    def _run_export(self, request: ExportRequest, overwrite: bool) -> None:
        catalog = self.library.catalog
        chosen = self.chosen_figures if request.scope == "figures" else frozenset()
        figures = [f for f in catalog.figures if f.id in chosen]
        positions = {"selection": sorted(self.selected), "matches": self.matches, "figures": []}.get(
            request.scope, self.library.index.orders["title"]
        )
        works = self.library.works_at(positions)
        query = self.query_text if request.scope == "matches" else f"({request.scope})"
        try:
            result = export_works(catalog, works, request.path, request.format,
                                  query=query, overwrite=overwrite, figures=figures)  # fmt: skip
        except ExportError as error:
            self.app.call_from_thread(self.notify, str(error), title=t("export.failed_title"),
                                      severity="error", markup=False)  # fmt: skip
            return
        message = t("export.done", count=result.count, path=result.path, format=result.format)
        self.app.call_from_thread(self.notify, message, title=t("export.done_title"), markup=False)

    # Jumps -----------------------------------------------------------------------------------

    @on(DetailPane.JumpRequested)
    def _jump_requested(self, event: DetailPane.JumpRequested) -> None:
        self.jump_to(event.field, event.value)

    def jump_to(self, field: str, value: str) -> None:
        """Show a group in its tab, or a work in the All tab, by id."""
        if field == "work":
            position = self.library.index.position_by_id.get(value)
            self.switch_tab("all")
            self.refresh_tab()
            table = self.query_one("#works-all", WorksTable)
            if position is None or not table.move_to(position):
                self.notify(t("jump.missing_work"),
                            severity="warning", markup=False)  # fmt: skip
            return
        tab = GROUP_TABS[field]
        self.switch_tab(tab)
        self.refresh_tab()
        if not self.query_one(f"#groups-{tab}", GroupList).choose(value):
            self.notify(t("jump.missing_group"),
                        severity="warning", markup=False)  # fmt: skip
