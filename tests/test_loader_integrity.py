"""Loader integrity (issue #14, items 7, 8, 9, 11 and issue #10): duplicate keys, out-of-range
figures, values the YAML constructor rejects and libyaml's own nesting limit, all refused in our
words with file:line:col, by the fast event builder and by the SafeLoader fallback alike."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import yaml
from conftest import catalog_data, dump_catalog

from catalog_tui.core import loader
from catalog_tui.core.loader import (
    ENV_MAX_CATALOG,
    ENV_PIPE_WAIT,
    CatalogError,
    Problem,
    load_catalog,
    parse_catalog_text,
)

pytestmark = pytest.mark.usefixtures("english")  # these read the CLI's English messages

needs_dev_fd = pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="no /dev/fd")


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


# Reading the file once: pipes, FIFOs, devices and size (item 9) ----------------------------------


def piped(tmp_path: Path, payload: bytes) -> str:
    """A pipe's read end as a path (what `<(…)` gives), with a thread writing `payload` into it."""
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb") as stream:
            stream.write(payload)

    threading.Thread(target=write, daemon=True).start()
    return f"/dev/fd/{read_end}"


@needs_dev_fd
def test_a_pipe_is_read_once_and_validated(tmp_path: Path) -> None:
    text = dump_catalog(catalog_data()).encode()
    assert len(load_catalog(piped(tmp_path, text)).works) == len(catalog_data()["works"])


@needs_dev_fd
def test_seeding_from_a_pipe_hashes_and_parses_the_same_bytes(run, tmp_path: Path, db_path: Path) -> None:
    text = dump_catalog(catalog_data()).encode()
    code, out, err = run("seed", "--catalog", piped(tmp_path, text), "--db", str(db_path))
    assert (code, err) == (0, "")
    assert "seeded" in out and f"{len(catalog_data()['works'])} works" in out
    code, out, _ = run("seed", "--catalog", piped(tmp_path, text), "--db", str(db_path))
    assert code == 0 and "already up to date" in out  # the same content: the same hash


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_nobody_writes_to_is_a_clear_error_not_a_hang(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "catalog.fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv(ENV_PIPE_WAIT, "0.2")
    code, _, err = run("validate", str(fifo))
    assert code == 2
    assert err.startswith(f"{fifo}: nothing arrived in 0.2 s (a pipe nobody writes to?)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("command", ["validate", "seed"])
def test_a_device_is_refused_before_reading_it(run, db_path: Path, command: str) -> None:
    args = ("validate", "/dev/zero") if command == "validate" else ("seed", "--catalog", "/dev/zero")
    code, _, err = run(*args, "--db", str(db_path))
    assert code == 2
    assert err.startswith("/dev/zero: is a device, not a catalogue file")
    assert not db_path.parent.exists() or list(db_path.parent.iterdir()) == []


def test_a_catalogue_beyond_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (1 << 20) + b"\nworks: []\n")
    monkeypatch.setenv(ENV_MAX_CATALOG, "1")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == f"{path}: is larger than 1 MiB; set {ENV_MAX_CATALOG} to allow more"
    monkeypatch.setenv(ENV_MAX_CATALOG, "2")
    assert load_catalog(path).works == []


@needs_dev_fd
def test_a_pipe_beyond_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MAX_CATALOG, "1")
    with pytest.raises(CatalogError, match="is larger than 1 MiB"):
        load_catalog(piped(tmp_path, b"#" * (3 << 20)))


@pytest.mark.parametrize("value", ["0", "-3", "lots"])
def test_a_bad_size_limit_is_named(catalog_file: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(ENV_MAX_CATALOG, value)
    with pytest.raises(
        CatalogError, match=f"CATALOG_TUI_MAX_CATALOG_MIB must be a positive number, not '{value}'"
    ):
        load_catalog(catalog_file)
