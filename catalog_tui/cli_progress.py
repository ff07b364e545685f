"""The command line's progress while the store opens or seeds: Rich's progress bar, on stderr.

The store reports (stage, done, total). Every stage but one counts works (indexing and the checks:
their passes over them, shown as works' worth; writing: the works' rows written); "reading
catalogue" counts the characters parsed (shown as a percentage). An export counts records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .core.seed_progress import WORK_STAGES, in_works
from .core.store import Progress as ProgressCallback
from .i18n import MESSAGES, t


class _CountColumn(ProgressColumn):
    """ "12,000 / 100,000 works" for a stage counting works, a percentage for one counting text."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        if task.fields.get("works"):
            return Text(
                t("cli.progress.works", done=f"{int(task.completed):,}", total=f"{int(task.total):,}")
            )
        return Text(f"{task.percentage:>3.0f}%")


class _RateColumn(ProgressColumn):
    """Works a second, for the stages that count works."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not task.fields.get("works") or speed is None:
            return Text("")
        return Text(t("cli.progress.rate", rate=f"{speed:,.0f}"), style="progress.data.speed")


class StoreProgress:
    """A (stage, done, total) callback that draws one bar a stage."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            label = t(f"stage.{stage}") if f"stage.{stage}" in MESSAGES else stage
            task = self._tasks[stage] = self._progress.add_task(
                label, total=max(in_works(stage, done, total)[1], 1), works=stage in WORK_STAGES
            )
        if stage in WORK_STAGES:
            done, total = in_works(stage, done, total)
        self._progress.update(task, total=max(total, 1), completed=done)


@contextmanager
def store_progress(console: Console | None = None) -> Iterator[ProgressCallback | None]:
    """A progress callback drawing on stderr while the block runs, or None (silence) when stderr
    is not a terminal. The bars are cleared at the end, so what follows starts its own line."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        _CountColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield StoreProgress(progress)
