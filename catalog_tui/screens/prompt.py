"""A one-line question (a name for a saved search, a new name): dismisses with the text or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ..i18n import t, translate_bindings
from ..widgets.search_bar import SAFE_INPUT


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Our own fixed strings, so markup parsing is harmless here; the value is user data
            # and goes into the Input, which never parses markup.
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", restrict=SAFE_INPUT)
            yield Label(t("prompt.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        translate_bindings(self)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify(t("prompt.empty"), severity="warning", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
