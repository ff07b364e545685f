"""Postings: which works (by rank) have a key, kept as an array when few do and as a set (an int,
see bits.py) when many do; and a small cache of sets built from them for the next keystroke."""

from __future__ import annotations

import re
import sys
import threading
from array import array
from base64 import b64encode
from binascii import a2b_base64
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import add
from typing import TYPE_CHECKING, Any, TypeAlias

from . import bits
from .text import is_han

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

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


def saved_postings(postings: Mapping[str, Postings]) -> dict[str, str]:
    return {
        key: "b:" + bits.to_text(found) if isinstance(found, int) else f"{found.typecode}:{pack(found)}"
        for key, found in postings.items()
    }


def loaded_postings(
    saved: dict[str, str], space: int, ordered: bool = True, on_damage: Callable[[str], None] | None = None
) -> LoadedPostings:
    """The postings `saved_postings` wrote, each key decoded when first asked for (see
    LoadedPostings); ValueError (or TypeError) when a key's bounds show beyond `space`, so that a
    damaged snapshot is rebuilt rather than searched."""
    return LoadedPostings(saved, space, ordered, on_damage)


class LoadedPostings(Mapping[str, Postings]):
    """Saved postings decoded a key at a time, when a query first asks for the key: opening a
    store then costs no base64 and no pass over every rank.

    `ordered`: each key's ranks ascend (as every postings build but the syllables' writes them),
    and its bounds are checked at open (ValueError) from its ends alone: a bitset's length and top
    byte, an array's first and last rank, read from the few base64 characters that hold them.
    Every key is checked whole when decoded; one that fails (a snapshot rewritten with a matching
    checksum: its bytes were checked at open) is reported to `on_damage(problem)`, as a damaged
    row is, and reads as no works; without `on_damage` it raises ValueError."""

    def __init__(
        self,
        saved: dict[str, str],
        space: int,
        ordered: bool = True,
        on_damage: Callable[[str], None] | None = None,
    ) -> None:
        if type(saved) is not dict:
            raise TypeError("saved postings are not a mapping")
        self._space = space
        self._ordered = ordered
        self._on_damage = on_damage
        self._keys: dict[str, str | Postings] = dict(saved)  # the text until the key is decoded
        self._lock = threading.Lock()
        self.decoded = 0  # keys decoded so far
        for key, text in saved.items():
            if type(text) is not str:
                raise TypeError(f"postings of {key!r} are not text")
            if ordered:
                _check_ends(key, text, space)

    def __getitem__(self, key: str) -> Postings:
        found = self._keys[key]
        if isinstance(found, str):
            with self._lock:  # a search and the warm-up thread may ask for a key at once
                found = self._keys[key]
                if isinstance(found, str):
                    found = self._keys[key] = self._decode(key, found)
        return found

    def _decode(self, key: str, text: str) -> Postings:
        self.decoded += 1
        try:
            return _decoded(key, text, self._space, self._ordered)
        except ValueError as error:  # binascii.Error is one too
            if self._on_damage is None:
                raise
            self._on_damage(str(error))
            return 0

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _beyond(key: str) -> ValueError:
    return ValueError(f"postings of {key!r} beyond the works")


def _decoded(key: str, text: str, space: int, ordered: bool) -> Postings:
    """A key's postings, checked whole: every rank below `space` (and, `ordered`, ascending)."""
    kind, _, packed = text.partition(":")
    if kind == "b":
        members = bits.from_text(packed)
        if members.bit_length() > space:
            raise _beyond(key)
        return members
    ranks = unpack(kind, packed)
    if ranks and (space <= bits.SMALL_SET or len(ranks) <= _CHECKED_IN_PYTHON):
        if min(ranks) < 0 or max(ranks) >= space:
            raise _beyond(key)
        if ordered and not all(map(int.__lt__, ranks, ranks[1:])):
            raise ValueError(f"postings of {key!r} out of order")
    elif ranks:
        import numpy as np

        values: NDArray[np.int64] = np.frombuffer(ranks, dtype=np.int32 if kind == "i" else np.int64)
        if values.min() < 0 or values.max() >= space:
            raise _beyond(key)
        if ordered and not bool(np.all(values[1:] > values[:-1])):
            raise ValueError(f"postings of {key!r} out of order")
    return ranks


