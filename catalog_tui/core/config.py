"""Settings that stay between runs: a flat TOML file in the platform's config folder.

    theme = "textual-dark"      # any Textual theme
    language = "zh"             # zh or en
    sort = "title"              # title, year or type
    english_titles = true       # show English titles beside the Chinese ones
    store = "~/catalog/store.json"

Every key is optional. A command-line option wins over its environment variable, which wins over
the file, which wins over the default (`choose`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from .atomic import atomic_write_bytes

ENV_CONFIG = "CATALOG_TUI_CONFIG"  # another config file, for one run or a test
ENV_THEME = "CATALOG_TUI_THEME"
LANGUAGES = ("zh", "en")
SORTS = ("title", "year", "type")


T = TypeVar("T")


class ConfigError(ValueError):
    """The config file cannot be read or holds a value it should not; says which file and key."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What the config file says; None where it says nothing."""

    theme: str | None = None
    language: str | None = None
    sort: str | None = None
    english_titles: bool | None = None
    store: str | None = None


KEYS = tuple(f.name for f in fields(Settings))
# The values a key accepts beyond its type, where there is a fixed list.
_CHOICES: dict[str, tuple[str, ...]] = {"language": LANGUAGES, "sort": SORTS}
_TYPES: dict[str, type] = {"english_titles": bool}


def config_path() -> Path:
    """$CATALOG_TUI_CONFIG, else config.toml in the platform's user config folder."""
    chosen = os.environ.get(ENV_CONFIG)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_path

    return user_config_path("catalog-tui", appauthor=False) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """The settings in the config file; all None when there is no file. Raises ConfigError."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(KEYS)})")
    return Settings(**{key: _checked(path, key, value) for key, value in data.items()})


def _checked(path: Path, key: str, value: Any) -> Any:
    wanted = _TYPES.get(key, str)
    if not isinstance(value, wanted):
        raise ConfigError(f"{path}: {key} must be a {'true/false' if wanted is bool else 'string'}")
    choices = _CHOICES.get(key)
    if choices and value not in choices:
        raise ConfigError(f"{path}: {key} must be one of {', '.join(choices)}, not {value!r}")
    return value


def save_setting(key: str, value: str | bool, path: Path | None = None) -> Path:
    """Set one key in the config file, keeping the others; written atomically. Returns the path."""
    if key not in KEYS:
        raise ConfigError(f"unknown key {key!r} (known: {', '.join(KEYS)})")
    path = path or config_path()
    current = load_settings(path)
    values = {k: getattr(current, k) for k in KEYS}
    values[key] = _checked(path, key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, to_toml(values).encode("utf-8"))
    return path


def to_toml(values: dict[str, str | bool | None]) -> str:
    """A flat TOML document of string and boolean values, None left out."""
    lines = []
    for key, value in values.items():
        if value is None:
            continue
        shown = ("true" if value else "false") if isinstance(value, bool) else _toml_string(value)
        lines.append(f"{key} = {shown}\n")
    return "".join(lines)


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return '"' + "".join(escapes.get(c) or (f"\\u{ord(c):04x}" if _control(c) else c) for c in text) + '"'


def _control(char: str) -> bool:
    return ord(char) < 0x20 or ord(char) == 0x7F


def choose(*candidates: T | None, default: T) -> T:
    """The first value given, in order of precedence (an option, an environment variable, the
    file), else the default."""
    for candidate in candidates:
        if candidate is not None and given(candidate):
            return candidate
    return default


def given(value: object) -> bool:
    """Whether a setting was given: an empty string counts as not given, like an unset variable."""
    return value is not None and value != ""


def store_option(option: str | None, settings: Settings) -> str | None:
    """The store file to open: --db, then $CATALOG_TUI_DB, then the config file's store; None
    leaves the choice to the store (its default folder)."""
    from .store import ENV_DB

    chosen = choose(option, os.environ.get(ENV_DB), settings.store, default=None)
    return str(Path(chosen).expanduser()) if chosen else None
