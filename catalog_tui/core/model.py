"""Typed records of the catalogue, built from and dumped to plain dicts.

The loader validates raw YAML before these classes see it, so `from_dict` trusts its input's
shape; `to_dict` gives back exactly the catalogue format (and drops empty optional fields).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Self, overload

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


@dataclass(frozen=True, slots=True)
class Source:
    """Where an entry comes from: a seed article's file name and a verbatim fragment of it."""

    doc: str
    quote: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls(doc=str(data["doc"]), quote=str(data["quote"]))


def _sources(raw: Any) -> tuple[Source, ...]:
    return tuple(map(Source.from_dict, raw)) if raw else ()


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(map(str, raw)) if raw else ()


# How to read each field of a record class from plain data, worked out once per class: a
# restart builds 100,000 works, and dataclasses.fields() on every one cost a second.
_READERS: dict[type, list[tuple[str, Any]]] = {}


def _readers(cls: type) -> list[tuple[str, Any]]:
    readers = _READERS.get(cls)
    if readers is None:
        readers = _READERS[cls] = [
            (
                spec.name,
                _sources if spec.name == "sources" else _strings if spec.type == "tuple[str, ...]" else None,
            )
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
    type: str = ""
    year: int | None = None
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
class Issued(Record):
    """Something an authority issues: a campaign or a policy share every field."""

    name: str = ""
    name_en: str = ""
    kind: str = ""
    issuer: str = ""
    date: str = ""
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Campaign(Issued):
    SECTION: ClassVar[str] = "campaigns"


@dataclass(frozen=True, slots=True)
class Channel(Record):
    SECTION: ClassVar[str] = "channels"

    name: str = ""
    name_en: str = ""
    kind: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Policy(Issued):
    SECTION: ClassVar[str] = "policies"


@dataclass(frozen=True, slots=True)
class Event(Record):
    SECTION: ClassVar[str] = "events"

    name: str = ""
    name_en: str = ""
    kind: str = ""
    date: str = ""
    place: str = ""
    summary: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figure(Record):
    SECTION: ClassVar[str] = "figures"

    label: str = ""
    label_en: str = ""
    value: float | int = 0
    unit: str = ""
    period: str = ""
    sources: tuple[Source, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A seed article the catalogue was curated from."""

    file: str
    title: str
    title_en: str = ""
    byline: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls(**{k: str(v) for k, v in data.items() if k in {f.name for f in fields(cls)}})

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v}


RECORD_TYPES: dict[str, type[Record]] = {
    cls.SECTION: cls for cls in (Work, Campaign, Channel, Policy, Event, Figure)
}


class LazyWorks(Sequence[Work]):
    """Works built from stored rows the first time each is asked for. A restart with 100,000
    works then shows the browser without building them all; the list draws only a screenful."""

    __slots__ = ("_build", "_rows", "_works")

    def __init__(self, rows: list[Any], build: Callable[[Any], Work]) -> None:
        self._rows = rows
        self._works: list[Work | None] = [None] * len(rows)
        self._build = build

    def __len__(self) -> int:
        return len(self._works)

    @overload
    def __getitem__(self, index: int) -> Work: ...
    @overload
    def __getitem__(self, index: slice) -> list[Work]: ...
    def __getitem__(self, index: int | slice) -> Work | list[Work]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        work = self._works[index]
        if work is None:
            work = self._works[index] = self._build(self._rows[index])
            self._rows[index] = None  # built: the row is no longer needed
        return work

    def __iter__(self) -> Iterator[Work]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyWorks({len(self)} works)"


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
    _lookup: dict[str, dict[str, Record]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalog:
        catalog = cls(documents=[Document.from_dict(d) for d in data.get("documents") or ()])
        for section, record_type in RECORD_TYPES.items():
            setattr(catalog, section, [record_type.from_dict(item) for item in data.get(section) or ()])
        return catalog

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

    def _by_id(self, section: str) -> dict[str, Record]:
        # Built once on first lookup: a loaded catalogue is not mutated afterwards.
        if self._lookup is None:
            self._lookup = {s: {r.id: r for r in getattr(self, s)} for s in RECORD_TYPES}
        return self._lookup[section]
