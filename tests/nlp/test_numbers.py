"""Quantities with qualifier and unit (kenes.nlp.numbers): no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.nlp.numbers import find_quantities, parse_number


def facts(text: str) -> list[tuple[int | None, str, str | None, bool]]:
    return [(q.value, q.qualifier, q.unit, q.vague) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Оған облыстың 500-ге жуық тұрғыны қатысты.", (500, "approx", "participants")),
        ("200-ден аса Еріктілер қызмет атқарады.", (200, "more_than", "volunteers")),
        ("300-ден астам қоғамдық ұйым енді.", (300, "more_than", "organizations")),
        ("халық тарапынан 10 мыңнан астам ұсыныс түсті", (10000, "more_than", "proposals")),
        ("платформа арқылы мыңнан астам ұсыныс түсті", (1000, "more_than", "proposals")),
        ("бес жетекші саяси партиямен қатар", (5, "exact", "parties")),
        ("около 300 человек", (300, "approx", "participants")),
        ("более 50 предложений", (50, "more_than", "proposals")),
        ("свыше 150 участников", (150, "more_than", "participants")),
        ("около ста пятидесяти членов партии", (150, "approx", "members")),
        ("екі жүз елу адам жиналды", (250, "exact", "participants")),
        ("жүзге жуық ардагер", (100, "approx", "participants")),
        ("елуден астам қоғамдық бірлестік", (50, "more_than", "organizations")),
        ("695 іс-шарадан тұратын жоспар", (695, "exact", "events")),
        ("құрамы 349 азаматтан тұратын коалициялар", (349, "exact", "members")),
        ("более 3 тысяч человек", (3000, "more_than", "participants")),
        ("12 500 предложений", (12500, "exact", "proposals")),
        ("не менее 200 участников", (200, "more_than", "participants")),
        ("менее 40 человек", (40, "less_than", "participants")),
        ("400-ден астам партия мүшесі", (400, "more_than", "members")),
        ("три коалиции", (3, "exact", "coalitions")),
        ("более тысячи предложений", (1000, "more_than", "proposals")),
    ],
)
def test_quantities(text: str, expected: tuple[int, str, str]) -> None:
    assert facts(text) == [(*expected, False)]


@pytest.mark.parametrize("text", ["мыңдаған азаматтың мүддесі", "несколько сотен жителей", "тысячи человек",
                                  "бірнеше жүз адам"])
def test_vague_amounts_are_kept_without_a_value(text: str) -> None:
    (quantity,) = find_quantities(text)
    assert quantity.vague is True
    assert quantity.value is None
    assert quantity.unit == "participants"


@pytest.mark.parametrize("text", [
    "15 наурыздағы референдумға белсенді қатысу",  # a date, not 15 activists
    "Конституцияның 8-бабында адам құқықтары",  # an article
    "в статье 8 право граждан",
    "2026 жылы адамдар",
    "Бір үстел басына билік өкілдері жиналды",  # "бір" is an article here
    "Кездесу 3 сағатқа созылды",  # no unit from the vocabulary
])
def test_numbers_that_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_spans_point_into_the_text() -> None:
    text = "Форумға 2 мыңнан астам жас қатысты."
    (quantity,) = find_quantities(text)
    assert text[quantity.start:quantity.end] == quantity.text == "2 мыңнан астам жас"


def test_a_unit_is_not_taken_from_the_next_sentence() -> None:
    assert find_quantities("Оған екі жүз қатысты. Коалиция құрылды.") == []


@pytest.mark.parametrize(("text", "value"), [("он екі", 12), ("двести", 200), ("10 000", 10000), ("мың", 1000),
                                             ("абв", None), ("", None)])
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_and_spans_are_valid(text: str) -> None:
    for quantity in find_quantities(text):
        assert 0 <= quantity.start < quantity.end <= len(text)
        assert quantity.vague or (quantity.value is not None and quantity.value >= 0)


def test_oversized_input_is_handled() -> None:
    text = "более 50 предложений. " * 5000
    assert len(find_quantities(text)) == 5000
