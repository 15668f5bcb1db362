"""Setting up a referendum, double entry, resolution, corrections with history, incremental
tallies against a full recount, turnout reports and summary protocols."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kenes.nlp import tally
from kenes.referendum import actions
from kenes.referendum.models import Commission, EventKind, Level, Protocol, ProtocolEvent, Status, Tally
from tests.nlp.test_tally import published_figures

pytestmark = pytest.mark.django_db


def tally_of(commission: Commission, question: Any) -> Tally:
    return Tally.objects.get(commission=commission, question=question)


def test_create_referendum_builds_the_commission_tree(referendum: Any) -> None:
    commissions = Commission.objects.filter(referendum=referendum)
    assert commissions.filter(level=Level.CENTRAL).count() == 1
    assert commissions.filter(level=Level.REGIONAL).count() == 20
    assert commissions.filter(level=Level.TERRITORIAL).count() == 224
    almaty = commissions.get(code="almaty")
    assert almaty.children.count() == 8  # the eight districts of Almaty city
    assert Tally.objects.filter(question__referendum=referendum).count() == 245
    assert referendum.rules().territorial is True


def test_two_matching_entries_confirm_and_add_up(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    p = actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    assert p.status == Status.AWAITING
    assert tally_of(tree["atyrau"], question).votes_for == 0
    p = actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question, figures=good)
    assert p.status == Status.CONFIRMED and p.votes_for == 600 and not p.is_flagged
    for level in (tree["atyrau_district"], tree["atyrau"], tree["atyrau"].parent):
        t = tally_of(level, question)
        assert (t.protocols, t.votes_for, t.found, t.voters) == (1, 600, 715, 1000)
    assert tally_of(tree["kyzylorda"], question).protocols == 0
    kinds = list(ProtocolEvent.objects.filter(protocol=p).values_list("kind", flat=True))
    assert kinds == [EventKind.ENTRY, EventKind.ENTRY, EventKind.CONFIRM]


def test_the_same_operator_twice_does_not_confirm(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    p = actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    assert p.status == Status.AWAITING
    assert p.entries.filter(is_active=True).count() == 1


def test_mismatch_is_shown_line_by_line_then_fixed(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    typo = {**good, "votes_for": 610, "votes_against": 90}
    p = actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question, figures=typo)
    assert p.status == Status.MISMATCH
    first, second = actions.active_entries(p)
    assert tally.mismatches(first.figures, second.figures) == ["votes_for", "votes_against"]
    assert tally_of(tree["atyrau"], question).protocols == 0
    p = actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question, figures=good)
    assert p.status == Status.CONFIRMED
    assert tally_of(tree["atyrau"], question).votes_for == 600


def test_broken_control_needs_an_explanation_and_stays_flagged(tree: dict[str, Any], question: Any,
                                                               good: dict[str, int]) -> None:
    broken = {**good, "invalid": 16}
    with pytest.raises(ValidationError) as error:
        actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=broken)
    assert error.value.code == "needs_explanation"
    assert not Protocol.objects.exists()
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=broken,
                         explanation="One ballot was torn and counted twice by the commission.")
    p = actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question, figures=broken,
                             explanation="Torn ballot.")
    assert p.status == Status.CONFIRMED and p.is_flagged
    assert p.violations == [{"code": "valid_invalid_eq_found", "left": 716, "right": 715, "gap": 1}]
    assert "torn" in p.explanation.lower()
    assert tally_of(tree["atyrau"], question).flagged == 1


def test_hostile_figures_are_rejected_without_losing_anything(tree: dict[str, Any], question: Any,
                                                              good: dict[str, int]) -> None:
    for bad in ({**good, "found": -1}, {**good, "found": "7 0 0 x"}, {**good, "found": 10**12},
                {k: v for k, v in good.items() if k != "found"}):
        with pytest.raises(ValidationError) as error:
            actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=bad)
        assert "found" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question,
                             figures={**good, "invalid": 16}, explanation="x" * 5000)
    assert not Protocol.objects.exists()


@pytest.mark.parametrize("who", ["operator_other", "citizen", "coordinator", "analyst", "admin"])
def test_only_operators_of_the_commission_may_enter(tree: dict[str, Any], users: dict[str, Any], question: Any,
                                                    good: dict[str, int], who: str) -> None:
    user = tree.get(who) or users[who]
    with pytest.raises(PermissionDenied):
        actions.submit_entry(operator=user, precinct=tree["p101"], question=question, figures=good)
    with pytest.raises(PermissionDenied):
        actions.report_turnout(operator=user, precinct=tree["p101"], hour=10, voted=5)


def test_membership_requires_an_operator_of_that_region(tree: dict[str, Any], users: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        actions.add_member(commission=tree["atyrau"], user=users["citizen"])
    with pytest.raises(ValidationError):
        actions.add_member(commission=tree["atyrau"], user=tree["operator_other"])


def test_chair_resolves_a_mismatch(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    actions.submit_entry(operator=tree["operator_a"], precinct=tree["p101"], question=question, figures=good)
    p = actions.submit_entry(operator=tree["operator_b"], precinct=tree["p101"], question=question,
                             figures={**good, "unused": 281, "received": 1001})
    with pytest.raises(PermissionDenied):
        actions.resolve_protocol(chair=tree["operator_a"], protocol=p, figures=good, reason="paper copy")
    with pytest.raises(ValidationError):
        actions.resolve_protocol(chair=tree["chair"], protocol=p, figures=good, reason="  ")
    p = actions.resolve_protocol(chair=tree["chair"], protocol=p, figures=good, reason="Checked against the paper copy")
    assert p.status == Status.CONFIRMED
    event = ProtocolEvent.objects.get(protocol=p, kind=EventKind.RESOLVE)
    assert event.user == tree["chair"] and event.reason == "Checked against the paper copy"
    assert tally_of(tree["atyrau"], question).received == 1000


def confirm(tree: dict[str, Any], precinct: Commission, question: Any, figures: dict[str, int]) -> Protocol:
    """Two matching entries by two operators of the precinct's region."""
    from kenes.accounts.models import User

    if precinct.region == "atyrau":
        first, second = tree["operator_a"], tree["operator_b"]
    else:
        first = tree["operator_other"]
        second = User.objects.create_user("operator_kyz2", role="operator", region="kyzylorda")
        actions.add_member(commission=tree["kyzylorda"], user=second)
    actions.submit_entry(operator=first, precinct=precinct, question=question, figures=figures)
    return actions.submit_entry(operator=second, precinct=precinct, question=question, figures=figures)


