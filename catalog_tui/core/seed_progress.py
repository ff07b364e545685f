"""What a progress display makes of the store's (stage, done, total) reports: works where a stage
counts them, and a rate and time left for the stage under way. Light on purpose (no numpy, no
index): the loading screen imports it before its first frame."""

from __future__ import annotations

import time
from collections.abc import Callable

# Passes of the index build over the works: orders, four of postings, syllables and facets.
BUILD_PASSES = 6
# Stages whose reports count works (indexing: BUILD_PASSES per work; checking: works' worth of its
# passes; writing: the works' rows written); "reading catalogue" is a share (ReadingShare).
WORK_STAGES = frozenset(
    {"checking catalogue", "preparing search data", "reading store", "indexing", "writing store"}
)
# Records between two reports of a pass over the works (the receivers throttle further).
REPORT_EVERY = 4096


def in_works(stage: str, done: int, total: int) -> tuple[int, int]:
    """(done, total) of a work stage, in works: the index build shows how many works' worth of
    its passes are done."""
    if stage == "indexing":
        return done // BUILD_PASSES, max(total // BUILD_PASSES, 1)
    return done, total


class WorksWorth:
    """Several passes over a catalogue's records reported as one stage counted in works: `advance(n)`
    after n records of a pass reports `(works' worth done, works)`, rising, never above `works`.
    `units` is the records of all the passes together."""

    def __init__(self, progress: Callable[[int, int], object], works: int, units: int) -> None:
        self._progress = progress
        self._works = works
        self._units = max(units, 1)
        self._done = 0

    def advance(self, units: int) -> None:
        self._done = min(self._done + units, self._units)
        self._progress(self._done * self._works // self._units, self._works)


class StageClock:
    """The rate (units a second) and seconds left of the stage under way, measured from its first
    report; None until half a second has passed and some work is done (earlier guesses swing)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stage: str | None = None
        self._start = 0.0
        self._start_done = 0

    def update(self, stage: str, done: int, total: int) -> tuple[float | None, float | None]:
        now = self._clock()
        if stage != self._stage:
            self._stage, self._start, self._start_done = stage, now, done
        elapsed = now - self._start
        if elapsed < 0.5 or done <= self._start_done:
            return None, None
        rate = (done - self._start_done) / elapsed
        return rate, max(0.0, (total - done) / rate)


def clock_text(seconds: float) -> str:
    """0:07, 1:05:00."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class ReadingShare:
    """The "reading catalogue" stage as one share of `TOTAL`, from the first byte read to the last
    character parsed: the steps before the parse (reading the file, decoding it, the pre-parse
    scans) take the first few parts, sized as their time compares with the parse's, so the bar
    moves before the parse's first report. Each step's callback takes `(done, total)` in its own
    units (None without a progress callback); the share reported only rises."""

    TOTAL = 1_000_000
    # Where each step ends (measured at 100k: read ~1 %, decode ~2 %, scans ~2 % of the stage).
    READ_END, DECODE_END, SCAN_END = 10_000, 30_000, 50_000

    def __init__(self, progress: Callable[[int, int], object] | None) -> None:
        self._progress = progress
        self._done = 0
        self.read = self._step(0, self.READ_END)
        self.decoded = self._step(self.READ_END, self.DECODE_END)
        self.scanned = self._step(self.DECODE_END, self.SCAN_END)
        self.parsed = self._step(self.SCAN_END, self.TOTAL)

    def _step(self, start: int, end: int) -> Callable[[int, int], None] | None:
        progress = self._progress
        if progress is None:
            return None

        def report(done: int, total: int) -> None:
            share = start + (end - start) * min(done, total) // max(total, 1)
            if share > self._done:
                self._done = share
                progress(share, self.TOTAL)

        return report
