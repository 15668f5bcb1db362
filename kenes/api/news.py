"""News about the campaign, read-only and public: articles with the outlets that carried them and the facts
read from them (as the news pages show them), and for one article the campaign events it reports on
(links confirmed by a coordinator or an analyst; suggestions and dismissed links are not published)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.params.functions import Path as PathParam

from kenes.api import paging
from kenes.api.common import MAX_ID, ErrorOut, not_found
from kenes.api.proposals import check_choice, web_url
from kenes.media.models import EventCoverage, NewsArticle, NewsArticleQuerySet, NewsArticleSource
from kenes.regions import REGION_SLUGS

router = Router(tags=["news"])

MAX_PAGE_SIZE = 100
MAX_TERMS = 8


class SourceOut(Schema):
    name: str | None = Field(description="The outlet; null when unknown.")
    url: str


class PersonOut(Schema):
    name: str
    role: str


class FigureOut(Schema):
    value: int | None
    qualifier: str = Field(description="exact, approx, more_than or less_than.")
    unit: str | None = Field(description="participants, proposals, members, volunteers, events, organizations …")
    text: str = Field(description="The words of the text the figure was read from.")


class VagueFigureOut(Schema):
    qualifier: str
    unit: str | None
    text: str


class DateOut(Schema):
    date: str = Field(description="ISO date.")
    what: str = Field(description="What happens on that day (e.g. referendum).")
    text: str


class FactsOut(Schema):
    regions: list[str] = Field(description="Region slugs.")
    districts: list[str]
    event_types: list[str]
    formats: list[str]
    audiences: list[str]
    themes: list[str]
    people: list[PersonOut]
    organizations: list[str]
    figures: list[FigureOut]
    vague_figures: list[VagueFigureOut] = Field(description="Amounts without a number (\"many\", \"hundreds\").")
    dates_mentioned: list[DateOut]
    article_refs: list[int] = Field(description="Numbers of the draft's articles the text cites.")


class NewsOut(Schema):
    id: int
    title: str
    date: date | None
    language: str
    sources: list[SourceOut]
    facts: FactsOut
    url: str = Field(description="The article's public page.")


class NewsPage(Schema):
    results: list[NewsOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class NewsFilters(Schema):
    region: str | None = Field(None, max_length=40, description="Region slug.")
    date_from: str | None = Field(
        None, pattern=paging.DAY_PATTERN, json_schema_extra={"format": "date"},
        description="Published on or after this day (YYYY-MM-DD).",
    )
    date_to: str | None = Field(
        None, pattern=paging.DAY_PATTERN, json_schema_extra={"format": "date"},
        description="Published on or before this day (YYYY-MM-DD).",
    )
    source: str | None = Field(None, max_length=200, description="The outlet's name (any case).")
    q: str | None = Field(
        None, max_length=200, description="Words that must all occur in the title or the text (at most 8).",
    )
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=200)


class LinkedEventOut(Schema):
    id: int
    title: str
    event_type: str
    format: str
    starts_at: datetime
    region: str
    status: str
    url: str = Field(description="The event's public page.")


class NewsDetailOut(NewsOut):
    text: str
    events: list[LinkedEventOut] = Field(description="Campaign events this article is confirmed to report on.")


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)] if isinstance(
        value, list
    ) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unit(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def facts_out(article: NewsArticle) -> dict[str, Any]:
    """The stored facts (`kenes.nlp.news.extract`), only what the article's page shows, with types checked."""
    facts = article.facts if isinstance(article.facts, dict) else {}
    figures = []
    for f in _dicts(facts.get("figures")):
        value = f.get("value")
        figures.append({
            "value": value if isinstance(value, int) and not isinstance(value, bool) else None,
            "qualifier": _text(f.get("qualifier")), "unit": _unit(f.get("unit")), "text": _text(f.get("text")),
        })
    return {
        "regions": article.regions,
        "districts": _strings(facts.get("districts")),
        "event_types": article.event_types,
        "formats": _strings(facts.get("formats")),
        "audiences": _strings(facts.get("audiences")),
        "themes": article.themes,
        "people": [{"name": _text(p.get("name")), "role": _text(p.get("role"))} for p in _dicts(facts.get("people"))],
        "organizations": _strings(facts.get("organizations")),
        "figures": figures,
        "vague_figures": [
            {"qualifier": _text(f.get("qualifier")), "unit": _unit(f.get("unit")), "text": _text(f.get("text"))}
            for f in _dicts(facts.get("vague_figures"))
        ],
        "dates_mentioned": [
            {"date": _text(d.get("date")), "what": _text(d.get("what")), "text": _text(d.get("text"))}
            for d in _dicts(facts.get("dates_mentioned"))
        ],
        "article_refs": [
            n for n in facts.get("article_refs", []) if isinstance(n, int) and not isinstance(n, bool)
        ] if isinstance(facts.get("article_refs"), list) else [],
    }


