"""Exporting chosen works: YAML that is itself a valid catalogue, JSON of the same shape, or CSV.

Files are written atomically: a failure (disk full, permission, interruption) leaves no partial
file at the target and raises ExportError with a message that says what happened and where.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .atomic import atomic_write_bytes, dumps_json
from .model import Catalog, Figure, Work
from .text import safe_display

FORMATS = ("yaml", "json", "csv")
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CSV_COLUMNS = ("id", "title", "title_en", "type", "type_label", "year", "campaigns", "channels",
               "themes", "facts", "summary", "sources")  # fmt: skip


class _NoAliasDumper(yaml.SafeDumper):
    """Writes repeated values out in full: the loader refuses aliases (they enable alias bombs)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)


class ExportError(Exception):
    """An export that did not happen; nothing was written at the target."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    count: int
    format: str


def format_for(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The format asked for, else the one the file name's suffix implies, else YAML."""
    if explicit:
        if explicit not in FORMATS:
            raise ExportError(f"unknown format '{explicit}' (choose one of {', '.join(FORMATS)})")
        return explicit
    return _SUFFIXES.get(Path(path).suffix.lower(), "yaml")


def subset(catalog: Catalog, works: Sequence[Work], figures: Sequence[Figure] = ()) -> dict[str, Any]:
    """A catalogue holding `works` (and `figures`) and exactly the campaigns, channels and
    documents they cite."""
    campaign_ids = {c for w in works for c in w.campaigns}
    pending = list(campaign_ids)
    while pending:  # a campaign's bases come along, so the export's `based_on` links resolve
        campaign = catalog.campaign(pending.pop())
        bases = set(campaign.based_on) - campaign_ids if campaign else set()
        campaign_ids |= bases
        pending.extend(bases)
    channel_ids = {c for w in works for c in w.channels}
    doc_names = {s.doc for r in (*works, *figures) for s in r.sources}
    data: dict[str, Any] = {}
    # The articles' texts stay with the catalogue: an export written elsewhere would name missing files.
    documents = [replace(d, text="").to_dict() for d in catalog.documents if d.file in doc_names]
    if documents:
        data["documents"] = documents
    data["works"] = [w.to_dict() for w in works]
    data["campaigns"] = [c.to_dict() for c in catalog.campaigns if c.id in campaign_ids]
    data["channels"] = [c.to_dict() for c in catalog.channels if c.id in channel_ids]
    if figures:
        data["figures"] = [f.to_dict() for f in figures]
    return data


def _one_line(text: str) -> str:
    return _CONTROL.sub(" ", text)


def render(
    catalog: Catalog,
    works: Sequence[Work],
    fmt: str,
    *,
    query: str = "",
    now: datetime | None = None,
    figures: Sequence[Figure] = (),
) -> bytes:
    stamp = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    if fmt == "yaml":
        counts = f"# works: {len(works)}\n" + (f"# figures: {len(figures)}\n" if figures else "")
        header = (
            "# catalog-tui export: a catalogue of its own (catalog-tui validate accepts it)\n"
            f"# query: {_one_line(query) or '(none)'}\n{counts}# date: {stamp}\n"
        )
        return (header + dump_yaml(subset(catalog, works, figures))).encode("utf-8")
    if fmt == "json":
        meta = {"query": query, "count": len(works), "figures": len(figures), "date": stamp}
        return dumps_json({"export": meta, **subset(catalog, works, figures)}, indent=True) + b"\n"
    if fmt == "csv":
        return _figures_csv(figures) if figures and not works else _csv(catalog, works)
    raise ExportError(f"unknown format '{fmt}' (choose one of {', '.join(FORMATS)})")


def _csv(catalog: Catalog, works: Sequence[Work]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for work in works:
        campaigns = [c.name for i in work.campaigns if (c := catalog.campaign(i))]
        channels = [c.name for i in work.channels if (c := catalog.channel(i))]
        writer.writerow([
            work.id, work.title, work.title_en, work.type, work.type_label, work.year or "",
            "; ".join(campaigns), "; ".join(channels), "; ".join(work.themes), "; ".join(work.facts),
            work.summary, " | ".join(f"{s.doc}: {s.quote}" for s in work.sources),
        ])  # fmt: skip
    # A byte-order mark, so spreadsheet programs read the Chinese as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def _figures_csv(figures: Sequence[Figure]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("id", "label", "label_en", "value", "unit", "period", "note", "sources"))
    for f in figures:
        sources = " | ".join(f"{s.doc}: {s.quote}" for s in f.sources)
        writer.writerow((f.id, f.label, f.label_en, f.value, f.unit, f.period, f.note, sources))
    return buffer.getvalue().encode("utf-8-sig")


def export_works(
    catalog: Catalog,
    works: Sequence[Work],
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    query: str = "",
    overwrite: bool = False,
    figures: Sequence[Figure] = (),
) -> ExportResult:
    """Write `works` to `path` (`~` expanded); refuses to replace an existing file unless asked.
    Raises ExportError, whose message says what happened and where; nothing is then left at the
    target (an existing file keeps its content) and no temporary file stays behind."""
    try:
        target = Path(path).expanduser()
        chosen = format_for(target, fmt)
        if target.is_dir():
            raise ExportError(f"{_shown(target)} is a folder; give a file name")
        if target.exists() and not overwrite:
            raise ExportError(
                f"{_shown(target)} already exists; choose another name or overwrite it (--force)"
            )
        if not target.parent.is_dir():
            raise ExportError(f"the folder {_shown(target.parent)} does not exist")
    except (ValueError, RuntimeError) as error:  # a NUL in the name; `~` with no home folder
        raise ExportError(f"cannot use {_shown(path)} as a file name: {error}") from None
    except OSError as error:  # checking the name failed: too long, a loop of links, no access …
        raise ExportError(_failure(error, Path(path))) from None
    payload = render(catalog, works, chosen, query=query, figures=figures)
    try:
        atomic_write_bytes(target, payload, overwrite=overwrite)
    except FileExistsError:
        raise ExportError(f"{_shown(target)} appeared while exporting and was left as it is; "
                          "choose another name or overwrite it (--force)") from None  # fmt: skip
    except PermissionError:
        raise ExportError(f"no permission to write in {_shown(target.parent)}; nothing was written") from None
    except ValueError as error:  # a NUL in the name only shows when the file is created
        raise ExportError(f"cannot use {_shown(target)} as a file name: {error}") from None
    except OSError as error:
        raise ExportError(_failure(error, target)) from None
    return ExportResult(target, len(works) + len(figures), chosen)


def _shown(path: str | os.PathLike[str]) -> str:
    """A path as a message can show it: control characters made visible."""
    return safe_display(os.fsdecode(path))


def _failure(error: OSError, target: Path) -> str:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"the disk is full: {_shown(target)} was not written"
    if error.errno == errno.EROFS:
        return f"the folder {_shown(target.parent)} is on a read-only disk: {_shown(target)} was not written"
    return f"could not write {_shown(target)}: {error.strerror or error}; nothing was written"
