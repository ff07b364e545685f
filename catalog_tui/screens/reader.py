"""The source reader: a record's passage in its article, with the paragraphs around it.

A quote such as 同比增长28.4% does not say what grew or when; its paragraph does. The reader shows
the whole article, scrolled so the passage's paragraph sits in the middle, that paragraph marked
(class -passage) and the quote itself emphasised. `n` / `N` step through the record's passages,
`c` copies the citation of the passage shown. Article text is data: drawn as Text, never markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..core.citation import citation, record_title, short_citation
from ..core.library import Library
from ..core.loader import folder_of
from ..core.model import Document, Record
from ..core.sources import Passage, Reading, SourceTexts, passages_of
from ..core.text import safe_display
from ..i18n import t, translated

QUOTE_STYLE = "bold reverse"


def _plain(text: str) -> str:
    return safe_display(text, single_line=False)


def paragraph_text(paragraph: str, start: int = 0, end: int = 0) -> Text:
    """A paragraph as Text, the characters [start, end) emphasised (none when end is 0)."""
    if not end:
        return Text(_plain(paragraph))
    # Each piece made safe on its own: safe_display may lengthen a piece, never move the span.
    return Text.assemble(
        _plain(paragraph[:start]), (_plain(paragraph[start:end]), QUOTE_STYLE), _plain(paragraph[end:])
    )


def source_texts(library: Library) -> SourceTexts:
    """The articles of the library's catalogue, read from beside its catalogue file."""
    return SourceTexts(library.catalog, folder_of(str(library.report.catalog_path)))


def open_reader(app: App[object], library: Library, record: Record | None) -> None:
    """Show the highlighted record's first passage in the reader (or say why there is none)."""
    if record is None or not passages_of(record):
        app.notify(t("reader.no_source"), severity="warning", timeout=3, markup=False)
        return
    app.push_screen(ReaderScreen(record, source_texts(library)))


def copy_citation(
    app: App[object], documents: Iterable[Document], record: Record | None, passage: Passage | None = None
) -> None:
    """Put the record's citation (every passage, or only `passage`) on the clipboard."""
    if record is None:
        app.notify(t("reader.nothing_to_copy"), severity="warning", timeout=3, markup=False)
        return
    by_file = {document.file: document for document in documents}
    app.copy_to_clipboard(citation(record, by_file, None if passage is None else [passage]))
    title = safe_display(record_title(record))
    app.notify(t("reader.copied_citation", title=title), timeout=3, markup=False)


def copy_id(app: App[object], record: Record | None) -> None:
    """Put `id — title` on the clipboard."""
    if record is None:
        app.notify(t("reader.nothing_to_copy"), severity="warning", timeout=3, markup=False)
        return
    app.copy_to_clipboard(short_citation(record))
    app.notify(t("reader.copied_id", text=safe_display(short_citation(record))), timeout=3, markup=False)


