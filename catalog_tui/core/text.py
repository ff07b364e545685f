"""Text folding and pinyin keys: what makes 蘇東坡, 你好,苏东坡 and `sudongpo` find 你好，苏东坡.

Everything here is computed once per work at seed time and stored, so the search hot path only
compares prepared strings.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import islice
from operator import methodcaller

# A pinyin key is a syllable string such as "|ni|hao|su|dong|po": "|" marks where each syllable
# starts, so a query can match whole syllables, their initials, or a mix of both.
SYLLABLE_MARK = "|"
# Polyphonic characters (重 zhong/chong) get alternative keys; more than this adds noise, not recall.
MAX_PINYIN_VARIANTS = 8

_TONE_MARKS = re.compile(r"[\u0300-\u036f]")
_TONE_NUMBER = re.compile(r"(?<=[a-z])[1-5](?=[a-z]|$)")
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_HAN = re.compile(f"[{_HAN_RANGES}]")
_WORD = re.compile(r"[^\W_]+")


_CONVERTER_LOCK = threading.Lock()


@cache
def _converter() -> object | None:
    """OpenCC's traditional-to-simplified converter, or None where the library is missing; made
    once, though the app's warm-up thread and a search may ask for it at the same time."""
    with _CONVERTER_LOCK:
        return _opencc_converter()


@cache
def _opencc_converter() -> object | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency; degrade rather than crash
        return None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    converter = _converter()
    return converter.convert(text) if converter is not None else text  # type: ignore[attr-defined]


def fold(text: str) -> str:
    """The comparable form of a text: NFKC (full-width to half-width), simplified, case-folded,
    and stripped of everything that is not a letter or digit (punctuation and spaces)."""
    return "".join(_WORD.findall(normalized(text))) if text else ""


def normalized(text: str) -> str:
    """NFKC, simplified and case-folded: fold() before punctuation and spaces are dropped."""
    return to_simplified(_nfkc(text)).casefold() if text else ""


# Many texts are normalised as one, between separators that no step changes or drops: a call
# per text cost more than the work itself on short texts.
_SEPARATOR = "\n"
_NOT_WORD_OR_SEPARATOR = re.compile(r"[^\w\n]+|_+")


def normalized_many(texts: Sequence[str]) -> list[str]:
    """[normalized(text) for text in texts], computed at once."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) == len(texts) - 1:  # no text holds the separator itself
        parts = normalized(joined).split(_SEPARATOR)
        if len(parts) == len(texts):
            return parts
    return [normalized(text) for text in texts]


def fold_many(texts: Sequence[str]) -> list[str]:
    """[fold(text) for text in texts], computed at once."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) == len(texts) - 1:
        parts = _NOT_WORD_OR_SEPARATOR.sub("", normalized(joined)).split(_SEPARATOR)
        if len(parts) == len(texts):
            return parts
    return [fold(text) for text in texts]


@cache
def _compatibility() -> tuple[re.Pattern[str], dict[str, str]]:
    """The BMP characters NFKC changes whose compatibility decomposition is already their NFKC
    form (full-width letters and punctuation, ligatures …), and a pattern that finds them."""
    table = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        composed = unicodedata.normalize("NFKC", char)
        if composed != char and unicodedata.normalize("NFKD", char) == composed:
            table[char] = composed
    return re.compile("[" + "".join(map(re.escape, table)) + "]"), table


def _nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), four times faster on texts with full-width
    punctuation: replacing a character by its compatibility decomposition leaves the text's NFKD,
    hence its NFKC, unchanged, so when the replaced text is already NFKC it is the answer."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    pattern, table = _compatibility()
    replaced = pattern.sub(lambda match: table[match.group()], text)
    return replaced if unicodedata.is_normalized("NFKC", replaced) else unicodedata.normalize("NFKC", text)


def strip_tones(text: str, *, numbers: bool = True) -> str:
    """`sū dōng pō`, `su1dong1po1` and `lǘ` become `sudongpo` and `lv` (tone numbers only when
    `numbers`: a digit after a letter may also be a real digit, as in 第2季)."""
    text = unicodedata.normalize("NFKD", text.casefold()).replace("u\u0308", "v")
    text = _TONE_MARKS.sub("", text)
    return _TONE_NUMBER.sub("", text) if numbers else text


def is_han(char: str) -> bool:
    return bool(_HAN.match(char))


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


# Readings already looked up, and those a saved index brought along: a restart then finds the
# readings of every title character without importing pypinyin (0.3 s and 40 MB).
_READINGS: dict[str, tuple[str, ...]] = {}


