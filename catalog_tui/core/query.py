"""The query language, parsed into a small tree the search engine evaluates.

    苏东坡 sudongpo nhsdp        free text (hanzi, full pinyin, initials, mixed: 苏dp)
    type:documentary 类型:纪录片  a field: type, campaign, channel, theme, year (and Chinese aliases)
    -term  -channel:红果         exclude
    a | b                        either (binds tighter than the implicit AND between terms)
    "exact phrase"  ( … )        a phrase; grouping
    year:2023..2025  year:2024..  year:..2023   (the air year, or a year in the title: 歌手2024)

Full-width forms （ ） ｜ ： ＂ “ ” work like their ASCII twins, so IME input needs no switching.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .text import display_width

FIELD_ALIASES: dict[str, str] = {
    "type": "type", "genre": "type", "类型": "type", "体裁": "type",
    "campaign": "campaign", "plan": "campaign", "活动": "campaign", "计划": "campaign",
    "channel": "channel", "platform": "channel", "频道": "channel", "平台": "channel", "渠道": "channel",
    "theme": "theme", "主题": "theme",
    "year": "year", "年份": "year", "年": "year",
}  # fmt: skip
FIELDS = ("type", "campaign", "channel", "theme", "year")

_QUOTES = frozenset('"“”＂')
_PIPES = frozenset("|｜")
_OPEN = frozenset("(（")
_CLOSE = frozenset(")）")
_COLONS = frozenset(":：")
_MINUS = frozenset("-－")
_SPECIAL = _QUOTES | _PIPES | _OPEN | _CLOSE


class QueryError(ValueError):
    """A malformed query: the message and the 0-based position in the query it refers to."""

    def __init__(
        self, message: str, position: int, code: str = "", params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        # A stable code and its values, so an interface can say the same in another language.
        self.code = code
        self.params = dict(params or {})

    def __str__(self) -> str:
        return f"{self.message} (at column {self.position + 1})"

    def pointer(self, query: str) -> str:
        """The query with a caret under the offending column, for a CLI message."""
        return f"{query}\n{' ' * display_width(query[: self.position])}^"


@dataclass(frozen=True, slots=True)
class Term:
    """Free text (field None) or `field:value`; `phrase` keeps a quoted value's words together."""

    value: str
    field: str | None = None
    phrase: bool = False
    negated: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class YearRange:
    low: int | None
    high: int | None
    negated: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class AnyOf:
    options: tuple[Node, ...]
    negated: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Node, ...]
    negated: bool = False
    position: int = 0


Node = Term | YearRange | AnyOf | AllOf


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "phrase", "pipe", "open", "close"
    text: str
    position: int
    negated: bool = False


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
            continue
        start = i
        negated = char in _MINUS and i + 1 < n and not query[i + 1].isspace()
        if char in _MINUS and not negated:
            raise QueryError("'-' must stand right before the term it excludes", i, "minus_alone")
        if negated:
            i += 1
            char = query[i]
        if char in _PIPES:
            if negated:
                raise QueryError("'-' cannot exclude '|'", start, "minus_pipe")
            tokens.append(_Token("pipe", char, i))
            i += 1
        elif char in _OPEN:
            tokens.append(_Token("open", char, start, negated))
            i += 1
        elif char in _CLOSE:
            if negated:
                raise QueryError("'-' cannot exclude ')'", start, "minus_close")
            tokens.append(_Token("close", char, i))
            i += 1
        elif char in _QUOTES:
            end = next((j for j in range(i + 1, n) if query[j] in _QUOTES), -1)
            if end == -1:
                raise QueryError("this quote is never closed", i, "unclosed_quote")
            tokens.append(_Token("phrase", query[i + 1 : end], start, negated))
            i = end + 1
        else:
            while i < n and not query[i].isspace() and query[i] not in _SPECIAL:
                i += 1
            tokens.append(_Token("word", query[start + negated : i], start, negated))
    return tokens


MAX_DEPTH = 32  # parentheses this deep are a paste accident, and deeper would exhaust the stack


