"""Read a catalogue file, check all of it, and build a Catalog — or say precisely what is wrong.

The happy path is one pass over libyaml's parse events, building the plain data directly (yaml_events),
plus one cheap pass over that data (the checks: validate.py). Only when that pass finds problems is
the text composed again into nodes, to give each problem its line and column.
"""

from __future__ import annotations

import codecs
import gc
import os
import re
import select
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import yaml

from catalog_tui.core.model import Catalog
from catalog_tui.core.seed_progress import WorksWorth
from catalog_tui.core.validate import SECTIONS as SECTIONS  # re-exported: what callers know
from catalog_tui.core.validate import Issue, Path, Validator, format_path, show
from catalog_tui.core.validate import validation_problems as validation_problems  # re-exported
from catalog_tui.core.yaml_events import Progress, load_single_data
from catalog_tui.core.yaml_strict import strict_loader

# Safe loaders only: tags such as !!python/object are refused by their constructor, never run.
_Loader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

_ALIAS_CANDIDATE = re.compile(r"\*[^\s,\[\]{}]")  # starts with a literal: a fast scan
_ALIAS_MAY_FOLLOW = frozenset("\n\r\x85\u2028\u2029[{,:?-")  # a node starts after these (and blanks)
# The C composer recurses once per nesting level and overflows the C stack near 50,000 levels.
# Block nesting costs a character of line prefix (indentation or a compact "- - -" / "? " / ": "),
# flow nesting a bracket; below 100 and 200 of those the document loads safely unscanned.
_LINE_BREAKS = "\n\r\x85\u2028\u2029"  # what libyaml takes for a line break
# Possessive: a line's short prefix fails at once (twice as fast over a million lines).
_DEEP_PREFIX = {brk: re.compile(re.escape(brk) + r"[ \t?:-]{100}+") for brk in _LINE_BREAKS}
_DEEP_START = re.compile(r"[ \t?:-]{100}")
_DEEP_LENGTH = 101  # a break and 100 characters of prefix
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TO_PARENS = str.maketrans("[{]}", "(())")
_FLOW_GATE = 200
_MAX_DEPTH = 64  # a catalogue needs 5 levels


