"""A tab of groups (campaigns, genres or channels) with live counts, and the works of the chosen one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal

from ..core.library import Library
from .group_list import GroupList
from .works_pane import WorksPane
from .works_table import WorksTable


class GroupPane(WorksPane):
    def __init__(self, library: Library, field: str, *, id: str) -> None:
        super().__init__(library, WorksTable(library.index, id=f"works-{id}"), id=id)
        self.field = field
        self.groups = GroupList(field, id=f"groups-{id}")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="grouped"):
            yield self.groups
            yield self.table

    def show(self) -> None:
        matched = self.result.found if self.result else 0
        groups = self.library.index.groups[self.field].values()
        self.groups.show_groups([(g, n) for g in groups if (n := (g.members & matched).bit_count())])
        self._show_group(self.groups.chosen)

    def _show_group(self, value: str | None) -> None:
        index = self.library.index
        if self.result is None or value is None:
            self.table.positions = []
            return
        # Keep the matches' ranking (exact titles first): filter the list, not the set.
        chosen = set(index.decode(index.groups[self.field][value].members & self.result.found))
        self.table.positions = [p for p in self.result.positions if p in chosen]

    def choose(self, value: str) -> bool:
        if self.groups.choose(value):
            self._show_group(value)
            return True
        return False

    @on(GroupList.Chosen)
    def _chosen(self, event: GroupList.Chosen) -> None:
        event.stop()
        self._show_group(event.value)
