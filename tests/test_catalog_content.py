"""Content checks for the bundled catalogue (catalog.yaml) against the two seed articles behind it."""

from __future__ import annotations

import re
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog_tui.core.model import (
    CAMPAIGN_KINDS,
    CHANNEL_KINDS,
    EVENT_KINDS,
    POLICY_KINDS,
    RECORD_TYPES,
    WORK_TYPES,
)

CATALOG_PATH = Path(__file__).parent.parent / "catalog.yaml"
SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEED_FILES = ("000_4e479cc6954f5e65.txt", "004_ced6b1b617eea4d8.txt")

SECTIONS = ("works", "campaigns", "channels", "policies", "events", "figures")
TOP_LEVEL_ORDER = ["documents", *SECTIONS]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BOOK_TITLE = re.compile(r"《([^《》]+)》")
KIND_VOCABULARIES = {
    "campaigns": CAMPAIGN_KINDS,
    "channels": CHANNEL_KINDS,
    "policies": POLICY_KINDS,
    "events": EVENT_KINDS,
}
# 《…》 titles in the seeds that are neither a work nor a policy. Empty on purpose: every book-title in
# the two articles is catalogued; add an entry here (with a comment saying why) only if that stops being true.
TITLE_EXCLUSIONS: frozenset[str] = frozenset()


@cache
def catalog() -> dict[str, Any]:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "catalog.yaml must be a mapping at the top level"
    return data


