"""Writes that touch several models: submission with its receipt-log entry, supports,
moderation and official answers (each change recorded in ProposalChange).

Submission rules (`submit_proposal`, `create_proposals`):
- Web and API proposals are accepted only while the version's consultation window is open.
  The demo and tests may back-date them with `created_at`, which must then lie inside the window
  and not in the future.
- Import, meeting and media proposals record something said or written earlier: with an explicit
  `created_at` inside the window they are accepted even after the window has closed (historical
  data); without one they are treated like a new submission and need an open window.
- Text is normalised (kenes.nlp.text.normalize line by line: zero-width and bidi controls go,
  line breaks stay), must not be empty and must not exceed settings.KENES_PROPOSAL_MAX_CHARS.
- (source, source_id) is idempotent: submitting it again returns the stored proposal with
  `proposal.already_present = True` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, router, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kenes.drafts.models import Article, Version
from kenes.nlp.langid import detect
from kenes.nlp.text import normalize, search_terms
from kenes.prepared import Prepared
from kenes.proposals.models import (
    ANSWER_STATUSES,
    Channel,
    Kind,
    Proposal,
    ProposalChange,
    ReceiptEntry,
    Status,
    Support,
    generate_receipt_code,
    taken_receipt_codes,
)
from kenes.proposals.tasks import analyse_proposal
from kenes.regions import REGION_SLUGS

HISTORICAL_CHANNELS = frozenset({Channel.IMPORT, Channel.MEETING, Channel.MEDIA})
KINDS = frozenset(Kind.values)
CHANNELS = frozenset(Channel.values)
# A clock a little ahead on the sender's side is not a reason to refuse.
FUTURE_TOLERANCE = timedelta(minutes=5)
RECEIPT_LOG_LOCK = 7_041_995_2026  # PostgreSQL advisory lock key for appends to the receipt log


class SubmissionError(Exception):
    """A proposal that cannot be accepted; str(error) is a translated message for the person."""


class SubmissionClosed(SubmissionError):
    pass


class InvalidProposal(SubmissionError):
    pass


# ---------------------------------------------------------------- validation


def clean_text(text: str) -> str:
    """Normalised text (line breaks kept, at most one empty line in a row), or InvalidProposal."""
    max_chars = settings.KENES_PROPOSAL_MAX_CHARS
    raw = text or ""
    if len(raw) > max_chars * 4:  # do not spend time normalising something far too long
        raise InvalidProposal(_("The text is too long: at most %(max)d characters.") % {"max": max_chars})
    lines = [normalize(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    cleaned = "\n".join(kept).strip()
    if not cleaned:
        raise InvalidProposal(_("The text is empty."))
    if len(cleaned) > max_chars:
        raise InvalidProposal(
            _("The text is too long: %(length)d characters, at most %(max)d.") % {"length": len(cleaned), "max": max_chars}
        )
    return cleaned


def window_text(version: Version) -> str:
    if version.consultation_opens is None or version.consultation_closes is None:
        return _("This version has no consultation window.")
    return _("The consultation runs from %(opens)s to %(closes)s.") % {
        "opens": formats.date_format(timezone.localtime(version.consultation_opens), "DATETIME_FORMAT"),
        "closes": formats.date_format(timezone.localtime(version.consultation_closes), "DATETIME_FORMAT"),
    }


def in_window(version: Version, moment: datetime) -> bool:
    return bool(
        version.consultation_opens is not None
        and version.consultation_closes is not None
        and version.consultation_opens <= moment < version.consultation_closes
    )


def check_window(*, version: Version, channel: str, created_at: datetime | None, now: datetime) -> None:
    if created_at is not None:
        if created_at > now + FUTURE_TOLERANCE:
            raise InvalidProposal(_("The submission date lies in the future."))
        if not in_window(version, created_at):
            raise SubmissionClosed(
                _("The submission date is outside the consultation window.") + " " + window_text(version)
            )
        if channel in HISTORICAL_CHANNELS:
            return
    if not version.is_open(now):
        raise SubmissionClosed(_("Proposals on this version are not accepted now.") + " " + window_text(version))


def prepare_proposal(
    *,
    version: Version,
    article: Article | None,
    text: str,
    kind: str,
    region: str,
    channel: str,
    author: Any = None,
    author_name: str = "",
    source: str = "",
    source_id: str = "",
    created_at: datetime | None = None,
    now: datetime | None = None,
) -> Proposal:
    """A validated, unsaved Proposal (receipt code not yet assigned), or SubmissionError."""
    now = now or timezone.now()
    if created_at is not None and timezone.is_naive(created_at):
        created_at = timezone.make_aware(created_at)
    if kind not in KINDS:
        raise InvalidProposal(_("Unknown kind of proposal: %(kind)s.") % {"kind": str(kind)[:40]})
    if channel not in CHANNELS:
        raise InvalidProposal(_("Unknown channel: %(channel)s.") % {"channel": str(channel)[:40]})
    region = (region or "").strip()
    if region and region not in REGION_SLUGS:
        raise InvalidProposal(_("Unknown region: %(region)s.") % {"region": region[:60]})
    if article is not None and article.version_id != version.pk:
        raise InvalidProposal(_("This article does not belong to the version under discussion."))
    if len(source) > 100 or len(source_id) > 200:
        raise InvalidProposal(_("The source or its identifier is too long."))
    check_window(version=version, channel=channel, created_at=created_at, now=now)
    cleaned = clean_text(text)
    return Proposal(
        version=version,
        article=article,
        kind=kind,
        text=cleaned,
        language=detect(cleaned),
        region=region,
        channel=channel,
        author=author if author is not None and getattr(author, "is_authenticated", False) else None,
        author_name=normalize(author_name or "")[:200],
        source=source,
        source_id=source_id,
        search_text=" ".join(search_terms(cleaned)),
        created_at=(created_at or now).astimezone(UTC),
        status=Status.NEW,
    )


# ---------------------------------------------------------------- the receipt log


def lock_receipt_log(using: str) -> None:
    """Serialise appends to the log. PostgreSQL: a transaction-scoped advisory lock. SQLite:
    nothing to do, the IMMEDIATE transaction mode (settings) already serialises writers."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECEIPT_LOG_LOCK])


