"""kenes.nlp.articles: references to articles, with traps for numbers that are not articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kenes.nlp.articles import MAX_RANGE, ArticleRef, find_article_mentions, find_article_refs

LABELLED = Path(__file__).resolve().parent.parent / "data" / "labelled_proposals.jsonl"


def test_f1_on_labelled_set() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    tp = fp = fn = 0
    wrong = []
    for row in rows:
        got, gold = set(find_article_refs(row["text"])), set(row["articles"])
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
        if got != gold:
            wrong.append((row["id"], sorted(gold), sorted(got)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, wrong
    assert sum(bool(row["articles"]) for row in rows) >= 100


@pytest.mark.parametrize(
    ("text", "articles"),
    [
        # Kazakh
        ("8-бабына өзгеріс", [8]),
        ("6-баптың 3-тармағында", [6]),
        ("1-бап пен 2-бапты", [1, 2]),
        ("8 бап бойынша", [8]),
        ("40–44-баптар", [40, 41, 42, 43, 44]),
        ("12 және 13-баптарда", [12, 13]),
        ("64, 65, 66 және 67-баптар", [64, 65, 66, 67]),
        ("12-ші бапта", [12]),
        ("Бап 2: Астана", [2]),
        ("8-бабы мен 9-бабын", [8, 9]),
        ("6-баптын 3-тармагында", [6]),  # typed without Kazakh letters
        # Latin-script Kazakh
        ("8-bap manyzdy", [8]),
        ("Konstitutsiyanyń 8-babyna", [8]),
        ("40-42-baptardagy", [40, 41, 42]),
        # Russian
        ("статью 6", [6]),
        ("ст. 30", [30]),
        ("Ст.21", [21]),
        ("п. 2 ст. 8", [8]),
        ("статьи 40–44", [40, 41, 42, 43, 44]),
        ("в статьях 5 и 7", [5, 7]),
        ("пункт 3 статьи 26", [26]),
        ("Статьи с 50 по 55", [50, 51, 52, 53, 54, 55]),
        ("Статью 8 и статью 26", [8, 26]),
        ("в 6-й статье", [6]),
        ("Статьи 27, 28 и 29", [27, 28, 29]),
        # English
        ("Article 32", [32]),
        ("Articles 5 and 6", [5, 6]),
        ("art. 8", [8]),
        ("Articles 40 to 44", [40, 41, 42, 43, 44]),
        ("Paragraph 2 of Article 62", [62]),
        ("Article 62(3)", [62]),
    ],
)
def test_references(text: str, articles: list[int]) -> None:
    assert find_article_refs(text) == articles


@pytest.mark.parametrize(
    "text",
    [
        "2026 жылғы 15 наурыз",
        "15 наурызда референдум өтті",
        "Мен 1985 жылы тудым, 40 жыл бойы осында тұрамын",
        "Телефон: +7 701 555 12 34, 8 (777) 123-45-67",
        "Закон № 123-VII от 12 мая 2024 года",
        "Постановление № 45 от 01.02.2025",
        "Құрылтай депутаттарын 150-ден 120-ға азайту",
        "3 бала, 8 сағат, 120 000 теңге, 50%",
        "из 96 статей проекта",
        "Жобада 96 бап бар",
        "The draft has 96 articles",
        "участок № 412, 3-тармақ",
        "статья 1.5",
        "Article 1000",
        "статья 0",
    ],
)
def test_no_false_references(text: str) -> None:
    assert find_article_refs(text) == []


def test_list_stops_at_counts() -> None:
    assert find_article_refs("статья 32 и 5 человек") == [32]
    assert find_article_refs("Article 8 and 3 years") == [8]


def test_mentions_carry_paragraph_point_and_span() -> None:
    text = "Ұсыныс: 6-баптың 3-тармағында, п. 2 ст. 8 және Article 62(3); 5-баптың 2-тармақшасы"
    mentions = find_article_mentions(text)
    assert [(m.article, m.paragraph, m.point) for m in mentions] == [(6, 3, None), (8, 2, None), (62, 3, None), (5, None, 2)]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    assert isinstance(mentions[0], ArticleRef)


def test_spans_refer_to_the_original_text() -> None:
    text = "  статьи\u00a040\u201344 "
    (mention,) = find_article_mentions(text)
    assert text[mention.start : mention.end] == mention.text
    assert mention.articles == (40, 41, 42, 43, 44)


def test_ranges_are_capped() -> None:
    assert find_article_refs("статьи 1-999") == [1, 999]
    assert len(find_article_refs("статьи 1-200")) == MAX_RANGE
    assert find_article_refs("статьи 10-5") == [5, 10]


def test_hostile_input() -> None:
    text = ("статьи 1-199, " * 500) + "-бап " * 2000 + "1 и " * 2000 + "1, " * 2000
    refs = find_article_refs(text)
    assert refs == list(range(1, 200))
    assert find_article_refs("\x00\ufeff8\u200b-бап") == [8]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_stays_bounded(text: str) -> None:
    refs = find_article_refs(text)
    assert all(1 <= n <= 999 for n in refs)
    assert refs == sorted(set(refs))
    for mention in find_article_mentions(text):
        assert text[mention.start : mention.end] == mention.text
        assert len(mention.articles) <= MAX_RANGE + 1


NOT_ARTICLE_WORDS = ["жылы", "жылғы", "наурыз", "года", "лет", "человек", "тенге", "раз", "years", "people", "адам", "№", "тел.", "%", "мың"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(min_value=0, max_value=100_000).map(str),
            st.sampled_from(NOT_ARTICLE_WORDS),
            st.sampled_from([",", ".", "-", ":", "/", " "]),
        ),
        max_size=30,
    )
)
def test_plain_numbers_years_and_dates_are_never_articles(parts: list[str]) -> None:
    text = " ".join(parts)
    assume(text.strip())
    assert find_article_refs(text) == []


@pytest.mark.parametrize(
    ("text", "articles"),
    [
        ("Бірінші бап өте жақсы", [1]),
        ("оныншы бабында", [10]),
        ("первая статья", [1]),
        ("Статья пятая", [5]),
        ("в статье третьей", [3]),
        ("первую статью", [1]),
        ("Бірінші кезекте", []),
        ("в первую очередь", []),
        ("третья глава", []),
    ],
)
def test_ordinal_words(text: str, articles: list[int]) -> None:
    assert find_article_refs(text) == articles


# The cheap pre-checks (keyword-first scans, pieces every ordinal match contains, the same-length
# clean-up by substitution) must never change a result: compare with every pattern run unguarded.
_PIECES = st.lists(
    st.sampled_from([
        "бірінші", "ОНЫНШЫ", "алтыншы", "бап", "бабы", "bap", "bab", "первая", "ПЕРВУЮ", "седьмой", "статья",
        "статью", "статьей", "Статьи", "второй", "6-я", "5-ой", "7", "12", "40–44", "-", "—", "ст.", "ст", "п.",
        "пункт", "2", "и", "және", "\u1c83татья", "шы", "ші", "ья", "article", "Art.", "part", "с", "по", "ё",
        "\u00a0", "\u200b", " ", "\n", ",",
    ]),
    max_size=14,
).map("".join)


def _unguarded(text: str) -> list[tuple[object, ...]]:
    """`find_article_mentions` with every pre-check forced open (the same-length copy by translate)."""
    import re

    from kenes.nlp import articles

    always = re.compile("")
    saved = {name: getattr(articles, name) for name in (
        "_DIGIT", "_ORDINAL_HINT", "_HAS_KK_WORD", "_HAS_RU_WORD", "_HAS_EN_WORD", "_BEFORE_STATYA",
        "_KK_ORDINAL_BAP", "_STATYA_ORDINAL", "_NEEDS_SAME_LENGTH", "_same_length")}
    try:
        for name in saved:
            if name not in ("_NEEDS_SAME_LENGTH", "_same_length"):
                setattr(articles, name, always)
        articles._NEEDS_SAME_LENGTH = re.compile("(?s:.)")  # every character through the table
        articles._same_length = lambda match: match.group().translate(articles._SAME_LENGTH)
        refs = articles.find_article_mentions(text)
    finally:
        for name, value in saved.items():
            setattr(articles, name, value)
    return [(r.article, r.paragraph, r.point, r.start, r.end, r.text, r.articles) for r in refs]


@settings(max_examples=400, deadline=None)
@given(st.one_of(_PIECES, st.text(max_size=80)))
def test_pre_checks_change_nothing(text: str) -> None:
    got = [(r.article, r.paragraph, r.point, r.start, r.end, r.text, r.articles) for r in find_article_mentions(text)]
    assert got == _unguarded(text)


def test_pre_checks_change_nothing_on_ordinals() -> None:
    for text in ("бірінші бап", "Первая статья", "статья седьмая", "статьей второй", "6-я статья", "6-ой статьи",
                 "Сегізінші бабы", "ст. 5 — статья первая"):
        assert find_article_mentions(text), text
        assert [(r.start, r.end, r.articles) for r in find_article_mentions(text)] == \
            [(s, e, a) for _n, _p, _q, s, e, _t, a in _unguarded(text)]
