"""The catalogue's records other than works (campaigns, genres, channels, people, organisations,
policies, events, figures): which works each one concerns, which query words find it, and which
records it links to. Records are few (hundreds): their texts are folded once, up front, and each
one's works when first asked for; works are sets of ranks (bits.py), so counting those that match a
search stays cheap at a million works.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from .index import SearchIndex
from .model import WORK_TYPES, Campaign, Channel, Event, Figure, Organisation, Person, Policy, Record, Source
from .once import built_once
from .query import QueryError, Term, parse
from .search import pinyin_pattern
from .text import fold, pinyin_keys

# The sections whose records are facet groups of the index (section -> facet field).
GROUP_FIELDS = {"campaigns": "campaign", "genres": "type", "channels": "channel"}
# A jump target's field (DetailPane links, the palette, jump_to) for each section.
SECTION_FIELDS = {
    "campaigns": "campaign", "genres": "type", "channels": "channel", "people": "person",
    "organisations": "organisation", "policies": "policy", "events": "event", "figures": "figure",
}  # fmt: skip
FIELD_SECTIONS = {field: section for section, field in SECTION_FIELDS.items()}
_TITLE_MENTION = re.compile(r"《([^《》]{1,80})》")


@dataclass(frozen=True, slots=True)
class Genre(Record):
    """A work type seen as a record, so the Genres tab lists and describes it like the others."""

    SECTION: ClassVar[str] = "genres"

    name: str = ""
    name_en: str = ""
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A relation shown in a record's details: `kind` names it (i18n "rel.<kind>"), and the
    target is a jump (field, id)."""

    kind: str
    field: str
    value: str


def record_name(record: Record) -> str:
    return str(getattr(record, "name", "") or getattr(record, "label", "") or record.id)


def record_name_en(record: Record) -> str:
    return str(getattr(record, "name_en", "") or getattr(record, "label_en", ""))


def query_words(query: str) -> list[str]:
    """The free-text words of a query (folded), the part that can find a record by its text; field
    terms and exclusions concern works. A malformed query has none."""
    try:
        tree = parse(query)
    except QueryError:
        return []
    words = [fold(p.value) for p in tree.parts if isinstance(p, Term) and p.field is None and not p.negated]
    return [w for w in words if w]


@dataclass(slots=True)
class _Entry:
    record: Record
    hay: str  # folded names, role, issuer, place, summary
    names: tuple[str, ...]  # folded
    pinyin: tuple[str, ...] | None = None  # when first asked for: reading names may import pypinyin
    works: int | None = None  # a set of ranks, worked out when first asked for


