"""Build plain data from YAML parse events, exactly as a safe loader would, without its nodes.

`get_single_data()` composes the whole document into nodes, two marks each, before constructing one
value: on a 40 MB catalogue that is two thirds of the load time and most of its memory. Here the
parser's events become dicts, lists and scalars at once. Plain scalars that may not be strings go
through the loader's own implicit resolvers and constructor methods, so each value is the one the
loader would give. Whatever this builder does not reproduce itself (a tag other than the standard
scalar ones, an anchor, a merge key, a collection as a key, a second document, a value its constructor
rejects, a duplicate key) makes it start again with `get_single_data()`, which gives the loader's own
result or error (a strict loader, see yaml_strict, refuses duplicates; PyYAML's own keeps the last).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from yaml.composer import ComposerError
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

Progress = Callable[[int, int], object]

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# Tags whose constructor is a plain function of the scalar's text; the collection ones (omap, pairs, set)
# and those without a safe constructor (merge, value, python/...) are left to the loader.
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float", "timestamp", "binary")
)
# Plain scalars this short (keys, years, types, ids) are resolved once per load and then shared: a
# 100,000-work catalogue repeats a few dozen keys and values millions of times (85 MB less at its peak).
_CACHED_UP_TO = 32
_CACHE_SIZE = 100_000
_NOTHING: Any = object()


class _LeaveToLoader(Exception):
    """Something the builder does not reproduce: the loader's get_single_data() will."""


def load_single_data(loader_class: Any, text: str, progress: Progress | None = None) -> Any:
    """What `loader_class(text).get_single_data()` returns (or raises), built from parse events.

    `loader_class` is a safe loader (yaml.CSafeLoader or yaml.SafeLoader). `progress(done, total)`, if
    given, is called as the parse passes each 1% of the text (`done` < `total`, both in characters);
    the caller says when it is finished.
    """
    try:
        return _build(loader_class, text, progress)
    except _LeaveToLoader:
        loader = loader_class(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()


def _build(loader_class: Any, text: str, progress: Progress | None) -> Any:
    loader = loader_class(text)
    try:
        return _Builder(loader, text, progress).run()
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, loader: Any, text: str, progress: Progress | None) -> None:
        self.loader = loader
        self.text = text
        self.progress = progress
        resolvers = loader.yaml_implicit_resolvers  # first character ('' for empty) -> [(tag, regexp)]
        self.resolve_all = None in resolvers  # a resolver for any first character
        self.may_resolve = frozenset(resolvers)
        self.cache: dict[str, Any] = {}

    def run(self) -> Any:
        get_event = self.loader.get_event
        if self.loader.yaml_path_resolvers or type(get_event()) is not StreamStartEvent:
            raise _LeaveToLoader  # path resolvers (none in PyYAML's safe loaders) depend on the node's path
        event = get_event()
        if type(event) is StreamEndEvent:
            return None
        if type(event) is not DocumentStartEvent:
            raise _LeaveToLoader
        try:
            data = self.document(get_event)
        except _LeaveToLoader:
            _refuse_aliases_ahead(get_event)  # the loader would build them: a bomb must never get there
            raise
        if type(get_event()) is not StreamEndEvent:
            raise _LeaveToLoader  # a second document: the loader says where
        return data

    def document(self, get_event: Callable[[], Any]) -> Any:
        # Hot loop: one pass per event, locals only. `container` is the list or dict being filled
        # (a one-item list holds the document's root); in a mapping, `key` waits for its value.
        may_resolve, resolve_all, cache, plain = self.may_resolve, self.resolve_all, self.cache, self.plain
        anchors_possible = "&" in self.text
        progress, total = self.progress, len(self.text)
        step = max(1, total // 100)
        report_at = step if progress is not None else total
        root: list[Any] = []
        container: Any = root
        in_map = False
        key = _NOTHING
        stack: list[tuple[Any, bool]] = []
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                if anchors_possible and event.anchor is not None:
                    raise _LeaveToLoader  # anchors are harmless without aliases, but may be duplicated
                value = event.value
                implicit = event.implicit
                if implicit[0]:  # plain, or tagged with the non-specific `!`: resolved alike
                    cached = cache.get(value, _NOTHING)
                    if cached is not _NOTHING:
                        value = cached
                    elif resolve_all or value[:1] in may_resolve:
                        value = plain(value)
                    elif len(value) <= _CACHED_UP_TO and len(cache) < _CACHE_SIZE:
                        cache[value] = value  # one string for each repeated key or short value
                elif not implicit[1]:  # an explicit tag (quoted scalars stay strings)
                    value = self.tagged(event.tag, value)
                if in_map:
                    if key is _NOTHING:
                        key = value
                        continue
                    if key in container:
                        raise _LeaveToLoader  # a duplicate key: a strict loader says where
                    container[key] = value
                    key = _NOTHING
                else:
                    container.append(value)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                container, in_map = stack.pop()
                if progress is not None and event.start_mark.index >= report_at:
                    done = event.start_mark.index
                    if done < total:
                        progress(done, total)
                    report_at = done + step
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if anchors_possible and event.anchor is not None:
                    raise _LeaveToLoader
                is_map = kind is MappingStartEvent
                tag = event.tag
                if tag is not None and tag != "!" and tag != (_MAP if is_map else _SEQ):
                    raise _LeaveToLoader
                new: Any = {} if is_map else []
                if in_map:
                    if key is _NOTHING or key in container:
                        raise _LeaveToLoader  # a collection as a key (unhashable) or a duplicate key
                    container[key] = new
                    key = _NOTHING
                else:
                    container.append(new)
                stack.append((container, in_map))
                container, in_map = new, is_map
            elif kind is DocumentEndEvent:
                return root[0]
            elif kind is AliasEvent:  # refused before the parse already; never expand one
                raise _alias_refused(event)
            else:
                raise _LeaveToLoader

    def plain(self, value: str) -> Any:
        """A plain scalar that an implicit resolver may claim: what the loader would construct."""
        tag = self.loader.resolve(ScalarNode, value, (True, False))
        result = value if tag == _STR else self.construct(tag, value)
        if len(value) <= _CACHED_UP_TO and len(self.cache) < _CACHE_SIZE:
            self.cache[value] = result  # scalars are immutable: sharing them is safe
        return result

    def tagged(self, tag: str, value: str) -> Any:
        return value if tag == _STR else self.construct(tag, value)

    def construct(self, tag: str, value: str) -> Any:
        if tag not in _SCALAR_TAGS:
            raise _LeaveToLoader
        try:
            return self.loader.yaml_constructors[tag](self.loader, ScalarNode(tag, value))
        except Exception:  # e.g. `2024-13-01` or `!!int x`: the loader raises its own error
            raise _LeaveToLoader from None


def _alias_refused(event: AliasEvent) -> ComposerError:
    problem = f"aliases are not allowed in a catalogue (found *{event.anchor})"  # as loader.py words it
    return ComposerError(None, None, problem, cast("Mark | None", event.start_mark))


def _refuse_aliases_ahead(get_event: Callable[[], Any]) -> None:
    """Refuse an alias in the rest of the document, unless a syntax error comes first."""
    try:
        event = get_event()
        while event is not None and type(event) is not DocumentEndEvent and type(event) is not AliasEvent:
            event = get_event()
    except Exception:  # the loader will fail on it too, building nothing
        return
    if type(event) is AliasEvent:
        raise _alias_refused(event)
