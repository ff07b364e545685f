"""The event-driven builder (catalog_tui.core.yaml_events) must give exactly what a safe loader gives.

Every case runs against both libyaml's CSafeLoader and the pure-Python SafeLoader: the builder fed by
a loader's parser must return what that loader's get_single_data() returns, types included, or raise
the same error. Then the loader's progress callback.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from catalog_tui.core import loader, yaml_events
from catalog_tui.core.loader import CatalogError, catalog_data, load_catalog, parse_catalog_text
from catalog_tui.core.yaml_events import load_single_data

LOADERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])]
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=LOADERS, ids=lambda cls: cls.__name__)
def loader_class(request: pytest.FixtureRequest) -> Any:
    return request.param


def typed(value: Any) -> Any:
    """`value` with every scalar tagged by its type (so 1 != 1.0 != True), NaN equal to itself."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, datetime):
        return ("datetime", value, repr(value.tzinfo), value.utcoffset())
    return (type(value).__name__, value)


def outcome(load: Any) -> Any:
    try:
        return ("value", typed(load()))
    except Exception as error:
        return ("error", type(error).__name__, str(error))


def reference(loader_class: Any, text: str) -> Any:
    return yaml.load(text, Loader=loader_class)  # only SafeLoader and CSafeLoader here


def assert_same(loader_class: Any, text: str) -> None:
    expected = outcome(lambda: reference(loader_class, text))
    assert outcome(lambda: load_single_data(loader_class, text)) == expected


# --- the same values as SafeLoader ----------------------------------------------------------------

SCALAR_TEXTS = [
    *("plain", "two words", "'quoted'", '"double"', "''", '""', "'yes'", '"123"', "'~'", "x: y"),
    *("yes", "Yes", "YES", "no", "No", "on", "Off", "true", "False", "TRUE", "y", "n", "yES", "nope"),
    *("null", "Null", "NULL", "~", "", "nULL", "none"),
    *("0", "-0", "+12", "1_000", "0x1F", "0x_1f", "-0x1F", "0o17", "017", "0b101", "-0b1_0", "09", "0_"),
    *("190:20:30", "1:60", "1_2:3", "123456789012345678901234567890", "1e3", "1E+3", "10.5e-3"),
    *("1.5e3", "1.5e+3", "1.5E-3", "1.", ".5", "-.5", "1_000.5", "190:20:30.15", ".inf", "-.Inf"),
    *("+.INF", ".nan", ".NaN", ".NAN", "nan", "inf", "-", "+", ".", "._", "1.2.3", "3:25:45", "1__0"),
    *("2024-05-01", "2024-5-1", "2024-05-01T10:00:00Z", "2024-05-01t10:00:00", "2024-05-01 10:00:00"),
    *("2024-05-01T10:00:00.123456+08:00", "2024-5-1 1:02:03.5 -5", "2024-05-01T10:00:00+8", "20240501"),
    *("2001-12-14 21:59:43.10 -5", "2024-05-01x", "1999-12-31T23:59:59.1234567Z", "2024-02-30x"),
    *("<<x", "==", "=x", "a=b", "!", "&", "a&b", "*stars* not an alias", "#not a comment", "a #comment"),
    *("!!str 12", "!!str yes", "!!str", "!!int '12'", "!!int 0x1F", "!!float 1", "!!float '1.5'"),
    *("!!bool yes", "!!bool 'no'", "!!null ''", "!!null ~", "!!timestamp 2024-05-01", "! 12", "! '12'"),
    *("!!binary aGVsbG8=", "!<tag:yaml.org,2002:str> 12", "!!str ''", "'it''s'", '"tab\\there"'),
    *('"\\u4e2d"', "网络视听", "《我的归途有风》", "é", "\\", "a'b", 'a"b', "- not a list"),
]


@pytest.mark.parametrize("scalar", SCALAR_TEXTS)
def test_scalars_are_what_safeloader_gives(loader_class: Any, scalar: str) -> None:
    for text in (f"{scalar}\n", f"value: {scalar}\n", f"- {scalar}\n", f"[{scalar}]\n", f"{{k: {scalar}}}\n"):
        assert_same(loader_class, text)
    if not scalar.startswith(("!", "&", "*", "#", "-")) and ":" not in scalar:
        assert_same(loader_class, f"{scalar}: value\n")  # as a key too