# Codes checked per query: two placeholders each (proposals and log entries), well below the
# parameter limits of SQLite and PostgreSQL for any import batch size.
CODES_PER_QUERY = 500


def assign_receipt_codes(proposals: Sequence[Proposal], using: str) -> None:
    """Fresh codes, unique among proposals and log entries (also those of deleted proposals)."""
    pending = list(proposals)
    taken: set[str] = set()
    while pending:
        codes = {}
        for proposal in pending:
            code = generate_receipt_code()
            while code in taken or code in codes:
                code = generate_receipt_code()
            codes[code] = proposal
        candidates = list(codes)
        clashes: set[str] = set()
        for start in range(0, len(candidates), CODES_PER_QUERY):
            clashes |= taken_receipt_codes(candidates[start : start + CODES_PER_QUERY], using)
        pending = []
        for code, proposal in codes.items():
            if code in clashes:
                pending.append(proposal)
            else:
                proposal.receipt_code = code
                taken.add(code)


def append_receipt_entries(proposals: Sequence[Proposal], using: str) -> list[ReceiptEntry]:
    """Append one chained entry per saved proposal, in order. Call inside a transaction after
    `lock_receipt_log`."""
    seq, prev_hash = ReceiptEntry.last_link(using) or (0, ReceiptEntry.GENESIS)
    logged_at = timezone.now().astimezone(UTC)
    stamp = logged_at.isoformat()
    entries = []
    for proposal in proposals:
        seq += 1
        content_hash = proposal.content_hash()
        entry_hash = ReceiptEntry.compute_entry_hash(seq, proposal.receipt_code, content_hash, prev_hash, stamp)
        entries.append(ReceiptEntry(
            seq=seq, proposal_id=proposal.pk, receipt_code=proposal.receipt_code, content_hash=content_hash,
            prev_hash=prev_hash, entry_hash=entry_hash, created_at=logged_at,
        ))
        prev_hash = entry_hash
    return ReceiptEntry.objects.using(using).bulk_create(entries)


