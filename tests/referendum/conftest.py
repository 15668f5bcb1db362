"""Fixtures: a referendum on the Constitution with its commission tree, three precincts (two in
Atyrau, one in Kyzylorda) and operators attached to commissions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

GOOD = {
    "voters": 1000, "received": 1000, "issued_premises": 700, "issued_outside": 20, "found": 715,
    "invalid": 15, "valid": 700, "votes_for": 600, "votes_against": 100, "unused": 280,
}


@pytest.fixture
def good() -> dict[str, int]:
    return dict(GOOD)


@pytest.fixture
def referendum(db: Any) -> Any:
    from kenes.referendum.actions import create_referendum

    return create_referendum(
        slug="ref-2026", title_kk="Республикалық референдум", title_ru="Республиканский референдум",
        title_en="Republican referendum", date=datetime.date(2026, 3, 15), territorial_rule=True,
        questions=[{"kk": "Жаңа Конституцияны қабылдайсыз ба?", "ru": "Принимаете ли вы новую Конституцию?",
                    "en": "Do you accept the new Constitution?"}],
    )


@pytest.fixture
def question(referendum: Any) -> Any:
    return referendum.questions.get(number=1)


@pytest.fixture
def tree(referendum: Any, users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Precincts 101, 102 (Atyrau city) and 201 (Kyzylorda city); operators and a chair."""
    from kenes.referendum.actions import add_member, add_precinct
    from kenes.referendum.models import Commission, MemberRole

    atyrau_district = Commission.objects.get(referendum=referendum, code="231000000")
    kyzylorda_district = Commission.objects.get(referendum=referendum, code="431000000")
    atyrau = Commission.objects.get(referendum=referendum, code="atyrau")
    kyzylorda = Commission.objects.get(referendum=referendum, code="kyzylorda")
    p101 = add_precinct(territorial=atyrau_district, number=101, address="Атырау, Абай к-сі 1", voters=1000)
    p102 = add_precinct(territorial=atyrau_district, number=102, address="Атырау, Сәтбаев к-сі 5", voters=800)
    p201 = add_precinct(territorial=kyzylorda_district, number=201, address="Қызылорда, Әйтеке би 3", voters=900)
    operator_b = make_user("operator_b", "operator", "atyrau")
    chair = make_user("chair_atyrau", "operator", "atyrau")
    operator_other = make_user("operator_kyz", "operator", "kyzylorda")
    add_member(commission=atyrau, user=users["operator"])
    add_member(commission=atyrau_district, user=operator_b)
    add_member(commission=atyrau, user=chair, role=MemberRole.CHAIR)
    add_member(commission=kyzylorda, user=operator_other)
    return {
        "p101": p101, "p102": p102, "p201": p201, "atyrau": atyrau, "kyzylorda": kyzylorda,
        "atyrau_district": atyrau_district, "operator_a": users["operator"], "operator_b": operator_b,
        "chair": chair, "operator_other": operator_other,
    }


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """reverse() follows the active language; each test starts from Kazakh (unprefixed URLs)."""
    from django.utils import translation

    with translation.override("kk"):
        yield
