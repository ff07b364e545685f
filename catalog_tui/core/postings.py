"""Postings: which works (by rank) have a key, kept as an array when few do and as a set (an int,
see bits.py) when many do; and a small cache of sets built from them for the next keystroke."""

from __future__ import annotations

import re
from array import array
from base64 import b64decode, b64encode
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from operator import add
from typing import TypeAlias

from . import bits
from .text import is_han

LATIN_RUN = re.compile(r"[a-z0-9]{2,}")
_CACHE_BYTES = 64 << 20  # lazily built sets kept for the next keystroke
# Han characters whose adjacent pairs get postings of their own: the commonest, at most this many.
MAX_PAIRED = 512

# A postings list: the ranks (or slot codes) that have a key, as an array when few have it and
# as a ready set when many do (a set then takes less room than the array, saved or in memory).
Postings: TypeAlias = "array[int] | int"


def compact(postings: dict[str, list[int]], space: int) -> dict[str, Postings]:
    """Dense postings become sets, sparse ones arrays (4 bytes a rank, not a list's 8 + int)."""
    typecode = "i" if space < 2**31 else "q"
    return {
        key: bits.from_ranks(found, space) if len(found) * 32 > space else array(typecode, found)
        for key, found in postings.items()
    }


def saved_postings(postings: dict[str, Postings]) -> dict[str, str]:
    return {
        key: "b:" + bits.to_text(found) if isinstance(found, int) else f"{found.typecode}:{pack(found)}"
        for key, found in postings.items()
    }


def loaded_postings(saved: dict[str, str], space: int) -> dict[str, Postings]:
    """The postings `saved_postings` wrote; ValueError (or TypeError) unless every rank or code
    is below `space`, so that a damaged snapshot is rebuilt rather than searched."""
    if type(saved) is not dict:
        raise TypeError("saved postings are not a mapping")
    loaded: dict[str, Postings] = {}
    for key, text in saved.items():
        kind, _, packed = text.partition(":")
        if kind == "b":
            members = bits.from_text(packed)
            if members.bit_length() > space:
                raise ValueError(f"postings of {key!r} beyond the works")
            loaded[key] = members
        else:
            ranks = unpack(kind, packed)
            if ranks and (min(ranks) < 0 or max(ranks) >= space):
                raise ValueError(f"postings of {key!r} beyond the works")
            loaded[key] = ranks
    return loaded


# Texts between two progress reports of a postings build (a few milliseconds' work).
PROGRESS_EVERY = 4096


def char_postings(
    texts: Iterable[str], size: int, progress: Callable[[int], None] | None = None
) -> dict[str, Postings]:
    """For each character, and each pair of adjacent Latin letters or digits, the ranks of the
    texts (given in rank order) that contain it. Han characters alone are selective; 26 letters
    are not, so Latin words are narrowed down by their letter pairs. `progress(texts done)`
    every PROGRESS_EVERY texts."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for r, text in enumerate(texts):
        for key in keys_of(text):
            postings[key].append(r)
        if progress is not None and not r % PROGRESS_EVERY:
            progress(r)
    return compact(postings, size)


def han_pair_postings(
    texts: Sequence[str],
    postings: dict[str, Postings],
    size: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[str, dict[str, Postings]]:
    """The commonest Han characters (those whose postings are a set: over 1 in 32 texts, at most
    MAX_PAIRED) and, for each pair of them adjacent in some text, the ranks of the texts with that
    pair. A word of two common characters is then found exactly, where checking its candidates
    (thousands: every text with both characters) one by one was the engine's slowest path; a word
    with a rarer character has few candidates, and checking them stays cheap. `progress` as in
    char_postings."""
    common = [
        key for key, found in postings.items() if isinstance(found, int) and len(key) == 1 and is_han(key)
    ]
    common.sort(key=lambda key: (-_count(postings[key]), key))
    paired = "".join(sorted(common[:MAX_PAIRED]))
    wanted = {first + second for first in paired for second in paired}
    pairs: defaultdict[str, list[int]] = defaultdict(list)
    if wanted:
        for r, text in enumerate(texts):
            for pair in wanted.intersection(map(add, text, text[1:])):
                pairs[pair].append(r)
            if progress is not None and not r % PROGRESS_EVERY:
                progress(r)
    return paired, compact(pairs, size)


def _count(found: Postings) -> int:
    return found.bit_count() if isinstance(found, int) else len(found)


def paired_keys(folded: str, paired: str) -> list[str]:
    """The adjacent pairs of `folded` whose both characters have pair postings (see han_pair_postings)."""
    return [pair for pair in map(add, folded, folded[1:]) if pair[0] in paired and pair[1] in paired]


def is_one_key(folded: str) -> bool:
    """Whether the postings of `folded` are exact: one character, or a pair of Latin letters."""
    return len(folded) <= 1 or (len(folded) == 2 and LATIN_RUN.fullmatch(folded) is not None)


def keys_of(folded: str) -> set[str]:
    """The postings keys a (folded) text has: its characters and Latin letter pairs."""
    keys = set(folded)
    for run in LATIN_RUN.findall(folded):
        keys.update(map(add, run, run[1:]))
    return keys


def pack(values: array[int]) -> str:
    return b64encode(values.tobytes()).decode("ascii")


def unpack(typecode: str, text: str) -> array[int]:
    if typecode not in ("i", "q"):
        raise ValueError(f"unknown array type {typecode!r}")
    values = array(typecode)
    values.frombytes(b64decode(text, validate=True))
    return values


class SetCache:
    """Sets built lazily (a character's postings, a pinyin prefix's codes), kept until they take
    more than 64 MiB, then dropped all at once: typing reuses the last few, rarely old ones."""

    def __init__(self) -> None:
        self._sets: dict[tuple[str, str], int] = {}
        self._bytes = 0

    def get(self, kind: str, key: str, build: Callable[[], int]) -> int:
        found = self._sets.get((kind, key))
        if found is None:
            found = build()
            if self._bytes > _CACHE_BYTES:
                self._sets.clear()
                self._bytes = 0
            self._sets[kind, key] = found
            self._bytes += found.bit_length() // 8
        return found