# ---------------------------------------------------------------- submission


# A stored proposal by its id of one source, with its version, document and article (what a
# receipt answer shows): every submission with an id asks, so compiled once (kenes.prepared).
BY_SOURCE = Prepared(
    Proposal,
    lambda source, source_id: Proposal.objects.from_source(source, [source_id])
    .select_related("version__document", "article")
    .order_by(),
    "text",
    "text",
)


def existing_for_source(source: str, source_id: str) -> Proposal | None:
    """The stored proposal with this (source, source_id), marked `already_present`; None if there
    is none."""
    if not source_id:
        return None
    proposal = BY_SOURCE.first(source, source_id)
    if proposal is not None:
        proposal.already_present = True  # type: ignore[attr-defined]
    return proposal


def submit_proposal(
    *,
    version: Version,
    article: Article | None,
    text: str,
    kind: str,
    region: str,
    channel: str,
    author: Any = None,
    author_name: str = "",
    source: str = "",
    source_id: str = "",
    created_at: datetime | None = None,
) -> Proposal:
    """Accept one proposal: stored with its receipt-log entry in one transaction, analysis queued.

    Raises SubmissionClosed / InvalidProposal (SubmissionError) with a translated message.
    A second submission with the same (source, source_id) returns the stored proposal with
    `already_present = True`.
    """
    source = (source or "").strip()
    source_id = (source_id or "").strip()
    existing = existing_for_source(source, source_id)
    if existing is not None:
        return existing
    proposal = prepare_proposal(
        version=version, article=article, text=text, kind=kind, region=region, channel=channel, author=author,
        author_name=author_name, source=source, source_id=source_id, created_at=created_at,
    )
    using = router.db_for_write(Proposal)
    try:
        with transaction.atomic(using=using):
            lock_receipt_log(using)
            assign_receipt_codes([proposal], using)
            proposal.save(force_insert=True, using=using)
            append_receipt_entries([proposal], using)
    except IntegrityError:
        # Another request stored the same (source, source_id) a moment ago.
        existing = existing_for_source(source, source_id)
        if existing is None:
            raise
        return existing
    proposal.already_present = False  # type: ignore[attr-defined]
    proposal_id = proposal.pk
    transaction.on_commit(lambda: analyse_proposal.enqueue(proposal_id), using=using)
    return proposal


@dataclass
class BatchResult:
    created: list[Proposal]
    already_present: list[Proposal]  # the given proposals skipped because their (source, source_id) is stored


