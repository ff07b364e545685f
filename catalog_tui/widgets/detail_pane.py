"""Every field of the highlighted record, its source passages, and links to jump onwards."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..core.index import SearchIndex
from ..core.model import WORK_TYPES, Record, Source, Work
from ..core.records import RecordBook
from ..core.text import safe_display
from ..i18n import t, vocab
from .link_list import LinkList
from .record_details import describe, record_links, record_prompt

RELATED_LIMIT = 12


def _plain(text: str) -> str:
    return safe_display(text, single_line=False)


class DetailPane(VerticalScroll, can_focus=True):
    """Plain Text only: catalogue values are data, never markup."""

    # The highlighted record of the visible tab (bound to the screen's `highlighted`); the pane
    # redraws only when it changes.
    record: var[Record | None] = var(None)

    @dataclass
    class JumpRequested(Message):
        """Open a record (field "campaign", "channel", "type", "person", "organisation", "policy",
        "event" or "figure") or another work (field "work"), by id."""

        pane: DetailPane
        field: str
        value: str

        @property
        def control(self) -> DetailPane:
            return self.pane

    def __init__(self, index: SearchIndex, book: RecordBook | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.index: SearchIndex | None = index
        self.book = book
        self._links: list[tuple[str, str]] = []
        self.draws = 0  # records drawn: once per new highlighted record (or language), never per key

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")
        yield LinkList(id="detail-links")

    def on_mount(self) -> None:
        self.translate()

    def watch_record(self) -> None:
        if self.is_mounted:
            self.translate()

    def translate(self) -> None:
        """Draw the record (again, in the interface language)."""
        self.draws += 1
        record = self.record
        if record is None:
            self.show_nothing(t("detail.none"))
        elif isinstance(record, Work):
            self.show_work(record)
        else:
            self.show_record(record)

    def show_nothing(self, message: str = "") -> None:
        self.query_one("#detail-body", Static).update(Text(message, style="dim"))
        self._set_links([])

    def show_work(self, work: Work) -> None:
        index = self.index
        assert index is not None
        body = Text()
        body.append(_plain(work.title) + "\n", style="bold")
        if work.title_en:
            body.append(_plain(work.title_en) + "  ", style="italic")
            body.append(f"({t('detail.title_en')})\n", style="dim")
        body.append(f"\n{vocab(WORK_TYPES.get(work.type, (work.type, work.type)))} · {work.type}")
        body.append(f" · {work.year}\n" if work.year else "\n")
        self._field(body, t("detail.campaigns"), [index.group_names("campaign", c) for c in work.campaigns])
        self._field(body, t("detail.channels"), [index.group_names("channel", c) for c in work.channels])
        self._field(body, t("detail.themes"), list(work.themes))
        if work.facts:
            body.append(f"\n{t('detail.facts')}\n", style="bold")
            for fact in work.facts:
                body.append(f"  • {_plain(fact)}\n")
        if work.summary:
            body.append(f"\n{t('detail.summary')}\n", style="bold")
            body.append(_plain(work.summary) + "\n")
        self._sources(body, work.sources)
        if work.note:
            body.append(f"\n{t('detail.note')}\n", style="bold")
            body.append(_plain(work.note) + "\n", style="italic")
        self.query_one("#detail-body", Static).update(body)
        links = [("campaign", c) for c in work.campaigns] + [("channel", c) for c in work.channels]
        links.append(("type", work.type))
        links += [("person", p.id) for p, _ in index.catalog.statements_about(work.id)]
        links += [("work", index.works[p].id) for p in self.related(work)]
        self._set_links(links)
        self.scroll_home(animate=False)

    def show_record(self, record: Record) -> None:
        """A campaign, genre, channel, person, organisation, policy, event or figure (record_details)."""
        if self.book is None:
            self.show_nothing()
            return
        self.query_one("#detail-body", Static).update(describe(record, self.book))
        links = record_links(record, self.book)
        self._links = [(field, value) for field, value, _ in links]
        options = self.query_one("#detail-links", LinkList)
        options.set_options(Option(prompt) for _, _, prompt in links)
        options.display = bool(links)
        self.scroll_home(animate=False)

    def related(self, work: Work) -> list[int]:
        """Other works sharing a campaign or channel, most shared first."""
        index = self.index
        assert index is not None
        return index.related(index.position_by_id[work.id], RELATED_LIMIT)

    def _field(self, body: Text, label: str, values: list[str]) -> None:
        if values:
            body.append(f"{label}: ", style="bold")
            body.append("、".join(_plain(v) for v in values) + "\n")

    def _sources(self, body: Text, sources: tuple[Source, ...]) -> None:
        if not sources:
            return
        body.append(f"\n{t('detail.sources')}\n", style="bold")
        titles = {d.file: d.title for d in self.index.catalog.documents} if self.index else {}
        for source in sources:
            article = titles.get(source.doc, source.doc)
            body.append(f"  《{_plain(article)}》 ", style="dim")
            body.append(f"{_plain(source.doc)}\n", style="dim")
            body.append(f"  “{_plain(source.quote)}”\n", style="italic")

    def _set_links(self, links: list[tuple[str, str]]) -> None:
        self._links = links
        options = self.query_one("#detail-links", LinkList)
        options.set_options(Option(self._link_prompt(field, value)) for field, value in links)
        options.display = bool(links)

    def _link_prompt(self, field: str, value: str) -> Text:
        index = self.index
        assert index is not None
        if self.book is not None and (prompt := record_prompt(self.book, field, value)) is not None:
            return prompt
        if field == "work":
            work = index.works[index.position_by_id[value]]
            return Text.assemble((f"{t('link.work')}  ", "dim"), safe_display(work.title))
        name = index.group_names(field, value)
        if field == "type":
            name = vocab(WORK_TYPES.get(value, (value, value)))
        return Text.assemble((f"{t(f'link.{field}')}  ", "dim"), safe_display(name))

    @on(OptionList.OptionSelected, "#detail-links")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        field, value = self._links[event.option_index]
        self.post_message(self.JumpRequested(self, field, value))
