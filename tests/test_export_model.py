"""One export model: `export`, `search --format` and every section, opened as analysts' tools would.

Each export is read back with Python's csv and json and with PyYAML (what pandas, jq and yq do),
and its row counts are compared with what the app reports. JSON and YAML exports are catalogues
that `validate` and `--catalog` accept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import catalog_data, write_catalog

from catalog_tui.cli import main
from catalog_tui.core.export import SECTIONS, columns
from catalog_tui.core.loader import load_catalog

pytestmark = pytest.mark.usefixtures("english")  # these read the CLI's English messages

FORMATS = ("yaml", "json", "csv")
# A figure, a policy, an event, a person and an organisation, so that every section has records to export.
EXTRA = {
    "policies": [{"id": "p1", "name": "一项通知", "kind": "notice", "issuer": "总局", "date": "2025-01",
                  "sources": [{"doc": "fixture_article.txt", "quote": "通知"}]}],
    "events": [{"id": "e1", "name": "一次大会", "kind": "conference", "date": "2024",
                "sources": [{"doc": "fixture_article.txt", "quote": "大会"}]}],
    "figures": [{"id": "f1", "label": "市场规模", "value": 504.4, "unit": "亿元", "period": "2024",
                 "sources": [{"doc": "fixture_article.txt", "quote": "504.4亿元"}]},
                {"id": "f2", "label": "用户", "value": 6, "unit": "亿", "period": "2024",
                 "sources": [{"doc": "fixture_article.txt", "quote": "6亿"}]}],
    "people": [{"id": "someone", "name": "某人", "role": "司长", "organisations": ["o1"],
                "statements": [{"doc": "fixture_article.txt", "quote": "通知"}],
                "sources": [{"doc": "fixture_article.txt", "quote": "通知"}]}],
    "organisations": [{"id": "o1", "name": "一个机构", "kind": "government",
                       "sources": [{"doc": "fixture_article.txt", "quote": "大会"}]}],
}  # fmt: skip


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run the CLI on a catalogue with every section filled; returns (exit code, stdout, stderr)."""
    catalog_file = write_catalog(tmp_path / "catalog.yaml", {**catalog_data(), **EXTRA})
    store = ["--catalog", str(catalog_file), "--db", str(tmp_path / "store" / "store.json")]

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main([*argv, *store])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return invoke


def rows_of(path: Path, fmt: str, section: str) -> list[dict]:
    """The records of one section, as a tool reads the file."""
    text = path.read_bytes().decode("utf-8-sig")
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    return data[section]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_in_every_format_has_the_rows_the_app_reports(
    cli, tmp_path: Path, fmt: str, section: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, _ = cli("export", "--section", section, "-o", str(target))
    assert code == 0
    reported = int(re.match(r"wrote (\d+) ", out)[1])
    expected = len({**catalog_data(), **EXTRA}[section])
    rows = rows_of(target, fmt, section)
    assert len(rows) == reported == expected
    assert tuple(rows[0]) == columns(section)  # every key, in the model's order, in every format


@pytest.mark.parametrize("fmt", ("yaml", "json"))
def test_yaml_and_json_exports_are_catalogues_validate_and_catalog_accept(
    cli, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / f"all.{fmt}"
    assert cli("export", "--section", "all", "-o", str(whole))[0] == 0
    assert main(["validate", str(whole)]) == 0
    assert (
        "valid: 7 works, 2 campaigns, 2 channels, 1 policies, 1 events, 2 figures" in capsys.readouterr().out
    )
    assert load_catalog(whole).counts() == load_catalog(tmp_path / "catalog.yaml").counts()
    assert main(["search", "苏东坡", "--catalog", str(whole), "--db", str(tmp_path / "other.json")]) == 0
    assert "你好，苏东坡" in capsys.readouterr().out
    for section in SECTIONS:
        part = tmp_path / f"{section}.{fmt}"
        assert cli("export", "--section", section, "-o", str(part))[0] == 0
        assert main(["validate", str(part)]) == 0, capsys.readouterr().err


def test_the_works_a_query_finds_are_the_rows_of_every_format(cli, tmp_path: Path) -> None:
    _, _, err = cli("search", "campaign:旅行 | 醒狮")
    found = int(re.search(r"(\d+) work", err)[1])
    for fmt in FORMATS:
        target = tmp_path / f"q.{fmt}"
        assert cli("export", "campaign:旅行 | 醒狮", "-o", str(target))[0] == 0
        assert len(rows_of(target, fmt, "works")) == found == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_search_format_is_the_export_model(cli, fmt: str) -> None:
    _, searched, _ = cli("search", "醒狮 | 苏东坡", "--format", fmt)
    _, exported, _ = cli("export", "醒狮 | 苏东坡", "-o", "-", "--format", fmt)
    undated = re.compile(r"^# date: .*$", re.MULTILINE)
    assert undated.sub("", searched) == undated.sub("", exported)


def test_csv_lists_are_json_arrays_and_empty_values_are_empty_cells(cli, tmp_path: Path) -> None:
    target = tmp_path / "w.csv"
    assert cli("export", "", "-o", str(target))[0] == 0
    as_json = tmp_path / "w.json"
    assert cli("export", "", "-o", str(as_json))[0] == 0
    for row, record in zip(rows_of(target, "csv", "works"), rows_of(as_json, "json", "works"), strict=True):
        for key, value in record.items():
            if isinstance(value, list):
                assert json.loads(row[key]) == value
            else:
                assert row[key] == ("" if value is None else str(value))


def test_a_csv_of_every_section_at_once_is_refused(cli, tmp_path: Path) -> None:
    code, _, err = cli("export", "--section", "all", "-o", str(tmp_path / "all.csv"))
    assert code == 1 and "one section" in err
    assert not (tmp_path / "all.csv").exists()


def test_a_query_with_a_section_other_than_works_is_refused(cli, tmp_path: Path) -> None:
    code, _, err = cli("export", "醒狮", "--section", "figures", "-o", str(tmp_path / "f.yaml"))
    assert code == 1 and "--section figures" in err
