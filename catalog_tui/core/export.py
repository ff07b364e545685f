"""The one export model: what `export`, `search --format` and the TUI's export dialog all write.

An export is a catalogue of its own. YAML and JSON hold the same sections, records and keys (every
field of a record, empty ones as null, "" or []), and `validate` and `--catalog` accept both. CSV
holds one section: one row per record, one column per key in the same order. Inside a CSV cell a
list is a JSON array (`["文化遗产", "文旅融合"]`, sources as `[{"doc": …, "quote": …}]`), the one
rule with its own escaping. Cells a spreadsheet would run as a formula (starting with = + - @, a tab,
CR or LF) start with a `'`, as OWASP advises. JSON and YAML write control characters, bidi overrides
and invisible characters as escapes (`\\u202e`): the data stays exact and the text is safe to show.
How each format is written is in export_formats.py; where files go and how, in export_file.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import islice
from typing import Any

from .export_formats import csv_pieces, json_pieces, yaml_pieces
from .export_tally import ExportProgress as ExportProgress  # re-exported: what callers know
from .export_tally import Tally, walk
from .model import RECORD_TYPES, STATEMENT_LINKS, Catalog, Figure, Record, Work
from .text import safe_display

FORMATS = ("yaml", "json", "csv")
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
SECTIONS = tuple(RECORD_TYPES)  # works, campaigns, channels, policies, events, figures, people, organisations
ALL = "all"
# Records rendered and written at a time: memory stays bounded, progress moves a few hundred times
# per 100,000 works, and each dump call's set-up is shared by enough records to vanish.
CHUNK = 500


class ExportError(Exception):
    """An export that did not happen; nothing was written at the target."""


def columns(section: str) -> tuple[str, ...]:
    """A section's keys in JSON and YAML, and its CSV header: the record's fields, in order."""
    return tuple(f.name for f in dataclasses.fields(RECORD_TYPES[section]))


def record_dict(record: Record) -> dict[str, Any]:
    """Every field of a record, empty or not, as plain data."""
    out: dict[str, Any] = {}
    for name in columns(record.SECTION):
        value = getattr(record, name)
        if name == "sources":
            value = [{"doc": source.doc, "quote": source.quote} for source in value]
        elif isinstance(value, tuple):
            value = [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
        out[name] = value
    return out


def selection(
    catalog: Catalog, section: str = "works", works: Sequence[Work] | None = None,
    figures: Sequence[Figure] | None = None, tally: Tally | None = None,
) -> dict[str, Sequence[Record]]:  # fmt: skip
    """The records an export holds, by section, in catalogue order of sections.

    `works` (default: every work) are the works of a `works` or `all` export, `figures` (default:
    every figure) those of a `figures` export; any other section is exported whole. Every export
    also carries the records its records link to (a work's campaigns and channels, a campaign's
    bases and issuer, a policy's issuer, a person's organisations, channels and the records their
    statements name, an organisation's parent), so that it is a valid catalogue of its own.
    `tally`: the export's progress, told of the passes over the records as they go."""
    if section not in (*SECTIONS, ALL):
        raise ExportError(f"unknown section '{section}' (choose one of {', '.join((*SECTIONS, ALL))})")
    chosen_works = catalog.works if works is None else works
    picked: dict[str, Sequence[Record]]
    if section == ALL:
        picked = {s: getattr(catalog, s) for s in SECTIONS}
        picked["works"] = chosen_works
    elif section == "works":
        picked = {"works": chosen_works}
    elif section == "figures" and figures is not None:
        picked = {"figures": figures}
    else:
        picked = {section: getattr(catalog, section)}
    return _with_links(catalog, picked, tally)


# The fields that link a record to others: (field, section linked to).
_LINKS = {
    "works": (("campaigns", "campaigns"), ("channels", "channels")),
    "campaigns": (("based_on", "campaigns"), ("issued_by", "organisations")),
    "policies": (("issued_by", "organisations"),),
    "people": (("organisations", "organisations"), ("channels", "channels")),
    "organisations": (("parent", "organisations"),),
}


# The sections a section's records can link to (statements: a person's).
_LINK_TARGETS = {section: {target for _, target in links} for section, links in _LINKS.items()}
_LINK_TARGETS["people"] |= set(STATEMENT_LINKS.values())


def _links(record: Record) -> Iterator[tuple[str, str]]:
    """The (section, id) pairs a record links to."""
    for field_name, target in _LINKS.get(record.SECTION, ()):
        value = getattr(record, field_name)
        for ident in (value,) if isinstance(value, str) else value:
            if ident:
                yield target, ident
    for statement in getattr(record, "statements", ()):
        for field_name, target in STATEMENT_LINKS.items():
            for ident in getattr(statement, field_name):
                yield target, ident


def _each(
    rows: Sequence[Record], reverse: bool = False, tally: Tally | None = None
) -> Generator[Record, None, None]:
    """The records, one at a time (see export_tally.walk), `tally` told every CHUNK."""
    return walk(rows, reverse, tally, CHUNK)


def _with_links(
    catalog: Catalog, picked: dict[str, Sequence[Record]], tally: Tally | None = None
) -> dict[str, Sequence[Record]]:
    """`picked` and, after the picked records of each section, the records they link to,
    transitively (in catalogue order, but for works); sections in the catalogue's order."""
    # A section picked whole holds every id already: its ids need no pass over its records, and
    # records whose links all point into whole sections need not be followed (an export of
    # everything walks no work here).
    whole = {s for s, rows in picked.items() if rows is getattr(catalog, s)}
    followed = [s for s in reversed(picked) if not _LINK_TARGETS.get(s, set()) <= whole]
    if tally is not None:
        passes = sum(len(rows) for s, rows in picked.items() if s not in whole)  # their ids
        tally.expect(passes + sum(len(picked[s]) for s in followed) + tally.after_selection(picked))
        tally.advance(0)
    held = {s: {r.id for r in _each(rows, tally=tally)} for s, rows in picked.items() if s not in whole}
    # The ids of each (small) section a pass may link to that are not in the export yet: once a
    # pass's targets have none left, the rest of its records cannot add any (no work is a target
    # but of people's statements, whose pass is never cut short).
    missing = {
        target: {r.id for r in getattr(catalog, target)} - held.get(target, set())
        for target in set().union(*(_LINK_TARGETS[s] for s in followed)) - whole - {"works"}
    }  # fmt: skip
    added: dict[str, list[Record]] = {}
    # Depth first from the last picked record back, each one's links followed to the end first.
    for section in followed:
        targets = _LINK_TARGETS[section] - whole
        records = _each(picked[section], reverse=True, tally=tally)
        for record in records:
            pending = [record]
            while pending:
                for target, ident in _links(pending.pop()):
                    if target in whole or ident in held.setdefault(target, set()):
                        continue
                    held[target].add(ident)
                    missing.get(target, set()).discard(ident)
                    if (linked := catalog.record(target, ident)) is not None:
                        added.setdefault(target, []).append(linked)
                        pending.append(linked)
            if "works" not in targets and not any(missing[t] for t in targets):
                records.close()  # every record this section can link to is in the export already
                break
    if tally is not None:
        tally.expect(tally.after_selection(added))
    return {
        # A section nothing was added to stays the sequence it was (the catalogue's lazy works).
        s: [*picked.get(s, ()), *_in_catalogue_order(catalog, s, added[s])] if s in added else picked[s]
        for s in SECTIONS
        if s in picked or s in added
    }


def _in_catalogue_order(catalog: Catalog, section: str, records: list[Record]) -> list[Record]:
    if section == "works" or len(records) < 2:  # works as found: ordering them would build them all
        return records
    ids = {r.id for r in records}
    return [r for r in getattr(catalog, section) if r.id in ids]


def catalogue_data(catalog: Catalog, records: dict[str, Sequence[Record]]) -> dict[str, Any]:
    """The export as a catalogue: the documents its records cite, then its sections."""
    return {
        name: [item for chunk in chunks for item in chunk] for name, chunks in _sections(catalog, records)
    }


def _sections(
    catalog: Catalog,
    records: dict[str, Sequence[Record]],
    progress: ExportProgress | None = None,
    tally: Tally | None = None,
) -> list[tuple[str, Iterator[list[Any]]]]:
    """catalogue_data's sections, each as its name and its items in chunks of plain data built as
    they are taken (so that the whole export is never in memory); `progress` after each chunk
    (or `tally`: told of the pass for the documents cited too)."""
    files = {d.file for d in catalog.documents}
    cited: set[str] = set()
    for rows in records.values():
        passing = _each(rows, tally=tally)
        for r in passing:
            cited.update(s.doc for s in (*getattr(r, "sources", ()), *getattr(r, "statements", ())))
            if files <= cited:  # every document is cited: the rest of the records cannot add one
                passing.close()
                break
    # The articles' texts stay with the catalogue: an export written elsewhere would name missing files.
    documents = [replace(d, text="").to_dict() for d in catalog.documents if d.file in cited]
    sections = [("documents", iter([documents]))] if documents else []
    return sections + list(_chunked(records, progress, tally).items())


def _chunked(
    records: dict[str, Sequence[Record]], progress: ExportProgress | None, tally: Tally | None = None
) -> dict[str, Iterator[list[dict[str, Any]]]]:
    """Each section's records as plain data, CHUNK at a time, built as they are taken;
    `progress(records done, total)` at the start and after each chunk (or `tally` after each)."""
    total = sum(len(rows) for rows in records.values())
    done = 0

    def chunks(rows: Sequence[Record]) -> Iterator[list[dict[str, Any]]]:
        nonlocal done
        each = _each(rows)
        while chunk := [record_dict(r) for r in islice(each, CHUNK)]:
            yield chunk
            done += len(chunk)
            if tally is not None:
                tally.advance(len(chunk))
            elif progress is not None:
                progress(done, total)

    if progress is not None and tally is None:
        progress(0, total)
    return {section: chunks(rows) for section, rows in records.items()}


def counts(records: dict[str, Sequence[Record]], section: str) -> dict[str, int]:
    """How many records of the asked-for section(s) an export holds (what the user is told)."""
    shown = SECTIONS if section == ALL else (section,)
    return {s: len(records.get(s, ())) for s in shown}


def render(
    catalog: Catalog,
    works: Sequence[Work] | None,
    fmt: str,
    *,
    section: str = "works",
    figures: Sequence[Figure] | None = None,
    query: str = "",
    now: datetime | None = None,
    for_terminal: bool = False,
    bom: bool = True,
) -> bytes:
    """The export as bytes. `for_terminal`: CSV cells with control characters made visible (JSON
    and YAML are always safe to show). `bom`: CSV starts with a byte-order mark, for spreadsheets."""
    records = selection(catalog, section, works, figures)
    return b"".join(
        render_pieces(
            catalog, records, fmt, section=section, query=query, now=now, for_terminal=for_terminal, bom=bom
        )
    )


def render_pieces(
    catalog: Catalog,
    records: dict[str, Sequence[Record]],
    fmt: str,
    *,
    section: str = "works",
    query: str = "",
    now: datetime | None = None,
    for_terminal: bool = False,
    bom: bool = True,
    progress: ExportProgress | None = None,
    tally: Tally | None = None,
) -> Iterator[bytes]:
    """The export of `records` (from `selection`) as pieces of bytes rendered as they are taken, a
    few hundred records at a time, so that a large export can be written without being held in
    memory; `progress(done, total)` counts records (or `tally`, the selection's, goes on counting
    the export's passes and records written). Joined, the pieces are what `render` gives.
    An unknown format or a CSV of every section raises ExportError here, before any piece."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (choose one of {', '.join(FORMATS)})")
    if fmt == "csv" and section == ALL:
        raise ExportError("a CSV file holds one section: choose one with --section, or YAML or JSON")
    if fmt == "csv":
        rows = _chunked({section: records[section]}, progress, tally)[section]
        return csv_pieces(columns(section), rows, for_terminal=for_terminal, bom=bom)
    sections = _sections(catalog, records, progress, tally)
    if fmt == "json":
        return _encoded(json_pieces(sections))
    stamp = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    lines = ["# catalog-tui export: a catalogue of its own (catalog-tui validate accepts it)",
             f"# query: {safe_display(query) or '(none)'}",
             *(f"# {s}: {n}" for s, n in counts(records, section).items()), f"# date: {stamp}"]  # fmt: skip
    return _encoded(yaml_pieces(sections), "\n".join(lines) + "\n")


def _encoded(pieces: Iterable[str], head: str = "") -> Iterator[bytes]:
    if head:
        yield head.encode("utf-8")
    for piece in pieces:
        yield piece.encode("utf-8")
