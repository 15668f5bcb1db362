"""Read-only referendum results: national, regional, district and precinct figures, with the
outcome under Article 31 (which rule decided it and by what margin)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kenes.api.common import ErrorOut, not_found
from kenes.nlp import tally
from kenes.referendum import results
from kenes.referendum.actions import CENTRAL_CODE
from kenes.referendum.models import Commission, Question, Referendum

router = Router(tags=["referendum"])


class QuestionOut(Schema):
    number: int
    text_kk: str
    text_ru: str
    text_en: str


class ReferendumOut(Schema):
    slug: str
    title_kk: str
    title_ru: str
    title_en: str
    date: date
    validity_threshold_percent: float
    adoption_threshold_percent: float
    territorial_rule: bool
    territorial_share: str
    questions: list[QuestionOut]


class FiguresOut(Schema):
    code: str
    level: str
    region: str
    name_kk: str
    name_ru: str
    name_en: str
    protocols: int
    flagged: int
    voters: int
    received: int
    issued_premises: int
    issued_outside: int
    found: int
    invalid: int
    valid: int
    votes_for: int
    votes_against: int
    unused: int
    turnout_percent: float | None
    for_percent: float | None


class RuleOut(Schema):
    rule: str
    passed: bool
    value: int
    base: int
    required: int
    margin: int
    share_percent: float | None
    margin_points: float | None


class OutcomeOut(Schema):
    held: bool
    adopted: bool
    decided_by: str
    rules: list[RuleOut]


class UnitResultOut(Schema):
    referendum: str
    question: int
    unit: FiguresOut
    outcome: OutcomeOut
    children: list[FiguresOut]


def _referendum_out(referendum: Referendum) -> ReferendumOut:
    rules = referendum.rules()
    return ReferendumOut(
        slug=referendum.slug, title_kk=referendum.title_kk, title_ru=referendum.title_ru,
        title_en=referendum.title_en, date=referendum.date,
        validity_threshold_percent=float(referendum.validity_threshold),
        adoption_threshold_percent=float(referendum.adoption_threshold),
        territorial_rule=referendum.territorial_rule, territorial_share=str(rules.territorial_share),
        questions=[QuestionOut(number=q.number, text_kk=q.text_kk, text_ru=q.text_ru, text_en=q.text_en)
                   for q in referendum.questions.all()],
    )


def _figures_out(unit: results.Unit) -> FiguresOut:
    c = unit.commission
    return FiguresOut(code=c.code, level=c.level, region=c.region, name_kk=c.name_kk, name_ru=c.name_ru,
                      name_en=c.name_en, protocols=unit.protocols, flagged=unit.flagged,
                      turnout_percent=unit.turnout, for_percent=unit.share_for, **unit.figures)


def _outcome_out(outcome: tally.Outcome) -> OutcomeOut:
    return OutcomeOut(held=outcome.held, adopted=outcome.adopted, decided_by=outcome.decided_by, rules=[
        RuleOut(rule=c.code, passed=c.passed, value=c.value, base=c.base, required=c.required, margin=c.margin,
                share_percent=c.share, margin_points=c.margin_points) for c in outcome.checks])


@router.get("/referendums", response=list[ReferendumOut], summary="Referendums with their questions and rules")
def list_referendums(request: HttpRequest) -> list[ReferendumOut]:
    return [_referendum_out(r) for r in Referendum.objects.prefetch_related("questions")]


@router.get("/referendums/{slug}/results", response={200: UnitResultOut, 404: ErrorOut},
            summary="Results of a question for the country, a region, a district or a precinct")
def unit_results(request: HttpRequest, slug: str, unit: str = "", question: int = 1) -> UnitResultOut:
    """`unit`: empty for the country, a region slug, a district KATO code or a precinct number."""
    referendum = Referendum.objects.filter(slug=slug).first()
    if referendum is None:
        raise not_found(_("No such referendum."))
    q = Question.objects.filter(referendum=referendum, number=question).first()
    if q is None:
        raise not_found(_("No such question."))
    commission = Commission.objects.filter(referendum=referendum, code=unit or CENTRAL_CODE).first()
    if commission is None:
        raise not_found(_("No such commission."))
    figures = results.unit_of(commission, q)
    children = results.children_of(commission, q)
    outcome = results.outcome_of(commission, q, figures, children)
    return UnitResultOut(referendum=referendum.slug, question=q.number, unit=_figures_out(figures),
                         outcome=_outcome_out(outcome), children=[_figures_out(c) for c in children])
