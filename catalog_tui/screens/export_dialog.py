"""The export dialog: where, what (selection, matches, everything) and in which format."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from ..core.export import FORMATS, ExportError
from ..core.export_file import export_works, shown
from ..core.library import Library
from ..core.text import safe_display
from ..i18n import t, translated
from ..widgets.search_bar import SAFE_INPUT

SCOPES = ("selection", "matches", "all", "figures")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    path: Path
    scope: str
    format: str


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "confirm", "Export"),
    ]

    def __init__(self, suggested_path: str, counts: dict[str, int], scope: str | None = None) -> None:
        super().__init__()
        self.suggested_path = suggested_path
        self.counts = counts
        self.default_scope = scope or ("selection" if counts.get("selection") else "matches")

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    def compose(self) -> ComposeResult:
        default_scope = self.default_scope
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(t("export.title"), classes="dialog-title")
            yield Label(t("export.file"))
            yield Input(self.suggested_path, id="export-path", restrict=SAFE_INPUT)
            with Horizontal(id="export-options"):
                with RadioSet(id="export-scope"):
                    for scope in SCOPES:
                        label = t(f"export.scope.{scope}", count=f"{self.counts.get(scope, 0):,}")
                        yield RadioButton(label, value=scope == default_scope, id=f"scope-{scope}")
                with RadioSet(id="export-format"):
                    for fmt in FORMATS:
                        yield RadioButton(fmt.upper(), value=fmt == "yaml", id=f"format-{fmt}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("export.button"), variant="primary", id="export")
                yield Button(t("export.cancel"), id="cancel")

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
            self.notify(t("export.no_name"), severity="warning", markup=False)
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


def run_export(
    node: DOMNode,
    library: Library,
    selection: list[int],
    matches: list[int],
    query: str,
    figure_ids: frozenset[str],
    on_stats: bool,
) -> None:
    """Ask where and what (ExportDialog, shown at once), then export in a worker."""
    from .ask import ask

    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    suggested = str(Path.cwd() / f"catalog-export-{stamp}.yaml")
    counts = {"selection": len(selection), "matches": len(matches), "all": len(library.index),
              "figures": len(figure_ids)}  # fmt: skip
    dialog = ExportDialog(suggested, counts, "figures" if on_stats and figure_ids else None)
    _export(node, ask(node.app, dialog), library, selection, matches, query, figure_ids)


@work(group="export-dialog")
async def _export(
    node: DOMNode,
    asked: Awaitable[ExportRequest | None],
    library: Library,
    selection: list[int],
    matches: list[int],
    query: str,
    figure_ids: frozenset[str],
) -> None:
    """Ask before overwriting, write off the UI thread, say how it went."""
    from .confirm import ConfirmScreen
    from .export_progress import ExportProgress

    app = node.app
    request = await asked
    if request is None:
        return
    overwrite = request.path.expanduser().is_file()
    if overwrite:
        question = ConfirmScreen(
            t("export.overwrite", path=safe_display(str(request.path))), t("confirm.yes")
        )
        if not await app.push_screen_wait(question):
            return
    figures = [f for f in library.catalog.figures if request.scope == "figures" and f.id in figure_ids]
    positions = {"selection": selection, "matches": matches, "figures": []}.get(
        request.scope, library.index.orders["title"]
    )
    works = library.works_passing(positions)  # built as the export takes them, none kept
    label = query if request.scope == "matches" else f"({request.scope})"
    # The figures scope is the figures section of the one export model; every other is works.
    section = "figures" if request.scope == "figures" else "works"
    # Records done of how many while it writes (closable: the export goes on and says when done).
    progress = ExportProgress(safe_display(str(request.path)))
    await app.push_screen(progress)
    try:
        result = await asyncio.to_thread(export_works, library.catalog, works, request.path, request.format,
                                         section=section, query=label, overwrite=overwrite,
                                         figures=figures, progress=progress.reporter())  # fmt: skip
    except ExportError as error:
        app.notify(str(error), title=t("export.failed_title"), severity="error", markup=False)
        return
    finally:
        if app.screen is progress:  # not closed meanwhile (dismiss pops whatever is on top)
            progress.dismiss(None)
    message = t("export.done", count=result.count, path=shown(result.path), format=result.format)
    app.notify(message, title=t("export.done_title"), markup=False)
