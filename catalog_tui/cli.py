"""The `catalog-tui` command: the TUI by default, and validate / search / export / seed for scripts.

Every failure ends in one clear message on stderr and a non-zero exit code; an unexpected one
(a bug) also leaves its traceback in the log, and `--debug` shows it. Messages and help follow
the interface language (--lang, $CATALOG_TUI_LANG, the config file, the locale).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cli_config import show_config
from .cli_errors import EXIT_ERROR, debug_from_environment, report_unexpected
from .cli_parser import CatalogParser, completion_script, early_options
from .cli_progress import store_progress
from .core.config import ENV_THEME, SORTS, ConfigError, Settings, load_settings, store_option
from .core.export import ALL, FORMATS, SECTIONS, ExportError, render
from .core.export_file import export_works, shown
from .core.loader import CatalogError, load_catalog
from .core.model import Work
from .core.query import QueryError
from .core.search import FacetFilter
from .core.store import bundled_catalog_path
from .core.text import display_width
from .i18n import LANGUAGES, MESSAGES, detect_language, query_error_text, set_language, t

if TYPE_CHECKING:  # the library (and the whole core) is imported when a command needs it
    from .core.library import Library

EXIT_INVALID = 2
EXIT_INTERRUPTED = 130


def _common(parser: argparse.ArgumentParser, *, subcommand: bool = True) -> None:
    # In a subcommand the default is SUPPRESS, so a value given before the subcommand survives.
    default = argparse.SUPPRESS if subcommand else None
    parser.add_argument("--catalog", metavar="FILE", default=default, help=t("cli.help.catalog"))
    parser.add_argument("--db", metavar="FILE", default=default, help=t("cli.help.db"))
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help.lang"))
    parser.add_argument("--debug", action="store_true", default=default, help=t("cli.help.debug"))


def build_parser() -> argparse.ArgumentParser:
    parser = CatalogParser(prog="catalog-tui", description=t("cli.description"), epilog=t("cli.epilog"))
    parser.add_argument("--version", action="version", version=f"catalog-tui {__version__}",
                        help=t("cli.version"))  # fmt: skip
    _common(parser, subcommand=False)
    parser.add_argument("--theme", metavar="NAME", help=t("cli.help.theme"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser("validate", help=t("cli.help.validate"))
    validate.add_argument("file", nargs="?", help=t("cli.help.validate.file"))
    _common(validate)

    search = commands.add_parser("search", help=t("cli.help.search"))
    search.add_argument("query", nargs="?", help=t("cli.help.search.query"))
    search.add_argument("--format", choices=("text", "json", "yaml", "csv"), default="text",
                        help=t("cli.help.format"))  # fmt: skip
    search.add_argument("--limit", type=_positive_int, metavar="N", help=t("cli.help.limit"))
    search.add_argument("--sort", choices=SORTS, help=t("cli.help.sort"))
    _common(search)

    export = commands.add_parser("export", help=t("cli.help.export"))
    export.add_argument("query", nargs="?", help=t("cli.help.export.query"))
    export.add_argument("-o", "--output", required=True, metavar="FILE", help=t("cli.help.output"))
    export.add_argument("--format", choices=FORMATS, help=t("cli.help.export.format"))
    export.add_argument("--section", choices=(*SECTIONS, ALL), default="works", help=t("cli.help.section"))
    export.add_argument("--force", action="store_true", help=t("cli.help.force"))
    _common(export)

    seed = commands.add_parser("seed", help=t("cli.help.seed"))
    seed.add_argument("--force", action="store_true", help=t("cli.help.seed.force"))
    _common(seed)

    serve = commands.add_parser("serve", help=t("cli.help.serve"))
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.help.host"))
    serve.add_argument("--port", type=_port, default=8000, help=t("cli.help.port"))
    serve.add_argument("--max-sessions", type=_positive_int, default=4, metavar="N",
                       help=t("cli.help.max_sessions"))  # fmt: skip
    serve.add_argument("--public-url", metavar="URL", help=t("cli.help.public_url"))
    serve.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS, help=t("cli.help.theme"))
    _common(serve)

    config = commands.add_parser("config", help=t("cli.help.config"))
    _common(config)

    completion = commands.add_parser("completion", help=t("cli.help.completion"))
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help=t("cli.help.completion.shell"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang, debug = early_options(argv)
    try:
        settings, config_error = load_settings(), None
    except ConfigError as error:  # reported once the command is known: `config` shows it too
        settings, config_error = Settings(), error
    set_language(detect_language(lang, settings.language))
    parser = build_parser()
    args = _with_query(parser, *parser.parse_known_args(argv))
    args.settings, args.config_error = settings, config_error
    debug = debug or debug_from_environment()
    try:
        if config_error is not None and args.command != "config":
            raise config_error
        if args.command is None:
            return _run_tui(args)
        commands = {
            "validate": _validate,
            "search": _search,
            "export": _export,
            "seed": _seed,
            "serve": _serve,
            "config": show_config,
            "completion": _completion,
        }
        return commands[args.command](args)
    except ConfigError as error:
        print(t("cli.config_error", error=_clean(str(error))), file=sys.stderr)
        return EXIT_INVALID
    except CatalogError as error:
        for problem in error.problems:
            print(_clean(str(problem)), file=sys.stderr)
        key = "cli.problems" if args.command == "validate" else "cli.problems_untouched"
        print(t(key, count=len(error.problems)), file=sys.stderr)
        return EXIT_INVALID
    except QueryError as error:
        # The query as typed, made safe to show, with the caret under the same (escaped) column.
        message = t(
            "cli.query_error", message=_clean(query_error_text(error.message, error.code, error.params))
        )
        caret = " " * display_width(_clean(args.query[: error.position])) + "^"
        print(f"{message}\n{_indent(_clean(args.query) + chr(10) + caret)}", file=sys.stderr)
        return EXIT_INVALID
    except ExportError as error:
        print(t("cli.export_failed", error=error), file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:
        where = f" ({_clean(str(error.filename))})" if error.filename else ""
        print(f"catalog-tui: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug
        return report_unexpected(error, debug, _clean)


def _with_query(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]
) -> argparse.Namespace:
    """argparse takes a query such as `-type:documentary` for an unknown option: a lone unknown
    "option" where the query is missing is the query, so a leading '-' needs no `--`."""
    if "query" in args and args.query is None and len(extras) == 1 and extras[0][:1] == "-":
        args.query, extras = extras[0], []
    if extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command == "search" and args.query is None:
        parser.error(f"{args.command}: the following arguments are required: query")
    if args.command == "export" and args.query is None:
        args.query = ""  # every work
    return args


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _catalog_path(args: argparse.Namespace) -> Path:
    return Path(args.catalog).expanduser() if args.catalog else bundled_catalog_path()


def _open_library(args: argparse.Namespace, force: bool = False) -> Library:
    from .core.library import Library

    with store_progress() as progress:
        library = Library.open(_catalog_path(args), _store(args), force=force, progress=progress)
    if library.report.damage and args.command != "seed":  # seed's own report says it on stdout
        print(t("cli.store_repaired", damage=_clean(library.report.damage)), file=sys.stderr)
    return library


def _store(args: argparse.Namespace) -> str | None:
    return store_option(args.db, args.settings)


def _validate(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser() if args.file else _catalog_path(args)
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


def _matches(library: Library, args: argparse.Namespace) -> tuple[str, list[Work], int]:
    """The works a query (or `@name` of a saved search, with its filters) finds, at most --limit
    of them, and how many it finds in all."""
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
    return query, library.works_at(result.positions), result.found.bit_count()


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _search(args: argparse.Namespace) -> int:
    library = _open_library(args)
    try:
        query, works, total = _matches(library, args)
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
        query, works, _total = _matches(library, args)
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
        print(t("cli.export_interrupted", path=_clean(args.output)), file=sys.stderr)
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


def _seed(args: argparse.Namespace) -> int:
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
    if getattr(args, "theme", None):  # each page's app process reads it
        os.environ[ENV_THEME] = args.theme
    lang = getattr(args, "lang", None)
    serve.serve(args.host, args.port, catalog=_catalog_path(args), db=_store(args), lang=lang,
                public_url=args.public_url, max_sessions=args.max_sessions)  # fmt: skip
    return 0


def _run_tui(args: argparse.Namespace) -> int:
    from .app import CatalogApp, UnknownTheme

    try:
        app = CatalogApp(
            catalog_path=_catalog_path(args), db_path=_store(args), language=args.lang,
            theme=args.theme, settings=args.settings,
        )  # fmt: skip
    except UnknownTheme as error:
        print(
            t("cli.unknown_theme", theme=_clean(error.theme), themes=", ".join(error.themes)), file=sys.stderr
        )
        return EXIT_INVALID
    app.run()
    return 0


def _completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(build_parser(), args.shell))
    return 0


if __name__ == "__main__":
    sys.exit(main())
