"""Citizens' proposals, supports, the append-only receipt log, moderation and official answers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Article, Version


class Kind(models.TextChoices):
    AMEND = "amend", _("Amend")
    ADD = "add", _("Add")
    DELETE = "delete", _("Delete")
    COMMENT = "comment", _("Comment")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    MEETING = "meeting", _("Meeting")
    MEDIA = "media", _("Media")


class Status(models.TextChoices):
    NEW = "new", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")
    NOTED = "noted", _("Noted")


ANSWER_STATUSES = (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.REJECTED, Status.NOTED)


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def public(self) -> ProposalQuerySet:
        return self.filter(is_hidden=False)

    def visible_to(self, user: Any) -> ProposalQuerySet:
        """Public proposals, plus the user's own hidden ones; moderators and analysts see all."""
        if user is not None and user.is_authenticated:
            if user.can_see_personal_data:
                return self.all()
            return self.filter(models.Q(is_hidden=False) | models.Q(author=user))
        return self.public()

    def answered(self) -> ProposalQuerySet:
        return self.filter(status__in=ANSWER_STATUSES)

    def unanswered(self) -> ProposalQuerySet:
        return self.exclude(status__in=ANSWER_STATUSES)

    def for_version(self, version: Version) -> ProposalQuerySet:
        return self.filter(version=version)

    def for_article(self, article: Article) -> ProposalQuerySet:
        return self.filter(article=article)

    def in_region(self, region: str) -> ProposalQuerySet:
        return self.filter(region=region)


class Proposal(models.Model):
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("version"))
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals", verbose_name=_("article"),
        help_text=_("Empty: a proposal on the draft as a whole."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AMEND)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True, db_index=True)
    region = models.CharField(_("region"), max_length=40, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True, help_text=_("Import source (file, portal)."))
    source_id = models.CharField(_("source id"), max_length=200, blank=True)
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    answer_text = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    is_hidden = models.BooleanField(_("hidden"), default=False, db_index=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    hidden_at = models.DateTimeField(null=True, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    search_text = models.TextField(blank=True, help_text="Normalised, stemmed terms for full-text search.")
    created_at = models.DateTimeField(_("submitted at"), db_index=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~models.Q(source_id=""), name="proposal_unique_source_id",
            ),
        ]
        indexes = [
            models.Index(fields=["version", "is_hidden", "-created_at"], name="proposal_version_list"),
            models.Index(fields=["article", "is_hidden"], name="proposal_article"),
        ]

    def __str__(self) -> str:
        return self.receipt_code

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.receipt_code])

    @property
    def is_answered(self) -> bool:
        return self.status in ANSWER_STATUSES

    def canonical_content(self) -> dict[str, Any]:
        """What the receipt log vouches for: the proposal as submitted (not its later status)."""
        return {
            "receipt": self.receipt_code,
            "version": self.version_id,
            "article": self.article.number if self.article_id and self.article else None,
            "kind": self.kind,
            "text": self.text,
            "region": self.region,
            "channel": self.channel,
            "author": self.author_id,
            "source": self.source,
            "source_id": self.source_id,
            "created_at": self.created_at.isoformat(),
        }

    def content_hash(self) -> str:
        payload = json.dumps(self.canonical_content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_user")]


class AppendOnlyError(Exception):
    pass


class ReceiptEntry(models.Model):
    """One link of the append-only, hash-chained receipt log.

    `proposal_id` is a plain integer (not a foreign key) so that deleting a proposal leaves its
    entry behind, and `kenes verify-log` can name it.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    proposal_id = models.BigIntegerField(db_index=True)
    receipt_code = models.CharField(max_length=16, unique=True)
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("receipt log entry")
        verbose_name_plural = _("receipt log")

    GENESIS = "0" * 64

    @staticmethod
    def compute_entry_hash(seq: int, receipt_code: str, content_hash: str, prev_hash: str, created_at: str) -> str:
        payload = f"{seq}|{receipt_code}|{content_hash}|{prev_hash}|{created_at}"
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def expected_hash(self) -> str:
        return self.compute_entry_hash(self.seq, self.receipt_code, self.content_hash, self.prev_hash, self.created_at.isoformat())

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("receipt log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("receipt log entries cannot be deleted")
