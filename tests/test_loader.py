"""Tests for catalog_tui.core.loader: good catalogues load, bad ones say exactly what and where.

Most bad cases live in tests/data/bad/, one file per case; each file states what it expects in
`# expect LINE:COL: text` comments (`# expect -: text` for a problem without a position), and the
problems must match those lines exactly, in order.
"""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog_tui.core import loader
from catalog_tui.core.loader import CatalogError, Problem, catalog_data, load_catalog, parse_catalog_text
from catalog_tui.core.model import (
    CAMPAIGN_KINDS,
    CHANNEL_KINDS,
    EVENT_KINDS,
    POLICY_KINDS,
    RECORD_TYPES,
    WORK_TYPES,
    Catalog,
    Document,
    Source,
    Work,
)

BAD_CORPUS = Path(__file__).parent / "data" / "bad"
EXPECTATION = re.compile(r"^# expect (?:(\d+):(\d+)|-): (.+)$", re.MULTILINE)

MINIMAL = """\
documents:
  - file: seed-01.md
    title: 网络视听精品创作
campaigns:
  - id: travel
    name: 跟着微短剧去旅行
    kind: creation-plan
    date: "2024-01-05"
channels:
  - id: bilibili
    name: 哔哩哔哩
    kind: streaming
works:
  - id: w-001
    title: 我的归途有风
    title_en: The Wind on My Way Home
    type: micro-drama
    year: 2024
    campaigns: [travel]
    channels: [bilibili]
    themes: [乡村振兴]
    note:
    sources:
      - doc: seed-01.md
        quote: 微短剧《我的归途有风》
figures:
  - id: users
    label: 网络视听用户规模
    value: 10.91
    unit: 亿人
"""


@pytest.fixture(params=["libyaml", "pure-python"])
def each_yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a test with libyaml's loader and with the pure-Python fallback."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML built without libyaml")
        monkeypatch.setattr(loader, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)


def problems_of(text: str, name: str = "c.yaml") -> list[Problem]:
    with pytest.raises(CatalogError) as caught:
        parse_catalog_text(text, name)
    return caught.value.problems


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(data)
    return path


# --- good catalogues ----------------------------------------------------------------------------------


def test_minimal_catalogue_loads_into_typed_records(tmp_path: Path) -> None:
    catalog = load_catalog(write_bytes(tmp_path, MINIMAL.encode()))
    assert catalog.documents == [Document(file="seed-01.md", title="网络视听精品创作")]
    (work,) = catalog.works
    assert work == Work(
        id="w-001",
        title="我的归途有风",
        title_en="The Wind on My Way Home",
        type="micro-drama",
        year=2024,
        campaigns=("travel",),
        channels=("bilibili",),
        themes=("乡村振兴",),
        sources=(Source(doc="seed-01.md", quote="微短剧《我的归途有风》"),),
        note="",  # a blank `note:` means no note, not None
    )
    assert catalog.campaign("travel") is not None and catalog.campaign("travel").date == "2024-01-05"
    assert catalog.channel("bilibili").kind == "streaming"
    assert catalog.figures[0].value == 10.91
    assert catalog.counts() == {
        "works": 1,
        "campaigns": 1,
        "channels": 1,
        "policies": 0,
        "events": 0,
        "figures": 1,
    }


def test_exported_catalogue_loads_back_equal() -> None:
    catalog = parse_catalog_text(MINIMAL)
    dumped = yaml.safe_dump(catalog.to_dict(), allow_unicode=True, sort_keys=False)
    assert parse_catalog_text(dumped) == catalog


def test_catalog_data_gives_validated_plain_data(tmp_path: Path) -> None:
    data = catalog_data(write_bytes(tmp_path, MINIMAL.encode()))
    assert data["works"][0]["year"] == 2024
    assert "note" not in data["works"][0]


def test_empty_sections_and_bom_are_accepted(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\xef\xbb\xbfworks:\ncampaigns: []\n")
    assert load_catalog(path) == Catalog()
    assert parse_catalog_text("\ufeffworks: []\n") == Catalog()


def test_bom_does_not_shift_positions(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "\ufeffworks:\n  - {id: a, title: t, type: dramma}\n".encode())
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, 29)]
    (problem,) = problems_of("\ufeffworks:\n\t- id: a\n")
    assert "tabs are not allowed" in problem.message
    with pytest.raises(CatalogError, match=r"byte 0xff at offset 9\)"):
        load_catalog(write_bytes(tmp_path, b"\xef\xbb\xbfworks:\xff"))


@pytest.mark.parametrize("size", [10_000, 1_000_000])
def test_long_values_are_fine(size: int) -> None:
    title = "长" * size
    catalog = parse_catalog_text(f"works:\n  - id: w1\n    title: {title}\n    type: series\n")
    assert catalog.works[0].title == title


