"""Exports: YAML that is a catalogue of its own, JSON of the same shape, CSV for spreadsheets; all
written atomically, with clear errors and nothing left behind when a write fails."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import (
    BEIJING,
    DOC,
    HONGGUO,
    LAW_CAMPAIGN,
    MARKUP,
    MARKUP_TITLE,
    SU_DONG_PO,
    TRAVEL,
    XING_SHI,
    catalog_data,
    write_catalog,
)

from catalog_tui.core.export import ExportError, columns, render
from catalog_tui.core.export_file import ExportResult, export_works, format_for
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import Catalog, Work

CHOSEN = (SU_DONG_PO, XING_SHI)


def chosen(catalog: Catalog, ids=CHOSEN) -> list[Work]:
    return [catalog.work(i) for i in ids]


def header(text: str) -> dict[str, str]:
    """The `# key: value` lines at the top of a YAML export."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return dict(m.groups() for line in lines if (m := re.match(r"# (\w+): (.*)$", line)))


def leftovers(folder: Path, keep: set[str] = frozenset()) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# YAML ------------------------------------------------------------------------------------------


def test_yaml_export_is_a_valid_catalogue_of_exactly_the_chosen_works(
    catalog: Catalog, tmp_path: Path
) -> None:
    target = tmp_path / "out.yaml"
    result = export_works(catalog, chosen(catalog), target, query="苏东坡 | 醒狮")
    assert result == ExportResult(target, 2, "yaml")

    loaded = load_catalog(target)
    assert [w.id for w in loaded.works] == list(CHOSEN)
    assert [w.to_dict() for w in loaded.works] == [w.to_dict() for w in chosen(catalog)]
    # Only what the chosen works refer to: 你好，苏东坡 → travel; 醒狮 → 红果.
    assert [c.id for c in loaded.campaigns] == [TRAVEL]
    assert [c.id for c in loaded.channels] == [HONGGUO]
    assert loaded.campaign(TRAVEL) == catalog.campaign(TRAVEL)
    assert loaded.channel(HONGGUO) == catalog.channel(HONGGUO)
    assert LAW_CAMPAIGN not in {c.id for c in loaded.campaigns}
    assert BEIJING not in {c.id for c in loaded.channels}
    assert [d.file for d in loaded.documents] == [DOC]


def test_an_export_of_the_bundled_catalogue_validates_where_it_is_written(tmp_path: Path) -> None:
    # Documents' `text` paths are relative to the bundled catalogue: they stay behind.
    bundled = load_catalog(Path(__file__).resolve().parent.parent / "catalog.yaml")
    target = tmp_path / "elsewhere" / "works.yaml"
    target.parent.mkdir()
    export_works(bundled, bundled.works, target)
    loaded = load_catalog(target)
    assert [d.file for d in loaded.documents] == [d.file for d in bundled.documents]
    assert all(d.text == "" for d in loaded.documents)


def test_an_export_carries_the_campaigns_its_campaigns_are_based_on(tmp_path: Path) -> None:
    data = catalog_data()
    law = next(c for c in data["campaigns"] if c["id"] == LAW_CAMPAIGN)
    law["based_on"] = [TRAVEL]
    data["works"][0]["campaigns"] = [LAW_CAMPAIGN]
    catalog = load_catalog(write_catalog(tmp_path / "catalog.yaml", data))
    target = tmp_path / "out.yaml"
    export_works(catalog, catalog.works[:1], target)
    assert {c.id for c in load_catalog(target).campaigns} == {LAW_CAMPAIGN, TRAVEL}


