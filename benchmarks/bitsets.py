"""Sets of works three ways (issue 13): Python ints with the hand-written conversions bits.py had
before (strings of "0"/"1", a lowest-bit loop), Python ints with numpy conversions (bits.py now),
and pyroaring's BitMap. The operations of the search path: decode a set to ranks, build one from
ranks, the first N members, AND. Median CPU time of each, in ms.

    python benchmarks/bitsets.py [--size 100000] [--rounds 30]

pyroaring is optional (not a dependency): without it that column shows "-".
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from itertools import compress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from catalog_tui.core import bits  # noqa: E402

# --- the hand-written conversions bits.py had before numpy ------------------------------------------

_FLAG_BYTES = bytes.maketrans(b"01", b"\x00\x01")


def old_from_ranks(ranks: list[int], size: int) -> int:
    if len(ranks) * 24 < size:
        packed = bytearray((size + 7) // 8)
        for rank in ranks:
            packed[rank >> 3] |= 1 << (rank & 7)
        return int.from_bytes(packed, "little")
    digits = bytearray(b"0") * size
    for rank in ranks:
        digits[rank] = 49
    digits.reverse()
    return int(digits, 2) if size else 0


def old_ranks(found: int, size: int) -> list[int]:
    count = found.bit_count()
    if not count:
        return []
    if count * 8 > size:
        flags = bin(found)[:1:-1].encode("ascii").translate(_FLAG_BYTES)[:size]
        return list(compress(range(size), flags + bytes(size - len(flags))))
    digits = bin(found)[:1:-1]
    result: list[int] = []
    at = digits.find("1")
    while at >= 0:
        result.append(at)
        at = digits.find("1", at + 1)
    return result


def old_first(found: int, count: int) -> list[int]:
    result: list[int] = []
    while found and len(result) < count:
        lowest = found & -found
        result.append(lowest.bit_length() - 1)
        found ^= lowest
    return result


# --- measuring -------------------------------------------------------------------------------------


def timed(action: Callable[[], object] | None, rounds: int) -> float:
    if action is None:
        return float("nan")
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def rows_for(ranks: list[int], other: list[int], size: int, bitmap: Any) -> list[tuple[str, list[Any]]]:
    """(operation, [hand-written, numpy, pyroaring]) for one set."""
    as_int, other_int = bits.from_ranks(ranks, size), bits.from_ranks(other, size)
    roar = bitmap(ranks) if bitmap is not None else None
    roar_other = bitmap(other) if bitmap is not None else None
    as_array = np.array(ranks, dtype=np.int32)
    have = roar is not None
    return [
        (
            "decode to ranks",
            [
                lambda: old_ranks(as_int, size),
                lambda: bits.ranks(as_int, size),
                (lambda: roar.to_array().tolist()) if have else None,
            ],
        ),
        (
            "build from ranks (a list)",
            [
                lambda: old_from_ranks(ranks, size),
                lambda: bits.from_ranks(ranks, size),
                (lambda: bitmap(ranks)) if have else None,
            ],
        ),
        (
            "build from ranks (a numpy array)",
            [None, lambda: bits.from_array(as_array, size), (lambda: bitmap(as_array)) if have else None],
        ),
        (
            "first 200 members",
            [
                lambda: old_first(as_int, 200),
                lambda: bits.first(as_int, 200),
                (lambda: roar[:200]) if have else None,
            ],
        ),
        (
            "AND with a set of 30%",
            [
                lambda: as_int & other_int,
                lambda: as_int & other_int,
                (lambda: roar & roar_other) if have else None,
            ],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    try:
        from pyroaring import BitMap as bitmap
    except ImportError:
        bitmap = None
    size, rounds, rng = args.size, args.rounds, random.Random(1)
    print(f"{size:,} works; ms per operation, median CPU time of {args.rounds}\n")
    print("| operation | members | hand-written int | int + numpy (bits.py) | pyroaring |")
    print("|---|---|---|---|---|")
    other = sorted(rng.sample(range(size), int(size * 0.3)))
    for density in (0.001, 0.01, 0.05, 0.2, 0.9):
        ranks = sorted(rng.sample(range(size), int(size * density)))
        for name, actions in rows_for(ranks, other, size, bitmap):
            shown = [f"{timed(action, rounds):.3f}" if action else "-" for action in actions]
            print(f"| {name} | {density:.1%} | {' | '.join(shown)} |")


if __name__ == "__main__":
    main()
