"""The seed-time builds of issue 13: derived texts and postings built in batches (numpy), checked
against the straightforward one-text-at-a-time code they replaced, and the work they do counted."""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import defaultdict
from itertools import pairwise
from operator import add

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_tui.core import bits, derive, postings, text
from catalog_tui.core.derive import MAX_PINYIN_SLOTS, MAX_SORT_SLOTS, derive_all
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.model import Catalog, Work

# --- the reference: the code the batched builds replaced ------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def reference_fold(value: str) -> str:
    if not value:
        return ""
    folded = text.to_simplified(unicodedata.normalize("NFKC", value)).casefold()
    return "".join(_WORD.findall(folded))


def reference_syllables(value: str) -> list[tuple[str, ...]]:
    slots: list[tuple[str, ...]] = []
    folded = text.to_simplified(unicodedata.normalize("NFKC", value)).casefold()
    for word in _WORD.findall(folded):
        run: list[str] = []
        for char in word:
            if text.is_han(char):
                if run:
                    slots.append(("".join(run),))
                    run = []
                slots.append(text.readings(char))
            else:
                run.append(char)
        if run:
            slots.append(("".join(run),))
    return slots


def reference_char_postings(texts: list[str], size: int) -> dict[str, postings.Postings]:
    found: defaultdict[str, list[int]] = defaultdict(list)
    for r, value in enumerate(texts):
        for key in postings.keys_of(value):
            found[key].append(r)
    return _compact(found, size)


def reference_pair_postings(
    texts: list[str], chars: dict[str, postings.Postings], size: int
) -> tuple[str, dict[str, postings.Postings]]:
    def count(found: postings.Postings) -> int:
        return found.bit_count() if isinstance(found, int) else len(found)

    common = [k for k, found in chars.items() if isinstance(found, int) and len(k) == 1 and text.is_han(k)]
    common.sort(key=lambda key: (-count(chars[key]), key))
    paired = "".join(sorted(common[: postings.MAX_PAIRED]))
    wanted = {first + second for first in paired for second in paired}
    pairs: defaultdict[str, list[int]] = defaultdict(list)
    for r, value in enumerate(texts):
        for pair in wanted.intersection(map(add, value, value[1:])):
            pairs[pair].append(r)
    return paired, _compact(pairs, size)


def _compact(found: dict[str, list[int]], size: int) -> dict[str, postings.Postings]:
    return {
        key: bits.from_ranks(ranks, size) if len(ranks) * 32 > size else array("i", ranks)
        for key, ranks in found.items()
    }


# --- strategies ----------------------------------------------------------------------------------

COMMON_HAN = "青春故乡苏东坡長樂重庆乾隆發髮"
MIXED = st.text(
    st.one_of(
        st.sampled_from(COMMON_HAN),
        st.sampled_from("abcxyz019 ＡＢｃ１，。_-\x00\n\t"),
        st.sampled_from("\u0301\u00e9e\u1100\u1161\uac00\ufb01\u2460\u3000\U00020000\U0002a6e0\ufa6e"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(MIXED, max_size=12))
def test_batched_folding_gives_what_folding_each_text_gives(texts: list[str]) -> None:
    assert text.fold_many(texts) == [reference_fold(value) for value in texts]
    assert [text.fold(value) for value in texts] == [reference_fold(value) for value in texts]
    assert text.normalized_many(texts) == [text.normalized(value) for value in texts]


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_fast_nfkc_is_nfkc(value: str) -> None:
    assert text._nfkc(value) == unicodedata.normalize("NFKC", value)


@settings(max_examples=300, deadline=None)
@given(MIXED, st.integers(0, 6))
def test_syllables_are_the_old_ones_and_a_limit_only_cuts_them(value: str, limit: int) -> None:
    every = reference_syllables(value)
    assert text.syllables(value) == every
    assert text.syllables(value, limit) == every[:limit]


@settings(max_examples=150, deadline=None)
@given(st.lists(MIXED, min_size=1, max_size=40), st.integers(1, 7))
def test_vectorised_postings_equal_the_one_text_at_a_time_build(texts: list[str], step: int) -> None:
    folded = [reference_fold(value) for value in texts] + texts  # folded (search) and raw (titles)
    size = len(folded)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "PROGRESS_EVERY", step)  # batches of every size, joins of batches
        chars = postings.char_postings(folded, size)
        assert chars == reference_char_postings(folded, size)
        assert postings.han_pair_postings(folded, chars, size) == reference_pair_postings(folded, chars, size)


def test_pairs_of_common_characters_are_built_on_a_larger_corpus() -> None:
    # Dense enough that many characters have sets, so that pairs exist and batches split keys.
    texts = [COMMON_HAN[i % 7 : i % 7 + 3 + i % 5] + "abc"[: i % 4] + str(i) for i in range(300)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "PROGRESS_EVERY", 64)
        chars = postings.char_postings(texts, len(texts))
        paired, pairs = postings.han_pair_postings(texts, chars, len(texts))
    assert len(paired) >= 5 and len(pairs) >= 5
    assert (paired, pairs) == reference_pair_postings(texts, reference_char_postings(texts, 300), 300)


# --- derive --------------------------------------------------------------------------------------


def _work(number: int, title: str, **fields: object) -> Work:
    return Work(id=f"w{number}", title=title, type="micro_drama", **fields)  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(MIXED, MIXED, MIXED), max_size=10), st.integers(1, 4))
