"""The export dialog: where, what (selection, matches, everything) and in which format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from ..core.export import FORMATS

SCOPES = {
    "selection": "已选作品 Selected works",
    "matches": "当前结果 Current matches",
    "all": "全部作品 All works",
    "figures": "已选数据 Selected figures",
}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    path: Path
    scope: str
    format: str


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "confirm", "导出 Export"),
    ]

    def __init__(self, suggested_path: str, counts: dict[str, int], scope: str | None = None) -> None:
        super().__init__()
        self.suggested_path = suggested_path
        self.counts = counts
        self.default_scope = scope or ("selection" if counts.get("selection") else "matches")

    def compose(self) -> ComposeResult:
        default_scope = self.default_scope
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("导出 Export", classes="dialog-title")
            yield Label("文件 File (enter 确认 to export)")
            yield Input(self.suggested_path, id="export-path")
            with Horizontal(id="export-options"):
                with RadioSet(id="export-scope"):
                    for scope, label in SCOPES.items():
                        count = self.counts.get(scope, 0)
                        yield RadioButton(
                            f"{label} ({count:,})", value=scope == default_scope, id=f"scope-{scope}"
                        )
                with RadioSet(id="export-format"):
                    for fmt in FORMATS:
                        yield RadioButton(fmt.upper(), value=fmt == "yaml", id=f"format-{fmt}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("导出 Export", variant="primary", id="export")
                yield Button("取消 Cancel", id="cancel")

    def on_mount(self) -> None:
        path_input = self.query_one("#export-path", Input)
        path_input.focus()
        path_input.cursor_position = len(path_input.value)

    def _chosen(self, radio_set_id: str) -> str:
        pressed = self.query_one(f"#{radio_set_id}", RadioSet).pressed_button
        return (pressed.id or "").split("-", 1)[1] if pressed else ""

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        # Keep the file name's suffix in step with the format, unless the user renamed it oddly.
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix.lower() in {".yaml", ".yml", ".json", ".csv"}:
            path_input.value = str(path.with_suffix(f".{self._chosen('export-format')}"))

    @on(Input.Submitted, "#export-path")
    def action_confirm(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify("请填写文件名 Give a file name", severity="warning", markup=False)
            return
        self.dismiss(ExportRequest(Path(value), self._chosen("export-scope"), self._chosen("export-format")))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)
