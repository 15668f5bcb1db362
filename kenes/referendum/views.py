"""Referendum views: public results (pages, CSV, JSON) and the operators' desk (double entry,
resolution, corrections with history, imports, turnout through the day)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kenes.nlp import tally
from kenes.referendum import actions, results
from kenes.referendum.forms import LABELS, ImportForm, ProtocolForm, TurnoutForm
from kenes.referendum.models import (
    TURNOUT_HOURS,
    Commission,
    Level,
    Protocol,
    ProtocolEvent,
    Question,
    Referendum,
    Status,
    Tally,
    TurnoutReport,
)

# --- access helpers ---------------------------------------------------------------------------------------


def get_referendum(slug: str) -> Referendum:
    return get_object_or_404(Referendum, slug=slug)


def get_question(referendum: Referendum, number: Any) -> Question:
    try:
        return referendum.questions.get(number=int(number or 1))
    except (ValueError, TypeError, Question.DoesNotExist) as exc:
        raise Http404("no such question") from exc


def get_unit(referendum: Referendum, code: str | None) -> Commission:
    if not code:
        return referendum.central()
    return get_object_or_404(Commission.objects.select_related("parent__parent"), referendum=referendum, code=code)


def get_precinct_for_user(user: Any, referendum: Referendum, code: str) -> Commission:
    """A precinct the user may enter protocols for (404 if unknown, 403 if not theirs)."""
    precinct = get_object_or_404(Commission, referendum=referendum, code=code, level=Level.PRECINCT)
    if not actions.can_enter(user, precinct):
        raise PermissionDenied
    return precinct


def get_protocol_for_user(user: Any, referendum: Referendum, code: str, number: int) -> Protocol:
    precinct = get_precinct_for_user(user, referendum, code)
    return get_object_or_404(Protocol.objects.select_related("commission", "question"),
                             commission=precinct, question__number=number)


def _language() -> str:
    return (get_language() or "kk")[:2]


# --- public results ----------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "referendum/referendum_list.html", {"referendums": Referendum.objects.all()})


@require_safe
def unit_results(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    """National, region, district or precinct results of one question."""
    referendum = get_referendum(slug)
    question = get_question(referendum, request.GET.get("q"))
    commission = get_unit(referendum, code)
    unit = results.unit_of(commission, question)
    children = results.children_of(commission, question)
    outcome = results.outcome_of(commission, question, unit, children)
    hours = results.turnout_by_hour(commission)
    published = Protocol.objects.filter(commission=commission, question=question).exclude(
        commission__level=Level.PRECINCT).first()
    region_code = commission.region if commission.level != Level.CENTRAL else ""
    map_children = children if commission.level == Level.CENTRAL else (
        results.children_of(referendum.central(), question) if commission.level == Level.REGIONAL else [])
    context = {
        "referendum": referendum,
        "question": question,
        "questions": referendum.questions.all(),
        "commission": commission,
        "breadcrumbs": list(reversed(commission.ancestors())),
        "unit": unit,
        "children": children,
        "outcome": outcome,
        "expected": results.precincts_expected(commission),
        "hours": hours,
        "line": results.turnout_line(hours),
        "bar": results.result_bar(unit),
        "child_bars": results.child_bars(children),
        "child_chart_height": 22 * len(children) + 4,
        "adoption_x": round(600 * float(referendum.rules().adoption), 1),
        "map": results.map_regions(map_children, referendum.slug, region_code) if map_children else None,
        "map_frame": results.region_map(),
        "published": published,
        "published_gap": _published_gap(published, unit) if published else None,
        "labels": LABELS,
        "fields": tally.FIELDS,
        "language": _language(),
        "can_enter": commission.level == Level.PRECINCT and actions.can_enter(request.user, commission),
        "can_enter_summary": commission.level != Level.PRECINCT and actions.can_enter(request.user, commission),
    }
    template = "referendum/commission_results.html"
    if request.headers.get("HX-Request"):
        template = "referendum/commission_results_body.html"
    return TemplateResponse(request, template, context)


def _published_gap(published: Protocol, unit: results.Unit) -> list[dict[str, Any]]:
    """Lines where a published summary differs from the tally of the precinct protocols."""
    if not unit.protocols:
        return []
    rows = []
    for name in tally.FIELDS:
        value = getattr(published, name)
        if value is not None and value != unit.figures[name]:
            rows.append({"name": name, "published": value, "tally": unit.figures[name], "gap": value - unit.figures[name]})
    return rows


EXPORT_LEVELS = {"precinct": Level.PRECINCT, "territorial": Level.TERRITORIAL, "regional": Level.REGIONAL}


@require_safe
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Open data: one row per commission of a level and question (precinct protocols by default)."""
    referendum = get_referendum(slug)
    level = request.GET.get("level", "precinct")
    if level not in EXPORT_LEVELS:
        return HttpResponse(_("Unknown level."), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{referendum.slug}-{level}.csv"'
    writer = csv.writer(response)
    writer.writerow(["code", "region", "name", "question", "protocols", "flagged", *tally.FIELDS])
    if level == "precinct":
        rows = (Protocol.objects.counted().filter(question__referendum=referendum)
                .select_related("commission", "question").order_by("commission__number", "question__number"))
        for p in rows:
            writer.writerow([p.commission.code, p.commission.region, p.commission.name_en, p.question.number,
                             1, int(p.is_flagged), *(getattr(p, n) for n in tally.FIELDS)])
    else:
        tallies = (Tally.objects.filter(question__referendum=referendum, commission__level=EXPORT_LEVELS[level])
                   .select_related("commission", "question").order_by("commission__code", "question__number"))
        for t in tallies:
            writer.writerow([t.commission.code, t.commission.region, t.commission.name_en, t.question.number,
                             t.protocols, t.flagged, *(getattr(t, n) for n in tally.FIELDS)])
    return response


def _outcome_json(outcome: tally.Outcome) -> dict[str, Any]:
    return {
        "held": outcome.held,
        "adopted": outcome.adopted,
        "decided_by": outcome.decided_by,
        "rules": [{"rule": c.code, "passed": c.passed, "value": c.value, "base": c.base,
                   "threshold": str(c.threshold), "required": c.required, "margin": c.margin,
                   "share_percent": c.share, "margin_points": c.margin_points} for c in outcome.checks],
        "units_adopted": list(outcome.units_adopted),
    }


@require_safe
def results_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Open data: national and regional results of every question, with the Article 31 outcome."""
    referendum = get_referendum(slug)
    central = referendum.central()
    payload: dict[str, Any] = {"referendum": referendum.slug, "date": referendum.date.isoformat(), "questions": []}
    for question in referendum.questions.all():
        unit = results.unit_of(central, question)
        children = results.children_of(central, question)
        outcome = results.outcome_of(central, question, unit, children)
        payload["questions"].append({
            "number": question.number,
            "text": {"kk": question.text_kk, "ru": question.text_ru, "en": question.text_en},
            "national": {**unit.figures, "protocols": unit.protocols, "flagged": unit.flagged},
            "outcome": _outcome_json(outcome),
            "regions": [{"region": u.commission.code, **u.figures, "protocols": u.protocols, "flagged": u.flagged}
                        for u in children],
        })
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


# --- the operators' desk ---------------------------------------------------------------------------------------


@login_required
@require_safe
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    """The precincts under the user's commissions, with the state of each protocol."""
    referendum = get_referendum(slug)
    member_of = actions.commission_ids_of(request.user, referendum)
    if not member_of:
        raise PermissionDenied
    precincts = Commission.objects.precincts().filter(referendum=referendum).filter(
        _under_any(list(member_of))).order_by("number", "code")
    search = request.GET.get("precinct", "").strip()[:40]
    if search:
        precincts = precincts.filter(code=search)
    page = Paginator(precincts, 50).get_page(request.GET.get("page"))
    states = {(p.commission_id, p.question_id): p for p in
              Protocol.objects.filter(commission__in=list(page.object_list)).only("commission_id", "question_id", "status", "is_flagged")}
    questions = list(referendum.questions.all())
    rows = [{"precinct": c, "protocols": [(q, states.get((c.pk, q.pk))) for q in questions]} for c in page.object_list]
    context = {"referendum": referendum, "page": page, "rows": rows, "search": search,
               "memberships": Commission.objects.filter(pk__in=member_of), "language": _language()}
    return TemplateResponse(request, "referendum/protocol_desk.html", context)


def _under_any(ids: list[int]) -> Any:
    from django.db.models import Q

    return Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids) | Q(parent__parent__parent_id__in=ids)


