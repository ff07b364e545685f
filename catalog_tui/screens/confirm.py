"""A yes/no question as a modal: dismisses with True or False.

Keys typed before the question was on screen are ignored: typed-ahead text never answers it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..core.text import safe_display
from ..i18n import t, translated


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes_label: str) -> None:
        super().__init__()
        self.question = Text(safe_display(question, single_line=False))
        self.yes_label = yes_label
        self.shown_at: float | None = None

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes_label, variant="warning", id="yes")
                yield Button(t("confirm.no"), id="no")

    def on_mount(self, event: events.Mount) -> None:
        self.shown_at = event.time
        self.set_focus(self.query_one("#no", Button))

    def on_key(self, event: events.Key) -> None:
        if self.shown_at is None or event.time < self.shown_at:
            event.stop()
            event.prevent_default()

    def action_answer(self, answer: bool) -> None:
        if self.shown_at is not None:  # never answered before it was on screen
            self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
