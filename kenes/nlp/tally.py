"""Referendum arithmetic without Django: protocol control relations, sums and deltas, and the
rules of Article 31 of the Constitutional Law "On the republican referendum".

A protocol's figures are a mapping from the names in FIELDS to non-negative integers (or None
when a published summary does not carry a line). Derived lines:
  issued = issued_premises + issued_outside        (ballots issued to citizens)
  took part = found                                 (ballots found in the boxes)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

FIELDS: tuple[str, ...] = (
    "voters",            # citizens on the list
    "received",          # ballots received by the precinct commission
    "issued_premises",   # ballots issued in the premises
    "issued_outside",    # ballots issued outside the premises (mobile box)
    "found",             # ballots found in the boxes (citizens who took part)
    "invalid",           # ballots found invalid
    "valid",             # valid ballots
    "votes_for",         # votes for the question
    "votes_against",     # votes against the question
    "unused",            # unused and cancelled ballots
)

Figures = Mapping[str, int | None]

MAX_COUNT = 100_000_000  # more than the country's population: anything above is a typo


@dataclass(frozen=True)
class Control:
    code: str
    left: tuple[str, ...]
    relation: str  # "<=" or "="
    right: tuple[str, ...]
    text: str


# The relations a precinct protocol must satisfy (Article 30 and the election law's practice).
CONTROLS: tuple[Control, ...] = (
    Control("issued_le_received", ("issued_premises", "issued_outside"), "<=", ("received",),
            "ballots issued ≤ ballots received"),
    Control("issued_unused_eq_received", ("issued_premises", "issued_outside", "unused"), "=", ("received",),
            "ballots issued + unused = ballots received"),
    Control("issued_le_voters", ("issued_premises", "issued_outside"), "<=", ("voters",),
            "ballots issued ≤ citizens on the list"),
    Control("found_le_issued", ("found",), "<=", ("issued_premises", "issued_outside"),
            "ballots found in the boxes ≤ ballots issued"),
    Control("found_le_voters", ("found",), "<=", ("voters",),
            "ballots found in the boxes ≤ citizens on the list"),
    Control("valid_invalid_eq_found", ("valid", "invalid"), "=", ("found",),
            "valid + invalid = ballots found in the boxes"),
    Control("for_against_eq_valid", ("votes_for", "votes_against"), "=", ("valid",),
            "votes for + votes against = valid ballots"),
)
CONTROL_CODES: tuple[str, ...] = tuple(c.code for c in CONTROLS)


@dataclass(frozen=True)
class Violation:
    code: str
    relation: str
    left: int
    right: int
    text: str

    @property
    def gap(self) -> int:
        """How far the relation is off: |left − right| for "=", the excess left − right for "≤"."""
        return abs(self.left - self.right) if self.relation == "=" else self.left - self.right

    def as_dict(self) -> dict[str, int | str]:
        return {"code": self.code, "left": self.left, "right": self.right, "gap": self.gap}


def _term(figures: Figures, name: str, *, fallback_valid: bool) -> int | None:
    value = figures.get(name)
    if value is None and name == "valid" and fallback_valid:
        votes_for, votes_against = figures.get("votes_for"), figures.get("votes_against")
        if votes_for is not None and votes_against is not None:
            return votes_for + votes_against
    return value


def _side(figures: Figures, names: Sequence[str], *, fallback_valid: bool) -> int | None:
    total = 0
    for name in names:
        value = _term(figures, name, fallback_valid=fallback_valid)
        if value is None:
            return None
        total += value
    return total


def check(figures: Figures) -> list[Violation]:
    """Every control relation the figures break; relations with an unknown line are skipped.

    A summary without a "valid" line is checked with valid = for + against (that is what a
    published "for / against / invalid / took part" statement claims).
    """
    violations = []
    for control in CONTROLS:
        fallback = control.code != "for_against_eq_valid"
        left = _side(figures, control.left, fallback_valid=fallback)
        right = _side(figures, control.right, fallback_valid=fallback)
        if left is None or right is None:
            continue
        broken = left > right if control.relation == "<=" else left != right
        if broken:
            violations.append(Violation(control.code, control.relation, left, right, control.text))
    return violations


def issued(figures: Figures) -> int | None:
    premises, outside = figures.get("issued_premises"), figures.get("issued_outside")
    if premises is None and outside is None:
        return None
    return (premises or 0) + (outside or 0)


def zero() -> dict[str, int]:
    return dict.fromkeys(FIELDS, 0)


def as_counts(figures: Figures) -> dict[str, int]:
    """The figures with unknown lines as 0 (what a sum adds)."""
    return {name: int(figures.get(name) or 0) for name in FIELDS}


def difference(new: Figures, old: Figures) -> dict[str, int]:
    """new − old, line by line (unknown lines count 0)."""
    a, b = as_counts(new), as_counts(old)
    return {name: a[name] - b[name] for name in FIELDS}


def total(rows: Iterable[Figures]) -> dict[str, int]:
    result = zero()
    for row in rows:
        for name in FIELDS:
            result[name] += int(row.get(name) or 0)
    return result


def mismatches(first: Figures, second: Figures) -> list[str]:
    """The lines on which two entries of the same protocol differ, in protocol order."""
    return [name for name in FIELDS if first.get(name) != second.get(name)]


def percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return 100.0 * part / whole


# --- parsing one count (forms and imports) --------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\u00a0\u202f_',]")


class CountError(ValueError):
    pass


def parse_count(value: object, *, required: bool = True) -> int | None:
    """A non-negative integer from a cell: 1234, "1 234", "1,234", 1234.0. Anything else raises."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 9:
        number = int(value)
        if number > MAX_COUNT:
            raise CountError("too large")
        return number
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CountError("missing")
        return None
    if isinstance(value, bool):
        raise CountError("not a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise CountError("not a whole number")
        number = int(value)
    else:
        text = _SEPARATORS.sub("", str(value))
        if len(text) > 12 or not text.isascii() or not text.lstrip("-").isdigit():
            raise CountError("not a whole number")
        number = int(text)
    if number < 0:
        raise CountError("negative")
    if number > MAX_COUNT:
        raise CountError("too large")
    return number


# --- Article 31 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Article 31: valid when more than `validity` of eligible citizens took part; adopted when
    more than `adoption` of those who took part voted for; for the Constitution (`territorial`),
    also in at least `territorial_share` of the regions, cities of republican significance and
    the capital."""

    validity: Fraction = Fraction(1, 2)
    adoption: Fraction = Fraction(1, 2)
    territorial: bool = False
    territorial_share: Fraction = Fraction(2, 3)


@dataclass(frozen=True)
class RuleCheck:
    code: str            # "validity", "adoption", "territorial"
    value: int           # took part / votes for / units where adopted
    base: int            # eligible / took part / units in all
    threshold: Fraction
    required: int        # the smallest value that passes
    strict: bool         # "more than" (True) or "at least" (False)

    @property
    def passed(self) -> bool:
        return self.base > 0 and self.value >= self.required

    @property
    def margin(self) -> int:
        """Votes (or units) above the smallest passing value; negative when short."""
        return self.value - self.required

    @property
    def share(self) -> float | None:
        return percent(self.value, self.base)

    @property
    def margin_points(self) -> float | None:
        """Percentage points between the share and the threshold."""
        share = self.share
        return None if share is None else share - 100.0 * float(self.threshold)


def more_than(base: int, threshold: Fraction) -> int:
    """The smallest integer strictly above base × threshold."""
    return math.floor(base * threshold) + 1


def at_least(base: int, threshold: Fraction) -> int:
    return math.ceil(base * threshold)


@dataclass(frozen=True)
class Outcome:
    held: bool
    adopted: bool
    decided_by: str
    checks: tuple[RuleCheck, ...] = field(default_factory=tuple)
    units_adopted: tuple[str, ...] = ()

    @property
    def decisive(self) -> RuleCheck:
        return next(c for c in self.checks if c.code == self.decided_by)

    def check(self, code: str) -> RuleCheck | None:
        return next((c for c in self.checks if c.code == code), None)


def adopted_in(figures: Figures, rules: Rules) -> bool:
    """More than `rules.adoption` of those who took part in this unit voted for."""
    took_part = int(figures.get("found") or 0)
    return took_part > 0 and int(figures.get("votes_for") or 0) >= more_than(took_part, rules.adoption)


def evaluate(totals: Figures, rules: Rules, units: Mapping[str, Figures] | None = None,
             unit_count: int | None = None) -> Outcome:
    """Apply Article 31 to the totals (and, for the territorial rule, to each top-level unit).

    `units` maps each top-level unit to its figures; `unit_count` is how many units there are
    in all (units with no figures count as not adopting). The deciding rule is the first rule
    that fails, or, when all pass, the last rule applied.
    """
    eligible = int(totals.get("voters") or 0)
    took_part = int(totals.get("found") or 0)
    votes_for = int(totals.get("votes_for") or 0)
    checks = [
        RuleCheck("validity", took_part, eligible, rules.validity, more_than(eligible, rules.validity), True),
        RuleCheck("adoption", votes_for, took_part, rules.adoption, more_than(took_part, rules.adoption), True),
    ]
    adopting: tuple[str, ...] = ()
    if rules.territorial:
        units = units or {}
        count = unit_count if unit_count is not None else len(units)
        adopting = tuple(sorted(name for name, figures in units.items() if adopted_in(figures, rules)))
        checks.append(RuleCheck("territorial", len(adopting), count, rules.territorial_share,
                                at_least(count, rules.territorial_share), False))
    held = checks[0].passed
    adopted = all(c.passed for c in checks)
    failed = next((c for c in checks if not c.passed), None)
    decided_by = failed.code if failed else checks[-1].code
    return Outcome(held=held, adopted=adopted, decided_by=decided_by, checks=tuple(checks), units_adopted=adopting)
