"""An export's progress (issue 13): one count over the whole export, in records, told as the
passes over the records go (export.py's selection and sections) and as the records are written."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence

from .lazy_works import LazyWorks
from .model import Record

# progress(records done, records to do): see Tally
ExportProgress = Callable[[int, int], None]


class Tally:
    """One progress over a whole export, counted in records: the passes over records before any is
    written (their ids, the records they link to, the documents they cite), then the records
    written. Each pass is expected before the first report, so the total is known ahead of the
    work it counts; it grows once, when following the links added records to the export, before
    any record is written. `fmt` and `section`: what will be written (a CSV: one section, no
    documents)."""

    def __init__(self, progress: ExportProgress, fmt: str, section: str) -> None:
        self.progress = progress
        self.csv = fmt == "csv"
        self.section = section
        self.done = self.total = 0

    def expect(self, records: int) -> None:
        self.total += records

    def after_selection(self, records: Mapping[str, Sequence[Record]]) -> int:
        """The records the export will pass after the selection: once for the documents they cite
        (not in a CSV), once as they are written."""
        if self.csv:
            return len(records.get(self.section, ()))
        return 2 * sum(map(len, records.values()))

    def advance(self, records: int) -> None:
        self.done = min(self.done + records, self.total)
        self.progress(self.done, self.total)


def walk(
    rows: Sequence[Record], reverse: bool = False, tally: Tally | None = None, every: int = 500
) -> Generator[Record, None, None]:
    """The records, one at a time: the catalogue's own works are built for the pass, not kept.
    `tally` is told every `every` records, and of the rest when the pass ends or is closed early."""
    each = rows.walk(reverse) if isinstance(rows, LazyWorks) else reversed(rows) if reverse else iter(rows)
    if tally is None:
        yield from each
        return
    passed = 0
    try:
        for record in each:
            yield record
            passed += 1
            if passed % every == 0:
                tally.advance(every)
    finally:
        tally.advance(len(rows) - passed // every * every)  # a pass left early is done all the same
