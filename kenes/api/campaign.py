"""The explanatory campaign, read-only and public: coalitions (national, regional, territorial), events
with the fields their public page shows, the figures of a held event's report, and the news that
covered it (links confirmed by a coordinator or an analyst).

Never here: volunteers and their assignments, coalition members, work plans, who created or reported
an event, the change history, unconfirmed or dismissed news links. Free text written by coordinators
(description, organisers, report summary and questions) comes with personal data masked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Path as PathParam

from kenes.api import paging
from kenes.api.common import MAX_ID, ErrorOut, not_found
from kenes.api.proposals import check_choice, web_url
from kenes.campaign.models import Coalition, Event, EventFormat, EventReport, EventStatus, EventType, Level
from kenes.media.models import EventCoverage
from kenes.nlp.pii import mask_personal_data
from kenes.proposals.models import Proposal
from kenes.regions import REGION_SLUGS

router = Router(tags=["campaign"])

MAX_PAGE_SIZE = 100
EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)


class CoalitionOut(Schema):
    id: int
    level: str = Field(description="national, regional or territorial.")
    name_kk: str
    name_ru: str
    name_en: str
    region: str = Field(description="Region slug; empty for the national coalition.")
    district: str = Field(description="District KATO code of a territorial coalition; empty otherwise.")
    parent: int | None = Field(description="The id of the coalition above; null for the national one.")
    founded_on: date | None


class CoalitionPage(Schema):
    results: list[CoalitionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class CoalitionFilters(Schema):
    level: str | None = Field(None, max_length=12, description="national, regional or territorial.")
    region: str | None = Field(None, max_length=40, description="Region slug.")
    parent: int | None = Field(None, ge=1, le=MAX_ID, description="Only the coalitions directly under this one.")
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=200)


class CoalitionBrief(Schema):
    id: int
    level: str
    name_kk: str
    name_ru: str
    name_en: str


class EventOut(Schema):
    id: int
    title: str
    description: str = Field(description="Personal data (phones, e-mails, IIN) masked.")
    event_type: str = Field(description="meeting, round_table, plenary_session, visit, forum, public_hearing, "
                                        "explanatory_work or coalition_founding.")
    format: str = Field(description="offline, online or hybrid.")
    online_url: str
    starts_at: datetime
    ends_at: datetime | None
    region: str
    district: str = Field(description="District KATO code; may be empty.")
    place: str
    organisers: str = Field(description="Personal data masked.")
    audiences: list[str]
    themes: list[str]
    expected_attendance: int
    status: str = Field(description="planned, held or cancelled.")
    attendance: int | None = Field(description="Actual attendance from the report of a held event; else null.")
    coalition: CoalitionBrief
    url: str = Field(description="The event's public page.")


class EventPage(Schema):
    results: list[EventOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class EventFilters(Schema):
    region: str | None = Field(None, max_length=40, description="Region slug.")
    coalition: int | None = Field(
        None, ge=1, le=MAX_ID, description="Coalition id: its events and those of the coalitions under it.",
    )
    date_from: str | None = Field(
        None, pattern=paging.DAY_PATTERN, json_schema_extra={"format": "date"},
        description="Events starting on or after this day (YYYY-MM-DD).",
    )
    date_to: str | None = Field(
        None, pattern=paging.DAY_PATTERN, json_schema_extra={"format": "date"},
        description="Events starting on or before this day (YYYY-MM-DD).",
    )
    event_type: str | None = Field(None, max_length=20)
    format: str | None = Field(None, max_length=10)
    status: str | None = Field(None, max_length=10, description="planned, held or cancelled.")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=200)


class ReportOut(Schema):
    attendance: int
    audiences: list[str] = Field(description="Audiences reached.")
    themes: list[str] = Field(description="Themes discussed.")
    summary: str = Field(description="Personal data masked.")
    questions: list[str] = Field(description="Questions raised, personal data masked.")
    media_links: list[str]
    proposals: list[str] = Field(description="Receipt codes of the public proposals collected at the event.")
    reported_at: datetime


class NewsBrief(Schema):
    id: int
    title: str
    date: date | None
    language: str
    url: str = Field(description="The article's public page.")


class EventDetailOut(EventOut):
    report: ReportOut | None = Field(description="Published only once the event is held; else null.")
    news: list[NewsBrief] = Field(description="News articles confirmed to report on this event.")


def coalition_out(coalition: Coalition) -> dict[str, Any]:
    return {
        "id": coalition.pk,
        "level": coalition.level,
        "name_kk": coalition.name_kk,
        "name_ru": coalition.name_ru,
        "name_en": coalition.name_en,
        "region": coalition.region,
        "district": coalition.district,
        "parent": coalition.parent_id,
        "founded_on": coalition.founded_on,
    }


def held_report(event: Event) -> EventReport | None:
    """The report, public only for a held event (as on the event's page)."""
    if event.status != EventStatus.HELD:
        return None
    report: EventReport | None = getattr(event, "report", None)
    return report


def event_out(event: Event) -> dict[str, Any]:
    report = held_report(event)
    coalition = event.coalition
    return {
        "id": event.pk,
        "title": event.title,
        "description": mask_personal_data(event.description),
        "event_type": event.event_type,
        "format": event.format,
        "online_url": event.online_url,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "region": event.region,
        "district": event.district,
        "place": event.place,
        "organisers": mask_personal_data(event.organisers),
        "audiences": [str(a) for a in event.audiences or []],
        "themes": [str(t) for t in event.themes or []],
        "expected_attendance": event.expected_attendance,
        "status": event.status,
        "attendance": report.attendance if report is not None else None,
        "coalition": {"id": coalition.pk, "level": coalition.level, "name_kk": coalition.name_kk,
                      "name_ru": coalition.name_ru, "name_en": coalition.name_en},
        "url": web_url("campaign:event", event.pk),
    }


def news_brief(article: Any) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "date": article.date,
        "language": article.language,
        "url": web_url("media:detail", article.pk),
    }


