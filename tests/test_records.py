"""core/records.py: which works a record concerns, which query words find it, which records it
links to, on the small fixture catalogue extended with people, an organisation and a figure."""

from __future__ import annotations

import pytest
from conftest import LAW, LAW_CAMPAIGN, SU_DONG_PO, TRAVEL, YONG_LE, catalog_data

from catalog_tui.core import records as records_module
from catalog_tui.core.index import SearchIndex
from catalog_tui.core.model import Catalog
from catalog_tui.core.records import Link, RecordBook, query_words
from catalog_tui.core.search import SearchEngine


def book() -> RecordBook:
    data = catalog_data()
    data["campaigns"][1]["based_on"] = [TRAVEL]
    data["organisations"] = [{"id": "nrta", "name": "国家广播电视总局", "kind": "government", "sources": []}]
    data["people"] = [
        {"id": "cao", "name": "曹淑敏", "role": "局长", "organisations": ["nrta"],
         "statements": [{"doc": "fixture_article.txt", "quote": "好", "about": [SU_DONG_PO]}], "sources": []},
    ]  # fmt: skip
    data["figures"] = [
        {"id": "heat", "label": "《你好，苏东坡》热度", "value": 1, "unit": "亿", "sources": []}
    ]
    return RecordBook(SearchIndex(Catalog.from_dict(data)))


def ids(rows: list) -> list[str]:
    return [record.id for record, _, _ in rows]


def test_every_record_is_listed_when_nothing_narrows_with_counts_zero_included() -> None:
    records = book()
    everything = records.index.universe
    rows = records.listed("campaigns", "", everything, everything=True)
    assert [(r.id, m, n) for r, m, n in rows] == [(TRAVEL, 2, 2), (LAW_CAMPAIGN, 1, 1)]
    assert len(records.listed("channels", "", everything, everything=True)) == 2
    assert len(records.listed("genres", "", everything, everything=True)) == 8  # every type, 0 included


def test_a_query_keeps_records_found_by_name_or_pinyin_or_by_matching_works() -> None:
    records = book()
    engine = SearchEngine(records.index)
    found = engine.search("sudongpo").found
    # By a work: the travel plan holds 你好，苏东坡; the person spoke about it; the figure names it.
    assert ids(records.listed("campaigns", "sudongpo", found, everything=False)) == [TRAVEL]
    assert ids(records.listed("people", "sudongpo", found, everything=False)) == ["cao"]
    assert ids(records.listed("figures", "sudongpo", found, everything=False)) == ["heat"]
    # By name, pinyin or initials, with no work matching.
    for query in ("学法", "xuefa", "gzwdjlxf"):
        assert ids(records.listed("campaigns", query, 0, everything=False)) == [LAW_CAMPAIGN], query
    assert ids(records.listed("people", "caoshumin", 0, everything=False)) == ["cao"]
    assert ids(records.listed("people", "局长", 0, everything=False)) == ["cao"]  # the role
    # Field terms and exclusions concern works: they never find a record by its name.
    assert query_words("type:micro-drama -学法 旅行") == ["旅行"]
    assert records.listed("campaigns", "-学法", 0, everything=False) == []


def test_works_of_people_organisations_and_figures() -> None:
    records = book()
    index = records.index
    su = 1 << index.ranks["title"][index.position_by_id[SU_DONG_PO]]
    for section, record_id in (("people", "cao"), ("organisations", "nrta"), ("figures", "heat")):
        record = records.find(section, record_id)
        assert record is not None and records.works(record) == su, record_id
    travel = records.find("campaigns", TRAVEL)
    assert travel is not None
    assert set(index.decode(records.works(travel))) == {
        index.position_by_id[w] for w in (SU_DONG_PO, YONG_LE)
    }
    law = records.find("campaigns", LAW_CAMPAIGN)
    assert law is not None and index.decode(records.works(law)) == [index.position_by_id[LAW]]


def test_links_say_what_the_data_states_both_ways() -> None:
    records = book()
    travel, law = records.find("campaigns", TRAVEL), records.find("campaigns", LAW_CAMPAIGN)
    person, organisation = records.find("people", "cao"), records.find("organisations", "nrta")
    assert travel and law and person and organisation
    assert Link("based_on", "campaign", TRAVEL) in records.links(law)
    assert Link("extended_by", "campaign", LAW_CAMPAIGN) in records.links(travel)
    assert Link("issuer", "organisation", "nrta") in records.links(travel)
    assert Link("works_at", "organisation", "nrta") in records.links(person)
    assert {Link("staff", "person", "cao"), Link("issued", "campaign", TRAVEL)} <= set(
        records.links(organisation)
    )


def test_pinyin_keys_are_read_when_first_needed_or_warmed_not_when_the_book_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading names as pinyin may import pypinyin (a tenth of a second): the browser's first frame
    makes the book, so the keys wait for the first search, or for warm() in a worker."""
    read: list[str] = []
    real = records_module.pinyin_keys
    monkeypatch.setattr(records_module, "pinyin_keys", lambda name: read.append(name) or real(name))
    records = book()
    assert read == []
    cao = records.find("people", "cao")
    assert cao is not None and records.matches_words(cao, ["caoshumin"])
    assert read == ["曹淑敏", ""]  # that record's names only
    records.warm()
    assert records.name_keys(cao)[1] == ("|cao|shu|min", "|cao|chu|min")  # 淑 read two ways
    assert len(read) == 2 * sum(len(r) for r in records.sections.values())  # every record, once