def test_asterisks_in_prose_are_not_aliases() -> None:
    text = "works:\n  - id: w1\n    title: 5 * 3 *stars*\n    summary: 'see, *note'\n    type: gala\n"
    assert parse_catalog_text(text).works[0].summary == "see, *note"


def test_happy_path_neither_composes_nor_scans_events(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the happy path should be one load and one validation pass")

    monkeypatch.setattr(loader, "_compose", must_not_run)
    monkeypatch.setattr(yaml, "parse", must_not_run)
    assert len(parse_catalog_text(MINIMAL).works) == 1


# --- bad catalogues: the corpus -----------------------------------------------------------------------


def test_corpus_is_there() -> None:
    assert len(list(BAD_CORPUS.glob("*.yaml"))) >= 15


@pytest.mark.usefixtures("each_yaml_loader")
@pytest.mark.parametrize("path", sorted(BAD_CORPUS.glob("*.yaml")), ids=lambda path: path.stem)
def test_bad_catalogue_reports_expected_problems(path: Path) -> None:
    expected = [
        (int(line) if line else None, int(column) if column else None, text)
        for line, column, text in EXPECTATION.findall(path.read_text(encoding="utf-8"))
    ]
    assert expected, f"{path.name} states no expectations"
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    problems = caught.value.problems
    assert [(p.line, p.column) for p in problems] == [(line, column) for line, column, _ in expected]
    for problem, (line, column, text) in zip(problems, expected, strict=True):
        assert text in problem.message
        position = f":{line}:{column}" if line is not None else ""
        assert str(problem) == f"{path}{position}: {problem.message}"


# --- bad catalogues: cases that need code -------------------------------------------------------------


def test_problem_and_error_formatting() -> None:
    problems = [
        Problem("c.yaml", 3, 7, "a"),
        Problem("c.yaml", 4, None, "b"),
        Problem("c.yaml", None, None, "c"),
    ]
    error = CatalogError(problems)
    assert str(error) == "c.yaml:3:7: a\nc.yaml:4: b\nc.yaml: c"
    assert pickle.loads(pickle.dumps(error)).problems == problems


def test_syntax_error_gives_file_line_and_column() -> None:
    (problem,) = problems_of("works:\n  - id: w1\n    title: 'unclosed\n", "mine.yaml")
    assert str(problem).startswith("mine.yaml:4:1: found unexpected end of stream")
    assert "started at line 3" in problem.message


@pytest.mark.usefixtures("each_yaml_loader")
@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/object/apply:subprocess.call",
    ],
)
def test_python_tags_are_refused_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    command = f'["touch {marker}"]' if "subprocess" not in tag else f'[["touch", "{marker}"]]'
    (problem,) = problems_of(f"works:\n  - id: w1\n    title: {tag} {command}\n")
    assert (problem.line, problem.column) == (3, 12)
    assert "only plain YAML is allowed" in problem.message
    assert not marker.exists()


@pytest.mark.usefixtures("each_yaml_loader")
def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]  # 10^30 if expanded
    (problem,) = problems_of("\n".join([*lines, "works: *a29"]))
    assert (problem.line, problem.column) == (2, 10)
    assert problem.message == "aliases are not allowed in a catalogue (found *a0)"


@pytest.mark.parametrize(
    "text",
    [
        "works: " + "[" * 100_000 + "]" * 100_000,  # deep enough to overflow the C composer's stack
        "works: " + "[a, [], " * 100_000,  # closers in between do not hide the depth
        "works: " + "{a: " * 100_000,
        "- " * 100_000 + "x",
        "".join(" " * depth + f"k{depth}:\n" for depth in range(2_000)),
    ],
    ids=["flow", "flow-interleaved", "flow-unclosed", "compact-block", "indented-block"],
)
def test_absurd_nesting_is_refused(text: str) -> None:
    (problem,) = problems_of(text)
    assert "nested more than 64 levels deep" in problem.message
    assert problem.line is not None


def test_non_utf8_bytes_are_a_problem(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"works:\n  - id: w1\n    title: caf\xe9\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == f"{path}:3: not valid UTF-8 (byte 0xe9 at offset 32)"


def test_utf16_gets_a_hint(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "works: []\n".encode("utf-16"))
    with pytest.raises(CatalogError, match="looks like UTF-16"):
        load_catalog(path)


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == f"{path}: the catalogue is empty"


def test_control_character_is_located() -> None:
    (problem,) = problems_of("works:\n  - id: w1\n    title: a\x07b\n")
    assert (problem.line, problem.column) == (3, 13)
    assert "U+0007" in problem.message


def test_text_that_cannot_be_utf8_is_a_problem() -> None:
    (problem,) = problems_of("works: [\ud800]\n")
    assert problem.line is None


def test_unexpected_exception_from_yaml_becomes_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    class ExplodingLoader:
        def __init__(self, text: str) -> None:
            raise RuntimeError("libyaml had a bad day")

    monkeypatch.setattr(loader, "_Loader", ExplodingLoader)
    (problem,) = problems_of("works: []\n")
    assert problem.message == "cannot parse the YAML: libyaml had a bad day"


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == f"{path}: no such file"


def test_directory_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(str(tmp_path))
    assert caught.value.problems == [
        Problem(str(tmp_path), None, None, "is a directory, not a catalogue file")
    ]


def test_nul_in_path_is_a_problem() -> None:
    with pytest.raises(CatalogError, match="cannot read the file"):
        load_catalog("bad\0name.yaml")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"works: []\n")
    path.chmod(0)
    with pytest.raises(CatalogError, match="permission denied"):
        load_catalog(path)


