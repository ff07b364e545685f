"""Start-up (issue 11): what the browser's first frame does not need is not loaded before it.

numpy is for sets and orders at scale: a small store (the bundled catalogue) opens and searches
without it, in pure Python, and both paths give the same answers (each forced here). The records'
pinyin keys (pypinyin) are worked out after the first frame, not while it is composed.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from array import array
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tui_helpers import BUNDLED, ready, settle

from catalog_tui.app import CatalogApp
from catalog_tui.core import bits, postings
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.library import Library
from catalog_tui.core.model import Catalog
from catalog_tui.core.postings import loaded_postings
from catalog_tui.screens.help import HelpScreen
from catalog_tui.screens.main import MainScreen

ROOT = Path(__file__).resolve().parent.parent
# Loaded by the bundled catalogue's first frame in no case.
NOT_AT_FIRST_FRAME = ("numpy", "pypinyin")
QUERIES = ["", "qingming", "青春", "醒狮", "sudongpo", "a", "的", "year:2024", "-短剧", "qm", "中国"]


def _run(code: str, tmp_path: Path) -> Any:
    """The JSON the code prints last, run in a fresh interpreter with this checkout's catalog_tui."""
    env = {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "CATALOG_TUI_LANG": "en"}  # fmt: skip
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(run.stdout.splitlines()[-1])


@pytest.fixture
def bundled_store(tmp_path: Path) -> Path:
    """A store of the bundled catalogue, seeded (and so up to date) beforehand."""
    store = tmp_path / "store.json"
    Library.open(BUNDLED, store).close()
    return store


_FIRST_FRAME = """
import asyncio, json, sys
import textual.app
from catalog_tui.app import CatalogApp
from catalog_tui.core import text
from catalog_tui.core.records import RecordBook

events, seen, folded = [], {{}}, []
display, warm, entry = textual.app.App._display, RecordBook.warm, RecordBook._entry

def displaying(self, screen, renderable):
    display(self, screen, renderable)
    if renderable is not None and type(screen).__name__ == "MainScreen" and "frame" not in events:
        events.append("frame")
        seen["modules"] = sorted(sys.modules)
        seen["mounted"] = sorted(type(w).__name__ for w in screen.query("*"))
        seen["records folded"] = len(folded)
        seen["slot pattern compiled"] = text._slot.cache_info().currsize

def warming(self):
    events.append("warm")
    warm(self)

def folding(self, *args):
    folded.append(1)
    return entry(self, *args)

textual.app.App._display = displaying
RecordBook.warm = warming
RecordBook._entry = folding

async def main():
    app = CatalogApp(catalog_path={catalog!r}, db_path={store!r})
    async with app.run_test(size=(120, 36)) as pilot:
        while "warm" not in events:
            await pilot.pause()
        for worker in list(app.workers):
            await worker.wait()
        seen["events"] = events
        seen["records folded later"] = len(folded)
        seen["pypinyin after the warm"] = "pypinyin" in sys.modules
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_the_first_frame_loads_neither_numpy_nor_pypinyin_nor_folds_records(
    bundled_store: Path, tmp_path: Path
) -> None:
    seen = _run(_FIRST_FRAME.format(catalog=str(BUNDLED), store=str(bundled_store)), tmp_path)
    loaded = {name.partition(".")[0] for name in seen["modules"]}
    assert not loaded & set(NOT_AT_FIRST_FRAME)
    assert "WorksTable" in seen["mounted"]  # the list is in that frame
    # The records' texts and pinyin keys are worked out once the first frame is painted.
    assert seen["events"] == ["frame", "warm"]
    assert seen["records folded"] == 0 and seen["records folded later"] > 100
    assert seen["slot pattern compiled"] == 0  # a 10 ms regex, for pinyin keys
    # The readings of the records' names were saved with the index: pypinyin is not needed at all.
    assert seen["pypinyin after the warm"] is False


async def test_the_browser_is_the_apps_first_screen(bundled_store: Path) -> None:
    # Its first frame is the app's first: pushed over Textual's default screen from on_mount, it was
    # drawn during the app's start-up, not shown, and drawn again.
    app = CatalogApp(catalog_path=BUNDLED, db_path=str(bundled_store))
    async with app.run_test(size=(120, 36)) as pilot:
        assert len(app.screen_stack) == 1 and isinstance(app.screen, MainScreen)
        screen = await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack == [screen]
        await pilot.press("slash", *"qingming")
        await settle(pilot)
        assert screen.query_text == "qingming"


_OPEN_AND_SEARCH = """
import json, sys
from catalog_tui.core.library import Library
library = Library.open({catalog!r}, {store!r})
library.engine.warm()
found = {{f"{{query}} {{sort}} {{reverse}}": library.engine.search(query, sort=sort, reverse=reverse).positions
          for query in {queries!r} for sort in ("title", "year", "type") for reverse in (False, True)}}
