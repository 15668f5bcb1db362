"""Personal API tokens on the profile page: create one (its secret is shown once, on the page that
answers the creation, and never stored) and revoke one. Only the owner sees or revokes a token."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenes.api.models import ApiToken

MAX_ACTIVE_TOKENS = 10
NAME_MAX_LENGTH = 100


def get_apitoken_for_user(user: Any, token_id: int) -> ApiToken:
    """The user's own token; 404 for anyone else's (administrators included: the admin site is
    where they manage other people's tokens)."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404
    if token.user_id != user.pk:
        raise Http404
    return token


def clean_name(raw: str) -> str:
    """The token's label: printable characters only, whitespace collapsed, at most 100 characters."""
    printable = "".join(c if c.isprintable() else " " for c in raw[: NAME_MAX_LENGTH * 4])
    return " ".join(printable.split())[:NAME_MAX_LENGTH]


@login_required
@require_POST
def apitoken_create(request: HttpRequest) -> HttpResponse:
    profile = resolve_url("accounts:profile")
    if ApiToken.objects.active().filter(user_id=request.user.pk or 0).count() >= MAX_ACTIVE_TOKENS:
        messages.error(
            request, _("You already have %(count)d active API tokens: revoke one first.") % {"count": MAX_ACTIVE_TOKENS}
        )
        return HttpResponseRedirect(profile)
    token, plain = ApiToken.generate(user=request.user, name=clean_name(str(request.POST.get("name", ""))))
    response = TemplateResponse(
        request, "api/apitoken_created.html", {"token": token, "plain": plain, "profile": profile}
    )
    add_never_cache_headers(response)  # the secret must not stay in any cache
    return response


@login_required
@require_POST
def apitoken_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_apitoken_for_user(request.user, token_id)
    if token.is_active:
        token.revoke()
        messages.success(request, _("The API token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return HttpResponseRedirect(resolve_url("accounts:profile"))
