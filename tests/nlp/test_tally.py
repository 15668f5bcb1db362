"""The referendum arithmetic without a database: control relations, sums, count parsing and
the rules of Article 31."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kenes.nlp import tally
from tests.conftest import shared_path

GOOD = {
    "voters": 1000, "received": 1000, "issued_premises": 700, "issued_outside": 20, "found": 715,
    "invalid": 15, "valid": 700, "votes_for": 600, "votes_against": 100, "unused": 280,
}


def test_a_consistent_protocol_breaks_nothing() -> None:
    assert tally.check(GOOD) == []


@pytest.mark.parametrize(
    ("change", "code", "gap"),
    [
        ({"received": 710, "unused": 0}, "issued_le_received", 10),
        ({"unused": 279}, "issued_unused_eq_received", 1),
        ({"voters": 719}, "issued_le_voters", 1),
        ({"found": 721, "valid": 706, "votes_for": 606}, "found_le_issued", 1),
        ({"invalid": 16}, "valid_invalid_eq_found", 1),
        ({"votes_against": 98}, "for_against_eq_valid", 2),
    ],
)
def test_each_broken_relation_is_named_with_its_gap(change: dict[str, int], code: str, gap: int) -> None:
    violations = tally.check({**GOOD, **change})
    assert code in [v.code for v in violations]
    assert next(v for v in violations if v.code == code).gap == gap


def test_found_above_the_list_is_caught_even_without_issued_lines() -> None:
    figures = {"voters": 100, "found": 120, "invalid": 0, "votes_for": 120, "votes_against": 0}
    codes = [v.code for v in tally.check(figures)]
    assert codes == ["found_le_voters"]


def test_unknown_lines_skip_their_relations() -> None:
    assert tally.check({"votes_for": 5}) == []


def published_figures() -> dict[str, int]:
    """The national figures of 15 March 2026 as published (../shared/data/README.md)."""
    text = shared_path("data", "README.md").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", text)

    def number(pattern: str) -> int:
        match = re.search(pattern, text)
        assert match, pattern
        return int(match.group(1).replace(",", ""))

    return {
        "voters": number(r"([\d,]+) eligible"),
        "found": number(r"([\d,]+) took part"),
        "votes_for": number(r"([\d,]+) for \("),
        "votes_against": number(r"([\d,]+) against"),
        "invalid": number(r"([\d,]+) ballots invalid"),
    }


def test_published_national_figures_are_flagged_with_the_gap() -> None:
    figures = published_figures()
    violations = tally.check(figures)
    assert [v.code for v in violations] == ["valid_invalid_eq_found"]
    expected_gap = figures["found"] - figures["votes_for"] - figures["votes_against"] - figures["invalid"]
    assert violations[0].gap == expected_gap == 127_868
    # The README's own words: "about 128,000 ballots unaccounted for".
    assert round(violations[0].gap, -3) == 128_000


def test_published_figures_still_pass_both_majorities() -> None:
    outcome = tally.evaluate(published_figures(), tally.Rules())
    assert outcome.held and outcome.adopted
    assert outcome.decided_by == "adoption"
    assert outcome.decisive.margin == 7_954_667 - (9_127_192 // 2 + 1)


def test_validity_needs_strictly_more_than_half() -> None:
    half = tally.evaluate({"voters": 100, "found": 50, "votes_for": 50}, tally.Rules())
    assert not half.held and half.decided_by == "validity" and half.decisive.margin == -1
    above = tally.evaluate({"voters": 100, "found": 51, "votes_for": 26}, tally.Rules())
    assert above.held and above.adopted and above.decisive.margin == 0


def test_adoption_counts_against_those_who_took_part_not_valid_ballots() -> None:
    # 60 took part, 30 for, 20 against, 10 invalid: 30 is exactly half of 60 — not adopted.
    outcome = tally.evaluate({"voters": 100, "found": 60, "votes_for": 30, "votes_against": 20, "invalid": 10},
                             tally.Rules())
    assert outcome.held and not outcome.adopted
    assert outcome.decided_by == "adoption" and outcome.decisive.margin == -1


def test_configurable_thresholds() -> None:
    rules = tally.Rules(validity=Fraction(2, 3), adoption=Fraction(3, 5))
    outcome = tally.evaluate({"voters": 90, "found": 61, "votes_for": 37}, rules)
    assert outcome.held and outcome.adopted  # 61 > 60 and 37 > 36.6
    assert tally.evaluate({"voters": 90, "found": 60, "votes_for": 60}, rules).decided_by == "validity"


def _units(adopting: int, total: int = 20) -> dict[str, dict[str, int]]:
    return {f"u{i}": {"voters": 100, "found": 80, "votes_for": 60 if i < adopting else 30} for i in range(total)}


@pytest.mark.parametrize(("adopting", "adopted", "margin"), [(14, True, 0), (13, False, -1), (20, True, 6)])
def test_constitution_needs_two_thirds_of_the_twenty_units(adopting: int, adopted: bool, margin: int) -> None:
    rules = tally.Rules(territorial=True)
    units = _units(adopting)
    totals = tally.total(units.values())
    outcome = tally.evaluate(totals, rules, units, unit_count=20)
    assert outcome.adopted is adopted
    assert outcome.decided_by == "territorial"
    assert outcome.decisive.required == 14 and outcome.decisive.margin == margin
    assert len(outcome.units_adopted) == adopting


def test_units_without_figures_count_as_not_adopting() -> None:
    units = _units(14, total=14)
    outcome = tally.evaluate(tally.total(units.values()), tally.Rules(territorial=True), units, unit_count=20)
    assert outcome.adopted and outcome.decisive.margin == 0
    fewer = dict(list(units.items())[:13])
    assert not tally.evaluate(tally.total(fewer.values()), tally.Rules(territorial=True), fewer, unit_count=20).adopted


def test_nothing_counted_is_not_valid() -> None:
    outcome = tally.evaluate(tally.zero(), tally.Rules(territorial=True), {}, unit_count=20)
    assert not outcome.held and not outcome.adopted and outcome.decided_by == "validity"


def test_sums_differences_and_mismatches() -> None:
    other = {**GOOD, "votes_for": 601, "votes_against": 99}
    assert tally.mismatches(GOOD, other) == ["votes_for", "votes_against"]
    assert tally.difference(other, GOOD) == {**tally.zero(), "votes_for": 1, "votes_against": -1}
    assert tally.total([GOOD, other])["votes_for"] == 1201
    assert tally.total([{"voters": None}])["voters"] == 0


@pytest.mark.parametrize(("raw", "value"), [(12, 12), ("1 234", 1234), ("1\u00a0234", 1234), ("1,234", 1234),
                                            (7.0, 7), (" 0 ", 0)])
def test_parse_count_accepts_ordinary_spellings(raw: object, value: int) -> None:
    assert tally.parse_count(raw) == value


@pytest.mark.parametrize("raw", ["", None, "-5", -5, "12.5", 12.5, "abc", "١٢", "1e9", True, float("nan"),
                                 "=cmd|' /C calc'!A0", "9" * 40, 10**12, "<script>"])
def test_parse_count_rejects_the_rest(raw: object) -> None:
    with pytest.raises(tally.CountError):
        tally.parse_count(raw)


def test_parse_count_optional() -> None:
    assert tally.parse_count("", required=False) is None


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_count_raises_only_count_errors(raw: object) -> None:
    try:
        value = tally.parse_count(raw)
    except tally.CountError:
        return
    assert isinstance(value, int) and 0 <= value <= tally.MAX_COUNT


@given(st.dictionaries(st.sampled_from(tally.FIELDS), st.integers(min_value=0, max_value=10**7)))
def test_check_never_fails_and_gaps_are_positive(figures: dict[str, int]) -> None:
    for violation in tally.check(figures):
        assert violation.gap > 0