def _apply(form: ProtocolForm, call: Any) -> Protocol | None:
    try:
        return call()  # type: ignore[no-any-return]
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def protocol_enter(request: HttpRequest, slug: str, code: str, number: int) -> HttpResponse:
    """Double entry: each operator types the protocol; two matching entries confirm it."""
    referendum = get_referendum(slug)
    precinct = get_precinct_for_user(request.user, referendum, code)
    question = get_question(referendum, number)
    protocol = Protocol.objects.filter(commission=precinct, question=question).first()
    initial: dict[str, Any] = {}
    if protocol is not None and protocol.status == Status.MISMATCH:
        # After a mismatch the operator corrects their own entry rather than typing it all again.
        own = protocol.entries.filter(operator_id=request.user.pk, is_active=True).order_by("-created_at", "-pk").first()
        initial = {**own.figures, "explanation": own.explanation} if own else {}
    form = ProtocolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _apply(form, lambda: actions.submit_entry(
            operator=request.user, precinct=precinct, question=question, figures=form.figures(),
            explanation=form.cleaned_data["explanation"]))
        if saved is not None:
            notes = {Status.AWAITING: _("Entry saved. A second operator must enter the same protocol."),
                     Status.MISMATCH: _("The two entries differ. Check the lines marked below and enter the protocol again."),
                     Status.CONFIRMED: _("Both entries match: the protocol is confirmed.")}
            messages.info(request, notes[Status(saved.status)])
            return HttpResponseRedirect(request.path)
    context = _protocol_context(request, referendum, precinct, question, protocol)
    context.update(form=form, mode="enter")
    return TemplateResponse(request, "referendum/protocol_form.html", context)


