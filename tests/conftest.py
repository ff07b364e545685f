"""Tests are grouped by what they protect: test_loader.py (loading, bad and hostile catalogues,
duplicate keys, pipes and size limits, the YAML event builder), test_store.py (stores, snapshots and
their checksum, damaged, read-only and shared stores, orphaned temporaries, random corruption),
test_search.py (query language, engine, index, pinyin readings, hostile queries), test_export.py
(every export: the one model, sections, CSV formulas, targets, core, CLI, dialog, failures),
test_cli.py (the other commands, terminal-safe output, language, progress, --debug, completion),
test_config.py (the settings file), test_tui.py (browsing, keys, flows), test_tui_text.py (hostile
text on screen), test_tui_sizes.py (terminal sizes), test_i18n.py, test_serve.py (serve, its token,
Host/Origin checks and session limit), test_browser.py (serve in Chromium), test_snapshots.py,
test_screenshots.py (the README's images in a browser), test_catalog_content.py (the bundled
catalogue against its sources), test_core_isolation.py, test_static_checks.py (ruff, mypy),
test_benchmark_generator.py, test_tui_typeahead.py (fast typing), test_tui_frames.py (one frame per
keystroke), test_startup.py (what `catalog-tui` imports and opens before its first frame) and
test_tui_first_frame.py (what the browser's first frame holds: one search, no side-panel lists, no
dialog code).

Shared fixtures: a small, hand-made catalogue (never the bundled one) and a throw-away store.

`catalog_data()` is the catalogue as a plain dict; `catalog_file` writes it as YAML to tmp_path;
`catalog` / `index` / `engine` build the core objects straight from the dict (no loader needed);
`db_path` is a store path in tmp_path; `bad_catalog_text` / `bad_catalog_file` hold the same
catalogue with two mistakes (see `bad_catalog_data`; `line_of` finds their lines). An autouse
fixture points $CATALOG_TUI_DB at tmp_path, so no test ever touches the real user data folder.
Also shared: `folder_bytes` (to prove a folder unchanged), the hostile-text catalogue
(`hostile_file`, `assert_clean`) and `run_mounted` (a real full or read-only disk).

Property tests run under the hypothesis profile named by $HYPOTHESIS_PROFILE: `ci` (the default,
sized for a 2-core CI machine) or `thorough` (ten times the examples, for a deliberate local run).
Neither has a deadline or the too-slow health check: both are clocks, and flake on a busy machine.
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.model import Catalog
from catalog_tui.core.search import SearchEngine

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "thorough", max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PROJECT = Path(__file__).resolve().parent.parent
DOC = "fixture_article.txt"

# Ids of the fixture's works, so tests name them rather than repeating strings.
SU_DONG_PO = "ni-hao-su-dong-po"
YONG_LE = "chong-hui-yong-le-da-dian"
A_LE_TAI = "wo-de-a-le-tai"
XING_SHI = "xing-shi"
DOCUMENTARY = "da-mei-jiang-shan"
LAW = "fa-zai-shen-bian"
MARKUP = "markup-title"
TRAVEL = "travel"
LAW_CAMPAIGN = "gen-zhe-wei-duan-ju-lai-xue-fa"
BEIJING = "bei-jing-wei-shi"
HONGGUO = "hong-guo"
MARKUP_TITLE = "[b]x[/b] [@click=app.quit]"


def _source(quote: str) -> list[dict[str, str]]:
    return [{"doc": DOC, "quote": quote}]


_CATALOG: dict[str, Any] = {
    "documents": [
        {"file": DOC, "title": "测试用文章", "title_en": "A test article", "byline": "测试"},
    ],
    "works": [
        {
            "id": SU_DONG_PO,
            "title": "你好，苏东坡",
            "title_en": "Hello, Su Dongpo",
            "type": "micro-drama",
            "year": 2024,
            "campaigns": [TRAVEL],
            "themes": ["文化遗产", "文旅融合"],
            "summary": "“跟着微短剧去旅行”创作计划作品，以新技术激活文化遗产。",
            "sources": _source("《你好，苏东坡》"),
        },
        {
            "id": YONG_LE,
            "title": "重回永乐大典",
            "title_en": "Back to the Yongle Encyclopedia",
            "type": "micro-drama",
            "year": 2023,
            "campaigns": [TRAVEL],
            "themes": ["文化遗产"],
            "summary": "一部讲述典籍传承的微短剧。",
            "sources": _source("《重回永乐大典》"),
        },
        {
            "id": A_LE_TAI,
            "title": "我的阿勒泰",
            "title_en": "To the Wonder",
            "type": "web-drama",
            "year": 2024,
            "channels": [BEIJING],
            "themes": ["生态文明"],
            "summary": "网络剧首次在卫视黄金时段播出。",
            "sources": _source("《我的阿勒泰》"),
        },
        {
            "id": XING_SHI,
            "title": "醒狮",
            "title_en": "Awakening Lion",
            "type": "micro-drama",
            "year": 2025,
            "channels": [HONGGUO],
            "themes": ["非遗"],
            "summary": "让非遗走进年轻观众的微短剧。",
            "sources": _source("《醒狮》"),
        },
        {
            "id": DOCUMENTARY,
            "title": "大美江山",
            "title_en": "Magnificent Land",
            "type": "documentary",
            "year": 2022,
            "channels": [BEIJING],
            "themes": ["文化遗产"],
            "summary": "沿着苏东坡当年的足迹，走访山水之间。",
            "sources": _source("《大美江山》"),
        },
        {
            "id": LAW,
            "title": "法在身边",
            "title_en": "Law at Your Side",
            "type": "micro-drama",
            "year": 2025,
            "campaigns": [LAW_CAMPAIGN],
            "channels": [HONGGUO],
            "themes": ["法治"],
            "summary": "普法题材的微短剧。",
            "sources": _source("《法在身边》"),
        },
        {
            "id": MARKUP,
            "title": MARKUP_TITLE,
            "type": "short-video",
            "summary": "A title full of console markup, to prove nothing interprets it.",
            "sources": _source("markup"),
            "note": "人为构造的条目。",
        },
    ],
    "campaigns": [
        {
            "id": TRAVEL,
            "name": "跟着微短剧去旅行",
            "name_en": "Travel with Micro-dramas",
            "kind": "creation-plan",
            "issuer": "国家广播电视总局",
            "date": "2024",
            "summary": "以微短剧推动文旅融合的创作计划。",
            "sources": _source("“跟着微短剧去旅行”创作计划"),
        },
        {
            "id": LAW_CAMPAIGN,
            "name": "跟着微短剧来学法",
            "name_en": "Learn the Law with Micro-dramas",
            "kind": "creation-plan",
            "issuer": "国家广播电视总局",
            "summary": "以微短剧普及法律知识的创作计划。",
            "sources": _source("“跟着微短剧来学法”"),
        },
    ],
    "channels": [
        {
            "id": BEIJING,
            "name": "北京卫视",
            "name_en": "Beijing Satellite TV",
            "kind": "satellite-tv",
            "sources": _source("北京卫视"),
        },
        {
            "id": HONGGUO,
            "name": "红果",
            "name_en": "Hongguo",
            "kind": "micro-drama-app",
            "sources": _source("红果"),
        },
    ],
    "policies": [],
    "events": [],
    "figures": [],
}


def catalog_data() -> dict[str, Any]:
    """A fresh deep copy of the fixture catalogue, safe to modify."""
    return copy.deepcopy(_CATALOG)


class _NoAliasDumper(yaml.SafeDumper):
    """Writes shared objects out in full: the loader (rightly) refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_catalog(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)


