"""Sets of works as Python ints: bit r stands for the work at rank r.

At 100,000 works a set is a 12.5 KB int, and `&`, `|`, `& ~` and `bit_count()` run in C in
microseconds, where Python sets of positions cost tens of milliseconds. Converting to and from
ranks goes through the int's bytes and numpy (packbits, unpackbits, flatnonzero), so that it too
stays in C (see benchmarks/bitsets.py for how this compares with pyroaring). Sets of at most
SMALL_SET ranks (the bundled catalogue's) take a pure-Python path instead: numpy is imported when
a larger set first needs it, not at start-up (its import costs more than a small store's open).
"""

from __future__ import annotations

from array import array
from base64 import b64decode, b64encode
from collections.abc import Iterable, Sequence, Sized
from itertools import chain, compress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

_BIT = tuple(1 << n for n in range(8))
# Up to this many ranks, sets are converted in pure Python (no numpy import).
SMALL_SET = 4096
# The flags of each byte value: one byte per bit, 1 where it is set (bit 0 first).
_BYTE_FLAGS = tuple(bytes((value >> n) & 1 for n in range(8)) for value in range(256))


# Up to this many ranks, setting their bits one by one in Python beats numpy's call overheads.
_FEW_RANKS = 64


def from_ranks(ranks: Iterable[int], size: int) -> int:
    """The set of `ranks` (each below `size`): a list, an array, a numpy array or any iterable."""
    ranks = ranks if isinstance(ranks, Sized) else list(ranks)
    sparse = len(ranks) * 64 < size
    if size <= SMALL_SET or (sparse and len(ranks) <= _FEW_RANKS):
        # A small space (no numpy import), or few members over a wide one (pinyin slot codes):
        # setting bits in bytes one by one beats numpy's call overheads.
        packed = bytearray((size + 7) // 8)
        for rank in ranks:
            packed[rank >> 3] |= _BIT[rank & 7]
        return int.from_bytes(packed, "little")
    import numpy as np

    codes = _as_array(ranks)
    if sparse:
        # Few members over a wide space: set bits in bytes (in C), rather than clear and pack a
        # byte per rank of the whole space; a Python loop over the ranks was most of a first
        # pinyin query (each prefix's set of syllable codes).
        flags = np.zeros((size + 7) // 8, dtype=np.uint8)
        np.bitwise_or.at(flags, codes >> 3, np.left_shift(1, codes & 7).astype(np.uint8))
        return int.from_bytes(flags.tobytes(), "little")
    return from_array(codes, size)


def from_arrays(parts: Sequence[array[int]], size: int) -> int:
    """The set of the ranks in any of `parts`, each an array of ranks below `size`: joined in
    numpy (in C) rather than iterated over in Python, but for a small space (no numpy import)."""
    if not parts:
        return 0
    if size <= SMALL_SET:
        return from_ranks(list(chain.from_iterable(parts)), size)
    import numpy as np

    return from_ranks(
        np.concatenate([np.frombuffer(part, dtype=np.dtype(part.typecode)) for part in parts]), size
    )


def _as_array(ranks: Iterable[int]) -> NDArray[np.int64]:
    import numpy as np

    if isinstance(ranks, np.ndarray):
        return ranks.astype(np.int64, copy=False)
    if isinstance(ranks, array):  # its buffer, read in place
        return np.frombuffer(ranks, dtype=np.dtype(ranks.typecode)).astype(np.int64)
    return np.array(ranks if isinstance(ranks, list | tuple) else list(ranks), dtype=np.int64)


def from_array(ranks: NDArray[np.integer], size: int) -> int:
    """The set of `ranks`, a numpy array (each below `size`; repeats allowed)."""
    import numpy as np

    flags = np.zeros(size, dtype=np.uint8)
    flags[ranks] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _bit_array(bits: int, size: int) -> NDArray[np.uint8]:
    """One uint8 per rank below `size`, 1 where the set has it."""
    import numpy as np

    length = (max(size, bits.bit_length()) + 7) // 8
    return np.unpackbits(
        np.frombuffer(bits.to_bytes(length, "little"), np.uint8), count=size, bitorder="little"
    )


def flags(bits: int, size: int) -> bytes:
    """One byte per rank, 1 where the set has it: what itertools.compress selects with."""
    if max(size, bits.bit_length()) <= SMALL_SET:
        return _small_flags(bits, size)
    return _bit_array(bits, size).tobytes()


def _small_flags(bits: int, size: int) -> bytes:
    """flags() of a small set, in pure Python: each byte of the int looked up whole."""
    length = (max(size, bits.bit_length()) + 7) // 8
    return b"".join(map(_BYTE_FLAGS.__getitem__, bits.to_bytes(length, "little")))[:size]


def ranks(bits: int, size: int) -> list[int]:
    """The ranks in the set, ascending."""
    if bits.bit_length() <= SMALL_SET:
        width = bits.bit_length()
        return list(compress(range(width), _small_flags(bits, width)))
    found: list[int] = rank_array(bits).tolist()
    return found


def rank_array(bits: int) -> NDArray[np.int64]:
    """The ranks in the set, ascending, as a numpy array."""
    import numpy as np

    if not bits:
        return np.zeros(0, dtype=np.int64)
    # Only the bytes with members are unpacked: a sparse set costs its members, not its size.
    packed = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), np.uint8)
    at = np.flatnonzero(packed)
    members = np.unpackbits(packed[at, None], axis=1, bitorder="little").view(bool)
    found: NDArray[np.int64] = ((at[:, None] << 3) + np.arange(8))[members]
    return found


