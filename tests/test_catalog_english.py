"""English names in the bundled catalogue: one per entity, and each says whose it is (`en_source`)."""

from __future__ import annotations

from collections import defaultdict

from catalog_helpers import SECTIONS, all_seed_text, by_id, by_title, records

from catalog_tui.core.model import EN_SOURCES

CHINESE_AND_ENGLISH = (("title", "title_en"), ("name", "name_en"), ("label", "label_en"))
QUOTE_MARKS = str.maketrans("", "", "\"“”'")
# Figures' labels describe a number rather than name something (label_en is always ours, the model
# has no en_source for it); every other section's English is a name.
NAMING_SECTIONS = tuple(section for section in SECTIONS if section != "figures")


def named_records(sections: tuple[str, ...] = SECTIONS) -> list[tuple[str, str, str]]:
    """(section/id, Chinese name, English name) of every record, whatever its section calls them."""
    out = []
    for section in sections:
        for record in records(section):
            for zh, en in CHINESE_AND_ENGLISH:
                if zh in record:
                    out.append((f"{section}/{record['id']}", record[zh], record.get(en, "")))
    return out


def english(name: str) -> str:
    return name.translate(QUOTE_MARKS).casefold()


def test_every_english_name_says_whose_it_is() -> None:
    for section in NAMING_SECTIONS:
        for record in records(section):
            en = record.get("title_en", record.get("name_en", ""))
            assert en, f"{section}/{record['id']}: no English name"
            assert record.get("en_source") in EN_SOURCES, f"{section}/{record['id']}: en_source not set"


def test_official_english_only_where_the_articles_give_it() -> None:
    seeds = all_seed_text()
    for section in NAMING_SECTIONS:
        for record in records(section):
            en = record.get("title_en", record.get("name_en", ""))
            if record["en_source"] == "official":  # the article writes the name so itself
                assert any(en in s["quote"] for s in record["sources"]), f"{section}/{record['id']}"
            else:  # ours: had the article written it, it would be official
                assert en not in seeds, f"{section}/{record['id']}: {en!r} is in the articles"
    assert by_id("channels")["bilibili"]["en_source"] == "official"
    assert by_title("家里家外")["en_source"] == "ours"


def test_one_english_name_per_entity() -> None:
    """A Chinese name has one English name in every record that carries it, and two different
    Chinese names never share an English one."""
    english_of: dict[str, set[str]] = defaultdict(set)
    chinese_of: dict[str, set[str]] = defaultdict(set)
    for _, zh, en in named_records(NAMING_SECTIONS):
        english_of[zh].add(en)
        chinese_of[english(en)].add(zh)
    assert not {zh: ens for zh, ens in english_of.items() if len(ens) > 1}
    assert not {en: zhs for en, zhs in chinese_of.items() if len(zhs) > 1}


def test_names_inside_other_names_are_translated_the_same() -> None:
    # A name that appears inside another record's name (《家里家外》 in a figure's label, a campaign in
    # the notice that launched it) is translated the same way there.
    problems = []
    for ident, zh, en in named_records(NAMING_SECTIONS):
        for other, other_zh, other_en in named_records():
            if other != ident and zh in other_zh and english(en) not in english(other_en):
                problems.append(f"{other}: {other_en!r} does not say {en!r} ({zh})")
    assert not problems, "\n".join(problems)
    title_en = by_title("家里家外")["title_en"]
    labels = [f["label_en"] for f in records("figures") if "《家里家外》" in f["label"]]
    assert len(labels) == 2 and all(title_en in label for label in labels), labels
