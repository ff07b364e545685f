"""The search engine over the fixture catalogue: pinyin and hanzi variants, fields, boolean logic,
ranking, sort orders, facets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    A_LE_TAI,
    BEIJING,
    DOCUMENTARY,
    HONGGUO,
    LAW,
    LAW_CAMPAIGN,
    MARKUP,
    SU_DONG_PO,
    TRAVEL,
    XING_SHI,
    YONG_LE,
    catalog_data,
)
from pypinyin import lazy_pinyin

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.model import WORK_TYPES, Catalog
from catalog_tui.core.query import QueryError
from catalog_tui.core.search import FacetFilter, SearchEngine

PROJECT = Path(__file__).resolve().parent.parent


def ids(engine: SearchEngine, query: str = "", **options) -> list[str]:
    result = engine.search(query, **options)
    return [engine.index.works[p].id for p in result.positions]


def ids_with(engine: SearchEngine, field: str, value: str) -> set[str]:
    """Ids of the fixture works whose `field` holds `value`, computed from the data, not the engine."""
    works = engine.index.works
    if field == "type":
        return {w.id for w in works if w.type == value}
    return {w.id for w in works if value in getattr(w, field)}


# Finding 你好，苏东坡 every way a user may type it ------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "sudongpo",
        "nhsdp",
        "苏dp",
        "su dong po",
        '"su dong po"',
        "sū dōng pō",
        "su1dong1po1",
        "蘇東坡",
        "你好苏东坡",
        "你好,苏东坡",
        "你好，苏东坡",
        "ＳＵＤＯＮＧＰＯ",
        "SuDongPo",
        "nihao",
        "hello su dongpo",
    ],
)
def test_su_dong_po_is_found_first(engine: SearchEngine, query: str) -> None:
    found = ids(engine, query)
    assert found, query
    assert found[0] == SU_DONG_PO


@pytest.mark.parametrize("query", ["sudongpo", "nhsdp", "su1dong1po1", "ＳＵＤＯＮＧＰＯ", "苏dp"])
def test_pinyin_queries_find_only_the_matching_title(engine: SearchEngine, query: str) -> None:
    assert ids(engine, query) == [SU_DONG_PO]


@pytest.mark.parametrize("query", ["chonghui", "zhonghui", "zhyl", "yongle", "chong hui yong le"])
def test_polyphonic_characters_match_every_reading(engine: SearchEngine, query: str) -> None:
    assert ids(engine, query) == [YONG_LE]


@pytest.mark.parametrize("query", ["chonghuiyongle", "chonghuiyongledadian", "chyldd"])
def test_the_correct_reading_of_a_polyphonic_title_finds_it(engine: SearchEngine, query: str) -> None:
    assert ids(engine, query) == [YONG_LE]


def test_pinyin_must_start_at_a_syllable(engine: SearchEngine) -> None:
    # "aosudong" is inside "nihaosudong" but starts mid-syllable: no pinyin match.
    assert ids(engine, "haosudong") == [SU_DONG_PO]
    assert ids(engine, "aosudong") == []


def test_a_word_that_matches_nothing_finds_nothing(engine: SearchEngine) -> None:
    assert ids(engine, "zzqqxx") == []
    assert ids(engine, "苏东坡 zzqqxx") == []


# Fields --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["campaign:旅行", "活动:旅行", "campaign:lvxing", "campaign:travel", "plan:gzwdjqlx"]
)
def test_campaign_partial_pinyin_and_id(engine: SearchEngine, query: str) -> None:
    assert set(ids(engine, query)) == ids_with(engine, "campaigns", TRAVEL) == {SU_DONG_PO, YONG_LE}


def test_a_partial_campaign_name_can_match_several_campaigns(engine: SearchEngine) -> None:
    both = ids_with(engine, "campaigns", TRAVEL) | ids_with(engine, "campaigns", LAW_CAMPAIGN)
    assert set(ids(engine, "campaign:跟着微短剧")) == both


@pytest.mark.parametrize(
    "query", ["campaign:跟着微短剧去旅行", "活动：跟着微短剧去旅行", 'campaign:"Travel with Micro-dramas"']
)
def test_an_exact_campaign_name_means_that_campaign_only(engine: SearchEngine, query: str) -> None:
    found = set(ids(engine, query))
    assert found == ids_with(engine, "campaigns", TRAVEL)
    assert not found & ids_with(engine, "campaigns", LAW_CAMPAIGN)


def test_campaign_by_chinese_alias_for_the_other_plan(engine: SearchEngine) -> None:
    assert ids(engine, "活动:跟着微短剧来学法") == [LAW]


@pytest.mark.parametrize(
    "query",
    ["channel:北京", "频道:北京卫视", f"channel:{BEIJING}", "channel:beijing", "平台：Beijing Satellite"],
)
def test_channel(engine: SearchEngine, query: str) -> None:
    assert set(ids(engine, query)) == ids_with(engine, "channels", BEIJING) == {A_LE_TAI, DOCUMENTARY}


def test_channel_by_id_of_the_other_channel(engine: SearchEngine) -> None:
    assert set(ids(engine, f"channel:{HONGGUO}")) == {XING_SHI, LAW}


@pytest.mark.parametrize(
    "query", ["type:documentary", "类型:纪录片", "类型:网络纪录片", 'type:"Web documentary"']
)
def test_type(engine: SearchEngine, query: str) -> None:
    assert ids(engine, query) == [DOCUMENTARY]


def test_type_micro_drama_by_label(engine: SearchEngine) -> None:
    assert set(ids(engine, "类型:微短剧")) == ids_with(engine, "type", "micro-drama")


@pytest.mark.parametrize(
    ("query", "theme"),
    [("theme:非遗", "非遗"), ("主题:文化遗产", "文化遗产"), ("theme:wenhuayichan", "文化遗产")],
)
def test_theme(engine: SearchEngine, query: str, theme: str) -> None:
    assert set(ids(engine, query)) == ids_with(engine, "themes", theme)


def test_a_field_that_matches_no_group_finds_nothing(engine: SearchEngine) -> None:
    assert ids(engine, "channel:不存在的频道") == []
    assert ids(engine, "type:nonsense") == []


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [
        ("year:2023..2024", 2023, 2024),
        ("year:2024..", 2024, 9999),
        ("year:..2023", 0, 2023),
        ("year:2024", 2024, 2024),
        ("年份:2023-2025", 2023, 2025),
        ("year:1990..2000", 1990, 2000),
    ],
)
def test_year_ranges(engine: SearchEngine, query: str, low: int, high: int) -> None:
    expected = {w.id for w in engine.index.works if w.year is not None and low <= w.year <= high}
    assert set(ids(engine, query)) == expected


def test_works_without_a_year_never_match_a_year_range(engine: SearchEngine) -> None:
    assert MARKUP not in ids(engine, "year:..3000")
    assert MARKUP in ids(engine, "-year:2024")


# Boolean logic --------------------------------------------------------------------------------------


def test_negated_term(engine: SearchEngine) -> None:
    everything = set(ids(engine))
    assert set(ids(engine, "-苏东坡")) == everything - {SU_DONG_PO, DOCUMENTARY}
    assert set(ids(engine, "-sudongpo")) == everything - {SU_DONG_PO}


def test_negated_field(engine: SearchEngine) -> None:
    everything = set(ids(engine))
    assert set(ids(engine, "-type:micro-drama")) == everything - ids_with(engine, "type", "micro-drama")
    assert set(ids(engine, "-channel:红果")) == everything - ids_with(engine, "channels", HONGGUO)
    assert set(ids(engine, "campaign:旅行 -year:2023")) == {SU_DONG_PO}


def test_either(engine: SearchEngine) -> None:
    assert set(ids(engine, "醒狮 | 阿勒泰")) == {XING_SHI, A_LE_TAI}
    assert set(ids(engine, "xingshi｜type:documentary")) == {XING_SHI, DOCUMENTARY}


def test_and_binds_looser_than_or(engine: SearchEngine) -> None:
    # micro-drama AND (醒狮 OR 阿勒泰): 阿勒泰 is a web drama, so only 醒狮.
    assert ids(engine, "type:micro-drama 醒狮 | 阿勒泰") == [XING_SHI]
    # (micro-drama AND 醒狮) OR 阿勒泰
    assert set(ids(engine, "(type:micro-drama 醒狮) | 阿勒泰")) == {XING_SHI, A_LE_TAI}


def test_negated_group(engine: SearchEngine) -> None:
    everything = set(ids(engine))
    assert set(ids(engine, "-(醒狮 | 阿勒泰)")) == everything - {XING_SHI, A_LE_TAI}
    assert set(ids(engine, "（醒狮｜阿勒泰） year:2025")) == {XING_SHI}


@pytest.mark.parametrize(("query", "expected"), [("旅行", {SU_DONG_PO, YONG_LE}), ("学法", {LAW})])
def test_free_text_matching_a_campaign_name_finds_its_works(
    engine: SearchEngine, query: str, expected: set[str]
) -> None:
    assert set(ids(engine, query)) == expected


@pytest.mark.parametrize(("query", "channel"), [("北京卫视", BEIJING), ("红果", HONGGUO)])
def test_free_text_matching_a_channel_name_finds_its_works(
    engine: SearchEngine, query: str, channel: str
) -> None:
    assert set(ids(engine, query)) == ids_with(engine, "channels", channel)


def test_a_lone_punctuation_term_constrains_nothing(engine: SearchEngine) -> None:
    assert ids(engine, "苏东坡 ，") == ids(engine, "苏东坡")


def test_a_negated_lone_punctuation_term_excludes_nothing(engine: SearchEngine) -> None:
    assert ids(engine, "苏东坡 -，") == ids(engine, "苏东坡")


def test_markup_in_a_title_is_plain_text(engine: SearchEngine) -> None:
    assert ids(engine, "click") == [MARKUP]
    assert ids(engine, '"app.quit"') == [MARKUP]


# Ranking and order ----------------------------------------------------------------------------------


def test_a_title_match_outranks_a_summary_only_match(engine: SearchEngine) -> None:
    # 大美江山 (da…) sorts before 你好，苏东坡 (ni…) by title, but only its summary mentions 苏东坡.
    assert ids(engine, "", sort="title").index(DOCUMENTARY) < ids(engine, "", sort="title").index(SU_DONG_PO)
    result = engine.search("苏东坡")
    assert [engine.index.works[p].id for p in result.positions] == [SU_DONG_PO, DOCUMENTARY]
    assert result.title_hits == 1


def _tiny_engine(titles_and_summaries: list[tuple[str, str]]) -> SearchEngine:
    data = catalog_data()
    base = data["works"][0]
    data["works"] = [
        {**base, "id": f"w{n}", "title": title, "title_en": "", "summary": summary}
        for n, (title, summary) in enumerate(titles_and_summaries)
    ]
    return SearchEngine(SearchIndex(Catalog.from_dict(data)))


def test_an_exact_title_outranks_a_longer_title_which_outranks_the_rest() -> None:
    # By title alone the order would be 阿醒狮 (a), 北方醒狮 (bei), 醒狮 (xing).
    engine = _tiny_engine([("阿拉善", "关于醒狮的故事"), ("北方醒狮", "舞狮"), ("醒狮", "舞狮")])
    assert ids(engine, "") == ["w0", "w1", "w2"]
    assert ids(engine, "醒狮") == ["w2", "w1", "w0"]
    assert ids(engine, "醒狮", sort="year") == ["w2", "w1", "w0"]
    assert engine.search("醒狮").title_hits == 2


def test_limit_keeps_the_best(engine: SearchEngine) -> None:
    assert ids(engine, "苏东坡", limit=1) == [SU_DONG_PO]
    assert ids(engine, "", limit=3) == ids(engine, "")[:3]
    assert ids(engine, "", limit=0) == []


def test_empty_query_returns_every_work_in_pinyin_title_order(engine: SearchEngine) -> None:
    found = ids(engine, "")
    assert sorted(found) == sorted(w.id for w in engine.index.works)
    # b(x…) da fa ni wo xing zhong: 重 sorts by its common reading zhong, not chong.
    assert found == [MARKUP, DOCUMENTARY, LAW, SU_DONG_PO, A_LE_TAI, XING_SHI, YONG_LE]
    # An independent oracle for the Chinese titles: pypinyin's own reading.
    titles = [engine.index.catalog.work(i).title for i in found if i != MARKUP]
    assert titles == sorted(titles, key=lambda t: lazy_pinyin(t))


def test_sort_by_year_is_newest_first_with_title_order_for_ties(engine: SearchEngine) -> None:
    by_title = ids(engine, "")
    found = ids(engine, "", sort="year")
    years = [engine.index.catalog.work(i).year or 0 for i in found]
    assert years == sorted(years, reverse=True)
    assert found != by_title
    for year in set(years):
        same = [i for i, y in zip(found, years, strict=True) if y == year]
        assert same == [i for i in by_title if i in same]


def test_sort_by_type_follows_the_vocabulary_order(engine: SearchEngine) -> None:
    by_title = ids(engine, "")
    found = ids(engine, "", sort="type")
    order = list(WORK_TYPES)
    ranks = [order.index(engine.index.catalog.work(i).type) for i in found]
    assert ranks == sorted(ranks)
    assert found != by_title
    for rank in set(ranks):
        same = [i for i, r in zip(found, ranks, strict=True) if r == rank]
        assert same == [i for i in by_title if i in same]


@pytest.mark.parametrize("query", ["", "苏东坡", "x", "campaign:旅行 | 红果", "-type:documentary"])
def test_results_are_stable(engine: SearchEngine, query: str) -> None:
    first = ids(engine, query)
    assert ids(engine, query) == first
    rebuilt = SearchEngine(SearchIndex(Catalog.from_dict(catalog_data())))
    assert ids(rebuilt, query) == first


def test_results_do_not_depend_on_hash_randomisation() -> None:
    program = (
        "import json, sys; sys.path.insert(0, 'tests')\n"
        "from conftest import catalog_data\n"
        "from catalog_tui.core.index import SearchIndex\n"
        "from catalog_tui.core.model import Catalog\n"
        "from catalog_tui.core.search import SearchEngine\n"
        "e = SearchEngine(SearchIndex(Catalog.from_dict(catalog_data())))\n"
        "queries = ('', 'x', 'wen', '文化', 'su | xing')\n"
        "out = {q + s: e.search(q, sort=s).positions for q in queries for s in ('title', 'year', 'type')}\n"
        "out['facets'] = {f: [(g.value, n) for g, n in p] for f, p in e.facet_counts(range(7)).items()}\n"
        "print(json.dumps(out, sort_keys=True))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(PROJECT)}
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, cwd=PROJECT, env=env, timeout=60
        )
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]


# Facets ---------------------------------------------------------------------------------------------


def test_facet_filter_include(engine: SearchEngine) -> None:
    found = ids(engine, "", filters=[FacetFilter("channel", HONGGUO)])
    assert set(found) == ids_with(engine, "channels", HONGGUO)


def test_facet_filter_exclude(engine: SearchEngine) -> None:
    found = ids(engine, "", filters=[FacetFilter("type", "micro-drama", exclude=True)])
    assert set(found) == set(ids(engine)) - ids_with(engine, "type", "micro-drama")


def test_facet_filters_combine_with_the_query_and_each_other(engine: SearchEngine) -> None:
    filters = [
        FacetFilter("channel", HONGGUO),
        FacetFilter("year", "2025"),
        FacetFilter("campaign", LAW_CAMPAIGN, True),
    ]
    assert ids(engine, "", filters=filters) == [XING_SHI]
    assert ids(engine, "醒狮", filters=[FacetFilter("type", "micro-drama", exclude=True)]) == []


def test_a_facet_filter_on_an_unknown_value_excludes_or_keeps_as_asked(engine: SearchEngine) -> None:
    assert ids(engine, "", filters=[FacetFilter("channel", "no-such-channel")]) == []
    assert ids(engine, "", filters=[FacetFilter("channel", "no-such-channel", True)]) == ids(engine, "")


def _counts(engine: SearchEngine, query: str) -> dict[str, dict[str, int]]:
    positions = engine.search(query).positions
    return {f: {g.value: n for g, n in pairs} for f, pairs in engine.facet_counts(positions).items()}


def test_facet_counts_follow_the_query(engine: SearchEngine) -> None:
    travel = _counts(engine, "campaign:旅行")
    assert travel["type"] == {"micro-drama": 2}
    assert travel["campaign"] == {TRAVEL: 2}
    assert travel["channel"] == {}
    assert travel["year"] == {"2024": 1, "2023": 1}
    assert travel["theme"] == {"文化遗产": 2, "文旅融合": 1}

    everything = _counts(engine, "")
    works = engine.index.works
    assert everything["type"] == {t: sum(w.type == t for w in works) for t in {w.type for w in works}}
    assert everything["channel"] == {BEIJING: 2, HONGGUO: 2}


def test_facet_counts_are_most_first_and_years_newest_first(engine: SearchEngine) -> None:
    counts = engine.facet_counts(engine.search("").positions)
    for field in ("type", "campaign", "channel", "theme"):
        numbers = [n for _, n in counts[field]]
        assert numbers == sorted(numbers, reverse=True)
    years = [g.value for g, _ in counts["year"]]
    assert years == sorted(years, reverse=True)
    assert all(n > 0 for pairs in counts.values() for _, n in pairs)


def test_groups_matching(engine: SearchEngine) -> None:
    def values(field: str, value: str) -> set[str]:
        return {g.value for g in engine.groups_matching(field, value)}

    assert values("campaign", "跟着微短剧") == {TRAVEL, LAW_CAMPAIGN}
    assert values("campaign", "跟着微短剧去旅行") == {TRAVEL}
    assert values("campaign", TRAVEL) == {TRAVEL}
    assert values("campaign", "learn the law") == {LAW_CAMPAIGN}
    assert values("channel", "beijing") == {BEIJING}
    assert values("channel", "bjws") == {BEIJING}
    assert values("type", "纪录片") == {"documentary"}
    assert values("theme", "文化") == {"文化遗产"}
    assert values("channel", "") == set()
    assert values("channel", "不存在") == set()


def test_a_malformed_query_raises_query_error(engine: SearchEngine) -> None:
    with pytest.raises(QueryError) as caught:
        engine.search('苏东坡 "unclosed')
    assert caught.value.position == 4
    with pytest.raises(QueryError):
        engine.search("year:2025..2023")


def test_digits_in_titles_are_not_taken_for_tone_numbers() -> None:
    # "d2j" must read 第2季 (a real digit), while "su1dong1po1" still reads tones.
    from catalog_tui.core.index import SearchIndex
    from catalog_tui.core.model import Catalog

    catalog = Catalog.from_dict(
        {
            "works": [
                {"id": "a", "title": "醒狮第2季", "type": "micro-drama"},
                {"id": "b", "title": "苏东坡", "type": "micro-drama"},
            ]
        }
    )
    engine = SearchEngine(SearchIndex(catalog))
    assert engine.search("xsd2j").positions == [0]
    assert engine.search("su1dong1po1").positions == [1]