def first(bits: int, count: int) -> list[int]:
    """The `count` lowest ranks in the set (fewer when it is smaller)."""
    if not bits or count <= 0:
        return []
    # The set's bytes, a growing window at a time: a few members near the start cost little.
    window = 4096
    while True:
        low = bits & ((1 << window) - 1)
        if low.bit_count() >= count or low == bits:
            return ranks(low, min(window, bits.bit_length()))[:count]
        window *= 4


def select(items: Sequence[int], bits: int) -> list[int]:
    """`items[r]` for each rank r in the set, in rank order (items has one entry per rank)."""
    size = len(items)
    if (bits.bit_count()) * 32 > size:
        return list(compress(items, flags(bits, size)))
    return [items[rank] for rank in ranks(bits, size)]


def select_array(
    items: NDArray[np.int32] | array[int],
    bits: int,
    ranks_of_items: NDArray[np.int32] | array[int] | None = None,
) -> list[int]:
    """select() over a numpy array, in C: `items[i]` for each i whose rank is in the set, the rank
    of items[i] being `ranks_of_items[i]` (default: i). A small store's arrays are array("i")s
    (no numpy): selected in pure Python."""
    if not bits:
        return []
    size = len(items)
    if isinstance(items, array):
        if ranks_of_items is None:
            return select(items, bits)
        members = flags(bits, size)
        return [item for item, rank in zip(items, ranks_of_items, strict=True) if members[rank]]
    import numpy as np

    if ranks_of_items is None and bits.bit_count() * 32 <= size:
        chosen: list[int] = items[rank_array(bits)].tolist()
        return chosen
    present = _bit_array(bits, size).view(bool)
    chosen = items[present if ranks_of_items is None else present[np.asarray(ranks_of_items)]].tolist()
    return chosen


def fold(bits: int, size: int) -> int:
    """A set over `width` blocks of `size` bits (block i, bit r) merged into one set of r."""
    mask = (1 << size) - 1
    merged = 0
    while bits:
        merged |= bits & mask
        bits >>= size
    return merged


def to_text(bits: int) -> str:
    """A compact text form for JSON (base64 of the little-endian bytes)."""
    return b64encode(bits.to_bytes((bits.bit_length() + 7) // 8, "little")).decode("ascii")


def from_text(text: str) -> int:
    return int.from_bytes(b64decode(text, validate=True), "little")
