"""Works built only when asked for: the sequence a catalogue read from its snapshot holds, and its
lookup by id, which builds the one work looked up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from .model import Record, Work


# Lookups by id answered by scanning the ids before their dict is built (see PositionsById).
SCANS_BEFORE_DICT = 8


class LazyWorks(Sequence["Work"]):
    """Works built the first time each is asked for, by `build(position)` (which reads the work's
    stored row). A restart with 100,000 works then shows the browser without reading or building
    them all; the list draws only a screenful."""

    __slots__ = ("_build", "_lock", "_works", "on_built")

    def __init__(self, size: int, build: Callable[[int], Work]) -> None:
        self._works: list[Work | None] = [None] * size
        self._build = build
        self._lock = threading.Lock()  # a work built once, though two threads ask for it at once
        # Told each kept work's id and position (the index's PositionsById.learn).
        self.on_built: Callable[[str, int], None] | None = None

    @property
    def built(self) -> int:
        """How many works have been built so far."""
        return len(self._works) - self._works.count(None)

    def __len__(self) -> int:
        return len(self._works)

    @overload
    def __getitem__(self, index: int) -> Work: ...
    @overload
    def __getitem__(self, index: slice) -> list[Work]: ...
    def __getitem__(self, index: int | slice) -> Work | list[Work]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        work = self._works[index]
        if work is None:
            with self._lock:
                work = self._works[index]
                if work is None:
                    position = index + len(self._works) if index < 0 else index
                    work = self._works[index] = self._build(position)
                    if self.on_built is not None:
                        self.on_built(work.id, position)
        return work

    def __iter__(self) -> Iterator[Work]:
        return (self[i] for i in range(len(self)))

    def walk(self, reverse: bool = False) -> Iterator[Work]:
        """Every work, built for the caller and not kept unless it already was: a pass over all of
        them (an export) then holds one work at a time, not the whole catalogue."""
        for position in range(len(self._works) - 1, -1, -1) if reverse else range(len(self._works)):
            work = self._works[position]
            yield work if work is not None else self._build(position)

    def peek(self, position: int) -> Work:
        """The work at `position`, built for the caller and not kept unless it already was."""
        work = self._works[position]
        return work if work is not None else self._build(position)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyWorks({len(self)} works)"


class WorksAt(Sequence["Work"]):
    """The works at some positions of a catalogue's works, in that order, none of them kept: each
    is built when taken (a pass of an export over 100,000 matches then holds one work at a time,
    not all of them, as a list of the works would)."""

    __slots__ = ("_peek", "_positions")

    def __init__(self, works: Sequence[Work], positions: Sequence[int]) -> None:
        self._peek = works.peek if isinstance(works, LazyWorks) else works.__getitem__
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> Work: ...
    @overload
    def __getitem__(self, index: slice) -> list[Work]: ...
    def __getitem__(self, index: int | slice) -> Work | list[Work]:
        if isinstance(index, slice):
            return [self._peek(p) for p in self._positions[index]]
        return self._peek(self._positions[index])

    def __iter__(self) -> Iterator[Work]:
        return map(self._peek, self._positions)

    def __repr__(self) -> str:
        return f"WorksAt({len(self)} works)"


class WorksById(Mapping[str, "Record"]):
    """Works by id through their positions: only the work looked up is built."""

    def __init__(self, works: Sequence[Work], positions: Mapping[str, int]) -> None:
        self._works, self._positions = works, positions

    def __getitem__(self, work_id: str) -> Work:
        return self._works[self._positions[work_id]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class PositionsById(Mapping[str, int]):
    """Each work's position by its id, without a dict of every id until it pays: a million ids
    took a fifth of opening the store. The works built so far are known (`learn`: the list and
    the details ask for the ids of works they show); other lookups scan the ids, the first few
    (list.index, in C: a few ms at a million, where the dict takes half a second); then the
    dict is built. Ids seen twice (a snapshot rewritten with a matching checksum) are reported
    to `on_damage` then, as a damaged row is."""

    __slots__ = ("_ids", "_known", "_lock", "_on_damage", "_positions", "_scans")

    def __init__(self, ids: Sequence[str], on_damage: Callable[[str], None] | None = None) -> None:
        self._ids = ids
        self._on_damage = on_damage
        self._positions: dict[str, int] | None = None
        self._known: dict[str, int] = {}  # learnt before the dict is built
        self._scans = SCANS_BEFORE_DICT
        self._lock = threading.Lock()  # the dict built once, though two threads ask at once

    def learn(self, work_id: str, position: int) -> None:
        """Remember a work's position (one just built): its lookups then need no scan. The
        first frame's details (a work and its related works) otherwise built the dict of every
        id, in the first frame, at a million works."""
        if self._positions is None and self._ids[position] == work_id:
            self._known[work_id] = position

    @property
    def positions(self) -> dict[str, int]:
        positions = self._positions
        if positions is None:
            with self._lock:
                positions = self._positions
                if positions is None:
                    positions = dict(zip(self._ids, range(len(self._ids)), strict=True))
                    if len(positions) != len(self._ids) and self._on_damage is not None:
                        self._on_damage("two works have the same id")
                    self._positions = positions
                    self._known = {}
        return positions

    @property
    def built(self) -> bool:
        return self._positions is not None

    def _position(self, work_id: object) -> int | None:
        if not isinstance(work_id, str):
            return None
        if self._positions is None and (known := self._known.get(work_id)) is not None:
            return known
        if self._positions is None and self._scans > 0:
            self._scans -= 1
            try:
                return self._ids.index(work_id)
            except ValueError:
                return None
        return self.positions.get(work_id)

    def __getitem__(self, work_id: str) -> int:
        position = self._position(work_id)
        if position is None:
            raise KeyError(work_id)
        return position

    def __contains__(self, work_id: object) -> bool:
        return self._position(work_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)
