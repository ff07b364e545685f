"""The command line's parser, in the interface language, and the options needed before it exists.

The choices of subcommand options that come from the core (export formats, sections) are looked
up only when a subcommand uses them, so `catalog-tui` alone does not import the export code.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import NoReturn

from . import __version__
from .core.config import SORTS
from .i18n import ARGPARSE_ERRORS_ZH, LANGUAGES, language, t

# argparse's own words, which it takes from gettext rather than from us.
_HEADINGS = (
    ("usage: ", "cli.usage"),
    ("positional arguments:", "cli.positionals"),
    ("options:", "cli.options"),
    ("show this help message and exit", "cli.help"),
)


class CatalogParser(argparse.ArgumentParser):
    """An ArgumentParser whose headings and common errors follow the interface language."""

    def format_usage(self) -> str:
        return _translated(super().format_usage())

    def format_help(self) -> str:
        return _translated(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, t("cli.error", prog=self.prog, message=_translated_error(message)) + "\n")


def _translated(text: str) -> str:
    if language() == "en":
        return text
    for english, key in _HEADINGS:
        chinese = t(key) + ("：" if english.endswith(":") else "")
        pattern = rf"(?m)^{re.escape(english)}" if english.endswith(":") else re.escape(english)
        text = re.sub(pattern, chinese.replace("\\", "\\\\"), text)
    return text


def _translated_error(message: str) -> str:
    if language() == "en":
        return message
    for pattern, replacement in ARGPARSE_ERRORS_ZH:
        translated, found = re.subn(pattern, replacement, message)
        if found:
            return translated
    return message


def early_options(argv: Sequence[str]) -> tuple[str | None, bool]:
    """(--lang, --debug) wherever they stand, before parsing: the help and the parser's errors
    are written in the language, and a failure while parsing is reported as asked."""
    lang, debug = None, False
    for position, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and position + 1 < len(argv):
            lang = argv[position + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
        elif arg == "--debug":
            debug = True
    return lang, debug


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """A bash, zsh or fish completion script for the parser; options taking a FILE complete paths."""
    import shtab

    def mark_files(current: argparse.ArgumentParser) -> None:
        for action in current._actions:
            if action.metavar == "FILE" or (action.dest == "file" and not action.option_strings):
                action.complete = shtab.FILE  # type: ignore[attr-defined]
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    mark_files(sub)

    mark_files(parser)
    return shtab.complete(parser, shell)


class LazyChoices:
    """An option's choices, computed (and their module imported) when argparse first reads them."""

    def __init__(self, make: Callable[[], Sequence[str]]) -> None:
        self._make = make
        self._choices: Sequence[str] | None = None

    def _get(self) -> Sequence[str]:
        if self._choices is None:
            self._choices = tuple(self._make())
        return self._choices

    def __contains__(self, value: object) -> bool:
        return value in self._get()

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _export_formats() -> Sequence[str]:
    from .core.export import FORMATS

    return FORMATS


def _export_sections() -> Sequence[str]:
    from .core.export import ALL, SECTIONS

    return (*SECTIONS, ALL)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 1 to 65535, not {value}")
    return value


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
    # Set after add_argument, which would list the choices (and import their module) at once.
    export.add_argument("--format", help=t("cli.help.export.format")).choices = LazyChoices(_export_formats)
    section = export.add_argument("--section", default="works", help=t("cli.help.section"))
    section.choices = LazyChoices(_export_sections)
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


def with_query(
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
