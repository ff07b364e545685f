"""The index's building blocks: sets of works as ints, pinyin by syllable slots, the saved form."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from conftest import catalog_data
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalog_tui.core import bits
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import Catalog
from catalog_tui.core.search import SearchEngine, pinyin_pattern, pinyin_units
from catalog_tui.core.store import bundled_catalog_path
from catalog_tui.core.text import SYLLABLE_MARK, has_han, syllables

# Sets as ints --------------------------------------------------------------------------------------

rank_sets = st.integers(min_value=0, max_value=300).flatmap(
    lambda size: st.tuples(st.just(size), st.sets(st.integers(0, size - 1)) if size else st.just(set()))
)


@given(rank_sets)
def test_a_set_of_ranks_survives_every_conversion(case: tuple[int, set[int]]) -> None:
    size, ranks = case
    found = bits.from_ranks(ranks, size)
    assert found == sum(1 << r for r in ranks)
    assert bits.ranks(found, size) == sorted(ranks)
    assert list(bits.flags(found, size)) == [1 if r in ranks else 0 for r in range(size)]
    items = [size * 10 + r for r in range(size)]
    assert bits.select(items, found) == [items[r] for r in sorted(ranks)]
    assert bits.from_text(bits.to_text(found)) == found


@given(st.integers(1, 40), st.integers(1, 5), st.data())
def test_fold_merges_the_blocks(size: int, width: int, data: st.DataObject) -> None:
    codes = data.draw(st.sets(st.integers(0, size * width - 1)))
    merged = bits.fold(bits.from_ranks(codes, size * width), size)
    assert bits.ranks(merged, size) == sorted({code % size for code in codes})


def test_dense_and_sparse_sets_decode_alike() -> None:
    size = 4096
    for ranks in (set(range(0, size, 3)), {5, 4000}, set(range(size))):
        found = bits.from_ranks(ranks, size)
        assert bits.ranks(found, size) == sorted(ranks)


# Pinyin by syllable slots, checked against the reference regex over every reading -----------------


WINDOW = 6  # a query below spans at most this many syllables


def _every_reading(title: str) -> list[str]:
    """Pinyin keys for every combination of readings of every WINDOW consecutive characters (the
    whole title's combinations would run into the millions)."""
    if not has_han(title):
        return []
    slots = syllables(title)
    return [
        SYLLABLE_MARK + SYLLABLE_MARK.join(combo)
        for start in range(len(slots))
        for combo in itertools.product(*slots[start : start + WINDOW])
    ]


@pytest.fixture(scope="module")
def bundled() -> tuple[SearchIndex, dict[str, list[str]]]:
    catalog = load_catalog(bundled_catalog_path())
    index = SearchIndex(catalog)
    return index, {work.id: _every_reading(work.title) for work in catalog.works}


def _reference(index: SearchIndex, keys: dict[str, list[str]], query: str) -> set[str]:
    pattern = pinyin_pattern(query)
    assert pattern is not None
    return {work.id for work in index.works if any(pattern.search(key) for key in keys[work.id])}


def _by_slots(index: SearchIndex, query: str) -> set[str]:
    found = 0
    for units in pinyin_units(query):
        found |= index.pinyin(units)
    return {index.works[p].id for p in index.decode(found)}


@st.composite
def typed_pinyin(draw: st.DrawFn, titles: list[str]) -> tuple[str, str]:
    """What a user types for part of a real title: each syllable as a prefix of one of its
    readings (an initial, a few letters, the whole) or, sometimes, as the character itself."""
    title = draw(st.sampled_from(titles))
    chars = [c for c in title if has_han(c)]
    slots = syllables(title)
    start = draw(st.integers(0, len(slots) - 1))
    stop = draw(st.integers(start + 1, min(len(slots), start + WINDOW)))
    parts = []
    for position in range(start, stop):
        reading = draw(st.sampled_from(slots[position]))
        # chars line up with slots only when every slot is a Han character (no "2025" run)
        as_char = len(chars) == len(slots) and draw(st.integers(0, 4)) == 0
        parts.append(chars[position] if as_char else reading[: draw(st.integers(1, len(reading)))])
    if not any(c.isascii() and c.isalpha() for c in "".join(parts)):  # a query needs a letter
        parts[0] = slots[start][0][0]
    assume(any(c.isascii() and c.isalpha() for c in "".join(parts)))  # e.g. only "2023" in reach
    return "".join(parts), title


def _titles() -> list[str]:
    return [w.title for w in load_catalog(bundled_catalog_path()).works if has_han(w.title)]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(typed_pinyin(_titles()))
def test_pinyin_typed_from_a_title_finds_it_as_the_regex_does(
    bundled: tuple[SearchIndex, dict[str, list[str]]], typed: tuple[str, str]
) -> None:
    index, keys = bundled
    query, title = typed
    found = _by_slots(index, query)
    assert found == _reference(index, keys, query)
    assert any(index.works[index.position_by_id[i]].title == title for i in found)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text("abcdeghijklmnopqrstuwxyz0123", min_size=1, max_size=6).filter(lambda q: q[0].isalpha()))
