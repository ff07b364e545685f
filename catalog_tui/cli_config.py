"""`catalog-tui config`: where the config file is, and each setting's value and where it came from."""

from __future__ import annotations

import argparse
import os
import sys

from .core.config import ENV_THEME, config_path, given, to_toml
from .core.store import ENV_DB, resolve_db_path
from .i18n import LANGUAGES, detect_language, t

DEFAULT_THEME = "textual-dark"


def show_config(args: argparse.Namespace) -> int:
    """Print the path, then the settings as TOML lines (ready to copy into the file), each with
    its source: a command-line option, an environment variable, the file or the default."""
    path = config_path()
    print(t("cli.config_file", path=path))
    if args.config_error is not None:
        print(t("cli.config_error", error=args.config_error), file=sys.stderr)
        return 2
    if not path.exists():
        print(t("cli.config_missing"))
    settings = args.settings
    env_lang = os.environ.get("CATALOG_TUI_LANG")
    rows = {
        "theme": _sourced(
            (getattr(args, "theme", None), "option"),
            (os.environ.get(ENV_THEME), ENV_THEME),
            (settings.theme, "file"),
            default=DEFAULT_THEME,
        ),
        "language": _sourced(
            (args.lang, "option"),
            (env_lang if env_lang in LANGUAGES else None, "CATALOG_TUI_LANG"),
            (settings.language, "file"),
            default=detect_language(),
        ),
        "sort": _sourced((settings.sort, "file"), default="title"),
        "english_titles": _sourced((settings.english_titles, "file"), default=False),
        "store": _sourced(
            (args.db, "option"),
            (os.environ.get(ENV_DB), ENV_DB),
            (settings.store, "file"),
            default=str(resolve_db_path(None)),
        ),
    }
    width = max(len(to_toml({key: value}).strip()) for key, (value, _source) in rows.items())
    for key, (value, source) in rows.items():
        print(f"{to_toml({key: value}).strip():<{width}}  # {source}")
    return 0


Setting = str | bool | None


def _sourced(*candidates: tuple[Setting, str], default: Setting) -> tuple[Setting, str]:
    """The first value given and its source, described in the interface language."""
    for value, source in candidates:
        if given(value):
            return value, _described(source)
    return default, t("cli.config_source.default")


def _described(source: str) -> str:
    if source in ("option", "file"):
        return t(f"cli.config_source.{source}")
    return t("cli.config_source.env", name=source)
