"""Analysis results for analysts (`Authorization: Bearer` token of an analyst): the published
run, its groups and clusters, and queuing a new run. Everyone else gets 403 (401 without a token)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kenes.api.auth import TokenAuth
from kenes.api.common import MAX_ID, ApiError, ErrorOut, not_found
from kenes.insights import actions
from kenes.insights.models import AnalysisRun, GroupKind, ProposalAnalysis, ProposalGroup, RunKind
from kenes.proposals.models import ANSWER_STATUSES

router = Router(tags=["insights"], auth=TokenAuth())
MAX_LIMIT = 200


def require_analyst(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or not user.is_analyst:
        raise ApiError(403, "forbidden", _("Only analysts may use the analysis results."))
    return user


class RunOut(Schema):
    id: int
    kind: str
    status: str
    current: bool
    phase: str
    progress: int
    total: int
    analysed: int
    groups_count: int
    clusters_count: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str


class RunIn(Schema):
    kind: str = RunKind.FULL


class GroupOut(Schema):
    id: int
    kind: str
    key: str
    label: str
    size: int
    answered: int
    language: str
    regions: dict[str, int]
    first_seen: datetime | None
    last_seen: datetime | None
    representative: str | None
    representative_text: str
    summary: list[str]
    terms: list[str]
    assigned_to: str | None


class GroupDetailOut(GroupOut):
    members: list[str]


class GroupFilter(Schema):
    kind: str | None = None
    limit: int = 50
    offset: int = 0


def group_out(group: ProposalGroup, answered: int, receipts: dict[int, str]) -> dict[str, Any]:
    return {
        "id": group.pk,
        "kind": group.kind,
        "key": group.key,
        "label": group.display_label,
        "size": group.size,
        "answered": answered,
        "language": group.language,
        "regions": group.regions,
        "first_seen": group.first_seen,
        "last_seen": group.last_seen,
        "representative": receipts.get(group.representative_id or 0),
        "representative_text": group.representative_text,
        "summary": [str(s) for s in group.summary],
        "terms": [str(t) for t in group.terms],
        "assigned_to": group.assigned_to.username if group.assigned_to else None,
    }


@router.get("/insights/runs", response={200: list[RunOut], 401: ErrorOut, 403: ErrorOut})
def list_runs(request: HttpRequest) -> Any:
    """The twenty latest analysis runs, newest first (the published one has `current`)."""
    require_analyst(request)
    return list(AnalysisRun.objects.all()[:20])


@router.post("/insights/runs", response={202: RunOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def start_run(request: HttpRequest, payload: RunIn) -> Any:
    """Queue a full or incremental analysis run (a background task)."""
    user = require_analyst(request)
    if payload.kind not in RunKind.values:
        raise ApiError(400, "bad_request", _("Unknown kind of analysis run."))
    try:
        run = actions.start_analysis(user=user, kind=payload.kind)
    except actions.InsightsError as error:
        raise ApiError(409, "conflict", str(error)) from error
    return Status(202, run)


@router.get("/insights/groups", response={200: list[GroupOut], 401: ErrorOut, 403: ErrorOut})
def list_groups(request: HttpRequest, filters: Query[GroupFilter]) -> Any:
    """Groups and clusters of the published analysis, largest first."""
    require_analyst(request)
    run = AnalysisRun.objects.current()
    groups = ProposalGroup.objects.of_run(run).live().select_related("assigned_to").order_by("-size", "pk")
    if filters.kind in GroupKind.values:
        groups = groups.filter(kind=filters.kind)
    limit = max(1, min(MAX_LIMIT, filters.limit))
    offset = max(0, min(1_000_000, filters.offset))
    rows = list(groups[offset : offset + limit])
    return [group_out(g, answered, receipts) for g, answered, receipts in with_counts(rows)]


def with_counts(groups: list[ProposalGroup]) -> list[tuple[ProposalGroup, int, dict[int, str]]]:
    from kenes.proposals.models import Proposal

    ids = [g.pk for g in groups]
    answered = dict(
        ProposalAnalysis.objects.filter(group_id__in=ids)
        .values("group_id")
        .annotate(n=Count("pk", filter=Q(proposal__status__in=ANSWER_STATUSES)))
        .order_by()
        .values_list("group_id", "n")
    )
    receipts = dict(
        Proposal.objects.filter(pk__in=[g.representative_id for g in groups if g.representative_id]).values_list(
            "pk", "receipt_code"
        )
    )
    return [(g, answered.get(g.pk, 0), receipts) for g in groups]


@router.get("/insights/groups/{group_id}", response={200: GroupDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def group_detail(request: HttpRequest, group_id: int) -> Any:
    """One group of the published analysis with the receipt codes of its members (at most 10,000)."""
    require_analyst(request)
    run = AnalysisRun.objects.current()
    if not 0 < group_id <= MAX_ID:
        raise not_found(_("No such group."))
    group = ProposalGroup.objects.of_run(run).select_related("assigned_to").filter(pk=group_id).first()
    if group is None:
        raise not_found(_("No such group."))
    ((group, answered, receipts),) = with_counts([group])
    members = list(
        ProposalAnalysis.objects.filter(group=group)
        .order_by("proposal_id")
        .values_list("proposal__receipt_code", flat=True)[:10_000]
    )
    return {**group_out(group, answered, receipts), "members": members}
