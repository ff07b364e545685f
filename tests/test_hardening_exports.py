"""Hardening: exports that cannot simply be written (issue #5).

The target exists (ask / --force), its folder is missing or read-only, the path has `~` or Chinese
characters, the disk fills up, the write is interrupted, or a file appears at the target while the
export is being written. Never a partial or truncated file at the target, never a temporary file
left behind, and a message that says what happened and where — from the CLI and from the TUI.
Disk-full and read-only cases run twice: simulated in-process, and for real on a tiny tmpfs or a
read-only bind mount in a private mount namespace (skipped where that is not allowed).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import SU_DONG_PO, XING_SHI, needs_mounts, run_mounted
from textual.widgets import Input
from tui_helpers import BUNDLED, ready, settle, type_query

from catalog_tui.app import CatalogApp
from catalog_tui.cli import main
from catalog_tui.core import atomic
from catalog_tui.core.export import ExportError, export_works
from catalog_tui.core.library import Library
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import Catalog
from catalog_tui.screens.confirm import ConfirmScreen
from catalog_tui.screens.export_dialog import ExportDialog
from catalog_tui.screens.main import MainScreen

SIZE = (140, 40)


@pytest.fixture
def run(catalog_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]):
    """`catalog-tui export …` in-process on the fixture catalogue: (exit code, stdout, stderr). The
    store is seeded first, so a simulated failure hits the export and not the first seed."""
    Library.open(catalog_file, db_path).close()

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(["export", *argv, "--catalog", str(catalog_file), "--db", str(db_path)])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return invoke


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.tmp")]


# The target exists -------------------------------------------------------------------------------


def test_an_existing_target_is_refused_without_force_and_replaced_with_it(run, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_bytes(b"the user's own notes")
    code, out, err = run("", "-o", str(target))
    assert code == 1 and out == ""
    assert (
        err
        == f"catalog-tui: export failed: {target} already exists; choose another name or overwrite it (--force)\n"
    )
    assert target.read_bytes() == b"the user's own notes"
    code, out, _ = run("", "-o", str(target), "--force")
    assert code == 0 and out == f"wrote 7 work(s) to {target} (yaml)\n"
    assert len(load_catalog(target).works) == 7
    assert leftovers(tmp_path) == ["catalog.yaml", "out.yaml", "store"]


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
        assert any(str(target) in str(n.message) for n in app._notifications)
    assert temporaries(tmp_path) == []


async def open_export_dialog(pilot, path: str) -> ExportDialog:
    await pilot.press("e")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one("#export-path", Input).value = path
    dialog.query_one("#scope-all").value = True
    await pilot.pause()
    return dialog


# Folders: missing, read-only ---------------------------------------------------------------------


def test_a_missing_folder_is_a_clear_error(run, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.csv"
    code, _, err = run("", "-o", str(target))
    assert code == 1
    assert err == f"catalog-tui: export failed: the folder {target.parent} does not exist\n"
    assert leftovers(tmp_path) == ["catalog.yaml", "store"]


def refuse_in(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """Creating a file in `folder` fails as a read-only folder (EACCES) or disk (EROFS) would."""
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, dir: Any = None, **kwargs: Any):
        if dir is not None and Path(dir).resolve() == folder.resolve():
            error = PermissionError if code == errno.EACCES else OSError
            raise error(code, os.strerror(code), str(folder))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)


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
    exit_code, _, err = run("", "-o", str(target))
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
            errors = [n for n in app._notifications if n.severity == "error"]
            assert errors and expected in str(errors[-1].message), [str(n.message) for n in errors]
    assert leftovers(folder) == []


async def test_a_folder_as_the_export_path_is_not_offered_for_overwriting(
    tmp_path: Path, catalog_file: Path, db_path: Path
) -> None:
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_export_dialog(pilot, str(tmp_path))
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert errors == [f"{tmp_path} is a folder; give a file name"]


# Paths with ~ and Chinese ------------------------------------------------------------------------


def test_tilde_and_chinese_paths(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "导出 文件夹"
    folder.mkdir()
    code, out, _ = run("醒狮", "-o", "~/导出 文件夹/醒狮·作品.csv")
    target = folder / "醒狮·作品.csv"
    assert code == 0 and out == f"wrote 1 work(s) to {target} (csv)\n"
    assert "醒狮" in target.read_text(encoding="utf-8-sig")


async def test_tilde_and_chinese_paths_in_the_tui(
    tmp_path: Path, catalog_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "导出").mkdir()
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_export_dialog(pilot, "~/导出/全部作品.json")
        await pilot.press("enter")
        await settle(pilot)
        target = tmp_path / "导出" / "全部作品.json"
        assert target.is_file()
        assert any(str(target) in str(n.message) for n in app._notifications)


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
    code, _, err = run("", "-o", str(target), *(["--force"] if existing else []))
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
    code, out, err = run("", "-o", str(target), *(["--force"] if existing else []))
    monkeypatch.undo()
    assert code == 130 and out == ""
    assert err == f"catalog-tui: export interrupted: nothing was written to {target}\n"
    assert target.read_bytes() == b"previous export" if existing else not target.exists()
    assert temporaries(tmp_path) == []


def test_any_other_failure_names_the_target(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.yaml"
    break_writes(monkeypatch, OSError(errno.EIO, "Input/output error"))
    code, _, err = run(SU_DONG_PO, "-o", str(target))
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
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await type_query(pilot, "xingshi")
        await pilot.press("escape")
        break_writes(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
        await open_export_dialog(pilot, str(tmp_path / "out.yaml"))
        await pilot.press("enter")
        await settle(pilot)
        monkeypatch.undo()
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert errors == [f"the disk is full: {tmp_path / 'out.yaml'} was not written"]
        assert app.is_running and isinstance(app.screen, MainScreen)
    assert not (tmp_path / "out.yaml").exists() and temporaries(tmp_path) == []
