"""A sort that reports as it goes: at a million works the index build's first sort stood still
for seconds (issue 13). The keys are made a slice at a time, the positions sorted a run at a
time, then neighbouring runs merged two by two (Timsort finds the two runs and merges them), a
report after each step. The order is sorted()'s: the same keys, and a stable merge of runs taken
in input order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RUNS = 2  # runs sorted apart, then log2(RUNS) rounds of merges
KEYS_EVERY = 65_536  # keys made between two reports


def sorted_positions(
    size: int, key: Callable[[int], Any], progress: Callable[[int], None] | None, span: int
) -> list[int]:
    """sorted(range(size), key=key), with `progress(done)` rising to `span` as it goes: making
    the keys the first quarter, sorting the runs the second, the merges the other half."""
    if progress is None or size < 2 * RUNS:
        return sorted(range(size), key=key)
    keys: list[Any] = []
    for start in range(0, size, KEYS_EVERY):
        keys.extend(map(key, range(start, min(start + KEYS_EVERY, size))))
        progress(span * len(keys) // size // 4)
    step = -(-size // RUNS)
    runs = [sorted(range(start, min(start + step, size)), key=keys.__getitem__) for start in (0,)]
    for start in range(step, size, step):
        progress(span // 4 + span * start // size // 4)
        runs.append(sorted(range(start, min(start + step, size)), key=keys.__getitem__))
    progress(span // 2)
    merges, merged = len(runs) - 1, 0
    while len(runs) > 1:
        paired = []
        for first in range(0, len(runs) - 1, 2):
            paired.append(sorted(runs[first] + runs[first + 1], key=keys.__getitem__))
            merged += 1
            progress(span // 2 + span * merged // merges // 2)
        runs = paired + runs[len(paired) * 2 :]
    return runs[0]
