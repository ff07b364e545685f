"""Start-up (issue 11): `catalog-tui` alone imports only what the browser's first frame needs, and
an up-to-date store opens from its snapshot (no reseed, nothing moved aside)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from catalog_tui.core.library import Library

ROOT = Path(__file__).resolve().parent.parent
# Imported for subcommands only: none of them may load before the browser's first frame.
SUBCOMMAND_ONLY = (
    "catalog_tui.cli_commands",
    "catalog_tui.cli_config",
    "catalog_tui.cli_progress",
    "catalog_tui.core.export",
    "catalog_tui.core.export_file",
    "catalog_tui.core.export_formats",
    "catalog_tui.serve",
    "rich.progress",
    "shtab",
)


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """sys.modules as the code in a fresh interpreter leaves it (printed as JSON)."""
    env = {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}  # fmt: skip
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return set(json.loads(run.stdout.splitlines()[-1]))


def test_the_cli_module_imports_no_subcommand_code(tmp_path: Path) -> None:
    loaded = _modules_after(
        "import sys, json, catalog_tui.cli; print(json.dumps(sorted(sys.modules)))", tmp_path
    )
    assert not loaded & set(SUBCOMMAND_ONLY)
    assert "textual" not in loaded and "catalog_tui.core.library" not in loaded


def test_the_tui_starts_without_the_subcommands(tmp_path: Path) -> None:
    # The app's run() is replaced by a probe: what is loaded when the first frame is to be drawn.
    code = f"""
import json, sys
import catalog_tui.app
seen = []
catalog_tui.app.CatalogApp.run = lambda self, *a, **k: seen.append(sorted(sys.modules))
from catalog_tui.cli import main
assert main(["--db", {str(tmp_path / "store.json")!r}]) == 0
print(json.dumps(seen[0]))
"""
    loaded = _modules_after(code, tmp_path)
    assert "textual.app" in loaded
    assert not loaded & set(SUBCOMMAND_ONLY)


def test_a_subcommand_still_finds_its_code(tmp_path: Path) -> None:
    code = f"""
import json, sys
from catalog_tui.cli import main
assert main(["search", "醒狮", "--db", {str(tmp_path / "store.json")!r}]) == 0
print(json.dumps(sorted(sys.modules)))
"""
    loaded = _modules_after(code, tmp_path)
    assert {"catalog_tui.cli_commands", "catalog_tui.core.export"} <= loaded


def test_the_bundled_catalogue_opens_from_its_snapshot_the_second_time(tmp_path: Path) -> None:
    # Statements name works (`about`); the snapshot reads works lazily, so these references were
    # once checked against no works at all: every launch reseeded and moved the snapshot aside.
    store = tmp_path / "store.json"
    first = Library.open(None, store)
    first.close()
    again = Library.open(None, store)
    again.close()
    assert first.report.seeded and not again.report.seeded
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "store.catalog.json",
        "store.json",
        "store.json.lock",
    ]
    assert again.catalog.people == first.catalog.people
    assert any(statement.about for person in again.catalog.people for statement in person.statements)
