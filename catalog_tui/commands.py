"""The command palette: jump to a work, campaign, channel, type, person, organisation, policy, event
or figure by name or pinyin; run actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from .core.index import Group
from .core.model import WORK_TYPES
from .core.query import QueryError
from .core.records import SECTION_FIELDS, RecordBook, record_name, record_name_en
from .core.search import pinyin_pattern
from .core.text import fold, pinyin_keys, safe_display
from .i18n import t, vocab

MAX_HITS = 40


def _saved_help(saved: dict[str, object]) -> str:
    # The palette parses help text as markup: a saved query is user data, so escape it.
    return t("palette.saved", query=escape(safe_display(str(saved["query"]))))


class CatalogCommands(Provider):
    """Targets and actions of the browser; pinyin-aware (sudongpo, nhsdp, 苏dp)."""

    def _groups(self) -> list[tuple[str, Group, str]]:
        """(field, group, help) for every campaign, channel and type."""
        library = getattr(self.app, "library", None)
        if library is None:
            return []
        labels = {field: t(f"palette.{field}") for field in ("campaign", "channel", "type")}
        return [
            (field, group, label)
            for field, label in labels.items()
            for group in library.index.groups[field].values()
        ]

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        """(name, help, callback) of each action; the browser's only where the browser is open."""
        run = self.app.run_action
        browser: list[tuple[str, Callable[[], object]]] = [
            ("export", partial(run, "screen.export")),
            ("clear", partial(run, "screen.clear_selection")),
            ("select", partial(run, "screen.select_matches")),
            ("facets", partial(run, "screen.toggle_facets")),
            ("clear_filters", partial(run, "screen.clear_filters")),
            ("sort", partial(run, "screen.cycle_sort")),
            ("reverse_sort", partial(run, "screen.reverse_sort")),
            ("back", partial(run, "screen.back")),
            ("forward", partial(run, "screen.forward")),
            ("save", partial(run, "screen.save_search")),
            ("english", partial(run, "screen.toggle_english")),
            ("read", partial(run, "screen.read_source")),
            ("cite", partial(run, "screen.copy_citation")),
            ("copy_id", partial(run, "screen.copy_id")),
            ("works", partial(run, "screen.show_works")),
            ("links", partial(run, "screen.focus_links")),
        ]
        reader: list[tuple[str, Callable[[], object]]] = [
            ("next_passage", partial(run, "screen.step_passage(1)")),
            ("previous_passage", partial(run, "screen.step_passage(-1)")),
            ("cite", partial(run, "screen.copy_citation")),
            ("copy_id", partial(run, "screen.copy_id")),
            ("close_reader", partial(run, "screen.back")),
        ]
        general: list[tuple[str, Callable[[], object]]] = [
            ("dark", self._toggle_dark),
            ("language", partial(run, "toggle_language")),
            ("help", partial(run, "help")),
        ]
        chosen = [*browser, *general] if hasattr(self.screen, "jump_to") else general
        if hasattr(self.screen, "show_passage"):  # the source reader
            chosen = [*reader, *general]
        return [(t(f"palette.{key}"), t(f"palette.{key}.help"), callback) for key, callback in chosen]

    def _toggle_dark(self) -> None:
        self.app.theme = "textual-light" if self.app.current_theme.dark else "textual-dark"

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)
        library = getattr(self.app, "library", None)
        if library is not None and hasattr(self.screen, "run_saved"):
            for saved in library.store.saved_searches():
                run = partial(self.screen.run_saved, saved)
                shown = Text(safe_display(str(saved["name"])))
                yield DiscoveryHit(shown, run, help=_saved_help(saved))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        pattern = pinyin_pattern(query)
        folded = fold(query)
        for name, help_text, callback in self._actions():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        jump = getattr(self.screen, "jump_to", None)
        library = getattr(self.app, "library", None)
        if jump is None or library is None:
            return
        for saved in library.store.saved_searches():
            name = str(saved["name"])
            score = matcher.match(name)
            if folded and folded in fold(name):
                score = 1.0
            elif pattern is not None and any(pattern.search(key) for key in pinyin_keys(name)):
                score = max(score, 0.9)
            if score > 0:
                run = partial(self.screen.run_saved, saved)  # type: ignore[attr-defined]
                yield Hit(score, Text(safe_display(name)), run, help=_saved_help(saved))
        # Groups outrank works: a name that matches a channel most likely means the channel.
        for field, group, help_text in self._groups():
            score = matcher.match(group.label)
            if folded and folded in group.folded:
                score = 1.0
            elif folded and any(folded in name for name in group.folded):
                score = max(score, 0.95)
            elif pattern is not None and any(pattern.search(key) for key in group.pinyin):
                score = max(score, 0.9)
            if score > 0:
                shown = Text(safe_display(group.label))
                if group.label_en:
                    shown.append(f"  {safe_display(group.label_en)}", style="dim")
                yield Hit(score, shown, partial(jump, field, group.value), help=help_text)
        book: RecordBook | None = getattr(self.screen, "book", None)
        for section in ("people", "organisations", "policies", "events", "figures"):
            for record in book.sections[section] if book else ():
                names, keys = book.name_keys(record) if book else ((), ())
                # Fuzzy matches of these long names rank below saved searches and groups.
                fuzzy = [matcher.match(n) for n in (record_name(record), record_name_en(record)) if n]
                score = min(0.8, max(fuzzy, default=0))
                if folded and any(folded in name for name in names):
                    score = 0.95
                elif pattern is not None and any(pattern.search(key) for key in keys):
                    score = max(score, 0.9)
                if score > 0:
                    field = SECTION_FIELDS[section]
                    shown = Text(safe_display(record_name(record)))
                    yield Hit(score, shown, partial(jump, field, record.id), help=t(f"palette.{field}"))
        try:  # works through the search engine, so pinyin and initials find them too
            result = library.engine.search(query, limit=MAX_HITS)
        except QueryError:
            return
        for rank, position in enumerate(result.positions):
            work = library.index.works[position]
            score = 0.85 - rank / (10 * MAX_HITS)
            yield Hit(score, Text(safe_display(work.title)), partial(jump, "work", work.id),
                      help=t("palette.work", type=vocab(WORK_TYPES.get(work.type, (work.type, work.type)))))  # fmt: skip
