"""The `catalog-tui` command line, called in-process (plus one real subprocess for --version).

Whatever the CLI prints that came from the data or the user is safe for a terminal: the hostile
catalogue's escape sequences, bidi overrides and controls come out escaped, never raw.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from functools import partial
from pathlib import Path

import pytest
import yaml
from conftest import (
    HOSTILE_MARKUP_TITLE,
    MARKUP_TITLE,
    PROJECT,
    SU_DONG_PO,
    TRAVEL,
    XING_SHI,
    YONG_LE,
    FakeStdout,
    assert_clean,
    catalog_data,
    catalogue_with_titles,
    hostile_data,
    line_of,
    run_cli,
)
from rich.console import Console

import catalog_tui
import catalog_tui.cli_commands as cli_commands
from catalog_tui.cli import build_parser, main
from catalog_tui.cli_progress import store_progress
from catalog_tui.core.errorlog import log_path
from catalog_tui.core.export import columns
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.loader import load_catalog, parse_catalog_text
from catalog_tui.core.model import Catalog
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.store import Store
from catalog_tui.core.text import UNSAFE_CHARACTERS

# The CLI messages these tests read are the English ones.
pytestmark = pytest.mark.usefixtures("english")

N_WORKS = len(catalog_data()["works"])


@pytest.fixture
def run(catalog_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run the CLI with --catalog/--db after the subcommand; returns (exit code, stdout, stderr)."""

    def invoke(*argv: str, store: bool = True) -> tuple[int, str, str]:
        args = list(argv)
        if store:
            args += ["--catalog", str(catalog_file), "--db", str(db_path)]
        code = main(args)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return invoke


def expected_ids(query: str, **options) -> list[str]:
    """What the engine itself returns for `query` over the fixture catalogue."""
    engine = SearchEngine(SearchIndex(Catalog.from_dict(catalog_data())))
    return [engine.index.works[p].id for p in engine.search(query, **options).positions]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# validate ------------------------------------------------------------------------------------------


def test_validate_ok(run, catalog_file: Path) -> None:
    code, out, err = run("validate", str(catalog_file), store=False)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith(f"{catalog_file}: valid")
    assert f"{N_WORKS} works" in line
    assert "2 campaigns" in line
    assert "2 channels" in line


def test_validate_takes_the_catalog_option(run, catalog_file: Path) -> None:
    code, out, _ = run("validate", "--catalog", str(catalog_file), store=False)
    assert code == 0
    assert out.startswith(f"{catalog_file}: valid")


def test_validate_a_bad_file(run, bad_catalog_file: Path) -> None:
    code, out, err = run("validate", str(bad_catalog_file), store=False)
    assert code == 2
    assert out == ""
    text = bad_catalog_file.read_text(encoding="utf-8")
    lines = err.splitlines()
    located = [line for line in lines if re.match(rf"{re.escape(str(bad_catalog_file))}:\d+", line)]
    assert len(located) >= 2, err
    numbers = {int(re.match(rf"{re.escape(str(bad_catalog_file))}:(\d+)", line).group(1)) for line in located}
    assert line_of(text, "no-such-type") in numbers
    assert line_of(text, "no-such-campaign") in numbers
    assert re.search(r"\d+ problem\(s\)", lines[-1])