library.close()
print(json.dumps({{"found": found, "numpy": "numpy" in sys.modules}}))
"""


def _searched(library: Library) -> dict[str, list[int]]:
    library.engine.warm()
    return {
        f"{query} {sort} {reverse}": library.engine.search(query, sort=sort, reverse=reverse).positions
        for query in QUERIES
        for sort in ("title", "year", "type")
        for reverse in (False, True)
    }


def test_a_small_store_opens_and_searches_without_numpy_as_with_it(
    bundled_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _OPEN_AND_SEARCH.format(catalog=str(BUNDLED), store=str(bundled_store), queries=QUERIES)
    without = _run(code, tmp_path)
    assert without["numpy"] is False
    monkeypatch.setattr(bits, "SMALL_SET", 0)  # every set and order through numpy
    monkeypatch.setattr(postings, "_CHECKED_IN_PYTHON", 0)
    library = Library.open(BUNDLED, bundled_store)
    try:
        assert not isinstance(library.index._orders["title"], array)  # the numpy path indeed
        with_numpy = _searched(library)
    finally:
        library.close()
    assert without["found"] == with_numpy
    assert any(len(found) > 1 for found in with_numpy.values())


# Both paths, each forced -----------------------------------------------------------------------


@pytest.fixture(params=["python", "numpy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "numpy":
        monkeypatch.setattr(bits, "SMALL_SET", 0)
        monkeypatch.setattr(postings, "_CHECKED_IN_PYTHON", 0)
    return str(request.param)


rank_sets = st.integers(min_value=0, max_value=300).flatmap(
    lambda size: st.tuples(st.just(size), st.sets(st.integers(0, size - 1)) if size else st.just(set()))
)


@pytest.mark.parametrize("force_numpy", [False, True])
@settings(max_examples=60, deadline=None)
@given(case=rank_sets, cuts=st.lists(st.integers(0, 300), max_size=4))
def test_a_set_of_several_arrays_is_their_union_on_both_paths(
    case: tuple[int, set[int]], cuts: list[int], force_numpy: bool
) -> None:
    size, ranks = case
    ordered = sorted(ranks)
    bounds = [0, *sorted(min(cut, len(ordered)) for cut in cuts), len(ordered)]
    parts = [array("i", ordered[a:b]) for a, b in pairwise(bounds)]
    with pytest.MonkeyPatch.context() as patch:
        if force_numpy:
            patch.setattr(bits, "SMALL_SET", 0)
        assert bits.from_arrays(parts, size) == sum(1 << r for r in ranks)
        assert bits.from_arrays([], size) == 0


@pytest.mark.parametrize("force_numpy", [False, True])
@settings(max_examples=60, deadline=None)
@given(case=rank_sets)
def test_sets_convert_alike_on_both_paths(case: tuple[int, set[int]], force_numpy: bool) -> None:
    size, ranks = case
    with pytest.MonkeyPatch.context() as patch:
        if force_numpy:
            patch.setattr(bits, "SMALL_SET", 0)
        found = bits.from_ranks(ranks, size)
        assert found == sum(1 << r for r in ranks)
        assert bits.ranks(found, size) == sorted(ranks)
        assert list(bits.flags(found, size)) == [1 if r in ranks else 0 for r in range(size)]
        items = [size * 10 + r for r in range(size)]
        assert bits.select(items, found) == [items[r] for r in sorted(ranks)]
        # select_array over a permutation and its ranks, given as array("i")s or numpy arrays.
        order = list(reversed(range(size)))
        ranks_of = [size - 1 - i for i in range(size)]
        expected = [p for p, r in zip(order, ranks_of, strict=True) if r in ranks]
        if force_numpy:
            import numpy as np

            as_arrays: tuple[Any, Any] = (np.array(order, np.int32), np.array(ranks_of, np.int32))
        else:
            as_arrays = (array("i", order), array("i", ranks_of))
        assert bits.select_array(as_arrays[0], found, as_arrays[1]) == expected
        assert bits.select_array(as_arrays[0], found) == [order[r] for r in sorted(ranks)]


def _packed(*ranks: int) -> str:
    return "i:" + base64.b64encode(array("i", ranks).tobytes()).decode()


def test_damaged_postings_are_refused_on_both_paths(path: str) -> None:
    # Each key's ends are in bounds (accepted at open); the whole key is checked when first read.
    saved = {"unordered": _packed(0, 3, 2, 4), "beyond": _packed(0, 12, 1), "good": _packed(0, 1)}
    problems: list[str] = []
    found = loaded_postings(saved, 10, on_damage=problems.append)
    assert found["good"] == array("i", [0, 1])
    assert found["unordered"] == 0 and found["beyond"] == 0
    assert problems == ["postings of 'unordered' out of order", "postings of 'beyond' beyond the works"]
    assert loaded_postings({"k": _packed(3, 1)}, 10, ordered=False)["k"] == array("i", [3, 1])
    with pytest.raises(ValueError, match="beyond the works"):
        loaded_postings({"k": _packed(3, -1)}, 10, ordered=False)["k"]


def test_orders_that_are_not_permutations_are_refused_on_both_paths(catalog: Catalog, path: str) -> None:
    index = SearchIndex(catalog)
    saved = json.loads(json.dumps(index.to_saved()))
    columns = {
        "id": [work.id for work in catalog.works],
        "hay": index.hay,
        "title_fold": index.title_fold,
        "title_en_fold": index.title_en_fold,
    }
    reopened = SearchIndex.from_saved(catalog, columns, saved)
    assert isinstance(reopened._orders["title"], array) == (path == "python")
    assert [reopened.decode(index.universe, sort) for sort in ("title", "year", "type")] == [
        index.decode(index.universe, sort) for sort in ("title", "year", "type")
    ]
    title = list(index.orders["title"])
    for broken in ([title[0], *title[:-1]], [len(title), *title[1:]], title[:-1]):
        saved["orders"]["title"] = base64.b64encode(array("i", broken).tobytes()).decode()
        with pytest.raises(ValueError, match="permutations"):
            SearchIndex.from_saved(catalog, columns, saved)
