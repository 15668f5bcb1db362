"""kenes.nlp.text: normalisation, folding, transliteration, tokens, stems, search terms."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.nlp.text import (
    detect_script,
    fold,
    is_kazakh_latin,
    normalize,
    search_term_pairs,
    search_terms,
    stem,
    stem_kk,
    stopwords,
    to_cyrillic,
    tokenize,
)
from tests.conftest import shared_path

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff\u00ad"

# ---------------------------------------------------------------------------------------------
# normalize


def test_normalize_latin_lookalikes_inside_cyrillic_words() -> None:
    assert normalize("Бiз, Қазақстан халқы, жерiнде") == "Біз, Қазақстан халқы, жерінде"
    assert normalize("Кoнституция") == "Конституция"  # Latin o
    assert normalize("КAЗAКСТАН") == "КАЗАКСТАН"  # Latin A


def test_normalize_leaves_real_latin_words_alone() -> None:
    assert normalize("iPhone мен Windows") == "iPhone мен Windows"
    # a Cyrillic look-alike inside a Latin word goes to Latin
    assert normalize("Аrticle 8") == "Article 8"


def test_normalize_quotes_dashes_yo_spaces_invisible() -> None:
    text = "«Ёлка»\u00a0—  “тест”\u200b\n\t 40–44 ‘a’"
    assert normalize(text) == '"Елка" - "тест" 40-44 \'a\''


def test_normalize_nfc() -> None:
    decomposed = "и\u0306"  # й as и + combining breve
    assert normalize(decomposed) == "й"


def test_normalize_on_the_official_text() -> None:
    path = shared_path("data", "constitution", "constitution_2026_kk.md")
    text = path.read_text(encoding="utf-8")[:20000]
    out = normalize(text)
    # no Latin letter is left touching a Cyrillic one
    import re

    assert not re.search("[а-яәғқңөұүһі][a-z]|[a-z][а-яәғқңөұүһі]", out, re.IGNORECASE)
    assert normalize(out) == out


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_properties(text: str) -> None:
    out = normalize(text)
    assert normalize(out) == out
    assert unicodedata.is_normalized("NFC", out)
    assert not any(ch in out for ch in INVISIBLE)
    assert "  " not in out
    assert out == out.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Бiзaeopcxyнүқ «»—–\u200b\u0306\u0308ёЁ AKHMTBкі-")), max_size=60))
def test_normalize_idempotent_on_tricky_alphabet(text: str) -> None:
    out = normalize(text)
    assert normalize(out) == out
    assert unicodedata.is_normalized("NFC", out)


# ---------------------------------------------------------------------------------------------
# fold / to_cyrillic


@pytest.mark.parametrize(
    "variant",
    [
        "Қазақстан Республикасы",
        "Qazaqstan Respublikasy",  # 2021 / informal
        "казакстан республикасы",  # typed without Kazakh letters
        "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ!!!",
        "Qazaqstan  Respublıkasy",  # 2021 dotless ı
    ],
)
def test_fold_equal_across_scripts(variant: str) -> None:
    assert fold(variant) == fold("Қазақстан Республикасы")


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ädiletti memleket", "Әділетті мемлекет"),  # 2021
        ("Ádiletti memleket", "Әділетті мемлекет"),  # 2018 acute
        ("A'dilietti memleket", "Әділетті мемлекет"),  # 2017 apostrophe, with a typo: not equal
        ("Şekara men ğylym", "Шекара мен ғылым"),
        ("Shekara men ghylym", "Шекара мен ғылым"),  # informal digraphs
        ("Qūqyq pen bostandyq", "Құқық пен бостандық"),
        ("Zhalakyny koterinizder", "Жалақыны көтеріңіздер"),
        ("Mening oiym", "Менің ойым"),
        ("Konstitutsiya", "Конституция"),
        ("Ūlttyq bank", "Ұлттық банк"),
    ],
)
def test_fold_latin_kazakh(latin: str, cyrillic: str) -> None:
    if "dilietti" in latin:
        assert fold(latin) != fold(cyrillic)
    else:
        assert fold(latin) == fold(cyrillic)


def test_fold_removes_punctuation_and_case() -> None:
    assert fold("  Ст. 8, п.2 — «Закон»!  ") == "ст 8 п 2 закон"
    assert fold("8-бабына") == "8 бабына"
    assert fold("") == ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_properties(text: str) -> None:
    out = fold(text)
    assert out == out.strip()
    assert "  " not in out
    assert out == out.lower() or not out.isalpha()
    assert not any(ch in out for ch in "әғқңөұүһі")
    assert fold(out) == out


def test_to_cyrillic() -> None:
    assert to_cyrillic("Qazaqstan Respublikasy") == "Қазақстан Республикасы"
    assert to_cyrillic("Ädiletti Qazaqstan") == "Әділетті Қазақстан"
    assert to_cyrillic("Áiel jáne bala") == "Әйел және бала"
    assert to_cyrillic("aıtty") == "айтты"
    assert to_cyrillic("Шекара") == "Шекара"
    assert to_cyrillic("Qazaqstannyn' tili") == "Қазақстанның тілі"


def test_is_kazakh_latin() -> None:
    assert is_kazakh_latin("Qazaqstan")
    assert is_kazakh_latin("azamattardyn quqyqtary")
    assert not is_kazakh_latin("The constitution of the republic")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Қазақстан", "cyrl"),
        ("Qazaqstan", "latn"),
        ("Qazaqstan мен Қазақстан", "mixed"),
        ("Конституция iPhone", "mixed"),
        ("Конституцияның 8-бабы (PDF)", "cyrl"),
        ("12345 !!!", "cyrl"),
        ("", "cyrl"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


# ---------------------------------------------------------------------------------------------
# tokens, stems, stop words, search terms


def test_tokenize() -> None:
    assert tokenize("8-бапқа  өзгеріс, «Закон»!") == ["8-бапқа", "өзгеріс", "закон"]
    assert tokenize("қоғамдық-саяси өмір — 2026 ж.") == ["қоғамдық-саяси", "өмір", "2026", "ж"]
    assert tokenize("Бiз") == ["біз"]
    assert tokenize("") == []
    assert tokenize("--- ,,, ___") == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("конституциясының", "конституция"),
        ("құқықтарын", "құқық"),
        ("азаматтардың", "азамат"),
        ("мемлекеттің", "мемлекет"),
        ("балаларымыздың", "бала"),
        ("тармағында", "тармақ"),
        ("бабына", "бап"),
        ("кітабы", "кітап"),
        ("жерлерге", "жер"),
        ("облысында", "облыс"),
        ("қабылдауға", "қабылда"),
        ("алып", "ал"),
        ("үшін", "үшін"),  # protected word
        ("су", "су"),  # too short to touch
        ("кукыктарын", "кукык"),  # typed without Kazakh letters
    ],
)
def test_stem_kk(word: str, expected: str) -> None:
    assert stem_kk(word) == expected


def test_stem_kk_respects_vowel_harmony() -> None:
    # a back-vowel suffix is not stripped from a front-vowel stem and vice versa
    assert stem_kk("мектептар") == "мектептар"
    assert stem_kk("мектептер") == "мектеп"
    assert stem_kk("балалер") == "балалер"


def test_stem_other_languages() -> None:
    assert stem("правах", "ru") == "прав"
    assert stem("конституции", "ru") == "конституц"
    assert stem("rights", "en") == "right"
    assert stem("Сөз", "xx") == "Сөз"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")), max_size=30))
def test_stem_kk_never_grows_and_keeps_a_prefix(word: str) -> None:
    out = stem_kk(word)
    assert len(out) <= len(word)
    assert word.lower().startswith(out[:-1])


def test_stopwords() -> None:
    assert "және" in stopwords("kk")
    assert "и" in stopwords("ru")
    assert "the" in stopwords("en")
    assert stopwords("xx") == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("конституциясы", "конституцияның"),
        ("Конституцияның 8-бабы", "конституциясы 8 бап"),
        ("права", "правах"),
        ("конституция", "конституции"),
        ("азаматтардың құқықтары", "азаматтардын кукыктары"),
        ("азаматтардың құқықтары", "azamattardyn quqyqtary"),
        ("Qazaqstan Respublikasynyn Konstitutsiyasy", "Қазақстан Республикасының Конституциясы"),
        ("human rights", "Human Right"),
    ],
)
def test_search_terms_match_across_forms(a: str, b: str) -> None:
    assert search_terms(a) == search_terms(b)


def test_search_terms_drop_stop_words_and_keep_numbers() -> None:
    assert search_terms("және бұл үшін 8 бап") == ["8", "бап"]
    assert search_terms("и в на статья") == ["стат"]
    assert search_terms("the article of law") == ["артитсл", "лау"]
    assert search_terms("") == []


def test_search_terms_with_explicit_language() -> None:
    assert search_terms("правах человека", "ru") == ["прав", "человек"]
    assert search_terms("азаматтардың", "kk") == ["азамат"]
    assert search_terms("azamattardyn", "kk") == ["азамат"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_search_terms_never_raise(text: str) -> None:
    terms = search_terms(text)
    assert all(term and term == term.strip() for term in terms)


def test_search_term_pairs_keep_the_surface_word() -> None:
    assert search_term_pairs("Азаматтардың құқықтары және 8-бабы") == [
        ("азаматтардың", "азамат"),
        ("құқықтары", "кукык"),
        ("8", "8"),
        ("бабы", "бап"),
    ]


def test_oversized_and_hostile_input() -> None:
    big = ("Бiз Qazaqstan «халқы» \u200b— " * 40_000) + "x" * 100_000
    out = normalize(big)
    assert out.startswith('Біз Qazaqstan "халқы" - Біз')
    assert fold(big).startswith("биз казакстан халкы биз")
    assert len(tokenize(big)) == 120_001
    assert normalize("\x00\x01 a \ud7ff") == "\x00\x01 a \ud7ff"
    mixed_word = "аb" * 200_000  # one huge word alternating scripts
    assert len(normalize(mixed_word)) == 400_000


def test_normalize_stacked_combining_marks_stay_idempotent_and_linear() -> None:
    for text in ("Ё̈̆", "Ё" + "\u0308" * 5000, "е" + "\u0306" * 5000, ("а\u0306") * 5000):
        out = normalize(text)
        assert normalize(out) == out
        assert unicodedata.is_normalized("NFC", out)


def test_latin_schwa_inside_cyrillic_words_becomes_cyrillic() -> None:
    # The 1995 constitution writes "жəне" with the Latin schwa (U+0259).
    assert normalize("жəне Əділет") == "және Әділет"
    assert normalize("Azərbaycan") == "Azərbaycan"  # a Latin word keeps its schwa


# The fast paths must give exactly what the plain definitions give.
_SCRIPT_ALPHABET = st.text(alphabet=st.sampled_from([*"aZzAqäÀɏɐəƏЀӿԀԯ԰бЖ1 ,-\u0300\u200bİıΣ", "\ud800"]), max_size=60)


def _script_by_findall(text: str) -> str:
    import re

    cyr = len(re.findall("[\u0400-\u04ff\u0500-\u052f]", text))
    lat = len(re.findall("[A-Za-z\u00c0-\u024f\u0259]", text))
    if lat == 0:
        return "cyrl"
    if cyr == 0:
        return "latn"
    minority = min(cyr, lat)
    if minority >= 3 and minority >= 0.2 * (cyr + lat):
        return "mixed"
    return "cyrl" if cyr >= lat else "latn"


@settings(max_examples=300, deadline=None)
@given(st.one_of(_SCRIPT_ALPHABET, st.text(max_size=60)))
def test_detect_script_counts_like_findall(text: str) -> None:
    assert detect_script(text) == _script_by_findall(text)


def _pairs_by_tokens(text: str, lang: str | None) -> list[tuple[str, str]]:
    """`search_term_pairs` as defined: every token of the whole text, no per-chunk cache."""
    from kenes.nlp import text as t

    kazakh_latin = lang is None and t._HAS_LAT.search(text) is not None and t.is_kazakh_latin(text)
    return [(part, term) for token in t.tokenize(text) for part in token.split("-")
            if part and (term := t._term(part, lang, kazakh_latin))]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(list("абвқңәіİΣσς-_ .,\u00a0\u2028\u200b\u0308ёеQqşä'")), max_size=60),
                 st.text(max_size=60)),
       st.sampled_from([None, "kk", "ru", "en"]))
def test_search_term_pairs_by_chunk_equals_by_token(text: str, lang: str | None) -> None:
    assert search_term_pairs(text, lang) == _pairs_by_tokens(text, lang)
    assert search_term_pairs(text, lang) == _pairs_by_tokens(text, lang)  # from the cache
