"""The source reader's core: articles split into paragraphs, passages located in them (verbatim and
despite whitespace or width differences), unreadable or missing articles, and citations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from catalog_tui.core import sources
from catalog_tui.core.citation import citation, heading, record_title, short_citation
from catalog_tui.core.loader import folder_of, load_catalog
from catalog_tui.core.model import RECORD_TYPES, Catalog, Document, Figure, Person, Source, Statement, Work
from catalog_tui.core.sources import SourceTexts, Span, locate, passages_of, split_paragraphs

PROJECT = Path(__file__).resolve().parent.parent
BUNDLED = PROJECT / "catalog.yaml"

ARTICLE = (
    "标题\n\n第一段：开播仅48小时，\n红果热度近4000万。\n\n　\n\n第二段 [b]不是标记[/b]，同比增长28.4%。\n"
)


def catalog_with(tmp_path: Path, text: str | None = ARTICLE, name: str = "a.txt") -> Catalog:
    if text is not None:
        (tmp_path / "texts").mkdir(exist_ok=True)
        (tmp_path / "texts" / name).write_text(text, encoding="utf-8")
    document = Document(file="a.txt", title="测试文章", byline="记者", text=f"texts/{name}")
    return Catalog(documents=[document])


# --- paragraphs and locating ----------------------------------------------------------------------


def test_paragraphs_are_the_runs_between_blank_lines() -> None:
    assert split_paragraphs(ARTICLE) == (
        "标题",
        "第一段：开播仅48小时，\n红果热度近4000万。",
        "第二段 [b]不是标记[/b]，同比增长28.4%。",
    )
    assert split_paragraphs("一\r\n\r\n二\r\r三") == ("一", "二", "三")
    assert split_paragraphs("") == ()


def test_a_verbatim_quote_is_found_with_its_paragraph_and_span() -> None:
    paragraphs = split_paragraphs(ARTICLE)
    span = locate(paragraphs, "同比增长28.4%")
    assert span == Span(2, paragraphs[2].index("同比"), paragraphs[2].index("。"))


def test_a_quote_broken_differently_or_half_width_is_still_found() -> None:
    paragraphs = split_paragraphs(ARTICLE)
    # The article breaks the line after the comma; the quote does not, and adds a space.
    span = locate(paragraphs, "48小时，红果 热度")
    assert span is not None and span.paragraph == 1
    assert paragraphs[1][span.start : span.end] == "48小时，\n红果热度"
    # A half-width comma and colon for the article's full-width ones.
    span = locate(paragraphs, "第一段:开播仅48小时,")
    assert span is not None and paragraphs[1][span.start : span.end] == "第一段：开播仅48小时，"


@pytest.mark.parametrize("quote", ["", "   ", "不在文中的话", "同比增长29%"])
def test_a_quote_not_in_the_article_is_not_found(quote: str) -> None:
    assert locate(split_paragraphs(ARTICLE), quote) is None


paragraph_text = st.text(alphabet="网络视听微短剧同比增长 28.4%，。《》[]\n", min_size=1, max_size=40).map(
    str.strip
)


@given(st.lists(paragraph_text.filter(bool), min_size=1, max_size=6), st.data())
def test_any_piece_of_any_paragraph_is_located(paragraphs: list[str], data: st.DataObject) -> None:
    article = tuple(paragraphs)
    number = data.draw(st.integers(0, len(article) - 1))
    paragraph = article[number]
    start = data.draw(st.integers(0, len(paragraph) - 1))
    end = data.draw(st.integers(start + 1, len(paragraph)))
    quote = paragraph[start:end]
    assume(quote.strip() == quote and quote)
    span = locate(article, quote)
    assert span is not None
    assert article[span.paragraph][span.start : span.end] == quote
    assert (span.paragraph, span.start) <= (number, start)  # the first occurrence


@given(st.text(alphabet="网络视听微短剧28.4%，。", min_size=2, max_size=30), st.data())
def test_whitespace_put_into_a_quote_does_not_lose_it(paragraph: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(1, len(paragraph) - 1))
    spaced = paragraph[:cut] + data.draw(st.sampled_from([" ", "\n", "　", " \n "])) + paragraph[cut:]
    assert locate((paragraph,), spaced) == Span(0, 0, len(paragraph))


# --- the bundled catalogue -----------------------------------------------------------------------


def test_every_passage_of_every_bundled_record_is_located_verbatim() -> None:
    catalog = load_catalog(BUNDLED)
    texts = SourceTexts(catalog, folder_of(str(BUNDLED)))
    located = 0
    for section in RECORD_TYPES:
        for record in getattr(catalog, section):
            assert passages_of(record), f"{section}/{record.id} has no passage"
            for reading in texts.readings(record):
                assert not reading.problem, f"{section}/{record.id}: {reading.passage.quote}"
                assert reading.span is not None
                found = reading.paragraphs[reading.span.paragraph][reading.span.start : reading.span.end]
                assert found == reading.passage.quote
                located += 1
    statements = sum(len(person.statements) for person in catalog.people)
    sourced = sum(len(r.sources) for s in RECORD_TYPES for r in getattr(catalog, s))
    assert located == sourced + statements > 200


# --- articles that cannot be read ----------------------------------------------------------------


def test_a_passage_is_read_in_its_article(tmp_path: Path) -> None:
    texts = SourceTexts(catalog_with(tmp_path), tmp_path)
    reading = texts.reading(Source("a.txt", "同比增长28.4%"))
    assert reading.problem == "" and reading.document is not None
    assert reading.span is not None and reading.span.paragraph == 2
    assert reading.paragraphs == split_paragraphs(ARTICLE)


def test_missing_documents_texts_and_quotes_are_told_apart(tmp_path: Path) -> None:
    catalog = catalog_with(tmp_path)
    texts = SourceTexts(catalog, tmp_path)
    assert texts.reading(Source("other.txt", "x")).problem == sources.NO_DOCUMENT
    assert texts.reading(Source("a.txt", "没有这句话")).problem == sources.NOT_FOUND
    assert texts.reading(Source("a.txt", "没有这句话")).paragraphs  # the article still shows
    # A catalogue read from a pipe has no folder to look in.
    assert SourceTexts(catalog, None).reading(Source("a.txt", "标题")).problem == sources.NO_TEXT
    # A document without a text file (as in the test fixture's catalogue).
    bare = Catalog(documents=[Document(file="a.txt", title="t")])
    assert SourceTexts(bare, tmp_path).reading(Source("a.txt", "标题")).problem == sources.NO_TEXT


def test_a_missing_or_outside_text_is_unreadable_or_never_looked_for(tmp_path: Path) -> None:
    gone = SourceTexts(catalog_with(tmp_path, None), tmp_path)
    assert gone.reading(Source("a.txt", "标题")).problem == sources.UNREADABLE
    (tmp_path / "secret.txt").write_text("标题", encoding="utf-8")
    for outside in ("../secret.txt", str(tmp_path / "secret.txt")):
        catalog = Catalog(documents=[Document(file="a.txt", title="t", text=outside)])
        texts = SourceTexts(catalog, tmp_path / "inner")
        assert texts.reading(Source("a.txt", "标题")).problem == sources.NO_TEXT


def test_a_folder_or_a_huge_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "texts" / "dir.txt").mkdir(parents=True)
    texts = SourceTexts(catalog_with(tmp_path, None, "dir.txt"), tmp_path)
    assert texts.reading(Source("a.txt", "标题")).problem == sources.UNREADABLE
    monkeypatch.setattr(sources, "MAX_ARTICLE_BYTES", 10)
    texts = SourceTexts(catalog_with(tmp_path), tmp_path)
    assert texts.reading(Source("a.txt", "标题")).problem == sources.UNREADABLE


def test_an_article_is_read_again_only_when_its_file_changed(tmp_path: Path) -> None:
    texts = SourceTexts(catalog_with(tmp_path), tmp_path)
    document = texts.documents["a.txt"]
    first = texts.paragraphs(document)
    assert texts.paragraphs(document) is first
    path = tmp_path / "texts" / "a.txt"
    path.write_text("新的一段。\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert texts.paragraphs(document) == ("新的一段。",)


def test_undecodable_bytes_do_not_stop_the_reader(tmp_path: Path) -> None:
    catalog = catalog_with(tmp_path)
    (tmp_path / "texts" / "a.txt").write_bytes(b"\xef\xbb\xbf\xff\xfe\xe6\xa0\x87\xe9\xa2\x98")
    reading = SourceTexts(catalog, tmp_path).reading(Source("a.txt", "标题"))
    assert reading.span is not None and reading.paragraphs[0].endswith("标题")


# --- citations ------------------------------------------------------------------------------------

DOCUMENTS = {"a.txt": Document(file="a.txt", title="测试文章", byline="记者", text="texts/a.txt")}


def test_a_work_is_cited_with_its_article_byline_and_passage() -> None:
    work = Work(id="ni-hao", title="你好，苏东坡", title_en="Hello, Su Dongpo",
                sources=(Source("a.txt", "《你好，苏东坡》"), Source("b.txt", "苏东坡")))  # fmt: skip
    assert citation(work, DOCUMENTS) == (
        "你好，苏东坡 (Hello, Su Dongpo) · works/ni-hao\n"
        "记者《测试文章》(a.txt)\n"
        "“《你好，苏东坡》”\n"
        "(b.txt)\n"
        "“苏东坡”"
    )
    only_second = citation(work, DOCUMENTS, work.sources[1:])
    assert only_second == "你好，苏东坡 (Hello, Su Dongpo) · works/ni-hao\n(b.txt)\n“苏东坡”"
    assert short_citation(work) == "ni-hao — 你好，苏东坡"


def test_a_figure_is_cited_with_its_value_and_a_person_with_what_they_said() -> None:
    figure = Figure(id="f", label="人均单日使用时长", label_en="Daily time", value=129, unit="分钟",
                    period="2025", sources=(Source("a.txt", "129分钟"),))  # fmt: skip
    assert heading(figure) == "人均单日使用时长 (Daily time): 129分钟 (2025) · figures/f"
    person = Person(id="p", name="王禹", sources=(Source("a.txt", "□王禹"),),
                    statements=(Statement("a.txt", "说的话"),))  # fmt: skip
    assert citation(person, DOCUMENTS).splitlines()[1:] == [
        "记者《测试文章》(a.txt)",
        "“□王禹”",
        "记者《测试文章》(a.txt)",
        "“说的话”",
    ]
    assert record_title(Work(id="untitled")) == "untitled"
