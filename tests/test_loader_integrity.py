"""Loader integrity (issue #14, items 7, 8, 9, 11 and issue #10): duplicate keys, out-of-range
figures, values the YAML constructor rejects and libyaml's own nesting limit, all refused in our
words with file:line:col, by the fast event builder and by the SafeLoader fallback alike."""

from __future__ import annotations

import pytest
import yaml
from conftest import catalog_data, dump_catalog

from catalog_tui.core import loader
from catalog_tui.core.loader import CatalogError, Problem, parse_catalog_text


@pytest.fixture(params=["libyaml", "python"])
def each_yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML built without libyaml")
        monkeypatch.setattr(loader, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(CatalogError) as caught:
        parse_catalog_text(text, "c.yaml")
    return caught.value.problems


WORK = "works:\n  - id: w1\n    title: 标题\n    type: micro-drama\n"


@pytest.mark.usefixtures("each_yaml_loader")
@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (WORK + "works:\n  - id: w2\n    title: 二\n    type: micro-drama\n", (5, 1),
         "duplicate key 'works' (first on line 1)"),
        (WORK + "    title: 又一个\n", (5, 5), "duplicate key 'title' (first on line 3)"),
        # An anchor sends the event builder to the loader: the fallback refuses duplicates too.
        ("x: &a 1\n" + WORK + "works: []\n", (6, 1), "duplicate key 'works' (first on line 2)"),
        ("works:\n  - {id: w1, id: w2, title: t, type: micro-drama}\n", (2, 14), "duplicate key 'id' (first on line 2)"),
    ],
    ids=["second-works-section", "title-twice", "with-an-anchor", "flow-mapping"],
)  # fmt: skip
def test_duplicate_keys_are_refused_with_their_place(text: str, where: tuple[int, int], message: str) -> None:
    (problem,) = problems_of(text)
    assert (problem.line, problem.column) == where
    assert problem.message == message


def test_the_bundled_style_catalogue_has_no_false_duplicates() -> None:
    assert len(parse_catalog_text(dump_catalog(catalog_data())).works) == len(catalog_data()["works"])


@pytest.mark.usefixtures("each_yaml_loader")
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int x", "'x' is not an integer"),
        ("!!float abc", "'abc' is not a number"),
        ("!!timestamp 2024-13-45", "'2024-13-45' is not a valid date (month must be in 1..12)"),
        ("2024-13-45", "'2024-13-45' is not a valid date (month must be in 1..12)"),
        ("!!bool maybe", "'maybe' is not true or false"),
        ("9" * 5000, "a number of 5000 digits is too long (at most 4300)"),
    ],
    ids=["int", "float", "timestamp", "implicit-timestamp", "bool", "5000-digits"],
)
def test_values_the_constructor_rejects_are_located_in_our_words(value: str, message: str) -> None:
    (problem,) = problems_of(f"works:\n  - id: w1\n    title: t\n    year: {value}\n")
    assert (problem.line, problem.column) == (4, 11)
    assert problem.message == message


@pytest.mark.usefixtures("each_yaml_loader")
@pytest.mark.parametrize("value", [2**64, 2**63, -(2**63) - 1, 10**30])
def test_a_figure_the_store_cannot_hold_is_refused_by_validate(value: int) -> None:
    text = f"figures:\n  - id: f1\n    label: 播放量\n    value: {value}\n"
    (problem,) = problems_of(text)
    assert (problem.line, problem.column) == (4, 12)
    assert problem.message == (
        f"figures[0].value: {value} is out of range (-9223372036854775808 to 9223372036854775807)"
    )


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 1.5e300])
def test_figures_at_the_edge_of_the_range_are_kept(value: float) -> None:
    catalog = parse_catalog_text(f"figures:\n  - id: f1\n    label: 播放量\n    value: {value}\n")
    assert catalog.figures[0].value == value


def test_libyamls_own_nesting_limit_reads_as_ours() -> None:
    """PyYAML >= 6.0.3 wheels refuse flow nesting deeper than 1000 themselves, with their wording."""
    (problem,) = problems_of("works: " + "[" * 5000 + "]" * 5000)
    assert problem.message == "the catalogue is nested more than 64 levels deep"
    assert problem.line == 1 and problem.column is not None
