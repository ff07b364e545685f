"""Shared fixtures: a small, hand-made catalogue (never the bundled one) and a throw-away store.

`catalog_data()` is the catalogue as a plain dict; `catalog_file` writes it as YAML to tmp_path;
`catalog` / `index` / `engine` build the core objects straight from the dict (no loader needed);
`db_path` is a store path in tmp_path; `bad_catalog_text` / `bad_catalog_file` hold the same
catalogue with two mistakes (see `bad_catalog_data`; `line_of` finds their lines). An autouse
fixture points $CATALOG_TUI_DB at tmp_path, so no test ever touches the real user data folder.

Property tests run under the hypothesis profile named by $HYPOTHESIS_PROFILE: `ci` (the default,
sized for a 2-core CI machine) or `thorough` (ten times the examples, for a deliberate local run).
Neither has a deadline or the too-slow health check: both are clocks, and flake on a busy machine.
"""

from __future__ import annotations

import copy
import os
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
    # The interface language follows the locale; tests pin it so they read the same anywhere.
    monkeypatch.setenv("CATALOG_TUI_LANG", "zh")
    return default_db


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