def _protocol_context(request: HttpRequest, referendum: Referendum, precinct: Commission, question: Question,
                      protocol: Protocol | None) -> dict[str, Any]:
    entries = actions.active_entries(protocol) if protocol else []
    mismatch = []
    if protocol and protocol.status == Status.MISMATCH and len(entries) == 2:
        first, second = entries
        mismatch = [{"name": n, "label": LABELS[n], "first": first.figures.get(n), "second": second.figures.get(n)}
                    for n in tally.mismatches(first.figures, second.figures)]
    own = next((e for e in entries if e.operator_id == request.user.pk), None)
    return {
        "referendum": referendum, "precinct": precinct, "question": question, "protocol": protocol,
        "entries": entries, "own_entry": own, "mismatch": mismatch, "fields": tally.FIELDS, "labels": LABELS,
        "can_resolve": actions.can_resolve(request.user, precinct), "language": _language(),
        "violations": protocol.violations if protocol else [], "controls": {c.code: c for c in tally.CONTROLS},
    }


@login_required
@require_http_methods(["GET", "POST"])
def protocol_resolve(request: HttpRequest, slug: str, code: str, number: int) -> HttpResponse:
    """A chair settles differing entries with the final figures and a reason."""
    referendum = get_referendum(slug)
    protocol = get_protocol_for_user(request.user, referendum, code, number)
    if not actions.can_resolve(request.user, protocol.commission):
        raise PermissionDenied
    entries = actions.active_entries(protocol)
    initial = entries[-1].figures if entries else {}
    form = ProtocolForm(request.POST or None, initial=initial, with_reason=True)
    if request.method == "POST" and form.is_valid():
        saved = _apply(form, lambda: actions.resolve_protocol(
            chair=request.user, protocol=protocol, figures=form.figures(), reason=form.cleaned_data["reason"],
            explanation=form.cleaned_data["explanation"]))
        if saved is not None:
            messages.success(request, _("The protocol is confirmed."))
            return HttpResponseRedirect(reverse("referendum:enter", args=[slug, code, number]))
    context = _protocol_context(request, referendum, protocol.commission, protocol.question, protocol)
    context.update(form=form, mode="resolve")
    return TemplateResponse(request, "referendum/protocol_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def protocol_correct(request: HttpRequest, slug: str, code: str, number: int) -> HttpResponse:
    """A correction of a confirmed protocol, with a reason; the tallies move by the difference."""
    referendum = get_referendum(slug)
    protocol = get_protocol_for_user(request.user, referendum, code, number)
    form = ProtocolForm(request.POST or None, initial={**protocol.figures(), "explanation": protocol.explanation},
                        with_reason=True)
    if request.method == "POST" and form.is_valid():
        saved = _apply(form, lambda: actions.correct_protocol(
            operator=request.user, protocol=protocol, figures=form.figures(), reason=form.cleaned_data["reason"],
            explanation=form.cleaned_data["explanation"]))
        if saved is not None:
            messages.success(request, _("The correction is saved."))
            return HttpResponseRedirect(reverse("referendum:history", args=[slug, code, number]))
    context = _protocol_context(request, referendum, protocol.commission, protocol.question, protocol)
    context.update(form=form, mode="correct")
    return TemplateResponse(request, "referendum/protocol_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def summary_enter(request: HttpRequest, slug: str, code: str, number: int) -> HttpResponse:
    """The protocol of a territorial, regional or the central commission (e.g. published figures):
    checked and shown next to the tally, never added to it. Lines it does not carry stay empty."""
    referendum = get_referendum(slug)
    commission = get_object_or_404(Commission.objects.exclude(level=Level.PRECINCT), referendum=referendum, code=code)
    if not actions.can_enter(request.user, commission):
        raise PermissionDenied
    question = get_question(referendum, number)
    protocol = Protocol.objects.filter(commission=commission, question=question).first()
    initial = {**protocol.figures(), "explanation": protocol.explanation} if protocol else {}
    form = ProtocolForm(request.POST or None, initial=initial, required=False)
    if request.method == "POST" and form.is_valid():
        saved = _apply(form, lambda: actions.enter_summary_protocol(
            operator=request.user, commission=commission, question=question, figures=form.figures(),
            explanation=form.cleaned_data["explanation"], source=_("entered by %(user)s") % {"user": request.user}))
        if saved is not None:
            messages.success(request, _("The protocol is saved."))
            return HttpResponseRedirect(reverse("referendum:unit", args=[slug, code]) + f"?q={number}")
    context: dict[str, Any] = {"referendum": referendum, "precinct": commission, "question": question, "protocol": protocol,
               "form": form, "mode": "summary", "fields": tally.FIELDS, "labels": LABELS, "language": _language(),
               "entries": [], "mismatch": [], "can_resolve": False}
    return TemplateResponse(request, "referendum/protocol_form.html", context)


@login_required
@require_safe
def protocol_history(request: HttpRequest, slug: str, code: str, number: int) -> HttpResponse:
    referendum = get_referendum(slug)
    protocol = get_protocol_for_user(request.user, referendum, code, number)
    events = ProtocolEvent.objects.filter(protocol=protocol).select_related("user")
    context = {"referendum": referendum, "protocol": protocol, "precinct": protocol.commission,
               "question": protocol.question, "events": events, "labels": LABELS, "language": _language()}
    return TemplateResponse(request, "referendum/protocol_history.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload protocols as CSV or XLSX; every bad row is reported with its number."""
    referendum = get_referendum(slug)
    if not actions.commission_ids_of(request.user, referendum):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    file_error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > actions.MAX_IMPORT_BYTES:
                raise actions.ImportFileError(_("The file is too large (at most 20 MB)."))
            rows = actions.read_table(upload.read(), upload.name)
        except actions.ImportFileError as exc:
            file_error = str(exc)
        else:
            report = actions.import_protocols(operator=request.user, referendum=referendum, rows=rows,
                                              source=f"import {upload.name}")
    context = {"referendum": referendum, "form": form, "report": report, "file_error": file_error,
               "columns": actions.IMPORT_COLUMNS}
    return TemplateResponse(request, "referendum/protocol_import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def turnout_entry(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    referendum = get_referendum(slug)
    precinct = get_precinct_for_user(request.user, referendum, code)
    form = TurnoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_turnout(operator=request.user, precinct=precinct, hour=form.cleaned_data["hour"],
                                   voted=form.cleaned_data["voted"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Turnout saved."))
            return HttpResponseRedirect(request.path)
    reports = dict(TurnoutReport.objects.filter(commission=precinct).values_list("hour", "voted"))
    context = {"referendum": referendum, "precinct": precinct, "form": form,
               "reports": [(h, reports.get(h)) for h in TURNOUT_HOURS], "language": _language()}
    return TemplateResponse(request, "referendum/turnoutreport_form.html", context)
