"""The index build reports within its longest steps (issue 13): the first sort, a run and a
merge at a time; the making of each postings table from its parts. Counted, never timed: the
work between two reports, and the same results as without progress."""

from __future__ import annotations

import random

import pytest

from catalog_tui.core import postings
from catalog_tui.core.postings import char_postings, han_pair_postings
from catalog_tui.core.sorting import KEYS_EVERY, RUNS, sorted_positions


@pytest.mark.parametrize("size", [0, 1, 2 * RUNS - 1, 2 * RUNS, 1001, KEYS_EVERY * 2 + 7])
def test_the_reporting_sort_is_sorted_and_stable(size: int) -> None:
    rng = random.Random(size)
    keys = [rng.randrange(40) for _ in range(size)]  # many ties: stability shows
    calls: list[int] = []
    made: list[int] = []

    def key(position: int) -> int:
        made.append(position)
        return keys[position]

    assert sorted_positions(size, key, calls.append, 600) == sorted(range(size), key=keys.__getitem__)
    assert sorted(made) == list(range(size))  # each key made once
    assert calls == sorted(calls) and all(0 <= c <= 600 for c in calls)
    if size >= 2 * RUNS:
        assert calls[-1] == 600
        assert len(calls) >= -(-size // KEYS_EVERY) + RUNS + RUNS - 1  # keys, runs, merges


def test_without_progress_it_is_sorted() -> None:
    keys = [3, 1, 2, 1] * 10
    assert sorted_positions(len(keys), keys.__getitem__, None, 1) == sorted(range(40), key=keys.__getitem__)


def _texts() -> list[str]:
    rng = random.Random(7)
    common = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
    return ["".join(rng.choice(common) for _ in range(30)) + f" ab{n % 50}" for n in range(3000)]


@pytest.mark.parametrize("build", ["chars", "pairs"])
def test_making_the_postings_reports_as_it_goes(build: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    monkeypatch.setattr(postings, "PROGRESS_EVERY", 500)

    def run(progress: object) -> dict[str, postings.Postings]:
        chars = char_postings(texts, len(texts), progress if build == "chars" else None)  # type: ignore[arg-type]
        return chars if build == "chars" else han_pair_postings(texts, chars, len(texts), progress)[1]  # type: ignore[arg-type]

    quiet = run(None)
    monkeypatch.setattr(postings, "MAKE_EVERY", 2000)
    calls: list[int] = []
    assert run(calls.append) == quiet  # the same postings
    scanned = len(texts) * postings.SCAN_SHARE // 100
    steps = [c for c in calls if c < scanned or c == 0]
    making = [c for c in calls if scanned < c < len(texts)]
    assert calls == sorted(calls) and calls[-1] == len(texts)
    assert len(steps) == -(-len(texts) // 500)  # one a step of texts
    assert len(making) >= 3  # making the postings reports, not only its end
