"""The command line as analysts' tools expect: its language, option order, totals, progress bar,
--debug and log, and shell completion."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from rich.console import Console

import catalog_tui.cli as cli
from catalog_tui.cli import main
from catalog_tui.cli_progress import store_progress
from catalog_tui.core.errorlog import log_path
from catalog_tui.core.loader import load_catalog


@pytest.fixture
def store(catalog_file: Path, db_path: Path) -> list[str]:
    return ["--catalog", str(catalog_file), "--db", str(db_path)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# Language ------------------------------------------------------------------------------------------


def test_options_are_accepted_after_the_query(store: list[str], capsys) -> None:
    code, out, err = run(capsys, "search", "xingshi", "--lang", "en", *store)
    assert code == 0 and err == "1 work(s)\n" and "醒狮" in out
    code, _out, err = run(capsys, "--lang", "zh", "search", "xingshi", *store)
    assert code == 0 and err == "1 部作品\n"


def test_limit_says_how_many_were_found_in_all(store: list[str], capsys) -> None:
    code, out, err = run(capsys, "search", "", "--limit", "3", "--lang", "en", *store)
    total = len(load_catalog(store[1]).works)
    assert code == 0 and len(out.splitlines()) == 3 and err == f"3 of {total} works\n"
    _code, _out, err = run(capsys, "search", "", "--limit", "3", "--lang", "zh", *store)
    assert err == f"3 / {total} 部作品\n"


def test_messages_follow_the_language(store: list[str], tmp_path: Path, capsys) -> None:
    code, _out, err = run(capsys, "search", "(", "--lang", "zh", *store)
    assert code == 2 and err.startswith("catalog-tui：查询有误：这个“(”没有闭合\n")
    code, _out, err = run(capsys, "search", "(", "--lang", "en", *store)
    assert code == 2 and err.startswith("catalog-tui: query error: this '(' is never closed\n")
    target = tmp_path / "out.yaml"
    code, out, _err = run(capsys, "export", "", "-o", str(target), "--lang", "zh", *store)
    assert code == 0 and out.startswith("已写入 ") and out.endswith("（yaml）\n")


def test_the_language_comes_from_the_environment_then_the_config_file(
    store: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    monkeypatch.setenv("CATALOG_TUI_CONFIG", str(config))
    assert run(capsys, "search", "xingshi", *store)[2] == "1 部作品\n"  # $CATALOG_TUI_LANG=zh wins
    monkeypatch.delenv("CATALOG_TUI_LANG")
    assert run(capsys, "search", "xingshi", *store)[2] == "1 work(s)\n"


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


def test_progress_is_silent_when_stderr_is_not_a_terminal(store: list[str], capsys) -> None:
    code, out, err = run(capsys, "seed", "--force", "--lang", "en", *store)
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
    store: list[str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(cli, "store_progress", partial(store_progress, console))
    code, out, _err = run(capsys, "seed", "--force", "--lang", "en", *store)
    assert code == 0 and out.count("\n") == 1  # the summary, alone on its line (stdout)
    drawn = screen.getvalue()
    assert "preparing search data" in drawn and f"/ {len(load_catalog(store[1]).works)} works" in drawn


# --debug and the log -------------------------------------------------------------------------------


@pytest.fixture
def a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args):
        raise RuntimeError("something the code did not expect")

    monkeypatch.setattr(cli, "_validate", broken)


def test_a_bug_is_one_line_naming_the_log_and_debug(a_bug, capsys) -> None:
    code, out, err = run(capsys, "validate", "--lang", "en")
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
    code, _out, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith("Traceback (most recent call last)") and "RuntimeError: something" in err
    assert err.endswith(f"catalog-tui: the traceback was written to {log_path()}\n")


def test_the_log_keeps_earlier_reports_and_stays_bounded(a_bug, capsys, monkeypatch) -> None:
    monkeypatch.setattr("catalog_tui.core.errorlog.KEEP_BYTES", 1000)
    for _ in range(5):
        run(capsys, "validate")
    logged = log_path().read_text(encoding="utf-8")
    assert 1 < logged.count("RuntimeError: something") < 5 and len(logged.encode()) < 1000 + 1000


# Completion ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_the_commands_and_options(shell: str, capsys) -> None:
    code, out, _err = run(capsys, "completion", shell)
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
