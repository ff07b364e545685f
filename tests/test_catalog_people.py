"""People, organisations and what people said, in the bundled catalogue, against the seed articles."""

from __future__ import annotations

import re
from typing import NamedTuple

from catalog_helpers import (
    SEED_FILES,
    all_seed_text,
    by_id,
    by_name,
    by_title,
    catalog,
    paragraph_at,
    records,
    seed_text,
)


class Named(NamedTuple):
    """A person as an article names them: the passage (verbatim) holds both name and role."""

    name: str
    role: str  # as the text words it; "" where it gives none
    doc: str
    passage: str


A000, A004 = SEED_FILES
# Everyone the two articles name, read off the articles by hand, each with the passage naming them.
# The 004 dispatch's "广电总局相关负责人" and the "不少业内人士" are unnamed: not person records.
NAMED_PEOPLE = (
    Named("王禹", "", A000, "□王禹"),  # the byline of the 000 commentary
    Named(
        "曹淑敏",
        "中央宣传部副部长、国家广播电视总局党组书记、局长",
        A000,
        "在2024年全国广播电视工作会议上，中央宣传部副部长、国家广播电视总局党组书记、局长曹淑敏掷地有声",
    ),
    Named(
        "冯胜勇",
        "国家广播电视总局网络视听节目管理司司长",
        A000,
        "国家广播电视总局网络视听节目管理司司长冯胜勇曾在接受采访时谈道",
    ),
    Named("周结", "中国网络视听协会副秘书长", A004, "中国网络视听协会副秘书长周结表示"),
    Named("马宏彬", "快手高级副总裁", A004, "快手高级副总裁马宏彬介绍"),
    Named("龚宇", "爱奇艺创始人、首席执行官", A004, "爱奇艺创始人、首席执行官龚宇认为，AI不"),
    Named("虞海侠", "中国传媒大学副教授", A004, "中国传媒大学副教授虞海侠说"),
    Named(
        "托尼·扎梅奇科夫斯基",
        "华特迪士尼公司亚太区流媒体业务高级副总裁及总经理",
        A004,
        "华特迪士尼公司亚太区流媒体业务高级副总裁及总经理托尼·扎梅奇科夫斯基从全球视角分享了对内容创作与文化传播的洞察",
    ),
    Named(
        "文肖萌", "成都创业公司“井鸽”的创始人", A004, "成都创业公司“井鸽”的创始人文肖萌分享了一个有趣的故事"
    ),
)
# People named only inside a work's title are its subject, not someone the articles speak of: not
# person records. Each must appear in the articles only within 《…》.
NAMED_ONLY_IN_TITLES = ("苏东坡", "毛泽东", "邓小平", "狄公")
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
# Words that attribute speech. Every one in the articles follows a catalogued person's name in its
# paragraph, or sits in one of these passages, whose speaker the articles do not name.
SPEECH = re.compile(r"说|表示|认为|介绍|谈道|笑言|透露|强调|称|分享|直言|指出")
UNNAMED_SPEAKERS = (
    "等文件，强调一方面",  # the two notices (policies) "emphasise"
    "不少业内人士直言",  # "quite a few insiders": nobody named
    "广电总局相关负责人表示",  # "a responsible official of the NRTA": not named
    "倡议书称",  # the proposal (a policy record) says
)
# Statements the text splits: the passage introducing the speaker ends its paragraph mid-sentence and
# the quote resumes a later paragraph ("龚宇认为，AI不" … "仅让视频内容更加丰富……").
SPLIT_STATEMENTS = {"龚宇": "龚宇认为，AI不"}
STATEMENT_REACH = 400  # characters between a speaker's name and what the text has them say


def test_every_person_the_articles_name_is_present() -> None:
    people = {person["name"]: person for person in records("people")}
    assert sorted(people) == sorted(named.name for named in NAMED_PEOPLE)
    for named in NAMED_PEOPLE:
        assert named.passage in seed_text(named.doc), f"{named.name}: passage not in {named.doc}"
        assert named.name in named.passage and named.role in named.passage, named.name
        person = people[named.name]
        assert person.get("role", "") == named.role, named.name
        assert {"doc": named.doc, "quote": named.passage} in person["sources"], f"{named.name}: source"


def test_people_named_only_in_titles_are_not_people() -> None:
    titles = "".join(re.findall(r"《[^《》]+》", all_seed_text()))
    outside = re.sub(r"《[^《》]+》", "", all_seed_text())
    people = {person["name"] for person in records("people")}
    for name in NAMED_ONLY_IN_TITLES:
        assert name in titles and name not in outside and name not in people, name


def test_every_speaker_in_the_articles_is_a_person_or_unnamed() -> None:
    names = [person["name"] for person in records("people")]
    unexplained = []
    for doc in SEED_FILES:
        text = seed_text(doc)
        unnamed = [
            (match.start(), match.end())
            for passage in UNNAMED_SPEAKERS
            for match in re.finditer(re.escape(passage), text)
        ]
        for hit in SPEECH.finditer(text):
            start, _ = paragraph_at(text, hit.start())
            if any(name in text[start : hit.start()] for name in names):
                continue
            if not any(a <= hit.start() < b for a, b in unnamed):
                unexplained.append(text[max(start, hit.start() - 20) : hit.end() + 10])
    assert not unexplained, f"speech with no catalogued speaker: {unexplained}"
    for passage in UNNAMED_SPEAKERS:
        assert passage in all_seed_text(), passage


