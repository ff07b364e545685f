"""Search: the query language, the engine over the fixture catalogue, the index beneath it, and
hostile queries.

The parser turns every feature into the right tree and every mistake into a QueryError with the
position of the offending character; the engine finds works by pinyin and hanzi variants, fields
and boolean logic, ranks and sorts them and counts facets; the index (sets of works as ints, pinyin
by syllable slots, its saved form) agrees with a reference regex over every reading; and nothing but
a result or a QueryError comes out of any text, however long, deep or full of controls and markup,
from the core, the CLI or the search bar.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    A_LE_TAI,
    BEIJING,
    DOCUMENTARY,
    HONGGUO,
    HOSTILE,
    LAW,
    LAW_CAMPAIGN,
    LONG,
    MARKUP,
    PROJECT,
    SU_DONG_PO,
    TRAVEL,
    XING_SHI,
    YONG_LE,
    catalog_data,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin
from textual.widgets import Input
from tui_helpers import ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.cli import main
from catalog_tui.core import bits
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import WORK_TYPES, Catalog
from catalog_tui.core.query import MAX_LENGTH, AllOf, AnyOf, QueryError, Term, YearRange, parse
from catalog_tui.core.search import FacetFilter, SearchEngine, pinyin_pattern, pinyin_units
from catalog_tui.core.store import bundled_catalog_path
from catalog_tui.core.text import SYLLABLE_MARK, has_han, syllables

# The CLI messages these tests read are the English ones.
pytestmark = pytest.mark.usefixtures("english")


def only(query: str):
    """The single top-level node of a query."""
    tree = parse(query)
    assert isinstance(tree, AllOf)
    assert len(tree.parts) == 1, tree
    return tree.parts[0]


def ids(engine: SearchEngine, query: str = "", **options) -> list[str]:
    result = engine.search(query, **options)
    return [engine.index.works[p].id for p in result.positions]


def ids_with(engine: SearchEngine, field: str, value: str) -> set[str]:
    """Ids of the fixture works whose `field` holds `value`, computed from the data, not the engine."""
    works = engine.index.works
    if field == "type":
        return {w.id for w in works if w.type == value}
    return {w.id for w in works if value in getattr(w, field)}


# The query language ===============================================================================


# Free text and fields ------------------------------------------------------------------------


def test_empty_and_blank_queries_are_an_empty_conjunction() -> None:
    assert parse("") == AllOf(())
    assert parse("   \t ") == AllOf(())


def test_free_text_words_are_anded_terms_with_positions() -> None:
    tree = parse("苏东坡  sudongpo nhsdp")
    assert [(t.value, t.field, t.negated, t.position) for t in tree.parts] == [
        ("苏东坡", None, False, 0),
        ("sudongpo", None, False, 5),
        ("nhsdp", None, False, 14),
    ]


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("type:documentary", "type", "documentary"),
        ("genre:documentary", "type", "documentary"),
        ("类型:纪录片", "type", "纪录片"),
        ("体裁:纪录片", "type", "纪录片"),
        ("campaign:旅行", "campaign", "旅行"),
        ("plan:旅行", "campaign", "旅行"),
        ("活动:旅行", "campaign", "旅行"),
        ("计划:旅行", "campaign", "旅行"),
        ("channel:北京卫视", "channel", "北京卫视"),
        ("platform:红果", "channel", "红果"),
        ("频道:北京卫视", "channel", "北京卫视"),
        ("平台:红果", "channel", "红果"),
        ("theme:非遗", "theme", "非遗"),
        ("主题:非遗", "theme", "非遗"),
        ("TYPE:documentary", "type", "documentary"),
    ],
)
def test_field_aliases(query: str, field: str, value: str) -> None:
    assert only(query) == Term(value, field, False, False, 0)


@pytest.mark.parametrize("query", ["类型：纪录片", "type：documentary", "频道：北京卫视"])
def test_full_width_colon_works_like_ascii(query: str) -> None:
    node = only(query)
    assert isinstance(node, Term)
    assert node.field in ("type", "channel")
    assert node.value == query.split("：", 1)[1]


@pytest.mark.parametrize("query", ["foo:bar", "http://x", ":abc"])
def test_unknown_field_names_are_free_text(query: str) -> None:
    assert only(query) == Term(query, None, False, False, 0)


def test_field_value_may_be_quoted() -> None:
    assert only('channel:"北京 卫视"') == Term("北京 卫视", "channel", True, False, 0)


# Negation -------------------------------------------------------------------------------------


def test_minus_negates_a_term() -> None:
    assert only("-红果") == Term("红果", None, False, True, 0)
    assert only("－红果") == Term("红果", None, False, True, 0)


def test_minus_negates_a_field() -> None:
    assert only("-channel:红果") == Term("红果", "channel", False, True, 0)
    assert only("-year:2024") == YearRange(2024, 2024, True, 0)


def test_minus_negates_a_phrase_and_a_group() -> None:
    assert only('-"a b"') == Term("a b", None, True, True, 0)
    group = only("-(a b)")
    assert isinstance(group, AllOf)
    assert group.negated
    assert [p.value for p in group.parts] == ["a", "b"]


def test_a_hyphen_inside_a_word_is_not_negation() -> None:
    assert only("micro-drama") == Term("micro-drama", None, False, False, 0)


# Alternatives and precedence -------------------------------------------------------------------


def test_pipe_makes_alternatives() -> None:
    node = only("醒狮 | 阿勒泰")
    assert isinstance(node, AnyOf)
    assert [o.value for o in node.options] == ["醒狮", "阿勒泰"]


@pytest.mark.parametrize("query", ["a|b|c", "a ｜ b ｜ c", "a| b |c"])
def test_pipes_chain_and_need_no_spaces(query: str) -> None:
    node = only(query)
    assert isinstance(node, AnyOf)
    assert [o.value for o in node.options] == ["a", "b", "c"]


def test_pipe_binds_tighter_than_and() -> None:
    # `a b | c` is a AND (b OR c), not (a AND b) OR c.
    tree = parse("a b | c")
    assert len(tree.parts) == 2
    first, second = tree.parts
    assert first == Term("a", position=0)
    assert isinstance(second, AnyOf)
    assert [o.value for o in second.options] == ["b", "c"]


def test_parentheses_group() -> None:
    tree = parse("(a | b) c")
    group, c = tree.parts
    assert isinstance(group, AllOf)
    assert isinstance(group.parts[0], AnyOf)
    assert [o.value for o in group.parts[0].options] == ["a", "b"]
    assert c == Term("c", position=8)


def test_parentheses_override_precedence() -> None:
    node = only("(a b) | c")
    assert isinstance(node, AnyOf)
    left, right = node.options
    assert isinstance(left, AllOf)
    assert [p.value for p in left.parts] == ["a", "b"]
    assert right.value == "c"


def test_full_width_parentheses_and_pipe() -> None:
    assert parse("（a｜b）") == parse("(a|b)")


def test_nested_parentheses() -> None:
    node = only("((a))")
    assert isinstance(node, AllOf)
    inner = node.parts[0]
    assert isinstance(inner, AllOf)
    assert inner.parts == (Term("a", position=2),)


# Phrases ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "value"),
    [('"su dong po"', "su dong po"), ("“你好 苏东坡”", "你好 苏东坡"), ("＂a b＂", "a b")],
)
def test_quoted_phrases(query: str, value: str) -> None:
    assert only(query) == Term(value, None, True, False, 0)


def test_phrase_keeps_special_characters_literal() -> None:
    assert only('"a | (b) -c"') == Term("a | (b) -c", None, True, False, 0)


def test_phrase_position_is_its_opening_quote() -> None:
    tree = parse('ab "cd"')
    assert tree.parts[1] == Term("cd", None, True, False, 3)


# Years ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [
        ("year:2023..2025", 2023, 2025),
        ("year:2024..", 2024, None),
        ("year:..2023", None, 2023),
        ("year:2024", 2024, 2024),
        ("year:2023-2025", 2023, 2025),
        ("年份:2023..2025", 2023, 2025),
        ("年：2024", 2024, 2024),
        ("year:2024..2024", 2024, 2024),
    ],
)
def test_year_ranges_parse_to_bounds(query: str, low: int | None, high: int | None) -> None:
    assert only(query) == YearRange(low, high, False, 0)


# Errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "position", "culprit"),
    [
        ('abc "def', 4, '"'),
        ("苏东坡 “未闭合", 4, "“"),
        ("a |", 2, "|"),
        ("| a", 0, "|"),
        ("a | | b", 2, "|"),
        ("(a |) b", 3, "|"),
        ("a -", 2, "-"),
        ("- a", 0, "-"),
        ("a - b", 2, "-"),
        ("-|", 0, "-"),
        ("a -)", 2, "-"),
        ("(a", 0, "("),
        ("x ( y", 2, "("),
        ("（a", 0, "（"),
        ("a)", 1, ")"),
        ("a b）", 3, "）"),
        ("(a))", 3, ")"),
        ("()", 0, "("),
        ('x ""', 2, '"'),
    ],
)
def test_syntax_errors_point_at_the_culprit(query: str, position: int, culprit: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == position
    assert query[caught.value.position] == culprit
    assert str(caught.value).endswith(f"(at column {position + 1})")


@pytest.mark.parametrize(
    ("query", "position", "fragment"),
    [
        ("type:", 0, "type:"),
        ("abc type: x", 4, "type:"),
        ("类型：", 0, "类型"),
        ("a -channel:", 2, "channel:"),
        ('theme:""', 0, "theme:"),
    ],
)
def test_a_field_needs_a_value(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert "e.g." in caught.value.message


@pytest.mark.parametrize(
    ("query", "position", "fragment"),
    [
        # A value that is not a year is pointed at itself, not at the field name (issue 11).
        ("year:abc", 5, "abc"),
        ("x year:20x4", 7, "20x4"),
        ("year:2023..20a5", 5, "2023..20a5"),
        ("year:..", 0, "at least one end"),
        ("year:2025..2023", 0, "2025..2023"),
        ("a b year:2025-2023", 4, "empty"),
    ],
)
def test_bad_years(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == position
    assert fragment in caught.value.message


def test_query_error_is_a_value_error_with_a_caret_pointer() -> None:
    with pytest.raises(ValueError) as caught:
        parse('ab "cd')
    error = caught.value
    assert isinstance(error, QueryError)
    assert error.pointer('ab "cd') == 'ab "cd\n   ^'


def test_pointer_accounts_for_wide_characters() -> None:
    query = '苏东坡 "abc'
    with pytest.raises(QueryError) as caught:
        parse(query)
    # 苏东坡 takes 6 terminal columns, the space one more: the quote is in display column 7.
    assert caught.value.pointer(query).splitlines()[1] == " " * 7 + "^"


# Property: the parser and the engine only ever raise QueryError ----------------------------------

SPECIAL = '"|()-:：（）“”｜＂－ '
ALPHABET = SPECIAL + "abxyz019苏东坡你好醒狮重"
QUERY_FRAGMENTS = [
    "type:",
    "类型：",
    "year:",
    "年份:",
    "2023",
    "..",
    "-",
    "channel:",
    "campaign:",
    "theme:",
    "sudongpo",
]

queries = st.lists(
    st.one_of(st.text(alphabet=ALPHABET, max_size=8), st.sampled_from(QUERY_FRAGMENTS)), max_size=8
).map("".join)

_ENGINE = SearchEngine(SearchIndex(Catalog.from_dict(catalog_data())))


@given(st.text(alphabet=ALPHABET, max_size=30))
def test_parse_random_text_returns_a_tree_or_raises_query_error(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError as error:
        assert 0 <= error.position < max(len(query), 1)
    else:
        assert isinstance(tree, AllOf)


@given(queries)
def test_parse_random_fragments_returns_a_tree_or_raises_query_error(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError as error:
        assert 0 <= error.position < max(len(query), 1)
    else:
        assert isinstance(tree, AllOf)


@given(queries)
def test_search_random_queries_returns_results_or_raises_query_error(query: str) -> None:
    try:
        result = _ENGINE.search(query)
    except QueryError:
        return
    assert len(set(result.positions)) == len(result.positions)
    assert set(result.positions) <= set(range(len(_ENGINE.index)))
    assert result.found == _ENGINE.index.encode(result.positions)


# The engine =======================================================================================


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
def test_year_ranges_select_the_works_in_range(engine: SearchEngine, query: str, low: int, high: int) -> None:
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


# The index ========================================================================================

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


# Hostile queries: any text, however long or deep, is a result or a QueryError =====================

# fmt: off
QUERY_PIECES = st.sampled_from(
    ["[b]", "[/]", "[@click=app.quit]", "\x1b[2J", "\x1b]0;t\x07", "\u202e", "\u200b", "🎬", "①", "(", ")", "|",
     "-", ":", "：", '"', "“", "type:", "year:", "..", "苏东坡", "sudongpo", " "]
)
# fmt: on
ANY_QUERY = st.lists(st.text(max_size=6) | QUERY_PIECES, max_size=20).map("".join)


@given(ANY_QUERY)
def test_any_text_is_a_query_or_a_query_error_with_a_pointer(query: str) -> None:
    """The parser tests above draw from a small alphabet; here: any Unicode, controls, markup, emoji."""
    try:
        parse(query)
    except QueryError as error:
        assert 0 <= error.position <= len(query)
        pointer = error.pointer(query)
        assert pointer.splitlines()[-1].endswith("^")


HOSTILE_ENGINE = SearchEngine(SearchIndex(load_catalog(HOSTILE)))


@given(ANY_QUERY)
def test_any_text_searches_or_is_a_query_error(query: str) -> None:
    try:
        result = HOSTILE_ENGINE.search(query)
    except QueryError:
        return
    assert set(result.positions) <= set(range(len(HOSTILE_ENGINE.index)))
    assert result.found == HOSTILE_ENGINE.index.encode(result.positions)


@pytest.mark.parametrize(
    "query", ["a" * LONG, "苏" * LONG, "ab " * (LONG // 3), "type:" + "x" * LONG, "-x" * LONG]
)
def test_a_query_over_the_length_limit_is_a_query_error(query: str) -> None:
    """A 10,000-character query is a paste accident: refused at once, before any matching."""
    with pytest.raises(QueryError) as caught:
        HOSTILE_ENGINE.search(query)
    assert caught.value.code == "too_long"


@pytest.mark.parametrize(
    ("query", "same_as"),
    [("a" * MAX_LENGTH, None), (("ab " * MAX_LENGTH)[:MAX_LENGTH], "ab"), ("-x" * (MAX_LENGTH // 2), "")],
)
def test_a_query_at_the_length_limit_is_answered_like_a_short_one(query: str, same_as: str | None) -> None:
    """Each long query means what a short one does (or matches nothing), and gets that answer."""
    expected = [] if same_as is None else HOSTILE_ENGINE.search(same_as).positions
    assert expected or same_as is None
    assert HOSTILE_ENGINE.search(query).positions == expected


SHAPES = {
    "closed": lambda depth: "(" * depth + "a" + ")" * depth,
    "unclosed": lambda depth: "(" * depth + "a",
    "negated": lambda depth: "-(" * depth + "a" + ")" * depth,
}


@pytest.mark.parametrize("depth", [50, 300])  # 300 levels still fit in the length limit
@pytest.mark.parametrize("shape", SHAPES)
def test_deeply_nested_parentheses_are_a_query_error(depth: int, shape: str) -> None:
    with pytest.raises(QueryError, match="nested more than"):
        parse(SHAPES[shape](depth))


def test_the_cli_turns_a_too_deep_query_into_a_query_error(
    hostile_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["search", "(" * 5000 + "a" + ")" * 5000, "--catalog", str(hostile_file), "--db", str(db_path)]
    )
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("catalog-tui: query error: ") and "Traceback" not in err


async def test_pasting_a_deeply_nested_query_keeps_the_app_running(
    hostile_file: Path, tmp_path: Path
) -> None:
    app = CatalogApp(catalog_path=hostile_file, db_path=str(tmp_path / "store" / "store.json"))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash")
        screen.query_one("#search-input", Input).value = "(" * 2000 + "a" + ")" * 2000
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert screen.query_one("#search-bar").has_class("-error")


# Query input the CLI cannot trust (issue #14, item 11): invalid UTF-8 and lone surrogates never ------


@pytest.mark.parametrize("query", ["\udcff\udcfe", "苏东坡 \ud800", "campaign:\udfff"])
def test_lone_surrogates_are_a_query_error(engine: SearchEngine, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        engine.search(query)
    assert caught.value.code == "bad_text"
    assert caught.value.position == query.index(next(c for c in query if "\ud800" <= c <= "\udfff"))


@pytest.mark.parametrize("query", ["campaign:" + "a" * 100_000, "a" * (MAX_LENGTH + 1), "(" * 50_000])
def test_an_overlong_query_is_refused_before_any_matching(engine: SearchEngine, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        engine.search(query)
    assert caught.value.code == "too_long"
    assert caught.value.message == f"the query is longer than {MAX_LENGTH} characters"


def test_a_query_of_the_maximum_length_still_runs(engine: SearchEngine) -> None:
    query = ("sudongpo " * MAX_LENGTH)[:MAX_LENGTH]
    parse(query)
    assert engine.search(query).positions is not None


def test_invalid_utf8_in_argv_is_one_clear_error(catalog_file: Path, db_path: Path) -> None:
    """Real argv bytes, as a shell passes them: Python decodes them with surrogateescape."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    argv = [
        b"search",
        b"caf\xe9 \xff",
        b"--catalog",
        os.fsencode(catalog_file),
        b"--db",
        os.fsencode(db_path),
    ]
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"catalog_tui", *argv], capture_output=True, env=env, timeout=120
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2
    assert err.startswith("catalog-tui: query error: the query is not valid text (invalid UTF-8?)")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ("search", "-type:documentary"),
        ("search", "-type:documentary", "--format", "csv"),
        ("search", "--format", "csv", "-type:documentary"),
    ],
)
def test_a_query_starting_with_a_dash_needs_no_double_dash(
    run, catalog_file: Path, db_path: Path, argv: tuple[str, ...]
) -> None:
    code, out, err = run(*argv, "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0, err
    assert SU_DONG_PO in out and DOCUMENTARY not in out


def test_an_export_query_starting_with_a_dash(run, catalog_file: Path, db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    code, _, err = run(
        "export", "-type:documentary", "-o", str(target), "--catalog", str(catalog_file), "--db", str(db_path)
    )
    assert code == 0, err
    assert SU_DONG_PO in target.read_text(encoding="utf-8") and DOCUMENTARY not in target.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("search",), "search: the following arguments are required: query"),
        (("search", "-x", "y"), "unrecognized arguments: -x"),
        (("validate", "-nope"), "unrecognized arguments: -nope"),
    ],
)
def test_argument_mistakes_are_still_usage_errors(
    run, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        run(*argv)
    assert caught.value.code == 2
    assert capsys.readouterr().err.endswith(f"catalog-tui: error: {message}\n")


# pypinyin without its phrase dictionary (PYPINYIN_NO_PHRASES) reads every catalogue character --------


# With the phrase dictionary: pypinyin as it comes, asked directly for each character.
WITH_PHRASES = """
import json, sys
from pypinyin import Style, pinyin
chars = json.load(sys.stdin)
print(json.dumps({c: pinyin(c, style=Style.NORMAL, heteronym=True, errors="ignore", v_to_u=False)[0]
                  for c in chars}))
"""
# The app's own lookup, which sets PYPINYIN_NO_PHRASES before importing pypinyin.
THE_APP = """
import json, os, sys
from catalog_tui.core.text import _looked_up_readings
chars = json.load(sys.stdin)
readings = {c: list(_looked_up_readings(c)) for c in chars}
import pypinyin.constants
print(json.dumps({"no_phrases": os.environ.get("PYPINYIN_NO_PHRASES"),
                  "phrases_loaded": len(pypinyin.constants.PHRASES_DICT), "readings": readings}))
"""


def run(script: str, chars: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYPINYIN_NO_PHRASES"}
    result = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(chars), capture_output=True, text=True,
        cwd=PROJECT, env=env, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_every_catalogue_character_reads_the_same_without_phrases() -> None:
    text = (PROJECT / "catalog.yaml").read_text(encoding="utf-8")
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"})
    assert len(chars) > 500  # titles, names, summaries and passages
    with_phrases = run(WITH_PHRASES, chars)
    app = run(THE_APP, chars)
    assert app["no_phrases"] == "1" and app["phrases_loaded"] == 0
    expected = {
        c: list(dict.fromkeys(r.replace("ü", "v") for r in found)) or [c] for c, found in with_phrases.items()
    }
    assert app["readings"] == expected


# Warming up (issue 13: the first query no slower than the others) ------------------------------


def _count_exact_title_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    build = SearchIndex._build_exact_titles

    def counted(index: SearchIndex) -> tuple[dict[str, int], dict[str, int]]:
        builds.append(1)
        return build(index)

    monkeypatch.setattr(SearchIndex, "_build_exact_titles", counted)
    return builds


def test_warm_builds_the_first_query_lookups_once_and_the_queries_build_nothing(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_exact_title_builds(monkeypatch)
    engine.warm()
    engine.warm()
    assert len(builds) == 1
    found = ids(engine, "苏东坡")
    assert len(builds) == 1  # the exact-title tier came from the warmed lookup
    assert found[0] == SU_DONG_PO


def test_warm_changes_no_result(catalog: Catalog) -> None:
    cold, warmed = SearchEngine(SearchIndex(catalog)), SearchEngine(SearchIndex(catalog))
    warmed.warm()
    for query in ("苏东坡", "sdp", "纪录片", "法", "-type:documentary 旅", ""):
        assert ids(warmed, query) == ids(cold, query)


def test_without_warm_the_first_query_builds_the_lookup(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_exact_title_builds(monkeypatch)
    ids(engine, "苏东坡")
    ids(engine, "苏东坡")
    assert len(builds) == 1


# Pairs of common Han characters (issue 13) -------------------------------------------------------


def _brute_force(texts: list[str], word: str) -> int:
    return bits.from_ranks([r for r, text in enumerate(texts) if word in text], len(texts))


@pytest.fixture(scope="module")
def bundled_index() -> SearchIndex:
    return SearchIndex(load_catalog(bundled_catalog_path()))


def _bundled_words(index: SearchIndex, length: int) -> list[str]:
    """Runs of Han characters found in the bundled catalogue's texts, common characters first."""
    words = {
        text[start : start + length]
        for text in index._hay_by_rank[:40]
        for start in range(len(text) - length + 1)
        if all(map(has_han, text[start : start + length]))
    }
    return sorted(words)


def test_the_bundled_catalogue_has_pairs_of_common_characters(bundled_index: SearchIndex) -> None:
    assert len(bundled_index._paired) > 10 and len(bundled_index._pair_ranks) > 10


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hanzi_words_are_found_exactly_as_a_scan_of_every_text_finds_them(
    bundled_index: SearchIndex, data: st.DataObject
) -> None:
    index = bundled_index
    length = data.draw(st.integers(2, 4))
    common = st.sampled_from(index._paired)
    word = data.draw(
        st.one_of(st.sampled_from(_bundled_words(index, length)), st.text(common, min_size=2, max_size=3))
    )
    assert index.containing(word) == _brute_force(index._hay_by_rank, word)
    titles = [f"{zh}\n{en}" for zh, en in zip(index._titles_by_rank, index._titles_en_by_rank, strict=True)]
    assert index.titles_containing(word, index.universe) == _brute_force(titles, word)


def test_a_word_of_two_common_characters_is_not_checked_text_by_text(
    bundled_index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = bundled_index
    word = next(w for w in _bundled_words(index, 2) if w[0] in index._paired and w[1] in index._paired)
    checks: list[str] = []
    monkeypatch.setattr(index, "_checked", lambda found, folded, *texts: checks.append(folded) or found)
    found = index.containing(word)
    assert checks == [] and found
    longer = next(w for w in _bundled_words(index, 3) if w[0] in index._paired and w[1] in index._paired)
    assert index.containing(longer)  # longer words are narrowed by their pairs, then checked
    assert checks == [longer]


def test_pairs_survive_saving_and_loading(bundled_index: SearchIndex) -> None:
    saved = json.loads(json.dumps(bundled_index.to_saved()))
    columns = {
        "hay": bundled_index.hay,
        "title_fold": bundled_index.title_fold,
        "title_en_fold": bundled_index.title_en_fold,
    }
    loaded = SearchIndex.from_saved(bundled_index.catalog, columns, saved)
    for word in _bundled_words(bundled_index, 2)[:50]:
        assert loaded.containing(word) == bundled_index.containing(word)


def test_the_index_build_reports_progress_within_its_passes(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog_tui.core import postings

    monkeypatch.setattr(postings, "PROGRESS_EVERY", 1)
    calls: list[tuple[int, int]] = []
    index = SearchIndex(catalog, progress=lambda done, total: calls.append((done, total)))
    size = len(index)
    assert {total for _, total in calls} == {6 * size}
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 6 * size
    # Every text of each of the four postings passes is reported, not only the passes' ends.
    assert len(calls) >= 4 * size
    assert (
        SearchEngine(index).search("苏东坡").positions
        == SearchEngine(SearchIndex(catalog)).search("苏东坡").positions
    )