DOCUMENTS = [
    "",
    "# only a comment\n",
    "---\n",
    "--- \n...\n",
    "---\nworks: []\n...\n",
    "%YAML 1.1\n---\na: 1\n",
    "%TAG !e! tag:yaml.org,2002:\n---\na: !e!int '7'\nb: !e!str 7\n",
    "a:\nb: ~\nc: []\nd: {}\ne: ''\n",
    "works:\n  - id: w1\n    year: 2024\n    tags: [a, 1, 2.5, null, yes, 2024-05-01]\n",
    "- - - a\n    - b\n  - c\n- {x: [1, {y: z}], w: {}}\n",
    "- ? a\n  : 1\n- ? [a, b]\n  : 2\n",
    "{a: 1, a: 2, b: {c: 1, c: [3]}}\n",
    "{1: a, 1.0: b, true: c, '1': d}\n",
    "{2024-05-01: a, ~: b, 0x10: c, .5: d}\n",
    "? |\n  block key\n: v\n",
    "a: |\n  line one\n  line two\n\n",
    "a: |-\n  kept\n  lines\nb: >\n  folded\n  text\n\n  para\nc: |+\n  keep\n\n",
    "a: plain\n  continued\n\n  paragraph\n",
    "a: 'single\n\n  quoted'\nb: \"double\\\n  escaped\"\n",
    "a: !!seq [1, 2]\nb: !!map {c: d}\nc: ! [x]\nd: ! {y: z}\n",
    "a: !!set {x, y}\nb: !!omap [{p: 1}, {q: 2}]\nc: !!pairs [{p: 1}, {p: 2}]\n",
    "<<: {a: 1, b: 2}\nb: 3\n",
    "a: {<<: [{x: 1}, {y: 2}], y: 3}\n",
    "a: &x 1\nb: 2\n",
    "a: &x 1\nb: &x 2\n",
    "- &a [1]\n- &b {k: v}\n",
    "=: a\n",
    "a: =\n",
    "a: !!str [1]\n",
    "a: !!seq {b: 1}\n",
    "a: !!int x\n",
    "a: !!bool maybe\n",
    "a: 2024-13-45\n",
    "a: !!timestamp yesterday\n",
    "a: !!binary '*'\n",
    "a: !!python/object/apply:os.system ['true']\n",
    "a: !!python/name:os.system\n",
    "a: !local 1\n",
    "a: !local [1]\n",
    "[a]: 1\n",
    "? {a: 1}\n: 2\n",
    "{[a]: 1}\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n--- !!python/object:x\n",
    "--- !!str\n",
    "a: [1, 2\n",
    "a: 'unclosed\n",
    "a:\n\t- b\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "a: 1\n...\n]\n",
    "a: !!python/name:os.system\nb: [1, 2\n",
    "a: 2024-13-45\n---\nb: 1\n",
    "a: \x07\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents_are_what_safeloader_gives(loader_class: Any, text: str) -> None:
    assert_same(loader_class, text)


def test_catalogues_in_the_project_are_what_safeloader_gives(loader_class: Any) -> None:
    paths = [PROJECT / "catalog.yaml", *sorted((PROJECT / "tests" / "data").rglob("*.yaml"))]
    texts = [path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff") for path in paths]
    checked = 0
    for text in texts:
        if not loader._may_have_alias(text):  # the builder refuses aliases: the alias bomb would explode
            assert_same(loader_class, text)
            checked += 1
    assert checked >= 25


def test_values_have_the_expected_types_and_errors_locate() -> None:
    # A spot check of the table above in plain words, in case both sides ever changed together.
    text = "a: [yes, ~, 1_000, 0x1F, 1.5e3, 1.5e+3, .inf, 2024-05-01, 2024-05-01T10:00:00Z, '7', !!str 8]\n"
    values = load_single_data(yaml.SafeLoader, text)["a"]
    assert values[:5] == [True, None, 1000, 31, "1.5e3"]
    assert values[5] == 1500.0 and math.isinf(values[6]) and values[7] == date(2024, 5, 1)
    assert isinstance(values[8], datetime) and values[8].utcoffset() is not None
    assert values[9:] == ["7", "8"]
    with pytest.raises(yaml.constructor.ConstructorError, match="found unhashable key") as caught:
        load_single_data(yaml.SafeLoader, "a: 1\n? [b]\n: 2\n")
    assert caught.value.problem_mark.line == 1


SIGNIFICANT = "0123456789-+._:eExXbB~ yesnoNULtrufalsTF\n'\"!#&[]{},?<=|>%@`\t\\"
SCALARISH = st.text(alphabet=SIGNIFICANT, max_size=10)
TEMPLATES = ["{}", "a: {}", "- {}\n- [{}]", "{{k: {}}}", "? {}\n: v", "a:\n  - {}\n  - b: {}\n"]
TREES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.sampled_from(TEMPLATES), st.lists(SCALARISH, min_size=3, max_size=3))
def test_random_scalars_in_documents_match_safeloader(template: str, scalars: list[str]) -> None:
    text = template.format(*scalars[: template.count("{}")])
    for loader_class in LOADERS:
        assert_same(loader_class, text)


@given(TREES, st.sampled_from([None, True, False]))
def test_dumped_trees_match_safeloader(tree: Any, flow: bool | None) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, default_flow_style=flow)
    for loader_class in LOADERS:
        assert_same(loader_class, text)


# --- what the builder does itself, and what it leaves to the loader --------------------------------