class ReaderScreen(Screen[None]):
    DEFAULT_CSS = """
    ReaderScreen #reader-heading { height: auto; max-height: 40%; padding: 0 2;
        background: $panel; border-bottom: hkey $foreground 20%; }
    ReaderScreen #reader-body { height: 1fr; padding: 1 2 0 2; scrollbar-gutter: stable; }
    ReaderScreen .paragraph { margin-bottom: 1; padding: 0 1; }
    ReaderScreen .paragraph.-passage { background: $accent 20%; border-left: thick $accent; }
    ReaderScreen #reader-heading.-problem { border-bottom: hkey $warning; }
    """

    BINDINGS = [
        # Descriptions are English here; i18n.translated shows them in the chosen language.
        Binding("escape,q", "back", "Close"),
        Binding("n", "step_passage(1)", "Next passage"),
        Binding("N", "step_passage(-1)", "Previous passage"),
        Binding("j", "scroll(1)", "Scroll down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", show=False),
        Binding("c", "copy_citation", "Copy citation"),
        Binding("C", "copy_id", "Copy id and title"),
    ]

    def __init__(self, record: Record, texts: SourceTexts, passage: int = 0) -> None:
        super().__init__()
        self.record = record
        self.texts = texts
        self.passages = passages_of(record)
        self.passage = passage
        self.readings: list[Reading] | None = None  # once the articles are read
        self._drawing = asyncio.Lock()  # one redraw at a time: a key may come while one awaits
        self._shown: tuple[str, ...] | None = None  # the article whose paragraphs are mounted
        self._marked: int | None = None  # the paragraph marked as the passage's

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)

    @property
    def reading(self) -> Reading | None:
        return self.readings[self.passage] if self.readings is not None else None

    def compose(self) -> ComposeResult:
        yield Static(id="reader-heading")
        yield VerticalScroll(id="reader-body", can_focus=True)
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#reader-body"))
        self._show_heading()
        self._read_articles()

    @work(exclusive=True, group="reader")
    async def _read_articles(self) -> None:
        # Reading a file (and searching it) is blocking work: off the event loop. Keys pressed
        # meanwhile (n, N) only move `passage`; the passage they chose is drawn once read.
        self.readings = await asyncio.to_thread(self.texts.readings, self.record)
        await self.show_passage(self.passage)

    def apply_language(self) -> None:
        self._show_heading()
        self.app.refresh_bindings()

    async def show_passage(self, number: int) -> None:
        """Show passage `number` of the record: its article, marked and scrolled into the middle."""
        self.passage = number
        self._show_heading()
        if self.readings is None:
            return  # drawn when the articles are read
        async with self._drawing:
            await self._draw(self.readings[self.passage])

    async def _draw(self, reading: Reading) -> None:
        body = self.query_one("#reader-body", VerticalScroll)
        if reading.paragraphs != self._shown:
            await body.remove_children()
            await body.mount_all(Static(paragraph_text(p), classes="paragraph") for p in reading.paragraphs)
            self._shown, self._marked = reading.paragraphs, None
        paragraphs = list(body.query(".paragraph").results(Static))
        if self._marked is not None:
            paragraphs[self._marked].update(paragraph_text(reading.paragraphs[self._marked]))
            paragraphs[self._marked].remove_class("-passage")
            self._marked = None
        if (span := reading.span) is not None:
            marked = paragraphs[span.paragraph]
            marked.update(paragraph_text(reading.paragraphs[span.paragraph], span.start, span.end))
            marked.add_class("-passage")
            self._marked = span.paragraph
            self.call_after_refresh(self._centre, marked)
        else:
            body.scroll_home(animate=False)

    def _centre(self, paragraph: Static, tries: int = 3) -> None:
        """Scroll the paragraph to the middle of the body, once laid out. By its place in the body's
        content, not with scroll_to_center: that measures the body's window on screen, which a
        refresh right after mounting may not have placed yet (the paragraph then went to the top)."""
        body = self.query_one("#reader-body", VerticalScroll)
        region = paragraph.virtual_region_with_margin
        if not region.size and tries and paragraph.is_attached:  # not laid out yet
            self.call_after_refresh(self._centre, paragraph, tries - 1)
            return
        body.scroll_to(y=region.y + (region.height - body.size.height) // 2, animate=False, immediate=True)

    def _show_heading(self) -> None:
        record, passage, reading = self.record, self.passages[self.passage], self.reading
        heading = Text(_plain(record_title(record)), style="bold")
        heading.append(f"  {record.SECTION}/{record.id}", style="dim")
        heading.append("\n")
        if (document := self.texts.document(passage.doc)) is not None:
            heading.append(f"《{_plain(document.title)}》", style="bold")
            if document.byline:
                heading.append(f"  {_plain(document.byline)}")
        heading.append(f"  {_plain(passage.doc)}", style="dim")
        count = len(self.passages)
        heading.append("\n" + t("reader.passage", number=self.passage + 1, count=count), style="dim")
        if count > 1:
            heading.append("  " + t("reader.step_hint"), style="dim")
        problem = reading.problem if reading is not None else ""
        if problem:
            heading.append("\n" + t(f"reader.problem.{problem}"), style="bold")
            heading.append(f"\n“{_plain(passage.quote)}”", style="italic")
        self.query_one("#reader-heading", Static).update(heading)
        self.query_one("#reader-heading").set_class(bool(problem), "-problem")

    async def action_step_passage(self, step: int) -> None:
        if len(self.passages) < 2:
            self.app.bell()
            return
        await self.show_passage((self.passage + step) % len(self.passages))

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#reader-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_back(self) -> None:
        self.dismiss()

    def action_copy_citation(self) -> None:
        passage = self.passages[self.passage]
        copy_citation(self.app, self.texts.documents.values(), self.record, passage)

    def action_copy_id(self) -> None:
        copy_id(self.app, self.record)
