"""Reading the bundled catalogue (catalog.yaml) and its two seed articles, for the content checks
(tests/test_catalog_content.py, test_catalog_people.py, test_catalog_english.py).

The checks read catalog.yaml as plain YAML, not through the loader, so they see exactly what was
written, and each article from the copy the catalogue ships (its document's `text`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_PATH = Path(__file__).parent.parent / "catalog.yaml"
SEED_FILES = ("000_4e479cc6954f5e65.txt", "004_ced6b1b617eea4d8.txt")
SECTIONS = ("works", "campaigns", "channels", "policies", "events", "figures", "people", "organisations")


@cache
def catalog() -> dict[str, Any]:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "catalog.yaml must be a mapping at the top level"
    return data


@cache
def seed_text(name: str) -> str:
    """An article's text, from the copy the catalogue ships (its document's `text`)."""
    (document,) = [doc for doc in catalog()["documents"] if doc["file"] == name]
    return (CATALOG_PATH.parent / document["text"]).read_text(encoding="utf-8")


def all_seed_text() -> str:
    return "\n".join(seed_text(name) for name in SEED_FILES)


def records(section: str) -> list[dict[str, Any]]:
    return catalog()[section] or []


def by_id(section: str) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in records(section)}


def by_title(title: str) -> dict[str, Any]:
    matches = [work for work in records("works") if work["title"] == title]
    assert len(matches) == 1, f"expected exactly one work titled {title!r}, found {len(matches)}"
    return matches[0]


def by_name(section: str, name: str) -> dict[str, Any]:
    matches = [record for record in records(section) if record["name"] == name]
    assert len(matches) == 1, f"expected exactly one of {section} named {name!r}, found {len(matches)}"
    return matches[0]


def paragraph_at(text: str, position: int) -> tuple[int, int]:
    """The (start, end) of the paragraph (line) of `text` holding `position`."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end == -1 else end