def news_out(article: NewsArticle) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "date": article.date,
        "language": article.language,
        "sources": [
            {"name": s.source.name if s.source is not None else None, "url": s.url} for s in article.sources.all()
        ],
        "facts": facts_out(article),
        "url": web_url("media:detail", article.pk),
    }


def with_sources() -> NewsArticleQuerySet:
    return NewsArticle.objects.prefetch_related("sources__source")


def search_terms(q: str) -> list[str]:
    return list(dict.fromkeys(term for term in q.split() if term))[:MAX_TERMS]


def matching(articles: NewsArticleQuerySet, q: str) -> NewsArticleQuerySet:
    """Every word in the title or the text, in any case. PostgreSQL compares Cyrillic case-insensitively;
    SQLite's LIKE folds only ASCII, so there the word is also tried in lower, upper and title case."""
    for term in search_terms(q):
        forms = {term} if connection.vendor == "postgresql" else {term, term.lower(), term.upper(), term.capitalize()}
        condition = Q()
        for form in forms:
            condition |= Q(title__icontains=form) | Q(body__icontains=form)
        articles = articles.filter(condition)
    return articles


@router.get("/news", response={200: NewsPage, 422: ErrorOut}, summary="News about the campaign, newest first")
def list_news(request: HttpRequest, filters: Query[NewsFilters]) -> dict[str, Any]:
    check_choice(filters.region, REGION_SLUGS, "region")
    articles = with_sources()
    if filters.region is not None:
        articles = articles.in_region(filters.region)
    articles = articles.between(paging.day(filters.date_from, "date_from"), paging.day(filters.date_to, "date_to"))
    if filters.source is not None and filters.source.strip():
        carried = NewsArticleSource.objects.filter(article=OuterRef("pk"), source__name__iexact=filters.source.strip())
        articles = articles.filter(Exists(carried))
    if filters.q is not None and filters.q.strip():
        articles = matching(articles, filters.q)
    if filters.cursor:
        day, pk = paging.decode_date_pk(filters.cursor)
        if day is None:
            articles = articles.filter(date__isnull=True, pk__lt=pk)
        else:
            articles = articles.filter(Q(date__lt=day) | Q(date=day, pk__lt=pk) | Q(date__isnull=True))
    page = list(articles.order_by(F("date").desc(nulls_last=True), "-pk")[: filters.limit + 1])
    has_more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "results": [news_out(a) for a in page],
        "next_cursor": paging.encode(page[-1].date, page[-1].pk) if has_more else None,
    }


@router.get(
    "/news/{news_id}", response={200: NewsDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="One news article with its text and the campaign events it reports on",
)
def get_news(request: HttpRequest, news_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    links = EventCoverage.objects.filter(source=EventCoverage.Source.CONFIRMED).select_related("event")
    article = (
        with_sources()
        .prefetch_related(Prefetch("event_links", queryset=links.order_by("event__starts_at", "event_id")))
        .filter(pk=news_id)
        .first()
    )
    if article is None:
        raise not_found(_("No such news article."))
    events = [link.event for link in article.event_links.all()]
    return {
        **news_out(article),
        "text": article.body,
        "events": [
            {"id": e.pk, "title": e.title, "event_type": e.event_type, "format": e.format, "starts_at": e.starts_at,
             "region": e.region, "status": e.status, "url": web_url("campaign:event", e.pk)}
            for e in events
        ],
    }
