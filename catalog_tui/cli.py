"""The `catalog-tui` command: the TUI by default, and validate / search / export / seed for scripts.

Every failure ends in one clear message on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .core.export import ALL, FORMATS, SECTIONS, ExportError, render
from .core.export_file import export_works, shown
from .core.loader import CatalogError, load_catalog
from .core.model import Work
from .core.query import QueryError
from .core.search import FacetFilter
from .core.store import bundled_catalog_path
from .core.text import display_width

EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130


def _common(parser: argparse.ArgumentParser, *, subcommand: bool = True) -> None:
    # In a subcommand the default is SUPPRESS, so a value given before the subcommand survives.
    default = argparse.SUPPRESS if subcommand else None
    parser.add_argument("--catalog", metavar="FILE", default=default,
                        help="catalogue YAML (default: the bundled one)")  # fmt: skip
    parser.add_argument("--db", metavar="FILE", default=default,
                        help="store file (default: $CATALOG_TUI_DB or the user data folder)")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="catalog-tui",
        description="Browse China's featured online audiovisual works, campaigns and channels.",
        epilog="Without a command, opens the terminal browser.",
    )
    parser.add_argument("--version", action="version", version=f"catalog-tui {__version__}")
    _common(parser, subcommand=False)
    parser.add_argument("--lang", choices=("zh", "en"),
                        help="interface language (default: $CATALOG_TUI_LANG, else the locale)")  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a catalogue file and print its counts")
    validate.add_argument("file", nargs="?", help="catalogue YAML (default: --catalog or the bundled one)")
    _common(validate)

    search = commands.add_parser("search", help="print the works matching a query (or @saved-search)")
    search.add_argument(
        "query", nargs="?", help="e.g. sudongpo, 'campaign:旅行 -type:documentary', 'year:2023..2025'"
    )
    search.add_argument("--format", choices=("text", "json", "yaml", "csv"), default="text")
    search.add_argument("--limit", type=_positive_int, metavar="N", help="at most N works")
    search.add_argument("--sort", choices=("title", "year", "type"), default="title")
    _common(search)

    export = commands.add_parser("export", help="write the works matching a query (or any section) to a file")
    export.add_argument("query", nargs="?", default="", help="the query (default: '', every work)")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="target file; - for stdout")
    export.add_argument("--format", choices=FORMATS,
                        help="default: from the file's suffix (.yaml .yml .json .csv); yaml for stdout")  # fmt: skip
    export.add_argument("--section", choices=(*SECTIONS, ALL), default="works",
                        help="what to export: the works matching the query (default, with the campaigns "
                        "and channels they cite), another whole section, or all of them")  # fmt: skip
    export.add_argument("--force", action="store_true", help="overwrite an existing file")
    _common(export)

    seed = commands.add_parser("seed", help="(re)build the store from the catalogue")
    seed.add_argument("--force", action="store_true", help="reseed even if the catalogue is unchanged")
    _common(seed)

    serve = commands.add_parser("serve", help="serve the browser in a web page (needs the serve extra)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--max-sessions", type=_positive_int, default=4, metavar="N",
                       help="at most N browser tabs at once, each its own app process (default: 4)")  # fmt: skip
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers use, behind a proxy (e.g. https://catalog.example.org)")  # fmt: skip
    _common(serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _with_query(parser, *parser.parse_known_args(argv))
    try:
        if args.command is None:
            return _run_tui(args)
        commands = {
            "validate": _validate,
            "search": _search,
            "export": _export,
            "seed": _seed,
            "serve": _serve,
        }
        return commands[args.command](args)
    except CatalogError as error:
        for problem in error.problems:
            print(_clean(str(problem)), file=sys.stderr)
        untouched = "" if args.command == "validate" else "; the store was left as it was"
        print(f"catalog-tui: {len(error.problems)} problem(s){untouched}", file=sys.stderr)
        return EXIT_INVALID
    except QueryError as error:
        # The query as typed, made safe to show, with the caret under the same (escaped) column.
        shown_query = _clean(args.query)
        caret = " " * display_width(_clean(args.query[: error.position])) + "^"
        print(f"catalog-tui: query error: {_clean(error.message)}\n{_indent(shown_query + chr(10) + caret)}",
              file=sys.stderr)  # fmt: skip
        return EXIT_INVALID
    except ExportError as error:
        print(f"catalog-tui: export failed: {error}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:
        where = f" ({_clean(str(error.filename))})" if error.filename else ""
        print(f"catalog-tui: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("catalog-tui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: still one line, never a traceback
        print(f"catalog-tui: unexpected error: {type(error).__name__}: {_clean(str(error))}", file=sys.stderr)
        return EXIT_ERROR


def _with_query(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]
) -> argparse.Namespace:
    """argparse takes a query such as `-type:documentary` for an unknown option: a lone unknown
    "option" where the query is missing is the query, so a leading '-' needs no `--`."""
    if "query" in args and args.query is None and len(extras) == 1 and extras[0][:1] == "-":
        args.query, extras = extras[0], []
    if extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if "query" in args and args.query is None:
        parser.error(f"{args.command}: the following arguments are required: query")
    return args


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _catalog_path(args: argparse.Namespace) -> Path:
    return Path(args.catalog).expanduser() if args.catalog else bundled_catalog_path()


def _open_library(args: argparse.Namespace, force: bool = False):  # -> Library
    from .core.library import Library

    progress = _progress_bar() if sys.stderr.isatty() else None
    library = Library.open(_catalog_path(args), args.db, force=force, progress=progress)
    if library.report.damage and args.command != "seed":  # seed's own report says it on stdout
        print(f"catalog-tui: warning: {_clean(library.report.damage)}", file=sys.stderr)
    return library


def _progress_bar():  # -> Progress
    def show(stage: str, done: int, total: int) -> None:
        filled = int(30 * done / total) if total else 30
        end = "\n" if done >= total and stage == "indexing" else ""
        print(f"\r{stage:<22} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end=end, file=sys.stderr)

    return show


def _validate(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser() if args.file else _catalog_path(args)
    catalog = load_catalog(path)
    counts = ", ".join(f"{n} {section}" for section, n in catalog.counts().items())
    print(f"{path}: valid: {counts}")
    return 0


def _matches(library, args: argparse.Namespace) -> tuple[str, list[Work]]:
    """The works a query (or `@name` of a saved search, with its filters) finds."""
    query, filters = args.query, []
    if query.startswith("@"):
        name = query[1:]
        saved = next((s for s in library.store.saved_searches() if s["name"] == name), None)
        if saved is None:
            raise QueryError(f"no saved search named '{name}'", 0, "no_saved", {"name": name})
        query = saved["query"]
        filters = [FacetFilter.from_dict(f) for f in saved.get("filters") or ()]
    sort, limit = getattr(args, "sort", "title"), getattr(args, "limit", None)
    try:
        result = library.engine.search(query, sort=sort, filters=filters, limit=limit)
    except RecursionError:  # thousands of nested parentheses
        raise QueryError("the query is nested too deeply", 0, "too_deep") from None
    return query, library.works_at(result.positions)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _search(args: argparse.Namespace) -> int:
    library = _open_library(args)
    try:
        query, works = _matches(library, args)
        if args.format == "text":
            sys.stdout.write(_format_text(works))
        else:  # the export model, as `export QUERY -o - --format FORMAT` writes it
            _write_stdout(render(library.catalog, works, args.format, query=query,
                                 for_terminal=sys.stdout.isatty(), bom=False))  # fmt: skip
    finally:
        library.close()
    if args.format == "text":
        print(f"{len(works)} work(s)", file=sys.stderr)
    return 0


def _write_stdout(payload: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()


def _format_text(works: list[Work]) -> str:
    rows = [(_clean(w.title), w.type_label, str(w.year or ""), _clean(w.id)) for w in works]
    widths = [max((display_width(row[i]) for row in rows), default=0) for i in range(3)]
    return "".join(
        "  ".join(_pad(cell, widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip() + "\n"
        for row in rows
    )


def _clean(text: str) -> str:
    """Catalogue text with control characters made visible, so no title can drive the terminal."""
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _export(args: argparse.Namespace) -> int:
    if args.query and args.section not in ("works", ALL):
        raise ExportError(
            f"a query selects works; --section {args.section} exports every record of it (drop the query)"
        )
    library = _open_library(args)
    try:
        query, works = _matches(library, args)
        if args.output == "-":
            payload = render(library.catalog, works, args.format or "yaml", section=args.section,
                             query=query, for_terminal=sys.stdout.isatty(), bom=False)  # fmt: skip
            _write_stdout(payload)
            return 0
        result = export_works(library.catalog, works, args.output, args.format, section=args.section,
                              query=query, overwrite=args.force)  # fmt: skip
    except KeyboardInterrupt:
        # The write is atomic: an interrupted export leaves nothing at the target.
        print(
            f"catalog-tui: export interrupted: nothing was written to {_clean(args.output)}", file=sys.stderr
        )
        return EXIT_INTERRUPTED
    finally:
        library.close()
    written = ", ".join(f"{n} work(s)" if s == "works" else f"{n} {s}" for s, n in result.counts.items())
    print(f"wrote {written} to {shown(result.path)} ({result.format})")
    return 0


def _seed(args: argparse.Namespace) -> int:
    library = _open_library(args, force=args.force)
    library.close()
    print(library.report.summary())
    for backup in library.report.backups:
        print(f"an unreadable store file was kept as {backup}")
    kept = library.store.kept
    if kept:
        print(f"kept from it: {kept.get('selection', 0)} selected work(s), "
              f"{kept.get('saved_searches', 0)} saved search(es)")  # fmt: skip
    earlier = [b for b in library.store.user_backups() if b not in library.report.backups]
    if earlier:  # an earlier command repaired the store: "up to date" must not hide it
        print(f"note: {len(earlier)} earlier damaged store file(s) kept; the latest is {earlier[-1]}")
    return 0


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 1 to 65535, not {value}")
    return value


def _serve(args: argparse.Namespace) -> int:
    from . import serve

    if not serve.available():
        print(f"catalog-tui: {serve.MISSING}", file=sys.stderr)
        return EXIT_ERROR
    # Open (and if need be seed) the store first: a bad catalogue fails here, once, not in every tab.
    _open_library(args).close()
    lang = getattr(args, "lang", None)
    serve.serve(args.host, args.port, catalog=_catalog_path(args), db=args.db, lang=lang,
                public_url=args.public_url, max_sessions=args.max_sessions)  # fmt: skip
    return 0


def _run_tui(args: argparse.Namespace) -> int:
    from .app import CatalogApp

    CatalogApp(catalog_path=_catalog_path(args), db_path=args.db, language=args.lang).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
