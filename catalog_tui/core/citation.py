"""A record as a citation to paste elsewhere: what it is, which article says so, and the words.

Plain text in the catalogue's own language (the articles are Chinese), the same whatever the
interface language, so a citation copied twice reads the same:

    你好，苏东坡 (Hello, Su Dongpo) · works/ni-hao-su-dong-po
    王禹《奋力书写高质量发展的网络视听答卷》(000_4e479cc6954f5e65.txt)
    “《重回永乐大典》《你好，苏东坡》……以新技术激活文化遗产”
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import Document, Figure, Record
from .sources import Passage, passages_of


def record_title(record: Record) -> str:
    """A record's name as the catalogue gives it: a work's title, a figure's label, else its name."""
    for name in ("title", "label", "name"):
        if value := getattr(record, name, ""):
            return str(value)
    return record.id


def _english_title(record: Record) -> str:
    for name in ("title_en", "label_en", "name_en"):
        if value := getattr(record, name, ""):
            return str(value)
    return ""


def short_citation(record: Record) -> str:
    """`id — title`: enough to find the record again in the catalogue or the app."""
    return f"{record.id} — {record_title(record)}"


def heading(record: Record) -> str:
    """The citation's first line: title (English title) · section/id, and a figure's value."""
    line = record_title(record)
    if english := _english_title(record):
        line += f" ({english})"
    if isinstance(record, Figure):
        value = f"{record.value:g}{record.unit}"
        line += f": {value}" + (f" ({record.period})" if record.period else "")
    return f"{line} · {record.SECTION}/{record.id}"


def article_line(document: Document | None, file: str) -> str:
    """`byline《title》(file)`, with what the documents section has of it."""
    if document is None:
        return f"({file})"
    return f"{document.byline}《{document.title}》({document.file})"


def citation(
    record: Record, documents: Mapping[str, Document], passages: Iterable[Passage] | None = None
) -> str:
    """The record and its passages (all of them unless `passages` says which), each passage
    under the article it comes from."""
    lines = [heading(record)]
    for passage in passages_of(record) if passages is None else passages:
        lines.append(article_line(documents.get(passage.doc), passage.doc))
        lines.append(f"“{passage.quote}”")
    return "\n".join(lines)
