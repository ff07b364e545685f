"""The benchmark's synthetic catalogues: valid, deterministic, searchable in pinyin (behaviour, not speed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from catalog_tui.core.index import SearchIndex
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.search import SearchEngine
from catalog_tui.core.text import pinyin_keys

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_catalogue_validates_and_is_deterministic(tmp_path: Path) -> None:
    generator = _generator()
    first, second, other = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    generator.write_catalog(first, 300, seed=7)
    generator.write_catalog(second, 300, seed=7)
    generator.write_catalog(other, 300, seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    catalog = load_catalog(first)
    assert len(catalog.works) == 300
    assert len({w.id for w in catalog.works}) == 300


def test_generated_titles_are_found_by_their_pinyin_initials(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    _generator().write_catalog(path, 200, seed=3)
    catalog = load_catalog(path)
    engine = SearchEngine(SearchIndex(catalog))
    for position, work in enumerate(catalog.works[:20]):
        (key, *_) = pinyin_keys(work.title)  # generated titles are real Chinese words
        initials = "".join(syllable[0] for syllable in key.strip("|").split("|"))
        assert position in engine.search(initials).positions, (work.title, initials)


def test_long_texts_give_every_work_richer_text(tmp_path: Path) -> None:
    generator = _generator()
    plain, long = tmp_path / "plain.yaml", tmp_path / "long.yaml"
    generator.write_catalog(plain, 200, seed=5)
    generator.write_catalog(long, 200, seed=5, long_texts=True)
    short_works, long_works = load_catalog(plain).works, load_catalog(long).works
    assert len(long_works) == 200 and long_works[0].title == short_works[0].title
    assert long.stat().st_size > 1.5 * plain.stat().st_size
    for work in long_works:
        assert generator.LONG_SUMMARY <= len(work.summary) < generator.LONG_SUMMARY + 25
        assert all(generator.LONG_QUOTE <= len(s.quote) < generator.LONG_QUOTE + 25 for s in work.sources)
        assert generator.LONG_NOTE <= len(work.note) < generator.LONG_NOTE + 25
