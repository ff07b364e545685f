"""A record's own fields for the details pane (campaign, genre, channel, person, organisation,
policy, event, figure) and its links: plain Text built from data, never markup."""

from __future__ import annotations

from rich.text import Text

from ..core.model import (
    CAMPAIGN_KINDS,
    CHANNEL_KINDS,
    EN_SOURCES,
    EVENT_KINDS,
    ORGANISATION_KINDS,
    POLICY_KINDS,
    Figure,
    Person,
    Record,
    Source,
)
from ..core.records import (
    FIELD_SECTIONS,
    SECTION_FIELDS,
    Genre,
    Link,
    RecordBook,
    record_name,
    record_name_en,
)
from ..core.text import safe_display
from ..i18n import t, vocab

_KINDS = {"campaigns": CAMPAIGN_KINDS, "channels": CHANNEL_KINDS, "policies": POLICY_KINDS,
          "events": EVENT_KINDS, "organisations": ORGANISATION_KINDS}  # fmt: skip
_FIELDS = ("issuer", "date", "place", "role", "period")


def _plain(text: str) -> str:
    return safe_display(text, single_line=False)


def _heading(body: Text, key: str) -> None:
    body.append(f"\n{t(key)}\n", style="bold")


def describe(record: Record, book: RecordBook) -> Text:
    """Every field of `record`, how many works it concerns, its source passages."""
    body = Text()
    body.append(_plain(record_name(record)) + "\n", style="bold")
    if english := record_name_en(record):
        body.append(_plain(english), style="italic")
        source = str(getattr(record, "en_source", "") or "ours")
        body.append(f"  ({vocab(EN_SOURCES.get(source, (source, source)))})\n", style="dim")
    body.append(f"\n{t(f'kind.{record.SECTION}')}", style="dim")
    if kind := str(getattr(record, "kind", "")):
        labels = _KINDS.get(record.SECTION, {})
        body.append(f" · {_plain(vocab(labels.get(kind, (kind, kind))))}", style="dim")
    body.append(f" · {_plain(record.id)}\n", style="dim")
    if isinstance(record, Figure):
        body.append(f"\n{record.value:g} {_plain(record.unit)}\n", style="bold")
    for name in _FIELDS:
        if value := str(getattr(record, name, "")):
            _field(body, t(f"detail.{name}"), [value])
    for kind in ("based_on", "extended_by", "part_of", "works_at"):
        named = [_link_name(book, link) for link in book.links(record) if link.kind == kind]
        _field(body, t(f"rel.{kind}"), named)
    _field(body, t("detail.works"), [t("detail.works_count", total=book.works(record).bit_count())])
    if summary := str(getattr(record, "summary", "")):
        _heading(body, "detail.summary")
        body.append(_plain(summary) + "\n")
    if isinstance(record, Person) and record.statements:
        _heading(body, "detail.statements")
        index = book.index
        for statement in record.statements:
            body.append(f"  “{_plain(statement.quote)}”\n", style="italic")
            about = [
                index.works[index.position_by_id[w]].title
                for w in statement.about
                if w in index.position_by_id
            ]
            if about:
                body.append(f"    → {'、'.join(_plain(title) for title in about)}\n", style="dim")
    _sources(body, book, getattr(record, "sources", ()))
    if note := str(getattr(record, "note", "")):
        _heading(body, "detail.note")
        body.append(_plain(note) + "\n", style="italic")
    return body


def _field(body: Text, label: str, values: list[str]) -> None:
    if values:
        body.append(f"{label}: ", style="bold")
        body.append("、".join(_plain(v) for v in values) + "\n")


def _sources(body: Text, book: RecordBook, sources: tuple[Source, ...]) -> None:
    if not sources:
        return
    _heading(body, "detail.sources")
    titles = {d.file: d.title for d in book.index.catalog.documents}
    for source in sources:
        body.append(f"  《{_plain(titles.get(source.doc, source.doc))}》 {_plain(source.doc)}\n", style="dim")
        body.append(f"  “{_plain(source.quote)}”\n", style="italic")


def _link_name(book: RecordBook, link: Link) -> str:
    target = book.find(FIELD_SECTIONS[link.field], link.value)
    return record_name(target) if target else link.value


def record_links(record: Record, book: RecordBook) -> list[tuple[str, str, Text]]:
    """(field, value, prompt) of each record the details link to; enter on one jumps there."""
    index = book.index
    links: list[tuple[str, str, Text]] = []
    for link in book.links(record):
        prompt = Text.assemble((f"{t(f'rel.{link.kind}')}  ", "dim"), safe_display(_link_name(book, link)))
        links.append((link.field, link.value, prompt))
    if isinstance(record, Person):
        about = dict.fromkeys(w for s in record.statements for w in s.about if w in index.position_by_id)
        for work_id in about:
            title = index.works[index.position_by_id[work_id]].title
            links.append(
                ("work", work_id, Text.assemble((f"{t('rel.spoke_about')}  ", "dim"), safe_display(title)))
            )
    return links


def record_prompt(book: RecordBook, field: str, value: str) -> Text | None:
    """A link to a record by (field, id), for a work's details (who spoke about it)."""
    target = book.find(FIELD_SECTIONS.get(field, ""), value)
    if target is None:
        return None
    name = vocab((target.name, target.name_en)) if isinstance(target, Genre) else record_name(target)
    return Text.assemble((f"{t(f'link.{SECTION_FIELDS[target.SECTION]}')}  ", "dim"), safe_display(name))
