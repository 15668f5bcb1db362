"""Proposals (public fields only, personal data masked), receipts, and submission with a token."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.renderers import JSONRenderer
from ninja.responses import Status as Answer

from kenes import pagecache
from kenes.api.auth import TokenAuth
from kenes.api.common import MAX_ID, ApiError, ErrorOut, not_found
from kenes.drafts.models import Article, Version
from kenes.nlp.pii import mask_personal_data
from kenes.prepared import Prepared
from kenes.proposals.actions import SubmissionClosed, SubmissionError, submit_proposal
from kenes.proposals.models import (
    Channel,
    Kind,
    Proposal,
    ProposalChange,
    ReceiptEntry,
    Status,
    normalize_receipt_code,
)
from kenes.ratelimit import request_allowed
from kenes.regions import REGION_SLUGS

router = Router(tags=["proposals"])

MAX_PAGE_SIZE = 100
LANGUAGE_CODES = ("kk", "ru", "en", "other")
JSON = JSONRenderer()  # what NinjaAPI renders with; the cached list renders its JSON ahead


class ProposalOut(Schema):
    receipt_code: str
    document: str
    version: str
    version_id: int
    article: str | None = Field(description="The article's number (\"8\", \"83-1\"); null: the draft as a whole.")
    article_id: int | None
    kind: str = Field(description="amend, add, delete or comment.")
    text: str = Field(description="The proposal's text with personal data (IIN, phones, e-mails) masked.")
    language: str
    region: str
    channel: str = Field(description="web, api, import, meeting or media.")
    status: str = Field(description="new, under_review, accepted, partly_accepted, rejected or noted.")
    answer_text: str = Field(description="The official answer, once there is one (personal data masked too).")
    answered_at: datetime | None
    support_count: int
    created_at: datetime
    url: str


class ProposalPage(Schema):
    results: list[ProposalOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


class ReceiptOut(Schema):
    receipt_code: str
    counted: bool = Field(description="The proposal is in the append-only receipt log.")
    seq: int
    logged_at: datetime
    content_hash: str
    prev_hash: str
    entry_hash: str
    entry_verified: bool = Field(description="The entry's own hash recomputes from its fields.")
    content_verified: bool = Field(description="The stored proposal still hashes to the logged content hash.")
    status: str | None
    hidden: bool
    proposal_url: str | None


class ProposalFilters(Schema):
    version: int | None = Field(None, ge=1, le=MAX_ID, description="Version id.")
    article: int | None = Field(None, ge=1, le=MAX_ID, description="Article id.")
    region: str | None = Field(None, max_length=40, description="Region slug.")
    status: str | None = Field(None, max_length=20)
    language: str | None = Field(None, max_length=8)
    kind: str | None = Field(None, max_length=10)
    channel: str | None = Field(None, max_length=10)
    q: str | None = Field(None, max_length=500, description="Full-text search (Kazakh and Russian word forms).")
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=200)


class ProposalIn(Schema):
    text: str = Field(max_length=100_000)
    kind: str = Field("amend", max_length=20, description="amend, add, delete or comment.")
    region: str = Field("", max_length=40, description="Region slug of residence (may be empty).")
    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="Version id; default: the article's version, else the open one.",
    )
    article: int | None = Field(None, ge=1, le=MAX_ID, description="Article id; null: the draft as a whole.")
    client_id: str = Field(
        "", max_length=200,
        description="Your own id for this proposal: sending it again returns the first receipt instead of a copy.",
    )


class ProposalCreated(Schema):
    created: bool = Field(description="False when `client_id` was already used: the existing proposal is returned.")
    receipt_code: str
    receipt_url: str
    proposal: ProposalOut


def web_url(name: str, *args: Any) -> str:
    """A page of the site in the default language, or "" if that page does not exist."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse(name, args=args)
    except NoReverseMatch:
        return ""


DETAIL_PLACEHOLDER = "0000-0000-00"  # a valid receipt code: the URL pattern accepts it


def detail_url_maker() -> Callable[[str], str]:
    """A function from receipt code to the proposal's page (default language), reversing the
    URL once instead of once per proposal of a page (receipt codes need no quoting)."""
    template = web_url("proposals:detail", DETAIL_PLACEHOLDER)
    if not template:
        return lambda code: ""
    head, _sep, tail = template.partition(DETAIL_PLACEHOLDER)
    return lambda code: f"{head}{code}{tail}"


