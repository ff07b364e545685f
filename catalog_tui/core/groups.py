"""Facets: the groups of works that share a campaign, channel, type, theme or year, each with its
names (folded and in pinyin, to be found by typing them) and its members as a set of ranks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import bits, postings
from .model import WORK_TYPES, Catalog
from .text import fold, pinyin_keys


@dataclass(slots=True)
class Group:
    """One value of a facet (a campaign, channel, type, theme or year) and how to find it by name."""

    field: str
    value: str
    label: str
    label_en: str = ""
    folded: tuple[str, ...] = ()
    pinyin: tuple[str, ...] = ()
    members: int = 0  # a set of ranks

    @property
    def names(self) -> tuple[str, ...]:
        """The folded Chinese and English names, without the id (free text matches names only)."""
        return self.folded[1:]


def _group(field_name: str, value: str, label: str, label_en: str = "") -> Group:
    # folded[0] is always the id, then the names: Group.names relies on that order.
    keys = tuple(key for name in (label, label_en) for key in pinyin_keys(name))
    folded = (fold(value), *(fold(name) for name in (label, label_en) if name))
    return Group(field_name, value, label, label_en, folded, keys)


def build_groups(
    catalog: Catalog, rank: Sequence[int], progress: Callable[[int], None] | None = None
) -> dict[str, dict[str, Group]]:
    """The facets' groups and their members; `progress(works done)` every PROGRESS_EVERY works."""
    size = len(catalog.works)
    groups: dict[str, dict[str, Group]] = {
        "type": {slug: _group("type", slug, zh, en) for slug, (zh, en) in WORK_TYPES.items()},
        "campaign": {c.id: _group("campaign", c.id, c.name, c.name_en) for c in catalog.campaigns},
        "channel": {c.id: _group("channel", c.id, c.name, c.name_en) for c in catalog.channels},
        "theme": {},
        "year": {},
        "edition": {},  # the year a title carries (歌手2024): `year:` finds it, no facet shows it
    }
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, work in enumerate(catalog.works):
        if progress is not None and not position % postings.PROGRESS_EVERY:
            progress(position)
        r = rank[position]
        members["type", work.type].append(r)
        for campaign_id in work.campaigns:
            members["campaign", campaign_id].append(r)
        for channel_id in work.channels:
            members["channel", channel_id].append(r)
        for theme in work.themes:
            if theme not in groups["theme"]:
                groups["theme"][theme] = _group("theme", theme, theme)
            members["theme", theme].append(r)
        if work.year is not None:
            key = str(work.year)
            if key not in groups["year"]:
                groups["year"][key] = Group("year", key, key, "", (key,))
            members["year", key].append(r)
        if work.edition is not None:
            key = str(work.edition)
            if key not in groups["edition"]:
                groups["edition"][key] = Group("edition", key, key, "", (key,))
            members["edition", key].append(r)
    for (field_name, value), ranks in members.items():
        groups[field_name][value].members = bits.from_ranks(ranks, size)
    return groups