def write_catalog(path: Path, data: dict[str, Any] | None = None) -> Path:
    path.write_text(dump_catalog(catalog_data() if data is None else data), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a private $CATALOG_TUI_DB (and HOME-based dirs), never the real store."""
    home = tmp_path_factory.mktemp("env")
    default_db = home / "default-store" / "store.json"
    monkeypatch.setenv("CATALOG_TUI_DB", str(default_db))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    # No real config file, log or settings from the environment either.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "xdg-state"))
    for name in ("CATALOG_TUI_CONFIG", "CATALOG_TUI_THEME", "CATALOG_TUI_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    # The interface language follows the locale; tests pin it so they read the same anywhere.
    monkeypatch.setenv("CATALOG_TUI_LANG", "zh")
    return default_db


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """English messages (the CLI follows the interface language too), for tests that read them."""
    monkeypatch.setenv("CATALOG_TUI_LANG", "en")


@pytest.fixture
def catalog_dict() -> dict[str, Any]:
    return catalog_data()


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    """The fixture catalogue written as a UTF-8 YAML file."""
    return write_catalog(tmp_path / "catalog.yaml")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A store path in a folder of its own (the store keeps sibling files beside it)."""
    folder = tmp_path / "store"
    folder.mkdir()
    return folder / "store.json"


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.from_dict(catalog_data())


@pytest.fixture
def index(catalog: Catalog) -> SearchIndex:
    return SearchIndex(catalog)


@pytest.fixture
def engine(index: SearchIndex) -> SearchEngine:
    return SearchEngine(index)


def bad_catalog_data() -> dict[str, Any]:
    """The fixture catalogue with two mistakes in the 醒狮 work: an unknown type and a reference to a
    campaign that does not exist."""
    data = catalog_data()
    work = next(w for w in data["works"] if w["id"] == XING_SHI)
    work["type"] = "no-such-type"
    work["campaigns"] = ["no-such-campaign"]
    return data


def line_of(text: str, fragment: str) -> int:
    """The 1-based number of the first line of `text` containing `fragment`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture
def bad_catalog_text() -> str:
    return dump_catalog(bad_catalog_data())


@pytest.fixture
def bad_catalog_file(tmp_path: Path, bad_catalog_text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(bad_catalog_text, encoding="utf-8")
    return path


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """The CLI in-process: (exit code, stdout, stderr); never a traceback. Modules that need a
    catalogue and store passed in define their own `run`."""
    from catalog_tui.cli import main

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return invoke


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` with its bytes: compared before and after to prove nothing changed."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# Hostile text ------------------------------------------------------------------------------------
# tests/data/hostile/hostile-text.yaml puts console markup, ESC sequences, C1 controls, bidi
# overrides, zero-width characters, emoji and ambiguous-width symbols in every kind of field;
# `hostile_data()` adds 10,000-character fields.

HOSTILE = Path(__file__).parent / "data" / "hostile" / "hostile-text.yaml"
LONG = 10_000
# What must never reach a widget's output: C0 (but newline) and C1 controls, DEL, bidi controls,
# zero-width and other invisible format characters, Unicode line separators.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
HOSTILE_MARKUP_TITLE = "[b]粗体[/b] [@click=app.quit]退出[/] [link=https://example.com]链接[/link] [red]红"


def assert_clean(text: str, where: str = "") -> None:
    found = UNSAFE.findall(text)
    assert not found, f"{where}: raw {[hex(ord(c)) for c in found]} in {text[:200]!r}"


def hostile_data() -> dict[str, Any]:
    data = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
    data["works"].append(
        {
            "id": "long",
            "title": "长标题" + "长" * LONG,
            "title_en": "W" * LONG,
            "type": "gala",
            "year": 2024,
            "campaigns": ["long-campaign"],
            "themes": ["主题" * (LONG // 2)],
            "facts": ["f" * LONG],
            "summary": "开头 " + "摘要" * (LONG // 2) + " [b]结尾[/b]",
            "note": "n" * LONG,
        }
    )
    data["campaigns"].append({"id": "long-campaign", "name": "活动" * LONG, "kind": "project"})
    return data


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(dump_catalog(hostile_data()), encoding="utf-8")
    return path


# A private mount namespace: a full or read-only disk for real ------------------------------------


def _can_mount() -> bool:
    if not shutil.which("unshare") or sys.platform != "linux":
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(
            ["unshare", "--mount", "sh", "-c", f"mount -t tmpfs -o size=16k none '{folder}'"],
            capture_output=True,
        )
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(
    not _can_mount(), reason="needs unshare and mount (a private mount namespace)"
)


def run_mounted(tmp_path: Path, setup: str, *cli: str, after: str = "") -> tuple[int, str, list[str], str]:
    """Run `setup` (mounts) then the CLI in a private mount namespace: the CLI's exit code and
    stderr, `ls -A` of the mounted folder and the output of `after`, all seen inside the namespace."""
    folder = tmp_path / "mounted"
    folder.mkdir(exist_ok=True)
    err_file = tmp_path / "stderr.txt"
    command = " ".join(f"'{arg}'" for arg in (sys.executable, "-m", "catalog_tui", *cli))
    script = f'{setup} || exit 99\n{command} 2>"$ERR"\necho "rc=$?"\nls -A "$DIR"\necho ---\n{after}\n'
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "DIR": str(folder), "ERR": str(err_file)}
    done = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True, env=env,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    listing = rest[: rest.index("---")]
    return (
        int(first.removeprefix("rc=")),
        err_file.read_text(encoding="utf-8"),
        listing,
        "\n".join(rest[rest.index("---") + 1 :]),
    )


def catalogue_with_titles(tmp_path: Path, titles: list[str]) -> list[str]:
    data = catalog_data()
    work = data["works"][0]
    data["works"] = [{**work, "id": f"w{i}", "title": title} for i, title in enumerate(titles)]
    catalog_file = write_catalog(tmp_path / "catalog.yaml", data)
    return ["--catalog", str(catalog_file), "--db", str(tmp_path / "store" / "store.json")]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str, debug: bool = False) -> tuple[int, str, str]:
    """The CLI in-process with exactly `argv`; a traceback only where `debug` asked for one."""
    from catalog_tui.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    assert debug or "Traceback" not in err
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


def at_once(*tasks: Callable[[], Any]) -> list[Any]:
    """Run every task in a thread of its own, all released together by a barrier; their results."""
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = [None] * len(tasks)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        barrier.wait()
        try:
            results[number] = tasks[number]()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results
