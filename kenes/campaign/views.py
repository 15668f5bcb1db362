"""Campaign pages: public events (upcoming near me, event page, iCalendar) and the coordinators'
pages (coalitions, plans and their import, events and reports, volunteers, dashboards).

Every coordinators' view checks the region of what it shows or changes through the helpers in
access.py; forbidden is 403, unknown is 404."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kenes.campaign import access, actions, charts, ical
from kenes.campaign.dashboard import SORT_KEYS, Dashboard, Row, build_dashboard, region_rows, sort_rows
from kenes.campaign.districts import district_choices, find_district
from kenes.campaign.forms import (
    AssignForm,
    CollectedProposalFormSet,
    EventForm,
    HoursForm,
    MemberForm,
    PlanImportForm,
    ReportForm,
    TargetForm,
    TerritorialCoalitionForm,
    VolunteerForm,
)
from kenes.campaign.models import (
    Assignment,
    Audience,
    ChangeRecord,
    Coalition,
    Event,
    EventStatus,
    Level,
    MemberRole,
    Organisation,
    PlanTarget,
    Volunteer,
)
from kenes.campaign.plan_import import ImportFileError
from kenes.campaign.templatetags.campaign_tags import masked_for
from kenes.campaign.themes import theme_choices, theme_name
from kenes.regions import REGION_SLUGS, region_choices, region_name


def _lang() -> str:
    return (get_language() or "kk")[:2]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- public -------------------------------------------------------------------------------


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events near me: by region and district (defaults: the user's own)."""
    user: Any = request.user
    region = request.GET.get("region", "")
    if "region" not in request.GET and user.is_authenticated:
        region = user.region
    region = region if region in REGION_SLUGS else ""
    district = request.GET.get("district", "")
    if "district" not in request.GET and user.is_authenticated and region == user.region:
        found = find_district(region, user.district)
        district = found.code if found else ""
    if district and not any(code == district for code, _label in district_choices(region)):
        district = ""
    events = Event.objects.upcoming().near(region, district).select_related("coalition")
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    context = {
        "page": page, "region": region, "district": district,
        "regions": region_choices(_lang()), "districts": district_choices(region, _lang()) if region else [],
        "ics_query": request.GET.urlencode(),
    }
    template = "campaign/event_list.html#results" if _is_htmx(request) else "campaign/event_list.html"
    return TemplateResponse(request, _partial(template), context)


def _partial(name: str) -> str:
    """`file.html#part` → the partial template `file_part.html` (rendered alone for htmx)."""
    if "#" not in name:
        return name
    base, part = name.split("#", 1)
    return base.removesuffix(".html") + f"_{part}.html"


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_public_event(pk)
    user: Any = request.user
    can_manage = access.can_change_region(user, event.region) and access.can_change_region(user, event.coalition.region)
    can_view = access.can_view_region(user, event.region)
    report = getattr(event, "report", None) if event.status == EventStatus.HELD else None
    context: dict[str, Any] = {
        "event": event, "report": report, "can_manage": can_manage, "can_view": can_view,
        "themes": [theme_name(t, _lang()) for t in event.themes],
        "report_themes": [theme_name(t, _lang()) for t in (report.themes if report else [])],
        "photos": event.photos.all() if report else [],
        "proposals": (
            event.collected_proposals.select_related("proposal", "proposal__article")
            .filter(proposal__is_hidden=False) if report else []
        ),
    }
    if can_view:
        context["assignments"] = event.assignments.select_related("volunteer")
        context["changes"] = ChangeRecord.objects.filter(object_type="Event", object_id=event.pk).select_related("user")[:20]
    if can_manage:
        volunteers = Volunteer.objects.filter(region=event.region).values_list("pk", "full_name")
        context["assign_form"] = AssignForm(volunteers=list(volunteers))
    return TemplateResponse(request, "campaign/event_detail.html", context)


