"""The catalogue checks: every section, record and field of plain catalogue data (as the loader
builds it), and the references between records; each problem with the path to the value at fault.
The loader gives each its line and column."""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from datetime import date, datetime
from typing import Any, NamedTuple

from catalog_tui.core.model import (
    CAMPAIGN_KINDS,
    CHANNEL_KINDS,
    EN_SOURCES,
    EVENT_KINDS,
    ORGANISATION_KINDS,
    POLICY_KINDS,
    RECORD_TYPES,
    STATEMENT_LINKS,
    WORK_TYPES,
    Document,
)
from catalog_tui.core.seed_progress import REPORT_EVERY

SECTIONS: tuple[str, ...] = ("documents", *RECORD_TYPES)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


Path = tuple[Any, ...]


class Issue(NamedTuple):
    path: Path
    message: str
    at_key: bool = False  # point at the key (unknown field) rather than the value
    first: Path | None = None  # where a duplicated id was first defined


_Check = Callable[["Validator", Any, Path, str], None]

_TYPE_NAMES: dict[type, str] = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}
_TYPE_NAMES |= {list: "a list", dict: "a mapping", type(None): "nothing (null)", bytes: "binary data"}
_TYPE_NAMES |= {set: "a set", date: "a date", datetime: "a date and time"}


