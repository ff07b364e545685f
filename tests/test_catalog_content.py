"""Content checks for the bundled catalogue (catalog.yaml) against the two seed articles behind it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

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

CATALOG_PATH = Path(__file__).parent.parent / "catalog.yaml"
# The articles as the project received them; the catalogue ships its own copies (documents' `text`),
# which the checks read, so they run on a clean clone too.
SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEED_FILES = ("000_4e479cc6954f5e65.txt", "004_ced6b1b617eea4d8.txt")

SECTIONS = ("works", "campaigns", "channels", "policies", "events", "figures", "people", "organisations")
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


@cache
def catalog() -> dict[str, Any]:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "catalog.yaml must be a mapping at the top level"
    return data


@cache
def seed_text(name: str) -> str:
    """An article's text, from the copy the catalogue ships (its document's `text`)."""
    (document,) = [doc for doc in catalog()["documents"] if doc["file"] == name]
    return (CATALOG_PATH.parent / document["text"]).read_text(encoding="utf-8")


def all_seed_text() -> str:
    return "\n".join(seed_text(name) for name in SEED_FILES)


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


# ------------------------------------------------------------------------- people and organisations

# Everyone the two articles name, read off the articles by hand (name -> role as the text gives it).
# 000: the byline 王禹 (no role given), 曹淑敏 at the 2024 work conference, 冯胜勇 interviewed.
# 004: 周结, 马宏彬, 龚宇, 虞海侠, 托尼·扎梅奇科夫斯基 and 文肖萌 at the 13th conference. The 004
# dispatch's "广电总局相关负责人" is unnamed and is not a person record.
NAMED_PEOPLE = {
    "王禹": "",
    "曹淑敏": "中央宣传部副部长、国家广播电视总局党组书记、局长",
    "冯胜勇": "国家广播电视总局网络视听节目管理司司长",
    "周结": "中国网络视听协会副秘书长",
    "马宏彬": "快手高级副总裁",
    "龚宇": "爱奇艺创始人、首席执行官",
    "虞海侠": "中国传媒大学副教授",
    "托尼·扎梅奇科夫斯基": "华特迪士尼公司亚太区流媒体业务高级副总裁及总经理",
    "文肖萌": "成都创业公司“井鸽”的创始人",
}
# Every organisation the articles name, and the section that holds it: platforms already catalogued
# as channels are linked there rather than copied (迪士尼 is the channel both 迪士尼 and 华特迪士尼公司
# name). Collective mentions (省级广电局, 行业头部平台及制作机构) name no single body.
NAMED_ORGANISATIONS = {
    "国家广播电视总局": "organisations",
    "中央宣传部": "organisations",
    "网络视听节目管理司": "organisations",
    "中国网络视听协会": "organisations",
    "中国网络视听节目服务协会微短剧工作委员会": "organisations",
    "中国传媒大学": "organisations",
    "井鸽": "organisations",
    "新华社": "organisations",
    "中央广播电视总台": "channels",
    "快手": "channels",
    "爱奇艺": "channels",
    "迪士尼": "channels",
}


def by_id(section: str) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in records(section)}


def test_every_person_the_articles_name_is_present() -> None:
    people = {person["name"]: person for person in records("people")}
    assert set(people) == set(NAMED_PEOPLE)
    for name, role in NAMED_PEOPLE.items():
        assert name in all_seed_text() and role in all_seed_text(), name
        assert people[name].get("role", "") == role, name
        quotes = [source["quote"] for source in people[name]["sources"]]
        assert any(name in quote and role in quote for quote in quotes), f"{name}: no quote names them"


def test_every_organisation_the_articles_name_is_present_once() -> None:
    for name, section in NAMED_ORGANISATIONS.items():
        assert name in all_seed_text(), name
        assert [r for r in records(section) if r["name"] == name], f"{name} not in {section}"
    channel_names = {channel["name"] for channel in records("channels")}
    copies = {org["name"] for org in records("organisations")} & channel_names
    assert not copies, f"organisations that duplicate a channel: {copies}"


def test_people_and_organisation_links_resolve() -> None:
    organisations, channels = by_id("organisations"), by_id("channels")
    for person in records("people"):
        assert set(person.get("organisations", [])) <= set(organisations), person["id"]
        assert set(person.get("channels", [])) <= set(channels), person["id"]
        linked = [organisations[i]["name"] for i in person.get("organisations", [])]
        linked += [channels[i]["name"] for i in person.get("channels", [])]
        # Each link is to a body the person's role names (华特迪士尼公司 is the channel 迪士尼).
        role = person.get("role", "").replace("华特迪士尼公司", "迪士尼")
        assert all(name in role for name in linked), person["id"]
        if "role" in person:
            assert linked, f"{person['id']}: a role with no organisation or channel"
    for organisation in records("organisations"):
        if "parent" in organisation:
            assert organisation["parent"] in organisations, organisation["id"]
            assert organisation["parent"] != organisation["id"], organisation["id"]


def test_statements_name_the_works_they_are_about() -> None:
    works = by_id("works")
    for person in records("people"):
        for statement in person.get("statements", []):
            named = {w for w, work in works.items() if f"《{work['title']}》" in statement["quote"]}
            assert set(statement.get("about", [])) == named, f"{person['id']}: {statement['quote']}"


def test_opinions_are_statements_not_facts() -> None:
    said = [s["quote"] for person in records("people") for s in person.get("statements", [])]
    for work in records("works"):
        quoted = [fact for fact in work.get("facts", []) if any(fact in quote for quote in said)]
        assert not quoted, f"{work['id']}: facts that are someone's statement: {quoted}"
    (yu,) = [person for person in records("people") if person["name"] == "虞海侠"]
    about = {work for statement in yu["statements"] for work in statement.get("about", [])}
    assert {by_title("家里家外")["id"], by_title("桃花烬")["id"]} <= about


# ---------------------------------------------------------------------- relations, editions, English


def test_campaign_relations_resolve_and_are_quoted() -> None:
    campaigns = by_id("campaigns")
    for campaign in records("campaigns"):
        for base in campaign.get("based_on", []):
            assert base in campaigns and base != campaign["id"], campaign["id"]
            both = [
                s["quote"]
                for s in campaign["sources"]
                if campaign["name"] in s["quote"] and campaigns[base]["name"] in s["quote"]
            ]
            assert both, f"{campaign['id']}: no quote states that it builds on {base}"


def test_anchor_campaign_relations() -> None:
    ids = {campaign["name"]: campaign["id"] for campaign in records("campaigns")}
    travel = ids["跟着微短剧去旅行"]
    built_on_travel = {c["name"] for c in records("campaigns") if travel in c.get("based_on", [])}
    assert built_on_travel == {
        "“微短剧+”行动计划",
        "跟着微短剧来学法",
        "跟着微短剧来科普",
        "跟着微短剧学经典",
        "微短剧里看品牌",
        "微短剧里看非遗",
    }


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


CHINESE_AND_ENGLISH = (("title", "title_en"), ("name", "name_en"), ("label", "label_en"))
QUOTE_MARKS = str.maketrans("", "", "\"“”'")


def named_records(sections: tuple[str, ...] = SECTIONS) -> list[tuple[str, str, str]]:
    """(id, Chinese name, English name) of every record, whatever its section calls them."""
    out = []
    for section in sections:
        for record in records(section):
            for zh, en in CHINESE_AND_ENGLISH:
                if zh in record:
                    out.append((f"{section}/{record['id']}", record[zh], record.get(en, "")))
    return out


def test_english_names_are_consistent() -> None:
    # A name that appears inside another record's name (《家里家外》 in a figure's label, a campaign in
    # the notice that launched it) is translated the same way there.
    # Figures' labels describe a number rather than name something, so they only contain names.
    proper_names = named_records(tuple(section for section in SECTIONS if section != "figures"))
    problems = []
    for ident, zh, en in proper_names:
        wanted = en.translate(QUOTE_MARKS).casefold()
        for other, other_zh, other_en in named_records():
            if other != ident and zh in other_zh and wanted not in other_en.translate(QUOTE_MARKS).casefold():
                problems.append(f"{other}: {other_en!r} does not say {en!r} ({zh})")
    assert not problems, "\n".join(problems)
    title_en = by_title("家里家外")["title_en"]
    labels = [f["label_en"] for f in records("figures") if "《家里家外》" in f["label"]]
    assert labels and all(title_en in label for label in labels), labels


def test_official_english_only_where_the_articles_give_it() -> None:
    for section in SECTIONS:
        for record in records(section):
            en = record.get("title_en", record.get("name_en", ""))
            zh = record.get("title", record.get("name", ""))
            official = record.get("en_source") == "official"
            if official:
                assert any(en in s["quote"] for s in record["sources"]), f"{section}/{record['id']}"
            # A name the article writes in Latin letters itself is its official English name.
            assert official or not en or en not in zh, f"{section}/{record['id']}"
    assert by_id("channels")["bilibili"]["en_source"] == "official"