def test_validate_a_file_that_is_not_yaml(run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("works:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    code, out, err = run("validate", str(broken), store=False)
    assert code == 2
    assert out == ""
    assert re.search(rf"{re.escape(str(broken))}:\d+", err)


def test_validate_a_missing_file(run, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    code, out, err = run("validate", str(missing), store=False)
    assert code in (1, 2)
    assert out == ""
    assert "missing.yaml" in err


# search -------------------------------------------------------------------------------------------


def test_search_text(run) -> None:
    code, out, err = run("search", "sudongpo")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("你好，苏东坡")
    assert "微短剧" in lines[0]
    assert "2024" in lines[0]
    assert lines[0].endswith(SU_DONG_PO)
    assert err.strip().endswith("1 work(s)")


def test_search_text_columns_line_up_in_display_width(run) -> None:
    code, out, _ = run("search", "")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == N_WORKS
    ids = expected_ids("")
    # The id is the last column; every id starts at the same display column.
    starts = {display_width(line[: line.rindex(work_id)]) for line, work_id in zip(lines, ids, strict=True)}
    assert len(starts) == 1
    assert any(line.startswith(MARKUP_TITLE) for line in lines)


def test_search_json(run) -> None:
    code, out, _ = run("search", "campaign:旅行 | 醒狮", "--format", "json")
    assert code == 0
    works = json.loads(out)["works"]
    assert [w["id"] for w in works] == expected_ids("campaign:旅行 | 醒狮")
    assert {w["id"] for w in works} == {SU_DONG_PO, YONG_LE, XING_SHI}
    assert works[0]["title"] in out  # Chinese written directly, not escaped
    assert "\\u" not in out


def test_search_yaml_is_a_catalogue(run) -> None:
    code, out, _ = run("search", "campaign:旅行", "--format", "yaml")
    assert code == 0
    loaded = parse_catalog_text(out, "<stdout>")
    assert [w.id for w in loaded.works] == expected_ids("campaign:旅行")
    assert [c.id for c in loaded.campaigns] == [TRAVEL]
    assert "你好，苏东坡" in out


def test_search_csv(run) -> None:
    code, out, _ = run("search", "channel:红果", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(columns("works"))  # the export model's columns
    assert [r[0] for r in rows[1:]] == expected_ids("channel:红果")
    channels = rows[0].index("channels")
    assert all(json.loads(r[channels]) == ["hong-guo"] for r in rows[1:])


@pytest.mark.parametrize("limit", [1, 3])
def test_search_limit(run, limit: int) -> None:
    code, out, _ = run("search", "", "--format", "json", "--limit", str(limit))
    assert code == 0
    assert [w["id"] for w in json.loads(out)["works"]] == expected_ids("")[:limit]


def test_search_sort(run) -> None:
    code, out, _ = run("search", "", "--format", "json", "--sort", "year")
    assert code == 0
    assert [w["id"] for w in json.loads(out)["works"]] == expected_ids("", sort="year")
    assert expected_ids("", sort="year") != expected_ids("")


def test_search_malformed_query_points_at_the_column(run) -> None:
    code, out, err = run("search", 'abc "def')
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert "query error" in lines[0]
    query_line = next(i for i, line in enumerate(lines) if line.endswith('abc "def'))
    caret_line = lines[query_line + 1]
    assert caret_line.strip() == "^"
    assert caret_line.index("^") == lines[query_line].index('"')


def test_search_saved_search_by_name(run, db_path: Path) -> None:
    store = Store(db_path)
    store.save_search("旅行作品", "campaign:旅行")
    store.close()
    code, out, _ = run("search", "@旅行作品", "--format", "json")
    assert code == 0
    assert [w["id"] for w in json.loads(out)["works"]] == expected_ids("campaign:旅行")


def test_search_unknown_saved_search(run) -> None:
    code, out, err = run("search", "@没有这个")
    assert code == 2
    assert out == ""
    assert "没有这个" in err


def test_search_with_a_missing_catalogue(run, tmp_path: Path, db_path: Path) -> None:
    code, out, err = run(
        "search", "x", "--catalog", str(tmp_path / "nope.yaml"), "--db", str(db_path), store=False
    )
    assert code in (1, 2)
    assert out == ""
    assert "nope.yaml" in err


def test_search_with_a_bad_catalogue(run, bad_catalog_file: Path, db_path: Path) -> None:
    code, out, err = run("search", "x", "--catalog", str(bad_catalog_file), "--db", str(db_path), store=False)
    assert code == 2
    assert out == ""
    assert "the store was left as it was" in err


# seed ------------------------------------------------------------------------------------------------


def test_seed_messages(run, catalog_file: Path, db_path: Path) -> None:
    code, out, _ = run("seed")
    assert code == 0
    assert "seeded" in out and "(first run)" in out
    assert str(db_path) in out and str(catalog_file) in out
    assert f"{N_WORKS} works" in out

    code, out, _ = run("seed")
    assert code == 0
    assert "already up to date" in out and "(content unchanged)" in out

    code, out, _ = run("seed", "--force")
    assert code == 0
    assert "seeded" in out and "(forced)" in out


def test_seed_reports_a_backed_up_store(run, db_path: Path) -> None:
    assert run("seed")[0] == 0
    db_path.write_text("not json", encoding="utf-8")
    code, out, _ = run("seed")
    assert code == 0
    assert "an unreadable store file was kept as" in out
    assert list(db_path.parent.glob("store.json.broken-*"))


def test_seed_uses_catalog_tui_db_without_db(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env-store" / "store.json"
    monkeypatch.setenv("CATALOG_TUI_DB", str(target))
    assert main(["seed", "--catalog", str(catalog_file)]) == 0
    assert str(target) in capsys.readouterr().out
    assert target.is_file()


# options ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["validate"], ["search", "q"], ["export", "q", "-o", "x"], ["seed"]])
def test_catalog_and_db_are_accepted_after_the_subcommand(command: list[str]) -> None:
    args = build_parser().parse_args([*command, "--catalog", "C.yaml", "--db", "D.json"])
    assert (args.catalog, args.db) == ("C.yaml", "D.json")


@pytest.mark.parametrize("command", [["validate"], ["search", "q"], ["seed"]])
def test_catalog_and_db_are_accepted_before_the_subcommand(command: list[str]) -> None:
    args = build_parser().parse_args(["--catalog", "C.yaml", "--db", "D.json", *command])
    assert (args.catalog, args.db) == ("C.yaml", "D.json")


def test_version_in_a_subprocess() -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run(
        [sys.executable, "-m", "catalog_tui", "--version"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"catalog-tui {catalog_tui.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", catalog_tui.__version__)


def test_search_saved_search_applies_its_filters(run, db_path: Path) -> None:
    store = Store(db_path)
    store.save_search("红果微短剧", "", [{"field": "channel", "value": "hong-guo", "exclude": False}])
    store.close()
    code, out, _ = run("search", "@红果微短剧", "--format", "json")
    assert code == 0
    assert [w["id"] for w in json.loads(out)["works"]] == expected_ids("channel:hong-guo")


def test_search_negative_limit_is_not_silently_empty(run) -> None:
    try:
        code, out, _ = run("search", "", "--format", "json", "--limit", "-1")
    except SystemExit as exit_:
        assert exit_.code == 2  # refused as a usage error: fine
    else:
        assert code == 0
        assert [w["id"] for w in json.loads(out)["works"]] == expected_ids("")


# Output is safe for a terminal --------------------------------------------------------------------


def test_cli_search_text_output_has_no_control_characters(
    hostile_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "", "--catalog", str(hostile_file), "--db", str(db_path)]) == 0
    out, err = capsys.readouterr()
    assert_clean(out.replace("\n", ""), "search output")
    assert_clean(err.replace("\n", ""), "search stderr")
    assert HOSTILE_MARKUP_TITLE in out
    assert "标题\\x1b]0;pwned\\x07\\x1b[2J\\x1b[10;10H光标" in out
    assert "双向\\u202eevil.exe\\u202c" in out
    assert len(out.splitlines()) == len(hostile_data()["works"])


def test_cli_json_output_escapes_controls_and_keeps_the_data(
    hostile_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["search", "pwned", "--format", "json", "--catalog", str(hostile_file), "--db", str(db_path)])
        == 0
    )
    out, _ = capsys.readouterr()
    assert "\x1b" not in out
    assert json.loads(out)["works"][0]["title"] == "标题\x1b]0;pwned\x07\x1b[2J\x1b[10;10H光标"


def test_cli_messages_never_echo_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "evil\x1b]0;pwned\x07"
    folder.mkdir()
    bad = folder / "c.yaml"
    bad.write_text("works:\n  - id: w1\n    title: x\n    type: dramma\n", encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    assert main(["export", "", "-o", str(folder / "missing" / "x.yaml")]) == 1
    _, err = capsys.readouterr()
    assert "\x1b" not in err and "\x07" not in err
    assert "evil\\x1b]0;pwned\\x07" in err


# What the CLI writes is safe for a terminal: no control characters reach it ------------------------


HOSTILE = ["标题\x1b]0;pwned\x07\x1b[2J光标", "C1\x9b31m红", "双向\u202eexe.txt\u202c", "零宽\u200b字"]


# Control characters ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_json_and_yaml_escape_controls_and_keep_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    titled_store = catalogue_with_titles(tmp_path, HOSTILE)
    _, out, _ = run_cli(capsys, "search", "", "--format", fmt, *titled_store)
    assert not UNSAFE_CHARACTERS.search(out), "a raw control, bidi or invisible character"
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    assert sorted(w["title"] for w in data["works"]) == sorted(HOSTILE)
    target = tmp_path / f"out.{fmt}"
    assert run_cli(capsys, "export", "", "-o", str(target), *titled_store)[0] == 0
    assert not UNSAFE_CHARACTERS.search(target.read_text(encoding="utf-8"))


def test_csv_is_exact_in_a_pipe_and_escaped_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    titled_store = catalogue_with_titles(tmp_path, HOSTILE)
    pipe = FakeStdout(terminal=False)
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stdout", pipe)
        assert main(["search", "", "--format", "csv", *titled_store]) == 0
    piped = pipe.written()
    assert sorted(r["title"] for r in csv.DictReader(io.StringIO(piped, newline=""))) == sorted(HOSTILE)
    terminal = FakeStdout(terminal=True)
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["search", "", "--format", "csv", *titled_store]) == 0
    shown = terminal.written()
    assert not UNSAFE_CHARACTERS.search(shown)
    assert "标题\\x1b]0;pwned\\x07" in shown


def test_query_errors_and_the_success_line_escape_user_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titled_store = catalogue_with_titles(tmp_path, ["醒狮"])
    code, _, err = run_cli(capsys, "search", '\x1b]2;X\x07"x', *titled_store)
    assert code == 2 and "\x1b" not in err and "\x07" not in err
    query_line, caret_line = err.splitlines()[-2:]
    assert query_line.strip() == '\\x1b]2;X\\x07"x'
    assert query_line[caret_line.index("^")] == '"'  # the caret still points at the quote
    code, _, err = run_cli(capsys, "search", "@\x1b[31m", *titled_store)
    assert code == 2 and "\x1b" not in err
    name = tmp_path / "out\x1b]0;t\x07.yaml"
    code, out, _ = run_cli(capsys, "export", "", "-o", str(name), *titled_store)
    assert code == 0 and "\x1b" not in out and "out\\x1b]0;t\\x07.yaml" in out


# The command line as analysts' tools expect: its language, option order, totals, progress bar, -------


@pytest.fixture
def store_args(catalog_file: Path, db_path: Path) -> list[str]:
    return ["--catalog", str(catalog_file), "--db", str(db_path)]


# Language ------------------------------------------------------------------------------------------


def test_options_are_accepted_after_the_query(store_args: list[str], capsys) -> None:
    code, out, err = run_cli(capsys, "search", "xingshi", "--lang", "en", *store_args)
    assert code == 0 and err == "1 work(s)\n" and "醒狮" in out
    code, _out, err = run_cli(capsys, "--lang", "zh", "search", "xingshi", *store_args)
    assert code == 0 and err == "1 部作品\n"


def test_limit_says_how_many_were_found_in_all(store_args: list[str], capsys) -> None:
    code, out, err = run_cli(capsys, "search", "", "--limit", "3", "--lang", "en", *store_args)
    total = len(load_catalog(store_args[1]).works)
    assert code == 0 and len(out.splitlines()) == 3 and err == f"3 of {total} works\n"
    _code, _out, err = run_cli(capsys, "search", "", "--limit", "3", "--lang", "zh", *store_args)
    assert err == f"3 / {total} 部作品\n"


def test_messages_follow_the_language(store_args: list[str], tmp_path: Path, capsys) -> None:
    code, _out, err = run_cli(capsys, "search", "(", "--lang", "zh", *store_args)
    assert code == 2 and err.startswith("catalog-tui：查询有误：这个“(”没有闭合\n")
    code, _out, err = run_cli(capsys, "search", "(", "--lang", "en", *store_args)
    assert code == 2 and err.startswith("catalog-tui: query error: this '(' is never closed\n")
    target = tmp_path / "out.yaml"
    code, out, _err = run_cli(capsys, "export", "", "-o", str(target), "--lang", "zh", *store_args)
    assert code == 0 and out.startswith("已写入 ") and out.endswith("（yaml）\n")


def test_the_language_comes_from_the_environment_then_the_config_file(
    store_args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    monkeypatch.setenv("CATALOG_TUI_CONFIG", str(config))
    monkeypatch.setenv("CATALOG_TUI_LANG", "zh")
    assert run_cli(capsys, "search", "xingshi", *store_args)[2] == "1 部作品\n"  # $CATALOG_TUI_LANG=zh wins
    monkeypatch.delenv("CATALOG_TUI_LANG")
    assert run_cli(capsys, "search", "xingshi", *store_args)[2] == "1 work(s)\n"


@pytest.mark.parametrize("argv", [["--help"], ["search", "--help"], ["export", "--help"]])
def test_help_is_in_chinese_with_lang_zh(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--lang", "zh"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith("用法：catalog-tui") and "选项：" in out and "显示此帮助并退出" in out
    assert "options:" not in out and "show this help" not in out


def test_parser_errors_are_in_chinese_with_lang_zh(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["search", "x", "--format", "xml", "--lang", "zh"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("用法：") and "catalog-tui search：错误：参数 --format：无效的选择 'xml'" in err


# Progress ------------------------------------------------------------------------------------------


def test_progress_is_silent_when_stderr_is_not_a_terminal(store_args: list[str], capsys) -> None:
    code, out, err = run_cli(capsys, "seed", "--force", "--lang", "en", *store_args)
    assert code == 0 and err == "" and out.count("\n") == 1


def test_progress_bar_counts_works_with_rate_and_time_left() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    with store_progress(console) as show:
        assert show is not None
        show("reading catalogue", 500, 1000)
        show("preparing search data", 500, 4_000)
        show("preparing search data", 1_000, 4_000)
        show("indexing", 0, 1)
        console.print("done")  # what Rich prints while the bars are live goes above them
    drawn = screen.getvalue()
    assert "1,000 / 4,000 works" in drawn and "works/s" in drawn and ("-:--:--" in drawn or "0:00" in drawn)
    assert "50%" in drawn  # the catalogue text: a share, not a count of characters
    assert "500 / 1,000" not in drawn


def test_seed_draws_a_bar_on_a_terminal_and_ends_it_before_the_summary(
    store_args: list[str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(cli_commands, "store_progress", partial(store_progress, console))
    code, out, _err = run_cli(capsys, "seed", "--force", "--lang", "en", *store_args)
    assert code == 0 and out.count("\n") == 1  # the summary, alone on its line (stdout)
    drawn = screen.getvalue()
    assert "preparing search data" in drawn and f"/ {len(load_catalog(store_args[1]).works)} works" in drawn


# --debug and the log -------------------------------------------------------------------------------


@pytest.fixture
def a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args):
        raise RuntimeError("something the code did not expect")

    monkeypatch.setattr(cli_commands, "validate", broken)


def test_a_bug_is_one_line_naming_the_log_and_debug(a_bug, capsys) -> None:
    code, out, err = run_cli(capsys, "validate", "--lang", "en")
    assert code == 1 and out == ""
    assert err == (
        "catalog-tui: unexpected error: RuntimeError: something the code did not expect "
        f"(details in {log_path()}; --debug shows them here)\n"
    )
    logged = log_path().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged and "in broken" in logged


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_shows_the_traceback(how: str, a_bug, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["validate", "--lang", "en"]
    if how == "option":
        argv.append("--debug")
    else:
        monkeypatch.setenv("CATALOG_TUI_DEBUG", "1")
    code, _out, err = run_cli(capsys, *argv, debug=True)
    assert code == 1
    assert err.startswith("Traceback (most recent call last)") and "RuntimeError: something" in err
    assert err.endswith(f"catalog-tui: the traceback was written to {log_path()}\n")


def test_the_log_keeps_earlier_reports_and_stays_bounded(a_bug, capsys, monkeypatch) -> None:
    monkeypatch.setattr("catalog_tui.core.errorlog.KEEP_BYTES", 1000)
    for _ in range(5):
        run_cli(capsys, "validate")
    logged = log_path().read_text(encoding="utf-8")
    assert 1 < logged.count("RuntimeError: something") < 5 and len(logged.encode()) < 1000 + 1000


# Completion ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_the_commands_and_options(shell: str, capsys) -> None:
    code, out, _err = run_cli(capsys, "completion", shell)
    assert code == 0
    for word in ("search", "export", "validate", "completion", "--format", "--limit", "--theme"):
        assert word in out


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_a_subcommand_and_a_choice(tmp_path: Path, capsys) -> None:
    script = tmp_path / "catalog-tui.bash"
    script.write_text(main_output(capsys, "completion", "bash"), encoding="utf-8")
    probe = f"""
source {script}
complete_words() {{ COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}};
  _shtab_catalog_tui "catalog-tui" "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"; echo "${{COMPREPLY[*]}}"; }}
complete_words catalog-tui sea
complete_words catalog-tui search x --format ""
"""
    result = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, timeout=30, env=dict(os.environ)
    )
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["search"], result.stderr
    assert set(lines[1].split()) == {"text", "json", "yaml", "csv"}, result.stderr


def main_output(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_module_runs_as_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "catalog_tui", "completion", "zsh"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "#compdef catalog-tui" in result.stdout