def test_a_plain_catalogue_is_built_without_composing_nodes(
    loader_class: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (PROJECT / "catalog.yaml").read_text(encoding="utf-8")
    expected = typed(reference(loader_class, text))

    def must_not_run(self: Any) -> Any:
        raise AssertionError("a plain catalogue should not fall back to get_single_data()")

    monkeypatch.setattr(loader_class, "get_single_data", must_not_run)
    assert typed(load_single_data(loader_class, text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: [1]\nb: *x\n",  # met by the builder
        "a: &x [1]\nb: *x\n",  # the anchor sends the document to the loader, which would build the alias
        "a: !!set {k}\nb: [*x]\n",  # the same for a tag
    ],
)
def test_an_alias_is_refused_by_the_builder_itself(loader_class: Any, text: str) -> None:
    # The loader refuses aliases before parsing; the builder must never build one either.
    with pytest.raises(yaml.composer.ComposerError, match=r"aliases are not allowed.*found \*x") as caught:
        load_single_data(loader_class, text)
    assert caught.value.problem_mark.line == 1


def test_the_loader_refuses_aliases_before_the_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: Any) -> Any:
        raise AssertionError("an alias must be refused before the parse")

    monkeypatch.setattr(loader, "load_single_data", must_not_run)
    with pytest.raises(CatalogError, match=r"c.yaml:2:4: aliases are not allowed"):
        parse_catalog_text("a: &x [1]\nb: *x\n", "c.yaml")


def test_unhashable_key_is_a_located_problem() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog_text("works:\n  - id: w1\n    ? [a, b]\n    : c\n", "c.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 7)
    assert problem.message.startswith("found unhashable key (while constructing a mapping")


def test_a_value_the_constructor_rejects_is_still_a_problem() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog_text("works:\n  - id: w1\n    year: 2024-13-45\n", "c.yaml")
    assert str(caught.value) == "c.yaml: cannot parse the YAML: month must be in 1..12"


def test_the_resolver_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_events, "_CACHE_SIZE", 3)
    text = "".join(f"- {n}\n- v{n}\n- {n}\n" for n in range(10))
    assert load_single_data(yaml.SafeLoader, text) == [x for n in range(10) for x in (n, f"v{n}", n)]


# --- progress -------------------------------------------------------------------------------------


def big_catalogue(works: int) -> str:
    lines = ["channels:", "  - id: c1", "    name: 频道", "    kind: streaming", "works:"]
    for n in range(works):
        lines += [f"  - id: w{n}", f"    title: 作品 {n}", "    type: series", f"    year: {2000 + n % 50}"]
        lines += ["    channels: [c1]", "    themes:", "      - 乡村振兴", "      - travel"]
    return "\n".join(lines) + "\n"


def test_progress_rises_about_every_percent_and_ends_at_the_total(tmp_path: Path) -> None:
    text = big_catalogue(3000)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    calls: list[tuple[int, int]] = []
    data = catalog_data(path, progress=lambda done, total: calls.append((done, total)))
    assert len(data["works"]) == 3000
    total = len(text)
    assert calls[-1] == (total, total)
    dones = [done for done, _ in calls]
    assert all(t == total for _, t in calls)
    assert dones == sorted(set(dones)) and dones[0] > 0 and dones[-2] < total
    assert 90 <= len(calls) <= 101
    assert max(b - a for a, b in zip([0, *dones], dones, strict=False)) <= total // 50


def test_progress_with_load_catalog_and_parse_catalog_text(tmp_path: Path) -> None:
    text = big_catalogue(50)
    path = tmp_path / "c.yaml"
    path.write_text("\ufeff" + text, encoding="utf-8")  # the BOM is not counted
    seen: list[tuple[int, int]] = []
    assert len(load_catalog(path, lambda done, total: seen.append((done, total))).works) == 50
    assert seen[-1] == (len(text), len(text)) and len(seen) > 10
    seen.clear()
    parse_catalog_text(text, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(text), len(text))
    assert load_catalog(path) == load_catalog(path, None)


def test_progress_is_not_finished_after_a_problem() -> None:
    seen: list[tuple[int, int]] = []
    with pytest.raises(CatalogError):
        parse_catalog_text(big_catalogue(50) + "  - id: x\n", progress=lambda *call: seen.append(call))
    assert seen and seen[-1][0] < seen[-1][1]


def test_what_progress_raises_is_passed_on_unchanged() -> None:
    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done > total // 2:
            raise Cancelled(done)

    with pytest.raises(Cancelled):
        parse_catalog_text(big_catalogue(200), progress=cancel)


def test_progress_reaches_the_total_when_the_loader_falls_back() -> None:
    seen: list[tuple[int, int]] = []
    text = "works:\n  - id: w1\n    title: !!str 標題\n    type: series\n    year: &y 2024\n"
    catalog = parse_catalog_text(text, progress=lambda *call: seen.append(call))
    assert catalog.works[0].year == 2024
    assert seen == [(len(text), len(text))]
