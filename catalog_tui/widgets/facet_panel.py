"""Facet filters: type, campaign, channel, year and theme values with counts that follow the query.

Enter (or +) includes a value, - excludes it, and pressing either again on an active value removes
the filter. Values included in one field allow any of them (OR), fields all apply (AND), as in
calibre's tag browser; a field's counts follow the other fields' filters. Active filters are also
listed, grouped by field, in a line under the search bar (FilterLine).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..core.index import Group
from ..core.search import FacetFilter
from ..core.text import safe_display
from ..i18n import t, vocab


def group_label(group: Group) -> str:
    """Types are vocabulary (shown in the interface language); other values are catalogue data."""
    return vocab((group.label, group.label_en)) if group.field == "type" else group.label


class FacetPanel(OptionList):
    BINDINGS = [
        Binding("plus,equals_sign", "include", "Include"),
        Binding("minus,x", "exclude", "Exclude"),
    ]

    class Toggled(Message):
        """Include or exclude a facet value; the screen owns the active filters."""

        def __init__(self, panel: FacetPanel, facet: FacetFilter) -> None:
            super().__init__()
            self.panel = panel
            self.facet = facet

        @property
        def control(self) -> FacetPanel:
            return self.panel

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._entries: list[tuple[str, str] | None] = []

    def show_facets(
        self, facets: dict[str, list[tuple[Group, int]]], active: tuple[FacetFilter, ...]
    ) -> None:
        keep = self.highlighted
        marks = {(f.field, f.value): "－" if f.exclude else "＋" for f in active}
        entries: list[tuple[str, str] | None] = []
        options: list[Option] = []
        for field, values in facets.items():
            excluded = [f for f in active if f.field == field and f.exclude]
            if not values and not excluded:
                continue
            entries.append(None)
            options.append(Option(Text(t(f"field.{field}"), style="bold"), disabled=True))
            listed = [(g.value, group_label(g), n) for g, n in values]
            listed += [(f.value, f.value, 0) for f in excluded if f.value not in {v for v, _, _ in listed}]
            for value, label, count in listed:
                entries.append((field, value))
                mark = marks.get((field, value), " ")
                options.append(Option(Text.assemble(f"{mark} ", safe_display(label), (f"  {count}", "dim"))))
        self._entries = entries
        self.set_options(options)
        if keep is not None and keep < len(options) and entries[keep] is not None:
            self.highlighted = keep

    def _current(self) -> tuple[str, str] | None:
        index = self.highlighted
        return self._entries[index] if index is not None and index < len(self._entries) else None

    def action_include(self) -> None:
        if entry := self._current():
            self.post_message(self.Toggled(self, FacetFilter(entry[0], entry[1], exclude=False)))

    def action_exclude(self) -> None:
        if entry := self._current():
            self.post_message(self.Toggled(self, FacetFilter(entry[0], entry[1], exclude=True)))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_include()


class FilterLine(Static):
    """The active filters as one line of chips; hidden when there are none."""

    def show_filters(self, active: tuple[FacetFilter, ...], labels: dict[tuple[str, str], str]) -> None:
        self.display = bool(active)
        line = Text(t("filters.title") + " ", style="bold")
        grouped: dict[tuple[str, bool], list[str]] = {}  # one chip per field: 类型: 微短剧 | 纪录片
        for facet in active:
            name = safe_display(labels.get((facet.field, facet.value), facet.value))
            grouped.setdefault((facet.field, facet.exclude), []).append(name)
        for (field, exclude), names in grouped.items():
            key = "filters.exclude" if exclude else "filters.include"
            line.append(t(key, field=t(f"field.{field}"), value=" | ".join(names)), style="reverse")
            line.append(" ")
        line.append("  " + t("filters.clear"), style="dim")
        self.update(line)
