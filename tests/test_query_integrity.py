"""Query input the CLI cannot trust (issue #14, item 11): invalid UTF-8 and lone surrogates never
reach OpenCC, a 100,000-character query is refused at once, and a query may start with '-'."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DOCUMENTARY, SU_DONG_PO

from catalog_tui.core.query import MAX_LENGTH, QueryError, parse
from catalog_tui.core.search import SearchEngine

pytestmark = pytest.mark.usefixtures("english")  # these read the CLI's English messages

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("query", ["\udcff\udcfe", "苏东坡 \ud800", "campaign:\udfff"])
def test_lone_surrogates_are_a_query_error(engine: SearchEngine, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        engine.search(query)
    assert caught.value.code == "bad_text"
    assert caught.value.position == query.index(next(c for c in query if "\ud800" <= c <= "\udfff"))


@pytest.mark.parametrize("query", ["campaign:" + "a" * 100_000, "a" * (MAX_LENGTH + 1), "(" * 50_000])
def test_an_overlong_query_is_refused_before_any_matching(engine: SearchEngine, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        engine.search(query)
    assert caught.value.code == "too_long"
    assert caught.value.message == f"the query is longer than {MAX_LENGTH} characters"


def test_a_query_of_the_maximum_length_still_runs(engine: SearchEngine) -> None:
    query = ("sudongpo " * MAX_LENGTH)[:MAX_LENGTH]
    parse(query)
    assert engine.search(query).positions is not None


def test_invalid_utf8_in_argv_is_one_clear_error(catalog_file: Path, db_path: Path) -> None:
    """Real argv bytes, as a shell passes them: Python decodes them with surrogateescape."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    argv = [
        b"search",
        b"caf\xe9 \xff",
        b"--catalog",
        os.fsencode(catalog_file),
        b"--db",
        os.fsencode(db_path),
    ]
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"catalog_tui", *argv], capture_output=True, env=env, timeout=120
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2
    assert err.startswith("catalog-tui: query error: the query is not valid text (invalid UTF-8?)")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ("search", "-type:documentary"),
        ("search", "-type:documentary", "--format", "csv"),
        ("search", "--format", "csv", "-type:documentary"),
    ],
)
def test_a_query_starting_with_a_dash_needs_no_double_dash(
    run, catalog_file: Path, db_path: Path, argv: tuple[str, ...]
) -> None:
    code, out, err = run(*argv, "--catalog", str(catalog_file), "--db", str(db_path))
    assert code == 0, err
    assert SU_DONG_PO in out and DOCUMENTARY not in out


def test_an_export_query_starting_with_a_dash(run, catalog_file: Path, db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    code, _, err = run(
        "export", "-type:documentary", "-o", str(target), "--catalog", str(catalog_file), "--db", str(db_path)
    )
    assert code == 0, err
    assert SU_DONG_PO in target.read_text(encoding="utf-8") and DOCUMENTARY not in target.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("search",), "search: the following arguments are required: query"),
        (("search", "-x", "y"), "unrecognized arguments: -x"),
        (("validate", "-nope"), "unrecognized arguments: -nope"),
    ],
)
def test_argument_mistakes_are_still_usage_errors(
    run, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        run(*argv)
    assert caught.value.code == 2
    assert capsys.readouterr().err.endswith(f"catalog-tui: error: {message}\n")
