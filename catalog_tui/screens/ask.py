"""Show a dialog at once and await its answer in a worker.

The dialog is pushed synchronously by the key's action, so the keys typed right after it reach the
dialog, not the list behind; the answer is a future the action's worker awaits.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from textual.app import App
from textual.screen import Screen

T = TypeVar("T")


def ask(app: App[object], dialog: Screen[T]) -> asyncio.Future[T]:
    answer: asyncio.Future[T] = asyncio.get_running_loop().create_future()

    def answered(result: T | None) -> None:
        if not answer.done():
            answer.set_result(result)  # type: ignore[arg-type]

    app.push_screen(dialog, callback=answered)
    return answer
