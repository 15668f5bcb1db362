"""Site-wide views: home page and health check."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kenes.drafts.models import Version
from kenes.ops.health import check_health
from kenes.proposals.models import ANSWER_STATUSES, Proposal

COUNTS_CACHE_SECONDS = 30


def time_left_in_words(deadline: datetime, now: datetime | None = None) -> str:
    """'12 days 5 hours left', '3 hours 20 minutes left', 'less than a minute left', or '' when past."""
    seconds = int((deadline - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours and days < 7:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes and not days:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    if not parts:
        return _("less than a minute left")
    return _("%(time)s left") % {"time": " ".join(parts)}


def proposal_counts(version: Version | None) -> dict[str, int]:
    """Public proposals, answered ones and regions they come from: one aggregate query, cached briefly."""
    key = f"home-counts:{version.pk if version else 'all'}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        queryset = Proposal.objects.public()
        if version is not None:
            queryset = queryset.for_version(version)
        counts = queryset.aggregate(
            proposals=Count("id"),
            answered=Count("id", filter=Q(status__in=ANSWER_STATUSES)),
            regions=Count("region", distinct=True, filter=~Q(region="")),
        )
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    current = Version.objects.under_consultation().select_related("document").first()
    counts = proposal_counts(current)
    context = {
        "current": current,
        "document_title": current.document.title(get_language() or "kk") if current else "",
        "time_left": time_left_in_words(current.consultation_closes) if current and current.consultation_closes else "",
        "proposal_count": counts["proposals"],
        "answered_count": counts["answered"],
        "region_count": counts["regions"],
    }
    return TemplateResponse(request, "home.html", context)


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Database and task queue (kenes.ops.health): 200 when this server can serve, 503 when not."""
    healthy, report = check_health()
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
