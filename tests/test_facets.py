"""Facet filters as calibre's tag browser has them: several values of one field allow any of them
(OR), different fields all apply (AND), exclusions always take away; a field's counts follow the
other fields' filters. Also the reversible sort and edition years (`year:` finds 歌手2024)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    A_LE_TAI,
    BEIJING,
    DOCUMENTARY,
    HONGGUO,
    LAW,
    MARKUP,
    TRAVEL,
    XING_SHI,
    YONG_LE,
    catalog_data,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_tui.core.index import SORTS, SearchIndex
from catalog_tui.core.model import Catalog, Work
from catalog_tui.core.search import FacetFilter, SearchEngine


def ids(engine: SearchEngine, query: str = "", **options: Any) -> list[str]:
    return [engine.index.works[p].id for p in engine.search(query, **options).positions]


def values_of(work: Work, field: str) -> set[str]:
    """A work's values of a facet field, read from the work itself (not the engine)."""
    if field == "type":
        return {work.type}
    if field == "year":
        return {str(work.year)} if work.year is not None else set()
    return set({"campaign": work.campaigns, "channel": work.channels, "theme": work.themes}[field])


def naive(works: list[Work], filters: list[FacetFilter]) -> set[str]:
    """The filters' meaning, spelled out: any included value per field, all fields, no excluded value."""
    kept = set()
    for work in works:
        fields = {f.field for f in filters if not f.exclude}
        if any(not values_of(work, field) & {f.value for f in filters if f.field == field and not f.exclude}
               for field in fields):  # fmt: skip
            continue
        if any(f.value in values_of(work, f.field) for f in filters if f.exclude):
            continue
        kept.add(work.id)
    return kept


def test_two_values_of_one_field_allow_either(engine: SearchEngine) -> None:
    both = [FacetFilter("type", "documentary"), FacetFilter("type", "web-drama")]
    assert set(ids(engine, filters=both)) == {DOCUMENTARY, A_LE_TAI}


def test_values_of_different_fields_all_apply(engine: SearchEngine) -> None:
    filters = [FacetFilter("type", "micro-drama"), FacetFilter("type", "documentary"),
               FacetFilter("channel", BEIJING)]  # fmt: skip
    assert ids(engine, filters=filters) == [DOCUMENTARY]


def test_an_exclusion_takes_away_whatever_the_order(engine: SearchEngine) -> None:
    filters = [FacetFilter("channel", HONGGUO), FacetFilter("year", "2025", exclude=True),
               FacetFilter("channel", BEIJING)]  # fmt: skip
    assert set(ids(engine, filters=filters)) == {A_LE_TAI, DOCUMENTARY}
    assert set(ids(engine, filters=filters[::-1])) == {A_LE_TAI, DOCUMENTARY}


VALUES = ["micro-drama", "documentary", "web-drama", TRAVEL, BEIJING, HONGGUO,
          "文化遗产", "文旅融合", "2023", "2024", "2025", "no-such"]  # fmt: skip
FIELDS = st.sampled_from(["type", "campaign", "channel", "theme", "year"])
FILTERS = st.lists(st.builds(FacetFilter, FIELDS, st.sampled_from(VALUES), st.booleans()), max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=FILTERS)
def test_filters_mean_what_a_naive_filter_over_works_means(
    engine: SearchEngine, filters: list[FacetFilter]
) -> None:
    works = list(engine.index.works)
    assert set(ids(engine, filters=filters)) == naive(works, filters)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=FILTERS)
def test_a_fields_counts_follow_the_other_fields_filters(
    engine: SearchEngine, filters: list[FacetFilter]
) -> None:
    result = engine.search("", filters=filters)
    counts = engine.facet_counts(result.found, filters, result.unfiltered)
    works = list(engine.index.works)
    for field, pairs in counts.items():
        # Without this field's included values: what choosing one more of them would give.
        others = [f for f in filters if f.field != field or f.exclude]
        within = naive(works, others)
        expected: dict[str, int] = {}
        for work in works:
            if work.id in within:
                for value in values_of(work, field):
                    expected[value] = expected.get(value, 0) + 1
        assert {g.value: n for g, n in pairs} == {v: n for v, n in expected.items() if n}


