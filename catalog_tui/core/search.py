"""The search engine shared by the CLI and the TUI: a parsed query evaluated over a SearchIndex."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import and_

from .index import Group, SearchIndex
from .model import Figure
from .query import FIELDS, AllOf, AnyOf, Node, QueryError, Term, YearRange, parse
from .syllables import Unit
from .text import SYLLABLE_MARK, fold, is_han, readings, strip_tones

__all__ = ["FacetFilter", "QueryError", "SearchEngine", "SearchResult", "pinyin_pattern", "pinyin_units"]


@lru_cache(maxsize=512)
def pinyin_pattern(value: str) -> re.Pattern[str] | None:
    """A regex over pinyin keys ("|ni|hao|su|dong|po") for a query written in pinyin, initials,
    or a mix with hanzi: each letter either continues the current syllable or starts the next
    one, and each hanzi stands for one whole syllable. None when the value has no Latin letter.
    A digit after a letter may be a tone number (su1) or a real digit (第2季 as d2j): both read."""
    bodies = [_pattern_body(units) for units in _spellings(value)]
    if not bodies:
        return None
    return re.compile(bodies[0] if len(bodies) == 1 else "|".join(f"(?:{body})" for body in bodies))


def pinyin_units(value: str) -> tuple[tuple[Unit, ...], ...]:
    """The query as pinyin units (a letter or digit, or a Han character's readings), once per
    way of reading its digits (tone numbers or real digits); empty without a Latin letter."""
    return tuple(tuple(readings(c) if is_han(c) else c for c in units) for units in _spellings(value))


def _spellings(value: str) -> list[list[str]]:
    """The query's letters, digits and hanzi, once per reading of its digits (a tone number or a
    real digit), keeping only the readings that have a Latin letter (pinyin needs one)."""
    normal = unicodedata.normalize("NFKC", value)
    spellings = []
    for text in dict.fromkeys((strip_tones(normal), strip_tones(normal, numbers=False))):
        units = [c for c in text if c.isalnum() and (c.isascii() or is_han(c))]
        if any(c.isascii() and c.isalpha() for c in units):
            spellings.append(units)
    return spellings


def _pattern_body(units: list[str]) -> str:
    mark = re.escape(SYLLABLE_MARK)
    parts: list[str] = []
    previous_was_letter = False
    for unit in units:
        if is_han(unit):
            syllables = "|".join(re.escape(r) for r in readings(unit))
            skip = "[a-z0-9]*" if previous_was_letter else ""
            parts.append(f"{skip}{mark}(?:{syllables})(?=[{mark}\n]|$)")
            previous_was_letter = False
        elif previous_was_letter:
            parts.append(f"(?:{re.escape(unit)}|[a-z0-9]*{mark}{re.escape(unit)})")
        else:
            parts.append(f"{mark}{re.escape(unit)}")
            previous_was_letter = True
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class FacetFilter:
    """A facet value the user included or excluded, applied on top of the query."""

    field: str
    value: str
    exclude: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "value": self.value, "exclude": self.exclude}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FacetFilter:
        return cls(str(data["field"]), str(data["value"]), bool(data.get("exclude", False)))


@dataclass(slots=True)
class SearchResult:
    positions: list[int]
    title_hits: int = 0
    found: int = 0  # the same works as a set of ranks (see bits.py), for counting and facets
    unfiltered: int = 0  # the query's matches before facet filters, for facet counts

    def __len__(self) -> int:
        return len(self.positions)


@dataclass(slots=True)
class _Match:
    every: int
    in_title: int


class SearchEngine:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def search(
        self,
        query: str = "",
        *,
        sort: str = "title",
        filters: Iterable[FacetFilter] = (),
        limit: int | None = None,
        reverse: bool = False,
    ) -> SearchResult:
        """Ranked matches: exact titles, then title matches, then the rest, each in `sort` order
        (`reverse`: the other way round). Facet filters of one field allow any of their values,
        those of different fields all of them. Raises QueryError for a malformed query."""
        tree = parse(query)
        unfiltered, title_sets = self._evaluate_top(tree)
        matched = self.filtered(unfiltered, filters)
        tiers = self._tiers(matched, tree, title_sets)
        positions: list[int] = []
        for tier in tiers:
            in_tier = self.index.decode(tier, sort)
            positions.extend(reversed(in_tier) if reverse else in_tier)
            if limit is not None and len(positions) >= limit:
                break
        return SearchResult(
            positions[:limit] if limit is not None else positions,
            (tiers[0] | tiers[1]).bit_count(),
            matched,
            unfiltered,
        )

    def filtered(self, matched: int, filters: Iterable[FacetFilter], but_field: str | None = None) -> int:
        """`matched` narrowed by facet filters: included values of one field are united (any of
        them), then fields intersect, and excluded values are taken away. `but_field`: ignore that
        field's included values (what its own facet counts are measured against, as in calibre)."""
        included: dict[str, int] = {}
        for facet in filters:
            group = self.index.groups.get(facet.field, {}).get(facet.value)
            members = group.members if group else 0
            if facet.exclude:
                matched &= ~members
            elif facet.field != but_field:
                included[facet.field] = included.get(facet.field, 0) | members
        for members in included.values():
            matched &= members
        return matched

    def warm(self) -> None:
        """Do now, once, what the first query of a process would otherwise pay for: the index's
        lazily built lookups, OpenCC's converter and the pinyin tables (a background task at start-up)."""
        self.index.warm()
        self.search("中a", limit=1)  # hanzi folding, pinyin units, the tiers: every path a query takes

    def facet_counts(
        self,
        matched: int | Iterable[int],
        filters: Iterable[FacetFilter] = (),
        unfiltered: int | None = None,
    ) -> dict[str, list[tuple[Group, int]]]:
        """For each facet field, its values with the number of matched works having them, most
        first. `matched` is a set of ranks (SearchResult.found) or positions. Given the `filters`
        and the `unfiltered` matches, a field's counts follow the other fields' filters but not
        its own included values, so that they say what choosing one more value would add."""
        chosen = matched if isinstance(matched, int) else self.index.encode(matched)
        filters = tuple(filters)
        counts: dict[str, list[tuple[Group, int]]] = {}
        for field_name in FIELDS:
            within = chosen
            if unfiltered is not None and any(f.field == field_name and not f.exclude for f in filters):
                within = self.filtered(unfiltered, filters, but_field=field_name)
            pairs = [(g, (g.members & within).bit_count()) for g in self.index.groups[field_name].values()]
            if field_name == "year":
                pairs.sort(key=lambda pair: pair[0].value, reverse=True)
            else:
                pairs.sort(key=lambda pair: -pair[1])
            counts[field_name] = [pair for pair in pairs if pair[1]]
        return counts

    def matching_figures(self, query: str) -> list[Figure]:
        """Headline figures whose label, unit, period or source passage contain every free-text
        word of the query (field terms concern works, so they do not narrow figures)."""
        try:
            tree = parse(query)
        except QueryError:
            return list(self.index.catalog.figures)
        words = [
            fold(p.value) for p in tree.parts if isinstance(p, Term) and p.field is None and not p.negated
        ]
        words = [w for w in words if w]
        found = []
        for figure in self.index.catalog.figures:
            text = fold(" ".join((figure.label, figure.label_en, figure.unit, figure.period,
                                  *(s.quote for s in figure.sources))))  # fmt: skip
            if all(word in text for word in words):
                found.append(figure)
        return found

    def groups_matching(self, field_name: str, value: str) -> list[Group]:
        """The facet values a (possibly partial, pinyin or English) name refers to; an exact
        id or name wins over partial matches, so `campaign:跟着微短剧去旅行` means that one plan."""
        folded = fold(value)
        groups = self.index.groups[field_name].values()
        exact = [g for g in groups if folded and folded in g.folded]
        if exact:
            return exact
        pattern = pinyin_pattern(value)
        return [
            g
            for g in groups
            if (folded and any(folded in name for name in g.folded))
            or (pattern is not None and any(pattern.search(key) for key in g.pinyin))
        ]

    # Evaluation ------------------------------------------------------------------------------
    # Sets of works are ints of ranks (bits.py): & intersects, | unites, & ~ removes.

    def _evaluate_top(self, tree: AllOf) -> tuple[int, list[int]]:
        """Like _evaluate, but also collects the title matches of top-level free-text terms."""
        matched = self.index.universe
        title_sets: list[int] = []
        for part in tree.parts:
            if isinstance(part, Term) and part.field is None and not part.negated:
                match = self._free_text(part.value, titles=True)
                if match is None:
                    continue
                matched &= match.every
                title_sets.append(match.in_title)
            else:
                matched = self._combine(matched, part)
        return matched, title_sets

    def _combine(self, matched: int, node: Node) -> int:
        found = self._positive(node)
        if found is None:  # nothing searchable in it: it constrains nothing, negated or not
            return matched
        return matched & ~found if node.negated else matched & found

    def _evaluate(self, node: Node) -> int:
        found = self._positive(node)
        if found is None:
            return self.index.universe
        return self.index.universe & ~found if node.negated else found

    def _positive(self, node: Node) -> int | None:
        if isinstance(node, AllOf):
            matched = self.index.universe
            for part in node.parts:
                matched = self._combine(matched, part)
            return matched
        if isinstance(node, AnyOf):
            found = 0
            for option in node.options:
                found |= self._evaluate(option)
            return found
        if isinstance(node, YearRange):
            return self._years(node)
        if node.field is None:
            match = self._free_text(node.value)
            return match.every if match is not None else None
        members = 0
        for group in self.groups_matching(node.field, node.value):
            members |= group.members
        return members

    def _years(self, node: YearRange) -> int:
        """Works that came out in the range, or whose title carries a year in it (歌手2024)."""
        low = node.low if node.low is not None else -(10**9)
        high = node.high if node.high is not None else 10**9
        members = 0
        for field_name in ("year", "edition"):
            for group in self.index.groups.get(field_name, {}).values():
                if low <= int(group.value) <= high:
                    members |= group.members
        return members

    def _free_text(self, value: str, *, titles: bool = False) -> _Match | None:
        """Works whose text, pinyin title, campaign or channel names match (and, with `titles`,
        which of them match by title, for ranking); None for a value with nothing searchable in
        it (lone punctuation), which then constrains nothing."""
        folded = fold(value)
        spellings = pinyin_units(value)
        if not folded and not spellings:
            return None
        index = self.index
        every = in_title = 0
        if folded:
            every = index.containing(folded)
            in_title = index.titles_containing(folded, every) if titles else 0
            for field_name in ("campaign", "channel"):
                for group in index.groups[field_name].values():
                    if any(folded in name for name in group.names):
                        every |= group.members
        for units in spellings:
            hits = index.pinyin(units)
            every |= hits
            in_title |= hits
        return _Match(every, in_title)

    def _tiers(self, matched: int, tree: AllOf, title_sets: list[int]) -> list[int]:
        """Three ranks: titles equal to the query's words, titles matching every word, the rest."""
        if not title_sets:
            return [0, 0, matched]
        in_title = reduce(and_, title_sets, matched)
        words = [p.value for p in tree.parts if isinstance(p, Term) and p.field is None and not p.negated]
        exact = in_title & self.index.titles_equal(fold("".join(words)))
        return [exact, in_title & ~exact, matched & ~in_title]
