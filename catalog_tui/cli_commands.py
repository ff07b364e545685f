"""The `catalog-tui` subcommands for scripts: validate, search, export, seed, serve, completion.

Imported only when a subcommand runs: the TUI alone never loads the export code or the CLI's
progress bar.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from .cli_errors import EXIT_ERROR, EXIT_INTERRUPTED, clean
from .cli_parser import build_parser, completion_script
from .cli_progress import store_progress
from .core.config import ENV_THEME, store_option
from .core.export import ALL, ExportError, render
from .core.export_file import export_works, shown
from .core.library import Library
from .core.loader import load_catalog
from .core.model import Work
from .core.query import QueryError
from .core.search import FacetFilter
from .core.store import bundled_catalog_path
from .core.text import display_width
from .i18n import MESSAGES, t


def catalog_path(args: argparse.Namespace) -> Path:
    return Path(args.catalog).expanduser() if args.catalog else bundled_catalog_path()


def _open_library(args: argparse.Namespace, force: bool = False) -> Library:
    with store_progress() as progress:
        library = Library.open(catalog_path(args), _store(args), force=force, progress=progress)
    if library.report.damage and args.command != "seed":  # seed's own report says it on stdout
        print(t("cli.store_repaired", damage=clean(library.report.damage)), file=sys.stderr)
    return library


def _store(args: argparse.Namespace) -> str | None:
    return store_option(args.db, args.settings)


def validate(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser() if args.file else catalog_path(args)
    catalog = load_catalog(path)
    counts = t("cli.separator").join(
        t(
            "cli.count",
            count=n,
            section=_section_name(section),
        )
        for section, n in catalog.counts().items()
    )
    print(t("cli.valid", path=path, counts=counts))
    return 0


def _section_name(section: str) -> str:
    return t(f"section.{section}") if f"section.{section}" in MESSAGES else section


def _matches(
    library: Library, args: argparse.Namespace, passing: bool = False
) -> tuple[str, Sequence[Work], int]:
    """The works a query (or `@name` of a saved search, with its filters) finds, at most --limit
    of them, and how many it finds in all; `passing`: built as taken, none kept (an export's)."""
    query, filters = args.query, []
    if query.startswith("@"):
        name = query[1:]
        saved = next((s for s in library.store.saved_searches() if s["name"] == name), None)
        if saved is None:
            raise QueryError(f"no saved search named '{name}'", 0, "no_saved", {"name": name})
        query = saved["query"]
        filters = [FacetFilter.from_dict(f) for f in saved.get("filters") or ()]
    sort = getattr(args, "sort", None) or args.settings.sort or "title"
    limit = getattr(args, "limit", None)
    result = library.engine.search(query, sort=sort, filters=filters, limit=limit)
    works = library.works_passing if passing else library.works_at
    return query, works(result.positions), result.found.bit_count()


def _checked_matches(
    library: Library, args: argparse.Namespace, passing: bool = False
) -> tuple[Library, tuple[str, Sequence[Work], int]]:
    """_matches, and the library it came from. A table of the snapshot read by the search (its
    postings, its texts) and found damaged reads as no works and is noted in the store: a command
    then answers from a reseeded store (this second open moves the snapshot aside and reseeds),
    rather than print what a damaged table left out."""
    found = _matches(library, args, passing=passing)
    if library.store.snapshot_damage is None:
        return library, found
    library.close()
    library = _open_library(args)
    return library, _matches(library, args, passing=passing)


def search(args: argparse.Namespace) -> int:
    library = _open_library(args)
    try:
        library, (query, works, total) = _checked_matches(library, args)
        if args.format == "text":
            sys.stdout.write(_format_text(works))
        else:  # the export model, as `export QUERY -o - --format FORMAT` writes it
            _write_stdout(render(library.catalog, works, args.format, query=query,
                                 for_terminal=sys.stdout.isatty(), bom=False))  # fmt: skip
    finally:
        library.close()
    if args.format == "text":
        found = t("cli.works_found", count=total) if len(works) == total else None
        print(found or t("cli.works_of", count=len(works), total=total), file=sys.stderr)
    return 0


def _write_stdout(payload: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()


def _format_text(works: Sequence[Work]) -> str:
    rows = [(clean(w.title), w.type_label, str(w.year or ""), clean(w.id)) for w in works]
    widths = [max((display_width(row[i]) for row in rows), default=0) for i in range(3)]
    return "".join(
        "  ".join(_pad(cell, widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip() + "\n"
        for row in rows
    )


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def export(args: argparse.Namespace) -> int:
    if args.query and args.section not in ("works", ALL):
        raise ExportError(
            f"a query selects works; --section {args.section} exports every record of it (drop the query)"
        )
    library = _open_library(args)
    try:
        # 100k works: none kept
        library, (query, works, _total) = _checked_matches(library, args, passing=True)
        if args.output == "-":
            payload = render(library.catalog, works, args.format or "yaml", section=args.section,
                             query=query, for_terminal=sys.stdout.isatty(), bom=False)  # fmt: skip
            _write_stdout(payload)
            return 0
        with store_progress() as progress:  # a bar on stderr, when it is a terminal
            result = export_works(library.catalog, works, args.output, args.format, section=args.section,
                                  query=query, overwrite=args.force,
                                  progress=partial(progress, "exporting") if progress else None)  # fmt: skip
    except KeyboardInterrupt:
        # The write is atomic: an interrupted export leaves nothing at the target.
        print(t("cli.export_interrupted", path=clean(args.output)), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        library.close()
    written = t("cli.separator").join(
        t("cli.works_found", count=n)
        if section == "works"
        else t("cli.count", count=n, section=_section_name(section))
        for section, n in result.counts.items()
    )
    print(t("cli.wrote", counts=written, path=shown(result.path), format=result.format))
    return 0


def seed(args: argparse.Namespace) -> int:
    library = _open_library(args, force=args.force)
    library.close()
    print(library.report.summary())
    for backup in library.report.backups:
        print(t("cli.backup", path=backup))
    kept = library.store.kept
    if kept:
        print(t("cli.kept", selection=kept.get("selection", 0), saved=kept.get("saved_searches", 0)))
    earlier = [b for b in library.store.user_backups() if b not in library.report.backups]
    if earlier:  # an earlier command repaired the store: "up to date" must not hide it
        print(t("cli.earlier_backups", count=len(earlier), path=earlier[-1]))
    return 0


def serve(args: argparse.Namespace) -> int:
    from . import serve as server

    if not server.available():
        print(f"catalog-tui: {server.MISSING}", file=sys.stderr)
        return EXIT_ERROR
    # Open (and if need be seed) the store first: a bad catalogue fails here, once, not in every tab.
    _open_library(args).close()
    if getattr(args, "theme", None):  # each page's app process reads it
        os.environ[ENV_THEME] = args.theme
    lang = getattr(args, "lang", None)
    server.serve(args.host, args.port, catalog=catalog_path(args), db=_store(args), lang=lang,
                 public_url=args.public_url, max_sessions=args.max_sessions)  # fmt: skip
    return 0


def completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(build_parser(), args.shell))
    return 0
