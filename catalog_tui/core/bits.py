"""Sets of works as Python ints: bit r stands for the work at rank r.

At 100,000 works a set is a 12.5 KB int, and `&`, `|`, `& ~` and `bit_count()` run in C in
microseconds, where Python sets of positions cost tens of milliseconds. Converting to and from
lists of ranks goes through a string of "0"/"1" bytes, so that it too stays in C but for one
Python loop step per member when building.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Iterable, Sequence, Sized
from itertools import compress

import numpy as np
from numpy.typing import NDArray

_FLAG_BYTES = bytes.maketrans(b"01", b"\x00\x01")
_ONE = ord("1")
_BIT = tuple(1 << n for n in range(8))


def from_ranks(ranks: Iterable[int], size: int) -> int:
    """The set of `ranks` (each below `size`)."""
    ranks = ranks if isinstance(ranks, Sized) else list(ranks)
    if len(ranks) * 24 < size:
        # Few members: set bits in bytes. Parsing "0"/"1" digits costs 2.4 ns a rank, which
        # for a sparse set over a wide space (pinyin slot codes) outweighs the loop below.
        packed = bytearray((size + 7) // 8)
        for rank in ranks:
            packed[rank >> 3] |= _BIT[rank & 7]
        return int.from_bytes(packed, "little")
    digits = bytearray(b"0") * size
    for rank in ranks:
        digits[rank] = _ONE
    digits.reverse()  # int() reads the most significant digit first
    return int(digits, 2) if size else 0


def from_array(ranks: NDArray[np.integer], size: int) -> int:
    """The set of `ranks`, a numpy array (each below `size`; repeats allowed)."""
    flags = np.zeros(size, dtype=np.uint8)
    flags[ranks] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def flags(bits: int, size: int) -> bytes:
    """One byte per rank, 1 where the set has it: what itertools.compress selects with."""
    digits = bin(bits)[:1:-1].encode("ascii").translate(_FLAG_BYTES)[:size]
    return digits + bytes(size - len(digits))


def ranks(bits: int, size: int) -> list[int]:
    """The ranks in the set, ascending."""
    count = bits.bit_count()
    if not count:
        return []
    if count * 8 > size:  # below that, finding each member beats walking every rank
        return list(compress(range(size), flags(bits, size)))
    # Few members: find them one by one in the binary digits rather than walk every rank.
    digits = bin(bits)[:1:-1]
    found: list[int] = []
    at = digits.find("1")
    while at >= 0:
        found.append(at)
        at = digits.find("1", at + 1)
    return found


def first(bits: int, count: int) -> list[int]:
    """The `count` lowest ranks in the set (fewer when it is smaller)."""
    found: list[int] = []
    while bits and len(found) < count:
        lowest = bits & -bits
        found.append(lowest.bit_length() - 1)
        bits ^= lowest
    return found


def select(items: Sequence[int], bits: int) -> list[int]:
    """`items[r]` for each rank r in the set, in rank order (items has one entry per rank)."""
    size = len(items)
    if (bits.bit_count()) * 32 > size:
        return list(compress(items, flags(bits, size)))
    return [items[rank] for rank in ranks(bits, size)]


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