def test_the_byline_author_is_a_person() -> None:
    people = {person["name"] for person in records("people")}
    for document in catalog()["documents"]:
        if not document["byline"].startswith("据"):  # 据新华社: an agency, not an author
            assert document["byline"].lstrip("□") in people, document["file"]


def test_statements_are_attributed_to_their_speaker() -> None:
    """Each statement is in its article after its speaker's name with no other person named between,
    or is a quotation (“…”) its speaker's name follows in the same paragraph; the byline author's are
    in their own article, in a paragraph that names no one else."""
    names = [person["name"] for person in records("people")]
    bylines = {doc["file"]: doc["byline"].lstrip("□") for doc in catalog()["documents"]}
    problems = []
    for person in records("people"):
        for statement in person.get("statements", []):
            text, quote = seed_text(statement["doc"]), statement["quote"]
            at = text.find(quote)
            assert at >= 0, f"{person['id']}: {quote}"
            before = [(text.rfind(name, 0, at), name) for name in names if text.rfind(name, 0, at) >= 0]
            where, last = max(before, default=(-1, ""))
            if bylines[statement["doc"]] == person["name"]:
                start, _ = paragraph_at(text, at)
                ok = where < start  # no one else is named in the paragraph it comes from
            elif person["name"] in SPLIT_STATEMENTS:
                intro = text.find(SPLIT_STATEMENTS[person["name"]])
                ok = 0 <= intro < at and text.startswith("\n", intro + len(SPLIT_STATEMENTS[person["name"]]))
                ok = ok and text[at - 1] == "\n"
            else:
                after = [(text.find(name, at), name) for name in names if text.find(name, at) >= 0]
                _, following = min(after, default=(-1, ""))
                quoted = text.startswith("”", at + len(quote)) and following == person["name"]
                quoted = quoted and text.find(person["name"], at) < paragraph_at(text, at)[1]
                ok = quoted or (last == person["name"] and at - where <= STATEMENT_REACH)
            if not ok:
                problems.append(f"{person['id']} (last named before it: {last or 'nobody'}): {quote}")
    assert not problems, "\n".join(problems)


def test_statements_name_the_works_they_are_about() -> None:
    """`about` lists every work a statement names, and only those, or a work it refers back to
    ("该剧") that its paragraph names before it."""
    works = by_id("works")
    for person in records("people"):
        for statement in person.get("statements", []):
            quote, about = statement["quote"], set(statement.get("about", []))
            named = {w for w, work in works.items() if f"《{work['title']}》" in quote}
            assert named <= about, f"{person['id']}: {quote} names {named - about}"
            text = seed_text(statement["doc"])
            at = text.find(quote)
            start, _ = paragraph_at(text, at)
            for work_id in about - named:
                title = f"《{works[work_id]['title']}》"
                assert title in text[start:at], f"{person['id']}: {work_id} is not in {quote}'s paragraph"
                assert "该剧" in quote, f"{person['id']}: {quote} does not refer back to {work_id}"


def test_statements_link_the_other_records_they_name() -> None:
    mention = {"campaigns": "{}", "channels": "{}", "policies": "《{}》"}
    for person in records("people"):
        for statement in person.get("statements", []):
            for section, form in mention.items():
                named = {r["id"] for r in records(section) if form.format(r["name"]) in statement["quote"]}
                linked = set(statement.get(section, []))
                assert linked == named, f"{person['id']}: {statement['quote']} names {section} {named}"
    (feng,) = [person for person in records("people") if person["name"] == "冯胜勇"]
    assert by_name("campaigns", "跟着微短剧去旅行")["id"] in feng["statements"][1]["campaigns"]
    assert by_name("policies", "网络微短剧内容审核细则")["id"] in feng["statements"][2]["policies"]


def test_opinions_are_statements_not_facts() -> None:
    said = [s["quote"] for person in records("people") for s in person.get("statements", [])]
    for work in records("works"):
        quoted = [fact for fact in work.get("facts", []) if any(fact in quote for quote in said)]
        assert not quoted, f"{work['id']}: facts that are someone's statement: {quoted}"
    about = {
        person["name"]: {
            work for statement in person.get("statements", []) for work in statement.get("about", [])
        }
        for person in records("people")
    }
    # 虞海侠's verdicts, and the two of the signed 000 commentary that once were facts.
    assert {by_title("家里家外")["id"], by_title("桃花烬")["id"]} <= about["虞海侠"]
    assert {by_title("家里家外")["id"], by_title("我的阿勒泰")["id"]} <= about["王禹"]
    for verdict in ("为微短剧精品创作打造了全新样本", "为散文改编提供了优秀范例"):
        assert any(verdict in quote for quote in said), verdict


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
