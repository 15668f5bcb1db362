"""Browser journey: two operators double-enter a precinct protocol (one mismatch shown, then
fixed), a protocol breaking a control relation is accepted with an explanation and stays flagged,
and the national result page shows the result and the rule that decided it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

FIGURES = {
    "voters": 1000, "received": 1000, "issued_premises": 700, "issued_outside": 20, "found": 715,
    "invalid": 15, "valid": 700, "votes_for": 600, "votes_against": 100, "unused": 280,
}


@pytest.fixture
def setup(transactional_db: Any, make_user: Any) -> dict[str, Any]:
    """A constitutional referendum with one precinct per region; every region but Atyrau already
    counted (imported), two Atyrau precincts left for the operators."""
    from kenes.nlp import tally
    from kenes.referendum import actions
    from kenes.referendum.models import Commission, Level

    referendum = actions.create_referendum(
        slug="ref-2026", title_kk="Республикалық референдум", title_ru="Республиканский референдум",
        title_en="Republican referendum", date=datetime.date(2026, 3, 15), territorial_rule=True,
        questions=[{"kk": "Жаңа Конституцияны қабылдайсыз ба?", "ru": "Принимаете ли вы новую Конституцию?",
                    "en": "Do you accept the new Constitution?"}],
    )
    rows = []
    for n, regional in enumerate(Commission.objects.filter(referendum=referendum, level=Level.REGIONAL), start=1):
        district = regional.children.order_by("code").first()
        assert district is not None
        precinct = actions.add_precinct(territorial=district, number=n, address=f"Address {n}", voters=1000)
        if regional.code != "atyrau":
            rows.append((n + 1, {"precinct": precinct.code, "question": "1", **{k: str(v) for k, v in FIGURES.items()}}))
    atyrau = Commission.objects.get(referendum=referendum, code="atyrau")
    district = atyrau.children.order_by("code").first()
    assert district is not None
    actions.add_precinct(territorial=district, number=101, address="Атырау, Абай к-сі 1", voters=1000)
    actions.add_precinct(territorial=district, number=102, address="Атырау, Сәтбаев к-сі 5", voters=1000)
    cec = make_user("cec", "operator", "")
    actions.add_member(commission=referendum.central(), user=cec)
    report = actions.import_protocols(operator=cec, referendum=referendum, rows=rows)
    assert report.created == 19 and not report.errors
    for name in ("aigerim", "bolat"):
        actions.add_member(commission=atyrau, user=make_user(name, "operator", "atyrau"))
    assert set(tally.FIELDS) == set(FIGURES)
    return {"referendum": referendum}


def fill(page: Any, figures: dict[str, int], explanation: str = "") -> None:
    for name, value in figures.items():
        page.fill(f"input[name={name}]", str(value))
    page.fill("textarea[name=explanation]", explanation)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def switch_user(page: Any, login: Any, username: str) -> None:
    page.context.clear_cookies()
    login(username)


def test_double_entry_flag_and_national_result(page: Any, login: Any, setup: dict[str, Any]) -> None:
    # Aigerim enters precinct 101 from her desk.
    login("aigerim")
    page.goto("/en/referendum/ref-2026/desk/")
    page.click("[data-testid=enter-101-1]")
    fill(page, FIGURES)
    assert "Awaiting second entry" in page.inner_text("[data-testid=protocol-status]")

    # Bolat types the list size wrong: the mismatch is shown line by line (one line).
    switch_user(page, login, "bolat")
    page.goto("/en/referendum/ref-2026/desk/101/1/")
    fill(page, {**FIGURES, "voters": 1100})
    assert "Entries differ" in page.inner_text("[data-testid=protocol-status]")
    rows = page.locator("[data-testid=mismatch] tbody tr")
    assert rows.count() == 1
    assert page.locator("[data-testid=mismatch-voters]").inner_text().split() [-2:] == ["1,000", "1,100"]

    # He corrects his entry: both entries match, the protocol is confirmed.
    fill(page, FIGURES)
    assert "Confirmed" in page.inner_text("[data-testid=protocol-status]")
    assert page.locator("[data-testid=mismatch]").count() == 0

    # Precinct 102 breaks "valid + invalid = found": refused without an explanation…
    page.goto("/en/referendum/ref-2026/desk/102/1/")
    broken = {**FIGURES, "invalid": 16}
    fill(page, broken)
    assert "explanation" in page.inner_text("[data-testid=form-errors]")
    # … accepted with one, by both operators, and stays flagged.
    fill(page, broken, "One torn ballot was counted both as valid and as invalid.")
    switch_user(page, login, "aigerim")
    page.goto("/en/referendum/ref-2026/desk/102/1/")
    fill(page, broken, "Torn ballot, see the commission's act.")
    assert "Confirmed" in page.inner_text("[data-testid=protocol-status]")
    assert page.locator("[data-testid=flagged]").is_visible()
    assert page.locator("[data-testid=violation-valid_invalid_eq_found]").inner_text().endswith("gap 1")

    # Anyone can read the national result: adopted, and which rule decided it, by what margin.
    page.context.clear_cookies()
    page.goto("/en/referendum/ref-2026/")
    verdict = page.inner_text("[data-testid=verdict]")
    assert "The decision is adopted" in verdict
    decided = page.inner_text("[data-testid=decided-by]")
    assert "two thirds of the regions" in decided
    assert "20 of 20 units adopted it; 14 needed." in decided
    assert page.inner_text("[data-testid=margin]") == "+6"
    assert "Boundaries: Alexander Rodionov, geokz, CC BY 4.0" in page.inner_text("[data-testid=map-attribution]")
    assert page.locator(".map path").count() == 20
    # The Atyrau region page shows both protocols and one flag.
    page.click(".map a[href*='/atyrau/']")
    page.wait_for_load_state()
    assert "Protocols counted: 2 of 3; flagged: 1." in page.inner_text("main")