def test_derive_all_is_derive_of_each_work(rows: list[tuple[str, str, str]], batch: int) -> None:
    works = [
        _work(n, title, title_en=en, summary=summary, themes=("主题",))
        for n, (title, en, summary) in enumerate(rows)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(derive, "DERIVE_EVERY", batch)
        assert derive_all(works) == [derive.derive(work) for work in works]
    for work, row in zip(works, derive_all(works), strict=True):
        every = reference_syllables(work.title)
        assert row["hay"] == reference_fold(derive.search_text(work))
        assert row["sort"] == (" ".join(slot[0] for slot in every) or reference_fold(work.title))
        assert row["slots"] == (
            [list(s) for s in every[:MAX_PINYIN_SLOTS]] if text.has_han(work.title) else []
        )


def test_a_huge_title_reads_only_the_syllables_it_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []
    real = text.readings
    monkeypatch.setattr(text, "readings", lambda char: looked_up.append(char) or real(char))
    title = "苏东坡与青春故乡 abc，" * 500_000  # 6 MB: every character would be 5 million look-ups
    row = derive_all([_work(1, title)])[0]
    assert len(looked_up) <= MAX_SORT_SLOTS
    assert len(row["slots"]) == MAX_PINYIN_SLOTS and row["slots"][:3] == [["su"], ["dong"], ["po"]]
    assert row["sort"].startswith("su dong po yu qing chun gu xiang abc su")
    looked_up.clear()
    assert len(text.syllables(title, 5)) == 5 and len(looked_up) == 5


def test_derive_reports_progress_every_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive, "DERIVE_EVERY", 3)
    works = [_work(n, f"青春{n}") for n in range(10)]
    calls: list[tuple[int, int]] = []
    derive_all(works, lambda done, total: calls.append((done, total)))
    assert calls == [(0, 10), (3, 10), (6, 10), (9, 10), (10, 10)]


def test_the_index_build_never_goes_more_than_a_batch_without_progress(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings, "PROGRESS_EVERY", 2)
    done: list[int] = []
    index = SearchIndex(catalog, progress=lambda d, total: done.append(d))
    size = len(index)
    assert size >= 6 and done[0] == 0 and done[-1] == 6 * size and done == sorted(done)
    # The three sorts report a third each; every other pass (four of postings, syllables then
    # facets in halves) at least every 2 works: a bar over 1,000,000 works moves every few thousand.
    assert max(b - a for a, b in pairwise(done)) <= max(2, -(-size // 3))
    assert max(b - a for a, b in pairwise(done) if a >= size) <= 2
    assert len(done) >= 3 * size


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_decoding_a_set_gives_its_works_in_each_order(index: SearchIndex, data: st.DataObject) -> None:
    chosen = data.draw(st.sets(st.integers(0, len(index) - 1)))
    found = bits.from_ranks(chosen, len(index))
    title_rank = index.ranks["title"]
    for sort in ("title", "year", "type"):
        expected = [p for p in index.orders[sort] if title_rank[p] in chosen]
        assert index.decode(found, sort) == expected
