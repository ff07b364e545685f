"""The seeded snapshot (`store.catalog.json`): what goes in its TinyDB tables, written as a stream,
and how they are read back into a Catalog whose works are built when first shown, with the saved
search index. How the tables sit in the file, and how they are checked, is snapshot_storage.py's.

Tables: `_snapshot` (schema and the catalogue's content hash), `documents`, one table per record
section but works, `_index` (SearchIndex.to_saved() but its postings), `_columns` (each work's
id): everything opening needs, read at open. Read when a query first needs them (or the app's
warm-up, once the list shows): a table per kind of postings (`_chars`, `_title_chars`, `_pairs`,
`_title_pairs`, `_syllables`: the index's POSTINGS_KEYS, most of its bytes), `_hay`, `_title_fold`
and `_title_en_fold` (the works' search texts and folded titles, in title order). Then
`works`: one document {"row": [...]} per work with its fields in declaration order, read only when
the work is first shown. Positional rows build about twice as fast as keyed ones. Each table is
checked against its own checksum when it is read (snapshot_storage.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from typing import Any

from .atomic import dumps_json
from .index import INDEX_VERSION, POSTINGS_KEYS, STORED_KEYS, SearchIndex
from .lazy_works import LazyWorks
from .loader import validation_problems
from .model import RECORD_TYPES, Catalog, Source, Work
from .snapshot_storage import (
    ANOTHER_VERSION,
    ROWS_TABLE,
    RowTable,
    SnapshotDamaged,
    SnapshotStale,
    snapshot_file_chunks,
)

__all__ = ["SCHEMA_VERSION", "SnapshotDamaged", "SnapshotStale", "read_snapshot", "snapshot_chunks"]

# 2: saved index; 3: works as rows; 4: a checksum; 5: edition; 6: columns apart; 7: search texts apart;
# 8: postings and folded titles apart, a checksum per table
SCHEMA_VERSION = 8
SNAPSHOT_TABLE = "_snapshot"
INDEX_TABLE = "_index"
COLUMNS_TABLE = "_columns"
COLUMNS = ("id",)
# The stored texts in title order, each read when first needed (by a search, or the warm-up).
BY_RANK_TABLES = {"hay": "_hay", "title_fold": "_title_fold", "title_en_fold": "_title_en_fold"}
HAY_TABLE = BY_RANK_TABLES["hay"]  # the search texts, the largest of them
# The index's postings, a table per kind, each read when a search first needs it.
POSTINGS_TABLES = {key: f"_{key}" for key in POSTINGS_KEYS}
_ROW = "row"
_WORK_FIELDS = tuple(spec.name for spec in fields(Work))
_COLUMN_PIECE = 10_000  # strings per piece of a column while writing
OnDamage = Callable[[str], None]


def snapshot_chunks(
    catalog: Catalog,
    index: SearchIndex,
    digest: str,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[bytes]:
    """The snapshot file's bytes, a piece at a time (the rows and the file are never all in
    memory), for `atomic_write_bytes`. `progress(stage, done, total)`: "writing index" by parts
    of the tables before the rows (the saved index, a key at a time; the columns, a piece at a
    time), then "writing store" by rows written, every few thousand."""
    size = len(catalog.works)
    tables: list[tuple[str, Any]] = [
        (SNAPSHOT_TABLE, {"1": {"schema": SCHEMA_VERSION, "index": INDEX_VERSION, "catalog_hash": digest}}),
        ("documents", {str(i): doc.to_dict() for i, doc in enumerate(catalog.documents, 1)}),
    ]
    for section in RECORD_TYPES:
        if section != "works":
            tables.append(
                (section, {str(i): r.to_dict() for i, r in enumerate(getattr(catalog, section), 1)})
            )
    saved = index.to_saved()
    postings = {key: saved.pop(key) for key in POSTINGS_KEYS}
    tables += [(POSTINGS_TABLES[key], {"1": {"saved": value}}) for key, value in postings.items()]
    columns = {"id": [work.id for work in catalog.works]}
    by_rank = {key: {"by_rank": index.stored_by_rank(key)} for key in STORED_KEYS}
    parts = _Parts(
        progress, len(tables) + _INDEX_PARTS + _pieces(columns) + sum(map(_pieces, by_rank.values()))
    )
    head: list[tuple[str, Iterable[bytes]]] = [
        (name, parts.each([dumps_json(value)])) for name, value in tables
    ]
    head.append((INDEX_TABLE, _index_pieces(saved, parts)))
    head.append((COLUMNS_TABLE, _columns_pieces(columns, parts)))
    head += [(BY_RANK_TABLES[key], _columns_pieces(texts, parts)) for key, texts in by_rank.items()]
    written = None if progress is None else (lambda rows: progress("writing store", rows, size))
    if progress is not None:
        progress("writing index", 0, parts.total)
    yield from snapshot_file_chunks(head, ({_ROW: _work_row(work)} for work in catalog.works), written)


_INDEX_PARTS = 12  # about the saved index's keys: its parts in the "writing index" progress


class _Parts:
    """The "writing index" progress: parts of the tables before the rows, reported as written."""

    def __init__(self, progress: Callable[[str, int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def advance(self, parts: int = 1) -> None:
        self.done = min(self.done + parts, self.total)
        if self.progress is not None:
            self.progress("writing index", self.done, self.total)

    def each(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            yield piece
            self.advance()


def _index_pieces(saved: Mapping[str, Any], parts: _Parts) -> Iterator[bytes]:
    """{"1": saved}, a key at a time (the saved index but its postings)."""
    start = parts.done
    yield b'{"1":{'
    for number, (key, value) in enumerate(saved.items()):
        yield b"%s%s:%s" % (b"," if number else b"", dumps_json(key), dumps_json(value))
        parts.advance()
    yield b"}}"
    parts.advance(max(0, start + _INDEX_PARTS - parts.done))  # never back, should keys be added


def _columns_pieces(columns: Mapping[str, Sequence[str]], parts: _Parts) -> Iterator[bytes]:
    """{"1": {"id": [...], ...}} in pieces of a few thousand strings, each a part written."""
    yield b'{"1":{'
    for number, (name, values) in enumerate(columns.items()):
        yield b"%s%s:[" % (b"," if number else b"", dumps_json(name))
        for start in range(0, len(values), _COLUMN_PIECE):
            piece = dumps_json(list(values[start : start + _COLUMN_PIECE]))[1:-1]
            yield b"," + piece if start else piece
            parts.advance()
        yield b"]"
    yield b"}}"


def _pieces(columns: Mapping[str, Sequence[str]]) -> int:
    """How many pieces (of strings) _columns_pieces writes."""
    return sum(-(-len(values) // _COLUMN_PIECE) for values in columns.values())


def read_snapshot(
    tables: Mapping[str, Mapping[str, Any]],
    digest: str,
    progress: Callable[[int, int], None] | None = None,
    on_damage: OnDamage | None = None,
) -> tuple[Catalog, SearchIndex]:
    """The catalogue and index of a snapshot of the catalogue with content hash `digest`, from
    its (checked) tables. SnapshotStale for another catalogue's; SnapshotDamaged, ValueError,
    KeyError, TypeError (and the like) for a snapshot of another shape, which the store then
    reseeds. A work's row is read when the work is first asked for; one that fails its check
    calls `on_damage(problem)` and shows as its id alone."""
    stamp: dict[str, Any] = next(iter(tables.get(SNAPSHOT_TABLE, {}).values()), {})
    if stamp.get("schema") != SCHEMA_VERSION or stamp.get("index") != INDEX_VERSION:
        # An upgrade changed the format: reseed quietly, no backup of a file that is not damaged.
        raise SnapshotStale(ANOTHER_VERSION)
    if stamp.get("catalog_hash") != digest:
        raise SnapshotStale("the seeded snapshot holds another catalogue")
    columns = tables[COLUMNS_TABLE]["1"]
    rows = tables[ROWS_TABLE]
    if (
        type(columns) is not dict
        or not isinstance(rows, RowTable)
        or not all(name in tables for name in (*POSTINGS_TABLES.values(), *BY_RANK_TABLES.values()))
    ):
        raise SnapshotDamaged("its columns or rows are of another shape")
    size = len(rows)
    for name in COLUMNS:
        values = columns.get(name)
        if type(values) is not list or len(values) != size or not set(map(type, values)) <= {str}:
            raise SnapshotDamaged(f"its column {name!r} does not fit the works")
    ids: list[str] = columns["id"]
    # Every section but the works, whose rows are read only when shown.
    data: dict[str, Any] = {s: list(tables.get(s, {}).values()) for s in RECORD_TYPES if s != "works"}
    data["documents"] = list(tables.get("documents", {}).values())
    # The loader's own checks (every field of the right type), the works' ids from their column.
    problems = validation_problems({**data, "people": _about_unknown_works(data["people"], ids)})
    if problems:
        raise SnapshotDamaged(f"it holds records of another shape: {problems[0]}")
    catalog = Catalog.from_dict(data)
    if progress is not None:
        progress(size * 2 // 9, size)  # in works: the columns and sections read, the index is the rest
    catalog.works = LazyWorks(size, _builder(rows, ids, on_damage))
    saved = tables[INDEX_TABLE]["1"]
    index = SearchIndex.from_saved(
        catalog, columns, saved, on_damage, _by_rank_reader(tables, size, on_damage),
        _postings_reader(tables, on_damage),
    )  # fmt: skip
    catalog.work_positions = index.position_by_id  # by-id lookups without building the works
    if progress is not None:
        progress(size, size)
    return catalog, index


def _by_rank_reader(
    tables: Mapping[str, Mapping[str, Any]], size: int, on_damage: OnDamage | None
) -> Callable[[str], list[str]]:
    """Reads a stored text (the search texts, the folded titles) when a query (or warm()) first
    needs it: a third of opening a million works was parsing the search texts. Texts of another
    shape go to `on_damage`, as a damaged row does, and read as empty (nothing found in them);
    without `on_damage`, SnapshotDamaged."""

    def read(key: str) -> list[str]:
        try:
            texts = tables[BY_RANK_TABLES[key]]["1"]["by_rank"]
            if type(texts) is not list or len(texts) != size or not set(map(type, texts)) <= {str}:
                raise SnapshotDamaged("its search texts do not fit the works")
        except (ValueError, OSError, KeyError, TypeError) as error:  # SnapshotDamaged is a ValueError
            if on_damage is None:
                raise
            on_damage(str(error) or "its search texts are unreadable")
            return [""] * size
        return texts

    return read


def _postings_reader(
    tables: Mapping[str, Mapping[str, Any]], on_damage: OnDamage | None
) -> Callable[[str], Any]:
    """Reads a kind of the index's postings when a query (or warm()) first needs it: most of the
    index's bytes, none needed to show the list. A table that fails its check goes to
    `on_damage`, as a damaged row does, and reads as no postings (nothing found); without
    `on_damage`, raises. (The postings' own shape is checked by the index.)"""

    def read(key: str) -> Any:
        try:
            return tables[POSTINGS_TABLES[key]]["1"]["saved"]
        except (ValueError, OSError, KeyError, TypeError) as error:  # SnapshotDamaged is a ValueError
            if on_damage is None:
                raise
            on_damage(str(error) or "its postings are unreadable")
            return None

    return read


def _about_unknown_works(people: list[Any], ids: list[str]) -> list[Any]:
    """The people as validation is to see them without the works: each statement's `about` keeps
    only the ids that are not among the works, which validation then reports."""
    about = [
        statement["about"]
        for person in people
        if type(person) is dict and type(person.get("statements")) is list
        for statement in person["statements"]
        if type(statement) is dict and type(statement.get("about")) is list
    ]
    if not about:
        return people
    known = set(ids)
    return [
        {**person, "statements": [
            {**st, "about": [ref for ref in st["about"] if ref not in known]}
            if type(st) is dict and type(st.get("about")) is list else st
            for st in person["statements"]
        ]}
        if type(person) is dict and type(person.get("statements")) is list else person
        for person in people
    ]  # fmt: skip


def _builder(rows: RowTable, ids: list[str], on_damage: OnDamage | None) -> Callable[[int], Work]:
    def build(position: int) -> Work:
        try:
            row = rows.document(position).get(_ROW)
            if type(row) is not list or len(row) != len(_WORK_FIELDS) or row[0] != ids[position]:
                raise SnapshotDamaged("a work's row is of another shape")
        except (SnapshotDamaged, OSError) as error:
            if on_damage is not None:
                on_damage(str(error))
            return Work(ids[position])
        return _work_from_row(row)

    return build


def _work_row(work: Work) -> list[Any]:
    values: list[Any] = [getattr(work, name) for name in _WORK_FIELDS]
    values[_WORK_FIELDS.index("sources")] = [[source.doc, source.quote] for source in work.sources]
    return values


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
