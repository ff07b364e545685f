"""pypinyin without its phrase dictionary (PYPINYIN_NO_PHRASES) reads every catalogue character
as it does with it, so the app may skip loading that dictionary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# With the phrase dictionary: pypinyin as it comes, asked directly for each character.
WITH_PHRASES = """
import json, sys
from pypinyin import Style, pinyin
chars = json.load(sys.stdin)
print(json.dumps({c: pinyin(c, style=Style.NORMAL, heteronym=True, errors="ignore", v_to_u=False)[0]
                  for c in chars}))
"""
# The app's own lookup, which sets PYPINYIN_NO_PHRASES before importing pypinyin.
THE_APP = """
import json, os, sys
from catalog_tui.core.text import _looked_up_readings
chars = json.load(sys.stdin)
readings = {c: list(_looked_up_readings(c)) for c in chars}
import pypinyin.constants
print(json.dumps({"no_phrases": os.environ.get("PYPINYIN_NO_PHRASES"),
                  "phrases_loaded": len(pypinyin.constants.PHRASES_DICT), "readings": readings}))
"""


def run(script: str, chars: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYPINYIN_NO_PHRASES"}
    result = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(chars), capture_output=True, text=True,
        cwd=PROJECT, env=env, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_every_catalogue_character_reads_the_same_without_phrases() -> None:
    text = (PROJECT / "catalog.yaml").read_text(encoding="utf-8")
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"})
    assert len(chars) > 500  # titles, names, summaries and passages
    with_phrases = run(WITH_PHRASES, chars)
    app = run(THE_APP, chars)
    assert app["no_phrases"] == "1" and app["phrases_loaded"] == 0
    expected = {
        c: list(dict.fromkeys(r.replace("ü", "v") for r in found)) or [c] for c, found in with_phrases.items()
    }
    assert app["readings"] == expected
