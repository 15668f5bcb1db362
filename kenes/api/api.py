"""The Kenes API, version 1: `/api/v1/` (schema at `/api/v1/openapi.json`, docs at `/api/v1/docs`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kenes.api import campaign, drafts, insights, news, proposals, referendum
from kenes.api.common import ApiError

DESCRIPTION = """\
Open data of the consultation: the documents under discussion (articles in Kazakh, Russian and,
where available, English), the public proposals (personal data masked; hidden proposals are never
listed), receipts that prove a proposal was counted, and submission of proposals with a personal
API token (`Authorization: Bearer kns_…`; `kenes create-api-token USERNAME` or the profile page makes
one), referendum results by country, region, district and precinct, and, for analysts only, the
published analysis (groups of similar proposals) and queuing a new analysis run.

Errors are JSON objects `{"detail": "…", "code": "…"}`; the message follows `Accept-Language`
(kk, ru, en).
"""

api = NinjaAPI(
    title="Kenes API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
)
api.add_router("/", drafts.router)
api.add_router("/", proposals.router)
api.add_router("/", referendum.router)  # /referendums…
api.add_router("/", insights.router)  # /insights/… (analysts' tokens only)
api.add_router("/", campaign.router)  # /campaign/… (public, read-only)
api.add_router("/", news.router)  # /news… (public, read-only)


@api.exception_handler(ApiError)
def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, "code": exc.code}, status=exc.status)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": _("A valid API token is required (Authorization: Bearer …)."), "code": "unauthorized"},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="kenes"'
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors[:20]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload"))
        problems.append(f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", "")))
    detail = _("The request is not valid: %(problems)s") % {"problems": "; ".join(problems)}
    return api.create_response(request, {"detail": detail, "code": "invalid"}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 403: "forbidden", 404: "not_found", 429: "rate_limited"}.get(exc.status_code, "error")
    return api.create_response(request, {"detail": str(exc), "code": code}, status=exc.status_code)
