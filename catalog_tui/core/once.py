"""Structures built on first use, once, when several threads may ask for them at the same time.

The app shows the list first and warms the engine up in a worker thread afterwards, while the
first search (itself in a thread) may already need what the warm-up is building: whoever asks
second waits for the build under way and then shares its result, never building it again and
never seeing it half-built. Each structure has its own lock, so a search waits only for the
structures it needs. Locks are re-entrant: a build may need another lazily built structure of
the same owner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

_LOCKS = "_build_locks"  # the owner's attribute holding one lock per lazily built name


def build_lock(owner: object, name: str) -> threading.RLock:
    """The owner's lock for building `name` (made on first use; dict.setdefault is atomic)."""
    locks: dict[str, threading.RLock] = vars(owner).setdefault(_LOCKS, {})
    found = locks.get(name)
    if found is None:
        found = locks.setdefault(name, threading.RLock())
    return found


class built_once(Generic[T]):  # lower case: a decorator, as functools.cached_property
    """functools.cached_property whose build runs once even when threads ask at the same time
    (cached_property has no lock since Python 3.12). Once built, the value sits in the instance's
    `__dict__` under the same name, so reading it costs what reading any attribute does."""

    def __init__(self, build: Callable[[Any], T]) -> None:
        self.build = build
        self.name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> built_once[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> T | built_once[T]:
        if instance is None:
            return self
        values = vars(instance)
        if self.name in values:  # (only when asked for while another thread was building it)
            return values[self.name]  # type: ignore[no-any-return]
        with build_lock(instance, self.name):
            if self.name not in values:
                values[self.name] = self.build(instance)
            return values[self.name]  # type: ignore[no-any-return]
