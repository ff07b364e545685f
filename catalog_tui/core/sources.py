"""The seed articles behind the records: read a document's text, split it into paragraphs and find
a record's verbatim passage in it, so a reader can show the sentence around a quote.

Quotes are verbatim, but a catalogue edited by hand may break a line differently, add or drop
spaces, or write a full-width character half-width: the search falls back to ignoring whitespace
and character width before it gives up.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .model import Catalog, Document, Record, Source, Statement

# A seed article is a few dozen KiB; anything far larger is not one, and is not read whole.
MAX_ARTICLE_BYTES = 4 << 20
_BLANK_LINES = re.compile(r"\n[ \t\u3000\r]*\n")

# Why a passage could not be shown (codes the interface translates).
NO_DOCUMENT = "no-document"  # the catalogue lists no document of that file name
NO_TEXT = "no-text"  # the document names no text file, or the catalogue was read from a pipe
UNREADABLE = "unreadable"  # the text file is missing, too large or cannot be read
NOT_FOUND = "not-found"  # the article is there, the quote is not in it

Passage = Source | Statement


@dataclass(frozen=True, slots=True)
class Span:
    """Where a quote is: paragraph number, and its characters [start, end) in that paragraph."""

    paragraph: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Reading:
    """One passage of a record as a reader shows it: its article's paragraphs and where the quote
    is in them. `problem` (one of the codes above) is empty when the quote was found."""

    passage: Passage
    document: Document | None
    paragraphs: tuple[str, ...] = ()
    span: Span | None = None
    problem: str = ""


def passages_of(record: Record) -> tuple[Passage, ...]:
    """A record's passages: its sources, then (for a person) what the text has them say."""
    sources: tuple[Passage, ...] = getattr(record, "sources", ())
    statements: tuple[Passage, ...] = getattr(record, "statements", ())
    return (*sources, *statements)


def split_paragraphs(text: str) -> tuple[str, ...]:
    """The article's paragraphs: runs of text between blank lines, trimmed, none empty."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return tuple(stripped for part in _BLANK_LINES.split(text) if (stripped := part.strip()))


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, each character in its compatibility (half-width) form where
    that is one character, and for each kept character its index in `text`."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            continue
        normal = unicodedata.normalize("NFKC", char)
        chars.append(normal if len(normal) == 1 else char)
        where.append(index)
    return "".join(chars), where


def locate(paragraphs: tuple[str, ...], quote: str) -> Span | None:
    """The first place `quote` occurs: verbatim if it does, else ignoring whitespace and width."""
    quote = quote.strip()
    if not quote:
        return None
    for number, paragraph in enumerate(paragraphs):
        if (start := paragraph.find(quote)) >= 0:
            return Span(number, start, start + len(quote))
    wanted, _ = _folded(quote)
    if not wanted:
        return None
    for number, paragraph in enumerate(paragraphs):
        folded, where = _folded(paragraph)
        if (start := folded.find(wanted)) >= 0:
            return Span(number, where[start], where[start + len(wanted) - 1] + 1)
    return None


class SourceTexts:
    """The catalogue's articles, read from beside the catalogue file when first asked for.

    `folder`: where documents' `text` paths are relative to (None when the catalogue came from a
    pipe). A text is read again only when its file changed."""

    def __init__(self, catalog: Catalog, folder: str | os.PathLike[str] | None) -> None:
        self.documents = {document.file: document for document in catalog.documents}
        self.folder = Path(folder) if folder is not None else None
        self._read: dict[str, tuple[tuple[int, int], tuple[str, ...]]] = {}

    def document(self, file: str) -> Document | None:
        return self.documents.get(file)

    def text_path(self, document: Document) -> Path | None:
        """The document's text file, when it has one inside the catalogue's folder."""
        if self.folder is None or not document.text:
            return None
        relative = document.text.replace("\\", "/")
        if os.path.isabs(relative) or ".." in relative.split("/"):
            return None  # the loader refuses these; a text is never looked for outside the folder
        return self.folder / relative

    def paragraphs(self, document: Document) -> tuple[str, ...] | None:
        """The article's paragraphs, or None when its text cannot be read (see `problem`)."""
        return self._paragraphs(document)[1]

    def _paragraphs(self, document: Document) -> tuple[str, tuple[str, ...] | None]:
        path = self.text_path(document)
        if path is None:
            return NO_TEXT, None
        try:
            status = path.stat()
            if status.st_size > MAX_ARTICLE_BYTES or not path.is_file():
                return UNREADABLE, None
            stamp = (status.st_mtime_ns, status.st_size)
            cached = self._read.get(document.file)
            if cached is not None and cached[0] == stamp:
                return "", cached[1]
            with path.open("rb") as file:
                raw = file.read(MAX_ARTICLE_BYTES + 1)
        except OSError:
            return UNREADABLE, None
        if len(raw) > MAX_ARTICLE_BYTES:
            return UNREADABLE, None
        paragraphs = split_paragraphs(raw.decode("utf-8-sig", errors="replace"))
        self._read[document.file] = (stamp, paragraphs)
        return "", paragraphs

    def reading(self, passage: Passage) -> Reading:
        """The passage in its article; never raises for a missing or unreadable article."""
        document = self.document(passage.doc)
        if document is None:
            return Reading(passage, None, problem=NO_DOCUMENT)
        problem, paragraphs = self._paragraphs(document)
        if paragraphs is None:
            return Reading(passage, document, problem=problem)
        span = locate(paragraphs, passage.quote)
        return Reading(passage, document, paragraphs, span, "" if span else NOT_FOUND)

    def readings(self, record: Record) -> list[Reading]:
        return [self.reading(passage) for passage in passages_of(record)]
