"""The seeded snapshot (`store.catalog.json`): its TinyDB tables, written as a stream and read back
into a Catalog whose works are built when first shown, with the saved search index.

Tables: `_snapshot` (schema and the catalogue's content hash), `documents`, one table per record
section, `_index` (SearchIndex.to_saved()). A work is one document {"row": [...]} holding the Work's
fields in declaration order, then its stored search texts (STORED_KEYS): positional rows parse and
build about twice as fast as keyed ones and take a third less memory while the snapshot is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any

from .atomic import dumps_json, loads_json
from .index import INDEX_VERSION, STORED_KEYS, SearchIndex
from .loader import validation_problems
from .model import RECORD_TYPES, Catalog, LazyWorks, Source, Work

SCHEMA_VERSION = 5  # 2: saved search index; 3: works as rows; 4: a checksum; 5: edition, en_source
SNAPSHOT_TABLE = "_snapshot"
INDEX_TABLE = "_index"
# The file ends with a table holding the SHA-256 of every byte before it, so that a flipped byte
# that still leaves valid JSON (a rank, a length, a type) is caught before anything is trusted.
_CHECKSUM_HEAD = b',"_checksum":{"1":{"sha256":"'
_CHECKSUM_TAIL = b'"}}}'
_CHECKSUM_LENGTH = len(_CHECKSUM_HEAD) + 64 + len(_CHECKSUM_TAIL)
_ROW = "row"
_WORK_FIELDS = tuple(spec.name for spec in fields(Work))


class SnapshotStale(Exception):
    """The snapshot holds another catalogue's content (e.g. a second catalog-tui reseeded), or was
    written in another format; the message says which."""


class SnapshotDamaged(ValueError):
    """The snapshot's bytes do not match its checksum, or its content does not have the shape
    this version writes: it is moved aside and the catalogue reseeded."""


def snapshot_chunks(catalog: Catalog, index: SearchIndex, digest: str) -> Iterator[bytes]:
    """The snapshot's JSON, a table or a work at a time (the rows and the whole file's bytes are
    never all in memory), ending with the checksum of everything before it."""
    checksum = hashlib.sha256()
    for chunk in _content_chunks(catalog, index, digest):
        checksum.update(chunk)
        yield chunk
    yield _CHECKSUM_HEAD + checksum.hexdigest().encode("ascii") + _CHECKSUM_TAIL


def _content_chunks(catalog: Catalog, index: SearchIndex, digest: str) -> Iterator[bytes]:
    tables: dict[str, dict[str, Any]] = {
        SNAPSHOT_TABLE: {"1": {"schema": SCHEMA_VERSION, "index": INDEX_VERSION, "catalog_hash": digest}},
        "documents": {str(i): doc.to_dict() for i, doc in enumerate(catalog.documents, 1)},
    }
    for section in RECORD_TYPES:
        if section != "works":
            tables[section] = {str(i): r.to_dict() for i, r in enumerate(getattr(catalog, section), 1)}
    tables[INDEX_TABLE] = {"1": index.to_saved()}
    yield b"{"
    for name, table in tables.items():
        yield dumps_json(name) + b":" + dumps_json(table) + b","
    yield b'"works":{'
    for position, work in enumerate(catalog.works):
        row = {_ROW: _work_row(work, *(getattr(index, key)[position] for key in STORED_KEYS))}
        yield b"%s%s:%s" % (b"," if position else b"", dumps_json(str(position + 1)), dumps_json(row))
    yield b"}"


def snapshot_tables(payload: bytes) -> dict[str, dict[str, Any]]:
    """The tables of a snapshot file's bytes; SnapshotDamaged when the checksum does not match
    or the content is not JSON tables."""
    content = len(payload) - _CHECKSUM_LENGTH
    head, tail = payload[content : content + len(_CHECKSUM_HEAD)], payload[-len(_CHECKSUM_TAIL) :]
    if content < 0 or head != _CHECKSUM_HEAD or tail != _CHECKSUM_TAIL:
        raise SnapshotDamaged("it has no checksum (truncated or edited?)")
    stored = payload[content + len(_CHECKSUM_HEAD) : -len(_CHECKSUM_TAIL)]
    if hashlib.sha256(memoryview(payload)[:content]).hexdigest().encode("ascii") != stored:
        raise SnapshotDamaged("it does not match its checksum")
    try:
        tables = loads_json(payload)
    except (ValueError, UnicodeDecodeError):
        raise SnapshotDamaged("it is not valid JSON") from None
    if type(tables) is not dict or not all(type(table) is dict for table in tables.values()):
        raise SnapshotDamaged("it is not a set of tables")
    del tables["_checksum"]
    return tables


def read_snapshot(
    tables: dict[str, dict[str, Any]], digest: str, progress: Callable[[int, int], None] | None = None
) -> tuple[Catalog, SearchIndex]:
    """The catalogue and index of a snapshot of the catalogue with content hash `digest`.
    SnapshotStale for another catalogue's; ValueError, KeyError, TypeError (and the like) for a
    snapshot of another shape, which the store then reseeds."""
    stamp: dict[str, Any] = next(iter(tables.get(SNAPSHOT_TABLE, {}).values()), {})
    if stamp.get("schema") != SCHEMA_VERSION or stamp.get("index") != INDEX_VERSION:
        # An upgrade changed the format: reseed quietly, no backup of a file that is not damaged.
        raise SnapshotStale("the seeded snapshot was written by another version of catalog-tui")
    if stamp.get("catalog_hash") != digest:
        raise SnapshotStale("the seeded snapshot holds another catalogue")
    rows = tables.pop("works")
    data: dict[str, Any] = {section: list(tables.get(section, {}).values()) for section in RECORD_TYPES}
    data["works"] = []
    data["documents"] = list(tables.get("documents", {}).values())
    # Statements name works, which are not in `data` (read lazily below): their `about` lists are
    # checked against the work rows' ids, not by the loader's reference check (every id unknown).
    abouts = _take_abouts(data)
    problems = validation_problems(data)  # the loader's own checks: every field of the right type
    if problems:
        raise SnapshotDamaged(f"it holds records of another shape: {problems[0]}")
    for statement, about in abouts:
        if type(about) is not list or not all(type(ref) is str for ref in about):
            raise SnapshotDamaged("it holds records of another shape: a statement's `about`")
        statement["about"] = about
    catalog = Catalog.from_dict(data)
    # Only the search texts are taken now: each work is built from its row when first shown
    # (model.LazyWorks), which at 100,000 works saves most of the time the browser waits for.
    total = len(rows)
    step = max(1, total // 50)
    columns: dict[str, list[str]] = {key: [] for key in ("id", *STORED_KEYS)}
    ids, hay, titles, titles_en = columns.values()
    work_rows = []
    for done, key in enumerate(list(rows)):
        row = rows.pop(key)[_ROW]
        if type(row) is not list or len(row) != len(_WORK_FIELDS) + len(STORED_KEYS):
            raise ValueError("a work row of another shape")
        texts = (row[0], *row[len(_WORK_FIELDS) :])
        if not all(type(text) is str for text in texts):
            raise TypeError("a work row of another shape")
        work_rows.append(row)
        ids.append(texts[0])
        hay.append(texts[1])
        titles.append(texts[2])
        titles_en.append(texts[3])
        if progress is not None and done % step == 0:
            progress(done, total)
    known = set(ids)
    if not all(ref in known for _statement, about in abouts for ref in about):
        raise SnapshotDamaged("it holds records of another shape: a statement about an unknown work")
    catalog.works = LazyWorks(work_rows, _work_from_row)
    index = SearchIndex.from_saved(catalog, columns, tables[INDEX_TABLE]["1"])
    if progress is not None:
        progress(total, total)
    return catalog, index


def _take_abouts(data: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """Each statement's `about` list, taken out of it (put back once its type is checked)."""
    taken = []
    for person in data.get("people") or ():
        statements = person.get("statements") if type(person) is dict else None
        for statement in statements if type(statements) is list else ():
            if type(statement) is dict and "about" in statement:
                taken.append((statement, statement.pop("about")))
    return taken