class RecordBook:
    """Every record with the works it concerns and its links, looked up by section and id."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        catalog = index.catalog
        genres = [Genre(id=slug, name=zh, name_en=en) for slug, (zh, en) in WORK_TYPES.items()]
        self.sections: dict[str, list[Record]] = {
            "campaigns": list(catalog.campaigns), "genres": list(genres), "channels": list(catalog.channels),
            "people": list(catalog.people), "organisations": list(catalog.organisations),
            "policies": list(catalog.policies), "events": list(catalog.events), "figures": list(catalog.figures),
        }  # fmt: skip
        self._records = {(section, r.id): r for section, records in self.sections.items() for r in records}
        # The entries' lazily worked-out parts, each once though two threads ask at once (the
        # warm-up reads every pinyin while a search may need some; works: see works()).
        self._pinyin_lock = threading.Lock()
        self._works_lock = threading.RLock()

    @built_once
    def _entries(self) -> dict[tuple[str, str], _Entry]:
        """Each record's folded texts, worked out when first needed (warm(), after the browser's
        first frame, or the first lookup): folding them all took a tenth of that frame."""
        return {key: self._entry(key[0], record) for key, record in self._records.items()}

    def _entry(self, section: str, record: Record) -> _Entry:
        names = [record_name(record), record_name_en(record)]
        texts = [*names, *(str(getattr(record, name, "")) for name in ("role", "issuer", "place", "summary"))]
        if isinstance(record, Figure):
            texts += [record.unit, record.period]
        folded = tuple(fold(name) for name in names if name)
        return _Entry(record, fold(" ".join(texts)), folded)

    def _pinyin(self, entry: _Entry) -> tuple[str, ...]:
        found = entry.pinyin
        if found is None:
            with self._pinyin_lock:
                found = entry.pinyin
                if found is None:
                    record = entry.record
                    names = (record_name(record), record_name_en(record))
                    found = entry.pinyin = tuple(key for name in names for key in pinyin_keys(name))
        return found

    def warm(self) -> None:
        """Work out every record's pinyin keys now (off the UI thread: pypinyin takes a moment to
        import), so that the first query or palette search does not wait for them."""
        for entry in self._entries.values():
            self._pinyin(entry)

    def _works_of(self, section: str, record: Record) -> int:
        index = self.index
        if section in GROUP_FIELDS:
            group = index.groups[GROUP_FIELDS[section]].get(record.id)
            return group.members if group else 0
        works = self._mentioned(record)
        if isinstance(record, Person):
            works |= self._encode(w for s in record.statements for w in s.about)
        elif isinstance(record, Organisation):
            people = [p for p in index.catalog.people if record.id in p.organisations]
            works |= self._encode(w for p in people for s in p.statements for w in s.about)
        return works

    def _encode(self, work_ids: Iterable[str]) -> int:
        by_id = self.index.position_by_id
        return self.index.encode(by_id[w] for w in work_ids if w in by_id)

    def _mentioned(self, record: Record) -> int:
        """Works the record's own text names by title, in 《》 (a figure about 《家里家外》)."""
        texts = [record_name(record), str(getattr(record, "summary", ""))]
        texts += [source.quote for source in getattr(record, "sources", ())]
        found = 0
        for title in _TITLE_MENTION.findall(" ".join(texts)):
            found |= self.index.titles_equal(fold(title))
        return found

    def find(self, section: str, record_id: str) -> Record | None:
        return self._records.get((section, record_id))

    def works(self, record: Record) -> int:
        """The works (a set of ranks) the record concerns: a campaign's or channel's members, the
        works a person speaks about, the works a record's text names."""
        entry = self._entries.get((record.SECTION, record.id))
        if entry is None:
            return 0
        found = entry.works
        if found is None:  # lazily: the first tab shows works only, and 《title》 lookups
            with self._works_lock:  # build an index of every title
                found = entry.works
                if found is None:
                    found = entry.works = self._works_of(record.SECTION, record)
        return found

    def name_keys(self, record: Record) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The record's folded names and their pinyin keys (the palette finds records by these)."""
        entry = self._entries[record.SECTION, record.id]
        return entry.names, self._pinyin(entry)

    def matches_words(self, record: Record, words: list[str]) -> bool:
        entry = self._entries[record.SECTION, record.id]
        for word in words:
            if word in entry.hay:
                continue
            pattern = pinyin_pattern(word)
            if pattern is None or not any(pattern.search(key) for key in self._pinyin(entry)):
                return False
        return True

    def listed(self, section: str, query: str, found: int, everything: bool) -> list[tuple[Record, int, int]]:
        """The section's records a search shows, with (matching works, all works) each: all of them
        when nothing narrows the search (`everything`); else those the query's words find by name,
        summary or pinyin, and those with matching works."""
        words = query_words(query)
        rows = []
        for record in self.sections[section]:
            works = self.works(record)
            matched = (works & found).bit_count()
            if everything or matched or (words and self.matches_words(record, words)):
                rows.append((record, matched, works.bit_count()))
        return rows

    def links(self, record: Record) -> list[Link]:
        """The records this one points to, and those pointing to it, as the data states them."""
        catalog = self.index.catalog
        links: list[Link] = []
        if isinstance(record, Campaign):
            links += [Link("based_on", "campaign", c) for c in record.based_on if catalog.campaign(c)]
            links += [
                Link("extended_by", "campaign", c.id) for c in catalog.campaigns if record.id in c.based_on
            ]
        if isinstance(record, Person):
            links += [
                Link("works_at", "organisation", o) for o in record.organisations if catalog.organisation(o)
            ]
            links += [Link("works_at", "channel", c) for c in record.channels if catalog.channel(c)]
        if isinstance(record, Organisation):
            if record.parent and catalog.organisation(record.parent):
                links.append(Link("part_of", "organisation", record.parent))
            links += [
                Link("has_part", "organisation", o.id) for o in catalog.organisations if o.parent == record.id
            ]
        if isinstance(record, Organisation | Channel):
            links += [Link("staff", "person", p.id) for p in catalog.people
                      if record.id in (p.organisations if isinstance(record, Organisation) else p.channels)]  # fmt: skip
        if isinstance(record, Campaign | Policy):
            issuers = [o for o in catalog.organisations if record.issuer and o.name == record.issuer]
            links += [Link("issuer", "organisation", o.id) for o in issuers]
        if isinstance(record, Organisation):
            for section in ("campaigns", "policies"):
                links += [Link("issued", SECTION_FIELDS[section], r.id) for r in self.sections[section]
                          if getattr(r, "issuer", "") == record.name]  # fmt: skip
        if isinstance(record, Policy | Event):
            links += self._named_campaigns(record)
        return links

    def _named_campaigns(self, record: Policy | Event) -> list[Link]:
        """Campaigns a policy's or event's name or summary names (the 微短剧+ notice)."""
        text = fold(" ".join((record.name, record.summary)))
        return [Link("names", "campaign", c.id) for c in self.index.catalog.campaigns if fold(c.name) in text]
