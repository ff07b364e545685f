"""Content checks for the bundled catalogue (catalog.yaml) against the two seed articles behind it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from catalog_helpers import (
    CATALOG_PATH,
    SECTIONS,
    SEED_FILES,
    by_id,
    by_name,
    by_title,
    catalog,
    paragraph_at,
    records,
    seed_text,
)

from catalog_tui.core.export_file import export_works
from catalog_tui.core.loader import load_catalog
from catalog_tui.core.model import (
    CAMPAIGN_KINDS,
    CHANNEL_KINDS,
    EN_SOURCES,
    EVENT_KINDS,
    ORGANISATION_KINDS,
    POLICY_KINDS,
    RECORD_TYPES,
    WORK_TYPES,
)

# The articles as the project received them; the catalogue ships its own copies (documents' `text`),
# which the checks read, so they run on a clean clone too.
SEEDS_DIR = CATALOG_PATH.resolve().parent.parent / "shared" / "seeds"

TOP_LEVEL_ORDER = ["documents", *SECTIONS]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
BOOK_TITLE = re.compile(r"《([^《》]+)》")
KIND_VOCABULARIES = {
    "campaigns": CAMPAIGN_KINDS,
    "channels": CHANNEL_KINDS,
    "policies": POLICY_KINDS,
    "events": EVENT_KINDS,
    "organisations": ORGANISATION_KINDS,
}
# 《…》 titles in the seeds that are neither a work nor a policy. Empty on purpose: every book-title in
# the two articles is catalogued; add an entry here (with a comment saying why) only if that stops being true.
TITLE_EXCLUSIONS: frozenset[str] = frozenset()


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
        assert doc["text"] == f"sources/{doc['file']}", "the article ships beside the catalogue"


def test_shipped_articles_are_the_seeds_unchanged() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")
    for name in SEED_FILES:
        assert seed_text(name) == (SEEDS_DIR / name).read_text(encoding="utf-8"), name


def test_pyproject_ships_the_articles_in_the_wheel() -> None:
    # The wheel holds the catalogue at catalog_tui/data/catalog.yaml, so the texts must sit beside it
    # exactly as sources/ sits beside the top-level catalog.yaml.
    pyproject = tomllib.loads((CATALOG_PATH.parent / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert wheel["catalog.yaml"] == "catalog_tui/data/catalog.yaml"
    assert wheel["sources"] == "catalog_tui/data/sources"
    assert "sources" in pyproject["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]


def test_documents_titles_are_verbatim() -> None:
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
    for section in SECTIONS:
        for record in records(section):
            assert record.get("en_source", "ours") in EN_SOURCES, f"{section}/{record['id']}"


def test_scalar_types() -> None:
    for work in records("works"):
        assert isinstance(work["title"], str) and isinstance(work["title_en"], str)
        for key in ("year", "edition"):
            if key in work:
                assert type(work[key]) is int, work["id"]
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
    texts = {name: seed_text(name) for name in SEED_FILES}
    missing = []
    for section in SECTIONS:
        for record in records(section):
            for source in [*record["sources"], *record.get("statements", [])]:
                assert source["doc"] in texts, f"{section}/{record['id']}: unknown seed {source['doc']!r}"
                quote = source["quote"]
                assert isinstance(quote, str) and quote.strip() and "\n" not in quote
                if quote not in texts[source["doc"]]:
                    missing.append(f"{section}/{record['id']}: {quote}")
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_every_book_title_is_catalogued() -> None:
    known = (
        {w["title"] for w in records("works")} | {p["name"] for p in records("policies")} | TITLE_EXCLUSIONS
    )
    missing = sorted({title for name in SEED_FILES for title in BOOK_TITLE.findall(seed_text(name))} - known)
    assert not missing, f"《…》 titles in the seeds that are neither a work nor a policy: {missing}"


def test_every_work_is_a_book_title_in_its_sources() -> None:
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


# ---------------------------------------------------------------------- relations, editions, English


def test_campaign_relations_resolve_and_are_stated() -> None:
    """Each `based_on` link is quoted: one passage names the base, then (以……为基础) the campaign."""
    campaigns = by_id("campaigns")
    for campaign in records("campaigns"):
        for base in campaign.get("based_on", []):
            assert base in campaigns and base != campaign["id"], campaign["id"]
            name, base_name = campaign["name"], campaigns[base]["name"]
            stating = [
                quote
                for quote in (source["quote"] for source in campaign["sources"])
                if base_name in quote
                and name in quote
                and "为基础" in quote
                and quote.index(base_name) < quote.rindex(name)
                and quote.index("为基础") < quote.rindex(name)
            ]
            assert stating, f"{campaign['id']}: no quote states that it builds on {base}"


def test_issuers_link_the_organisation_they_name() -> None:
    organisations = {organisation["name"]: organisation["id"] for organisation in records("organisations")}
    for section in ("campaigns", "policies"):
        for record in records(section):
            issuer = record.get("issuer", "")
            assert record.get("issued_by") == organisations.get(issuer), f"{section}/{record['id']}: {issuer}"
            assert not issuer or issuer in organisations, f"{section}/{record['id']}: {issuer} not catalogued"


def test_an_export_carries_the_issuer_and_the_plans_a_campaign_builds_on(tmp_path: Path) -> None:
    bundled = load_catalog(CATALOG_PATH)
    plus = by_name("campaigns", "“微短剧+”行动计划")
    target = tmp_path / "campaigns.yaml"
    export_works(bundled, [], target, section="campaigns")
    exported = load_catalog(target)  # every link resolves, or the loader refuses it
    assert exported.campaign(plus["id"]) == bundled.campaign(plus["id"])
    assert [o.id for o in exported.organisations] == sorted(
        {c.issued_by for c in bundled.campaigns if c.issued_by},
        key=[o.id for o in bundled.organisations].index,
    )


@pytest.mark.parametrize("section", ["policies", "people"])
def test_an_export_of_a_section_carries_what_it_links(section: str, tmp_path: Path) -> None:
    # People's statements link works, campaigns, channels and policies; policies their issuer.
    bundled = load_catalog(CATALOG_PATH)
    target = tmp_path / f"{section}.yaml"
    export_works(bundled, [], target, section=section)
    exported = load_catalog(target)  # every link resolves, or the loader refuses it
    assert getattr(exported, section) == getattr(bundled, section)


SIBLING_PLANS = (
    "跟着微短剧来学法",
    "跟着微短剧来科普",
    "跟着微短剧学经典",
    "微短剧里看品牌",
    "微短剧里看非遗",
)


def test_anchor_campaign_relations() -> None:
    # "以“跟着微短剧去旅行”创作计划为基础，并延展开来，相继推出[the five plans]等多项创作计划，
    # 并于2025年1月发布《关于实施“微短剧+”行动计划 赋能千行百业的通知》": the five extend the travel
    # plan, and “微短剧+” extends the travel plan and the five (its note gives the reading).
    travel = by_name("campaigns", "跟着微短剧去旅行")
    for name in SIBLING_PLANS:
        assert by_name("campaigns", name).get("based_on") == [travel["id"]], name
    plus = by_name("campaigns", "“微短剧+”行动计划")
    assert plus["based_on"] == [travel["id"], *(by_name("campaigns", name)["id"] for name in SIBLING_PLANS)]
    assert "延展开来" in plus["note"]
    assert "based_on" not in travel


YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def test_edition_years_match_the_digits_in_titles() -> None:
    for work in records("works"):
        years = YEAR_IN_TITLE.findall(work["title"])
        assert len(years) <= 1, work["id"]
        assert work.get("edition") == (int(years[0]) if years else None), work["id"]
        if years:
            assert "edition" in work["note"], f"{work['id']}: the note explains the edition"
    assert by_title("乘风2024")["edition"] == 2024 and "year" not in by_title("乘风2024")
    assert by_title("足迹·2023")["edition"] == 2023
    assert "edition" not in by_title("我和我爸的18岁") and "edition" not in by_title("宁波144小时")


# -------------------------------------------------------------------------------------------- figures

YEAR = re.compile(r"(?:19|20)\d\d")


def test_figures_say_what_is_measured_and_when() -> None:
    """A label and a unit always; a period where the text gives one, else a note saying it gives none.
    A year in the period is in a quoted passage's paragraph, or the note says where it comes from."""
    for figure in records("figures"):
        ident, note = figure["id"], figure.get("note", "")
        assert figure["label"] and figure["label_en"] and figure["unit"], ident
        period = figure.get("period", "")
        assert period or "未给" in note, f"{ident}: no period and no note that the text gives none"
        paragraphs = []
        for source in figure["sources"]:
            text = seed_text(source["doc"])
            start, end = paragraph_at(text, text.index(source["quote"]))
            paragraphs.append(text[start:end])
        for year in YEAR.findall(period):
            assert any(year in paragraph for paragraph in paragraphs) or year in note, f"{ident}: {year}"
