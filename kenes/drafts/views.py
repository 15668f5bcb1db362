"""Public pages of the draft: documents, versions, articles (kk/ru side by side) and comparisons."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kenes import pagecache
from kenes.drafts.models import Article, Document, Version, can_see_unpublished
from kenes.nlp.documents import similarity, word_diff, word_set
from kenes.prepared import Prepared
from kenes.proposals.models import Proposal, ProposalChange
from kenes.translated import LANGS

MOVED_MIN_SIMILARITY = 0.6


def _language() -> str:
    language = (get_language() or "kk")[:2]
    return language if language in LANGS else "kk"


# --- access ------------------------------------------------------------------------------------


def get_document_for_user(user: Any, slug: str) -> Document:
    """A document with at least one version the user may see."""
    document = get_object_or_404(Document, slug=slug)
    if not Version.objects.visible_to(user).filter(document=document).exists():
        raise Http404("no visible version")
    return document


def version_lookup(unpublished: bool) -> Prepared[Version]:
    def build(document_slug: str, name: str) -> Any:
        versions = Version.objects.all() if unpublished else Version.objects.published()
        return versions.select_related("document").filter(document__slug=document_slug, name=name)

    return Prepared(Version, build, "text", "text")


# Every article page looks its version up: compiled once (kenes.prepared).
VERSION_LOOKUPS = {unpublished: version_lookup(unpublished) for unpublished in (False, True)}


def get_version_for_user(user: Any, document_slug: str, name: str) -> Version:
    """A published version; staff and admins also get unpublished ones (Version.objects.visible_to)."""
    version = VERSION_LOOKUPS[can_see_unpublished(user)].first(document_slug, name)
    if version is None:
        raise Http404
    return version


def get_article_for_user(user: Any, version: Version, number: int, sub_number: int = 0) -> Article:
    return get_object_or_404(Article, version=version, number=number, sub_number=sub_number)


# --- pages -------------------------------------------------------------------------------------


@require_safe
def document_list(request: HttpRequest) -> HttpResponse:
    versions = (
        Version.objects.visible_to(request.user)
        .select_related("document")
        .annotate(article_count=Count("articles"))
        .order_by("document__slug", "-date", "-id")
    )
    language = _language()
    documents: dict[int, dict[str, Any]] = {}
    for version in versions:
        entry = documents.setdefault(
            version.document_id,
            {"document": version.document, "title": version.document.title(language) or version.document.slug, "versions": []},
        )
        entry["versions"].append(version)
    context = {"documents": list(documents.values()), "language": language}
    return TemplateResponse(request, "drafts/document_list.html", context)


@require_safe
def document_detail(request: HttpRequest, document: str) -> HttpResponse:
    doc = get_document_for_user(request.user, document)
    versions = list(
        Version.objects.visible_to(request.user).for_document(doc).annotate(article_count=Count("articles"))
    )
    context = {
        "document": doc,
        "document_title": _document_title(doc),
        "versions": versions,
        "language": _language(),
        "can_see_unpublished": can_see_unpublished(request.user),
    }
    return TemplateResponse(request, "drafts/document_detail.html", context)


@dataclass
class TocSection:
    title: str
    articles: list[Article] = field(default_factory=list)


@require_safe
def version_detail(request: HttpRequest, document: str, version: str) -> HttpResponse:
    current = get_version_for_user(request.user, document, version)
    language = _language()
    articles = list(Article.objects.for_version(current))
    counts = Proposal.objects.public().counts_by_article(current, [a.pk for a in articles])
    toc: list[TocSection] = []
    for article in articles:
        article.version = current  # get_absolute_url needs no query per article
        article.proposal_count = counts.get(article.pk, 0)  # type: ignore[attr-defined]
        article.display_title = article.title(language)  # type: ignore[attr-defined]
        title = article.section(language)
        if not toc or toc[-1].title != title:
            toc.append(TocSection(title=title))
        toc[-1].articles.append(article)
    context = {
        "document": current.document,
        "document_title": _document_title(current.document),
        "version": current,
        "language": language,
        "preamble": current.preamble(language),
        "toc": toc,
        "article_total": len(articles),
        "proposal_total": sum(counts.values()),
        "whole_draft_count": counts.get(None, 0),
        "state": current.consultation_state(),
        "days_left": _days_left(current),
    }
    return TemplateResponse(request, "drafts/version_detail.html", context)


@require_safe
def article_detail(request: HttpRequest, document: str, version: str, number: int, sub_number: int = 0) -> HttpResponse:
    """The article's page. Its body is the same for everyone who may see the version: cached for
    a few seconds (kenes.pagecache), keyed on the consultation's state (opening and closing show
    at once) and on the moderation mark (a hidden proposal leaves the count at once)."""
    current = get_version_for_user(request.user, document, version)
    if pagecache.enabled():
        mark = ProposalChange.objects.latest_mark()
        parts = (current.pk, number, sub_number, current.consultation_state(), _days_left(current))
        body = pagecache.cached_fragment(
            "article", mark, parts, lambda: render_article_body(request.user, current, number, sub_number)
        )
    else:
        body = render_article_body(request.user, current, number, sub_number)
    context = {
        "document": current.document,
        "document_title": _document_title(current.document),
        "label": _label((number, sub_number)),
        "body": mark_safe(body),
    }
    return TemplateResponse(request, "drafts/article_detail.html", context)


def render_article_body(user: Any, current: Version, number: int, sub_number: int) -> str:
    """The article's page body: both languages side by side, its proposal count, the way to
    propose and the neighbours. Http404 for an article the version does not have."""
    article = get_article_for_user(user, current, number, sub_number)
    article.version = current
    language = _language()
    keys = list(Article.objects.for_version(current).values_list("number", "sub_number"))
    position = keys.index((article.number, article.sub_number))
    previous = _article_url(current, keys[position - 1]) if position > 0 else None
    following = _article_url(current, keys[position + 1]) if position + 1 < len(keys) else None
    columns = [
        {
            "lang": lang,
            "title": getattr(article, f"title_{lang}"),
            "section": getattr(article, f"section_{lang}"),
            "text": getattr(article, f"text_{lang}"),
            "current": lang == language,
        }
        for lang in LANGS
        if lang in ("kk", "ru") or getattr(article, f"text_{lang}")
    ]
    context = {
        "document": current.document,
        "document_title": _document_title(current.document),
        "version": current,
        "article": article,
        "language": language,
        "columns": columns,
        "previous": previous,
        "previous_label": _label(keys[position - 1]) if previous else "",
        "next": following,
        "next_label": _label(keys[position + 1]) if following else "",
        "proposal_count": Proposal.objects.public().for_article(article).count(),
        "is_open": current.is_open(),
        "state": current.consultation_state(),
        "days_left": _days_left(current),
    }
    return render_to_string("drafts/article_detail_body.html", context)


def _days_left(version: Version) -> int | None:
    """Whole days until the consultation closes (0 on the last day); None when not open."""
    if not version.is_open() or version.consultation_closes is None:
        return None
    return (version.consultation_closes - timezone.now()).days


def _document_title(document: Document) -> str:
    return document.title(_language()) or document.slug


def _label(key: tuple[int, int]) -> str:
    return f"{key[0]}-{key[1]}" if key[1] else str(key[0])


def _article_url(version: Version, key: tuple[int, int]) -> str:
    return Article(version=version, number=key[0], sub_number=key[1]).get_absolute_url()


# --- comparison --------------------------------------------------------------------------------


@dataclass
class ArticleChange:
    label: str
    status: str  # added | removed | changed
    old: Article | None = None
    new: Article | None = None
    diff: list[tuple[str, str]] = field(default_factory=list)
    old_text: str = ""
    new_text: str = ""
    moved_from: str = ""  # label of the old article whose text this one most resembles
    similarity: float = 0.0

    @property
    def diff_html(self) -> str:
        """The diff as HTML: every piece of text escaped, changes wrapped in <ins>/<del>."""
        tags = {"insert": "<ins>{}</ins>", "delete": "<del>{}</del>", "equal": "{}"}
        return mark_safe("".join(tags[op].format(html.escape(text)) for op, text in self.diff))


@dataclass
class Comparison:
    language: str
    added: list[ArticleChange] = field(default_factory=list)
    removed: list[ArticleChange] = field(default_factory=list)
    changed: list[ArticleChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes(self) -> list[ArticleChange]:
        order = {"removed": 0, "changed": 1, "added": 2}
        items = self.added + self.removed + self.changed
        return sorted(items, key=lambda c: (_key(c), order[c.status]))


def _key(change: ArticleChange) -> tuple[int, int]:
    article = change.new or change.old
    assert article is not None
    return (article.number, article.sub_number)


def compare_versions(old: Version, new: Version, language: str) -> Comparison:
    """Articles added, removed and changed between two versions, aligned by article number.

    An added article whose text closely resembles an old article with another number, and a
    changed article that resembles another old article much more than its namesake, are marked
    as moved/renumbered (Jaccard similarity of their word sets).
    """
    old_articles = {(a.number, a.sub_number): a for a in Article.objects.for_version(old)}
    new_articles = {(a.number, a.sub_number): a for a in Article.objects.for_version(new)}
    for article in old_articles.values():
        article.version = old
    for article in new_articles.values():
        article.version = new
    result = Comparison(language=language)
    field_name = f"text_{language}"
    # An old article kept unchanged under its own number has not moved anywhere.
    kept = {
        key for key, a in old_articles.items()
        if key in new_articles and getattr(new_articles[key], field_name) == getattr(a, field_name)
    }
    old_words = {key: word_set(getattr(a, field_name)) for key, a in old_articles.items() if key not in kept}

    def best_match(words: frozenset[str], exclude: tuple[int, int] | None) -> tuple[tuple[int, int] | None, float]:
        best: tuple[int, int] | None = None
        score = 0.0
        for key, candidate in old_words.items():
            if key == exclude:
                continue
            value = similarity(words, candidate)
            if value > score:
                best, score = key, value
        return best, score

    for key, article in new_articles.items():
        new_text = getattr(article, field_name)
        previous = old_articles.get(key)
        if previous is None:
            change = ArticleChange(label=article.label, status="added", new=article, new_text=new_text)
            match, score = best_match(word_set(new_text), None)
            if match is not None and score >= MOVED_MIN_SIMILARITY:
                change.moved_from, change.similarity = _label(match), score
                change.old = old_articles[match]
                change.diff = word_diff(getattr(change.old, field_name), new_text)
            result.added.append(change)
            continue
        old_text = getattr(previous, field_name)
        if old_text == new_text:
            result.unchanged += 1
            continue
        change = ArticleChange(label=article.label, status="changed", old=previous, new=article)
        words = word_set(new_text)
        same = similarity(words, old_words.get(key, frozenset()))
        # Close to its namesake (>= 0.8): it cannot have moved; otherwise look for a closer old article.
        match, score = best_match(words, key) if same < MOVED_MIN_SIMILARITY + 0.2 else (None, 0.0)
        if match is not None and score >= MOVED_MIN_SIMILARITY and score > same + 0.2:
            # the text moved here from another article: show the differences with that one
            change.moved_from, change.similarity = _label(match), score
            change.old = old_articles[match]
        change.diff = word_diff(getattr(change.old, field_name), new_text)
        result.changed.append(change)
    for key, article in old_articles.items():
        if key not in new_articles:
            result.removed.append(
                ArticleChange(label=article.label, status="removed", old=article, old_text=getattr(article, field_name))
            )
    return result


def _common_language(old: Version, new: Version, wanted: str) -> tuple[str, list[str]]:
    in_new = new.languages()
    common = [lang for lang in old.languages() if lang in in_new]
    if wanted in common:
        return wanted, common
    return (common[0] if common else wanted), common


@require_safe
def version_compare(request: HttpRequest, document: str) -> HttpResponse:
    doc = get_document_for_user(request.user, document)
    versions = list(Version.objects.visible_to(request.user).for_document(doc))
    by_name = {v.name: v for v in versions}
    from_name = request.GET.get("from", "")
    to_name = request.GET.get("to", "")
    if not from_name and not to_name and len(versions) >= 2:
        from_name, to_name = versions[-2].name, versions[-1].name
    old = by_name.get(from_name)
    new = by_name.get(to_name)
    if (from_name and old is None) or (to_name and new is None):
        raise Http404("unknown version")
    wanted = request.GET.get("lang", "") or _language()
    context: dict[str, Any] = {
        "document": doc,
        "document_title": _document_title(doc),
        "versions": versions,
        "old": old,
        "new": new,
        "comparison": None,
        "common_languages": [],
    }
    if old is not None and new is not None:
        for version in (old, new):
            version.document = doc
        language, common = _common_language(old, new, wanted if wanted in LANGS else _language())
        context["comparison"] = compare_versions(old, new, language)
        context["common_languages"] = common
    template = "drafts/version_compare.html"
    if request.headers.get("HX-Request") == "true":
        template = "drafts/version_compare_results.html"
    return TemplateResponse(request, template, context)
