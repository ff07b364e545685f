"""The UI-free core must stay UI-free: no module in catalog_tui/core imports textual or rich."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import catalog_tui.core

CORE = Path(catalog_tui.core.__file__).resolve().parent
PROJECT = CORE.parent.parent
UI_PACKAGES = ("textual", "rich")
CORE_FILES = sorted(CORE.glob("*.py"))
CORE_MODULES = ["catalog_tui.core"] + [
    f"catalog_tui.core.{path.stem}" for path in CORE_FILES if path.stem != "__init__"
]
_IMPORT_LINE = re.compile(r"^\s*(?:import|from)\s+(?:textual|rich)\b", re.MULTILINE)

PROBE = (
    "import importlib, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
)


def test_the_core_has_the_expected_modules() -> None:
    # Guards the parametrisation below: an empty glob would make every other test vacuous.
    names = {path.stem for path in CORE_FILES}
    assert {
        "model",
        "text",
        "query",
        "index",
        "search",
        "atomic",
        "store",
        "export",
        "library",
        "loader",
    } <= names


@pytest.mark.parametrize("module", CORE_MODULES)
def test_importing_a_core_module_loads_no_ui_package(module: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"{module} pulled in {done.stdout.strip()}"


def test_the_probe_does_detect_a_ui_import() -> None:
    # The same probe on a module that does import textual must report it, or the test above proves nothing.
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "textual.app"], capture_output=True, text=True, cwd=PROJECT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "textual" in done.stdout


def _ui_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in UI_PACKAGES]
    return found


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_no_core_file_mentions_a_ui_import(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not _IMPORT_LINE.search(source), f"{path.name} has an import of textual or rich"
    assert _ui_imports(source) == [], f"{path.name} imports {_ui_imports(source)}"


@pytest.mark.parametrize(
    "source",
    [
        "import textual",
        "from rich.text import Text",
        "def f():\n    import rich.console\n",
        "import os, textual.app",
    ],
)
def test_the_static_check_catches_ui_imports(source: str) -> None:
    assert _ui_imports(source)
