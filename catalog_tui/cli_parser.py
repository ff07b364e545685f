"""argparse in the interface language, and the options needed before the parser exists."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from .i18n import ARGPARSE_ERRORS_ZH, language, t

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