def proposal_out(proposal: Proposal, detail_url: Callable[[str], str] | None = None) -> dict[str, Any]:
    article = proposal.article
    return {
        "receipt_code": proposal.receipt_code,
        "document": proposal.version.document.slug,
        "version": proposal.version.name,
        "version_id": proposal.version_id,
        "article": article.label if article else None,
        "article_id": proposal.article_id,
        "kind": proposal.kind,
        "text": proposal.public_text(),
        "language": proposal.language,
        "region": proposal.region,
        "channel": proposal.channel,
        "status": proposal.status,
        "answer_text": mask_personal_data(proposal.answer_text) if proposal.is_answered else "",
        "answered_at": proposal.answered_at if proposal.is_answered else None,
        "support_count": proposal.support_count,
        "created_at": proposal.created_at,
        "url": detail_url(proposal.receipt_code) if detail_url else web_url("proposals:detail", proposal.receipt_code),
    }


# Columns a proposal's JSON never shows: the search terms and the draft's long texts, which
# select_related would otherwise fetch once per proposal of a page.
UNUSED_COLUMNS = (
    "search_text", "version__preamble_kk", "version__preamble_ru", "version__preamble_en",
    "article__text_kk", "article__text_ru", "article__text_en",
)


def public_proposals() -> Any:
    return (
        Proposal.objects.public().filter(version__is_published=True).select_related("version__document", "article")
        .defer(*UNUSED_COLUMNS)
    )


def check_choice(value: str | None, allowed: Any, field: str) -> None:
    if value is not None and value not in allowed:
        raise ApiError(422, "invalid", _("Unknown %(field)s: %(value)s") % {"field": field, "value": value})


def encode_cursor(proposal: Proposal) -> str:
    raw = f"{proposal.created_at.isoformat()}|{proposal.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _sep, pk = raw.partition("|")
        created_at = parse_datetime(stamp)
        if created_at is None or not pk.isascii() or not pk.isdigit() or int(pk) > MAX_ID:
            raise ValueError(raw)
        if timezone.is_naive(created_at):
            created_at = timezone.make_aware(created_at, UTC)
        return created_at, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ApiError(422, "invalid", _("The cursor is not valid; start again without it.")) from None


@router.get("/proposals", response={200: ProposalPage, 422: ErrorOut}, summary="Public proposals, newest first")
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]) -> Any:
    """Like the public list page, a page is the same for everyone: with the page cache on
    (kenes.pagecache) its JSON is rendered once per period, and a hidden proposal leaves it at once."""
    check_choice(filters.region, REGION_SLUGS, "region")
    check_choice(filters.status, Status.values, "status")
    check_choice(filters.kind, Kind.values, "kind")
    check_choice(filters.channel, Channel.values, "channel")
    check_choice(filters.language, LANGUAGE_CODES, "language")
    if not pagecache.enabled():
        return proposal_page(filters)
    mark = ProposalChange.objects.latest_mark()  # before the data: see kenes.pagecache

    def render() -> str:
        page = ProposalPage.model_validate(proposal_page(filters))
        return str(JSON.render(request, page.model_dump(), response_status=200))

    body = pagecache.cached_fragment("api_proposals", mark, sorted(filters.dict().items()), render)
    return HttpResponse(body, content_type=f"{JSON.media_type}; charset={JSON.charset}")


def proposal_page(filters: ProposalFilters) -> dict[str, Any]:
    proposals = public_proposals()
    for field in ("version", "article", "region", "status", "language", "kind", "channel"):
        value = getattr(filters, field)
        if value is not None:
            proposals = proposals.filter(**{f"{field}_id" if field in ("version", "article") else field: value})
    if filters.q and filters.q.strip():
        proposals = proposals.search(filters.q)
    if filters.cursor:
        created_at, pk = decode_cursor(filters.cursor)
        proposals = proposals.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    page = list(proposals.order_by("-created_at", "-pk")[: filters.limit + 1])
    has_more = len(page) > filters.limit
    page = page[: filters.limit]
    detail_url = detail_url_maker()
    return {
        "results": [proposal_out(p, detail_url) for p in page],
        "next_cursor": encode_cursor(page[-1]) if has_more else None,
    }


@router.get(
    "/proposals/{code}", response={200: ProposalOut, 404: ErrorOut}, summary="One public proposal by its receipt code",
)
def get_proposal(request: HttpRequest, code: str) -> dict[str, Any]:
    normal = normalize_receipt_code(code)
    proposal = public_proposals().filter(receipt_code=normal).first() if normal else None
    if proposal is None:
        raise not_found(_("No such public proposal."))
    return proposal_out(proposal)


