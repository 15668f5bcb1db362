"""Citizens' proposals, supports, the append-only receipt log, moderation and official answers."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenes.drafts.models import Article, Version
from kenes.nlp.pii import mask_name, mask_personal_data
from kenes.nlp.text import search_terms

# Receipt codes: 10 symbols of Crockford's base32 (no I, L, O, U: nothing to misread), 50 random
# bits from `secrets`, shown in groups as KX4F-9QZ2-M7 (12 characters with the dashes).
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 10
_RECEIPT_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_RECEIPT_JUNK = re.compile(r"[\s\-_.]+")


def generate_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_receipt_code(value: str) -> str | None:
    """A receipt code as typed by a person (any case, spaces, O for 0, I or L for 1) in its
    canonical grouped form, or None when it cannot be one."""
    raw = _RECEIPT_JUNK.sub("", (value or "")[:40]).upper().translate(_RECEIPT_READ_AS)
    if len(raw) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


MAX_QUERY_TERMS = 12


def query_terms(query: str) -> list[str]:
    """The stemmed, folded terms of a search query (word characters only, so they are safe to
    quote in FTS5 and tsquery syntax); the same `search_terms` feed the index."""
    terms: list[str] = []
    for term in search_terms((query or "")[:500]):
        for piece in re.findall(r"\w+", term):
            if len(piece) < 2 and not piece.isdigit():
                continue  # a one-letter prefix would match nearly everything
            if piece not in terms:
                terms.append(piece)
    return terms[:MAX_QUERY_TERMS]


class Kind(models.TextChoices):
    # A context of their own: Django's and other apps' "Add"/"Delete" are buttons, these are kinds.
    AMEND = "amend", pgettext_lazy("proposal kind", "Amendment")
    ADD = "add", pgettext_lazy("proposal kind", "Addition")
    DELETE = "delete", pgettext_lazy("proposal kind", "Deletion")
    COMMENT = "comment", pgettext_lazy("proposal kind", "Comment")


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

    def counts_by_article(self, version: Version, article_ids: list[int]) -> dict[int | None, int]:
        """How many of these proposals concern each of the version's articles (`article_ids`), and
        under the key None how many concern the draft as a whole; zero counts are left out.

        Two index-only scans instead of grouping every proposal of the version (which PostgreSQL
        answers with a sequential scan): `proposal_article` (article, is_hidden) for the articles,
        the partial `proposal_whole_draft` (version, is_hidden) WHERE article IS NULL for the rest."""
        counts: dict[int | None, int] = {}
        if article_ids:
            rows = (
                self.filter(article_id__in=article_ids)
                .values("article_id")
                .annotate(n=models.Count("*"))
                .order_by()
                .values_list("article_id", "n")
            )
            counts.update(rows)
        whole = self.filter(version=version, article__isnull=True).count()
        if whole:
            counts[None] = whole
        return counts

    def in_region(self, region: str) -> ProposalQuerySet:
        return self.filter(region=region)

    def from_source(self, source: str, source_ids: list[str]) -> ProposalQuerySet:
        """Proposals with these ids of one source. The source_id <> '' term lets the database use
        the partial unique index on (source, source_id)."""
        return self.filter(~models.Q(source_id=""), source=source, source_id__in=source_ids)

    def search(self, query: str) -> ProposalQuerySet:
        """Full-text search over `search_text`: every query term must match (words as a prefix of
        an indexed term, numbers exactly). FTS5 on SQLite; on PostgreSQL the stored, GIN-indexed
        `search_vector` column (generated as to_tsvector('simple', search_text), migration 0004);
        the stemming is ours (kenes.nlp.text.search_terms) on both sides."""
        condition = search_condition(query, using=self.db)
        return self.none() if condition is None else self.filter(condition)


def search_condition(query: str, *, using: str = "default", prefix: str = "") -> models.Q | None:
    """The condition of `ProposalQuerySet.search` (None when the query has no term), for proposals
    reached through `prefix` ("proposal__" from a model with a `proposal` foreign key): one query
    that joins, filters and orders together, rather than a list of matching ids first."""
    terms = query_terms(query)
    if not terms:
        return None
    vendor = connections[using].vendor
    if vendor == "postgresql":
        tsquery = " & ".join(f"'{term}'" if term.isdigit() else f"'{term}':*" for term in terms)
        return models.Q(**{f"{prefix}search_text__{VectorMatch.lookup_name}": tsquery})
    if vendor == "sqlite":
        match = " ".join(f'"{term}"' if term.isdigit() else f'"{term}"*' for term in terms)
        return models.Q(**{f"{prefix}id__in": RawSQL(
            "SELECT rowid FROM proposals_proposal_fts WHERE proposals_proposal_fts MATCH %s", [match],
        )})
    condition = models.Q()
    for term in terms:
        condition &= models.Q(**{f"{prefix}search_text__contains": term})
    return condition


class VectorMatch(models.Lookup):  # type: ignore[type-arg]
    """`search_text__vector_match=<tsquery>` (PostgreSQL): the stored `search_vector` column of the
    same row (always to_tsvector('simple', search_text), migration 0004; not a Django field) matched
    with the GIN index. Registered on Proposal.search_text only; the row's table alias is Django's, so
    it works through joins and in subqueries."""

    lookup_name = "vector_match"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        table, column = lhs.rsplit(".", 1)
        if column != connection.ops.quote_name("search_text") or lhs_params:
            raise ValueError(f"vector_match works on Proposal.search_text only, not on {lhs}")
        return f"{table}.{connection.ops.quote_name('search_vector')} @@ to_tsquery('simple', {rhs})", [
            *lhs_params, *rhs_params,
        ]


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
            models.Index(
                fields=["version", "is_hidden"], condition=models.Q(article__isnull=True), name="proposal_whole_draft",
            ),
            # Every column the public page counts by (insights.stats.compute_public_figures) and the id its
            # themes are joined on: PostgreSQL counts from this narrow index alone (an index-only scan)
            # instead of reading the whole table with its texts.
            models.Index(
                fields=["is_hidden", "status", "channel", "region", "article", "created_at", "id"],
                name="proposal_public_figures",
            ),
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
            "article": self.article.label if self.article_id and self.article else None,
            "kind": self.kind,
            "text": self.text,
            "region": self.region,
            "channel": self.channel,
            "author": self.author_id,
            "source": self.source,
            "source_id": self.source_id,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
        }

    def content_hash(self) -> str:
        payload = json.dumps(self.canonical_content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    # Personal data: masked for the public, the original for those who need it.
    def public_text(self) -> str:
        return mask_personal_data(self.text)

    def public_author_name(self) -> str:
        return mask_name(self.author_name)

    def text_for(self, user: Any) -> str:
        if user is not None and getattr(user, "is_authenticated", False) and user.can_see_personal_data:
            return self.text
        return self.public_text()

    def author_name_for(self, user: Any) -> str:
        if user is not None and getattr(user, "is_authenticated", False) and user.can_see_personal_data:
            return self.author_name
        return self.public_author_name()

    def is_author(self, user: Any) -> bool:
        return bool(user is not None and getattr(user, "is_authenticated", False) and self.author_id == user.pk)


Proposal._meta.get_field("search_text").register_lookup(VectorMatch)


class ProposalChangeQuerySet(models.QuerySet["ProposalChange"]):
    def latest_mark(self) -> int:
        """The id of the latest recorded change (0 when there is none). Every change that alters
        what the public sees of a proposal (hidden, unhidden, answered) is recorded in the same
        transaction, so a public page rendered under an older mark is stale (kenes.pagecache)."""
        return self.mark_and_hidden(None)[0]

    def mark_and_hidden(self, author_id: int | None) -> tuple[int, bool]:
        """The latest mark and whether `author_id` has a hidden proposal (who then sees their own
        list, not the shared one), in one query. Every cached public page reads them, so this is
        plain SQL on two indexes: compiling it through the ORM cost three times as much CPU."""
        connection = connections[self.db]
        name = connection.ops.quote_name
        change = self.model._meta
        sql = f"SELECT (SELECT MAX({name(change.pk.column)}) FROM {name(change.db_table)})"  # noqa: S608  (names from the models, quoted)
        params: list[Any] = []
        if author_id is not None:
            proposal = Proposal._meta
            sql += (
                f", EXISTS (SELECT 1 FROM {name(proposal.db_table)}"  # noqa: S608
                f" WHERE {name(proposal.get_field('author').column)} = %s"
                f" AND {name(proposal.get_field('is_hidden').column)})"
            )
            params.append(author_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return int(row[0] or 0), bool(author_id is not None and row[1])


class ProposalChange(models.Model):
    """One recorded change by a moderator or analyst: who, when, which field, before and after."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes", verbose_name=_("proposal"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"),
    )
    field = models.CharField(_("field"), max_length=40)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = ProposalChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal change")
        verbose_name_plural = _("proposal changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.field}"


class SupportQuerySet(models.QuerySet["Support"]):
    def add(self, *, proposal_id: int, user_id: int) -> int | None:
        """Store the user's support and count it on the proposal: the proposal's new support count,
        or None when the user already supports it (nothing written). Call inside a transaction.

        Plain SQL, since every support runs it: the ORM's create, update and re-read of the count
        cost several times the queries themselves. The count comes back from the UPDATE with
        RETURNING, which PostgreSQL and SQLite from 3.35 have (the versions where Django's
        can_return_columns_from_insert is true); an older SQLite reads it back."""
        connection = connections[self.db]
        name = connection.ops.quote_name
        support = self.model._meta
        proposal = Proposal._meta
        created_at = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {name(support.db_table)} ({name('proposal_id')}, {name('user_id')}, {name('created_at')})"  # noqa: S608
                f" VALUES (%s, %s, %s) ON CONFLICT ({name('proposal_id')}, {name('user_id')}) DO NOTHING",
                [proposal_id, user_id, created_at],
            )
            if cursor.rowcount != 1:
                return None
            count = name("support_count")
            update = (
                f"UPDATE {name(proposal.db_table)} SET {count} = {count} + 1"  # noqa: S608
                f" WHERE {name(proposal.pk.column)} = %s"
            )
            if connection.features.can_return_columns_from_insert:
                cursor.execute(f"{update} RETURNING {count}", [proposal_id])
            else:
                cursor.execute(update, [proposal_id])
                cursor.execute(
                    f"SELECT {count} FROM {name(proposal.db_table)} WHERE {name(proposal.pk.column)} = %s",  # noqa: S608
                    [proposal_id],
                )
            row = cursor.fetchone()
        return None if row is None else int(row[0])


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupportQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


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

    def __str__(self) -> str:
        return f"#{self.seq} {self.receipt_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("receipt log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("receipt log entries cannot be deleted")

    @staticmethod
    def compute_entry_hash(seq: int, receipt_code: str, content_hash: str, prev_hash: str, created_at: str) -> str:
        payload = f"{seq}|{receipt_code}|{content_hash}|{prev_hash}|{created_at}"
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @classmethod
    def last_link(cls, using: str) -> tuple[int, str] | None:
        """The (seq, entry_hash) of the log's last entry, or None for an empty log: read on every
        submission (after `lock_receipt_log`), so plain SQL rather than a compiled ORM query."""
        connection = connections[using]
        name = connection.ops.quote_name
        sql = (
            f"SELECT {name('seq')}, {name('entry_hash')} FROM {name(cls._meta.db_table)}"  # noqa: S608
            f" ORDER BY {name('seq')} DESC LIMIT 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def expected_hash(self) -> str:
        return self.compute_entry_hash(
            self.seq, self.receipt_code, self.content_hash, self.prev_hash, self.created_at.astimezone(UTC).isoformat(),
        )


def taken_receipt_codes(codes: list[str], using: str) -> set[str]:
    """Which of these receipt codes a proposal or a log entry (also one of a deleted proposal)
    already has: one plain query over both tables, read on every submission."""
    if not codes:
        return set()
    connection = connections[using]
    name = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(codes))
    sql = " UNION ALL ".join(
        f"SELECT {name('receipt_code')} FROM {name(model._meta.db_table)} WHERE {name('receipt_code')} IN ({marks})"  # noqa: S608
        for model in (Proposal, ReceiptEntry)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*codes, *codes])
        return {row[0] for row in cursor.fetchall()}
