"""Seeding the same catalogue twice writes the same store bytes, whatever Python's string hash seed
(sets of characters must never decide the order of what is saved)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _seed(db: Path, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "catalog_tui",
            "--catalog",
            str(PROJECT / "catalog.yaml"),
            "--db",
            str(db),
            "seed",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return db.with_name(db.stem + ".catalog.json").read_bytes()


def test_two_seeds_with_different_hash_seeds_write_the_same_snapshot(tmp_path: Path) -> None:
    first = _seed(tmp_path / "a" / "store.json", "1")
    second = _seed(tmp_path / "b" / "store.json", "2")
    assert first == second
