"""One writer for the persistent selection: changes are written in the order they were made, by a
single thread, and a burst of changes is folded so each work's latest state is what lands on disk."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from .store import Store


class SelectionWriter:
    def __init__(self, store: Store, on_error: Callable[[OSError], None]) -> None:
        self.store = store
        self.on_error = on_error
        self._pending: dict[str, bool] = {}  # work id -> selected, the latest change per work
        self._changed = threading.Condition()
        self._busy = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="selection-writer", daemon=True)
        self._thread.start()

    def change(self, work_ids: Iterable[str], selected: bool) -> None:
        with self._changed:
            for work_id in work_ids:
                # Re-inserted so a later change of the same work is also later in the order.
                self._pending.pop(work_id, None)
                self._pending[work_id] = selected
            self._changed.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every change made so far is written; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._busy, timeout)

    def close(self, timeout: float = 10) -> None:
        self.wait_idle(timeout)
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closed)
                if self._closed and not self._pending:
                    return
                batch, self._pending = self._pending, {}
                self._busy = True
            try:
                added = [i for i, selected in batch.items() if selected]
                removed = [i for i, selected in batch.items() if not selected]
                if added:
                    self.store.set_selected(added, True)
                if removed:
                    self.store.set_selected(removed, False)
            except OSError as error:
                self.on_error(error)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
