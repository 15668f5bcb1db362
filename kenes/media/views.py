"""News pages: the list with filters, an article with its facts highlighted, the coverage of a
region, and the analysts' decision on proposals stated in the news."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kenes.campaign.models import EventStatus
from kenes.media import actions, matching
from kenes.media.forms import ConfirmProposalForm, NewsFilterForm
from kenes.media.highlight import highlight
from kenes.media.labels import AUDIENCES, EVENT_TYPES, FACT_KINDS, FORMATS, QUALIFIERS, UNITS, label, theme_name
from kenes.media.models import EventCoverage, ExtractedProposal, NewsArticle
from kenes.regions import by_slug, region_name

PAGE_SIZE = 20


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def can_review(user: Any) -> bool:
    """Analysts (and admins) see unconfirmed proposals stated in the news and decide on them."""
    return bool(user.is_authenticated and user.is_analyst)


def get_extracted_proposal_for_user(user: Any, pk: int) -> ExtractedProposal:
    if not user.is_authenticated:
        raise PermissionDenied
    if not can_review(user):
        raise PermissionDenied
    return get_object_or_404(ExtractedProposal.objects.select_related("news"), pk=pk)


def facts_for_display(article: NewsArticle) -> dict[str, Any]:
    facts = article.facts or {}
    language = (get_language() or "kk")[:2]
    figures = []
    for figure in facts.get("figures", []):
        qualifier = label(QUALIFIERS, str(figure.get("qualifier", "")))
        figures.append({"value": figure.get("value"), "qualifier": qualifier,
                        "unit": label(UNITS, str(figure.get("unit", ""))), "text": figure.get("text", "")})
    return {
        "regions": [(slug, region_name(slug, language) or slug) for slug in article.regions],
        "districts": facts.get("districts", []),
        "event_types": [label(EVENT_TYPES, t) for t in article.event_types],
        "formats": [label(FORMATS, f) for f in facts.get("formats", [])],
        "audiences": [label(AUDIENCES, a) for a in facts.get("audiences", [])],
        "themes": [theme_name(t, language) for t in article.themes],
        "people": facts.get("people", []),
        "organizations": facts.get("organizations", []),
        "figures": figures,
        "vague_figures": facts.get("vague_figures", []),
        "dates": facts.get("dates_mentioned", []),
        "article_refs": facts.get("article_refs", []),
    }


@require_safe
def news_list(request: HttpRequest) -> HttpResponse:
    form = NewsFilterForm(request.GET or None)
    queryset = NewsArticle.objects.all()
    page = 1
    if form.is_valid():
        data = form.cleaned_data
        if data.get("region"):
            queryset = queryset.in_region(data["region"])
        if data.get("theme"):
            queryset = queryset.with_theme(data["theme"])
        if data.get("event_type"):
            queryset = queryset.with_event_type(data["event_type"])
        queryset = queryset.between(data.get("date_from"), data.get("date_to"))
        page = data.get("page") or 1
    offset = (page - 1) * PAGE_SIZE
    linked = EventCoverage.objects.filter(source=EventCoverage.Source.CONFIRMED).select_related("event")
    rows = list(
        queryset.prefetch_related(
            "sources__source",
            Prefetch("event_links", queryset=linked.order_by("event__starts_at", "event_id"), to_attr="linked_events"),
        )[offset: offset + PAGE_SIZE + 1]
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "invalid_filters": form.is_bound and not form.is_valid(),
        "items": [(article, facts_for_display(article)) for article in rows[:PAGE_SIZE]],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": page > 1,
        "query_string": query.urlencode(),
    }
    template = "media/newsarticle_list_results.html" if is_htmx(request) else "media/newsarticle_list.html"
    return TemplateResponse(request, template, context)


@require_safe
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(NewsArticle.objects.prefetch_related("sources__source"), pk=pk)
    extracted = list(article.extracted_proposals.select_related("proposal"))
    if not can_review(request.user):
        extracted = [item for item in extracted if item.status == ExtractedProposal.Status.CONFIRMED]
    spans = (article.facts or {}).get("spans", [])
    context = {
        "article": article,
        "facts": facts_for_display(article),
        "highlighted": highlight(article.body, spans, offset=len(article.title) + 1),
        "fact_kinds": FACT_KINDS,
        "extracted": extracted,
        "can_review": can_review(request.user),
        "confirm_form": ConfirmProposalForm() if can_review(request.user) else None,
        **event_links_context(request, article),
    }
    return TemplateResponse(request, "media/newsarticle_detail.html", context)


@require_safe
def region_news(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in by_slug():
        raise Http404
    language = (get_language() or "kk")[:2]
    articles = list(NewsArticle.objects.in_region(slug)[:200])
    event_counts: Counter[str] = Counter()
    districts: Counter[str] = Counter()
    people: dict[str, str] = {}
    organizations: Counter[str] = Counter()
    for article in articles:
        event_counts.update(article.event_types)
        districts.update((article.facts or {}).get("districts", []))
        organizations.update((article.facts or {}).get("organizations", []))
        for person in (article.facts or {}).get("people", []):
            people.setdefault(person.get("name", ""), person.get("role", ""))
    context = {
        "slug": slug,
        "region": region_name(slug, language),
        "items": [(article, facts_for_display(article)) for article in articles],
        "event_counts": [(label(EVENT_TYPES, k), n) for k, n in event_counts.most_common()],
        "districts": districts.most_common(),
        "people": sorted(people.items()),
        "organizations": organizations.most_common(20),
    }
    return TemplateResponse(request, "media/newsarticle_region.html", context)


def _decide(request: HttpRequest, pk: int) -> ExtractedProposal | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return get_extracted_proposal_for_user(request.user, pk)


@require_POST
def confirm_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    item = _decide(request, pk)
    if isinstance(item, HttpResponse):
        return item
    form = ConfirmProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a draft under consultation."))
        return HttpResponseRedirect(item.news.get_absolute_url())
    from kenes.proposals.actions import SubmissionError

    try:
        proposal = actions.confirm_news_proposal(analyst=request.user, item=item, version=form.cleaned_data["version"])
    except SubmissionError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(item.news.get_absolute_url())
    messages.success(request, _("The proposal entered the consultation with receipt %(code)s.")
                     % {"code": proposal.receipt_code})
    return HttpResponseRedirect(item.news.get_absolute_url())


@require_POST
def reject_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    item = _decide(request, pk)
    if isinstance(item, HttpResponse):
        return item
    actions.reject_news_proposal(analyst=request.user, item=item)
    messages.success(request, _("Marked as not a proposal."))
    return HttpResponseRedirect(item.news.get_absolute_url())


def event_links_context(request: HttpRequest, article: NewsArticle) -> dict[str, Any]:
    """The article's confirmed events (everyone) and, for those who may link, suggestions with reasons."""
    user: Any = request.user
    language = (get_language() or "kk")[:2]
    page_url = request.build_absolute_uri(article.get_absolute_url())
    stored = list(article.event_links.select_related("event", "event__coalition"))
    confirmed = [link for link in stored if link.source == EventCoverage.Source.CONFIRMED]
    linked = [
        {"link": link, "event": link.event, "can_unlink": matching.can_link(user, link.event),
         "report_url": (matching.report_url(article, link.event, page_url=page_url)
                        if matching.can_report(user, link.event) else "")}
        for link in confirmed
    ]
    suggestions = []
    regions = matching.linkable_regions(user, article)
    if regions:
        decided = {link.event_id for link in stored if link.source != EventCoverage.Source.SUGGESTED}
        for event, match in matching.suggest(article, regions=regions):
            if event.pk in decided:
                continue
            suggestions.append({"event": event, "score": match.score,
                                "reasons": matching.describe(match.as_json(), language)})
    return {"event_links": linked, "event_suggestions": suggestions, "may_link_events": bool(regions)}


def _link_target(request: HttpRequest, pk: int, event_pk: int) -> tuple[NewsArticle, Any] | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("media:detail", args=[pk]))
    event = matching.get_event_for_linking(request.user, event_pk)
    article = get_object_or_404(NewsArticle, pk=pk)
    return article, event


@require_POST
def link_event(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    target = _link_target(request, pk, event_pk)
    if isinstance(target, HttpResponse):
        return target
    article, event = target
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled event cannot be linked."))
        return HttpResponseRedirect(article.get_absolute_url())
    actions.link_event(user=request.user, article=article, event=event)
    messages.success(request, _("The article is linked to the event “%(title)s”.") % {"title": event.title})
    return HttpResponseRedirect(article.get_absolute_url())


@require_POST
def unlink_event(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    target = _link_target(request, pk, event_pk)
    if isinstance(target, HttpResponse):
        return target
    article, event = target
    actions.unlink_event(user=request.user, article=article, event=event)
    messages.success(request, _("The link to the event “%(title)s” was removed.") % {"title": event.title})
    return HttpResponseRedirect(article.get_absolute_url())