def _work_row(work: Work, *texts: str) -> list[Any]:
    values: list[Any] = [getattr(work, name) for name in _WORK_FIELDS]
    values[_WORK_FIELDS.index("sources")] = [[source.doc, source.quote] for source in work.sources]
    return [*values, *texts]


def _work_from_row(row: list[Any]) -> Work:
    """The work of a row whose id and texts were checked on reading; a field of another type
    (a hand-edited snapshot) reads as empty rather than failing where the work is shown."""
    (work_id, title, title_en, en_source, kind, year, edition, campaigns, channels, themes, facts,
     summary, sources, note) = row[: len(_WORK_FIELDS)]  # fmt: skip
    return Work(
        work_id, _text(title), _text(title_en), _text(en_source), _text(kind),
        year if type(year) is int else None, edition if type(edition) is int else None,
        _texts(campaigns), _texts(channels), _texts(themes), _texts(facts), _text(summary),
        tuple(Source(*pair) for pair in sources if _is_source(pair)) if type(sources) is list else (),
        _text(note),
    )  # fmt: skip


def _text(value: Any) -> str:
    return value if type(value) is str else ""


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(value for value in values if type(value) is str) if type(values) is list else ()


def _is_source(pair: Any) -> bool:
    return type(pair) is list and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is str
