"""Checking the user file (`store.json`): what is wrong with it and which rows can be kept.

TinyDB needs a mapping of tables, each a mapping of decimal document ids to mappings; the user
tables also need the fields this program reads. A file that no longer parses still gives up the
selection and saved-search rows that do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .atomic import UTF8_BOM, loads_json

USER_TABLES = ("selection", "saved_searches")


def _is_str(value: Any) -> bool:
    return type(value) is str


def _valid_filter(item: Any) -> bool:
    return (
        type(item) is dict
        and _is_str(item.get("field"))
        and _is_str(item.get("value"))
        and type(item.get("exclude", False)) is bool
    )


def _any_row(row: dict[str, Any]) -> bool:
    return True


_ROW_CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "selection": lambda row: _is_str(row.get("work_id")),
    "saved_searches": lambda row: (
        _is_str(row.get("name"))
        and _is_str(row.get("query"))
        and type(row.get("filters", [])) is list
        and all(_valid_filter(item) for item in row.get("filters", []))
    ),
}


_JSON_NAMES = {type(None): "null", str: "a string", list: "a list", int: "a number", float: "a number",
               bool: "a boolean"}  # fmt: skip


def _check_user_data(data: Any) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """(what is wrong or None, the tables and rows that can be kept). TinyDB needs a mapping of
    tables, each a mapping of decimal document ids to mappings; the user tables also need the
    fields this program reads. `meta` is kept only whole: a partial one would not say what it seeded."""
    if not isinstance(data, dict):
        return f"JSON {_JSON_NAMES.get(type(data), 'value')} instead of an object of tables", {}
    kept: dict[str, dict[str, Any]] = {}
    damage: list[str] = []
    for name, table in data.items():
        if not isinstance(table, dict):
            damage.append(f"table {name!r} is not an object")
            continue
        check = _ROW_CHECKS.get(name, _any_row)
        good_keys = all(key.isascii() and key.isdecimal() for key in table)
        rows = [row for row in table.values() if type(row) is dict and check(row)]
        if good_keys and len(rows) == len(table):
            kept[name] = table
        elif name == "meta":
            damage.append("table 'meta' is unreadable")
        else:
            if len(rows) < len(table):
                damage.append(f"{len(table) - len(rows)} unreadable row(s) in table {name!r}")
            else:
                damage.append(f"bad document ids in table {name!r}")
            kept[name] = {str(n): row for n, row in enumerate(rows, 1)}  # renumbered as TinyDB needs
    if damage:
        return "; ".join(damage), kept
    return None, kept


def check_user_file(payload: bytes | None) -> tuple[str | None, dict[str, dict[str, Any]]]:
    payload = (payload or b"").removeprefix(UTF8_BOM)  # an editor's BOM: read through, not damage
    if not payload.strip():
        return None, {}  # no store yet, or an empty file: nothing to keep, nothing lost
    try:
        data = loads_json(payload)
    except (ValueError, UnicodeDecodeError):
        text = payload.decode("utf-8", "replace")
        try:  # NaN or Infinity: Python's json reads them, orjson (and TinyDB here) does not
            problem, kept = _check_user_data(json.loads(text))
        except ValueError:
            return "not valid JSON (truncated or overwritten?)", _salvage(text)
        return "; ".join(filter(None, ("not strict JSON (NaN or Infinity)", problem))), kept
    return _check_user_data(data)


def _salvage(text: str) -> dict[str, dict[str, Any]]:
    """The selection and saved-search rows that still parse in a file that does not: each
    `{` is tried as the start of a row, and a row found is skipped whole."""
    decoder = json.JSONDecoder()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in USER_TABLES}
    at = text.find("{", 1)
    while at != -1:
        try:
            row, end = decoder.raw_decode(text, at)
        except ValueError:
            row, end = None, at + 1
        table = next((name for name in USER_TABLES if type(row) is dict and _ROW_CHECKS[name](row)), None)
        if table is None:
            end = at + 1  # a table, a filter or a broken row: look inside it
        else:
            rows[table].append(row)
        at = text.find("{", end)
    rows["selection"] = list({row["work_id"]: row for row in rows["selection"]}.values())
    return {name: {str(n): row for n, row in enumerate(found, 1)} for name, found in rows.items() if found}