def test_any_letters_match_as_the_regex_does(
    bundled: tuple[SearchIndex, dict[str, list[str]]], query: str
) -> None:
    index, keys = bundled
    assert _by_slots(index, query) == _reference(index, keys, query)


@pytest.mark.parametrize("query", ["chongfeng", "zhongfeng", "cf", "zf", "zhf"])
def test_a_polyphonic_character_matches_by_any_of_its_readings(query: str) -> None:
    catalog = Catalog.from_dict({"works": [{"id": "w", "title": "重逢", "type": "web-drama"}]})
    engine = SearchEngine(SearchIndex(catalog))
    assert [engine.index.works[p].id for p in engine.search(query).positions] == ["w"]


# The saved form --------------------------------------------------------------------------------------


QUERIES = ["", "sudongpo", "nhsdp", "苏dp", "故乡", "campaign:旅行", "-type:documentary", "hello", "2024"]


def _results(engine: SearchEngine) -> list[Any]:
    return [
        (engine.search(q).positions, engine.search(q, sort="year").positions, engine.search(q).found)
        for q in QUERIES
    ] + [
        sorted(
            (f, [(g.value, n) for g, n in p]) for f, p in engine.facet_counts(engine.index.universe).items()
        )
    ]


def test_the_saved_index_searches_like_a_fresh_one(bundled: tuple[SearchIndex, dict[str, list[str]]]) -> None:
    index, _ = bundled
    saved = json.loads(json.dumps(index.to_saved()))  # through JSON, as the store keeps it
    columns = {"hay": index.hay, "title_fold": index.title_fold, "title_en_fold": index.title_en_fold}
    restored = SearchIndex.from_saved(index.catalog, columns, saved)
    assert _results(SearchEngine(restored)) == _results(SearchEngine(index))


def test_a_saved_index_of_other_works_is_refused() -> None:
    index = SearchIndex(Catalog.from_dict(catalog_data()))
    saved = index.to_saved()
    fewer = Catalog.from_dict({**catalog_data(), "works": catalog_data()["works"][:-1]})
    columns = {key: [""] * len(fewer.works) for key in ("hay", "title_fold", "title_en_fold")}
    with pytest.raises(ValueError):
        SearchIndex.from_saved(fewer, columns, saved)
    with pytest.raises(ValueError):
        SearchIndex.from_saved(index.catalog, columns, {**saved, "version": -1})
    with pytest.raises(ValueError):  # the right count of works, the wrong count of texts
        SearchIndex.from_saved(index.catalog, columns, saved)


def test_a_very_long_title_is_indexed_for_pinyin_by_its_first_syllables() -> None:
    long_title = "苏东坡" * 5000  # 15,000 syllables: the slot sets stay 32 blocks wide
    catalog = Catalog.from_dict(
        {"works": [{"id": "long", "title": long_title, "type": "web-drama"},
                   {"id": "short", "title": "苏东坡", "type": "web-drama"}]}
    )  # fmt: skip
    index = SearchIndex(catalog)
    assert index.syllables.width == 32
    engine = SearchEngine(index)
    assert {index.works[p].id for p in engine.search("sdp").positions} == {"long", "short"}
    assert {index.works[p].id for p in engine.search("苏东坡苏东坡").positions} == {"long"}


def test_related_works_are_the_most_shared_then_in_title_order(
    bundled: tuple[SearchIndex, dict[str, list[str]]],
) -> None:
    index, _ = bundled
    rank = index.ranks["title"]
    checked = 0
    for position, work in enumerate(index.works):
        scores: dict[int, int] = {}
        for field_name, values in (("campaign", work.campaigns), ("channel", work.channels)):
            for value in set(values):
                for other in index.decode(index.groups[field_name][value].members):
                    scores[other] = scores.get(other, 0) + 1
        scores.pop(position, None)
        expected = sorted(scores, key=lambda p: (-scores[p], rank[p]))[:5]
        assert index.related(position, 5) == expected, work.id
        checked += bool(expected)
    assert checked > 10  # the bundled catalogue has works sharing campaigns and channels
