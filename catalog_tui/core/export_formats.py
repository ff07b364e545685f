"""How an export's formats are written (the model, what an export holds, is in export.py).

- YAML: PyYAML's safe dumper with no aliases and unsafe strings double-quoted; libyaml's emitter
  (~3x faster) wherever it writes the very same bytes. Characters a terminal could act on are
  escaped (`\\U0000202e`).
- JSON: orjson (or json) with two-space indents; unsafe characters as `\\u` escapes.
- CSV: one row per record; a list is a JSON array in its cell; a cell a spreadsheet would run as a
  formula starts with `'`; a byte-order mark first, for spreadsheets, unless told otherwise.

Each writer takes chunks of plain data and gives pieces as they are written, so that an export of a
million works is never in memory at once.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from .atomic import UTF8_BOM, dumps_json
from .text import UNSAFE_CHARACTERS, safe_display

# OWASP's formula triggers, and LF, which some spreadsheets also skip before a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class _ExportDumper(yaml.SafeDumper):
    """No aliases (the loader refuses them: alias bombs), and strings holding characters a terminal
    could act on in double quotes, the one YAML style where they can be escaped."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.representer.SafeRepresenter, text: str) -> yaml.ScalarNode:
    style = '"' if UNSAFE_CHARACTERS.search(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ExportDumper.add_representer(str, _represent_str)

_FastExportDumper: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CExportDumper(yaml.CSafeDumper):
        """_ExportDumper with libyaml's emitter: the same representers, ~3x faster, the same bytes
        (but for characters beyond the BMP, see _libyaml_writes_the_same)."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    _CExportDumper.add_representer(str, _represent_str)
    _FastExportDumper = _CExportDumper

# UTF-8 lead bytes of characters beyond the BMP (emoji …): libyaml counts them as unprintable.
_BEYOND_BMP = re.compile(rb"[\xf0-\xf4]")


def _libyaml_writes_the_same(data: Any) -> bool:
    """Whether libyaml's emitter writes `data` byte for byte as PyYAML's does: it escapes
    characters beyond the BMP (and so picks double quotes) where PyYAML writes them as they are,
    and it cannot write lone surrogates at all. JSON shows both cheaply."""
    try:
        return _BEYOND_BMP.search(dumps_json(data)) is None
    except (TypeError, ValueError):  # surrogates (UnicodeError is a ValueError), or not JSON data
        return False


def escaped(text: str) -> str:
    """Every unsafe character as a \\u escape (valid in JSON strings and YAML double quotes)."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        high, low = divmod(code - 0x10000, 0x400)  # JSON's surrogate pair
        return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"

    return UNSAFE_CHARACTERS.sub(escape, text)


def dump_yaml(data: Any) -> str:
    """`data` as export YAML: libyaml's emitter where it writes the same bytes, else PyYAML's."""
    fast = _FastExportDumper is not None and _libyaml_writes_the_same(data)
    dumper = _FastExportDumper if fast else _ExportDumper
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    return UNSAFE_CHARACTERS.sub(lambda m: f"\\U{ord(m.group()):08x}", text)


def yaml_pieces(sections: list[tuple[str, Iterator[list[Any]]]]) -> Iterator[str]:
    """dump_yaml of the sections' mapping, a chunk at a time. A block sequence under a top-level
    key is written at the key's indentation, exactly as a top-level sequence is, so each chunk
    is dumped as a list of its own; a section with no items is dumped whole (`name: []`)."""
    if not sections:
        yield dump_yaml({})
    for name, chunks in sections:
        first = next(chunks, None)
        if not first:
            yield dump_yaml({name: []})
            continue
        yield dump_yaml({name: None}).replace(" null\n", "\n", 1)  # the key, as the dumper writes it
        yield dump_yaml(first)
        for chunk in chunks:
            yield dump_yaml(chunk)


def json_pieces(sections: list[tuple[str, Iterator[list[Any]]]]) -> Iterator[str]:
    """dumps_json(…, indent=True) of the sections' mapping, escaped, a chunk at a time."""
    if not sections:
        yield "{}\n"
        return
    yield "{"
    for number, (name, chunks) in enumerate(sections):
        key = dumps_json(name).decode("utf-8")
        yield f"{',' if number else ''}\n  {key}: ["
        written = False
        for chunk in chunks:
            if not chunk:
                continue
            listed = dumps_json(chunk, indent=True).decode("utf-8")  # "[\n  {…},\n  {…}\n]"
            items = listed[2:-2].replace("\n", "\n  ")  # strings hold no raw newline in JSON
            yield f"{',' if written else ''}\n  {escaped(items)}"
            written = True
        yield "\n  ]" if written else "]"
    yield "\n}\n"


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula trigger gets a `'` before it."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return neutralised(json.dumps(value, ensure_ascii=False))
    if value is None:
        return ""
    return neutralised(value) if isinstance(value, str) else value


def csv_pieces(
    header: Iterable[str], chunks: Iterable[list[dict[str, Any]]], *, for_terminal: bool, bom: bool
) -> Iterator[bytes]:
    """The CSV of `chunks` of records (plain data, keys in `header` order), a chunk at a time.
    `for_terminal`: rows end in LF alone and cells show control characters visibly."""
    buffer = io.StringIO()
    # On a terminal, rows end in LF alone: a CR is a control character like any other there.
    writer = csv.writer(buffer, lineterminator="\n" if for_terminal else "\r\n")
    writer.writerow(header)
    first = True
    for chunk in chunks:
        for record in chunk:
            cells = [csv_cell(value) for value in record.values()]
            if for_terminal:
                cells = [safe_display(c, single_line=False) if isinstance(c, str) else c for c in cells]
            writer.writerow(cells)
        yield _taken(buffer, bom and first)
        first = False
    if first:  # no records: the header alone
        yield _taken(buffer, bom)


def _taken(buffer: io.StringIO, bom: bool) -> bytes:
    """What the buffer holds, as UTF-8 (after a byte-order mark if asked); the buffer is emptied."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return (UTF8_BOM if bom else b"") + text.encode("utf-8")