def _check_ends(key: str, text: str, space: int) -> None:
    """Whether a key's postings can be below `space` from their ends alone: a bitset's length
    and top byte; an ascending array's first and last rank (ValueError when not)."""
    kind, _, packed = text.partition(":")
    if len(packed) % 4:
        raise ValueError(f"postings of {key!r} are not base64")
    length = len(packed) // 4 * 3 - (packed[-2:].count("=") if packed else 0)
    if kind == "b":
        if length and (
            length > (space + 7) // 8 or (length - 1) * 8 + _tail(packed, length, 1)[0].bit_length() > space
        ):
            raise _beyond(key)
        return
    width = {"i": 4, "q": 8}.get(kind)
    if width is None:
        raise ValueError(f"unknown array type {kind!r}")
    if length % width:
        raise ValueError(f"postings of {key!r} of another length")
    if length:
        first = int.from_bytes(
            a2b_base64(packed[: (width + 2) // 3 * 4], strict_mode=True)[:width], sys.byteorder, signed=True
        )
        last = int.from_bytes(_tail(packed, length, width), sys.byteorder, signed=True)
        if first < 0 or last >= space:
            raise _beyond(key)


def _tail(packed: str, length: int, count: int) -> bytes:
    """The last `count` of the `length` bytes base64 `packed` holds, decoding only their quanta."""
    quantum = (length - count) // 3
    return a2b_base64(packed[quantum * 4 :], strict_mode=True)[length - count - quantum * 3 :]


# Postings this short are checked in pure Python (a small store's: no numpy import to open one).
_CHECKED_IN_PYTHON = 64
# Texts per step of a postings build, and between two of its progress reports (a few ms' work).
PROGRESS_EVERY = 4096
SCAN_SHARE = 80  # percent of a build's progress for its steps over the texts; the rest making postings
MAKE_EVERY = 1 << 20  # ranks put in postings between two reports
_LATIN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
_PAIR_BASE = 0x110000  # key codes from here on are Latin pairs: _PAIR_BASE + 128 * first + second
_RANK_BITS = 32


def char_postings(
    texts: Sequence[str], size: int, progress: Callable[[int], None] | None = None
) -> dict[str, Postings]:
    """For each character, and each pair of adjacent Latin letters or digits, the ranks of the
    texts (given in rank order) that contain it. Han characters alone are selective; 26 letters
    are not, so Latin words are narrowed down by their letter pairs. `progress(texts' worth
    done)` every PROGRESS_EVERY texts, then as the postings are made (see _build).

    Built with numpy, PROGRESS_EVERY texts at a time: their code points are keyed by rank, made
    unique and split by key, 3 times faster than a set of keys per text and a list per key."""
    import numpy as np

    latin_codes = np.zeros(128, dtype=bool)
    latin_codes[[ord(c) for c in _LATIN_CHARS]] = True

    def keyed(codes: NDArray[np.uint32], inside: NDArray[np.bool_], owners: NDArray[np.int64]) -> _Keyed:
        chars = codes[inside].astype(np.int64)
        latin = latin_codes[np.minimum(codes, 127)] & (codes < 128) & inside
        at = np.flatnonzero(latin[:-1] & latin[1:])
        pairs = _PAIR_BASE + (codes[at].astype(np.int64) << 7) + codes[at + 1]
        return np.concatenate((chars, pairs)), np.concatenate((owners[inside], owners[at]))

    def name(code: int) -> str:
        return chr(code) if code < _PAIR_BASE else chr((code - _PAIR_BASE) >> 7) + chr(code & 127)

    return _build(texts, size, keyed, name, progress)


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
    if not paired:
        return paired, {}
    import numpy as np

    number = np.full(0x110000, -1, dtype=np.int64)  # a paired character's place in `paired`
    number[[ord(char) for char in paired]] = np.arange(len(paired))
    width = len(paired)

    def keyed(codes: NDArray[np.uint32], inside: NDArray[np.bool_], owners: NDArray[np.int64]) -> _Keyed:
        numbers = np.where(inside, number[codes], -1)
        at = np.flatnonzero((numbers[:-1] >= 0) & (numbers[1:] >= 0))
        return numbers[at] * width + numbers[at + 1], owners[at]

    def name(code: int) -> str:
        return paired[code // width] + paired[code % width]

    return paired, _build(texts, size, keyed, name, progress)


# (key codes, owning ranks) of one step's texts: what a postings build takes from them.
_Keyed: TypeAlias = "tuple[NDArray[np.int64], NDArray[np.int64]]"


def _build(
    texts: Sequence[str],
    size: int,
    keyed: Callable[[NDArray[np.uint32], NDArray[np.bool_], NDArray[np.int64]], _Keyed],
    name: Callable[[int], str],
    progress: Callable[[int], None] | None,
) -> dict[str, Postings]:
    """Postings of the keys `keyed` finds in the texts (given the code points of a step's texts
    joined with a separator after each, where the real characters are, and each one's rank),
    named by `name`, built a step of PROGRESS_EVERY texts at a time. `progress(texts' worth)`:
    the steps the first SCAN_SHARE of the texts, then the postings made of their parts the rest."""
    import numpy as np

    parts: defaultdict[int, list[NDArray[Any]]] = defaultdict(list)  # int32: 4 bytes a rank
    step = max(1, PROGRESS_EVERY)
    scanned = len(texts) * SCAN_SHARE // 100
    for start in range(0, len(texts), step):
        if progress is not None:
            progress(start * SCAN_SHARE // 100)
        chunk = texts[start : start + step]
        codes = np.frombuffer("\0".join(chunk).encode("utf-32-le", "surrogatepass") + b"\0\0\0\0", np.uint32)
        lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk)) + 1
        owners = np.repeat(np.arange(start, start + len(chunk), dtype=np.int64), lengths)
        inside = np.ones(len(codes), dtype=bool)
        inside[np.cumsum(lengths) - 1] = False  # the separators
        keys, ranks = keyed(codes, inside, owners)
        unique = np.sort((keys << _RANK_BITS) | ranks)  # (np.unique hashes first: 8 times slower)
        if not len(unique):
            continue
        unique = unique[np.concatenate(([True], unique[1:] != unique[:-1]))]
        keys, ranks = unique >> _RANK_BITS, (unique & ((1 << _RANK_BITS) - 1)).astype(np.int32)
        starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
        bounds = starts.tolist()
        # Slices, not np.split: its per-piece overhead was a third of the build.
        for key, begin, end in zip(keys[starts].tolist(), bounds, [*bounds[1:], len(ranks)], strict=True):
            parts[key].append(ranks[begin:end])
    if progress is not None:
        progress(scanned)
    # At a million texts making the postings took seconds: reported every MAKE_EVERY ranks.
    to_make = sum(len(piece) for pieces in parts.values() for piece in pieces) if progress else 0
    made = reported = 0
    built: dict[str, Postings] = {}  # ranks of works: below 2**31, so "i" arrays
    for key in sorted(parts):
        found = np.concatenate(parts[key]) if len(parts[key]) > 1 else parts[key][0]
        built[name(key)] = (
            bits.from_array(found, size) if len(found) * 32 > size else array("i", found.tobytes())
        )
        made += len(found)
        if progress is not None and made - reported >= MAKE_EVERY:
            reported = made
            progress(scanned + (len(texts) - scanned) * made // to_make)
    if progress is not None and len(texts):
        progress(len(texts))
    return built


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
    values.frombytes(a2b_base64(text, strict_mode=True))  # as b64decode(validate=True), a regex faster
    return values


class SetCache:
    """Sets built lazily (a character's postings, a pinyin prefix's codes), kept until they take
    more than 64 MiB, then dropped all at once: typing reuses the last few, rarely old ones."""

    def __init__(self) -> None:
        self._sets: dict[tuple[str, str], int] = {}
        self._bytes = 0
        self._lock = threading.RLock()  # a set built once, though two threads' searches ask at once

    def get(self, kind: str, key: str, build: Callable[[], int]) -> int:
        found = self._sets.get((kind, key))
        if found is None:
            with self._lock:
                found = self._sets.get((kind, key))
                if found is None:
                    found = build()
                    if self._bytes > _CACHE_BYTES:
                        self._sets.clear()
                        self._bytes = 0
                    self._sets[kind, key] = found
                    self._bytes += found.bit_length() // 8
        return found