def test_exporting_every_work_round_trips_the_catalogue(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "all.yaml"
    export_works(catalog, catalog.works, target)
    assert load_catalog(target).to_dict() == catalog.to_dict()


def test_yaml_header_has_query_count_and_date(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    before = datetime.now().astimezone().replace(microsecond=0)
    export_works(catalog, chosen(catalog), target, query="campaign:旅行 | 醒狮")
    after = datetime.now().astimezone()
    fields = header(target.read_text(encoding="utf-8"))
    assert fields["query"] == "campaign:旅行 | 醒狮"
    assert fields["works"] == "2"
    stamp = datetime.fromisoformat(fields["date"])
    assert stamp.tzinfo is not None
    assert before <= stamp <= after + timedelta(seconds=1)


def test_yaml_header_without_a_query_says_none(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    export_works(catalog, chosen(catalog, [XING_SHI]), target)
    fields = header(target.read_text(encoding="utf-8"))
    assert fields["query"] == "(none)"
    assert fields["works"] == "1"


def test_a_query_with_line_breaks_cannot_break_out_of_the_header(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    export_works(catalog, chosen(catalog), target, query="x\nworks: []\r\u2028campaigns: 1")
    text = target.read_text(encoding="utf-8")
    assert header(text)["works"] == "2"
    assert [w.id for w in load_catalog(target).works] == list(CHOSEN)


def test_yaml_writes_chinese_literally(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    export_works(catalog, chosen(catalog), target)
    payload = target.read_bytes()
    assert "你好，苏东坡".encode() in payload
    assert "跟着微短剧去旅行".encode() in payload
    assert b"\\u" not in payload
    assert b"\\x" not in payload


def test_markup_in_a_title_survives_the_round_trip(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "markup.yaml"
    export_works(catalog, chosen(catalog, [MARKUP]), target)
    loaded = load_catalog(target)
    assert [w.title for w in loaded.works] == [MARKUP_TITLE]
    assert loaded.campaigns == [] and loaded.channels == []


# JSON and CSV ----------------------------------------------------------------------------------


def test_json_export_has_the_same_shape_as_yaml(catalog: Catalog, tmp_path: Path) -> None:
    export_works(catalog, chosen(catalog), tmp_path / "out.yaml", query="q")
    result = export_works(catalog, chosen(catalog), tmp_path / "out.json", query="q")
    assert result.format == "json"
    as_yaml = yaml.safe_load((tmp_path / "out.yaml").read_text(encoding="utf-8"))
    payload = (tmp_path / "out.json").read_bytes()
    as_json = json.loads(payload.decode("utf-8"))
    assert as_json == as_yaml  # the same catalogue (the query and date are YAML comments)
    assert [w["id"] for w in as_json["works"]] == list(CHOSEN)
    assert "醒狮".encode() in payload
    assert b"\\u" not in payload


def test_csv_export_columns_bom_and_names(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = export_works(catalog, chosen(catalog, [SU_DONG_PO, XING_SHI, MARKUP]), target)
    assert result.format == "csv"
    payload = target.read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
    assert tuple(rows[0]) == columns("works")
    assert [r["id"] for r in rows] == [SU_DONG_PO, XING_SHI, MARKUP]
    su, xing, markup = rows
    assert su["title"] == "你好，苏东坡"
    assert su["type"] == "micro-drama"
    assert su["year"] == "2024"
    assert json.loads(su["campaigns"]) == [TRAVEL]  # ids, as in JSON and YAML
    assert json.loads(su["themes"]) == ["文化遗产", "文旅融合"]
    assert json.loads(xing["channels"]) == [HONGGUO]
    assert markup["year"] == ""
    assert markup["title"] == MARKUP_TITLE
    assert json.loads(su["sources"])[0]["doc"] == DOC


@pytest.mark.parametrize(
    ("name", "explicit", "expected"),
    [("a.yaml", None, "yaml"), ("a.YML", None, "yaml"), ("a.json", None, "json"), ("a.csv", None, "csv"),
     ("a.txt", "yaml", "yaml"), ("a", "csv", "csv"), ("a.csv", "json", "json")],
)  # fmt: skip
def test_format_for(name: str, explicit: str | None, expected: str) -> None:
    assert format_for(name, explicit) == expected


def test_an_unknown_format_is_an_export_error(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="xml"):
        export_works(catalog, chosen(catalog), tmp_path / "out.xml", "xml")
    with pytest.raises(ExportError):
        render(catalog, chosen(catalog), "xml")
    assert leftovers(tmp_path) == []


# Where the file goes -----------------------------------------------------------------------------


def test_refuses_to_overwrite_unless_asked(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists"):
        export_works(catalog, chosen(catalog), target)
    assert target.read_text(encoding="utf-8") == "precious"
    export_works(catalog, chosen(catalog), target, overwrite=True)
    assert [w.id for w in load_catalog(target).works] == list(CHOSEN)
    assert leftovers(tmp_path) == ["out.yaml"]


def test_a_missing_folder_is_an_export_error(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.yaml"
    with pytest.raises(ExportError, match="does not exist"):
        export_works(catalog, chosen(catalog), target)
    assert not target.parent.exists()


def test_a_folder_as_target_is_an_export_error(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="folder"):
        export_works(catalog, chosen(catalog), tmp_path, overwrite=True)


def test_a_path_with_tilde_is_expanded(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    result = export_works(catalog, chosen(catalog), "~/导出.yaml")
    assert result.path == home / "导出.yaml"
    assert (home / "导出.yaml").is_file()
    assert not (Path.cwd() / "~").exists()


def test_chinese_file_and_folder_names(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "我的导出"
    folder.mkdir()
    for name in ("微短剧清单.yaml", "微短剧清单.json", "微短剧清单.csv"):
        result = export_works(catalog, chosen(catalog), folder / name)
        assert result.path.read_bytes()
    assert [w.id for w in load_catalog(folder / "微短剧清单.yaml").works] == list(CHOSEN)
    assert leftovers(folder) == ["微短剧清单.csv", "微短剧清单.json", "微短剧清单.yaml"]


# Failures ------------------------------------------------------------------------------------------


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["replace", "fsync"])
def test_a_full_disk_is_an_export_error_and_leaves_nothing(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    target = tmp_path / "out.yaml"
    monkeypatch.setattr(os, where, _disk_full)
    with pytest.raises(ExportError) as caught:
        export_works(catalog, chosen(catalog), target)
    assert "disk" in str(caught.value)
    assert str(target) in str(caught.value)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_failed_overwrite_keeps_the_old_file(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.yaml"
    target.write_bytes(b"old contents")
    monkeypatch.setattr(os, "replace", _disk_full)
    with pytest.raises(ExportError, match="disk"):
        export_works(catalog, chosen(catalog), target, overwrite=True)
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == ["out.yaml"]


def test_no_permission_is_an_export_error(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="permission"):
        export_works(catalog, chosen(catalog), tmp_path / "out.csv")
    assert leftovers(tmp_path) == []


def test_another_os_error_is_an_export_error(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(ExportError, match="Input/output error"):
        export_works(catalog, chosen(catalog), tmp_path / "out.json")
    assert leftovers(tmp_path) == []
