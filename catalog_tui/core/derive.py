"""What search needs of each work beyond the work itself: its folded texts, pinyin syllable slots
and sort key, computed once at seed time (plain JSON types, so the store can keep them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .model import Work
from .text import fold, fold_many, has_han, normalized_many, slots_of, syllables

# Sets of slot codes grow with the longest title, so pinyin covers a title's first syllables only.
MAX_PINYIN_SLOTS = 32
# The sort key reads this many syllables; titles alike that far are ordered by their text. Also
# what bounds the work on a huge title (a 50 MB title once took 75 s).
MAX_SORT_SLOTS = 256
# Works derived at once, between two progress reports.
DERIVE_EVERY = 4096


def search_text(work: Work) -> str:
    """Everything free text is matched against."""
    return " ".join((work.title, work.title_en, work.summary, *work.themes, *work.facts))


def derive(work: Work) -> dict[str, Any]:
    """What the index needs of one work (derive_all does many at once, alike)."""
    slots = syllables(work.title, MAX_SORT_SLOTS)
    return _row(work, fold(search_text(work)), fold(work.title), fold(work.title_en), slots)


def derive_all(
    works: Sequence[Work], progress: Callable[[int, int], None] | None = None
) -> list[dict[str, Any]]:
    """[derive(work) for work in works], DERIVE_EVERY works at a time: their texts are
    normalised together (a call per text cost more than the work on short texts).
    `progress(done, total)` before each batch and once at the end."""
    total = len(works)
    rows: list[dict[str, Any]] = []
    for start in range(0, total, DERIVE_EVERY):
        if progress is not None:
            progress(start, total)
        batch = works[start : start + DERIVE_EVERY]
        titles = [work.title for work in batch]
        rows += map(
            _row,
            batch,
            fold_many([search_text(work) for work in batch]),
            fold_many(titles),
            fold_many([work.title_en for work in batch]),
            (slots_of(text, MAX_SORT_SLOTS) for text in normalized_many(titles)),
        )
    if progress is not None:
        progress(total, total)
    return rows


def _row(
    work: Work, hay: str, title_fold: str, title_en_fold: str, slots: list[tuple[str, ...]]
) -> dict[str, Any]:
    return {
        "hay": hay,
        "title_fold": title_fold,
        "title_en_fold": title_en_fold,
        "sort": " ".join(slot[0] for slot in slots) or title_fold,
        # Latin-only titles have no pinyin: their words are found as text.
        "slots": [list(slot) for slot in slots[:MAX_PINYIN_SLOTS]] if has_han(work.title) else [],
    }
