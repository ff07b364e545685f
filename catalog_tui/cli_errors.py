"""What the command line says about a bug: one clear line, the traceback in the log (and on
stderr with --debug or CATALOG_TUI_DEBUG=1)."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

from . import __version__
from .i18n import t

EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130


def debug_from_environment() -> bool:
    return os.environ.get("CATALOG_TUI_DEBUG", "") not in ("", "0")


def report_unexpected(error: BaseException, debug: bool, clean: Callable[[str], str]) -> int:
    """Log the traceback; show it with `debug`, else one line naming the log and --debug. `clean`
    makes the error's text safe for the terminal."""
    from .core.errorlog import add_to_log

    report = "".join(traceback.format_exception(error))
    try:
        log = add_to_log(f"catalog-tui {__version__}: {sys.argv}\n{report}")
    except OSError:
        log = None
    if debug:
        sys.stderr.write(report)
        if log is not None:
            print(t("cli.logged", log=log), file=sys.stderr)
        return EXIT_ERROR
    summary = f"{type(error).__name__}: {clean(str(error))}"
    key = "cli.unexpected" if log is not None else "cli.unexpected_nolog"
    print(t(key, error=summary, log=log), file=sys.stderr)
    return EXIT_ERROR


def clean(text: str) -> str:
    """Catalogue text with control characters made visible, so no title can drive the terminal."""
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