@dataclass(frozen=True)
class Problem:
    file: str  # the name to show (the path as the user gave it)
    line: int | None  # 1-based
    column: int | None  # 1-based
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        if self.column is None:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CatalogError(Exception):
    """Every problem found in a catalogue, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling (e.g. across processes) working
        return (CatalogError, (self.problems,))


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """The collector paused for the block. `freeze`: what the block built lives as long as the
    process, so it is moved out of the collector's reach (gc.freeze) before the collector resumes,
    or the first allocation afterwards would rescan all of it."""
    # Plain YAML data has no cycles, yet building millions of objects triggers full collections that
    # rescan them all: pausing the collector makes a 20 MB load about 2.5 times faster.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def load_catalog(path: str | os.PathLike[str], progress: Progress | None = None) -> Catalog:
    """The catalogue at `path`; `progress` as in catalog_data."""
    with gc_paused():
        return Catalog.from_dict(catalog_data(path, progress))


def parse_catalog_text(
    text: str,
    name: str = "<catalogue>",
    progress: Progress | None = None,
    base: str | None = None,
    checking: Progress | None = None,
    scanning: Progress | None = None,
) -> Catalog:
    """The catalogue in `text` (read from `name`); `base` as in _validated_data. With `checking`,
    `progress` ends at (total, total) once the text is parsed, and `checking(done, works)` follows
    the checks and the building of the records, in works' worth of those passes, rising to the
    number of works when they are done (not after a problem). `scanning(done, total)` follows the
    scans before the parse (for aliases and deep nesting), in characters."""
    with gc_paused():
        if checking is None:
            return Catalog.from_dict(_validated_data(text, name, progress, base, scanning=scanning))
        text = text.removeprefix("\ufeff")  # not counted
        passes: list[WorksWorth] = []

        def parsed(data: Any) -> Validator:
            if progress is not None:
                progress(len(text), len(text))
            records = Catalog.build_units(data) if type(data) is dict else 0
            works = data.get("works") if type(data) is dict else None
            shown = len(works) if type(works) is list and works else records  # works' worth
            passes.append(WorksWorth(checking, shown, Validator.check_units(data) + records))
            checking(0, shown)
            return Validator(passes[0].advance)

        data = _validated_data(text, name, progress, base, parsed, scanning)
        return Catalog.from_dict(data, passes[0].advance)


def catalog_data(path: str | os.PathLike[str], progress: Progress | None = None) -> dict[str, Any]:
    """The validated catalogue as plain data (null optional fields removed).

    `progress(done, total)`, if given, is called from this thread about every 1% of the text while it
    is parsed, with `done` rising and below `total` (both counted in characters of the decoded text),
    then once with `(total, total)` when the data is parsed and valid; not after a problem. What it
    raises is passed on unchanged, so raising from it abandons the load.
    """
    name = os.fsdecode(path)
    with gc_paused():
        return _validated_data(
            decode_catalog(read_catalog_bytes(path), name), name, progress, folder_of(name)
        )


def _fail(name: str, message: str, line: int | None = None, column: int | None = None) -> CatalogError:
    return CatalogError([Problem(name, line, column, message)])


ENV_MAX_CATALOG = "CATALOG_TUI_MAX_CATALOG_MIB"
ENV_PIPE_WAIT = "CATALOG_TUI_PIPE_WAIT"
DEFAULT_MAX_CATALOG_MIB = 512  # a 1,000,000-work catalogue is about 400 MiB
DEFAULT_PIPE_WAIT = 30.0  # seconds a pipe may stay silent (a FIFO nobody writes to)
_CHUNK = 1 << 20
# Bytes read, decoded or scanned between two progress reports (~20-40 ms of each step).
_REPORT_BYTES = 8 << 20


def folder_of(name: str) -> str | None:
    """The folder a catalogue file's relative paths (documents' `text`) are read from; none for a
    catalogue read from a pipe or /dev/stdin, whose texts cannot be looked for."""
    return os.path.dirname(os.path.abspath(name)) if os.path.isfile(name) else None


def read_catalog_bytes(path: str | os.PathLike[str], progress: Progress | None = None) -> bytes:
    """The catalogue file's bytes, read once: a regular file, or a pipe or FIFO (`<(…)`,
    `/dev/stdin`) read until its writer closes it. Devices (a terminal, /dev/zero), sockets and
    folders are refused; so is anything over the size limit ($CATALOG_TUI_MAX_CATALOG_MIB) and a
    pipe silent for $CATALOG_TUI_PIPE_WAIT seconds, which would otherwise hang. `progress(bytes
    read, file size)` every few MiB of a regular file (a pipe's size is not known: not called)."""
    name = os.fsdecode(path)
    limit = _env_number(name, ENV_MAX_CATALOG, DEFAULT_MAX_CATALOG_MIB) * (1 << 20)
    # Non-blocking, so that opening a FIFO without a writer returns at once instead of hanging.
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise _fail(name, "no such file") from None
    except IsADirectoryError:
        raise _fail(name, "is a directory, not a catalogue file") from None
    except PermissionError:
        raise _fail(name, "permission denied") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise _fail(name, f"cannot read the file: {getattr(error, 'strerror', None) or error}") from None
    try:
        info = os.fstat(descriptor)
        mode = info.st_mode
        if stat.S_ISREG(mode):
            if info.st_size > limit:
                raise _too_large(name, limit)
            return _read_all(descriptor, name, limit, None, progress, info.st_size)
        if stat.S_ISFIFO(mode):
            return _read_all(descriptor, name, limit, _env_number(name, ENV_PIPE_WAIT, DEFAULT_PIPE_WAIT))
        if stat.S_ISDIR(mode):
            raise _fail(name, "is a directory, not a catalogue file")
        kind = "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise _fail(name, f"is {kind}, not a catalogue file (give a file or a pipe)")
    except OSError as error:
        raise _fail(name, f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)


def _read_all(
    descriptor: int,
    name: str,
    limit: int,
    wait: float | None,
    progress: Progress | None = None,
    expected: int = 0,
) -> bytes:
    """Read to the end; `wait` (for pipes) is how long to wait for each next chunk; `progress`
    every _REPORT_BYTES against the `expected` size."""
    poller = select.poll() if wait is not None and hasattr(select, "poll") else None
    if poller is not None:
        poller.register(descriptor, select.POLLIN)
    elif wait is not None:  # no poll(): block as a plain read would
        os.set_blocking(descriptor, True)
    chunks: list[bytes] = []
    size = 0
    while True:
        if poller is not None and wait is not None and not poller.poll(wait * 1000):
            raise _fail(
                name,
                f"nothing arrived in {wait:g} s (a pipe nobody writes to?); set {ENV_PIPE_WAIT} to wait longer",
            )
        try:
            chunk = os.read(descriptor, _CHUNK)
        except BlockingIOError:
            continue
        if not chunk:
            if progress is not None:
                progress(size, size)
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_large(name, limit)
        chunks.append(chunk)
        if progress is not None and size % _REPORT_BYTES < len(chunk):
            progress(size, max(size, expected))


def _too_large(name: str, limit: int) -> CatalogError:
    return _fail(name, f"is larger than {limit >> 20} MiB; set {ENV_MAX_CATALOG} to allow more")


def _env_number(name: str, variable: str, default: float) -> Any:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = type(default)(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise _fail(name, f"${variable} must be a positive number, not {show(text)}")
    return value


def decode_catalog(raw: bytes, name: str, progress: Progress | None = None) -> str:
    """The text of the catalogue's bytes; `progress(bytes decoded, all bytes)` as it goes, the
    bytes then decoded a slice at a time (a character split between two slices is kept whole)."""
    try:
        if progress is None or len(raw) <= _REPORT_BYTES:
            text = raw.decode("utf-8")  # a BOM survives as U+FEFF and is dropped with the text's
        else:
            text = _decode_reporting(raw, progress)
        if progress is not None:
            progress(len(raw), len(raw))
        return text
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("utf-8")  # again whole: the error's offset is the file's
    except UnicodeDecodeError as error:
        hint = "; it looks like UTF-16, save it as UTF-8" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        message = f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}){hint}"
        raise _fail(name, message, raw.count(b"\n", 0, error.start) + 1) from None
    raise AssertionError("a slice failed to decode though the whole decodes")  # pragma: no cover