def readings(char: str) -> tuple[str, ...]:
    """Every toneless pinyin reading of one Han character, most common first."""
    found = _READINGS.get(char)
    if found is None:
        found = _READINGS[char] = _looked_up_readings(char)
    return found


def _looked_up_readings(char: str) -> tuple[str, ...]:
    # Single characters only, so pypinyin's phrase dictionary (0.25 s and ~45 MB to load) is left
    # out; the readings of every catalogue character are the same (tests/test_pinyin_readings.py).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore", v_to_u=False)
    values = tuple(dict.fromkeys(r.replace("ü", "v") for r in found[0])) if found else ()
    return values or (char,)


def known_readings(chars: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The readings of the Han characters among `chars`, for an index to save."""
    return {char: readings(char) for char in sorted(set(chars)) if is_han(char)}  # stable bytes


def remember_readings(saved: dict[str, list[str]]) -> None:
    for char, values in saved.items():
        _READINGS.setdefault(char, tuple(values))


def syllables(text: str, limit: int | None = None) -> list[tuple[str, ...]]:
    """The text as a list of syllable slots: each Han character gives its readings, each run of
    letters or digits gives itself, and punctuation gives nothing. `limit`: the first so many
    slots only, and no work spent on the rest of a long text."""
    return slots_of(normalized(text), limit)


_GROUPS = methodcaller("groups")


@cache
def _slot() -> re.Pattern[str]:
    """A slot: a Han character that is a word character, or a run of word characters without Han
    (compiled when first used: ~10 ms, which the browser's first frame does not need)."""
    return re.compile(f"((?=[^\\W_])[{_HAN_RANGES}])|([^\\W_{_HAN_RANGES}]+)")


def slots_of(normalized_text: str, limit: int | None = None) -> list[tuple[str, ...]]:
    """syllables() of a text already normalized()."""
    matches = _slot().finditer(normalized_text)
    return [
        readings(han) if han else (run,)
        for han, run in map(_GROUPS, matches if limit is None else islice(matches, max(0, limit)))
    ]


def pinyin_keys(text: str) -> list[str]:
    """Syllable strings for a text: the most common reading of each character first, then keys
    where ONE polyphonic character takes another reading (重回 zhong-hui → chong-hui), which covers
    the usual case of a single misread character without the product of every combination."""
    if not has_han(text):
        return []
    slots = syllables(text)
    default = [slot[0] for slot in slots]
    keys = [SYLLABLE_MARK + SYLLABLE_MARK.join(default)]
    for position, slot in enumerate(slots):
        for reading in slot[1:]:
            if len(keys) >= MAX_PINYIN_VARIANTS:
                return keys
            variant = [*default[:position], reading, *default[position + 1 :]]
            keys.append(SYLLABLE_MARK + SYLLABLE_MARK.join(variant))
    return keys


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK) and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def sort_key(text: str, slots: list[tuple[str, ...]] | None = None) -> str:
    """A pinyin sort key, so 阿 sorts before 宝 and Latin titles interleave by sound (`slots`:
    the text's syllables() when the caller has them already)."""
    slots = syllables(text) if slots is None else slots
    return " ".join(slot[0] for slot in slots) or fold(text)


# C0/C1 controls (ESC sequences could move the cursor or retitle the terminal), bidi overrides
# and isolates (they reorder what follows), zero-width and other invisible format characters
# (invisible differences; terminals and Rich disagree on their width, which breaks columns), the
# Hangul fillers that look like blanks, and tag characters.
# Writers that escape them in their own syntax (JSON, YAML) use the same set.
UNSAFE_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_LINE_SEPARATORS = re.compile(r"[\u2028\u2029]")


def safe_display(text: str, *, single_line: bool = True) -> str:
    """Text that can be drawn as it is: controls become visible `\\xNN`-style placeholders,
    bidi, zero-width and other invisible characters are shown as `�`, and (by default) newlines,
    tabs and Unicode line separators become spaces so a value never breaks a row."""

    def visible(match: re.Match[str]) -> str:
        char = match.group()
        return f"\\x{ord(char):02x}" if ord(char) < 0xA0 else "\ufffd"

    cleaned = UNSAFE_CHARACTERS.sub(visible, text)
    if single_line:
        cleaned = cleaned.replace("\n", " ").replace("\t", " ").replace("\r", " ")
        return _LINE_SEPARATORS.sub(" ", cleaned)
    return _LINE_SEPARATORS.sub("\n", cleaned)
