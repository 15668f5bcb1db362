"""The document structure parser and the word-level diff (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kenes.nlp.documents import (
    DocumentParseError,
    decode_document,
    parse_document,
    similarity,
    word_diff,
    word_set,
)
from tests.conftest import shared_path

pytestmark = pytest.mark.nodb


def labels(text: str) -> list[str]:
    return [a.label for a in parse_document(text).articles]


# --- heading styles ----------------------------------------------------------------------------


def test_kazakh_plain_headings() -> None:
    doc = parse_document("1-бап\n\nБірінші мәтін.\n\n2-бап\n\nЕкінші мәтін.\n")
    assert [a.number for a in doc.articles] == [1, 2]
    assert doc.articles[0].text == "Бірінші мәтін."
    assert doc.articles[1].text == "Екінші мәтін."


def test_russian_headings_with_titles() -> None:
    doc = parse_document("Статья 1. Общие положения\nТекст первой.\n\nСтатья 2: Язык\nТекст второй.")
    assert [(a.number, a.title) for a in doc.articles] == [(1, "Общие положения"), (2, "Язык")]
    assert doc.articles[0].text == "Текст первой."


def test_english_headings_and_uppercase() -> None:
    assert labels("ARTICLE 1\nOne.\nArticle 2 - Two\nTwo.\narticle 3\nThree.") == ["1", "2", "3"]


def test_markdown_headings_numbered_and_named() -> None:
    text = "# Law on councils\n\nPreamble text.\n\n## 1. Scope\n\nFirst.\n\n### 2\n\nSecond.\n\n## Статья 3 Цели\n\nThird."
    doc = parse_document(text)
    assert doc.title == "Law on councils"
    assert doc.preamble == "Preamble text."
    assert [(a.number, a.title) for a in doc.articles] == [(1, "Scope"), (2, ""), (3, "Цели")]


def test_bold_headings_and_anchors() -> None:
    text = '<a id="st1"></a>\n\n**1-бап**\n\nМәтін бір.\n\n<a id="st2"></a>\n\n**2-бап**\n\nМәтін екі.'
    assert labels(text) == ["1", "2"]


def test_anchor_without_heading_starts_article() -> None:
    doc = parse_document('<a id="st7"></a>\nText of seven.\n<a name="st8"></a>\nText of eight.')
    assert [(a.number, a.text) for a in doc.articles] == [(7, "Text of seven."), (8, "Text of eight.")]


def test_inserted_articles_have_sub_numbers() -> None:
    doc = parse_document("83-бап\nA.\n83-1-бап\nB.\nСтатья 94-2\nC.")
    assert [(a.number, a.sub_number, a.label) for a in doc.articles] == [(83, 0, "83"), (83, 1, "83-1"), (94, 2, "94-2")]


def test_reference_inside_text_is_not_a_heading() -> None:
    text = (
        "84-бап\n\n84-бап Қазақстан Республикасының 2007 жылғы Заңымен алып тасталды.\n\n"
        "Статья 5\nСтатья 5 настоящей Конституции применяется.\n3-1. Пункт.\n"
    )
    doc = parse_document(text)
    assert labels(text) == ["84", "5"]
    assert doc.articles[0].text.startswith("84-бап Қазақстан")
    assert "3-1. Пункт." in doc.articles[1].text


def test_numbered_paragraphs_are_text() -> None:
    doc = parse_document("Article 1\n1. First point.\n2. Second point.\n**Note** bold text.")
    assert len(doc.articles) == 1
    assert "2. Second point." in doc.articles[0].text
    assert "Note bold text." in doc.articles[0].text


# --- preamble, sections, front matter ----------------------------------------------------------


def test_preamble_and_plain_text_title() -> None:
    doc = parse_document("Закон о советах\nМы, народ,\n\nпринимаем этот закон.\n\nСтатья 1\nТекст.")
    assert doc.title == "Закон о советах"
    assert doc.preamble == "Мы, народ,\n\nпринимаем этот закон."


def test_sections_in_all_languages() -> None:
    text = (
        "І бөлім Жалпы ережелер\n1-бап\nA.\n"
        "2-бөлім\nАзамат\n\n2-бап\nB.\n"
        "РАЗДЕЛ II. Права\nСтатья 3\nC.\n"
        "ГЛАВА 3\nСтатья 4\nD.\n"
        "Section IV\n\nFinal provisions\n\nArticle 5\nE.\n"
        "## Заключительные положения\nСтатья 6\nF."
    )
    sections = [a.section for a in parse_document(text).articles]
    assert sections == [
        "I бөлім Жалпы ережелер",
        "2-бөлім Азамат",
        "РАЗДЕЛ II Права",
        "ГЛАВА 3",
        "Section IV Final provisions",
        "Заключительные положения",
    ]


def test_text_after_a_section_heading_never_joins_the_previous_article_title() -> None:
    doc = parse_document("Статья 1\nA.\nРаздел II\nПрава\n\nСтатья 2\nB.")
    assert doc.articles[0].text == "A."
    assert doc.articles[1].section == "Раздел II Права"


def test_front_matter() -> None:
    text = (
        "---\ntitle: 'Конституция'\nversion_date: 2026-03-15\ntype_codes:\n- КОНС\ncaused_by:\n  code: '1'\n---\n\n"
        "# КОНСТИТУЦИЯ\n\nПреамбула.\n\nСтатья 1\nТекст."
    )
    doc = parse_document(text)
    assert doc.title == "Конституция"
    assert doc.metadata["version_date"] == "2026-03-15"
    assert "code" not in doc.metadata
    assert doc.date is not None and doc.date.isoformat() == "2026-03-15"
    assert doc.preamble == "Преамбула."


def test_unclosed_front_matter_is_text_and_bad_dates_are_ignored() -> None:
    doc = parse_document("---\ndate: 2026-13-45\n\nСтатья 1\nТекст.")
    assert doc.date is None
    assert doc.articles[0].text == "Текст."


def test_latin_look_alikes_are_normalised() -> None:
    doc = parse_document("Бiз, халқы,\n\n1-бап\n\nМемлекеттiлiк және бостандық.")
    assert "i" not in doc.articles[0].text
    assert doc.articles[0].text == "Мемлекеттілік және бостандық."


def test_markdown_emphasis_and_blockquotes_are_removed() -> None:
    doc = parse_document("> *Ескерту. Күшіне енеді.*\n\nArticle 1\n**Bold** and *italic* and 2*3*4.")
    assert doc.preamble == "Ескерту. Күшіне енеді."
    assert doc.articles[0].text == "Bold and italic and 2*3*4."


# --- broken, hostile, oversized input ----------------------------------------------------------


def test_no_articles_is_a_clear_error() -> None:
    with pytest.raises(DocumentParseError, match="no articles found"):
        parse_document("Just some text.\n\nWith paragraphs but no headings.")
    with pytest.raises(DocumentParseError, match="no articles found"):
        parse_document("")


def test_duplicated_numbers_are_named_with_lines() -> None:
    with pytest.raises(DocumentParseError, match=r"duplicated article numbers: 2 \(lines 3 and 5\)"):
        parse_document("Статья 1\nA\nСтатья 2\nB\nСтатья 2\nC")


def test_article_number_out_of_range() -> None:
    with pytest.raises(DocumentParseError, match="out of range"):
        parse_document("Article 0\nZero.")
    with pytest.raises(DocumentParseError, match="line 1: article number 123456 is out of range"):
        parse_document("Article 123456\nHuge.")


def test_oversized_text() -> None:
    with pytest.raises(DocumentParseError, match="too large"):
        parse_document("Article 1\n" + "x" * 200, max_chars=100)
    with pytest.raises(DocumentParseError, match="too large"):
        decode_document(b"x" * 101, max_bytes=100)


def test_wrong_encoding_and_binary() -> None:
    with pytest.raises(DocumentParseError, match="not valid UTF-8"):
        decode_document("Статья 1\nТекст".encode("cp1251"))
    with pytest.raises(DocumentParseError, match="not text"):
        decode_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert decode_document("\ufeffСтатья 1".encode()) == "Статья 1"


def test_hostile_markup_is_kept_as_text() -> None:
    doc = parse_document('Article 1. <script>alert("x")</script>\n<img src=x onerror=alert(1)>\n' + "word " * 50_000)
    assert doc.articles[0].title == '<script>alert("x")</script>'
    assert doc.articles[0].text.startswith("<img src=x onerror=alert(1)>")


def test_long_title_lines_are_not_plain_headings() -> None:
    assert labels("Статья 1\nA\nСтатья 2. " + "очень " * 100 + "\nB") == ["1"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("1234567890-.:#*<>\"'=/ \n\tабпСтатьяArticleбөлімIVXІ_a id")) | st.characters(),
               max_size=400))
def test_parser_never_raises_anything_else(text: str) -> None:
    try:
        doc = parse_document(text)
    except DocumentParseError:
        return
    assert doc.articles
    keys = [a.key for a in doc.articles]
    assert len(keys) == len(set(keys))
    assert all(1 <= a.number <= 9999 for a in doc.articles)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=30, unique=True), st.text(max_size=50))
def test_generated_documents_round_trip(numbers: list[int], noise: str) -> None:
    body = "\n\n".join(f"{n}-бап\n\nМәтін {n}." for n in numbers)
    doc = parse_document(body)
    assert [a.number for a in doc.articles] == numbers
    assert [a.text for a in doc.articles] == [f"Мәтін {n}." for n in numbers]


# --- the shared constitution files ------------------------------------------------------------


def test_constitution_2026_kk_and_ru_align() -> None:
    kk = parse_document(decode_document(shared_path("data", "constitution", "constitution_2026_kk.md").read_bytes()))
    ru = parse_document(decode_document(shared_path("data", "constitution", "constitution_2026_ru.md").read_bytes()))
    assert [a.number for a in kk.articles] == list(range(1, 97))
    assert [a.key for a in kk.articles] == [a.key for a in ru.articles]
    assert kk.title == "Қазақстан Республикасының Конституциясы"
    assert kk.date is not None and kk.date.isoformat() == "2026-03-15"
    assert kk.preamble.splitlines()[-1].endswith("осы Конституцияны қабылдаймыз.")
    assert ru.preamble.splitlines()[-1].startswith("принимаем настоящую Конституцию")
    assert len(kk.sections) == len(ru.sections) == 11
    assert ru.articles[0].section == "Раздел I Основы конституционного строя"
    assert all(a.text for a in kk.articles + ru.articles)


def test_constitution_1995_plain_text() -> None:
    doc = parse_document(
        decode_document(shared_path("data", "constitution", "constitution_1995_kk_as_amended_2022.txt").read_bytes())
    )
    assert [a.label for a in doc.articles][-8:] == ["93", "94", "94-1", "94-2", "95", "96", "97", "98", "99"][-8:]
    assert "83-1" in [a.label for a in doc.articles]
    assert len(doc.articles) == 102
    assert doc.title == "Қазақстан Республикасының Конституциясы"
    assert doc.preamble.startswith("Біз, ортақ тарихи тағдыр")  # Latin "i" of the source is fixed
    assert doc.articles[0].section == "I бөлім Жалпы ережелер"


# --- word-level diff ---------------------------------------------------------------------------


def _rebuild(segments: list[tuple[str, str]]) -> tuple[str, str]:
    old = "".join(text for op, text in segments if op != "insert")
    new = "".join(text for op, text in segments if op != "delete")
    return old, new


def test_word_diff_marks_changed_words() -> None:
    segments = word_diff("Права граждан защищаются законом.", "Права человека защищаются Конституцией.")
    assert segments == [
        ("equal", "Права "),
        ("delete", "граждан "),
        ("insert", "человека "),
        ("equal", "защищаются "),
        ("delete", "законом"),
        ("insert", "Конституцией"),
        ("equal", "."),
    ]


def test_word_diff_identical_and_empty() -> None:
    assert word_diff("Same text.", "Same text.") == [("equal", "Same text.")]
    assert word_diff("", "") == []
    assert word_diff("", "New.") == [("insert", "New.")]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    assert _rebuild(word_diff(old, new)) == (old, new)


def test_word_diff_of_huge_texts_stays_bounded() -> None:
    old = "\n".join(f"paragraph {i} " + "word " * 30 for i in range(1000))
    new = old.replace("paragraph 500 ", "paragraph five hundred ")
    segments = word_diff(old, new)
    assert _rebuild(segments) == (old, new)
    assert any(op == "insert" and "five hundred" in text for op, text in segments)


def test_similarity() -> None:
    a = word_set("Права и свободы человека принадлежат каждому")
    b = word_set("свободы человека и права принадлежат каждому от рождения")
    assert similarity(a, a) == 1.0
    assert 0.5 < similarity(a, b) < 1.0
    assert similarity(a, word_set("совсем другой текст")) == 0.0
    assert similarity(frozenset(), frozenset()) == 1.0