def seed_text(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def require_seeds() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")


def records(section: str) -> list[dict[str, Any]]:
    return catalog()[section] or []


def by_title(title: str) -> dict[str, Any]:
    matches = [work for work in records("works") if work["title"] == title]
    assert len(matches) == 1, f"expected exactly one work titled {title!r}, found {len(matches)}"
    return matches[0]


# ------------------------------------------------------------------------------------------- shape


def test_file_is_plain_utf8_yaml() -> None:
    raw = CATALOG_PATH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    text = raw.decode("utf-8")
    assert "\t" not in text, "no tabs"
    assert "\\u" not in text, "write Chinese directly, not as \\u escapes"
    assert text.lstrip().startswith("#"), "the file opens with a comment block"
    for event in yaml.parse(text):
        assert not isinstance(event, yaml.AliasEvent), "no aliases"
        assert getattr(event, "anchor", None) is None, "no anchors"


def test_top_level_sections_in_order() -> None:
    assert list(catalog()) == TOP_LEVEL_ORDER


def test_documents_name_the_seeds() -> None:
    docs = catalog()["documents"]
    assert [doc["file"] for doc in docs] == list(SEED_FILES)
    for doc in docs:
        assert doc["title"] and doc["title_en"] and doc["byline"]


def test_documents_titles_are_verbatim() -> None:
    require_seeds()
    for doc in catalog()["documents"]:
        assert doc["title"] in seed_text(doc["file"]), doc["file"]
        assert doc["byline"].lstrip("□") in seed_text(doc["file"]), doc["file"]


@pytest.mark.parametrize("section", SECTIONS)
def test_fields_are_known_and_in_model_order(section: str) -> None:
    declared = [spec.name for spec in fields(RECORD_TYPES[section])]
    for record in records(section):
        keys = list(record)
        unknown = [key for key in keys if key not in declared]
        assert not unknown, f"{section}/{record.get('id')}: unknown fields {unknown}"
        assert keys == sorted(keys, key=declared.index), f"{section}/{record['id']}: fields out of order"
        assert record.get("sources"), f"{section}/{record['id']}: no sources"


@pytest.mark.parametrize("section", SECTIONS)
def test_ids_are_unique_slugs(section: str) -> None:
    ids = [record["id"] for record in records(section)]
    assert len(ids) == len(set(ids)), f"duplicate ids in {section}"
    bad = [i for i in ids if not isinstance(i, str) or not SLUG.match(i)]
    assert not bad, f"{section}: ids that are not ASCII slugs: {bad}"


def test_work_references_exist() -> None:
    campaign_ids = {c["id"] for c in records("campaigns")}
    channel_ids = {c["id"] for c in records("channels")}
    for work in records("works"):
        assert set(work.get("campaigns", [])) <= campaign_ids, work["id"]
        assert set(work.get("channels", [])) <= channel_ids, work["id"]


def test_vocabularies() -> None:
    for work in records("works"):
        assert work["type"] in WORK_TYPES, f"{work['id']}: unknown type {work['type']!r}"
    for section, vocabulary in KIND_VOCABULARIES.items():
        for record in records(section):
            assert record["kind"] in vocabulary, f"{section}/{record['id']}: unknown kind {record['kind']!r}"


def test_scalar_types() -> None:
    for work in records("works"):
        assert isinstance(work["title"], str) and isinstance(work["title_en"], str)
        if "year" in work:
            assert type(work["year"]) is int, work["id"]
        for key in ("campaigns", "channels", "themes", "facts"):
            assert all(isinstance(item, str) for item in work.get(key, [])), work["id"]
    for section in ("campaigns", "policies", "events"):
        for record in records(section):
            if "date" in record:
                assert isinstance(record["date"], str), f"{section}/{record['id']}: date must be a string"
    for figure in records("figures"):
        assert type(figure["value"]) in (int, float), figure["id"]
        assert isinstance(figure["unit"], str) and figure["unit"], figure["id"]


# ------------------------------------------------------------------------------------- against seeds


def test_every_quote_is_verbatim() -> None:
    require_seeds()
    texts = {name: seed_text(name) for name in SEED_FILES}
    missing = []
    for section in SECTIONS:
        for record in records(section):
            for source in record["sources"]:
                assert source["doc"] in texts, f"{section}/{record['id']}: unknown seed {source['doc']!r}"
                quote = source["quote"]
                assert isinstance(quote, str) and quote.strip() and "\n" not in quote
                if quote not in texts[source["doc"]]:
                    missing.append(f"{section}/{record['id']}: {quote}")
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_every_book_title_is_catalogued() -> None:
    require_seeds()
    known = (
        {w["title"] for w in records("works")} | {p["name"] for p in records("policies")} | TITLE_EXCLUSIONS
    )
    missing = sorted({title for name in SEED_FILES for title in BOOK_TITLE.findall(seed_text(name))} - known)
    assert not missing, f"《…》 titles in the seeds that are neither a work nor a policy: {missing}"


def test_every_work_is_a_book_title_in_its_sources() -> None:
    require_seeds()
    for work in records("works"):
        mention = f"《{work['title']}》"
        assert any(mention in seed_text(s["doc"]) for s in work["sources"]), work["id"]
        assert any(mention in s["quote"] for s in work["sources"]), f"{work['id']}: no quote names the work"


# ------------------------------------------------------------------------------------------ anchors


def test_anchor_ni_hao_su_dong_po() -> None:
    work = by_title("你好，苏东坡")
    assert work["type"] == "micro-drama"
    travel = {c["id"] for c in records("campaigns") if c["name"] == "跟着微短剧去旅行"}
    assert travel and travel <= set(work.get("campaigns", []))


def test_anchor_jia_li_jia_wai() -> None:
    work = by_title("家里家外")
    assert work["year"] == 2025
    hongguo = {c["id"] for c in records("channels") if c["name"] == "红果"}
    assert hongguo and hongguo <= set(work.get("channels", []))
    assert {s["doc"] for s in work["sources"]} == set(SEED_FILES), "mentioned in both articles"


def test_anchor_wo_de_a_le_tai() -> None:
    work = by_title("我的阿勒泰")
    assert work["type"] == "web-drama"
    assert len(work["sources"]) >= 3, "three passages of the 000 article mention it"


def test_anchor_figures() -> None:
    values = {(f["value"], f["unit"]) for f in records("figures")}
    assert (1.15, "万亿元") in values
    assert (10.99, "亿人") in values


def test_anchor_counts() -> None:
    # One work per distinct 《…》 work title: 63 in the 000 article, 桃花烬 only in 004.
    assert len(records("works")) == 64
