"""Works built only when asked for: the sequence a catalogue read from its snapshot holds, and its
lookup by id, which builds the one work looked up."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from .model import Record, Work


class LazyWorks(Sequence["Work"]):
    """Works built the first time each is asked for, by `build(position)` (which reads the work's
    stored row). A restart with 100,000 works then shows the browser without reading or building
    them all; the list draws only a screenful."""

    __slots__ = ("_build", "_works")

    def __init__(self, size: int, build: Callable[[int], Work]) -> None:
        self._works: list[Work | None] = [None] * size
        self._build = build

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
            position = index + len(self._works) if index < 0 else index
            work = self._works[index] = self._build(position)
        return work

    def __iter__(self) -> Iterator[Work]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyWorks({len(self)} works)"


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
    """Each work's position by its id, the dict built on first use (a lookup by id, or warm()):
    a million ids took a fifth of opening the store. Ids seen twice (a snapshot rewritten with a
    matching checksum) are reported to `on_damage`, as a damaged row is; the last one wins."""

    __slots__ = ("_ids", "_on_damage", "_positions")

    def __init__(self, ids: Sequence[str], on_damage: Callable[[str], None] | None = None) -> None:
        self._ids = ids
        self._on_damage = on_damage
        self._positions: dict[str, int] | None = None

    @property
    def positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {work_id: i for i, work_id in enumerate(self._ids)}
            if len(self._positions) != len(self._ids) and self._on_damage is not None:
                self._on_damage("two works have the same id")
        return self._positions

    @property
    def built(self) -> bool:
        return self._positions is not None

    def __getitem__(self, work_id: str) -> int:
        return self.positions[work_id]

    def __contains__(self, work_id: object) -> bool:
        return work_id in self.positions

    def __iter__(self) -> Iterator[str]:
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)
