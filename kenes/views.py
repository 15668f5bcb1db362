"""Site-wide views: home page and health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from kenes.drafts.models import Version
from kenes.proposals.models import Proposal


def home(request: HttpRequest) -> HttpResponse:
    current = Version.objects.under_consultation().select_related("document").first()
    context = {
        "current": current,
        "proposal_count": Proposal.objects.public().count(),
        "answered_count": Proposal.objects.public().answered().count(),
        "region_count": Proposal.objects.public().exclude(region="").values("region").distinct().count(),
    }
    return TemplateResponse(request, "home.html", context)


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": "ok"})