def _decode_reporting(raw: bytes, progress: Progress) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    parts = []
    for start in range(0, len(raw), _REPORT_BYTES):
        end = min(start + _REPORT_BYTES, len(raw))
        parts.append(decoder.decode(view[start:end], final=end == len(raw)))
        if end < len(raw):
            progress(end, len(raw))
    return "".join(parts)


def _validated_data(
    text: str,
    name: str,
    progress: Progress | None = None,
    base: str | None = None,
    parsed: Callable[[Any], Validator] | None = None,
    scanning: Progress | None = None,
) -> dict[str, Any]:
    """`base`: the catalogue's folder, where documents' `text` files are checked (not for a text
    without a file). `parsed(data)`, if given, is called once the text is parsed and gives the
    validator to check it with (one that reports its progress). `scanning(done, total)` follows
    the scans before the parse, in characters."""
    text = text.removeprefix("\ufeff")
    if _may_alias_or_nest_deeply(text, scanning):
        _refuse_aliases_and_deep_nesting(text, name)
    data = _parse(text, name, progress)
    if data is None:
        raise _fail(name, "the catalogue is empty")
    validator = Validator() if parsed is None else parsed(data)
    validator.run(data)
    if base is not None and type(data) is dict:
        validator.check_document_texts(data, base)
    issues = validator.issues
    if issues:
        raise CatalogError(_locate(text, name, issues))
    if progress is not None and parsed is None:  # else parsed() said it
        progress(len(text), len(text))
    return cast(dict[str, Any], data)  # the validator checked it is a mapping


def _may_alias_or_nest_deeply(text: str, scanning: Progress | None = None) -> bool:
    """Whether the text may hold an alias or nest deeply (a long line prefix, or brackets nested
    past _FLOW_GATE), scanned a slice at a time with `scanning(characters scanned, all)` after
    each slice (the patterns look past a slice's end by their length)."""
    size = len(text)
    if _DEEP_START.match(text):
        return True
    brackets = 0
    for start in range(0, size, _REPORT_BYTES):
        end = min(start + _REPORT_BYTES, size)
        if _may_have_alias(text, start, end) or _deep_prefix_in(text, start, end):
            return True
        brackets += text.count("[", start, end) + text.count("{", start, end)
        if scanning is not None:
            scanning(end, size)
    return brackets > _FLOW_GATE and _flow_nests_deeply(text)


def _may_have_alias(text: str, start: int = 0, end: int | None = None) -> bool:
    # An alias starts a node: at a line start or after an indicator, blanks aside. Prose such as
    # "a *b*" is skipped; other false hits only cost an event scan. Candidates starting in [start, end).
    end = len(text) if end is None else end
    for match in _ALIAS_CANDIDATE.finditer(text, start, min(end + 1, len(text))):
        before = match.start() - 1
        while before >= 0 and text[before] in " \t":
            before -= 1
        if before < 0 or text[before] in _ALIAS_MAY_FOLLOW:
            return True
    return False


def _deep_prefix_in(text: str, start: int, end: int) -> bool:
    # A break other than LF is rare: looked for first (find), its pattern run only when found.
    stop = min(end + _DEEP_LENGTH, len(text))  # a prefix starting before `end`
    return any(
        (brk == "\n" or text.find(brk, start, stop) >= 0) and pattern.search(text, start, stop)
        for brk, pattern in _DEEP_PREFIX.items()
    )