@router.get(
    "/receipts/{code}", response={200: ReceiptOut, 404: ErrorOut},
    summary="Check a receipt: the proposal was counted, its log entry and current status",
)
def get_receipt(request: HttpRequest, code: str) -> dict[str, Any]:
    normal = normalize_receipt_code(code)
    entry = ReceiptEntry.objects.filter(receipt_code=normal).first() if normal else None
    if entry is None:
        raise not_found(_("No proposal with this receipt code was found."))
    proposal = Proposal.objects.select_related("article", "version").filter(pk=entry.proposal_id).first()
    public = proposal is not None and not proposal.is_hidden and proposal.version.is_published
    return {
        "receipt_code": entry.receipt_code,
        "counted": True,
        "seq": entry.seq,
        "logged_at": entry.created_at,
        "content_hash": entry.content_hash,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
        "entry_verified": entry.expected_hash() == entry.entry_hash,
        "content_verified": proposal is not None and proposal.content_hash() == entry.content_hash,
        "status": proposal.status if proposal is not None else None,
        "hidden": bool(proposal is not None and proposal.is_hidden),
        "proposal_url": web_url("proposals:detail", entry.receipt_code) or None if public else None,
    }


# A submission's article or version by id, with what the answer shows (the version's document),
# compiled once per process (kenes.prepared: compiling cost several times running the query).
# Without ordering: an id finds one row at most, and the models' default ordering (an article's
# by its version, number and sub-number) would only add a sort and joins. Without the long texts
# (articles' texts, versions' preambles): a submission never reads them.
TARGET_UNUSED_COLUMNS = ("preamble_kk", "preamble_ru", "preamble_en")
PUBLISHED_ARTICLE = Prepared(
    Article,
    lambda pk: Article.objects.select_related("version__document").filter(pk=pk, version__is_published=True)
    .order_by().defer("text_kk", "text_ru", "text_en", *(f"version__{name}" for name in TARGET_UNUSED_COLUMNS)),
    "number",
)
PUBLISHED_VERSION = Prepared(
    Version,
    lambda pk: Version.objects.published().select_related("document").filter(pk=pk).order_by()
    .defer(*TARGET_UNUSED_COLUMNS),
    "number",
)


def resolve_target(payload: ProposalIn) -> tuple[Version, Article | None]:
    """The version and article a submission is about (published only), or a 404/409 ApiError.
    The version comes with its document: the answer shows the document's slug."""
    article = None
    if payload.article is not None:
        article = PUBLISHED_ARTICLE.first(payload.article)
        if article is None:
            raise not_found(_("No such article."))
    if payload.version is not None:
        version = PUBLISHED_VERSION.first(payload.version)
        if version is None:
            raise not_found(_("No such published version."))
    elif article is not None:
        version = article.version
    else:
        version = Version.objects.under_consultation().select_related("document").first()
        if version is None:
            raise ApiError(409, "closed", _("No draft is open for proposals now."))
    return version, article


@router.post(
    "/proposals",
    auth=TokenAuth(),
    response={200: ProposalCreated, 201: ProposalCreated, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
              422: ErrorOut, 429: ErrorOut},
    summary="Submit a proposal (needs an API token)",
    description=(
        "Stored with a receipt in the append-only log; answers 201 with the receipt code. Refused with 409 "
        "outside the consultation window, 422 for an unknown region or kind, an empty or too long text, "
        "429 beyond the submission rate (per user and per IP address)."
    ),
)
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Answer[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if not request_allowed(request, "api-submit", settings.KENES_SUBMIT_RATE):
        raise ApiError(429, "rate_limited", _("Too many proposals in a short time. Please try again later."))
    version, article = resolve_target(payload)
    client_id = payload.client_id.strip()
    try:
        proposal = submit_proposal(
            version=version, article=article, text=payload.text, kind=payload.kind, region=payload.region,
            channel=Channel.API, author=user, source=f"api:{user.pk}" if client_id else "", source_id=client_id,
        )
    except SubmissionClosed as error:
        raise ApiError(409, "closed", str(error)) from None
    except SubmissionError as error:
        raise ApiError(422, "invalid", str(error)) from None
    # No re-read: a new proposal holds the version (with its document) and the article resolved
    # above, and everything its answer shows was set on submission (status new, no official
    # answer, no support yet); a stored one comes with them from existing_for_source.
    created = not getattr(proposal, "already_present", False)
    body = {
        "created": created,
        "receipt_code": proposal.receipt_code,
        "receipt_url": web_url("proposals:receipt", proposal.receipt_code),
        "proposal": proposal_out(proposal),
    }
    return Answer(201 if created else 200, body)
