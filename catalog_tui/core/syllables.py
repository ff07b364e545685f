"""Pinyin by syllable slot: code `i * size + r` says that the work at rank r reads a syllable at
the i-th slot of its title. A set of codes is an int of `width` blocks of `size` bits, so "slot i + 1
of the same work" is a shift by `size`, and a query such as `sdp` is a few shifts and ANDs."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import bits, postings
from .postings import Postings, SetCache, compact, loaded_postings, saved_postings

# A query unit: a letter or digit (str) or the readings of one Han character (tuple).
Unit = str | tuple[str, ...]


class SyllableIndex:
    def __init__(self, codes: Mapping[str, Postings], width: int, size: int, cache: SetCache) -> None:
        self._codes = codes
        self._vocabulary = sorted(codes)
        self.width = width
        self.size = size
        self._cache = cache

    @classmethod
    def build(
        cls,
        slots_by_rank: Sequence[tuple[int, list[list[str]]]],
        size: int,
        cache: SetCache,
        progress: Callable[[int], None] | None = None,
    ) -> SyllableIndex:
        """From each work's (rank, syllable slots), a slot being the readings of one character.
        `progress(works done)` every PROGRESS_EVERY works."""
        width = max((len(slots) for _, slots in slots_by_rank), default=0)
        codes: defaultdict[str, list[int]] = defaultdict(list)
        for done, (rank, slots) in enumerate(slots_by_rank):
            if progress is not None and not done % postings.PROGRESS_EVERY:
                progress(done)
            for code, readings in zip(range(rank, len(slots) * size + rank, size), slots, strict=True):
                for reading in readings:  # code: slot * size + rank
                    codes[reading].append(code)
        return cls(compact(codes, width * size), width, size, cache)

    def to_saved(self) -> dict[str, Any]:
        return {"width": self.width, "codes": saved_postings(self._codes)}

    @classmethod
    def from_saved(
        cls,
        saved: dict[str, Any],
        size: int,
        cache: SetCache,
        on_damage: Callable[[str], None] | None = None,
    ) -> SyllableIndex:
        width = saved["width"]
        if type(width) is not int or width < 0:
            raise ValueError("saved syllable slots of another shape")
        # Codes are not ordered: each syllable's checked when first decoded (see LoadedPostings).
        return cls(loaded_postings(saved["codes"], width * size, False, on_damage), width, size, cache)

    def warm(self) -> None:
        """Decode every syllable's codes now (a few hundred keys, read when first asked for): a
        first pinyin query asks for dozens (every syllable its letters may begin)."""
        for syllable in self._vocabulary:
            self._codes.get(syllable)

    def find(self, units: Sequence[Unit]) -> int:
        """Works whose title reads `units` on consecutive syllables: each run of letters splits
        into prefixes of syllables (s-u-dong-p, su-d-p, …), each Han character is one syllable."""
        size = self.size
        ends = [0] * (len(units) + 1)  # ends[k]: codes of the slot where units[:k] can end
        for start, unit in enumerate(units):
            if start and not ends[start]:
                continue
            steps: list[tuple[int, int]] = []
            if isinstance(unit, tuple):
                steps.append((start + 1, self._exact_set(unit)))
            else:
                piece = ""
                for stop in range(start + 1, len(units) + 1):
                    letter = units[stop - 1]
                    if isinstance(letter, tuple):
                        break
                    piece += letter
                    prefixed = self._prefix_set(piece)
                    if not prefixed:
                        break
                    steps.append((stop, prefixed))
            for stop, codes in steps:
                ends[stop] |= codes if start == 0 else (ends[start] << size) & codes
        return bits.fold(ends[-1], size) if size else 0

    def _syllables_set(self, syllables: Sequence[str]) -> int:
        """The codes of any of `syllables`. The sparse ones are gathered into one build: a
        prefix such as "s" covers some 35 syllables, and one build per syllable cost 90 ms."""
        found = 0
        sparse: list[array[int]] = []
        for syllable in syllables:
            codes = self._codes.get(syllable)
            if isinstance(codes, int):
                found |= codes
            elif codes is not None:
                sparse.append(codes)
        if sparse:
            found |= bits.from_arrays(sparse, self.width * self.size)
        return found

    def _exact_set(self, readings: tuple[str, ...]) -> int:
        return self._cache.get("syllables", "|".join(readings), lambda: self._syllables_set(readings))

    def _prefix_set(self, prefix: str) -> int:
        def build() -> int:
            vocabulary = self._vocabulary
            start = bisect_left(vocabulary, prefix)
            stop = start
            while stop < len(vocabulary) and vocabulary[stop].startswith(prefix):
                stop += 1
            return self._syllables_set(vocabulary[start:stop])

        return self._cache.get("prefix", prefix, build)
