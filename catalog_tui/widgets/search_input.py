"""The query field: an Input whose editing keys act in the order they were typed.

An Input's own bindings (backspace, ctrl+u, ctrl+w, arrows …) run only when the key has bubbled
up to the App, after the letters queued behind it were already inserted: a fast "/", ctrl+u,
"qingming" left the box empty. Here each editing key runs its action as the key is handled.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


def _editing_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for binding in Input.BINDINGS:
        if isinstance(binding, Binding) and binding.action not in ("submit", "paste"):
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


EDITING_KEYS = _editing_keys()


class SearchInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        action = EDITING_KEYS.get(event.key)
        if action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)
