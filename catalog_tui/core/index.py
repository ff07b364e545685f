"""The prepared form of a catalogue that search runs over.

`derive()` computes the per-work strings (folded text, pinyin keys, sort key) once, at seed time,
and the store keeps them; `SearchIndex` then only arranges them into postings and sort orders.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import WORK_TYPES, Catalog, Work
from .text import fold, pinyin_keys, sort_key

SORTS = ("title", "year", "type")
_TYPE_ORDER = {slug: position for position, slug in enumerate(WORK_TYPES)}


def derive(work: Work) -> dict[str, Any]:
    """The derived data the store keeps beside each work (plain JSON types)."""
    text = " ".join((work.title, work.title_en, work.summary, *work.themes, *work.facts))
    return {
        "hay": fold(text),
        "title_fold": fold(work.title),
        "title_en_fold": fold(work.title_en),
        "pinyin": pinyin_keys(work.title),
        "sort": sort_key(work.title),
    }


@dataclass(slots=True)
class Group:
    """One value of a facet (a campaign, channel, type, theme or year) and how to find it by name."""

    field: str
    value: str
    label: str
    label_en: str = ""
    folded: tuple[str, ...] = ()
    pinyin: tuple[str, ...] = ()
    members: set[int] = field(default_factory=set)

    @property
    def names(self) -> tuple[str, ...]:
        """The folded Chinese and English names, without the id (free text matches names only)."""
        return self.folded[1:]


def _group(field_name: str, value: str, label: str, label_en: str = "") -> Group:
    # folded[0] is always the id, then the names: Group.names relies on that order.
    keys = tuple(key for name in (label, label_en) for key in pinyin_keys(name))
    folded = (fold(value), *(fold(name) for name in (label, label_en) if name))
    return Group(field_name, value, label, label_en, folded, keys)


class SearchIndex:
    """Works plus everything search needs about them, by position (a work's int index)."""

    def __init__(self, catalog: Catalog, derived: Sequence[dict[str, Any]] | None = None) -> None:
        self.catalog = catalog
        self.works: list[Work] = catalog.works
        rows = derived if derived is not None else [derive(work) for work in self.works]
        self.hay: list[str] = [row["hay"] for row in rows]
        self.title_fold: list[str] = [row["title_fold"] for row in rows]
        self.title_en_fold: list[str] = [row["title_en_fold"] for row in rows]
        self.position_by_id: dict[str, int] = {work.id: i for i, work in enumerate(self.works)}
        self.universe: frozenset[int] = frozenset(range(len(self.works)))
        self._build_pinyin(row["pinyin"] for row in rows)
        self._build_char_postings()
        self._build_groups()
        self._build_orders([row["sort"] for row in rows])

    def __len__(self) -> int:
        return len(self.works)

    # Free text -------------------------------------------------------------------------------

    def _build_char_postings(self) -> None:
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for position, text in enumerate(self.hay):
            for char in set(text):
                postings[char].append(position)
        self.char_postings: dict[str, array[int]] = {c: array("i", p) for c, p in postings.items()}

    def literal_candidates(self, folded: str) -> Iterable[int]:
        """Works whose text may contain `folded`: those having its two rarest characters."""
        lists = sorted((self.char_postings.get(c, _EMPTY) for c in set(folded)), key=len)
        if not lists or not lists[0]:
            return ()
        if len(lists) == 1:
            return lists[0]
        second = set(lists[1])
        return [p for p in lists[0] if p in second]

    def _build_pinyin(self, keys_per_work: Iterable[list[str]]) -> None:
        # All keys in one newline-separated blob, so one compiled regex scans every title in C.
        lines: list[str] = []
        owners = array("i")
        starts = array("i")
        offset = 0
        for position, keys in enumerate(keys_per_work):
            for key in keys:
                starts.append(offset)
                owners.append(position)
                lines.append(key)
                offset += len(key) + 1
        self.pinyin_blob = "\n".join(lines)
        self._by_initial: dict[str, set[int]] = {}
        self._pinyin_starts = starts
        self._pinyin_owners = owners

    def pinyin_matches(self, pattern: re.Pattern[str]) -> set[int]:
        """Works with a pinyin key matching `pattern`. A one-letter pattern (the first keystroke,
        and the commonest) is answered from a table built on first use."""
        single = pattern.pattern if _SINGLE_LETTER.fullmatch(pattern.pattern) else None
        if single is not None and single in self._by_initial:
            return self._by_initial[single]
        starts, owners = self._pinyin_starts, self._pinyin_owners
        found = {owners[bisect_right(starts, m.start()) - 1] for m in pattern.finditer(self.pinyin_blob)}
        if single is not None:
            self._by_initial[single] = found
        return found

    # Facets ----------------------------------------------------------------------------------

    def _build_groups(self) -> None:
        catalog = self.catalog
        self.groups: dict[str, dict[str, Group]] = {
            "type": {slug: _group("type", slug, zh, en) for slug, (zh, en) in WORK_TYPES.items()},
            "campaign": {c.id: _group("campaign", c.id, c.name, c.name_en) for c in catalog.campaigns},
            "channel": {c.id: _group("channel", c.id, c.name, c.name_en) for c in catalog.channels},
            "theme": {},
            "year": {},
        }
        themes, years = self.groups["theme"], self.groups["year"]
        for position, work in enumerate(self.works):
            self.groups["type"][work.type].members.add(position)
            for campaign_id in work.campaigns:
                self.groups["campaign"][campaign_id].members.add(position)
            for channel_id in work.channels:
                self.groups["channel"][channel_id].members.add(position)
            for theme in work.themes:
                if theme not in themes:
                    themes[theme] = _group("theme", theme, theme)
                themes[theme].members.add(position)
            if work.year is not None:
                key = str(work.year)
                if key not in years:
                    years[key] = Group("year", key, key, "", (key,))
                years[key].members.add(position)

    def group_names(self, field_name: str, value: str) -> str:
        group = self.groups[field_name].get(value)
        return group.label if group else value

    # Order -----------------------------------------------------------------------------------

    def _build_orders(self, sort_keys: list[str]) -> None:
        works = self.works
        by_title = sorted(range(len(works)), key=lambda p: (sort_keys[p], works[p].title, works[p].id))
        self.orders: dict[str, list[int]] = {
            "title": by_title,
            "year": sorted(by_title, key=lambda p: -(works[p].year or 0)),
            "type": sorted(by_title, key=lambda p: _TYPE_ORDER.get(works[p].type, len(_TYPE_ORDER))),
        }
        self.ranks: dict[str, list[int]] = {}
        for name, order in self.orders.items():
            ranks = [0] * len(works)
            for r, p in enumerate(order):
                ranks[p] = r
            self.ranks[name] = ranks

    def ordered(self, positions: Iterable[int], sort: str = "title") -> list[int]:
        """Positions in the catalogue's sort order: a filtered walk when many, a sort when few."""
        chosen = positions if isinstance(positions, (set, frozenset)) else set(positions)
        if len(chosen) * 8 > len(self.works):
            return [p for p in self.orders[sort] if p in chosen]
        return sorted(chosen, key=self.ranks[sort].__getitem__)


_EMPTY: array[int] = array("i")
_SINGLE_LETTER = re.compile(r"\\\|[a-z0-9]")