def _flow_nests_deeply(text: str) -> bool:
    # Each pass strips the innermost bracket pairs, so the pass count is the flow nesting depth
    # (brackets inside strings only make the estimate larger, which is the safe direction).
    brackets = _NOT_BRACKET.sub("", text).translate(_TO_PARENS)
    for passes in range(_FLOW_GATE):
        reduced = brackets.replace("()", "")
        if len(reduced) == len(brackets):
            return passes + brackets.count("(") > _FLOW_GATE
        brackets = reduced
    return True


def _refuse_aliases_and_deep_nesting(text: str, name: str) -> None:
    # Aliases make shared references: cheap to parse but explosive to walk ("billion laughs").
    # The catalogue format has no use for them, so the first one is refused.
    depth, offender = 0, cast("tuple[yaml.Event, str] | None", None)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                offender = (event, f"aliases are not allowed in a catalogue (found *{event.anchor})")
                break
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    offender = (event, f"the catalogue is nested more than {_MAX_DEPTH} levels deep")
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except Exception:  # a syntax error: the full load reports it with all its detail
        return
    if offender is not None and (mark := offender[0].start_mark) is not None:
        raise _fail(name, offender[1], mark.line + 1, mark.column + 1)


class _ProgressRaised(Exception):
    """Carries what the progress callback raised past the handlers that turn errors into problems."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


def _passing_on_errors(progress: Progress) -> Progress:
    def report(done: int, total: int) -> None:
        try:
            progress(done, total)
        except Exception as error:
            raise _ProgressRaised(error) from None

    return report


def _parse(text: str, name: str, progress: Progress | None = None) -> Any:
    try:
        loader_class = strict_loader(_Loader)
        return load_single_data(
            loader_class, text, None if progress is None else _passing_on_errors(progress)
        )
    except _ProgressRaised as carrier:
        raise carrier.error from carrier.error.__cause__
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, text, name) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise _fail(name, f"character U+{code:04X} is not allowed: {error.reason}", line, column) from None
    except Exception as error:  # anything else libyaml throws must still read as a problem
        raise _fail(name, f"cannot parse the YAML: {error}") from None


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, name: str) -> CatalogError:
    mark = error.problem_mark or error.context_mark
    message = error.problem or error.context or "invalid YAML"
    if error.problem and error.context:
        message += f" ({error.context}"
        if error.context_mark is not None and mark is not None and error.context_mark.line != mark.line:
            message += f" started at line {error.context_mark.line + 1}"
        message += ")"
    if "maximum nesting depth" in message:  # libyaml's own limit (PyYAML >= 6.0.3 wheels), above ours
        message = f"the catalogue is nested more than {_MAX_DEPTH} levels deep"
    elif "constructor for the tag" in message:
        message += "; only plain YAML is allowed in a catalogue"
    if mark is None:
        return _fail(name, message)
    if 0 <= mark.index < len(text) and text[mark.index] == "\t":
        message += "; tabs are not allowed for indentation, use spaces"
    return _fail(name, message, mark.line + 1, mark.column + 1)


# --- locating problems --------------------------------------------------------------------------------


def _position(root: yaml.Node | None, path: Path, at_key: bool) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the node at `path`, or of its deepest ancestor that exists."""
    if root is None:
        return None, None
    node, mark = root, root.start_mark
    for depth, step in enumerate(path):
        child = None
        if isinstance(node, yaml.MappingNode):
            wanted = step if type(step) is str else str(step)
            for key_node, value_node in node.value:  # the last duplicate key wins, as in the data
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == wanted:
                    child = key_node if at_key and depth == len(path) - 1 else value_node
        elif isinstance(node, yaml.SequenceNode) and type(step) is int and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node, mark = child, child.start_mark
    return mark.line + 1, mark.column + 1


def _compose(text: str) -> yaml.Node | None:
    try:
        loader = _Loader(text)
        try:
            return cast("yaml.Node | None", loader.get_single_node())
        finally:
            loader.dispose()
    except Exception:  # cannot happen after a clean load; positions are a courtesy
        return None


def _locate(text: str, name: str, issues: list[Issue]) -> list[Problem]:
    root = _compose(text)
    problems = []
    for issue in issues:
        line, column = _position(root, issue.path, issue.at_key)
        message = issue.message
        if issue.first is not None:
            first_line, _ = _position(root, issue.first, False)
            message += f" (first defined in {format_path(issue.first[:-1])}, line {first_line})"
        shown = format_path(issue.path[:-1] if issue.at_key else issue.path)
        problems.append(Problem(name, line, column, f"{shown}: {message}" if shown else message))
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))  # stable: ties keep order
    return problems
