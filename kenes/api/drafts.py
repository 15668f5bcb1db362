"""Read endpoints for documents, versions and articles (published versions only)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.params.functions import Path as PathParam

from kenes.api.common import MAX_ID, ErrorOut, not_found
from kenes.drafts.models import Article, Document, Version
from kenes.proposals.models import Proposal

router = Router(tags=["drafts"])


class VersionBrief(Schema):
    id: int
    name: str
    kind: str
    date: date | None
    consultation_opens: datetime | None
    consultation_closes: datetime | None
    is_open: bool
    url: str


class DocumentOut(Schema):
    slug: str
    title_kk: str
    title_ru: str
    title_en: str
    versions: list[VersionBrief]


class ArticleBrief(Schema):
    id: int
    number: int
    label: str
    section_kk: str
    section_ru: str
    section_en: str
    title_kk: str
    title_ru: str
    title_en: str
    proposal_count: int


class VersionOut(VersionBrief):
    document: str
    preamble_kk: str
    preamble_ru: str
    preamble_en: str
    articles: list[ArticleBrief]


class ArticleOut(ArticleBrief):
    document: str
    version: str
    version_id: int
    text_kk: str
    text_ru: str
    text_en: str
    url: str


def version_brief(version: Version) -> dict[str, object]:
    return {
        "id": version.pk,
        "name": version.name,
        "kind": version.kind,
        "date": version.date,
        "consultation_opens": version.consultation_opens,
        "consultation_closes": version.consultation_closes,
        "is_open": version.is_open(),
        "url": f"/api/v1/documents/{version.document.slug}/versions/{version.name}",
    }


def article_brief(article: Article, proposal_count: int) -> dict[str, object]:
    return {
        "id": article.pk,
        "number": article.number,
        "label": article.label,
        "section_kk": article.section_kk,
        "section_ru": article.section_ru,
        "section_en": article.section_en,
        "title_kk": article.title_kk,
        "title_ru": article.title_ru,
        "title_en": article.title_en,
        "proposal_count": proposal_count,
    }


def web_page(article: Article) -> str:
    """The article's page on the site, in the default language (stable whatever Accept-Language says)."""
    with translation.override(settings.LANGUAGE_CODE):
        return article.get_absolute_url()


def article_full(article: Article, proposal_count: int) -> dict[str, object]:
    return {
        **article_brief(article, proposal_count),
        "document": article.version.document.slug,
        "version": article.version.name,
        "version_id": article.version_id,
        "text_kk": article.text_kk,
        "text_ru": article.text_ru,
        "text_en": article.text_en,
        "url": web_page(article),
    }


def public_articles(version: Version) -> list[tuple[Article, int]]:
    """The version's articles with their public proposal counts (one grouped index-only count,
    `ProposalQuerySet.counts_by_article`)."""
    articles = list(Article.objects.for_version(version).select_related("version__document"))
    counts = Proposal.objects.public().counts_by_article(version, [a.pk for a in articles])
    return [(article, counts.get(article.pk, 0)) for article in articles]


def document_out(document: Document) -> dict[str, object]:
    return {
        "slug": document.slug,
        "title_kk": document.title_kk,
        "title_ru": document.title_ru,
        "title_en": document.title_en,
        "versions": [version_brief(v) for v in document.versions.all()],
    }


def published_documents() -> QuerySet[Document]:
    versions = Version.objects.published().select_related("document").order_by("date", "id")
    return (
        Document.objects.filter(versions__is_published=True)
        .distinct()
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("slug")
    )


def get_version(slug: str, name: str) -> Version:
    if not (_SLUG.fullmatch(slug) and _SLUG.fullmatch(name)):
        raise not_found(_("No such published version."))
    version = Version.objects.published().select_related("document").filter(document__slug=slug, name=name).first()
    if version is None:
        raise not_found(_("No such published version."))
    return version


_LABEL = re.compile(r"([0-9]{1,6})(?:-([0-9]{1,4}))?")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def parse_label(label: str) -> tuple[int, int] | None:
    """'8' -> (8, 0); '83-1' -> (83, 1); anything else -> None."""
    match = _LABEL.fullmatch(label)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


@router.get("/documents", response=list[DocumentOut], summary="Documents with their published versions")
def list_documents(request: HttpRequest) -> list[dict[str, object]]:
    return [document_out(d) for d in published_documents()]


@router.get("/documents/{slug}", response={200: DocumentOut, 404: ErrorOut}, summary="One document")
def get_document(request: HttpRequest, slug: str) -> dict[str, object]:
    document = published_documents().filter(slug=slug).first() if _SLUG.fullmatch(slug) else None
    if document is None:
        raise not_found(_("No such document."))
    return document_out(document)


@router.get(
    "/documents/{slug}/versions/{name}", response={200: VersionOut, 404: ErrorOut},
    summary="A version: preamble, consultation window and table of contents",
)
def get_version_detail(request: HttpRequest, slug: str, name: str) -> dict[str, object]:
    version = get_version(slug, name)
    return {
        **version_brief(version),
        "document": version.document.slug,
        "preamble_kk": version.preamble_kk,
        "preamble_ru": version.preamble_ru,
        "preamble_en": version.preamble_en,
        "articles": [article_brief(a, n) for a, n in public_articles(version)],
    }


@router.get(
    "/documents/{slug}/versions/{name}/articles", response={200: list[ArticleOut], 404: ErrorOut},
    summary="All articles of a version, with their text in every language",
)
def list_articles(request: HttpRequest, slug: str, name: str) -> list[dict[str, object]]:
    version = get_version(slug, name)
    return [article_full(a, n) for a, n in public_articles(version)]


@router.get(
    "/documents/{slug}/versions/{name}/articles/{label}", response={200: ArticleOut, 404: ErrorOut},
    summary="One article by its number (\"8\", or \"83-1\" for an inserted article)",
)
def get_article(request: HttpRequest, slug: str, name: str, label: str) -> dict[str, object]:
    version = get_version(slug, name)
    parsed = parse_label(label)
    article = None
    if parsed is not None:
        article = (
            Article.objects.filter(version=version, number=parsed[0], sub_number=parsed[1])
            .select_related("version__document")
            .annotate(public_proposals=Count("proposals", filter=Q(proposals__is_hidden=False)))
            .first()
        )
    if article is None:
        raise not_found(_("No such article in this version."))
    return article_full(article, article.public_proposals)  # type: ignore[attr-defined]


@router.get(
    "/articles/{article_id}", response={200: ArticleOut, 404: ErrorOut, 422: ErrorOut}, summary="One article by its id",
)
def get_article_by_id(
    request: HttpRequest, article_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
) -> dict[str, object]:
    article = (
        Article.objects.filter(pk=article_id, version__is_published=True)
        .select_related("version__document")
        .annotate(public_proposals=Count("proposals", filter=Q(proposals__is_hidden=False)))
        .first()
    )
    if article is None:
        raise not_found(_("No such article."))
    return article_full(article, article.public_proposals)  # type: ignore[attr-defined]