def public_events() -> QuerySet[Event]:
    """Every event has a public page (a cancelled one says so), so every event is listed."""
    return Event.objects.select_related("coalition", "report")


@router.get(
    "/campaign/coalitions", response={200: CoalitionPage, 422: ErrorOut},
    summary="Coalitions: national, regional and territorial",
)
def list_coalitions(request: HttpRequest, filters: Query[CoalitionFilters]) -> dict[str, Any]:
    check_choice(filters.level, Level.values, "level")
    check_choice(filters.region, REGION_SLUGS, "region")
    coalitions = Coalition.objects.all()
    if filters.level is not None:
        coalitions = coalitions.filter(level=filters.level)
    if filters.region is not None:
        coalitions = coalitions.filter(region=filters.region)
    if filters.parent is not None:
        coalitions = coalitions.filter(parent_id=filters.parent)
    if filters.cursor:
        coalitions = coalitions.filter(pk__gt=paging.decode_pk(filters.cursor))
    page = list(coalitions.order_by("pk")[: filters.limit + 1])
    has_more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "results": [coalition_out(c) for c in page],
        "next_cursor": paging.encode(page[-1].pk) if has_more else None,
    }


@router.get(
    "/campaign/events", response={200: EventPage, 422: ErrorOut},
    summary="Campaign events, in the order they start",
)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    check_choice(filters.region, REGION_SLUGS, "region")
    check_choice(filters.event_type, EventType.values, "event_type")
    check_choice(filters.format, EventFormat.values, "format")
    check_choice(filters.status, EventStatus.values, "status")
    events = public_events()
    for field in ("region", "event_type", "format", "status"):
        value = getattr(filters, field)
        if value is not None:
            events = events.filter(**{field: value})
    if filters.coalition is not None:
        events = events.filter(
            Q(coalition_id=filters.coalition)
            | Q(coalition__parent_id=filters.coalition)
            | Q(coalition__parent__parent_id=filters.coalition)
        )
    date_from, date_to = paging.day(filters.date_from, "date_from"), paging.day(filters.date_to, "date_to")
    # Days near date.min/date.max would overflow once shifted to UTC; no event is that far away.
    date_from = max(date_from, EARLIEST) if date_from is not None else None
    date_to = min(date_to, LATEST) if date_to is not None else None
    # Days in the site's time zone, as bounds on starts_at itself (the (region, status, starts_at) index applies).
    if date_from is not None:
        events = events.filter(starts_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to is not None:
        events = events.filter(starts_at__lt=timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min)))
    if filters.cursor:
        starts_at, pk = paging.decode_datetime_pk(filters.cursor)
        events = events.filter(Q(starts_at__gt=starts_at) | Q(starts_at=starts_at, pk__gt=pk))
    page = list(events.order_by("starts_at", "pk")[: filters.limit + 1])
    has_more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "results": [event_out(e) for e in page],
        "next_cursor": paging.encode(page[-1].starts_at, page[-1].pk) if has_more else None,
    }


@router.get(
    "/campaign/events/{event_id}", response={200: EventDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="One event, with the report of a held event and its news coverage",
)
def get_event(request: HttpRequest, event_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    coverage = EventCoverage.objects.filter(source=EventCoverage.Source.CONFIRMED).select_related("article")
    event = (
        public_events()
        .prefetch_related(Prefetch("news_coverage", queryset=coverage.order_by("-article__date", "article_id")))
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise not_found(_("No such event."))
    report = held_report(event)
    report_out = None
    if report is not None:
        codes = list(
            Proposal.objects.public()
            .filter(campaign_event__event=event, version__is_published=True)
            .order_by("pk")
            .values_list("receipt_code", flat=True)
        )
        report_out = {
            "attendance": report.attendance,
            "audiences": [str(a) for a in report.audiences or []],
            "themes": [str(t) for t in report.themes or []],
            "summary": mask_personal_data(report.summary),
            "questions": [mask_personal_data(q) for q in report.question_list()],
            "media_links": [str(link) for link in report.media_links or []],
            "proposals": codes,
            "reported_at": report.reported_at,
        }
    return {
        **event_out(event),
        "report": report_out,
        "news": [news_brief(link.article) for link in event.news_coverage.all()],
    }
