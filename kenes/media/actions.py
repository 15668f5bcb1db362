"""Writes of the media app: ingesting news files and confirming proposals stated in the news."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kenes.media.matching import article_facts, event_facts, suggest
from kenes.media.models import EventCoverage, ExtractedProposal, NewsArticle, NewsArticleSource, NewsSource, fingerprint
from kenes.nlp.news import extract, find_outlet, resemblance, shingles
from kenes.nlp.news_events import score
from kenes.nlp.news_io import MAX_BYTES, NewsFormatError, RawDocument, read_documents

MAX_TITLE = 1000
REPRINT_DAYS = 3
REPRINT_RESEMBLANCE = 0.7
MAX_CANDIDATES = 2000
MAX_BODY = 200_000
LINK_DAYS = 2
NEWS_SUFFIXES = {".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl"}


@dataclass
class IngestResult:
    article: NewsArticle
    created: bool
    source_added: bool


@dataclass
class FileReport:
    path: str
    created: int = 0
    reprints: int = 0
    unchanged: int = 0
    error: str = ""
    errors: list[str] = field(default_factory=list)


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def find_reprint(*, title: str, body: str, day: date | None) -> NewsArticle | None:
    """A stored story this one reprints with light edits (a sentence added, a title changed):
    published within REPRINT_DAYS and sharing at least REPRINT_RESEMBLANCE of its word runs."""
    if day is None or len(body.split()) < 30:
        return None
    mine = shingles(body)
    candidates = NewsArticle.objects.filter(date__range=(day - timedelta(days=REPRINT_DAYS),
                                                         day + timedelta(days=REPRINT_DAYS)))
    best, best_score = None, REPRINT_RESEMBLANCE
    for candidate in candidates.only("id", "body")[:MAX_CANDIDATES]:
        score = resemblance(mine, shingles(candidate.body))
        if score >= best_score:
            best, best_score = candidate, score
    return best


def ingest_document(*, raw: RawDocument) -> IngestResult:
    """Store one story with its facts, or add this source to the story already stored.

    Idempotent: the same story from the same outlet/URL/file changes nothing."""
    title, body = raw.title[:MAX_TITLE], raw.body[:MAX_BODY]
    raw = RawDocument(raw.file, title, body, raw.date, raw.url, raw.outlet)
    key = fingerprint(title, body)
    with transaction.atomic():
        article = NewsArticle.objects.filter(fingerprint=key).first() or find_reprint(
            title=title, body=body, day=_parse_date(raw.date))
        created = article is None
        if article is None:
            facts = extract(raw)
            article = NewsArticle(title=title, date=_parse_date(facts["date"]), language=facts["language"], body=body,
                                  fingerprint=key)
            article.set_facts(facts)
            try:
                with transaction.atomic():
                    article.save(force_insert=True)
            except IntegrityError:  # stored by a parallel ingest a moment ago
                article = NewsArticle.objects.get(fingerprint=key)
                created = False
            else:
                ExtractedProposal.objects.bulk_create([
                    ExtractedProposal(news=article, text=p["text"][:5000], sentence=p.get("sentence", "")[:5000],
                                      author_organization=p.get("author_organization", "")[:300],
                                      author_person=p.get("author_person", "")[:300],
                                      article_number=p.get("article") if isinstance(p.get("article"), int) else None)
                    for p in article.facts.get("proposals", [])
                ])
        outlet = (raw.outlet or find_outlet(raw.text)).strip()[:200]
        source = NewsSource.objects.get_or_create(name=outlet)[0] if outlet else None
        _, source_added = NewsArticleSource.objects.get_or_create(
            article=article, source=source, url=raw.url[:1000], file=raw.file[:500])
    return IngestResult(article, created, source_added)


def ingest_bytes(*, name: str, data: bytes) -> FileReport:
    """Every story of one file; a broken story is reported and the others still go in."""
    report = FileReport(name)
    try:
        documents = read_documents(name, data)
    except NewsFormatError as exc:
        report.error = str(exc)
        return report
    for raw in documents:
        try:
            result = ingest_document(raw=raw)
        except (ValueError, KeyError, TypeError) as exc:  # one bad story must not stop the file
            report.errors.append(f"{raw.file}: {exc}")
            continue
        if result.created:
            report.created += 1
        elif result.source_added:
            report.reprints += 1
        else:
            report.unchanged += 1
    return report


def news_files(paths: list[Path]) -> list[Path]:
    """Files named on the command line, and news files inside named directories (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NEWS_SUFFIXES))
        else:
            found.append(path)
    return found


