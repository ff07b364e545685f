"""A safe loader that refuses duplicate keys and locates every value it cannot construct.

PyYAML's safe loaders keep the last of two equal keys without a word (a second `works:` section
silently replaces the first), and a scalar their constructor rejects (`!!int x`, `2024-13-45`, a
5000-digit number) raises a bare ValueError with Python's wording and no position. Here both become
a ConstructorError at the offending node, worded for a catalogue's author.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from yaml.constructor import ConstructorError
from yaml.error import MarkedYAMLError
from yaml.nodes import Node, ScalarNode

_TAG = "tag:yaml.org,2002:"
_MERGE = f"{_TAG}merge"
_SHOWN = 60


@cache
def strict_loader(base: type[Any]) -> type[Any]:
    """`base` (a safe loader class) refusing duplicate keys and locating constructor errors."""

    class StrictLoader(base):  # type: ignore[misc]
        def construct_object(self, node: Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (MarkedYAMLError, RecursionError, MemoryError):
                raise
            except Exception as error:  # a scalar its constructor rejects
                raise ConstructorError(None, None, scalar_problem(node, error), node.start_mark) from None

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            first_seen: dict[Any, Node] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE:
                    continue  # merged keys may override; a collection key is refused by the loader
                key = self.construct_object(key_node)
                try:
                    first = first_seen.setdefault(key, key_node)
                except TypeError:  # unhashable: the loader says so
                    continue
                if first is not key_node:
                    problem = (
                        f"duplicate key {_show(key_node.value)} (first on line {first.start_mark.line + 1})"
                    )
                    raise ConstructorError(None, None, problem, key_node.start_mark)
            return super().construct_mapping(node, deep)

    StrictLoader.__name__ = StrictLoader.__qualname__ = f"Strict{base.__name__}"
    return StrictLoader


def scalar_problem(node: Node, error: Exception) -> str:
    """What is wrong with a scalar the constructor of its tag rejected, in our words."""
    value = node.value if isinstance(node.value, str) else ""
    kind = node.tag.removeprefix(_TAG)
    if kind == "int":
        digits = sum(char.isdigit() for char in value)
        limit = sys.get_int_max_str_digits()
        if limit and digits > limit:
            return f"a number of {digits} digits is too long (at most {limit})"
        return f"{_show(value)} is not an integer"
    if kind == "float":
        return f"{_show(value)} is not a number"
    if kind == "timestamp":
        return f"{_show(value)} is not a valid date ({error})"
    if kind == "bool":
        return f"{_show(value)} is not true or false"
    if kind == "binary":
        return f"{_show(value)} is not valid base64"
    return f"{_show(value)} cannot be read as !!{kind}"


def _show(value: str) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
