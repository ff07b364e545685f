"""Typed records of the catalogue, built from and dumped to plain dicts.

The loader validates raw YAML before these classes see it, so `from_dict` trusts its input's
shape; `to_dict` gives back exactly the catalogue format (and drops empty optional fields).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Self

from .lazy_works import WorksById
from .seed_progress import REPORT_EVERY

# Fixed vocabularies: slug -> (Chinese label, English label). The slugs are what the catalogue stores.
WORK_TYPES: dict[str, tuple[str, str]] = {
    "micro-drama": ("微短剧", "Micro-drama"),
    "web-drama": ("网络剧", "Web drama"),
    "series": ("剧集", "Drama series"),
    "documentary": ("网络纪录片", "Web documentary"),
    "variety": ("网络综艺", "Web variety show"),
    "animation": ("网络动画片", "Web animation"),
    "short-video": ("短视频", "Short video"),
    "gala": ("晚会", "Gala"),
}

CAMPAIGN_KINDS: dict[str, tuple[str, str]] = {
    "creation-plan": ("创作计划", "Creation plan"),
    "action-plan": ("行动计划", "Action plan"),
    "showcase": ("创作展播活动", "Creation and showcase activity"),
    "project": ("工程", "Project"),
    "appraisal": ("评优活动", "Appraisal"),
    "initiative": ("倡议", "Initiative"),
}

CHANNEL_KINDS: dict[str, tuple[str, str]] = {
    "broadcaster": ("广播电视机构", "Broadcaster"),
    "tv-channel": ("电视频道", "TV channel"),
    "satellite-tv": ("省级卫视", "Provincial satellite TV"),
    "streaming": ("网络视听平台", "Streaming platform"),
    "short-video": ("短视频平台", "Short-video platform"),
    "micro-drama-app": ("微短剧平台", "Micro-drama app"),
    "overseas": ("海外发行与合作方", "Overseas distributor"),
    "ai-tool": ("AI创作工具", "AI creation tool"),
}

POLICY_KINDS: dict[str, tuple[str, str]] = {
    "notice": ("通知", "Notice"),
    "opinion": ("意见", "Opinion"),
    "rules": ("细则", "Rules"),
    "measures": ("办法", "Measures"),
    "management-tip": ("管理提示", "Management tip"),
    "report": ("报告", "Report"),
    "white-paper": ("白皮书", "White paper"),
    "proposal": ("倡议书", "Proposal"),
}

EVENT_KINDS: dict[str, tuple[str, str]] = {
    "conference": ("大会", "Conference"),
    "meeting": ("会议", "Meeting"),
    "contest": ("大赛", "Contest"),
}

ORGANISATION_KINDS: dict[str, tuple[str, str]] = {
    "government": ("党政机关", "Party or government body"),
    "association": ("行业组织", "Industry association"),
    "university": ("高校", "University"),
    "company": ("企业", "Company"),
    "news-agency": ("通讯社", "News agency"),
}

# Whose English name a record carries (`en_source`): absent means "ours", the curator's (a translation,
# or the title a work is known by in English: either way not from the source).
EN_SOURCES: dict[str, tuple[str, str]] = {
    "official": ("官方", "Official (as the source writes it)"),
    "ours": ("编者所加", "Ours (not in the source)"),
}


@dataclass(frozen=True, slots=True)
class Source:
    """Where an entry comes from: a seed article's file name and a verbatim fragment of it."""

    doc: str
    quote: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls(doc=str(data["doc"]), quote=str(data["quote"]))


# A statement's link fields and the section each names: `about` the works it judges, the others
# the campaigns, channels and policies its words name.
STATEMENT_LINKS: dict[str, str] = {
    "about": "works",
    "campaigns": "campaigns",
    "channels": "channels",
    "policies": "policies",
}


@dataclass(frozen=True, slots=True)
class Statement:
    """Words the text attributes to a person, verbatim, and the records they are about."""

    doc: str
    quote: str
    about: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        links = {name: _strings(data.get(name)) for name in STATEMENT_LINKS}
        return cls(doc=str(data["doc"]), quote=str(data["quote"]), **links)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc": self.doc, "quote": self.quote}
        for name in STATEMENT_LINKS:
            if value := getattr(self, name):
                out[name] = list(value)
        return out