def ingest_path(*, path: Path) -> FileReport:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return FileReport(str(path), error=f"file is larger than {MAX_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        return FileReport(str(path), error=exc.strerror or str(exc))
    report = ingest_bytes(name=path.name, data=data)
    report.path = str(path)
    return report


def _article_for(version: Any, number: int | None) -> Any:
    if number is None:
        return None
    return version.articles.filter(number=number).first()


def confirm_news_proposal(*, analyst: Any, item: ExtractedProposal, version: Any) -> Any:
    """Turn a proposal stated in the news into a proposal of the consultation (media channel).

    Only analysts (and admins) may; confirming twice returns the same proposal."""
    from kenes.proposals.actions import submit_proposal
    from kenes.proposals.models import Channel, Kind

    if not (analyst.is_authenticated and analyst.is_analyst):
        raise PermissionDenied
    with transaction.atomic():
        item = ExtractedProposal.objects.select_for_update().select_related("news").get(pk=item.pk)
        if item.status == ExtractedProposal.Status.CONFIRMED and item.proposal is not None:
            return item.proposal
        article = _article_for(version, item.article_number)
        news = item.news
        proposal = submit_proposal(
            version=version,
            article=article,
            text=item.text if len(item.text) >= 20 or not item.sentence else item.sentence,
            kind=Kind.AMEND if article is not None else Kind.COMMENT,
            region=(news.regions or [""])[0],
            channel=Channel.MEDIA,
            author_name=item.author,
            source="news",
            source_id=f"news-proposal-{item.pk}",
        )
        item.status = ExtractedProposal.Status.CONFIRMED
        item.proposal = proposal
        item.decided_by = analyst
        item.decided_at = timezone.now()
        item.save(update_fields=["status", "proposal", "decided_by", "decided_at"])
    return proposal


def reject_news_proposal(*, analyst: Any, item: ExtractedProposal) -> None:
    if not (analyst.is_authenticated and analyst.is_analyst):
        raise PermissionDenied
    ExtractedProposal.objects.filter(pk=item.pk, status=ExtractedProposal.Status.PENDING).update(
        status=ExtractedProposal.Status.REJECTED, decided_by=analyst, decided_at=timezone.now())


def facts_json(article: NewsArticle) -> str:
    return json.dumps(article.facts, ensure_ascii=False, indent=1)


def link_event(*, user: Any, article: NewsArticle, event: Any) -> EventCoverage:
    """Confirm that the article covers the event (idempotent; a suggestion or dismissal becomes a link)."""
    match = score(article_facts(article), event_facts(event), days=LINK_DAYS)
    defaults: dict[str, Any] = {"source": EventCoverage.Source.CONFIRMED, "linked_by": user,
                                "linked_at": timezone.now()}
    if match is not None:
        defaults.update(score=match.score, reasons=match.as_json())
    with transaction.atomic():
        link, created = EventCoverage.objects.select_for_update().get_or_create(
            article=article, event=event, defaults=defaults)
        if not created and link.source != EventCoverage.Source.CONFIRMED:
            for key, value in defaults.items():
                setattr(link, key, value)
            link.save()
    return link


def unlink_event(*, user: Any, article: NewsArticle, event: Any) -> None:
    """Take the link back; kept as dismissed so that bulk matching does not suggest it again."""
    EventCoverage.objects.update_or_create(
        article=article, event=event,
        defaults={"source": EventCoverage.Source.DISMISSED, "linked_by": user, "linked_at": timezone.now()},
    )


@dataclass
class LinkReport:
    articles: int = 0
    created: int = 0
    unchanged: int = 0


def store_event_suggestions(*, articles: Any = None, days: int = 2, limit: int = 3) -> LinkReport:
    """Store the best matching events of each article as suggestions. Idempotent: links already
    stored (suggested, confirmed or dismissed) are left as they are."""
    report = LinkReport()
    queryset = NewsArticle.objects.exclude(date=None).exclude(region_tags="") if articles is None else articles
    for article in queryset.iterator(chunk_size=200):
        report.articles += 1
        for event, match in suggest(article, regions=article.regions, days=days, limit=limit):
            _link, created = EventCoverage.objects.get_or_create(
                article=article, event=event, defaults={"score": match.score, "reasons": match.as_json()})
            if created:
                report.created += 1
            else:
                report.unchanged += 1
    return report
