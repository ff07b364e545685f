"""A one-line question (a name for a saved search, a new name): dismisses with the text or None.

Keys typed right after the prompt was asked for, before its field had the focus, still land in
the field, in order.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ..i18n import t, translated
from ..widgets.search_bar import SAFE_INPUT


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder  # enter on an empty field accepts it

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Our own fixed strings, so markup parsing is harmless here; the value is user data
            # and goes into the Input, which never parses markup.
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", restrict=SAFE_INPUT,
                        select_on_focus=False)  # fmt: skip
            yield Label(t("prompt.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    def on_key(self, event: events.Key) -> None:
        # A key that reached the screen itself arrived before the field had the focus.
        if event.is_printable and event.character is not None:
            event.stop()
            event.prevent_default()
            self.query_one(Input).insert_text_at_cursor(event.character)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip() or self.placeholder.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify(t("prompt.empty"), severity="warning", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
