"""The prepared form of a catalogue that search runs over.

Works are numbered by their rank in title order, and every set of works (a character's postings,
a campaign's members, a query's matches) is an int with bit r for the work at rank r (see bits.py).
`derive()` computes each work's strings once, at seed time; the index built from them is saved with
the store's snapshot (`to_saved`), so a restart only decodes it (`from_saved`).

Characters, Latin letter pairs and pairs of common Han characters have postings (postings.py);
pinyin is indexed by syllable slot (syllables.py).
"""

from __future__ import annotations

import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import reduce
from itertools import chain, compress, repeat
from operator import and_, contains, or_
from typing import TYPE_CHECKING, Any, TypeAlias

from . import bits
from .derive import derive_all
from .groups import Group as Group  # re-exported: the widgets know it from here
from .groups import build_groups
from .lazy_works import LazyWorks, PositionsById
from .model import RECORD_TYPES, WORK_TYPES, Catalog, Work
from .once import build_lock, built_once
from .postings import (
    Postings,
    SetCache,
    char_postings,
    han_pair_postings,
    is_one_key,
    keys_of,
    loaded_postings,
    pack,
    paired_keys,
    saved_postings,
    unpack,
)
from .seed_progress import BUILD_PASSES
from .sorting import sorted_positions
from .syllables import SyllableIndex, Unit
from .text import known_readings, remember_readings

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Positions in a sort order, or their inverse: a numpy array, or for a small store (bits.SMALL_SET
# works at most) an array("i"), so that opening and searching it never imports numpy.
Positions: TypeAlias = "NDArray[np.int32] | array[int]"

SORTS = ("title", "year", "type")
INDEX_VERSION = 7  # 6: pairs of common Han characters; 7: edition years
_FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")  # test results: failed <-> passed
_TYPE_ORDER = {slug: position for position, slug in enumerate(WORK_TYPES)}
# The derived keys the snapshot keeps per work; the rest lives in the saved index.
STORED_KEYS = ("hay", "title_fold", "title_en_fold")
# The parts of to_saved() that only a search needs (most of its bytes): a snapshot keeps them in a
# table of their own, read when a search (or the warm-up) first asks for them (from_saved).
POSTINGS_KEYS = ("chars", "title_chars", "pairs", "title_pairs", "syllables")
OnDamage = Callable[[str], None]


class SearchIndex:
    """Works plus everything search needs about them. A work's position is its index in
    `catalog.works`; its rank is its place in title order, which numbers the bits of every set."""

    def __init__(
        self,
        catalog: Catalog,
        derived: Sequence[dict[str, Any]] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Build from the works (and their `derive()` rows when already computed). `progress(done,
        total)` follows the build's passes over the works (a pass per kind of postings, the orders
        and the rest), every few thousand works within a pass, so that a bar never stands still."""
        rows = derived if derived is not None else derive_all(catalog.works)
        self._attach(catalog, {key: [row[key] for row in rows] for key in STORED_KEYS})
        works = self.works
        in_pass = _passes(progress, self.size, BUILD_PASSES)
        orders_progress = in_pass(1)
        by_title = sorted_positions(  # reports: a million works' sort took seconds
            self.size,
            lambda p: (rows[p]["sort"], works[p].title, works[p].id),
            orders_progress,
            self.size // 3,
        )
        _report(orders_progress, self.size // 3)
        by_year = sorted(by_title, key=lambda p: -(works[p].year or 0))
        _report(orders_progress, 2 * self.size // 3)
        by_type = sorted(by_title, key=lambda p: _TYPE_ORDER.get(works[p].type, len(_TYPE_ORDER)))
        _report(orders_progress, 5 * self.size // 6)
        self._set_orders(
            {
                name: array("i", order)
                for name, order in (("title", by_title), ("year", by_year), ("type", by_type))
            }
        )
        rank = self.ranks["title"]
        hay_progress = in_pass(2)  # before the texts by rank are made (a second at a million)
        self._char_ranks = char_postings(self._hay_by_rank, self.size, hay_progress)
        titles = [" ".join(pair) for pair in zip(self._titles_by_rank, self._titles_en_by_rank, strict=True)]
        self._title_char_ranks = char_postings(titles, self.size, in_pass(3))
        self._paired, self._pair_ranks = han_pair_postings(
            self._hay_by_rank, self._char_ranks, self.size, in_pass(4)
        )
        self._title_paired, self._title_pair_ranks = han_pair_postings(
            titles, self._title_char_ranks, self.size, in_pass(5)
        )
        # The last pass: syllable slots in its first half, readings and facets in the second.
        last = in_pass(6)
        half = None if last is None else (lambda done: last(done // 2))
        slots = [(rank[position], row["slots"]) for position, row in enumerate(rows)]
        self.syllables = SyllableIndex.build(slots, self.size, self._cache, half)
        titles_and_names = chain((work.title for work in works), _record_names(catalog))
        self._readings = known_readings(set(chain.from_iterable(titles_and_names)))
        facets_progress = None if last is None else (lambda done: last((self.size + done) // 2))
        self.groups = build_groups(self.catalog, self.ranks["title"], facets_progress)
        in_pass(7)  # done

    def _attach(
        self,
        catalog: Catalog,
        columns: Mapping[str, list[str]],
        on_damage: OnDamage | None = None,
        by_rank: Callable[[str], list[str]] | None = None,
    ) -> None:
        """`columns`: the works' ids and stored texts (STORED_KEYS), in catalogue order; or, those
        left out, `by_rank(key)` reads that text in title order when first needed."""
        self.catalog = catalog
        self.works: Sequence[Work] = catalog.works
        self.size = len(self.works)
        self.universe = (1 << self.size) - 1
        self._read_by_rank = by_rank
        self._on_damage = on_damage
        self._read_postings: Callable[[str], Any] | None = None
        for key in STORED_KEYS:
            if key in columns or by_rank is None:
                if len(columns[key]) != self.size:
                    raise ValueError("stored search text does not fit the works")
                vars(self)[key] = columns[key]
        # The ids come with the stored texts when the works are built lazily (model.LazyWorks).
        ids = columns.get("id") or [work.id for work in self.works]
        self.position_by_id = PositionsById(ids, on_damage)
        if isinstance(self.works, LazyWorks):  # a shown work's id is then looked up without a scan
            self.works.on_built = self.position_by_id.learn
        self._cache = SetCache()
        self._exact_titles: tuple[dict[str, int], dict[str, int]] | None = None
        self._order_cache: dict[str, tuple[Positions, Positions | None]] = {}

    def _set_orders(self, orders: Mapping[str, array[int]]) -> None:
        """The orders (positions in each sort order), checked to be permutations of the works
        (ValueError), and each one's inverse, the ranks: numpy arrays, made lists on first use
        (a million-work store opened in a tenth of the time the lists took); a small store's stay
        array("i")s (no numpy import)."""
        self._orders: dict[str, Positions] = {}
        self._ranks: dict[str, Positions] = {}
        for name, order in orders.items():
            if len(order) != self.size:
                raise ValueError("saved index orders are not permutations")
            if self.size <= bits.SMALL_SET:
                self._orders[name], self._ranks[name] = order, _small_inverse(order, self.size)
                continue
            import numpy as np

            numbers = np.frombuffer(order, np.int32)
            ranks = np.full(self.size, -1, dtype=np.int32)
            if self.size and (numbers.min() < 0 or numbers.max() >= self.size):
                raise ValueError("saved index orders are not permutations")
            ranks[numbers] = np.arange(self.size, dtype=np.int32)
            if self.size and ranks.min() < 0:  # a position missing, so another twice
                raise ValueError("saved index orders are not permutations")
            self._orders[name], self._ranks[name] = numbers, ranks
        self.orders: Mapping[str, list[int]] = _Lists(self._orders)
        self.ranks: Mapping[str, list[int]] = _Lists(self._ranks)

    # The texts in title order, for building postings and checking candidates: built on first use
    # (once, though the warm-up thread and a search ask at the same time: see once.py).
    @built_once
    def _hay_by_rank(self) -> list[str]:
        return self._stored_by_rank("hay")

    @built_once
    def _titles_by_rank(self) -> list[str]:
        return self._stored_by_rank("title_fold")

    @built_once
    def _titles_en_by_rank(self) -> list[str]:
        return self._stored_by_rank("title_en_fold")

    def _stored_by_rank(self, key: str) -> list[str]:
        if key not in vars(self) and self._read_by_rank is not None:
            texts = self._read_by_rank(key)
            if len(texts) != self.size:
                raise ValueError("stored search text does not fit the works")
            return texts
        return _by_rank(getattr(self, key), self._orders["title"])

    @built_once
    def hay(self) -> list[str]:
        """Each work's folded search text, in catalogue order."""
        return _by_rank(self._hay_by_rank, self._ranks["title"])

    @built_once
    def title_fold(self) -> list[str]:
        """Each work's folded title, in catalogue order."""
        return _by_rank(self._titles_by_rank, self._ranks["title"])

    @built_once
    def title_en_fold(self) -> list[str]:
        """Each work's folded English title, in catalogue order."""
        return _by_rank(self._titles_en_by_rank, self._ranks["title"])

    @property
    def hay_by_rank(self) -> list[str]:
        """The works' folded search texts in title order (what a snapshot keeps)."""
        return self._hay_by_rank

    def stored_by_rank(self, key: str) -> list[str]:
        """A stored text (one of STORED_KEYS) in title order, as a snapshot keeps it."""
        return {"hay": self._hay_by_rank, "title_fold": self._titles_by_rank,
                "title_en_fold": self._titles_en_by_rank}[key]  # fmt: skip

    # Postings by key: built (a dict), or read from a snapshot (each key decoded on first use),
    # each kind when a search first needs it (see from_saved).
    def _saved(self, key: str) -> Any:
        return self._read_postings(key) if self._read_postings is not None else None

    @built_once
    def _char_ranks(self) -> Mapping[str, Postings]:
        return self._loaded("chars", self._saved("chars"))

    @built_once
    def _title_char_ranks(self) -> Mapping[str, Postings]:
        return self._loaded("title_chars", self._saved("title_chars"))

    @built_once
    def _pair_ranks(self) -> Mapping[str, Postings]:
        return self._loaded("pairs", self._pairs[1])

    @built_once
    def _title_pair_ranks(self) -> Mapping[str, Postings]:
        return self._loaded("title_pairs", self._title_pairs[1])

    @built_once
    def _paired(self) -> str:
        return self._pairs[0]  # type: ignore[no-any-return]

    @built_once
    def _title_paired(self) -> str:
        return self._title_pairs[0]  # type: ignore[no-any-return]

    @built_once
    def _pairs(self) -> list[Any]:
        return self._saved_pairs("pairs")

    @built_once
    def _title_pairs(self) -> list[Any]:
        return self._saved_pairs("title_pairs")

    @built_once
    def syllables(self) -> SyllableIndex:
        """The pinyin syllable slots (see SyllableIndex)."""
        try:
            return SyllableIndex.from_saved(
                self._saved("syllables"),
                self.size, self._cache, self._on_damage,
            )  # fmt: skip
        except (ValueError, TypeError, KeyError) as error:
            self._damaged(f"its saved syllables do not fit the works ({error})", ValueError)
            return SyllableIndex.from_saved({"width": 0, "codes": {}}, self.size, self._cache)

    def _saved_pairs(self, key: str) -> list[Any]:
        """[paired characters, postings] as saved; [\"\", None] (reported) when of another shape."""
        saved = self._saved(key)
        if type(saved) is list and len(saved) == 2 and type(saved[0]) is str:
            return saved
        self._damaged(f"its saved {key} are of another shape", TypeError)
        return ["", None]

    def _loaded(self, key: str, saved: Any) -> Mapping[str, Postings]:
        """Saved postings, each key decoded on first use; of another shape: reported to on_damage,
        as a damaged row is, and read as no works (without on_damage: ValueError or TypeError)."""
        try:
            return loaded_postings(saved, self.size, on_damage=self._on_damage)
        except (ValueError, TypeError) as error:
            self._damaged(f"its saved {key} do not fit the works ({error})", type(error))
            return {}

    def _damaged(self, problem: str, error: type[Exception]) -> None:
        if self._on_damage is None:
            raise error(problem)
        self._on_damage(problem)

    def __len__(self) -> int:
        return self.size

    # Saving ------------------------------------------------------------------------------------

    def to_saved(self) -> dict[str, Any]:
        """Everything a restart needs beyond the works and their stored rows, as JSON types."""
        return {
            "version": INDEX_VERSION,
            "byteorder": sys.byteorder,
            "size": self.size,
            "orders": {name: pack(array("i", order.tobytes())) for name, order in self._orders.items()},
            "chars": saved_postings(self._char_ranks),
            "title_chars": saved_postings(self._title_char_ranks),
            "pairs": [self._paired, saved_postings(self._pair_ranks)],
            "title_pairs": [self._title_paired, saved_postings(self._title_pair_ranks)],
            "syllables": self.syllables.to_saved(),
            "readings": {char: list(values) for char, values in self._readings.items()},
            "groups": {
                field_name: [
                    [g.value, g.label, g.label_en, list(g.folded), list(g.pinyin), bits.to_text(g.members)]
                    for g in groups.values()
                ]
                for field_name, groups in self.groups.items()
            },
        }

    @classmethod
    def from_saved(
        cls,
        catalog: Catalog,
        columns: Mapping[str, list[str]],
        saved: dict[str, Any],
        on_damage: OnDamage | None = None,
        by_rank: Callable[[str], list[str]] | None = None,
        postings: Callable[[str], Any] | None = None,
    ) -> SearchIndex:
        """The index `to_saved` described; ValueError (or KeyError, TypeError) when it does not
        fit these works, so that the caller rebuilds it. What is read only when first used (a
        key's postings, the ids' lookup) and then fails its check goes to `on_damage(problem)`.
        `by_rank`: see _attach. `postings(key)`: each POSTINGS_KEYS part of to_saved(), when
        `saved` lacks them, read when a search first needs it."""
        if saved.get("version") != INDEX_VERSION or saved.get("byteorder") != sys.byteorder:
            raise ValueError("saved index of another version")
        if saved["size"] != len(catalog.works):
            raise ValueError("saved index of another catalogue")
        index = cls.__new__(cls)
        index._attach(catalog, columns, on_damage, by_rank)
        index._set_orders({name: unpack("i", saved["orders"][name]) for name in SORTS})
        if postings is None:  # all in `saved`: checked now (ValueError, TypeError: rebuilt)
            index._read_postings = {key: saved[key] for key in POSTINGS_KEYS}.__getitem__
            index._on_damage = None
            _ = index._char_ranks, index._title_char_ranks, index._pair_ranks, index._title_pair_ranks
            _ = index._paired, index._title_paired, index.syllables
            index._on_damage = on_damage
        else:
            index._read_postings = postings
        if not _all_texts(saved["readings"].values(), nested=True) or not _all_groups(saved["groups"]):
            raise TypeError("saved readings or groups of another shape")
        index._readings = {char: tuple(values) for char, values in saved["readings"].items()}
        remember_readings(saved["readings"])
        index.groups = {
            field_name: {
                value: Group(
                    field_name, value, label, label_en, tuple(folded), tuple(keys), bits.from_text(members)
                )
                for value, label, label_en, folded, keys, members in groups
            }
            for field_name, groups in saved["groups"].items()
        }
        if any(g.members > index.universe for field in index.groups.values() for g in field.values()):
            raise ValueError("saved index groups do not fit the works")
        return index

    # Sets --------------------------------------------------------------------------------------

    def encode(self, positions: Iterable[int]) -> int:
        rank = self.ranks["title"]
        return bits.from_ranks((rank[p] for p in positions), self.size)

    def decode(self, found: int, sort: str = "title") -> list[int]:
        """The positions of a set, in `sort` order. The orders are copied into numpy arrays on
        first use (4 bytes a work each), so that picking a million works' members runs in C."""
        order, ranks_in_order = self._order_arrays(sort)
        if sort != "title" and found.bit_count() * 32 <= self.size:
            title = self.orders["title"]
            return sorted((title[r] for r in bits.ranks(found, self.size)), key=self.ranks[sort].__getitem__)
        return bits.select_array(order, found, ranks_in_order)

    def _order_arrays(self, sort: str) -> tuple[Positions, Positions | None]:
        """The positions in `sort` order, and (but for title order) each one's title rank."""
        arrays = self._order_cache.get(sort)
        if arrays is None:
            with build_lock(self, "_order_cache"):
                arrays = self._order_cache.get(sort)
                if arrays is None:
                    order, title_ranks = self._orders[sort], self._ranks["title"]
                    title_rank: Positions | None = None
                    if sort != "title" and isinstance(order, array):
                        title_rank = array("i", map(title_ranks.__getitem__, order))
                    elif sort != "title":
                        import numpy as np

                        title_rank = np.asarray(title_ranks)[order]
                    arrays = self._order_cache[sort] = (order, title_rank)
        return arrays

    # Free text ---------------------------------------------------------------------------------

    def char_set(self, key: str, kind: str = "char") -> int:
        """Works with `key` in their text (kind "char": a character or Latin pair; "pair": a pair
        of common Han characters) or in a title ("title", "title_pair")."""
        by_kind = {
            "char": self._char_ranks,
            "title": self._title_char_ranks,
            "pair": self._pair_ranks,
            "title_pair": self._title_pair_ranks,
        }[kind]
        ranks = by_kind.get(key)
        if ranks is None:
            return 0
        if isinstance(ranks, int):
            return ranks
        return self._cache.get(kind, key, lambda: bits.from_ranks(ranks, self.size))

    def containing(self, folded: str) -> int:
        """Works whose text contains `folded`: those with all its keys, checked (a word of two
        common Han characters needs no check: its pair's postings are exact)."""
        return self._with_keys(folded, self.universe, "char", "pair", self._paired, self._hay_by_rank)

    def titles_containing(self, folded: str, within: int) -> int:
        """Those of `within` whose Chinese or English title contains `folded`."""
        return self._with_keys(
            folded,
            within,
            "title",
            "title_pair",
            self._title_paired,
            self._titles_by_rank,
            self._titles_en_by_rank,
        )

    def _with_keys(
        self, folded: str, within: int, kind: str, pair_kind: str, paired: str, *texts_by_rank: list[str]
    ) -> int:
        found = reduce(and_, (self.char_set(key, kind) for key in keys_of(folded)), within)
        pairs = paired_keys(folded, paired) if found else []
        for pair in pairs:
            found &= self.char_set(pair, pair_kind)
        if is_one_key(folded) or not found or (pairs and len(folded) == 2):
            return found
        return self._checked(found, folded, *texts_by_rank)

    def _checked(self, candidates: int, folded: str, *texts_by_rank: list[str]) -> int:
        """The candidates with `folded` in one of their texts, tested by map() in C. Most pass
        (they have every character already), so the few that fail are taken away."""
        ranks = bits.ranks(candidates, self.size)
        tests = [map(contains, map(texts.__getitem__, ranks), repeat(folded)) for texts in texts_by_rank]
        hits = bytes(tests[0] if len(tests) == 1 else map(or_, *tests))
        failed = len(hits) - sum(hits)
        if not failed:
            return candidates
        if failed * 2 < len(hits):
            return candidates & ~bits.from_ranks(list(compress(ranks, hits.translate(_FLIP))), self.size)
        return bits.from_ranks(list(compress(ranks, hits)), self.size)

    def titles_equal(self, folded: str) -> int:
        """Works whose folded title is exactly `folded` (the first tier of a search)."""
        first, last = self._exact_titles if self._exact_titles is not None else self._exact_title_lookup()
        start = first.get(folded)
        if start is None:
            return 0
        stop = last[folded]
        if start == stop:
            return 1 << start
        titles = self._titles_by_rank  # every rank with this title lies between its first and last
        return bits.from_ranks([r for r in range(start, stop + 1) if titles[r] == folded], self.size)

    def _exact_title_lookup(self) -> tuple[dict[str, int], dict[str, int]]:
        """The exact-title lookup, built once (a search and the warm-up may both ask for it)."""
        with build_lock(self, "_exact_titles"):
            return self._exact_titles if self._exact_titles is not None else self._build_exact_titles()

    def _build_exact_titles(self) -> tuple[dict[str, int], dict[str, int]]:
        """Each folded title's first and last rank: two dicts built in C (a list of ranks per
        title, appended in Python, took 1.5 s of a million works' warm-up)."""
        titles = self._titles_by_rank
        last = dict(zip(titles, range(len(titles)), strict=True))
        first = dict(zip(reversed(titles), range(len(titles) - 1, -1, -1), strict=True))
        self._exact_titles = first, last
        return self._exact_titles

    def warm(self) -> None:
        """Build now what the first search would otherwise build (the exact-title lookup, the texts
        in title order that candidates are checked against: the search texts and the postings read
        then), so that
        a front end can do it in the background and the first query costs no more than others;
        and every syllable's codes (a first pinyin query decodes dozens).
        A search meanwhile waits only for what it needs and is being built (see once.py). Not the
        dict of ids: the first lookups scan (see PositionsById), and queries need none."""
        self._exact_title_lookup()
        _ = self._hay_by_rank, self._titles_en_by_rank
        _ = self._char_ranks, self._title_char_ranks, self._pair_ranks, self._title_pair_ranks
        _ = self._paired, self._title_paired  # the postings' table, read from a snapshot now
        self.syllables.warm()

    # Pinyin ------------------------------------------------------------------------------------

    def pinyin(self, units: Sequence[Unit]) -> int:
        """Works whose title reads `units` on consecutive syllables (see SyllableIndex.find)."""
        return self.syllables.find(units)

    # Facets ------------------------------------------------------------------------------------

    def related(self, position: int, limit: int) -> list[int]:
        """Other works sharing a campaign or channel with this one: most shared first, then in
        title order. Sets of "in at least n of its groups" are built with ANDs and ORs, so a
        campaign of 10,000 works costs no more than one of ten."""
        work = self.works[position]
        groups = [
            group.members
            for field_name, values in (("campaign", work.campaigns), ("channel", work.channels))
            for value in dict.fromkeys(values)
            if (group := self.groups[field_name].get(value)) is not None
        ]
        at_least = [self.universe] + [0] * len(groups)  # at_least[n]: in n or more of the groups
        for members in groups:
            for level in range(len(groups), 0, -1):
                at_least[level] |= at_least[level - 1] & members
        others = self.universe & ~(1 << self.ranks["title"][position])
        found: list[int] = []
        for level in range(len(groups), 0, -1):
            above = at_least[level + 1] if level < len(groups) else 0
            found += bits.first(at_least[level] & ~above & others, limit - len(found))
        title = self.orders["title"]
        return [title[rank] for rank in found]

    def group_names(self, field_name: str, value: str) -> str:
        group = self.groups[field_name].get(value)
        return group.label if group else value


def _report(progress: Callable[[int], None] | None, done: int) -> None:
    if progress is not None:
        progress(done)


def _passes(
    progress: Callable[[int, int], None] | None, size: int, count: int
) -> Callable[[int], Callable[[int], None] | None]:
    """For a build of `count` passes over `size` works: in_pass(n) reports that pass n (1 … count)
    starts and gives a callback for the works done within it; in_pass(count + 1), the end."""
    total = count * size

    def in_pass(number: int) -> Callable[[int], None] | None:
        if progress is None:
            return None
        report, start = progress, (number - 1) * size
        report(start, total)
        return lambda done: report(start + done, total)

    return in_pass


def _all_texts(values: Iterable[Any], nested: bool = False) -> bool:
    """Whether every value is a string (`nested`: a list of strings)."""
    if nested:
        return all(type(value) is list and _all_texts(value) for value in values)
    return all(type(value) is str for value in values)


def _all_groups(saved: Any) -> bool:
    """Whether saved groups have the shape to_saved gives: [value, label, label_en, folded, keys, members]."""
    return type(saved) is dict and all(
        type(groups) is list
        and all(
            type(group) is list
            and len(group) == 6
            and _all_texts(group[:3])
            and _all_texts(group[3:5], nested=True)
            and type(group[5]) is str
            for group in groups
        )
        for groups in saved.values()
    )


def _record_names(catalog: Catalog) -> Iterator[str]:
    """The names records are found by (their pinyin keys, core/records.py): the readings of their
    characters are saved with the titles', so that a restart does not import pypinyin for them."""
    for section, record_type in RECORD_TYPES.items():
        if record_type is not Work:
            for record in getattr(catalog, section):
                yield from (
                    str(getattr(record, name, "") or "") for name in ("name", "label", "name_en", "label_en")
                )
    for name, name_en in WORK_TYPES.values():
        yield name
        yield name_en


def _small_inverse(order: array[int], size: int) -> array[int]:
    """The ranks of a small order (a permutation of range(size); ValueError if not), in pure Python."""
    ranks = array("i", bytes(4 * size))
    seen = bytearray(size)
    for rank, position in enumerate(order):
        if not 0 <= position < size or seen[position]:
            raise ValueError("saved index orders are not permutations")
        seen[position] = 1
        ranks[position] = rank
    return ranks


def _by_rank(texts: list[str], order: Positions) -> list[str]:
    """texts[order[0]], texts[order[1]], …"""
    if isinstance(order, array):
        return list(map(texts.__getitem__, order))
    import numpy as np

    by_rank: list[str] = np.array(texts, dtype=object)[order].tolist()
    return by_rank


class _Lists(Mapping[str, list[int]]):
    """Named numpy arrays (or array("i")s) as lists, each made on first use (indexing a list is the faster)."""

    def __init__(self, arrays: Mapping[str, Positions]) -> None:
        self._arrays = arrays
        self._lists: dict[str, list[int]] = {}
        self._lock = threading.Lock()  # each list made once, though two threads ask at once

    def __getitem__(self, name: str) -> list[int]:
        found = self._lists.get(name)
        if found is None:
            with self._lock:
                found = self._lists.get(name)
                if found is None:
                    found = self._lists[name] = self._arrays[name].tolist()
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)
