"""Hardening: bad catalogues through every front door (issue #5).

Every file of the bad corpus (tests/data/bad/, from the loader work, and tests/data/hardening/ for
encodings, empty files, CRLF, NUL and raw ESC bytes) goes through `validate`, `seed` and the TUI:
each problem is printed as `FILE:LINE[:COL]: what is wrong` (only problems without a place, such
as an empty file, have no line), the CLI exits with 2, the TUI shows every problem on its error
screen and `q` quits, and the existing store stays byte-identical (the corpus includes an alias
bomb). Python tags never run, long values make short messages, and random documents only ever give
a catalogue or problems.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import catalog_data, dump_catalog, folder_bytes, write_catalog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tui_helpers import error_screen_text

from catalog_tui.app import CatalogApp
from catalog_tui.cli import main
from catalog_tui.core.library import Library
from catalog_tui.core.loader import CatalogError, load_catalog
from catalog_tui.core.text import safe_display

DATA = Path(__file__).parent / "data"
CORPUS = sorted((DATA / "bad").glob("*.yaml")) + sorted((DATA / "hardening").glob("*.yaml"))
EXPECTATION = re.compile(r"^# expect (?:(\d+)(?::(\d+))?|-): (.+?)\r?$", re.MULTILINE)
# Files that cannot carry their own `# expect` lines.
EXPECTED_ELSEWHERE = {"empty.yaml": [(None, None, "the catalogue is empty")]}
PROBLEM_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?: (?P<message>.+)$")


def expectations(path: Path) -> list[tuple[int | None, int | None, str]]:
    if path.name in EXPECTED_ELSEWHERE:
        return EXPECTED_ELSEWHERE[path.name]
    raw = path.read_bytes()
    encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "latin-1"
    text = raw.decode("utf-8") if _is_utf8(raw) else raw.decode(encoding)
    found = [
        (int(line) if line else None, int(column) if column else None, message)
        for line, column, message in EXPECTATION.findall(text)
    ]
    assert found, f"{path.name} states no expectations"
    return found


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.fixture
def store(catalog_file: Path, db_path: Path) -> Path:
    """A seeded store with a selection and a saved search: the state a bad catalogue must not touch."""
    library = Library.open(catalog_file, db_path)
    library.store.set_selected(["xing-shi"])
    library.store.save_search("旅行", "campaign:旅行")
    library.close()
    return db_path


def assert_problem_lines(lines: list[str], path: Path) -> None:
    """Every line names the file, then the line and column where there is one, then the problem."""
    expected = expectations(path)
    assert len(lines) == len(expected), lines
    for line, (number, column, message) in zip(lines, expected, strict=True):
        match = PROBLEM_LINE.match(line)
        assert match, line
        assert match["file"] == str(path)
        assert (match["line"], match["column"]) == (
            str(number) if number else None,
            str(column) if column else None,
        ), line
        assert message in match["message"], line
        assert "\x1b" not in line and "\x00" not in line


def test_the_corpus_covers_every_kind_of_bad_catalogue() -> None:
    names = {path.name for path in CORPUS}
    for kind in ("syntax-unclosed-flow", "tab-indentation", "latin1", "bom-with-errors", "empty",
                 "top-level-list", "top-level-string", "missing-required", "year-as-string",
                 "campaigns-as-string", "unknown-references", "bad-work-type", "duplicate-ids",
                 "alias-bomb", "python-tag", "utf16", "nul-byte", "raw-escape", "wrong-types"):  # fmt: skip
        assert f"{kind}.yaml" in names


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_validate_prints_every_problem_with_its_place_and_exits_2(run, path: Path) -> None:
    code, out, err = run("validate", str(path))
    assert code == 2 and out == ""
    *problems, summary = err.splitlines()
    assert_problem_lines(problems, path)
    assert summary == f"catalog-tui: {len(problems)} problem(s)"


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_seed_and_search_refuse_and_leave_the_store_byte_identical(run, path: Path, store: Path) -> None:
    before = folder_bytes(store.parent)
    for command in (["seed"], ["seed", "--force"], ["search", "醒狮"]):
        code, _, err = run(*command, "--catalog", str(path), "--db", str(store))
        assert code == 2, command
        *problems, summary = err.splitlines()
        assert_problem_lines(problems, path)
        assert summary.endswith("; the store was left as it was")
        assert folder_bytes(store.parent) == before, command


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: f"{path.parent.name}/{path.stem}")
async def test_the_tui_shows_every_problem_and_changes_nothing(path: Path, store: Path) -> None:
    before = folder_bytes(store.parent)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    app = CatalogApp(catalog_path=path, db_path=str(store))
    async with app.run_test(size=(160, 50)) as pilot:
        text = await error_screen_text(pilot)
        for problem in caught.value.problems:
            assert safe_display(str(problem)) in text
        assert len(caught.value.problems) == len(expectations(path))
        assert "\x1b" not in text
        await pilot.press("q")
    assert not app.is_running
    assert folder_bytes(store.parent) == before


async def test_the_error_screen_scrolls_through_hundreds_of_problems(tmp_path: Path, store: Path) -> None:
    data = catalog_data()
    data["works"] = [{"id": f"w{n}", "title": f"作品{n}", "type": "drama"} for n in range(300)]
    path = write_catalog(tmp_path / "many.yaml", data)
    app = CatalogApp(catalog_path=path, db_path=str(store))
    async with app.run_test(size=(80, 24)) as pilot:
        text = await error_screen_text(pilot)
        assert text.count("'drama' is not one of") == 300
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.query_one("#error").scroll_y > 0
        await pilot.press("escape")
    assert not app.is_running


# Specific dangers ---------------------------------------------------------------------------------


def python_tag_catalogue(tmp_path: Path, marker: Path) -> Path:
    path = tmp_path / "tagged.yaml"
    path.write_text(
        "works:\n"
        "  - id: w1\n"
        f"    title: !!python/object/apply:os.system ['touch {marker}']\n"
        "    type: series\n"
        f"    summary: !!python/object/apply:subprocess.call [[touch, {marker}-2]]\n",
        encoding="utf-8",
    )
    return path


def test_python_tags_are_refused_and_never_run_by_the_cli(run, tmp_path: Path, store: Path) -> None:
    marker = tmp_path / "pwned"
    path = python_tag_catalogue(tmp_path, marker)
    for command in (["validate", str(path)], ["seed", "--catalog", str(path), "--db", str(store)]):
        code, _, err = run(*command)
        assert code == 2
        assert f"{path}:3:12: could not determine a constructor for the tag" in err
        assert "only plain YAML is allowed" in err
    assert not marker.exists() and not Path(f"{marker}-2").exists()


async def test_python_tags_are_refused_and_never_run_by_the_tui(tmp_path: Path, store: Path) -> None:
    marker = tmp_path / "pwned"
    path = python_tag_catalogue(tmp_path, marker)
    app = CatalogApp(catalog_path=path, db_path=str(store))
    async with app.run_test(size=(160, 40)) as pilot:
        assert "only plain YAML is allowed" in await error_screen_text(pilot)
        await pilot.press("q")
    assert not marker.exists() and not Path(f"{marker}-2").exists()


def test_very_long_bad_values_give_short_messages(run, tmp_path: Path) -> None:
    size = 200_000
    data = catalog_data()
    work = data["works"][0]
    work["type"] = "t" * size
    work["campaigns"] = ["c" * size]
    work["year"] = "9" * size
    work["x" * size] = "an unknown field with a very long name"
    path = write_catalog(tmp_path / "long.yaml", data)
    code, _, err = run("validate", str(path))
    assert code == 2
    *problems, _ = err.splitlines()
    assert len(problems) == 4
    assert all(len(line) < len(str(path)) + 300 for line in problems), [len(line) for line in problems]
    assert all(PROBLEM_LINE.match(line)["line"] for line in problems)


def test_very_long_good_values_load_and_seed(run, tmp_path: Path, db_path: Path) -> None:
    data = catalog_data()
    data["works"][0]["summary"] = "长" * 10_000
    data["works"][0]["title"] = "标题" * 5_000
    path = write_catalog(tmp_path / "long.yaml", data)
    code, out, _ = run("seed", "--catalog", str(path), "--db", str(db_path))
    assert code == 0 and "seeded" in out


def test_a_catalogue_that_is_a_folder_or_missing_is_a_problem_not_a_crash(
    run, tmp_path: Path, store: Path
) -> None:
    before = folder_bytes(store.parent)
    for target, message in ((tmp_path, "is a directory"), (tmp_path / "nope.yaml", "no such file")):
        code, _, err = run("seed", "--catalog", str(target), "--db", str(store))
        assert code == 2
        assert err.splitlines()[0] == f"{target}: {message}" + (
            ", not a catalogue file" if target == tmp_path else ""
        )
    assert folder_bytes(store.parent) == before


# Random documents: a catalogue or problems, never anything else -----------------------------------

FRAGMENTS = [
    *("works:\n", "campaigns:\n", "channels:\n", "  - ", "    ", "id: w1\n", "title: 剧\n", "type: gala\n"),
    *("year: 2024\n", "year: '2024'\n", "campaigns: c1\n", "campaigns: [c1]\n", "[", "]", "{", "}", ": "),
    *("&a ", "*a ", "!!python/object/apply:os.system ['true']\n", "\t", "---\n", "'", '"', "\\", "#"),
]
BYTES = st.lists(
    st.sampled_from(FRAGMENTS).map(str.encode)
    | st.binary(max_size=6)
    | st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xe9", b"\x00", b"\x1b[2J", b"\r\n", b"\xc3"]),
    max_size=30,
).map(b"".join)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(BYTES)
def test_random_bytes_give_a_catalogue_or_located_problems(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "random.yaml"
    path.write_bytes(raw)
    try:
        load_catalog(path)
    except CatalogError as error:
        assert error.problems
        for problem in error.problems:
            line = str(problem)
            match = PROBLEM_LINE.match(line.splitlines()[0] if line else line)
            assert match and match["file"] == str(path), line
            assert problem.line is None or problem.line >= 1
            assert problem.column is None or problem.column >= 1


DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["works", "campaigns", "id", "title", "type", "year"]), inner, max_size=4
        )
    ),
    max_leaves=15,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(DOCUMENTS)
def test_random_documents_through_validate_exit_0_or_2_with_located_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any
) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 0:
        assert out.startswith(f"{path}: valid: ")
    else:
        *problems, summary = err.splitlines()
        assert summary == f"catalog-tui: {len(problems)} problem(s)"
        assert all(PROBLEM_LINE.match(line)["file"] == str(path) for line in problems)


def test_a_good_fixture_still_validates(run, catalog_file: Path) -> None:
    """The other half of every test above: the same commands accept a good catalogue."""
    assert dump_catalog(catalog_data())
    code, out, _ = run("validate", str(catalog_file))
    assert code == 0 and out.startswith(f"{catalog_file}: valid: ")