def _sources(raw: Any) -> tuple[Source, ...]:
    return tuple(map(Source.from_dict, raw)) if raw else ()


def _statements(raw: Any) -> tuple[Statement, ...]:
    return tuple(map(Statement.from_dict, raw)) if raw else ()


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(map(str, raw)) if raw else ()


# How to read each field of a record class from plain data, worked out once per class: a
# restart builds 100,000 works, and dataclasses.fields() on every one cost a second.
_READERS: dict[type, list[tuple[str, Any]]] = {}


def _readers(cls: type) -> list[tuple[str, Any]]:
    readers = _READERS.get(cls)
    if readers is None:
        special = {"sources": _sources, "statements": _statements}
        readers = _READERS[cls] = [
            (spec.name, special.get(spec.name) or (_strings if spec.type == "tuple[str, ...]" else None))
            for spec in fields(cls)
        ]
    return readers


@dataclass(frozen=True, slots=True)
class Record:
    """Behaviour shared by every catalogue record: a slug id, sources and an optional curator's note."""

    SECTION: ClassVar[str] = ""

    id: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        kwargs: dict[str, Any] = {}
        for name, read in _readers(cls):
            if name in data:
                kwargs[name] = data[name] if read is None else read(data[name])
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The catalogue form: field order as declared, empty optional values left out."""
        out: dict[str, Any] = {}
        for name, _ in _readers(type(self)):
            value = getattr(self, name)
            if name == "sources":
                out["sources"] = [{"doc": source.doc, "quote": source.quote} for source in value]
            elif name == "statements":
                if value:
                    out["statements"] = [statement.to_dict() for statement in value]
            elif isinstance(value, tuple):
                if value:
                    out[name] = list(value)
            elif value is not None and value != "":
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class Work(Record):
    SECTION: ClassVar[str] = "works"

    title: str = ""
    title_en: str = ""
    en_source: str = ""  # EN_SOURCES; empty means ours
    type: str = ""
    year: int | None = None
    edition: int | None = None  # the year a title carries (歌手2024), not when it aired
    campaigns: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""

    @property
    def type_label(self) -> str:
        return WORK_TYPES.get(self.type, (self.type, self.type))[0]


@dataclass(frozen=True, slots=True)
class Campaign(Record):
    SECTION: ClassVar[str] = "campaigns"

    name: str = ""
    name_en: str = ""
    en_source: str = ""
    kind: str = ""
    issuer: str = ""  # as the text names it
    issued_by: str = ""  # id of that organisation, where it is catalogued
    date: str = ""
    based_on: tuple[str, ...] = ()  # ids of the campaigns the text says this one builds on
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Channel(Record):
    SECTION: ClassVar[str] = "channels"

    name: str = ""
    name_en: str = ""
    en_source: str = ""
    kind: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Policy(Record):
    SECTION: ClassVar[str] = "policies"

    name: str = ""
    name_en: str = ""
    en_source: str = ""
    kind: str = ""
    issuer: str = ""  # as the text names it
    issued_by: str = ""  # id of that organisation, where it is catalogued
    date: str = ""
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Event(Record):
    SECTION: ClassVar[str] = "events"

    name: str = ""
    name_en: str = ""
    en_source: str = ""
    kind: str = ""
    date: str = ""
    place: str = ""
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figure(Record):
    """A headline number; `label_en` describes it and is always ours."""

    SECTION: ClassVar[str] = "figures"

    label: str = ""
    label_en: str = ""
    value: float | int = 0
    unit: str = ""
    period: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Person(Record):
    """Someone the articles name: `role` as the text states it, where they work (an organisation,
    or a channel when the organisation is a platform already catalogued), and what they said."""

    SECTION: ClassVar[str] = "people"

    name: str = ""
    name_en: str = ""
    en_source: str = ""
    role: str = ""
    organisations: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    statements: tuple[Statement, ...] = ()
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Organisation(Record):
    SECTION: ClassVar[str] = "organisations"

    name: str = ""
    name_en: str = ""
    en_source: str = ""
    kind: str = ""
    parent: str = ""  # id of the organisation this one belongs to
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A seed article the catalogue was curated from; `text` is its file, relative to the catalogue."""

    file: str
    title: str
    title_en: str = ""
    byline: str = ""
    text: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls(**{k: str(v) for k, v in data.items() if k in {f.name for f in fields(cls)}})

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v}