class _Parser:
    def __init__(self, query: str) -> None:
        self.source = query
        self.tokens = _tokenize(query)
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse_all(self, closing: _Token | None = None) -> AllOf:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "close":
            parts.append(self.parse_any())
        if closing is None and token is not None:
            raise QueryError("this ')' has no matching '('", token.position, "unmatched_close")
        if closing is not None:
            if token is None:
                raise QueryError("this '(' is never closed", closing.position, "unclosed_paren")
            self.take()
            if not parts:
                raise QueryError("empty parentheses", closing.position, "empty_parens")
        position = closing.position if closing else 0
        return AllOf(tuple(parts), closing.negated if closing else False, position)

    def parse_any(self) -> Node:
        options = [self.parse_unary()]
        while (token := self.peek()) is not None and token.kind == "pipe":
            self.take()
            following = self.peek()
            if following is None or following.kind in ("pipe", "close"):
                raise QueryError("'|' needs a term on both sides", token.position, "pipe_operand")
            options.append(self.parse_unary())
        return options[0] if len(options) == 1 else AnyOf(tuple(options), False, options[0].position)

    def parse_unary(self) -> Node:
        token = self.take()
        if token.kind == "pipe":
            raise QueryError("'|' needs a term on both sides", token.position, "pipe_operand")
        if token.kind == "open":
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    message = f"parentheses nested more than {MAX_DEPTH} deep"
                    raise QueryError(message, token.position, "too_deep", {"depth": MAX_DEPTH})
                return self.parse_all(closing=token)
            finally:
                self.depth -= 1
        if token.kind == "phrase":
            if not token.text.strip():
                raise QueryError("empty quotes", token.position, "empty_quotes")
            return Term(token.text, None, True, token.negated, token.position)
        return self.parse_word(token)

    def parse_word(self, token: _Token) -> Node:
        colon = next((i for i, c in enumerate(token.text) if c in _COLONS), -1)
        field = FIELD_ALIASES.get(token.text[:colon].casefold()) if colon > 0 else None
        if field is None:
            return Term(token.text, None, False, token.negated, token.position)
        value, phrase = token.text[colon + 1 :], False
        if not value and (following := self.peek()) is not None and following.kind == "phrase":
            value, phrase = self.take().text, True
        if not value.strip():
            name, example = token.text[:colon], f"{field}:{_EXAMPLES[field]}"
            params = {"field": name, "example": example}
            raise QueryError(
                f"'{name}:' needs a value, e.g. {example}", token.position, "field_value", params
            )
        if field == "year":
            # A bad year points at the value, not at the field name before it.
            start = self.source.find(value, token.position + colon)
            return _year_range(value, token, start if start >= 0 else token.position)
        return Term(value, field, phrase, token.negated, token.position)


_EXAMPLES = {"type": "documentary", "campaign": "旅行", "channel": "北京卫视", "theme": "非遗",
             "year": "2023..2025"}  # fmt: skip


def _year_range(value: str, token: _Token, value_position: int) -> YearRange:
    low_text, sep, high_text = value.partition("..")
    if not sep:
        low_text, sep, high_text = value.partition("-")
    if not sep:
        high_text = low_text
    try:
        low = int(low_text) if low_text else None
        high = int(high_text) if high_text else None
    except ValueError:
        raise QueryError(
            f"'{value}' is not a year or a range like 2023..2025",
            value_position,
            "bad_year",
            {"value": value},
        ) from None
    if low is None and high is None:
        raise QueryError(
            "a year range needs at least one end, e.g. year:2023..", token.position, "open_range"
        )
    if low is not None and high is not None and low > high:
        raise QueryError(
            f"the range {low}..{high} is empty", token.position, "empty_range", {"low": low, "high": high}
        )
    return YearRange(low, high, token.negated, token.position)


MAX_LENGTH = 1000  # longer is a paste accident, and each term is matched against every name
_SURROGATE = re.compile("[\ud800-\udfff]")  # invalid UTF-8 from argv: OpenCC cannot take it


def parse(query: str) -> AllOf:
    """Parse a query; raises QueryError with the position of the first problem."""
    bad = _SURROGATE.search(query)
    if bad is not None:
        raise QueryError("the query is not valid text (invalid UTF-8?)", bad.start(), "bad_text")
    if len(query) > MAX_LENGTH:
        message = f"the query is longer than {MAX_LENGTH} characters"
        raise QueryError(message, MAX_LENGTH, "too_long", {"limit": MAX_LENGTH})
    return _Parser(query).parse_all()
