"""The query field: an Input whose editing keys act in the order they were typed, and whose echo
is painted together with the results it asks for.

An Input's own bindings (backspace, ctrl+u, ctrl+w, arrows …) run only when the key has bubbled
up to the App, after the letters queued behind it were already inserted: a fast "/", ctrl+u,
"qingming" left the box empty. Here each editing key runs its action as the key is handled.

The search runs in a thread, so the box would be painted with the new character, then the list in
a second frame. A key that changes the text holds the app's repaints (App.batch_update) until the
search bar shows the results (`release`), at most HOLD_ECHO_SECONDS: one frame carries both.

Textual's Input sets its `virtual_size` to the text's width on every change, and `virtual_size` is a
layout reactive: every keystroke asked for a layout pass of the whole screen. The box has a fixed
size and draws its own horizontal scroll (render_line crops at scroll_x), so here it only repaints.
"""

from __future__ import annotations

from contextlib import ExitStack

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input

# How long the echo of a keystroke may wait for its results.
HOLD_ECHO_SECONDS = 0.1


def _editing_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for binding in Input.BINDINGS:
        if isinstance(binding, Binding) and binding.action not in ("submit", "paste"):
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


EDITING_KEYS = _editing_keys()


class SearchInput(Input):
    # As Widget's, but a new text width repaints the box instead of reflowing the screen.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._held: ExitStack | None = None  # the app's repaints, held from a keystroke to its results

    async def _on_key(self, event: events.Key) -> None:
        # Held from before the character is drawn; let go at once if the text did not change.
        before = self.value
        self.hold()
        action = EDITING_KEYS.get(event.key)
        try:
            if action is None:
                await super()._on_key(event)
                return
            event.stop()
            event.prevent_default()
            await self.run_action(action)
        finally:
            if self.value == before:
                self.release()

    def hold(self) -> None:
        """Hold the app's repaints until `release` (at most HOLD_ECHO_SECONDS)."""
        if self._held is None and self.is_attached:
            self._held = ExitStack()
            self._held.enter_context(self.app.batch_update())
            self._held.callback(self.set_timer(HOLD_ECHO_SECONDS, self.release).stop)

    def release(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            held.close()
            # Ending a batch prompts the app, not the screen: the screen paints when it next
            # goes idle, which might be the cursor's next blink.
            if self.is_attached:
                self.screen.check_idle()

    def on_unmount(self) -> None:
        self.release()