RECORD_TYPES: dict[str, type[Record]] = {
    cls.SECTION: cls for cls in (Work, Campaign, Channel, Policy, Event, Figure, Person, Organisation)
}


@dataclass(slots=True)
class Catalog:
    """The whole catalogue, with id lookups for the referenced sections."""

    documents: list[Document] = field(default_factory=list)
    works: Sequence[Work] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    # Where each work is, by id, when the works are built lazily: a lookup by id then builds one.
    work_positions: Mapping[str, int] | None = field(default=None, repr=False, compare=False)
    _lookup: dict[str, Mapping[str, Record]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], advance: Callable[[int], None] | None = None) -> Catalog:
        """`advance(n)`, if given, is told every few thousand records built (see build_units)."""
        catalog = cls(documents=[Document.from_dict(d) for d in data.get("documents") or ()])
        for section, record_type in RECORD_TYPES.items():
            items = data.get(section) or ()
            if advance is None:
                setattr(catalog, section, [record_type.from_dict(item) for item in items])
                continue
            built: list[Record] = []
            for start in range(0, len(items), REPORT_EVERY):
                built += map(record_type.from_dict, items[start : start + REPORT_EVERY])
                advance(min(REPORT_EVERY, len(items) - start))
            setattr(catalog, section, built)
        return catalog

    @staticmethod
    def build_units(data: dict[str, Any]) -> int:
        """The records from_dict builds: what it tells `advance`."""
        return sum(len(data.get(section) or ()) for section in RECORD_TYPES)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.documents:
            out["documents"] = [doc.to_dict() for doc in self.documents]
        for section in RECORD_TYPES:
            out[section] = [record.to_dict() for record in getattr(self, section)]
        return out

    def counts(self) -> dict[str, int]:
        return {section: len(getattr(self, section)) for section in RECORD_TYPES}

    def campaign(self, campaign_id: str) -> Campaign | None:
        return self._by_id("campaigns").get(campaign_id)  # type: ignore[return-value]

    def channel(self, channel_id: str) -> Channel | None:
        return self._by_id("channels").get(channel_id)  # type: ignore[return-value]

    def work(self, work_id: str) -> Work | None:
        return self._by_id("works").get(work_id)  # type: ignore[return-value]

    def person(self, person_id: str) -> Person | None:
        return self._by_id("people").get(person_id)  # type: ignore[return-value]

    def organisation(self, organisation_id: str) -> Organisation | None:
        return self._by_id("organisations").get(organisation_id)  # type: ignore[return-value]

    def statements_about(self, record_id: str, section: str = "works") -> list[tuple[Person, Statement]]:
        """Who said what about a work (or a campaign, channel or policy of `section`), in catalogue
        order: "X said ..." on its card."""
        (field_name,) = [name for name, target in STATEMENT_LINKS.items() if target == section]
        return [(p, s) for p in self.people for s in p.statements if record_id in getattr(s, field_name)]

    def record(self, section: str, record_id: str) -> Record | None:
        """The record of `section` with id `record_id`, if there is one."""
        return self._by_id(section).get(record_id)

    def _by_id(self, section: str) -> Mapping[str, Record]:
        # Built once per section on its first lookup: a loaded catalogue is not mutated afterwards.
        lookup = self._lookup.get(section)
        if lookup is None:
            if section == "works" and self.work_positions is not None:
                lookup = WorksById(self.works, self.work_positions)
            else:
                lookup = {record.id: record for record in getattr(self, section)}
            self._lookup[section] = lookup
        return lookup
