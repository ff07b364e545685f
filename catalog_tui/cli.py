"""The `catalog-tui` command: the TUI by default, and validate / search / export / seed for scripts.

Every failure ends in one clear message on stderr and a non-zero exit code; an unexpected one
(a bug) also leaves its traceback in the log, and `--debug` shows it. Messages and help follow
the interface language (--lang, $CATALOG_TUI_LANG, the config file, the locale).

Start-up: `catalog-tui` alone imports only what the browser's first frame needs; the subcommands
(cli_commands) and what they use (export, progress bar, web server) are imported when asked for.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .cli_errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_INVALID, clean, debug_from_environment
from .cli_parser import build_parser, early_options, with_query
from .core.config import ConfigError, Settings, load_settings, store_option
from .i18n import detect_language, query_error_text, set_language, t

SUBCOMMANDS = ("validate", "search", "export", "seed", "serve", "completion")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang, debug = early_options(argv)
    try:
        settings, config_error = load_settings(), None
    except ConfigError as error:  # reported once the command is known: `config` shows it too
        settings, config_error = Settings(), error
    set_language(detect_language(lang, settings.language))
    parser = build_parser()
    args = with_query(parser, *parser.parse_known_args(argv))
    args.settings, args.config_error = settings, config_error
    debug = debug or debug_from_environment()
    try:
        if config_error is not None and args.command != "config":
            raise config_error
        return _command(args.command)(args)
    except ConfigError as error:
        print(t("cli.config_error", error=clean(str(error))), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        return _failed(error, args, debug)


def _command(name: str | None) -> Callable[[argparse.Namespace], int]:
    if name is None:
        return _run_tui
    if name == "config":
        from .cli_config import show_config

        return show_config
    from . import cli_commands

    command: Callable[[argparse.Namespace], int] = getattr(cli_commands, name)
    return command


def _failed(error: Exception, args: argparse.Namespace, debug: bool) -> int:
    """One clear message for what a command can meet; anything else is a bug. The error types are
    imported here: one that was raised is already loaded."""
    from .core.export import ExportError
    from .core.loader import CatalogError
    from .core.query import QueryError

    if isinstance(error, CatalogError):
        for problem in error.problems:
            print(clean(str(problem)), file=sys.stderr)
        key = "cli.problems" if args.command == "validate" else "cli.problems_untouched"
        print(t(key, count=len(error.problems)), file=sys.stderr)
        return EXIT_INVALID
    if isinstance(error, QueryError):
        from .core.text import display_width

        # The query as typed, made safe to show, with the caret under the same (escaped) column.
        message = t(
            "cli.query_error", message=clean(query_error_text(error.message, error.code, error.params))
        )
        caret = " " * display_width(clean(args.query[: error.position])) + "^"
        print(f"{message}\n{_indent(clean(args.query) + chr(10) + caret)}", file=sys.stderr)
        return EXIT_INVALID
    if isinstance(error, ExportError):
        print(t("cli.export_failed", error=error), file=sys.stderr)
        return EXIT_ERROR
    if isinstance(error, OSError):
        where = f" ({clean(str(error.filename))})" if error.filename else ""
        print(f"catalog-tui: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_ERROR
    from .cli_errors import report_unexpected

    return report_unexpected(error, debug, clean)  # a bug


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _run_tui(args: argparse.Namespace) -> int:
    from .app import CatalogApp, UnknownTheme

    catalog = Path(args.catalog).expanduser() if args.catalog else None
    try:
        app = CatalogApp(
            catalog_path=catalog, db_path=store_option(args.db, args.settings), language=args.lang,
            theme=args.theme, settings=args.settings,
        )  # fmt: skip
    except UnknownTheme as error:
        themes = ", ".join(error.themes)
        print(t("cli.unknown_theme", theme=clean(error.theme), themes=themes), file=sys.stderr)
        return EXIT_INVALID
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