def test_counts_of_a_chosen_field_show_its_other_values(engine: SearchEngine) -> None:
    chosen = [FacetFilter("type", "documentary")]
    result = engine.search("", filters=chosen)
    counts = engine.facet_counts(result.found, chosen, result.unfiltered)
    types = {g.value: n for g, n in counts["type"]}
    assert types["documentary"] == 1 and types["micro-drama"] == 4  # not zero: one more would add them
    assert {g.value: n for g, n in counts["channel"]} == {BEIJING: 1}  # other fields: narrowed
    # Without the filters, counts are of the matches as before.
    plain = engine.facet_counts(result.found)
    assert {g.value: n for g, n in plain["type"]} == {"documentary": 1}


def test_saved_filters_round_trip(engine: SearchEngine) -> None:
    filters = [FacetFilter("type", "documentary"), FacetFilter("type", "web-drama", exclude=False)]
    again = [FacetFilter.from_dict(f.to_dict()) for f in filters]
    assert again == filters
    assert ids(engine, filters=again) == ids(engine, filters=filters)


# Sort order, either way round -------------------------------------------------------------------


@pytest.mark.parametrize("sort", SORTS)
def test_reverse_gives_the_same_matches_the_other_way_round(engine: SearchEngine, sort: str) -> None:
    forward = ids(engine, sort=sort)
    assert ids(engine, sort=sort, reverse=True) == forward[::-1]


def test_reverse_keeps_the_ranking_tiers(engine: SearchEngine) -> None:
    # Exact and title matches still come first; only the order within each tier turns round.
    forward = ids(engine, "苏东坡 | 醒狮", sort="year")
    backward = ids(engine, "苏东坡 | 醒狮", sort="year", reverse=True)
    assert set(forward) == set(backward)
    assert ids(engine, "醒狮", reverse=True)[0] == XING_SHI


def test_reverse_with_a_limit_takes_the_first_of_the_reversed_order(engine: SearchEngine) -> None:
    everything = ids(engine, sort="year", reverse=True)
    assert ids(engine, sort="year", reverse=True, limit=2) == everything[:2]
    assert engine.index.works[engine.index.position_by_id[everything[0]]].year in (None, 2022)


# Edition years ------------------------------------------------------------------------------------


@pytest.fixture
def edition_engine() -> SearchEngine:
    data = catalog_data()
    for work in data["works"]:
        if work["id"] == MARKUP:
            work["edition"] = 2024  # a title carrying a year, no air year
        if work["id"] == YONG_LE:
            work["edition"] = 2026  # aired 2023, the title names another year
    return SearchEngine(SearchIndex(Catalog.from_dict(data)))


def test_year_finds_a_works_edition_as_well_as_its_air_year(edition_engine: SearchEngine) -> None:
    aired_2024 = {w.id for w in edition_engine.index.works if w.year == 2024}
    assert set(ids(edition_engine, "year:2024")) == aired_2024 | {MARKUP}
    assert set(ids(edition_engine, "year:2026")) == {YONG_LE}
    assert YONG_LE in ids(edition_engine, "year:2023")  # its air year still finds it


def test_year_ranges_and_exclusions_read_editions(edition_engine: SearchEngine) -> None:
    assert set(ids(edition_engine, "year:2026..")) == {YONG_LE}
    assert MARKUP in ids(edition_engine, "year:..2024")
    assert MARKUP not in ids(edition_engine, "-year:2024")
    assert LAW not in ids(edition_engine, "year:2024..2024")


def test_editions_are_not_a_year_facet(edition_engine: SearchEngine) -> None:
    # The year facet is the air year: an edition is found by `year:` but does not count as aired.
    counts = edition_engine.facet_counts(edition_engine.index.universe)
    assert "2026" not in {g.value for g, _ in counts["year"]}
    assert "edition" not in counts


def test_editions_survive_a_saved_index(edition_engine: SearchEngine) -> None:
    index = edition_engine.index
    columns = {"hay": index.hay, "title_fold": index.title_fold, "title_en_fold": index.title_en_fold}
    again = SearchEngine(SearchIndex.from_saved(index.catalog, columns, index.to_saved()))
    assert set(ids(again, "year:2026")) == {YONG_LE}