def _event_description(event: Event, request: HttpRequest) -> str:
    parts = [event.get_event_type_display(), event.get_format_display()]
    if event.organisers:
        parts.append(event.organisers)
    if event.online_url:
        parts.append(event.online_url)
    if event.description:
        parts.append(event.description)
    return masked_for("\n".join(str(p) for p in parts), request.user)


def _vevent(event: Event, request: HttpRequest) -> list[str]:
    location = ", ".join(p for p in (event.place, event.district_label(_lang()), event.region_label(_lang())) if p)
    return ical.event_lines(
        event, url=request.build_absolute_uri(event.get_absolute_url()), host=request.get_host().split(":")[0],
        location=location, description=_event_description(event, request),
    )


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_public_event(pk)
    return _ics_response(ical.calendar([_vevent(event, request)], name=event.title), f"event-{event.pk}.ics")


@require_safe
def events_ics(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    region = region if region in REGION_SLUGS else ""
    district = request.GET.get("district", "")
    events = Event.objects.upcoming().near(region, district)[:500]
    name = _("Campaign events") + (f" · {region_name(region, _lang())}" if region else "")
    return _ics_response(ical.calendar((_vevent(e, request) for e in events), name=name), "events.ics")


# --- coordinators: coalitions ---------------------------------------------------------------


@login_required
@require_safe
def coalition_list(request: HttpRequest) -> HttpResponse:
    access.require_campaign_user(request.user)
    coalitions = (
        Coalition.objects.in_scope_of(request.user)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("level", "region", "district", "id")
    )
    return TemplateResponse(request, "campaign/coalition_list.html", {"coalitions": coalitions})


@login_required
@require_http_methods(["GET", "POST"])
def coalition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    coalition = access.get_coalition_for_user(request.user, pk)
    can_change = access.can_change_region(request.user, coalition.region)
    organisations = Organisation.objects.filter(Q(region=coalition.region) | Q(region="")).values_list("pk", "name")
    member_form = MemberForm(organisations=list(organisations))
    child_form = TerritorialCoalitionForm(region=coalition.region, language=_lang()) if coalition.region else None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if request.POST.get("form") == "member":
            member_form = MemberForm(request.POST, organisations=list(organisations))
            if member_form.is_valid():
                _add_member(request, coalition, member_form.cleaned_data)
                messages.success(request, _("Member added."))
                return HttpResponseRedirect(coalition.get_absolute_url())
        elif request.POST.get("form") == "territorial" and child_form is not None and coalition.level == Level.REGIONAL:
            child_form = TerritorialCoalitionForm(request.POST, region=coalition.region, language=_lang())
            if child_form.is_valid():
                child = actions.create_coalition(
                    user=request.user, level=Level.TERRITORIAL, parent=coalition, region=coalition.region,
                    name_kk=child_form.cleaned_data["name_kk"], name_ru=child_form.cleaned_data["name_ru"],
                    district=child_form.cleaned_data["district"],
                )
                return HttpResponseRedirect(child.get_absolute_url())
        else:
            return HttpResponse(status=400)
    children = coalition.children.in_scope_of(request.user)
    context = {
        "coalition": coalition, "can_change": can_change,
        "leaders": coalition.memberships.exclude(role=MemberRole.MEMBER).select_related("organisation").order_by("role", "id"),
        "memberships": coalition.memberships.filter(role=MemberRole.MEMBER).select_related("organisation")
        .order_by("organisation__kind", "organisation__name", "person_name", "id")[:1000],
        "member_count": coalition.memberships.count(),
        "children": children.annotate(event_count=Count("events")),
        "plans": coalition.plans.annotate(event_count=Count("events")),
        "events": coalition.events.order_by("-starts_at")[:20],
        "volunteer_count": coalition.volunteers.count(),
        "member_form": member_form, "child_form": child_form if coalition.level == Level.REGIONAL else None,
    }
    return TemplateResponse(request, "campaign/coalition_detail.html", context)


def _add_member(request: HttpRequest, coalition: Coalition, data: dict[str, Any]) -> None:
    organisation = None
    if data.get("organisation"):
        organisation = Organisation.objects.filter(
            Q(region=coalition.region) | Q(region=""), pk=int(data["organisation"]),
        ).first()
        if organisation is None:
            raise PermissionDenied
    elif data.get("new_organisation"):
        organisation = actions.create_organisation(
            user=request.user, name=data["new_organisation"], kind=data["kind"], region=coalition.region,
        )
    if organisation is not None and coalition.memberships.filter(organisation=organisation).exists():
        return
    actions.add_member(user=request.user, coalition=coalition, organisation=organisation,
                       person_name=data.get("person_name", ""), role=data["role"])


# --- coordinators: plans -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    coalition = access.get_coalition_for_user(request.user, pk, change=True)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    result = None
    plan = None
    file_error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        today = timezone.localdate()
        plan = actions.get_or_create_plan(
            user=request.user, coalition=coalition, title=form.cleaned_data["plan_title"],
            starts_on=form.cleaned_data["starts_on"] or today, ends_on=form.cleaned_data["ends_on"] or today,
        )
        new_plan = not plan.events.exists()
        try:
            result = actions.import_plan(user=request.user, plan=plan, data=data, filename=form.cleaned_data["file"].name)
        except ImportFileError as exc:
            file_error = str(exc)
        if result is not None and new_plan and not (form.cleaned_data["starts_on"] and form.cleaned_data["ends_on"]):
            actions.fit_plan_period(user=request.user, plan=plan)
    plans = coalition.plans.all()
    return TemplateResponse(request, "campaign/plan_import.html", {
        "coalition": coalition, "form": form, "result": result, "plan": plan, "file_error": file_error, "plans": plans,
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, pk)
    can_change = access.can_change_region(request.user, plan.coalition.region)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            actions.set_plan_target(user=request.user, plan=plan, event_type=form.cleaned_data["event_type"],
                                    audience=form.cleaned_data["audience"] or "", count=form.cleaned_data["count"])
            return HttpResponseRedirect(plan.get_absolute_url())
    events = plan.events.all()
    board = build_dashboard(events, PlanTarget.objects.filter(plan=plan), language=_lang(), with_regions=False)
    return TemplateResponse(request, "campaign/plan_detail.html", {
        "plan": plan, "can_change": can_change, "form": form, "targets": plan.targets.all(), "board": board,
        "events": events.order_by("starts_at")[:50], "event_total": board.totals.scheduled + board.totals.cancelled,
    })


# --- coordinators: events -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    coalition = access.get_coalition_for_user(request.user, pk, change=True)
    form = EventForm(request.POST or None, region=coalition.region, language=_lang())
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        region = coalition.region or values.pop("region", "")
        if not access.can_change_region(request.user, region):
            raise PermissionDenied
        event = actions.create_event(user=request.user, coalition=coalition, region=region, values=values)
        messages.success(request, _("Event added to the plan."))
        return HttpResponseRedirect(event.get_absolute_url())
    return TemplateResponse(request, "campaign/event_form.html", {"form": form, "coalition": coalition, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_user(request.user, pk, change=True)
    form = EventForm(request.POST or None, instance=event, region=event.coalition.region, language=_lang())
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("region", None)
        actions.update_event(user=request.user, event=Event.objects.get(pk=event.pk), values=values)
        messages.success(request, _("Event saved."))
        return HttpResponseRedirect(event.get_absolute_url())
    return TemplateResponse(request, "campaign/event_form.html", {"form": form, "coalition": event.coalition, "event": event})


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_user(request.user, pk, change=True)
    if event.status == EventStatus.PLANNED:
        actions.cancel_event(user=request.user, event=event)
        messages.success(request, _("Event cancelled."))
    return HttpResponseRedirect(event.get_absolute_url())


def _open_version() -> Any:
    from kenes.drafts.models import Version

    return Version.objects.under_consultation().first()


@login_required
@require_http_methods(["GET", "POST"])
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_event_for_user(request.user, pk, change=True)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled event cannot be reported."))
        return HttpResponseRedirect(event.get_absolute_url())
    version = _open_version()
    articles: dict[str, Any] = {}
    if version is not None:
        articles = {str(a.pk): a for a in version.articles.order_by("number")}
    article_choices = [(pk_, f"{a.number}. {a.title(_lang())}"[:120]) for pk_, a in articles.items()]
    existing = getattr(event, "report", None)
    initial = {}
    if existing is not None:
        initial = {"attendance": existing.attendance, "audiences": existing.audiences, "themes": existing.themes,
                   "questions": existing.questions, "summary": existing.summary,
                   "media_links": "\n".join(existing.media_links)}
    else:
        initial = {"audiences": event.audiences, "themes": event.themes}
    if request.method == "GET":
        initial.update(_report_prefill(request, media_links=initial.get("media_links", "")))
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial, language=_lang())
    formset = CollectedProposalFormSet(request.POST or None, prefix="proposals",
                                       form_kwargs={"articles": article_choices})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        collected = []
        for position, item in enumerate(formset.cleaned_data):
            text = (item.get("text") or "").strip()
            if not text:
                continue
            collected.append((position, actions.CollectedProposal(
                text=text, article=articles.get(item.get("article") or ""), kind=item.get("kind") or "amend",
                author_name=item.get("author_name") or "",
            )))
        if collected and version is None:
            messages.error(request, _("No draft is open for proposals now; the proposals were not saved."))
        else:
            data = form.cleaned_data
            try:
                actions.report_event(
                    user=request.user, event=event, attendance=data["attendance"], audiences=data["audiences"],
                    themes=data["themes"], questions=data["questions"], summary=data["summary"],
                    media_links=data["media_links"], proposals=[c for _i, c in collected], version=version,
                    photos=[actions.Photo(name=n, data=d, info=i) for n, d, i in data["photos"]],
                )
            except actions.ReportError as exc:
                formset.forms[collected[exc.index][0]].add_error("text", str(exc))
            else:
                messages.success(request, _("Report saved."))
                return HttpResponseRedirect(event.get_absolute_url())
    return TemplateResponse(request, "campaign/event_report.html", {
        "event": event, "form": form, "formset": formset, "version": version,
    })


def _report_prefill(request: HttpRequest, *, media_links: str = "") -> dict[str, Any]:
    """Initial report values passed in the address (e.g. from a news article): only known keys and
    valid values are taken; nothing is saved until the form is submitted."""
    prefill: dict[str, Any] = {}
    attendance = request.GET.get("attendance", "")
    if attendance.isdigit() and len(attendance) <= 7 and int(attendance) <= 1_000_000:
        prefill["attendance"] = int(attendance)
    audiences = [a for a in request.GET.getlist("audiences")[:50] if a in Audience.values]
    if audiences:
        prefill["audiences"] = list(dict.fromkeys(audiences))
    slugs = {slug for slug, _name in theme_choices(_lang())}
    themes = [t for t in request.GET.getlist("themes")[:50] if t in slugs]
    if themes:
        prefill["themes"] = list(dict.fromkeys(themes))
    link = request.GET.get("media_link", "").strip()
    if link and len(link) <= 1000 and link.startswith(("http://", "https://")) and not any(c.isspace() for c in link):
        prefill["media_links"] = "\n".join(dict.fromkeys([*media_links.splitlines(), link]))
    return prefill


@login_required
@require_POST
def event_volunteers(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign a volunteer to an event, or log the hours of an assignment."""
    event = access.get_event_for_user(request.user, pk, change=True)
    if "hours" in request.POST:
        hours_form = HoursForm(request.POST)
        if not hours_form.is_valid():
            messages.error(request, _("Hours must be a number between 0 and 24."))
            return HttpResponseRedirect(event.get_absolute_url())
        assignment = get_object_or_404(Assignment.objects.select_related("event"), pk=hours_form.cleaned_data["assignment"],
                                       event=event)
        actions.log_hours(user=request.user, assignment=assignment, hours=hours_form.cleaned_data["hours"])
        return HttpResponseRedirect(event.get_absolute_url())
    volunteers = list(Volunteer.objects.filter(region=event.region).values_list("pk", "full_name"))
    form = AssignForm(request.POST, volunteers=volunteers)
    if form.is_valid():
        volunteer = access.get_volunteer_for_user(request.user, int(form.cleaned_data["volunteer"]), change=True)
        actions.assign_volunteer(user=request.user, event=event, volunteer=volunteer, task=form.cleaned_data["task"])
        messages.success(request, _("Volunteer assigned."))
    else:
        messages.error(request, _("Choose a volunteer of this region."))
    return HttpResponseRedirect(event.get_absolute_url())


# --- coordinators: volunteers ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_list(request: HttpRequest) -> HttpResponse:
    access.require_campaign_user(request.user)
    user: Any = request.user
    region = request.GET.get("region") or user.region
    if region not in REGION_SLUGS or not access.can_view_region(user, region):
        region = user.region if user.region in REGION_SLUGS else ""
    can_change = bool(region) and access.can_change_region(user, region)
    form = VolunteerForm(request.POST or None, region=region, language=_lang()) if region else None
    if request.method == "POST":
        if not can_change or form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            coalition = Coalition.objects.filter(level=Level.REGIONAL, region=region).first()
            actions.create_volunteer(user=user, full_name=data["full_name"], phone=data["phone"], region=region,
                                     district=data["district"], skills=data["skills"], languages=data["languages"],
                                     availability=data["availability"], coalition=coalition)
            messages.success(request, _("Volunteer added."))
            return HttpResponseRedirect(reverse("campaign:volunteers") + f"?region={region}")
    volunteers = (
        Volunteer.objects.filter(region=region)
        .annotate(event_count=Count("assignments"), hours=Sum("assignments__hours"))
        .order_by("full_name") if region else Volunteer.objects.none()
    )
    page = Paginator(volunteers, 50).get_page(request.GET.get("page"))
    regions = [(slug, name) for slug, name in region_choices(_lang()) if access.can_view_region(user, slug)]
    return TemplateResponse(request, "campaign/volunteer_list.html", {
        "page": page, "region": region, "regions": regions, "form": form, "can_change": can_change,
    })


# --- dashboards ------------------------------------------------------------------------------


def _charts(board: Dashboard, *, by_region: bool) -> dict[str, str]:
    plan, done = _("Plan"), _("Held")
    result = {
        "types": charts.bar_chart([(r.name, r.plan, r.held) for r in board.types], title=_("Events by type"),
                                  plan_label=plan, done_label=done),
        "weeks": charts.column_chart(board.weeks, title=_("Events by week"), plan_label=_("Scheduled"), done_label=done),
        "audiences": charts.bar_chart([(label, p, d) for _s, label, p, d in board.audiences],
                                      title=_("Audiences"), plan_label=plan, done_label=_("Reached")),
    }
    if by_region:
        result["regions"] = charts.bar_chart([(r.name, r.plan, r.held) for r in board.regions],
                                             title=_("Events by region"), plan_label=plan, done_label=done)
    return {name: mark_safe(svg) for name, svg in result.items()}


def _scope(request: HttpRequest) -> tuple[str, Coalition | None]:
    """The dashboard's scope from ?region= or ?coalition=, checked against the user."""
    user: Any = request.user
    access.require_campaign_user(user)
    coalition_id = request.GET.get("coalition", "")
    if coalition_id:
        if not coalition_id.isdigit():
            raise PermissionDenied
        return "", access.get_coalition_for_user(user, int(coalition_id))
    region = request.GET.get("region", "")
    if region and region not in REGION_SLUGS:
        region = ""
    if not region and not user.is_national and not (user.is_commission and not user.is_coordinator):
        region = user.region
    if not access.can_view_region(user, region or ""):
        raise PermissionDenied
    return region, None


def _board_for(region: str, coalition: Coalition | None) -> tuple[Dashboard, bool]:
    if coalition is not None:
        subtree = Coalition.objects.subtree(coalition)
        events = Event.objects.filter(coalition__in=subtree)
        targets = PlanTarget.objects.filter(plan__coalition__in=subtree)
        by_region = coalition.level == Level.NATIONAL
    elif region:
        events = Event.objects.filter(region=region)
        targets = PlanTarget.objects.filter(plan__coalition__region=region)
        by_region = False
    else:
        events = Event.objects.all()
        targets = PlanTarget.objects.all()
        by_region = True
    return build_dashboard(events, targets, language=_lang(), with_regions=by_region), by_region


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    region, coalition = _scope(request)
    if _is_htmx(request) and not region and coalition is None:
        # Sorting the table of regions: only the table is rendered, so only its two queries run.
        board, by_region = Dashboard(totals=Row("total", "")), True
        board.regions = region_rows(Event.objects.all(), PlanTarget.objects.all(), language=_lang())
    else:
        board, by_region = _board_for(region, coalition)
    sort = request.GET.get("sort", "-completion")
    if sort.lstrip("-") not in SORT_KEYS:
        sort = "-completion"
    rows = sort_rows(board.regions, sort)
    user: Any = request.user
    context = {
        "board": board, "region": region, "region_label": region_name(region, _lang()), "coalition": coalition,
        "by_region": by_region, "rows": rows, "sort": sort, "sort_keys": SORT_KEYS,
        "charts": _charts(board, by_region=by_region) if not _is_htmx(request) else {},
        "regions": [(s, n) for s, n in region_choices(_lang()) if access.can_view_region(user, s)],
        "query": request.GET.urlencode(),
        "scope_query": f"coalition={coalition.pk}" if coalition else (f"region={region}" if region else ""),
    }
    if _is_htmx(request):
        return TemplateResponse(request, "campaign/dashboard_regions.html", context)
    return TemplateResponse(request, "campaign/dashboard.html", context)


EXPORT_COLUMNS = ("target", "scheduled", "held", "cancelled", "expected", "attendance", "completion")


def _export_rows(board: Dashboard, by_region: bool) -> list[list[Any]]:
    header = [_("Section"), _("Name"), _("Target"), _("Scheduled"), _("Held"), _("Cancelled"),
              _("Expected attendance"), _("Actual attendance"), _("Completion rate") + ", %"]
    rows: list[list[Any]] = [header]
    rows.append([_("Total"), "", *(getattr(board.totals, c) for c in EXPORT_COLUMNS)])
    if by_region:
        rows.extend([_("Region"), r.name, *(getattr(r, c) for c in EXPORT_COLUMNS)] for r in board.regions)
    rows.extend([_("Event type"), r.name, *(getattr(r, c) for c in EXPORT_COLUMNS)] for r in board.types)
    rows.extend([_("Audience"), label, "", planned, reached, "", "", "", ""] for _s, label, planned, reached in board.audiences)
    rows.extend([_("Theme"), label, "", planned, discussed, "", "", "", ""] for _s, label, planned, discussed in board.themes)
    return rows


def _safe_cell(value: Any) -> Any:
    """No formula injection in spreadsheets: text starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
@require_safe
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    region, coalition = _scope(request)
    board, by_region = _board_for(region, coalition)
    rows = [[_safe_cell(v) for v in row] for row in _export_rows(board, by_region)]
    stamp = timezone.localdate().isoformat()
    name = f"campaign-{region or (f'coalition-{coalition.pk}' if coalition else 'kazakhstan')}-{stamp}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Campaign"))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response