def stored_source_ids(keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (source, source_id) pairs are already stored."""
    present: set[tuple[str, str]] = set()
    for source in {key[0] for key in keys}:
        ids = [key[1] for key in keys if key[0] == source]
        rows = Proposal.objects.from_source(source, ids).order_by().values_list("source_id", flat=True)
        present.update((source, source_id) for source_id in rows)
    return present


def create_proposals(*, proposals: Sequence[Proposal]) -> BatchResult:
    """Store prepared proposals (from `prepare_proposal`) in one transaction: those whose
    (source, source_id) is already stored are skipped, the others are bulk-inserted with their
    receipt-log entries in order. Language and search terms are already filled, so no analysis
    task is queued per proposal (the insights app analyses imports in batches)."""
    using = router.db_for_write(Proposal)
    with transaction.atomic(using=using):
        lock_receipt_log(using)
        present = stored_source_ids([(p.source, p.source_id) for p in proposals if p.source_id])
        fresh: list[Proposal] = []
        skipped: list[Proposal] = []
        for proposal in proposals:
            key = (proposal.source, proposal.source_id)
            if proposal.source_id and key in present:
                skipped.append(proposal)
                continue
            if proposal.source_id:
                present.add(key)
            fresh.append(proposal)
        assign_receipt_codes(fresh, using)
        created = Proposal.objects.using(using).bulk_create(fresh)
        append_receipt_entries(created, using)
    return BatchResult(created=created, already_present=skipped)


# ---------------------------------------------------------------- supports, moderation, answers


def record_change(*, proposal: Proposal, user: Any, field: str, before: Any, after: Any) -> ProposalChange:
    return ProposalChange.objects.create(
        proposal=proposal, user=user, field=field,
        before="" if before is None else str(before), after="" if after is None else str(after),
    )


def support_proposal(*, proposal: Proposal, user: Any) -> bool:
    """One support per user; True when it is new. Hidden proposals and closed windows refuse."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    if proposal.is_hidden:
        raise InvalidProposal(_("This proposal is hidden and cannot be supported."))
    if not proposal.version.is_open():
        raise SubmissionClosed(_("Supports are accepted only during the consultation.") + " " + window_text(proposal.version))
    using = router.db_for_write(Support)
    try:
        # The support and the count change together; the count comes back from the update.
        with transaction.atomic(using=using):
            count = Support.objects.using(using).add(proposal_id=proposal.pk, user_id=user.pk)
    except IntegrityError:  # the proposal or the user was deleted meanwhile (foreign keys)
        return False
    if count is None:  # this user already supports it
        return False
    proposal.support_count = count
    return True


def clean_reason(reason: str) -> str:
    cleaned = normalize(reason or "")[:2000]
    if not cleaned:
        raise InvalidProposal(_("Please give a reason."))
    return cleaned


def hide_proposal(*, proposal: Proposal, moderator: Any, reason: str) -> Proposal:
    if not getattr(moderator, "is_moderator", False):
        raise PermissionDenied
    reason = clean_reason(reason)
    with transaction.atomic():
        record_change(proposal=proposal, user=moderator, field="is_hidden", before=proposal.is_hidden, after=True)
        record_change(proposal=proposal, user=moderator, field="hidden_reason", before=proposal.hidden_reason, after=reason)
        proposal.is_hidden = True
        proposal.hidden_reason = reason
        proposal.hidden_by = moderator
        proposal.hidden_at = timezone.now()
        proposal.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    return proposal


def unhide_proposal(*, proposal: Proposal, moderator: Any, reason: str = "") -> Proposal:
    if not getattr(moderator, "is_moderator", False):
        raise PermissionDenied
    with transaction.atomic():
        record_change(proposal=proposal, user=moderator, field="is_hidden", before=proposal.is_hidden, after=False)
        record_change(
            proposal=proposal, user=moderator, field="hidden_reason", before=proposal.hidden_reason,
            after=normalize(reason or "")[:2000],
        )
        proposal.is_hidden = False
        proposal.hidden_reason = ""
        proposal.hidden_by = None
        proposal.hidden_at = None
        proposal.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    return proposal


def can_answer(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_analyst or user.is_commission)
    )


def answer_proposal(*, proposal: Proposal, user: Any, status: str, text: str) -> Proposal:
    """Set the status and the official answer (analysts, commission members, admins).
    An answer status (accepted, partly accepted, rejected, noted) needs a text."""
    if not can_answer(user):
        raise PermissionDenied
    if status not in Status.values:
        raise InvalidProposal(_("Unknown status: %(status)s.") % {"status": str(status)[:40]})
    answer = "\n".join(normalize(line) for line in (text or "").splitlines()).strip()
    if len(answer) > settings.KENES_PROPOSAL_MAX_CHARS * 2:
        raise InvalidProposal(_("The answer is too long."))
    if status in ANSWER_STATUSES and not answer:
        raise InvalidProposal(_("An official answer needs a text."))
    with transaction.atomic():
        if proposal.status != status:
            record_change(proposal=proposal, user=user, field="status", before=proposal.status, after=status)
        if proposal.answer_text != answer:
            record_change(proposal=proposal, user=user, field="answer_text", before=proposal.answer_text, after=answer)
        proposal.status = status
        proposal.answer_text = answer
        if status in ANSWER_STATUSES:
            proposal.answered_at = timezone.now()
            proposal.answered_by = user
        proposal.save(update_fields=["status", "answer_text", "answered_at", "answered_by"])
    return proposal
