"""News sources and articles, the facts extracted from them, and the proposals they state.

One story is stored once (`NewsArticle.fingerprint`, computed from its normalised text) and keeps
every outlet, URL or file that carried it (`NewsArticleSource`). The extracted facts are kept whole
(`facts`, the output of `kenes.nlp.news.extract`) and, for filtering, as tag strings
("|atyrau|kyzylorda|") that work the same on SQLite and PostgreSQL. Links to campaign events can
be made later from `facts` (where, when, event types, figures) without re-reading the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kenes.nlp.gazetteer import fold

WORDS = re.compile(r"[^\W_]+")
ATTRIBUTION = re.compile(r"(деп хабарлайды|деп жазады|сообщает|передает|передаёт|пишет)\s+\S+", re.IGNORECASE)


def tags(values: Iterable[str]) -> str:
    """["atyrau", "almaty"] -> "|atyrau|almaty|" (empty string for no values)."""
    cleaned = [v for v in values if v and "|" not in v]
    return "|" + "|".join(cleaned) + "|" if cleaned else ""


def fingerprint(title: str, body: str) -> str:
    """The same story reprinted by several outlets gets the same fingerprint: case, punctuation,
    spacing and the outlet's own attribution ("деп хабарлайды BAQ.KZ") do not count."""
    words = WORDS.findall(fold(ATTRIBUTION.sub(" ", body)))
    if len(words) < 20:
        words = WORDS.findall(fold(title)) + words
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


class NewsSource(models.Model):
    """An outlet (news site, agency, feed)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("website"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("news source")
        verbose_name_plural = _("news sources")

    def __str__(self) -> str:
        return self.name


class NewsArticleQuerySet(models.QuerySet["NewsArticle"]):
    def in_region(self, slug: str) -> NewsArticleQuerySet:
        return self.filter(region_tags__contains=f"|{slug}|")

    def with_event_type(self, event_type: str) -> NewsArticleQuerySet:
        return self.filter(event_tags__contains=f"|{event_type}|")

    def with_theme(self, theme: str) -> NewsArticleQuerySet:
        return self.filter(theme_tags__contains=f"|{theme}|")

    def between(self, start: Any = None, end: Any = None) -> NewsArticleQuerySet:
        queryset = self
        if start:
            queryset = queryset.filter(date__gte=start)
        if end:
            queryset = queryset.filter(date__lte=end)
        return queryset


class NewsArticle(models.Model):
    title = models.CharField(_("title"), max_length=1000, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    body = models.TextField(_("text"), blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    facts = models.JSONField(_("extracted facts"), default=dict, blank=True)
    region_tags = models.CharField(max_length=400, blank=True, db_index=True)
    event_tags = models.CharField(max_length=400, blank=True)
    theme_tags = models.CharField(max_length=600, blank=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    objects = NewsArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def __str__(self) -> str:
        return self.title or self.body[:80]

    def get_absolute_url(self) -> str:
        return reverse("media:detail", args=[self.pk])

    @property
    def text(self) -> str:
        """The text the fact spans point into."""
        return self.title + "\n" + self.body

    @property
    def regions(self) -> list[str]:
        return [t for t in self.region_tags.split("|") if t]

    @property
    def event_types(self) -> list[str]:
        return [t for t in self.event_tags.split("|") if t]

    @property
    def themes(self) -> list[str]:
        return [t for t in self.theme_tags.split("|") if t]

    def set_facts(self, facts: dict[str, Any]) -> None:
        self.facts = facts
        self.region_tags = tags(facts.get("regions", []))
        self.event_tags = tags(facts.get("event_types", []))
        self.theme_tags = tags(facts.get("themes", []))


class NewsArticleSource(models.Model):
    """One outlet, URL or file that carried an article."""

    article = models.ForeignKey(NewsArticle, on_delete=models.CASCADE, related_name="sources")
    source = models.ForeignKey(NewsSource, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    url = models.URLField(_("address"), max_length=1000, blank=True)
    file = models.CharField(_("file"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "source", "url", "file"], name="media_source_once"),
        ]
        verbose_name = _("article source")
        verbose_name_plural = _("article sources")

    def __str__(self) -> str:
        return self.url or self.file or str(self.source or "")


class ExtractedProposal(models.Model):
    """A proposal stated in the news ("the party proposes to add … to Article 8"); an analyst may
    confirm it into a proposal of the consultation through the media channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an analyst")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    news = models.ForeignKey(NewsArticle, on_delete=models.CASCADE, related_name="extracted_proposals")
    text = models.TextField(_("text"))
    sentence = models.TextField(_("sentence in the news"), blank=True)
    author_organization = models.CharField(_("organisation"), max_length=300, blank=True)
    author_person = models.CharField(_("person"), max_length=300, blank=True)
    article_number = models.PositiveIntegerField(_("article number"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["news", "id"]
        verbose_name = _("proposal stated in the news")
        verbose_name_plural = _("proposals stated in the news")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def author(self) -> str:
        return self.author_organization or self.author_person


class EventCoverageQuerySet(models.QuerySet["EventCoverage"]):
    def confirmed(self) -> EventCoverageQuerySet:
        return self.filter(source=EventCoverage.Source.CONFIRMED).select_related("article")

    def suggested(self) -> EventCoverageQuerySet:
        return self.filter(source=EventCoverage.Source.SUGGESTED)


class EventCoverage(models.Model):
    """A news article reporting on a campaign event: suggested by matching the article's facts
    (`kenes news link-events`), confirmed by a coordinator or analyst, or dismissed (kept so that
    the bulk matching does not suggest it again)."""

    class Source(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    article = models.ForeignKey(NewsArticle, on_delete=models.CASCADE, related_name="event_links")
    event = models.ForeignKey("campaign.Event", on_delete=models.CASCADE, related_name="news_coverage")
    source = models.CharField(_("link"), max_length=10, choices=Source.choices, default=Source.SUGGESTED)
    score = models.FloatField(_("score"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventCoverageQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "event"], name="media_event_coverage_once")]
        verbose_name = _("event coverage")
        verbose_name_plural = _("event coverage")

    def __str__(self) -> str:
        return f"article {self.article_id} on event {self.event_id} ({self.source})"