# --- property: nothing but a Catalog or a CatalogError ------------------------------------------------

FRAGMENTS = [
    *("works:", "campaigns:", "channels:", "documents:", "figures:", "events:", "policies:"),
    *("\n", "  ", "- ", "id: w1", "title: 剧", "type: gala", "type: dramma", "year: 2024", "year: '2024'"),
    *("campaigns: [c1]", "channels: x", "value: 1.5", "name: n", "[", "]", "{", "}", ",", ": ", "'", '"'),
    *("#", "&a ", "*a", "!!python/name:os.system ", "!!binary ", "---", "...", "\t", "? ", "|", ">"),
    *("%YAML 1.1\n", "~", ".nan", "2024-01-05", "<<: ", "\x07", "\ufeff", "é", "\x85", "\r", "!x "),
]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
FIELD_NAMES = sorted({f.name for cls in (*RECORD_TYPES.values(), Document) for f in fields(cls)})
KINDS = {"works": WORK_TYPES, "campaigns": CAMPAIGN_KINDS, "channels": CHANNEL_KINDS}
KINDS |= {"policies": POLICY_KINDS, "events": EVENT_KINDS}


def valid_value(section: str, field_name: str, field_type: str) -> st.SearchStrategy[Any]:
    if field_name == "id":
        return st.from_regex(r"[a-z0-9][a-z0-9._-]{0,5}", fullmatch=True)
    if field_name in ("type", "kind"):
        return st.sampled_from(sorted(KINDS[section]))
    if field_name == "year":
        return st.integers(1900, 2100)
    if field_name == "value":
        return st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    if field_name == "sources":
        source = st.fixed_dictionaries({"doc": st.text(max_size=6), "quote": st.text(max_size=6)})
        return st.lists(source, max_size=2)
    if field_type == "tuple[str, ...]":
        return st.lists(st.text(max_size=6), max_size=3)
    return st.text(min_size=1, max_size=8).filter(str.strip)


def valid_record(section: str) -> st.SearchStrategy[dict[str, Any]]:
    record_type = Document if section == "documents" else RECORD_TYPES[section]
    values = {
        f.name: valid_value(section, f.name, str(f.type))
        for f in fields(record_type)
        if f.name not in ("campaigns", "channels")  # references are mostly dangling: tested elsewhere
    }
    required = {
        name: values.pop(name) for name in ("id", "file", "title", "name", "label", "value") if name in values
    }
    if section == "works":
        required["type"] = values.pop("type")
    return st.fixed_dictionaries(required, optional=values)


MESSY_RECORDS = st.dictionaries(
    st.sampled_from([*FIELD_NAMES, "titel"]), SCALARS | st.lists(SCALARS), max_size=6
)
VALID_CATALOGUES = st.fixed_dictionaries(
    {},
    optional={
        section: st.lists(valid_record(section), max_size=3, unique_by=lambda r: r.get("id", r.get("file")))
        for section in loader.SECTIONS
    },
)
CATALOGUES = VALID_CATALOGUES | st.fixed_dictionaries(
    {},
    optional={
        section: st.lists(valid_record(section) | MESSY_RECORDS, max_size=3) for section in loader.SECTIONS
    },
)
TREES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["works", *FIELD_NAMES]) | st.text(max_size=6), children, max_size=4
        )
    ),
    max_leaves=20,
)
FAST = settings(max_examples=60)  # each example loads a whole catalogue


def load_or_problems(text: str) -> Catalog | None:
    try:
        return parse_catalog_text(text, "gen.yaml")
    except CatalogError as error:
        assert error.problems
        assert all(p.file == "gen.yaml" and (p.line is None or p.line >= 1) for p in error.problems)
        return None


@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=40).map("".join))
def test_yamlish_text_gives_catalog_or_catalog_error(text: str) -> None:
    load_or_problems(text)


@FAST
@given(TREES)
def test_dumped_trees_give_catalog_or_catalog_error(tree: Any) -> None:
    load_or_problems(yaml.safe_dump(tree, allow_unicode=True))


@FAST
@given(CATALOGUES)
def test_catalogue_shaped_data_loads_or_fails_cleanly_and_round_trips(data: dict[str, Any]) -> None:
    catalog = load_or_problems(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    if catalog is not None:
        assert parse_catalog_text(yaml.safe_dump(catalog.to_dict(), sort_keys=False)) == catalog
