"""News articles and campaign events: candidates, explainable suggestions (scored by
`kenes.nlp.news_events`), who may link them, and the values a news article offers an event report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenes.campaign.access import can_change_region
from kenes.campaign.districts import by_code
from kenes.campaign.models import Audience, Event, EventStatus, EventType
from kenes.campaign.themes import all_themes
from kenes.media.labels import AUDIENCES, FORMATS, label
from kenes.media.models import NewsArticle
from kenes.nlp.news_events import DEFAULT_DAYS, ArticleFacts, EventFacts, Match, participants, rank
from kenes.regions import region_name

MAX_CANDIDATES = 500


def article_facts(article: NewsArticle) -> ArticleFacts:
    facts = article.facts or {}
    return ArticleFacts(
        date=article.date,
        regions=tuple(article.regions),
        districts=tuple(str(d) for d in facts.get("districts", []) if isinstance(d, str)),
        event_types=tuple(article.event_types),
        audiences=tuple(str(a) for a in facts.get("audiences", []) if isinstance(a, str)),
        formats=tuple(str(f) for f in facts.get("formats", []) if isinstance(f, str)),
    )


def event_facts(event: Event) -> EventFacts:
    district = by_code().get(event.district)
    names = (district.name_kk, district.name_ru, district.name_en) if district else ()
    return EventFacts(
        id=event.pk, date=timezone.localtime(event.starts_at).date(), region=event.region, district_names=names,
        event_type=event.event_type, audiences=tuple(event.audiences or ()), format=event.format,
    )


def can_link_any(user: Any) -> bool:
    """Coordinators (within their region), analysts and admins link news to events."""
    return bool(user.is_authenticated and (user.is_coordinator or user.is_analyst))


def can_link(user: Any, event: Event) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_analyst:
        return True
    return bool(user.is_coordinator and user.covers_region(event.region))


def linkable_regions(user: Any, article: NewsArticle) -> list[str]:
    """The article's regions whose events this user may link it to."""
    if not can_link_any(user):
        return []
    if user.is_analyst:
        return article.regions
    return [region for region in article.regions if user.covers_region(region)]


def get_event_for_linking(user: Any, event_id: int) -> Event:
    if not user.is_authenticated:
        raise PermissionDenied
    event: Event = get_object_or_404(Event.objects.select_related("coalition"), pk=event_id)
    if not can_link(user, event):
        raise PermissionDenied
    return event


def candidate_events(article: NewsArticle, *, regions: list[str], days: int = DEFAULT_DAYS) -> list[Event]:
    if article.date is None or not regions:
        return []
    start, end = article.date - timedelta(days=days + 1), article.date + timedelta(days=days + 1)
    queryset = (Event.objects.filter(region__in=regions, starts_at__date__range=(start, end))
                .exclude(status=EventStatus.CANCELLED).order_by("starts_at", "id"))
    return list(queryset[:MAX_CANDIDATES])


def suggest(article: NewsArticle, *, regions: list[str], days: int = DEFAULT_DAYS,
            limit: int = 5) -> list[tuple[Event, Match]]:
    events = {event.pk: event for event in candidate_events(article, regions=regions, days=days)}
    matches = rank(article_facts(article), (event_facts(e) for e in events.values()), days=days, limit=limit)
    return [(events[m.event_id], m) for m in matches]


def describe(reasons: list[dict[str, Any]], language: str) -> list[str]:
    """The reasons stored with a match, as a person reads them."""
    types = dict(EventType.choices)
    lines = []
    for reason in reasons:
        code, value = reason.get("code"), reason.get("value")
        if code == "region":
            lines.append(_("Same region: %(name)s") % {"name": region_name(str(value), language) or value})
        elif code == "district":
            lines.append(_("Same district or town: %(name)s") % {"name": value})
        elif code == "date" and value == 0:
            lines.append(_("Same day"))
        elif code == "date" and isinstance(value, int):
            lines.append(ngettext("%(n)d day apart", "%(n)d days apart", value) % {"n": value})
        elif code == "event_type":
            lines.append(_("Same type: %(type)s") % {"type": types.get(str(value), value)})
        elif code == "audiences" and isinstance(value, list):
            lines.append(_("Same audiences: %(names)s") % {"names": ", ".join(label(AUDIENCES, str(v)) for v in value)})
        elif code == "format":
            lines.append(_("Same format: %(format)s") % {"format": label(FORMATS, str(value))})
    return lines


def report_initial(article: NewsArticle, *, page_url: str) -> dict[str, Any]:
    """What an event report may start from: attendance (participants), audiences, themes, and a
    media link (the outlet's address, else this news page)."""
    facts = article.facts or {}
    audiences = {value for value, _label in Audience.choices}
    themes = {theme.slug for theme in all_themes()}
    url = next((source.url for source in article.sources.all() if source.url), "") or page_url
    initial: dict[str, Any] = {
        "audiences": [a for a in facts.get("audiences", []) if a in audiences],
        "themes": [t for t in article.themes if t in themes],
        "media_link": url,
    }
    attendance = participants(f for f in facts.get("figures", []) if isinstance(f, dict))
    if attendance is not None:
        initial["attendance"] = attendance
    return initial


def report_url(article: NewsArticle, event: Event, *, page_url: str) -> str:
    initial = report_initial(article, page_url=page_url)
    return reverse("campaign:event_report", args=[event.pk]) + "?" + urlencode(initial, doseq=True)


def can_report(user: Any, event: Event) -> bool:
    return (event.status != EventStatus.CANCELLED and can_change_region(user, event.region)
            and can_change_region(user, event.coalition.region))