def show(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(value: Any, *, show_value: bool = True) -> str:
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    return f"{name} ({show(value)})" if show_value and isinstance(value, str | int | float | date) else name


def _expected(what: str, value: Any) -> str:
    message = f"expected {what}, got {_describe(value)}"
    if what == "a string" and isinstance(value, int | float | date):  # YAML read `2024-01-05` as a date
        message += "; put it in quotes to keep it as text"
    return message


def _suggest(word: Any, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1) if isinstance(word, str) else []
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_text(v: Validator, value: Any, where: Path, key: str) -> None:
    if type(value) is not str:
        v.report((*where, key), _expected("a string", value))


def _check_required_text(v: Validator, value: Any, where: Path, key: str) -> None:
    if type(value) is not str:
        v.report((*where, key), _expected("a string", value))
    elif not value.strip():
        v.report((*where, key), "must not be empty")


def _check_id(v: Validator, value: Any, where: Path, key: str) -> None:
    if type(value) is not str:
        v.report((*where, key), _expected("a string", value))
    elif not _ID.fullmatch(value):
        v.report((*where, key), f"{show(value)} is not a valid id (ASCII letters, digits, '.', '_', '-')")


def _check_year(v: Validator, value: Any, where: Path, key: str) -> None:
    if type(value) is not int:
        v.report((*where, key), _expected("a year as a number (2024, no quotes)", value))
    elif not 1900 <= value <= 2100:
        v.report((*where, key), f"year {value} is outside 1900..2100")


# The store (orjson) holds 64-bit integers; a figure beyond them could be validated but never seeded.
_SMALLEST, _LARGEST = -(2**63), 2**63 - 1


def _check_number(v: Validator, value: Any, where: Path, key: str) -> None:
    if type(value) is not int and (type(value) is not float or not math.isfinite(value)):
        v.report((*where, key), _expected("a finite number", value))
    elif type(value) is int and not _SMALLEST <= value <= _LARGEST:
        v.report((*where, key), f"{show(value)} is out of range ({_SMALLEST} to {_LARGEST})")


def _check_strings(v: Validator, value: Any, where: Path, key: str) -> None:
    if type(value) is not list:
        v.report((*where, key), _expected("a list of strings", value))
        return
    for index, item in enumerate(value):
        if type(item) is not str:
            v.report((*where, key, index), _expected("a string", item))


def _passages_check(fields: tuple[str, ...], noun: str) -> _Check:
    """A list of quoted passages (sources, statements): mappings with `fields`, doc and quote
    required, strings; a statement's links (`about` …) are lists of ids."""
    listed = ", ".join(fields[:-1]) + " and " + fields[-1]

    def check(v: Validator, value: Any, where: Path, key: str) -> None:
        if type(value) is not list:
            v.report((*where, key), _expected(f"a list of {noun} ({', '.join(fields)})", value))
            return
        for index, passage in enumerate(value):
            at = (*where, key, index)
            if type(passage) is not dict:
                v.report(at, _expected(f"a mapping with {listed}", passage))
                continue
            for field_name, item in passage.items():
                if field_name not in fields:
                    v.unknown_field(at, field_name, fields)
                elif field_name in STATEMENT_LINKS:
                    _check_strings(v, item, at, field_name)
                elif type(item) is not str:
                    v.report((*at, field_name), _expected("a string", item))
            v.require(at, passage, ("doc", "quote"))

    return check


def _vocabulary_check(vocabulary: dict[str, Any], empty_allowed: bool = False) -> _Check:
    allowed = ", ".join(vocabulary)

    def check(v: Validator, value: Any, where: Path, key: str) -> None:
        if empty_allowed and value == "":  # an export writes every key: empty means not given
            return
        if type(value) is not str:
            v.report((*where, key), _expected("a string", value))
        elif value not in vocabulary:
            v.report((*where, key), f"{show(value)} is not one of {allowed}{_suggest(value, vocabulary)}")

    return check


_VOCABULARIES = {"works": WORK_TYPES, "campaigns": CAMPAIGN_KINDS, "channels": CHANNEL_KINDS}
_VOCABULARIES |= {"policies": POLICY_KINDS, "events": EVENT_KINDS, "organisations": ORGANISATION_KINDS}
_REQUIRED = {
    "documents": ("file", "title"),
    "works": ("id", "title", "type"),
    "figures": ("id", "label", "value"),
}
_BY_NAME: dict[str, _Check] = {"id": _check_id, "year": _check_year, "value": _check_number}
_BY_NAME |= {"edition": _check_year, "en_source": _vocabulary_check(EN_SOURCES, empty_allowed=True)}
_BY_NAME |= {
    "sources": _passages_check(("doc", "quote"), "sources"),
    "statements": _passages_check(("doc", "quote", *STATEMENT_LINKS), "statements"),
}
_BY_TYPE: dict[str, _Check] = {"str": _check_text, "tuple[str, ...]": _check_strings}


class _SectionSpec(NamedTuple):
    checks: dict[str, _Check]
    required: tuple[str, ...]
    identity: str  # the field that must be unique within the section


def _section_spec(section: str, record_type: type) -> _SectionSpec:
    required = _REQUIRED.get(section, ("id", "name"))
    checks: dict[str, _Check] = {}
    for spec in fields(record_type):
        if spec.name in ("type", "kind") and section in _VOCABULARIES:
            checks[spec.name] = _vocabulary_check(_VOCABULARIES[section])
        elif spec.name in _BY_NAME:
            checks[spec.name] = _BY_NAME[spec.name]
        elif spec.type == "str" and spec.name in required:
            checks[spec.name] = _check_required_text
        else:  # a KeyError here means model.py grew a field type this module does not know yet
            checks[spec.name] = _BY_TYPE[str(spec.type)]
    return _SectionSpec(checks, required, "file" if section == "documents" else "id")


_SPECS = {"documents": _section_spec("documents", Document)}
_SPECS |= {section: _section_spec(section, cls) for section, cls in RECORD_TYPES.items()}
# (section, field, section referred to, noun): every id in the field names a record of that section.
_REFERENCES = (
    ("works", "campaigns", "campaigns", "campaign"),
    ("works", "channels", "channels", "channel"),
    ("campaigns", "based_on", "campaigns", "campaign"),
    ("campaigns", "issued_by", "organisations", "organisation"),
    ("policies", "issued_by", "organisations", "organisation"),
    ("people", "organisations", "organisations", "organisation"),
    ("people", "channels", "channels", "channel"),
    ("organisations", "parent", "organisations", "organisation"),
)
_NOUNS = {"works": "work", "campaigns": "campaign", "channels": "channel", "policies": "policy"}  # statements


# advance(records): a pass over that many more records is done (seed_progress.WorksWorth.advance).
Advance = Callable[[int], None]


def counted(items: list[Any], advance: Advance | None) -> Iterable[Any]:
    """`items`, with `advance` told every REPORT_EVERY of them and once at the end."""
    if advance is None:
        return items
    return _counting(items, advance)


def _counting(items: list[Any], advance: Advance) -> Iterator[Any]:
    for start in range(0, len(items), REPORT_EVERY):
        piece = items[start : start + REPORT_EVERY]
        yield from piece
        advance(len(piece))


class Validator:
    def __init__(self, advance: Advance | None = None) -> None:
        """`advance(n)`, if given, is told as the checks pass records (see check_units)."""
        self.issues: list[Issue] = []
        self.advance = advance

    @staticmethod
    def check_units(data: Any) -> int:
        """How many records run() passes, summed over its passes: what it tells `advance`."""
        if type(data) is not dict:
            return 0
        sizes = {s: len(items) for s, items in data.items() if s in _SPECS and type(items) is list}
        references = sum(sizes.get(section, 0) for section, *_ in _REFERENCES)
        return sum(sizes.values()) + references + sizes.get("people", 0)

    def report(self, path: Path, message: str, *, at_key: bool = False, first: Path | None = None) -> None:
        self.issues.append(Issue(path, message, at_key, first))

    def unknown_field(self, where: Path, key: Any, known: Iterable[str]) -> None:
        hint = _suggest(key, known) or f"; known fields: {', '.join(known)}"
        self.report((*where, key), f"unknown field {show(key)}{hint}", at_key=True)

    def require(self, where: Path, record: dict[Any, Any], names: Iterable[str]) -> None:
        for field_name in names:
            if field_name not in record:
                self.report(where, f"missing required field '{field_name}'")

    def run(self, data: Any) -> list[Issue]:
        if not isinstance(data, dict):
            sections = ", ".join(SECTIONS)
            self.report(
                (),
                f"the top level must be a mapping with {sections} (got {_describe(data, show_value=False)})",
            )
            return self.issues
        for section, items in data.items():
            if section not in _SPECS:
                hint = _suggest(section, SECTIONS) or f"; sections are {', '.join(SECTIONS)}"
                self.report((section,), f"unknown section {show(section)}{hint}", at_key=True)
            elif type(items) is list:
                self.check_section(section, items, _SPECS[section])
            elif items is not None:  # an empty `works:` is fine
                self.report((section,), _expected("a list of records", items))
        self.check_references(data)
        return self.issues

    def check_section(self, section: str, items: list[Any], spec: _SectionSpec) -> None:
        checks, required, identity = spec
        first_index: dict[str, int] = {}
        for index, record in enumerate(counted(items, self.advance)):
            where = (section, index)
            if type(record) is not dict:
                self.report(where, _expected("a mapping (one record)", record))
                continue
            nulls = []
            for key, value in record.items():
                check = checks.get(key)
                if check is None:
                    self.unknown_field(where, key, checks)
                elif value is None:
                    if key in required:
                        self.report((*where, key), f"'{key}' is required but has no value")
                    else:
                        nulls.append(key)  # `note:` left blank means "no note"
                else:
                    check(self, value, where, key)
            for key in nulls:
                del record[key]
            self.require(where, record, required)
            ident = record.get(identity)
            if type(ident) is str:
                if ident in first_index:
                    first = (section, first_index[ident], identity)
                    self.report((*where, identity), f"duplicate {identity} {show(ident)}", first=first)
                else:
                    first_index[ident] = index

    def check_references(self, data: dict[Any, Any]) -> None:
        known: dict[str, set[str]] = {}  # section -> its ids, gathered once per section

        def ids_of(section: str) -> set[str]:
            if section not in known:
                records = data.get(section)
                ids = (r.get("id") for r in records if type(r) is dict) if type(records) is list else ()
                known[section] = {ident for ident in ids if type(ident) is str}
            return known[section]

        for section, field_name, target, noun in _REFERENCES:
            single = _SPECS[section].checks[field_name] is not _check_strings  # `parent: id`
            for index, record in self.records_with(data, section, field_name, self.advance):
                refs = record[field_name]
                if single:
                    if refs != "":  # an export writes every key: empty means none
                        self.check_reference(refs, ids_of(target), (section, index, field_name), noun)
                elif type(refs) is list:  # a list field given a string was reported as such
                    for position, ref in enumerate(refs):
                        at: Path = (section, index, field_name, position)
                        self.check_reference(ref, ids_of(target), at, noun)
        for index, person in self.records_with(data, "people", "statements", self.advance):
            if type(person["statements"]) is not list:
                continue
            for number, statement in enumerate(person["statements"]):
                for field_name, target in STATEMENT_LINKS.items():
                    refs = statement.get(field_name) if type(statement) is dict else None
                    for position, ref in enumerate(refs if type(refs) is list else ()):
                        at = ("people", index, "statements", number, field_name, position)
                        self.check_reference(ref, ids_of(target), at, _NOUNS[target])

    @staticmethod
    def records_with(
        data: dict[Any, Any], section: str, field_name: str, advance: Advance | None = None
    ) -> Iterator[tuple[int, Any]]:
        """The section's records that have the field, by index; `advance` told as they are passed."""
        records = data.get(section)
        if type(records) is list:
            for index, record in enumerate(counted(records, advance)):
                if type(record) is dict and field_name in record:
                    yield index, record

    def check_reference(self, ref: Any, known: set[str], where: Path, noun: str) -> None:
        if type(ref) is str and ref not in known:
            hint = _suggest(ref, known) if len(known) < 2000 else ""  # difflib is O(n)
            self.report(where, f"unknown {noun} {show(ref)}{hint}")

    def check_document_texts(self, data: dict[Any, Any], base: str) -> None:
        """Each document's `text` is a file inside the catalogue's folder (a catalogue shared with
        someone cannot point their reader at files elsewhere on their machine)."""
        for index, document in self.records_with(data, "documents", "text"):
            text = document["text"]
            if type(text) is not str:
                continue
            where = ("documents", index, "text")
            parts = text.replace("\\", "/").split("/")
            if os.path.isabs(text) or ".." in parts:
                self.report(where, f"{show(text)} must be a path inside the catalogue's folder")
            elif not os.path.isfile(os.path.join(base, text)):
                self.report(where, f"no such file {show(text)} (paths are relative to the catalogue)")


def format_path(path: Path) -> str:
    return "".join(f"[{step}]" if type(step) is int else f".{step}" for step in path).lstrip(".")


def validation_problems(data: Any) -> list[str]:
    """What the catalogue checks find wrong with plain catalogue data, unlocated ("works[2].year: …")."""
    return [f"{format_path(issue.path)}: {issue.message}" for issue in Validator().run(data)]