def test_correction_keeps_history_and_moves_tallies_by_the_delta(tree: dict[str, Any], question: Any,
                                                                good: dict[str, int]) -> None:
    confirm(tree, tree["p101"], question, good)
    confirm(tree, tree["p102"], question, {**good, "voters": 800})
    confirm(tree, tree["p201"], question, good)
    central = tree["atyrau"].parent
    assert tally_of(central, question).votes_for == 1800
    p = Protocol.objects.get(commission=tree["p101"], question=question)
    with pytest.raises(ValidationError):
        actions.correct_protocol(operator=tree["operator_a"], protocol=p, figures=good, reason="")
    with pytest.raises(PermissionDenied):
        actions.correct_protocol(operator=tree["operator_other"], protocol=p, figures=good, reason="mine")
    fixed = {**good, "votes_for": 590, "votes_against": 110}
    actions.correct_protocol(operator=tree["operator_a"], protocol=p, figures=fixed, reason="Recount on 16 March")
    assert tally_of(central, question).votes_for == 1790
    assert tally_of(tree["atyrau"], question).votes_against == 210
    assert tally_of(tree["kyzylorda"], question).votes_for == 600
    event = ProtocolEvent.objects.get(protocol=p, kind=EventKind.CORRECT)
    assert event.before["votes_for"] == 600 and event.after["votes_for"] == 590
    assert event.user == tree["operator_a"] and event.reason == "Recount on 16 March"
    assert event.changed() == [("votes_for", 600, 590), ("votes_against", 100, 110)]
    # The incremental tallies equal a full recount.
    assert actions.recount(tree["atyrau"].referendum).differences == []


def test_recount_repairs_a_damaged_tally(tree: dict[str, Any], question: Any, good: dict[str, int]) -> None:
    confirm(tree, tree["p101"], question, good)
    Tally.objects.filter(commission=tree["atyrau"], question=question).update(votes_for=1)
    report = actions.recount(tree["atyrau"].referendum)
    assert report.differences == [("atyrau", 1, "votes_for", 1, 600)]
    assert tally_of(tree["atyrau"], question).votes_for == 600
    assert actions.recount(tree["atyrau"].referendum).differences == []


def test_turnout_reports_are_checked_and_aggregated(tree: dict[str, Any]) -> None:
    from kenes.referendum.results import turnout_by_hour

    op = tree["operator_a"]
    actions.report_turnout(operator=op, precinct=tree["p101"], hour=10, voted=100)
    actions.report_turnout(operator=op, precinct=tree["p101"], hour=12, voted=250)
    actions.report_turnout(operator=op, precinct=tree["p102"], hour=10, voted=60)
    with pytest.raises(ValidationError):
        actions.report_turnout(operator=op, precinct=tree["p101"], hour=14, voted=200)  # fewer than at 12:00
    with pytest.raises(ValidationError):
        actions.report_turnout(operator=op, precinct=tree["p101"], hour=10, voted=300)  # more than at 12:00
    with pytest.raises(ValidationError):
        actions.report_turnout(operator=op, precinct=tree["p101"], hour=14, voted=1001)  # above the list
    with pytest.raises(ValidationError):
        actions.report_turnout(operator=op, precinct=tree["p101"], hour=11, voted=10)  # not a fixed hour
    hours = {h["hour"]: h for h in turnout_by_hour(tree["atyrau"])}
    assert hours[10]["voted"] == 160 and hours[10]["voters"] == 1800 and hours[10]["precincts"] == 2
    assert hours[12]["voted"] == 250 and hours[12]["percent"] == pytest.approx(25.0)
    assert hours[14]["voted"] is None
    assert turnout_by_hour(tree["kyzylorda"])[0]["voted"] is None


def test_published_national_figures_entered_as_the_central_protocol_are_flagged(
        referendum: Any, question: Any, make_user: Any) -> None:
    central = referendum.central()
    cec = make_user("cec_operator", "operator", "")
    actions.add_member(commission=central, user=cec, role="chair")
    figures = published_figures()
    with pytest.raises(ValidationError):
        actions.enter_summary_protocol(operator=cec, commission=central, question=question, figures=figures)
    p = actions.enter_summary_protocol(operator=cec, commission=central, question=question, figures=figures,
                                       explanation="As published on 16 March 2026", source="news reports")
    assert p.is_flagged
    assert p.violations == [{"code": "valid_invalid_eq_found", "left": 8_999_324, "right": 9_127_192, "gap": 127_868}]
    assert p.received is None  # lines the statement does not carry stay empty
    assert tally_of(central, question).protocols == 0  # a summary is never added up
