"""The query language: every feature parses to the right tree, every mistake is a QueryError with
the position of the offending character, and nothing else ever escapes the parser or the engine."""

from __future__ import annotations

import pytest
from conftest import catalog_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.model import Catalog
from catalog_tui.core.query import AllOf, AnyOf, QueryError, Term, YearRange, parse
from catalog_tui.core.search import SearchEngine


def only(query: str):
    """The single top-level node of a query."""
    tree = parse(query)
    assert isinstance(tree, AllOf)
    assert len(tree.parts) == 1, tree
    return tree.parts[0]


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
def test_year_ranges(query: str, low: int | None, high: int | None) -> None:
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
FRAGMENTS = [
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
    st.one_of(st.text(alphabet=ALPHABET, max_size=8), st.sampled_from(FRAGMENTS)), max_size=8
).map("".join)

_ENGINE = SearchEngine(SearchIndex(Catalog.from_dict(catalog_data())))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_parse_random_text_returns_a_tree_or_raises_query_error(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError as error:
        assert 0 <= error.position < max(len(query), 1)
    else:
        assert isinstance(tree, AllOf)


@settings(max_examples=300, deadline=None)
@given(queries)
def test_parse_random_fragments_returns_a_tree_or_raises_query_error(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError as error:
        assert 0 <= error.position < max(len(query), 1)
    else:
        assert isinstance(tree, AllOf)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_search_random_queries_returns_results_or_raises_query_error(query: str) -> None:
    try:
        result = _ENGINE.search(query)
    except QueryError:
        return
    assert len(set(result.positions)) == len(result.positions)
    assert set(result.positions) <= set(range(len(_ENGINE.index)))
    assert result.found == _ENGINE.index.encode(result.positions)
