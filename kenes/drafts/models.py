"""Documents under consultation, their versions and articles (kk/ru side by side, en optional)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenes.translated import LANGS, pick


class Document(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_kk = models.CharField(_("title (kk)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (ru)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title("en") or self.slug

    def get_absolute_url(self) -> str:
        return reverse("drafts:document", args=[self.slug])

    def title(self, language: str = "kk") -> str:
        return pick(self, "title", language)


class VersionKind(models.TextChoices):
    IN_FORCE = "in_force", _("Law in force")
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class VersionQuerySet(models.QuerySet["Version"]):
    def published(self) -> VersionQuerySet:
        return self.filter(is_published=True)

    def under_consultation(self, now: datetime | None = None) -> VersionQuerySet:
        now = now or timezone.now()
        return self.published().filter(consultation_opens__lte=now, consultation_closes__gt=now).order_by("consultation_closes")

    def visible_to(self, user: Any) -> VersionQuerySet:
        """Published versions; staff and admins also see unpublished ones."""
        if can_see_unpublished(user):
            return self.all()
        return self.published()

    def for_document(self, document: Document) -> VersionQuerySet:
        return self.filter(document=document).order_by("date", "id")


def can_see_unpublished(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.is_admin))


class ConsultationState(models.TextChoices):
    NOT_SCHEDULED = "not_scheduled", _("No consultation scheduled")
    UPCOMING = "upcoming", _("Consultation not yet open")
    OPEN = "open", _("Open for proposals")
    CLOSED = "closed", _("Consultation closed")


class Version(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document"))
    name = models.SlugField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=VersionKind.choices, default=VersionKind.DRAFT)
    date = models.DateField(_("date"), null=True, blank=True)
    preamble_kk = models.TextField(_("preamble (kk)"), blank=True)
    preamble_ru = models.TextField(_("preamble (ru)"), blank=True)
    preamble_en = models.TextField(_("preamble (en)"), blank=True)
    consultation_opens = models.DateTimeField(_("consultation opens"), null=True, blank=True)
    consultation_closes = models.DateTimeField(_("consultation closes"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["document", "date", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "name"], name="version_unique_name")]

    def __str__(self) -> str:
        return f"{self.document.slug}/{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("drafts:version", args=[self.document.slug, self.name])

    def preamble(self, language: str = "kk") -> str:
        return pick(self, "preamble", language)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(
            self.is_published
            and self.consultation_opens is not None
            and self.consultation_closes is not None
            and self.consultation_opens <= now < self.consultation_closes
        )

    def consultation_state(self, now: datetime | None = None) -> ConsultationState:
        now = now or timezone.now()
        if self.consultation_opens is None or self.consultation_closes is None or not self.is_published:
            return ConsultationState.NOT_SCHEDULED
        if now < self.consultation_opens:
            return ConsultationState.UPCOMING
        if now < self.consultation_closes:
            return ConsultationState.OPEN
        return ConsultationState.CLOSED

    def languages(self) -> list[str]:
        """Languages with article text in this version (one query), in kk, ru, en order."""
        counts = self.articles.aggregate(
            **{lang: models.Count("id", filter=~models.Q(**{f"text_{lang}": ""})) for lang in LANGS}
        )
        return [lang for lang in LANGS if counts[lang]]



class ArticleQuerySet(models.QuerySet["Article"]):
    def for_version(self, version: Version) -> ArticleQuerySet:
        return self.filter(version=version).order_by("number", "sub_number")


class Article(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="articles", verbose_name=_("version"))
    number = models.PositiveIntegerField(_("number"))
    sub_number = models.PositiveSmallIntegerField(
        _("sub-number"), default=0, help_text=_("For inserted articles such as 83-1 (number 83, sub-number 1); 0 otherwise."),
    )
    section_kk = models.CharField(_("section (kk)"), max_length=300, blank=True)
    section_ru = models.CharField(_("section (ru)"), max_length=300, blank=True)
    section_en = models.CharField(_("section (en)"), max_length=300, blank=True)
    title_kk = models.CharField(_("title (kk)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (ru)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=500, blank=True)
    text_kk = models.TextField(_("text (kk)"), blank=True)
    text_ru = models.TextField(_("text (ru)"), blank=True)
    text_en = models.TextField(_("text (en)"), blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["version", "number", "sub_number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number", "sub_number"], name="article_unique_number_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.version} art. {self.label}"

    def get_absolute_url(self) -> str:
        args: list[Any] = [self.version.document.slug, self.version.name, self.number]
        if self.sub_number:
            return reverse("drafts:article_sub", args=[*args, self.sub_number])
        return reverse("drafts:article", args=args)

    @property
    def label(self) -> str:
        """The article's number as printed: "8", or "83-1" for an inserted article."""
        return f"{self.number}-{self.sub_number}" if self.sub_number else str(self.number)

    def text(self, language: str = "kk") -> str:
        return pick(self, "text", language)

    def title(self, language: str = "kk") -> str:
        return pick(self, "title", language)

    def section(self, language: str = "kk") -> str:
        return pick(self, "section", language)
